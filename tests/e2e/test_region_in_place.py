"""The region page in headless Chromium: the district map and filter changes.

- the city page draws the districts as an SVG choropleth (no WebGL, no request
  outside the app, no console entry) and a click on a district drills down;
- a filter change redraws the page in place: every chart is the same DOM node as
  before (Plotly.react, not a new plot), the tiles show kpis() for the new period,
  the URL keeps the preset (?period=…), and the browser's back and forward buttons
  bring back each view, with the filter bar showing it;
- a chart that a filter change does not change is not redrawn.

Run with `pytest --headless -m e2e` (scripts/test.sh does).
"""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import click_bar, drawn, points_of, start, tile, wait
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC  # noqa: N812
from selenium.webdriver.support.ui import WebDriverWait

from components.formatting import format_value
from components.url_state import preset_period
from data_access.engine import make_engine
from data_access.metrics import kpis

pytestmark = pytest.mark.e2e

MARK = "document.querySelectorAll('.js-plotly-plot').forEach(function (g) { g.__kept = 1; });"
KEPT = (
    "return Array.from(document.querySelectorAll('.js-plotly-plot'))"
    ".map(function (g) { return g.__kept === 1; });"
)


def open_kundulun_2024(dash_duo, app, port: int) -> str:
    """昆都仑区 in 2024 (4,013 受理), fully drawn; returns the app's base URL."""
    base = start(dash_duo, app, port, height=1400)
    dash_duo.driver.get(base + "/region/150203?from=2024-01-01&to=2024-12-31")
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    drawn(dash_duo)
    return base


def shown_dates(driver) -> list[str]:
    """The date picker's two dates as shown."""
    inputs = driver.find_elements(By.CSS_SELECTOR, ".gd-w-dates input")
    return [i.get_attribute("value") for i in inputs]


def choose_period(dash_duo, preset: str) -> None:
    driver = dash_duo.driver
    WebDriverWait(driver, 20).until(EC.element_to_be_clickable((By.ID, "filter-period"))).click()
    option = WebDriverWait(driver, 20).until(
        EC.element_to_be_clickable((By.XPATH, f"//*[@role='option'][.//input[@value='{preset}']]"))
    )
    option.click()


def test_city_map_is_svg_fetches_nothing_and_drills_down(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port, height=1400)
    dash_duo.driver.get(base + "/region/150200?from=2024-01-01&to=2024-12-31")
    drawn(dash_duo)
    paths = wait(
        dash_duo,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#region-children path.choroplethlocation"),
    )
    assert len(paths) == 9  # the nine districts with a boundary; 150271 is only ranked
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#region-children canvas")
    fills = {p.value_of_css_property("fill") for p in paths}
    assert len(fills) > 1  # shaded by the number of cases
    outside = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
        ".filter(function (n) { return n.indexOf(location.origin) !== 0; });"
    )
    assert outside == []
    assert dash_duo.get_logs() == []
    codes = dash_duo.driver.execute_script(
        "return document.querySelector('#region-children .js-plotly-plot').data[0].locations;"
    )
    index = codes.index("150203")
    ActionChains(dash_duo.driver).move_to_element(paths[index]).pause(0.4).click().perform()
    wait(dash_duo, lambda d: urlsplit(d.current_url).path == "/region/150203")
    wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "#region-page[data-region='150203']"))
    assert dash_duo.get_logs() == []


def test_a_filter_change_redraws_the_page_in_place(
    dash_duo, dashboard_app, dashboard_db_url, free_port
):
    engine = make_engine(dashboard_db_url)
    open_kundulun_2024(dash_duo, dashboard_app, free_port)
    dash_duo.driver.execute_script(MARK)

    choose_period(dash_duo, "last_month")
    wait(
        dash_duo, lambda d: parse_qs(urlsplit(d.current_url).query).get("period") == ["last_month"]
    )
    first, last = preset_period("last_month", date.today())
    want = kpis(engine, "150203", first, last)
    wait(
        dash_duo, lambda d: tile(dash_duo, "accepted") == format_value("accepted", want["accepted"])
    )
    drawn(dash_duo)
    for key in ("closure_rate", "satisfaction_rate", "open", "overdue_open"):
        assert tile(dash_duo, key) == format_value(key, want[key]), key
    kept = dash_duo.driver.execute_script(KEPT)
    assert kept and all(kept), "every chart is redrawn where it is, none mounted anew"
    assert first.isoformat() in dash_duo.find_element("#page-meta").text
    assert shown_dates(dash_duo.driver) == [first.isoformat(), last.isoformat()]
    time.sleep(1.0)  # the date picker was set: the URL keeps the preset all the same
    query = parse_qs(urlsplit(dash_duo.driver.current_url).query)
    assert query.get("period") == ["last_month"] and "from" not in query

    # The table's links and the breadcrumb carry the new filters.
    link = dash_duo.find_element("#ranking-table a.gd-region-link")
    assert "period=last_month" in link.get_attribute("href")
    crumb = dash_duo.find_element("#page-crumbs a")
    assert "period=last_month" in crumb.get_attribute("href")
    # ... and so do the navigation bar's (in the browser, no round trip).
    wait(
        dash_duo,
        lambda d: (
            "period=last_month" in d.find_element(By.ID, "nav-petitions").get_attribute("href")
        ),
    )
    assert "region=150203" in dash_duo.find_element("#nav-petitions").get_attribute("href")

    # Back: the previous view again, in place, with the filter bar showing it.
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    drawn(dash_duo)
    assert tile(dash_duo, "closure_rate") == "96.71%"
    assert all(dash_duo.driver.execute_script(KEPT))
    assert shown_dates(dash_duo.driver) == ["2024-01-01", "2024-12-31"]
    assert "自定义" in dash_duo.find_element("#filter-period").text

    # Forward: the filter change's view again, and back once more.
    dash_duo.driver.forward()
    wait(
        dash_duo, lambda d: tile(dash_duo, "accepted") == format_value("accepted", want["accepted"])
    )
    drawn(dash_duo)
    assert first.isoformat() in dash_duo.find_element("#page-meta").text
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    drawn(dash_duo)
    assert all(dash_duo.driver.execute_script(KEPT))
    engine.dispose()
    assert dash_duo.get_logs() == []


# Each chart's margins as plotly drew them (after automargin) against those the figure
# asked for. A chart whose labels, colour bar or last tick need more room than its
# figure gives is drawn twice on every redraw (components/figures.py sets margins
# from the labels so that this does not happen).
PUSHED_MARGINS = """
var out = [];
document.querySelectorAll('.gd-page .js-plotly-plot').forEach(function (gd) {
    var asked = gd.layout.margin || {}, size = gd._fullLayout._size;
    if (asked.l === undefined || !gd.data.length) { return; }  // an empty chart
    var drawn = [size.l, size.r, size.t, size.b], wanted = [asked.l, asked.r, asked.t, asked.b];
    if (drawn.join() !== wanted.join()) {
        out.push([gd.parentElement.id, wanted, drawn]);
    }
});
return out;
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_chart_is_drawn_twice_for_its_margins(dash_duo, dashboard_app, free_port, lang):
    base = start(dash_duo, dashboard_app, free_port, height=1400)
    for code in ("150200", "150203", "150203001", "150203001015", "150203001015001"):
        dash_duo.driver.get(f"{base}/region/{code}?from=2024-01-01&to=2024-12-31&lang={lang}")
        wait(dash_duo, lambda d, c=code: d.find_elements(By.CSS_SELECTOR, f"[data-region='{c}']"))
        drawn(dash_duo)
        assert dash_duo.driver.execute_script(PUSHED_MARGINS) == [], code
    assert dash_duo.get_logs() == []


# Counts the requests of the in-place update callbacks (their outputs begin with the
# header line), from the first script of the page on.
COUNT_UPDATES = """
window.__updates = 0;
window.__routed = 0;
var fetchFirst = window.fetch;
window.fetch = function (url, options) {
    var body = options && typeof options.body === 'string' ? options.body : '';
    if (String(url).indexOf('_dash-update-component') >= 0 &&
            body.indexOf('page-meta.children') >= 0) {
        window.__updates += 1;
    }
    if (String(url).indexOf('_dash-update-component') >= 0 &&
            body.indexOf('_pages_content.children') >= 0) {
        window.__routed += 1;  // the pages router
    }
    return fetchFirst.apply(this, arguments);
};
"""


def test_a_page_view_is_not_updated_for_its_own_url(dash_duo, dashboard_app, free_port):
    """The update callbacks run for a URL the page was not rendered for: never after a
    page view (the filter bar's Location announces the address as it mounts), once per
    filter change (the Location announces the new address twice). The pages router is
    not asked about a filter change: the page redraws itself."""
    dash_duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_UPDATES}
    )
    open_kundulun_2024(dash_duo, dashboard_app, free_port)
    time.sleep(1.0)
    assert dash_duo.driver.execute_script("return window.__updates;") == 0
    routed = dash_duo.driver.execute_script("return window.__routed;")
    choose_period(dash_duo, "last_month")
    wait(
        dash_duo, lambda d: parse_qs(urlsplit(d.current_url).query).get("period") == ["last_month"]
    )
    drawn(dash_duo)
    time.sleep(1.0)
    assert dash_duo.driver.execute_script("return window.__updates;") == 1
    assert dash_duo.driver.execute_script("return window.__routed;") == routed
    assert dash_duo.get_logs() == []


# Marks what each chart was drawn with: plotly builds a new _fullLayout at every
# Plotly.react, so a chart still holding its mark was not redrawn.
MARK_DRAWN = (
    "document.querySelectorAll('.gd-page .js-plotly-plot')"
    ".forEach(function (g) { g.__drawnWith = g._fullLayout; });"
)
REDRAWN = (
    "var out = {}; document.querySelectorAll('.gd-page .js-plotly-plot').forEach("
    "function (g) { out[g.parentElement.id] = g._fullLayout !== g.__drawnWith; }); return out;"
)


def test_a_filter_change_leaves_the_charts_it_does_not_change(dash_duo, dashboard_app, free_port):
    """本年 → 本月: the trend shows the same twelve months either way and is left as
    drawn; the charts of the period itself are redrawn."""
    base = start(dash_duo, dashboard_app, free_port, height=1400)
    dash_duo.driver.get(base + "/region/150203?period=this_year")
    wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-region='150203']"))
    drawn(dash_duo)
    dash_duo.driver.execute_script(MARK_DRAWN)
    choose_period(dash_duo, "this_month")
    first, _ = preset_period("this_month", date.today())
    wait(dash_duo, lambda d: first.isoformat() in d.find_element(By.ID, "page-meta").text)
    drawn(dash_duo)
    redrawn = dash_duo.driver.execute_script(REDRAWN)
    assert redrawn["region-trend"] is False, redrawn
    for graph_id in ("region-levels", "region-sources", "region-rank-bar", "region-children"):
        assert redrawn[graph_id] is True, redrawn
    assert dash_duo.get_logs() == []


def test_drill_down_after_a_filter_change_keeps_the_new_filters(dash_duo, dashboard_app, free_port):
    """A filter change redraws the page without the pages router; the page's own
    Locations still know the new address, so a click on a child's bar opens the
    child with the new filters."""
    open_kundulun_2024(dash_duo, dashboard_app, free_port)
    dash_duo.select_dcc_dropdown("#filter-kind", "信访")
    wait(dash_duo, lambda d: parse_qs(urlsplit(d.current_url).query).get("kind") == ["petition"])
    wait(dash_duo, lambda d: tile(dash_duo, "accepted") != "4,013")
    drawn(dash_duo)
    child = points_of(dash_duo, "region-rank-bar")[0]
    click_bar(dash_duo, "region-rank-bar", child)
    wait(dash_duo, lambda d: urlsplit(d.current_url).path == f"/region/{child}")
    query = parse_qs(urlsplit(dash_duo.driver.current_url).query)
    assert query.get("kind") == ["petition"]
    assert (query.get("from"), query.get("to")) == (["2024-01-01"], ["2024-12-31"])
    wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-region='{child}']"))
    assert "信访" in dash_duo.find_element("#filter-kind").text
    assert dash_duo.get_logs() == []


# Holds the reply of the region page's update until the test lets it through.
HOLD_UPDATES = """
window.__release = null;
var fetchHeld = window.fetch;
window.fetch = function (url, options) {
    var body = options && typeof options.body === 'string' ? options.body : '';
    var reply = fetchHeld.apply(this, arguments);
    if (body.indexOf('page-meta.children') < 0) { return reply; }
    return new Promise(function (resolve) { window.__release = function () { resolve(reply); }; });
};
"""


def test_a_preset_shows_its_dates_before_the_update_answers(dash_duo, dashboard_app, free_port):
    """Choosing a preset puts its dates into the date picker at once (the picker is not
    drawn again after the charts); the URL keeps the preset and the page follows."""
    open_kundulun_2024(dash_duo, dashboard_app, free_port)
    dash_duo.driver.execute_script(HOLD_UPDATES)
    choose_period(dash_duo, "last_month")
    first, last = preset_period("last_month", date.today())

    wait(dash_duo, lambda d: d.execute_script("return window.__release !== null;"))
    wait(dash_duo, lambda d: shown_dates(d) == [first.isoformat(), last.isoformat()])
    assert tile(dash_duo, "accepted") == "4,013"  # the update has not answered yet
    dash_duo.driver.execute_script("window.__release();")
    wait(dash_duo, lambda d: first.isoformat() in d.find_element(By.ID, "page-meta").text)
    drawn(dash_duo)
    time.sleep(1.0)
    assert shown_dates(dash_duo.driver) == [first.isoformat(), last.isoformat()]
    query = parse_qs(urlsplit(dash_duo.driver.current_url).query)
    assert query.get("period") == ["last_month"] and "from" not in query
    assert dash_duo.get_logs() == []


def test_reaching_for_the_period_dropdown_prefetches_the_presets(
    dash_duo, dashboard_app, free_port, monkeypatch
):
    """A press on the period dropdown posts the page's URL (assets/govdash.js
    prefetchPresets) once per URL shown: the server starts on the other presets'
    data; the preset then chosen is drawn as ever, with nothing in the console."""
    import sys

    app_module = sys.modules[dashboard_app.server.import_name]
    asked: list[tuple[str, dict]] = []
    prefetch = app_module.prefetch_presets

    def recorded(path, params):
        asked.append((path, params))
        return prefetch(path, params)

    monkeypatch.setattr(app_module, "prefetch_presets", recorded)
    open_kundulun_2024(dash_duo, dashboard_app, free_port)
    driver = dash_duo.driver
    WebDriverWait(driver, 20).until(EC.element_to_be_clickable((By.ID, "filter-period"))).click()
    wait(dash_duo, lambda d: asked)
    assert asked == [("/region/150203", {"from": "2024-01-01", "to": "2024-12-31"})]
    driver.find_element(By.ID, "filter-period").click()  # closed again: asked already
    time.sleep(0.5)
    assert len(asked) == 1, asked
    choose_period(dash_duo, "last_month")
    first = preset_period("last_month", date.today())[0]
    wait(dash_duo, lambda d: first.isoformat() in d.find_element(By.ID, "page-meta").text)
    drawn(dash_duo)
    # The dropdown takes focus back after the pick: that is no one reaching for it, and
    # must not start the next URL's presets while the server answers the change.
    time.sleep(0.5)
    assert len(asked) == 1, asked
    WebDriverWait(driver, 20).until(EC.element_to_be_clickable((By.ID, "filter-period"))).click()
    wait(dash_duo, lambda d: len(asked) == 2)  # a new URL shown: asked for again
    assert asked[1] == ("/region/150203", {"period": "last_month"})
    assert dash_duo.get_logs() == []


def test_keyboard_focus_on_the_period_dropdown_prefetches_the_presets(
    dash_duo, dashboard_app, free_port, monkeypatch
):
    """Tabbing onto the period dropdown is reaching for it too: the presets are asked
    for once, as on a press."""
    import sys

    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    app_module = sys.modules[dashboard_app.server.import_name]
    asked: list[tuple[str, dict]] = []
    monkeypatch.setattr(app_module, "prefetch_presets", lambda path, params: asked.append(path))
    open_kundulun_2024(dash_duo, dashboard_app, free_port)
    driver = dash_duo.driver
    tabs = 0
    while tabs < 40 and not driver.execute_script(
        "return !!(document.activeElement && document.activeElement.closest"
        " && document.activeElement.closest('#filter-period'));"
    ):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        tabs += 1
    wait(dash_duo, lambda d: asked)
    assert asked == ["/region/150203"]
    # A pick by keyboard gives the focus back to the dropdown too: no post for it.
    before = driver.current_url
    for key in (Keys.ENTER, Keys.ARROW_DOWN, Keys.ENTER):
        ActionChains(driver).send_keys(key).perform()
        time.sleep(0.2)
    wait(dash_duo, lambda d: d.current_url != before)
    drawn(dash_duo)
    time.sleep(0.5)
    assert asked == ["/region/150203"]
    assert dash_duo.get_logs() == []
