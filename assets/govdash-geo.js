/* The district map is plotly.js's geo `choropleth` with its base map switched off
   (components/figures.py: geo.visible = false). plotly.js still loads the world
   topojson of the geo subplot before drawing, from a CDN by default, unless
   window.PlotlyGeoAssets already holds it. The app is offline and draws no land,
   ocean or borders, so it gets an empty world here: nothing is fetched. (This file
   runs before the plotly.js bundle, which keeps an existing PlotlyGeoAssets.) */
(function () {
    "use strict";
    var empty = { type: "GeometryCollection", geometries: [] };
    var layers = ["land", "ocean", "lakes", "rivers", "countries", "subunits", "coastlines"];
    var objects = {};
    layers.forEach(function (name) { objects[name] = empty; });
    var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} });
    assets.topojson = assets.topojson || {};
    if (!assets.topojson.world_110m) {
        assets.topojson.world_110m = {
            type: "Topology", objects: objects, arcs: [], bbox: [-180, -90, 180, 90]
        };
    }
}());
