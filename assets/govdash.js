/* govdash browser helpers (no network access, no CDN). */
(function () {
    "use strict";

    var EXPORT = { width: 1600, height: 900, scale: 2 };

    /* Navigate inside the Dash app without a reload, like dcc.Link. */
    function navigate(href) {
        window.history.pushState({}, "", href);
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
    }

    window.govdashNavigate = navigate;

    /* dcc.Graph resizes every chart right after drawing it, and again when its
       container is first observed, although the size has not changed: each resize is
       a full redraw (2 x 7 charts per region page, about a third of its drawing
       time, measured with bench/browser.py). Skip a resize that would not change the
       chart's size; a real change (window or layout) still resizes. */
    function guardResize() {
        var plots = window.Plotly && window.Plotly.Plots;
        if (!plots || plots.govdashResizeGuard) {
            return;
        }
        var resize = plots.resize;
        plots.resize = function (gd) {
            var el = typeof gd === "string" ? document.getElementById(gd) : gd;
            var full = el && el._fullLayout;
            if (full && el.clientWidth > 0 &&
                    Math.round(full.width) === el.clientWidth &&
                    Math.round(full.height) === el.clientHeight) {
                return Promise.resolve(el);
            }
            return resize.apply(this, arguments);
        };
        plots.govdashResizeGuard = true;
    }
    // The plotly.js bundle (assets/vendor) loads after this file; the charts are drawn
    // only once the app's callbacks have answered, well after this event.
    document.addEventListener("DOMContentLoaded", guardResize);

    /* ------------------------------------------------------------ print export
       The camera button and the "SVG" button save an app chart drawn with the print
       template (components/templates.py), not the screen one the page shows. A chart of
       the app carries that template's URL in its config (components/graph.py
       PRINT_MARKER, inside toImageButtonOptions); it is fetched on the first export and
       kept. The wrapper replaces plotly.js's downloadImage where each button finds it:
       window.Plotly for the "SVG" button, plotly's registry for the camera (the modebar
       calls Registry.call("downloadImage"), not window.Plotly). The chart on screen is
       left untouched: the export draws a copy of its data and layout. */
    var PRINT_MARKER = "govdashPrintTemplate";
    var printTemplates = {};  // URL -> promise of the template's JSON

    function printTemplate(url) {
        if (!printTemplates[url]) {
            printTemplates[url] = fetch(url, { credentials: "same-origin" }).then(function (reply) {
                if (!reply.ok) {
                    throw new Error("print template: HTTP " + reply.status);
                }
                return reply.json();
            });
            printTemplates[url].catch(function () {
                delete printTemplates[url];  // asked again on the next export
            });
        }
        return printTemplates[url];
    }

    /* A deep copy of plain objects and arrays (anything else shared), as plotly.js's own
       export copies a chart: drawing mutates the layout it is given (autorange). */
    function copyPlain(value) {
        if (Array.isArray(value)) {
            return value.map(copyPlain);
        }
        if (value && Object.prototype.toString.call(value) === "[object Object]") {
            var out = {};
            Object.keys(value).forEach(function (key) { out[key] = copyPlain(value[key]); });
            return out;
        }
        return value;
    }

    /* The app chart `gd` (an element or its id) that exports with the print template,
       or null. */
    function printChart(gd) {
        var el = typeof gd === "string" ? document.getElementById(gd) : gd;
        var opts = el && el._context && el._context.toImageButtonOptions;
        return opts && typeof opts[PRINT_MARKER] === "string" && el.data && el.layout ? el : null;
    }

    function templateFontSize(template) {
        var font = template && template.layout && template.layout.font;
        return font && font.size > 0 ? font.size : null;
    }

    /* The figure's pixel sizes that figures.py sets from the screen font (margins from
       label widths, the donut's centre, the colour bar) grow with the print font, so
       that the larger type is not clipped and keeps its proportions. */
    function scalePixels(layout, data, ratio) {
        var scale = function (value) {
            return typeof value === "number" ? Math.round(value * ratio) : value;
        };
        if (layout.margin) {
            ["l", "r", "t", "b", "pad"].forEach(function (side) {
                layout.margin[side] = scale(layout.margin[side]);
            });
        }
        (layout.annotations || []).forEach(function (note) {
            if (note.font) {
                note.font.size = scale(note.font.size);
            }
            if (typeof note.text === "string") {
                note.text = note.text.replace(/font-size:\s*(\d+(?:\.\d+)?)px/g, function (_m, px) {
                    return "font-size:" + scale(Number(px)) + "px";
                });
            }
        });
        data.forEach(function (trace) {
            if (trace.colorbar && trace.colorbar.thicknessmode !== "fraction") {
                trace.colorbar.thickness = scale(trace.colorbar.thickness);
            }
        });
    }

    /* The figure an app chart exports: {data, layout with the print template, config},
       or null for any other chart (or when the template cannot be had). */
    function printFigure(gd) {
        var el = printChart(gd);
        if (!el) {
            return Promise.resolve(null);
        }
        return printTemplate(el._context.toImageButtonOptions[PRINT_MARKER]).then(function (template) {
            var data = copyPlain(el.data);
            var layout = copyPlain(el.layout);
            var screen = templateFontSize(layout.template), print = templateFontSize(template);
            if (screen && print && screen !== print) {
                scalePixels(layout, data, print / screen);
            }
            layout.template = copyPlain(template);
            return { data: data, layout: layout, config: el._context };
        }, function (err) {
            console.warn("govdash: chart exported without the print template", err);
            return null;
        });
    }

    function printDownload(download) {
        return function (gd, opts) {
            var el = printChart(gd);
            if (!el) {
                return download.apply(this, arguments);
            }
            if (el._snapshotInProgress) {  // as plotly.js: one capture of a chart at a time
                return Promise.reject(new Error("Image capture already in progress."));
            }
            var buttonOptions = el._context.toImageButtonOptions;
            var options = Object.assign({}, opts);
            ["width", "height", "filename"].forEach(function (key) {
                options[key] = options[key] || buttonOptions[key];
            });
            var release = function () { el._snapshotInProgress = false; };
            el._snapshotInProgress = true;
            return printFigure(el).then(function (figure) {
                if (!figure) {
                    release();  // the chart as shown, by plotly.js's own path
                }
                return download(figure || el, options);
            }).then(function (name) {
                release();
                return name;
            }, function (err) {
                release();
                throw err;
            });
        };
    }

    function installPrintExport() {
        var plotly = window.Plotly;
        if (!plotly || !plotly.register || !plotly.downloadImage || plotly.downloadImage.govdashPrint) {
            return;
        }
        var wrapped = printDownload(plotly.downloadImage);
        wrapped.govdashPrint = true;
        plotly.downloadImage = wrapped;  // the "SVG" button (exportSvg) and other scripts
        plotly.register({ moduleType: "apiMethod", name: "downloadImage", fn: wrapped });  // the camera
    }
    document.addEventListener("DOMContentLoaded", installPrintExport);
    window.govdash = window.govdash || {};
    window.govdash.printFigure = printFigure;

    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.govdash = {
        /* The "SVG" button beside a chart: download it at print size. */
        exportSvg: function (nClicks) {
            var noUpdate = window.dash_clientside.no_update;
            try {
                var ctx = window.dash_clientside.callback_context;
                var trigger = ctx && ctx.triggered_id;
                var graphId = trigger && trigger.index;
                var holder = graphId && document.getElementById(graphId);
                var gd = holder && (holder.classList.contains("js-plotly-plot")
                    ? holder : holder.querySelector(".js-plotly-plot"));
                if (!gd || !window.Plotly) {
                    return noUpdate;
                }
                installPrintExport();  // (done at DOMContentLoaded; a no-op then)
                var opts = (gd._context && gd._context.toImageButtonOptions) || {};
                window.Plotly.downloadImage(gd, {
                    format: "svg",
                    width: opts.width || EXPORT.width,
                    height: opts.height || EXPORT.height,
                    filename: opts.filename || "govdash"
                }).catch(function () {
                    /* a second click while the first export is drawn: nothing to do */
                });
            } catch (err) {
                /* never surface a raw error: the button simply does nothing */
            }
            return noUpdate;
        },

        /* Reload the page once the database is back, if the page showed the outage. */
        reloadWhenBack: function (status) {
            var noUpdate = window.dash_clientside.no_update;
            if (status && status.ok && document.querySelector(".gd-db-error")) {
                window.location.reload();
            }
            return noUpdate;
        }
    };

    /* The filter bar's state as the next URL (components/filters.py): the query string
       `search` with the period, dates, kind, source and level of the controls; other
       parameters (region, lang, status, ...) are kept in their order. Returns the new
       href, or null when there is nothing to change. Pure: tested in a real browser
       (tests/e2e/test_filter_bar_browser.py).
         trigger   the id of the control that changed
         kindFixed the page fixes the kind (信访, 矛盾纠纷): the URL's kind is left alone
         shown     the period the page shows ({period, from, to}): dates equal to it are
                   not a custom choice (a page redrawn in place sets the date picker to
                   its preset's dates; ?period=last_month must stay). */
    var ALL = "all", CUSTOM = "custom";
    var PERIOD_ID = "filter-period", DATES_ID = "filter-dates", SHOWN_ID = "filter-shown";

    function mergeQuery(search, updates) {
        var kept = [];
        new URLSearchParams((search || "").replace(/^\?/, "")).forEach(function (value, key) {
            if (!(key in updates) && value !== "") {
                kept.push([key, value]);
            }
        });
        Object.keys(updates).forEach(function (key) {
            if (updates[key] !== null && updates[key] !== undefined) {
                kept.push([key, updates[key]]);
            }
        });
        return kept.length ? "?" + new URLSearchParams(kept).toString() : "";
    }

    function filterHref(trigger, period, startDate, endDate, kind, source, level,
                        kindFixed, pathname, search, shown) {
        var choice = function (value) { return value === null || value === undefined || value === ALL ? null : value; };
        var updates = { source: choice(source), level: choice(level) };
        if (!kindFixed) {
            updates.kind = choice(kind);
        }
        var start = (startDate || "").slice(0, 10) || null;
        var end = (endDate || "").slice(0, 10) || null;
        var dates = trigger === DATES_ID || (trigger === PERIOD_ID && period === CUSTOM);
        if (trigger === DATES_ID && shown && shown.period && start === shown.from && end === shown.to) {
            dates = false; // the URL's preset stays
        } else if (dates) {
            if (!(start && end)) {
                return null;
            }
            updates.period = null;
            updates.from = start;
            updates.to = end;
        } else if (period && period !== CUSTOM) {
            updates.period = period;
            updates.from = null;
            updates.to = null;
        } else if (start && end) {
            updates.period = null;
            updates.from = start;
            updates.to = end;
        }
        var next = mergeQuery(search, updates);
        if (next === (search || "")) {
            return null;
        }
        return (pathname || "/") + next;
    }

    window.govdash = window.govdash || {};
    window.govdash.filterHref = filterHref;
    window.govdash.mergeQuery = mergeQuery;

    /* A URL as the URL triggers hold it (components/filters.py URL_TRIGGER): path and
       query, or null for what is not a URL. */
    function urlKey(href) {
        try {
            var url = new URL(href, window.location.origin);
            return url.pathname + url.search;
        } catch (err) {
            return null;
        }
    }

    /* The URL triggers' new values: `key` where a trigger does not hold it already. */
    function triggerValues(key, held) {
        var noUpdate = window.dash_clientside.no_update;
        return (held || []).map(function (value) {
            return key === null || value === key ? noUpdate : key;
        });
    }

    /* A preset chosen: its dates into the date picker now (components/filters.py
       preset_dates), and into the period shown first, so that the picker's change is
       not taken for a custom choice (filterHref); the update then finds them set and
       does not draw the picker again after the charts. */
    function showPresetDates(trigger, period, presetDates, setProps) {
        var dates = trigger === PERIOD_ID && presetDates && presetDates[period];
        if (!dates) {
            return;
        }
        setProps(SHOWN_ID, { data: { period: period, from: dates[0], to: dates[1] } });
        setProps(DATES_ID, { start_date: dates[0], end_date: dates[1] });
    }

    /* The dcc.Locations of a region page but the pages router's (components/shell.py
       URL_ID, components/filters.py FILTER_URL_ID and PAGE_URL_ID). */
    var PAGE_LOCATIONS = ["url", "filter-url", "page-url"];

    /* The filter bar's next URL. On a page that redraws itself in place (it has URL
       triggers, components/filters.py URL_TRIGGER: a region page) the URL goes into its
       triggers, whose update's request leaves at once, and into the address bar and the
       page's own dcc.Locations, but not to the pages router's: it would only find the
       page shown and say so, and its reply, read after the charts are redrawn, cost
       some 30 ms more per filter change. Elsewhere the URL goes to the filter bar's
       Location, and the router renders the page for it. */
    window.dash_clientside.govdash.applyFilters = function (period, startDate, endDate, kind,
                                                           source, level, kindFixed, pathname,
                                                           search, shown, triggers, presetDates) {
        var noUpdate = window.dash_clientside.no_update;
        var ctx = window.dash_clientside.callback_context;
        var href = null;
        try {
            href = filterHref(ctx && ctx.triggered_id, period, startDate, endDate, kind, source,
                              level, Boolean(kindFixed), pathname, search, shown);
        } catch (err) {
            href = null; // a filter change never shows a raw error
        }
        if (href === null) {
            return [noUpdate, triggerValues(null, triggers)];
        }
        var setProps = window.dash_clientside.set_props;
        if (triggers && triggers.length && setProps) {
            window.history.pushState({}, "", href);
            var address = {
                pathname: window.location.pathname,
                search: window.location.search,
                href: window.location.href
            };
            PAGE_LOCATIONS.forEach(function (id) { setProps(id, address); });
            showPresetDates(ctx && ctx.triggered_id, period, presetDates, setProps);
            return [noUpdate, triggerValues(urlKey(href), triggers)];
        }
        return [href, triggerValues(urlKey(href), triggers)];
    };

    /* The address after browser back/forward (components/filters.py HISTORY_ID, set
       below) into the URL triggers of the page, unless a trigger holds that URL already
       (the one the page was rendered or last updated for). */
    window.dash_clientside.govdash.relayUrl = function (history, held) {
        return triggerValues(history && typeof history.url === "string" ? history.url : null,
                             held);
    };

    /* Back/forward on a page with a filter bar: tell it the new address (`at` makes
       going back and forth to the same address a change). */
    window.addEventListener("popstate", function () {
        var setProps = window.dash_clientside && window.dash_clientside.set_props;
        if (setProps && document.getElementById("filter-bar")) {
            setProps("filter-history", {
                data: { url: urlKey(window.location.href), at: Date.now() }
            });
        }
    });

    /* The navigation bar's links for a URL (components/shell.py nav_links, the same
       links: tests/e2e/test_filter_bar_browser.py compares the two): each page keeps
       the shared filters, the thematic pages and the case list the region, the region
       link goes to the region shown; plus the brand and the language switch. Returns
       [view, brand, switch, ...hrefs, ...classNames], view = {lang, hidden}; the bar's
       labels are drawn on the server when the view changes. */
    var NAV_TARGETS = ["/", "/region", "/petitions", "/disputes", "/satisfaction",
        "/centers", "/grids", "/cases"];
    var SHARED_PARAMS = ["period", "from", "to", "kind", "source", "level", "lang"];
    var FULL_SCREEN_PREFIXES = ["/wall"];

    function pathnamePrefix() {
        var config = document.getElementById("_dash-config");
        try {
            return (config && JSON.parse(config.textContent).requests_pathname_prefix) || "/";
        } catch (err) {
            return "/";
        }
    }

    function relativePath(path) {  // dash.get_relative_path
        var prefix = pathnamePrefix();
        if (prefix === "/" && path === "") {
            return "/";
        }
        if (prefix !== "/" && path === "") {
            return prefix;
        }
        return prefix.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
    }

    function stripRelativePath(path) {  // dash.strip_relative_path
        var prefix = pathnamePrefix();
        if (prefix !== "/" && path.indexOf(prefix.replace(/\/+$/, "")) === 0) {
            path = path.slice(prefix.replace(/\/+$/, "").length);
        }
        return path.replace(/^\/+|\/+$/g, "");
    }

    function navLinks(href) {
        var url = new URL(href || "/", window.location.origin);
        var params = new URLSearchParams(url.search);
        var path = stripRelativePath(url.pathname);
        var parts = path.split("/").filter(Boolean);
        var region = parts.length >= 2 && parts[0] === "region" ? parts[1] : params.get("region");
        var shared = {};
        params.forEach(function (value, key) {
            if (SHARED_PARAMS.indexOf(key) >= 0 && !(key in shared)) {
                shared[key] = value;  // the first value, as the pages read it
            }
        });
        var base = mergeQuery("", shared);
        var top = path ? "/" + path.split("/")[0] : "/";
        var hrefs = NAV_TARGETS.map(function (target) {
            if (target === "/") {
                return relativePath("/") + base;
            }
            if (target === "/region") {
                return relativePath(region ? "/region/" + region : "/region") + base;
            }
            return relativePath(target) + mergeQuery(base, { region: region || null });
        });
        var classes = NAV_TARGETS.map(function (target) {
            var active = top === target || (target === "/cases" && top === "/case");
            return "nav-link" + (active ? " active" : "");
        });
        // Without lang= (or with an unknown one) the deployment's language (GOVDASH_LANG).
        var asked = params.get("lang");
        var byDefault = defaultLang();
        var lang = asked === "en" || asked === "zh" ? asked : byDefault;
        var other = lang === "zh" ? "en" : "zh";
        var hidden = FULL_SCREEN_PREFIXES.some(function (p) {
            return ("/" + path).indexOf(p) === 0;
        });
        var swap = relativePath("/" + path) +
            mergeQuery(url.search, { lang: other === byDefault ? null : other });
        return [{ lang: lang, hidden: hidden }, hrefs[0], swap].concat(hrefs, classes);
    }

    /* The deployment's language, which the shell writes on its hidden language
       element (components/shell.py create_shell): 'zh' or 'en'. */
    function defaultLang() {
        var element = document.getElementById("gd-lang-dummy");
        return element && element.getAttribute("data-default-lang") === "en" ? "en" : "zh";
    }

    window.govdash.navLinks = navLinks;
    window.govdash.defaultLang = defaultLang;

    window.dash_clientside.govdash.navLinks = function (href, view) {
        var noUpdate = window.dash_clientside.no_update;
        var out;
        try {
            out = navLinks(href);
        } catch (err) {
            return Array(3 + 2 * NAV_TARGETS.length).fill(noUpdate);
        }
        if (view && view.lang === out[0].lang && view.hidden === out[0].hidden) {
            out[0] = noUpdate;  // the bar's labels stay
        }
        return out;
    };

    /* A click on a column header sorts the rows by that column's data-<column>
       values ("" = none, always last); a second click reverses the order. */
    function sortRanking(button) {
        var table = button.closest("table");
        var body = table && table.tBodies[0];
        if (!body) {
            return;
        }
        var column = button.getAttribute("data-col");
        var current = button.classList.contains("gd-sort-asc") ? "asc"
            : (button.classList.contains("gd-sort-desc") ? "desc" : null);
        var ascendingFirst = column === "rank" || column === "name" || column === "overdue_open";
        var direction = current ? (current === "asc" ? "desc" : "asc")
            : (ascendingFirst ? "asc" : "desc");
        var sign = direction === "asc" ? 1 : -1;
        var key = "data-" + column;
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
            var x = a.getAttribute(key), y = b.getAttribute(key);
            var xNone = x === "" || x === null, yNone = y === "" || y === null;
            if (xNone || yNone) {
                return xNone === yNone ? 0 : (xNone ? 1 : -1);
            }
            var nx = Number(x), ny = Number(y);
            if (!isNaN(nx) && !isNaN(ny)) {
                return sign * (nx - ny);
            }
            return sign * x.localeCompare(y, "zh-CN");
        });
        rows.forEach(function (row) { body.appendChild(row); });
        table.querySelectorAll(".gd-sort").forEach(function (other) {
            other.classList.remove("gd-sort-asc", "gd-sort-desc");
        });
        button.classList.add("gd-sort-" + direction);
    }

    /* A person reaching for the period dropdown (a press on it, or the keyboard's
       focus) picks a preset some 0.3-1 s later: the server starts on the region
       page's data for the other presets now (pages/_region_view.py prefetch_presets;
       other pages are ignored there), once per URL shown. */
    var PREFETCH_PRESETS_ROUTE = "_govdash/prefetch-presets";
    var presetsAskedFor = null;

    function prefetchPresets(event) {
        var target = event.target;
        if (!target || !target.closest || !target.closest("#" + PERIOD_ID)) {
            return;
        }
        /* Focus counts only when Tab brought it: the dropdown takes focus back after
           an option is picked (by mouse or Enter), and that focus must not prefetch
           the next URL's presets while the server answers the change itself. */
        if (event.type === "focusin" && !tabbing) {
            return;
        }
        var shown = window.location.pathname + window.location.search;
        if (presetsAskedFor === shown || !navigator.sendBeacon) {
            return;
        }
        presetsAskedFor = shown;
        var query = "?path=" + encodeURIComponent(stripRelativePath(window.location.pathname)) +
            "&search=" + encodeURIComponent(window.location.search);
        try {
            navigator.sendBeacon(relativePath(PREFETCH_PRESETS_ROUTE) + query);
        } catch (err) {
            // only a head start: the filter change computes what it needs anyway
        }
    }

    var tabbing = false;  // the last key pressed was Tab, and no pointer came since
    document.addEventListener("keydown", function (event) {
        tabbing = event.key === "Tab";
    }, true);
    document.addEventListener("pointerdown", function () { tabbing = false; }, true);
    document.addEventListener("pointerdown", prefetchPresets, true);
    document.addEventListener("focusin", prefetchPresets, true);

    document.addEventListener("click", function (event) {
        var target = event.target;
        if (!target || !target.closest) {
            return;
        }
        var sort = target.closest(".gd-ranking-table .gd-sort");
        if (sort) {
            sortRanking(sort);
            return;
        }
        /* A link written as HTML (the ranking table's names): open it inside the app
           on a plain click, like dcc.Link; ctrl/middle click opens a new tab. */
        var link = target.closest("a[data-gd-nav]");
        if (link && event.button === 0 && !event.metaKey && !event.ctrlKey &&
                !event.shiftKey && !event.altKey) {
            event.preventDefault();
            navigate(link.getAttribute("href"));
        }
    });
})();
