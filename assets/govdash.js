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

    /* dash-ag-grid cell renderers. */
    var dagfuncs = (window.dashAgGridComponentFunctions =
        window.dashAgGridComponentFunctions || {});

    /* A real link (<a href>) that navigates inside the app on a plain click. */
    dagfuncs.RegionLink = function (props) {
        var href = props.data && props.data.href;
        if (!href) {
            return props.value;
        }
        return window.React.createElement(
            "a",
            {
                href: href,
                className: "gd-region-link",
                onClick: function (event) {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
                        event.button !== 0) {
                        return;
                    }
                    event.preventDefault();
                    navigate(href);
                }
            },
            props.value
        );
    };
})();
