/* Load dash-ag-grid's script (1.3 MB) only when a grid is first rendered.

   components/lazy_grid.py leaves dash_ag_grid.min.js out of the index page and puts
   its fingerprinted URL in <meta name="govdash-aggrid-src">. The dash-renderer looks
   a component up as window[namespace][type] each time it renders one, so this file
   (an asset: it runs after React and before the renderer) defines window.dash_ag_grid
   with a stand-in AgGrid. The stand-in draws the grid's empty box (same id, class and
   size as the real grid's outer div), inserts the script once, then renders the real
   AgGrid with all its props (setProps, dashRenderType, ...).

   The stand-in stays the component the renderer sees, also after the script has run:
   if the renderer swapped it for the real AgGrid, React would unmount and remount
   every grid on the page at its next update (state lost, rows asked for again). So
   the script's own `window.dash_ag_grid = ...` is captured by a setter, and its other
   exports (getApi, getApiAsync) are copied onto the stand-in namespace. (The grid's
   chunk, async-community.js, adds useGridFilter to whatever window.dash_ag_grid is:
   the stand-in namespace, where custom components look for it.) */
(function () {
    "use strict";

    var META = "govdash-aggrid-src";
    if (window.dash_ag_grid && window.dash_ag_grid.AgGrid) {
        return; // the script is in the index page (lazy loading not installed)
    }

    var real = null; // the namespace the script defines: {AgGrid, getApi, getApiAsync}
    var loading = null; // one shared promise of `real`
    var failed = false;
    var warned = false;

    /* The real AgGrid's static properties the renderer reads before the script has
       loaded: persistence defaults (dash-ag-grid 35: dashPersistence on React >= 18.3;
       replaced by the real values once loaded) and the flag that makes the renderer
       pass the `dashRenderType` prop. propTypes are copied only once loaded (before,
       the renderer's dev-mode checks skip a component without propTypes). */
    function AgGrid(props) {
        var React = window.React;
        var update = React.useState(0)[1];
        var ready = real && real.AgGrid;
        React.useEffect(function () {
            if (ready) {
                return undefined;
            }
            var mounted = true;
            var rerender = function () {
                if (mounted) {
                    update(function (n) { return n + 1; });
                }
            };
            load().then(rerender, rerender);
            return function () { mounted = false; };
        }, [ready]);
        if (ready) {
            return React.createElement(real.AgGrid, props);
        }
        return placeholder(React, props);
    }
    AgGrid.dashRenderType = true;
    AgGrid.dashPersistence = { persisted_props: ["selectedRows"], persistence_type: "local" };

    /* The real grid's outer div: 400px high unless autoHeight, full width, then the
       component's own style; a short message if the script could not be loaded. */
    function placeholder(React, props) {
        var options = props.dashGridOptions || {};
        var style = Object.assign(
            { height: options.domLayout === "autoHeight" ? null : "400px", width: "100%" },
            props.style || {}
        );
        var message = failed
            ? React.createElement(
                "div",
                { className: "gd-grid-error", role: "alert", style: { padding: "1rem", color: "#842029" } },
                "表格组件加载失败，请刷新页面。 The table component could not be loaded; please reload the page."
            )
            : null;
        return React.createElement(
            "div",
            { id: props.id, className: props.className, style: style, "data-lazy-grid": failed ? "failed" : "loading" },
            message
        );
    }

    function fail(reason) {
        failed = true;
        if (!warned) {
            warned = true;
            window.console.warn("govdash: dash-ag-grid could not be loaded (" + reason + ")");
        }
        return Promise.reject(new Error(reason));
    }

    /* Insert the script once; resolves with the real namespace. A classic script
       (not async) so that, while it runs, document.currentScript is this element:
       the bundle takes its webpack public path from it and fetches its own chunk
       (async-community.js) from the same directory. */
    function load() {
        if (loading) {
            return loading;
        }
        var meta = document.querySelector('meta[name="' + META + '"]');
        var src = meta && meta.getAttribute("content");
        if (!src) {
            loading = fail("no <meta name=\"" + META + "\"> in the page");
            return loading;
        }
        loading = new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = src;
            script.async = false;
            script.onload = function () {
                if (real && real.AgGrid) {
                    adopt();
                    resolve(real);
                } else {
                    reject(new Error(src + " defined no dash_ag_grid.AgGrid"));
                }
            };
            script.onerror = function () {
                reject(new Error(src + " did not load"));
            };
            document.head.appendChild(script);
        }).catch(function (err) {
            return fail(err.message);
        });
        return loading;
    }

    /* Once loaded: the stand-in forwards the real component's statics and exports. */
    function adopt() {
        ["propTypes", "dashPersistence", "persistenceTransforms", "dashChildrenUpdate"].forEach(
            function (key) {
                if (key in real.AgGrid) {
                    AgGrid[key] = real.AgGrid[key];
                }
            }
        );
        if (!("dashPersistence" in real.AgGrid) && real.AgGrid.defaultProps) {
            AgGrid.dashPersistence = {
                persisted_props: real.AgGrid.defaultProps.persisted_props,
                persistence_type: real.AgGrid.defaultProps.persistence_type
            };
        }
        Object.keys(real).forEach(function (key) {
            if (key !== "AgGrid") {
                namespace[key] = real[key];
            }
        });
    }

    function notYet(id) {
        return new Error("no grid found, or grid is not initialized yet, with id: " + id);
    }

    var namespace = {
        AgGrid: AgGrid,
        /* Replaced by the real functions once the script has loaded. */
        getApi: function (id) {
            throw notYet(id);
        },
        getApiAsync: function (id) {
            return load().then(function (ns) { return ns.getApiAsync(id); });
        }
    };

    Object.defineProperty(window, "dash_ag_grid", {
        configurable: true,
        enumerable: true,
        get: function () { return namespace; },
        set: function (value) {
            if (value && value !== namespace) {
                real = value; // the script's `window.dash_ag_grid = {...}`
            }
        }
    });
})();
