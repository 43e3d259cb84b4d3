/* Load maplibre-gl only when a map is drawn (no network access beyond the app's own
   assets, no CDN).

   The partial plotly.js (assets/vendor/plotly-govdash.min.js) registers the map traces
   but not their map library: maplibre-gl, its worker and its CSS are in
   assets/vendor/lazy/maplibre-govdash.min.js (as large as the rest of plotly.js), which
   Dash does not load (app.py's assets_ignore) and which sets window.govdashMaplibre. The bundle sets window.govdashMaplibreUrl, that file's
   fingerprinted address. Both are built by scripts/build-plotly.sh.

   dcc.Graph draws with the global `Plotly.react(gd, figure)`, read at each call, so
   replacing Plotly.react (and Plotly.newPlot) on the Plotly object intercepts it: a
   figure with a map trace waits for the script, then is drawn as before. Should the
   script not load, the figure is drawn without its map traces and one warning logged,
   rather than the chart failing with an uncaught error. */
(function () {
    "use strict";

    var loading = null;
    var warned = false;

    /* The traces plotly.js draws with maplibre (its "map" subplot). Named one by one:
       treemap and heatmap end in "map" too. */
    var MAP_TRACES = ["choroplethmap", "scattermap", "densitymap"];

    function isMapTrace(trace) {
        return Boolean(trace) && MAP_TRACES.indexOf(trace.type) >= 0;
    }

    /* Plotly.react / newPlot take (gd, data, layout, config) or (gd, figure). */
    function traces(args) {
        var second = args[1];
        if (Array.isArray(second)) {
            return second;
        }
        return (second && Array.isArray(second.data)) ? second.data : [];
    }

    function withoutMapTraces(args) {
        var copy = Array.prototype.slice.call(args);
        var keep = function (trace) { return !isMapTrace(trace); };
        if (Array.isArray(copy[1])) {
            copy[1] = copy[1].filter(keep);
        } else if (copy[1] && Array.isArray(copy[1].data)) {
            copy[1] = Object.assign({}, copy[1], { data: copy[1].data.filter(keep) });
        }
        return copy;
    }

    function loadMaplibre() {
        if (window.govdashMaplibre) {
            return Promise.resolve();
        }
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var url = window.govdashMaplibreUrl;
                if (!url) {
                    reject(new Error("window.govdashMaplibreUrl is not set"));
                    return;
                }
                var script = document.createElement("script");
                script.src = url;
                script.async = true;
                script.onload = function () {
                    if (window.govdashMaplibre) {
                        resolve();
                    } else {
                        reject(new Error(url + " did not define window.govdashMaplibre"));
                    }
                };
                script.onerror = function () {
                    reject(new Error("could not load " + url));
                };
                document.head.appendChild(script);
            });
            // A later map may try again (e.g. after the network came back).
            loading.catch(function () { loading = null; });
        }
        return loading;
    }

    function wrap(Plotly, name) {
        var original = Plotly[name];
        if (typeof original !== "function") {
            return;
        }
        Plotly[name] = function () {
            var self = this;
            var args = arguments;
            if (window.govdashMaplibre || !traces(args).some(isMapTrace)) {
                return original.apply(self, args);
            }
            return loadMaplibre().then(function () {
                return original.apply(self, args);
            }, function (err) {
                if (!warned) {
                    warned = true;
                    console.warn("govdash: maps are not drawn, maplibre-gl did not load: " +
                        (err && err.message));
                }
                return original.apply(self, withoutMapTraces(args));
            });
        };
    }

    function install() {
        var Plotly = window.Plotly;
        if (!Plotly || Plotly.govdashLazyMap) {
            return Boolean(Plotly);
        }
        wrap(Plotly, "react");
        wrap(Plotly, "newPlot");
        Plotly.govdashLazyMap = true;
        return true;
    }

    // Dash loads assets/*.js before assets/vendor/*.js, so the bundle usually comes
    // after this file; every asset script has run by DOMContentLoaded, and the charts
    // are drawn only once the app's callbacks have answered, well after it.
    if (!install()) {
        document.addEventListener("DOMContentLoaded", install);
    }
}());
