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
                var opts = (gd._context && gd._context.toImageButtonOptions) || {};
                window.Plotly.downloadImage(gd, {
                    format: "svg",
                    width: opts.width || EXPORT.width,
                    height: opts.height || EXPORT.height,
                    filename: opts.filename || "govdash"
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

    /* The ranking table's column headers (components/tables.py): sort its rows in the
       browser. The rows arrive as Dash components whose data-<column> attributes
       hold the values to sort by ("" = none, always last). */
    window.dash_clientside.govdash.sortRanking = function (nClicks, rows, state) {
        var noUpdate = window.dash_clientside.no_update;
        var ctx = window.dash_clientside.callback_context;
        var column = ctx && ctx.triggered_id && ctx.triggered_id.index;
        var ids = ((ctx && ctx.inputs_list && ctx.inputs_list[0]) || []).map(function (item) {
            return item.id.index;
        });
        if (!column || !Array.isArray(rows)) {
            return [noUpdate, noUpdate, noUpdate];
        }
        state = state || {};
        var ascendingFirst = column === "rank" || column === "name" || column === "overdue_open";
        var direction = state.column === column
            ? (state.direction === "asc" ? "desc" : "asc")
            : (ascendingFirst ? "asc" : "desc");
        var sign = direction === "asc" ? 1 : -1;
        var key = "data-" + column;
        var sorted = rows.slice().sort(function (a, b) {
            var x = a.props[key], y = b.props[key];
            var xNone = x === "" || x === null || x === undefined;
            var yNone = y === "" || y === null || y === undefined;
            if (xNone || yNone) {
                return xNone === yNone ? 0 : (xNone ? 1 : -1);
            }
            if (typeof x === "number" && typeof y === "number") {
                return sign * (x - y);
            }
            return sign * String(x).localeCompare(String(y), "zh-CN");
        });
        var classes = ids.map(function (id) {
            return "gd-sort" + (id === column ? " gd-sort-" + direction : "");
        });
        return [sorted, {column: column, direction: direction}, classes];
    };
})();
