"""maplibre-gl is loaded only when a map is drawn (assets/plotly-lazy-map.js).

- the city page draws its choroplethmap: the maplibre canvas is there, the trace's
  fill layer has rendered the districts, the lazy file was fetched once, and nothing
  went to the console;
- a district page (a treemap, no map) never requests the lazy file; going on to the
  city page inside the app then loads it and draws the map.

Run with `pytest --headless -m e2e` (scripts/test.sh does).
"""

from __future__ import annotations

import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.e2e

PERIOD = "?from=2024-01-01&to=2024-12-31"
LAZY_FILE = "maplibre-govdash.min.js"

# The drawn map of the page: its graph div, maplibre's canvas in it, and the number of
# features maplibre has rendered for the choroplethmap's fill layer (the districts
# painted on the canvas). null while it is not drawn yet.
MAP_STATE = """
var gds = document.querySelectorAll('.js-plotly-plot');
for (var i = 0; i < gds.length; i++) {
    var gd = gds[i];
    if (!gd.data || !gd.data.some(function (t) { return t.type === 'choroplethmap'; })) {
        continue;
    }
    var full = gd._fullLayout;
    var map = full && full.map && full.map._subplot && full.map._subplot.map;
    var canvas = gd.querySelector('.maplibregl-canvas');
    if (!map || !canvas || !map.loaded() || !map.isStyleLoaded()) { return null; }
    var fills = map.getStyle().layers.filter(function (l) {
        return l.id.indexOf('plotly-trace-layer-') === 0 && l.type === 'fill';
    });
    var painted = fills.length
        ? map.queryRenderedFeatures({layers: fills.map(function (l) { return l.id; })}).length
        : 0;
    return {
        canvas: [canvas.width, canvas.height],
        fillLayers: fills.length,
        painted: painted,
        maplibre: Boolean(window.govdashMaplibre)
    };
}
return null;
"""

LAZY_REQUESTS = """
var file = arguments[0];
return performance.getEntriesByType('resource')
    .map(function (e) { return e.name; })
    .filter(function (name) { return name.indexOf(file) >= 0; });
"""


def wait(dash_duo, condition, timeout: int = 60):
    return WebDriverWait(
        dash_duo.driver,
        timeout,
        poll_frequency=0.2,
        ignored_exceptions=(StaleElementReferenceException, NoSuchElementException),
    ).until(condition)


def start(dash_duo, app, port) -> str:
    dash_duo.start_server(app, navigate=False, port=port)
    dash_duo.driver.set_window_size(1600, 1000)
    return dash_duo.server.url.rstrip("/")


def wait_for_region_drawn(dash_duo, code: str) -> None:
    """The region page of `code` is on screen with every chart drawn."""
    script = """
    if (!document.querySelector("#region-page[data-region='" + arguments[0] + "']"
            + " #kpi-accepted-value")) { return false; }
    var graphs = document.querySelectorAll('.gd-page .js-plotly-plot');
    if (!graphs.length) { return false; }
    for (var i = 0; i < graphs.length; i++) { if (!graphs[i]._fullLayout) { return false; } }
    return true;
    """
    try:
        wait(dash_duo, lambda d: d.execute_script(script, code))
    except TimeoutException as exc:
        graphs = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('.js-plotly-plot')].map("
            "g => [g.id || g.parentElement.id, Boolean(g._fullLayout)]);"
        )
        raise AssertionError(
            f"region {code} not drawn; at {dash_duo.driver.current_url}; graphs {graphs}; "
            f"console {dash_duo.get_logs()}; "
            f"page {dash_duo.driver.execute_script('return document.body.innerText')[:400]!r}"
        ) from exc


def wait_for_map(dash_duo) -> dict:
    try:
        state = wait(
            dash_duo,
            lambda d: (s := d.execute_script(MAP_STATE)) and s["painted"] > 0 and s,
        )
    except TimeoutException as exc:
        raise AssertionError(f"map not drawn: {dash_duo.driver.execute_script(MAP_STATE)}") from exc
    return state


def lazy_requests(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(LAZY_REQUESTS, LAZY_FILE)


def test_city_page_draws_the_map(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + "/region/150200" + PERIOD)
    wait_for_region_drawn(dash_duo, "150200")
    state = wait_for_map(dash_duo)
    assert state["maplibre"]
    assert state["fillLayers"] == 1
    assert min(state["canvas"]) > 0
    requested = lazy_requests(dash_duo)
    assert len(requested) == 1, requested
    assert "?m=" in requested[0]  # fingerprinted: app.py lets the browser keep it a year
    assert dash_duo.get_logs() == []


def test_district_page_does_not_load_maplibre(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + "/region/150203" + PERIOD)
    wait_for_region_drawn(dash_duo, "150203")
    assert dash_duo.driver.execute_script("return Boolean(window.govdashMaplibreUrl)")
    assert lazy_requests(dash_duo) == []
    assert dash_duo.driver.execute_script("return window.govdashMaplibre === undefined")
    assert dash_duo.get_logs() == []

    # On to the city inside the app (no page load): now the map needs it.
    dash_duo.driver.execute_script(
        "window.govdashNavigate(arguments[0])", "/region/150200" + PERIOD
    )
    wait_for_region_drawn(dash_duo, "150200")
    wait_for_map(dash_duo)
    assert len(lazy_requests(dash_duo)) == 1
    assert dash_duo.get_logs() == []
