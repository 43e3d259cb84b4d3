"""The dashboard in headless Chromium (dash[testing]) on the default-scale demo.

- every page loads with no browser console error;
- the Kundulun 2024 view shows 4013 受理 and 96.71% 办结率;
- the language switch changes the labels (places stay Chinese);
- a copied URL reopens the same view;
- city → district → township → village → grid by clicking (bar, treemap, table
  link, bar), then the grid's case list;
- the database going away and coming back (banner, then recovery).

Run with `pytest --headless -m e2e` (scripts/test.sh does).
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import click_bar, points_of, start, tile, wait
from selenium.common.exceptions import (
    TimeoutException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from sqlalchemy.engine import make_url

from components.formatting import format_value
from data_access.engine import make_engine
from data_access.metrics import kpis
from data_access.settings import get_settings

pytestmark = pytest.mark.e2e

KUNDULUN_2024 = "/region/150203?from=2024-01-01&to=2024-12-31"
PAGES = [
    "/",
    KUNDULUN_2024,
    "/petitions?region=150203&from=2024-01-01&to=2024-12-31",
    "/disputes?from=2024-01-01&to=2024-12-31",
    "/satisfaction?from=2024-01-01&to=2024-12-31&lang=en",
    "/centers?region=150204&from=2024-01-01&to=2024-12-31",
    "/grids?region=150203001&from=2024-01-01&to=2024-12-31",
    "/no-such-page",
]


def wait_for_region(dash_duo, code: str) -> None:
    """The region page of `code` is on screen (URL and content)."""
    selector = f"#region-page[data-region='{code}'] #kpi-accepted-value"
    try:
        wait(dash_duo, lambda d: urlsplit(d.current_url).path == f"/region/{code}")
        wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    except TimeoutException as exc:
        raise AssertionError(
            f"region {code} not shown; at {dash_duo.driver.current_url}: "
            f"{dash_duo.driver.find_element(By.TAG_NAME, 'main').text[:300]!r}"
        ) from exc


DRAWN = """
var graphs = document.querySelectorAll('.gd-page .js-plotly-plot');
if (!graphs.length) { return false; }
for (var i = 0; i < graphs.length; i++) { if (!graphs[i]._fullLayout) { return false; } }
return true;
"""


def wait_drawn(dash_duo) -> None:
    """Every chart of the page drawn (so nothing moves under the pointer)."""
    wait(dash_duo, lambda d: d.execute_script(DRAWN))
    time.sleep(0.5)


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlsplit(dash_duo.driver.current_url).query)


def click_treemap(dash_duo, graph_id: str, code: str) -> None:
    """Click the rectangle of `code` (found by the id plotly bound to it)."""
    script = (
        "return [...document.querySelectorAll('#' + arguments[0] + ' g.slice')].find("
        "s => s.__data__ && s.__data__.data && s.__data__.data.data"
        " && s.__data__.data.data.id === arguments[1]);"
    )
    target = wait(dash_duo, lambda d: d.execute_script(script, graph_id, code))
    ActionChains(dash_duo.driver).move_to_element(target).pause(0.3).click().perform()


# ------------------------------------------------------------------ every page
def test_every_page_loads_without_console_errors(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + PAGES[0])
    wait_drawn(dash_duo)
    assert dash_duo.get_logs() == [], PAGES[0]
    for path in PAGES[1:]:
        # inside the app, as a click on a link does (no reload of the scripts)
        dash_duo.driver.execute_script("window.govdashNavigate(arguments[0]);", path)
        if path == "/no-such-page":
            dash_duo.wait_for_contains_text("#not-found", "404", timeout=25)
        else:
            page_id = "region-page" if path.startswith("/region") else None
            page_id = page_id or path.split("?")[0].strip("/") + "-page"
            wait(dash_duo, lambda d, pid=page_id: d.find_elements(By.ID, pid))
            wait_drawn(dash_duo)
            text = dash_duo.find_element(".gd-page").text
            assert "页面数据加载失败" not in text and "could not be loaded" not in text
        assert dash_duo.get_logs() == [], path


# ------------------------------------------------------------------ published figure, language
def test_kundulun_2024_figures_and_the_language_switch(
    dash_duo, dashboard_app, dashboard_db_url, free_port
):
    engine = make_engine(dashboard_db_url)
    figures = kpis(engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    engine.dispose()
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + KUNDULUN_2024)
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    assert tile(dash_duo, "closure_rate") == "96.71%"
    for key in ("resolution_rate", "on_time_rate", "satisfaction_rate", "petitions"):
        assert tile(dash_duo, key) == format_value(key, figures[key])
    assert "昆都仑区" in dash_duo.find_element(".gd-page-title").text
    assert "受理量" in dash_duo.find_element("#kpi-accepted").text
    assert "指挥舱" in dash_duo.find_element("#gd-nav").text

    dash_duo.find_element("#lang-switch").click()
    wait(dash_duo, lambda d: "Accepted" in d.find_element(By.ID, "kpi-accepted").text)
    assert query(dash_duo)["lang"] == ["en"]
    assert query(dash_duo)["from"] == ["2024-01-01"]  # the view is kept
    wait(dash_duo, lambda d: "Cockpit" in d.find_element(By.ID, "gd-nav").text)
    page = dash_duo.find_element(".gd-page").text
    assert "Closure rate" in page and "昆都仑区" in page  # places stay Chinese
    assert "受理量" not in page and "办结率" not in page
    assert tile(dash_duo, "accepted") == "4,013"
    assert tile(dash_duo, "closure_rate") == "96.71%"

    dash_duo.find_element("#lang-switch").click()
    wait(dash_duo, lambda d: "受理量" in d.find_element(By.ID, "kpi-accepted").text)
    assert "lang" not in query(dash_duo)
    assert dash_duo.get_logs() == []

    # chart export: the camera saves a print-size PNG, the SVG button an SVG
    wait_drawn(dash_duo)
    download = Path(dash_duo.download_path)
    graph = dash_duo.find_element("#region-trend")
    ActionChains(dash_duo.driver).move_to_element(graph).pause(0.3).perform()
    camera = wait(dash_duo, lambda d: d.find_element(By.CSS_SELECTOR, "#region-trend .modebar-btn"))
    camera.click()
    png = wait(dash_duo, lambda d: [p for p in download.glob("*.png") if p.stat().st_size], 30)[0]
    header = png.read_bytes()[:24]
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert (width, height) == (3200, 1800)  # 1600 × 900 at scale 2
    assert "月度趋势" in png.name
    dash_duo.find_element("button[data-graph='region-trend']").click()
    svg = wait(dash_duo, lambda d: [p for p in download.glob("*.svg") if p.stat().st_size], 30)[0]
    content = svg.read_text(encoding="utf-8")
    assert 'width="1600"' in content and "昆都仑区" in content
    assert dash_duo.get_logs() == []


# ------------------------------------------------------------------ a copied URL
def test_a_copied_url_reopens_the_same_view(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + KUNDULUN_2024)
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)

    dash_duo.select_dcc_dropdown("#filter-kind", "信访")
    wait(dash_duo, lambda d: query(dash_duo).get("kind") == ["petition"])
    wait(dash_duo, lambda d: d.find_element(By.ID, "kpi-accepted-value").text != "4,013")
    dash_duo.select_dcc_dropdown("#filter-level", "红色")
    wait(dash_duo, lambda d: query(dash_duo).get("level") == ["red"])
    time.sleep(1.0)
    shown = {k: tile(dash_duo, k) for k in ("accepted", "closure_rate", "open")}
    copied = dash_duo.driver.current_url

    dash_duo.driver.get("about:blank")
    dash_duo.driver.get(copied)
    wait_for_region(dash_duo, "150203")
    wait(dash_duo, lambda d: d.find_element(By.ID, "kpi-accepted-value").text == shown["accepted"])
    assert {k: tile(dash_duo, k) for k in shown} == shown
    assert "信访" in dash_duo.find_element("#filter-kind").text
    assert "红色" in dash_duo.find_element("#filter-level").text
    dates = [i.get_attribute("value") for i in dash_duo.find_elements(".gd-w-dates input")]
    assert dates == ["2024-01-01", "2024-12-31"], dates
    assert dash_duo.get_logs() == []


# ------------------------------------------------------------------ the click path
def test_click_path_city_to_grid(dash_duo, dashboard_app, dashboard_db_url, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    # Tall enough that nothing needs scrolling: plotly reads hover positions from
    # the pointer, and a page scrolled under a resting pointer confuses it.
    dash_duo.driver.set_window_size(1600, 2600)
    dash_duo.driver.get(base + "/region/150200?from=2024-01-01&to=2024-12-31")
    wait_for_region(dash_duo, "150200")
    wait_drawn(dash_duo)

    # city -> district: a bar of the ranking chart
    click_bar(dash_duo, "region-rank-bar", "150203")
    wait_for_region(dash_duo, "150203")
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    assert query(dash_duo)["from"] == ["2024-01-01"]

    # district -> township: a rectangle of the treemap
    wait_drawn(dash_duo)
    township = "150203001"
    click_treemap(dash_duo, "region-children", township)
    wait_for_region(dash_duo, township)
    assert "少先路街道" in dash_duo.find_element(".gd-page-title").text

    # township -> village: the name in the ranking table (a real link)
    wait_drawn(dash_duo)
    link = wait(
        dash_duo,
        lambda d: d.find_element(By.CSS_SELECTOR, "#ranking-table a.gd-region-link"),
    )
    href = link.get_attribute("href")
    village = urlsplit(href).path.rsplit("/", 1)[-1]
    assert len(village) == 12 and village.startswith(township)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    ActionChains(dash_duo.driver).pause(0.3).move_to_element(link).pause(0.2).click().perform()
    wait_for_region(dash_duo, village)

    # village -> grid: a bar of the grids' ranking
    wait_drawn(dash_duo)
    grids = points_of(dash_duo, "region-rank-bar")
    grid = grids[-1]  # the best grid, drawn on top
    click_bar(dash_duo, "region-rank-bar", grid)
    wait_for_region(dash_duo, grid)
    assert len(grid) == 15

    # the breadcrumb climbs back up, and the grid links to its case list
    crumbs = [a.get_attribute("href") for a in dash_duo.find_elements(".gd-breadcrumb a")]
    assert [urlsplit(c).path for c in crumbs] == [
        "/region/150200",
        "/region/150203",
        f"/region/{township}",
        f"/region/{village}",
    ]
    cases = dash_duo.find_element("#grid-cases-link")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cases)
    target = urlsplit(cases.get_attribute("href"))
    assert target.path == "/cases" and parse_qs(target.query)["region"] == [grid]
    assert dash_duo.get_logs() == []
    cases.click()
    wait(dash_duo, lambda d: urlsplit(d.current_url).path == "/cases")
    assert parse_qs(urlsplit(dash_duo.driver.current_url).query)["from"] == ["2024-01-01"]


# ------------------------------------------------------------------ database outage
def test_database_going_away_and_coming_back(
    dash_duo, dashboard_app, dashboard_db_url, free_port, tmp_path, monkeypatch
):
    # A private copy: the shared demo file stays in place for tests running beside this one.
    path = tmp_path / "private-demo.sqlite"
    shutil.copyfile(make_url(dashboard_db_url).database, path)
    monkeypatch.setenv("GOVDASH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    away = path.with_name(path.name + ".away")
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + "/region/150204?from=2023-01-01&to=2023-12-31")
    wait_for_region(dash_duo, "150204")
    # check every second instead of every ten (the shell's dcc.Interval)
    dash_duo.driver.execute_script(
        "window.dash_clientside.set_props('db-check', {interval: 1000});"
    )
    try:
        path.rename(away)
        dash_duo.wait_for_contains_text(".gd-banner-holder", "数据库连接中断", timeout=30)
        # a page opened now says so instead of showing a traceback
        dash_duo.find_element("#nav-petitions").click()
        dash_duo.wait_for_contains_text(".gd-page", "数据库连接中断", timeout=30)
    finally:
        if away.exists():
            away.rename(path)
    # back: the banner goes and the page reloads by itself
    wait(dash_duo, lambda d: not d.find_element(By.CSS_SELECTOR, ".gd-banner-holder").text, 40)
    wait(
        dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "#petitions-page .js-plotly-plot"), 40
    )
    assert dash_duo.get_logs() == []
