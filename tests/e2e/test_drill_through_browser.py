"""Drill-through in headless Chromium on the default-scale demo: a click on a chart's
bar lands on the case list of exactly that bar, inside the app; a grid's page shows
its latest cases, and they follow a filter change made on the page.

- a source bar of 昆都仑区 2024 → /cases?source=… whose total is the bar's length;
- a month bar of the trend (its hover is unified per month) → that month's list;
- a center's overdue part on /centers (the bar's center id travels as the point's
  `id`) → that center's overdue cases, its other part → its open cases not overdue;
- a grid page: its case table (total and case numbers from raw SQL), the kind filter
  redraws it in place, and a case number opens /case/<no>;
- a repeat petitioner's label on /petitions → their petitions, as many as the row says.

Run with `pytest --headless -m e2e` (scripts/test.sh does).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import click_to_navigate, drawn, start, wait
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from sqlalchemy import text

from data_access.engine import make_engine

pytestmark = pytest.mark.e2e

Y2024 = "from=2024-01-01&to=2024-12-31"
TALL = 2600  # a window in which no chart needs scrolling to
TRACE_FIELD = """
var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
var trace = gd && gd.data && gd.data[arguments[1]];
return trace ? trace[arguments[2]] : null;
"""
BAR_ELEMENT = """
var traces = document.querySelectorAll('#' + arguments[0] + ' .barlayer .trace');
var trace = traces[arguments[1]];
return trace ? trace.querySelectorAll('.point path')[arguments[2]] : null;
"""


def field(dash_duo, graph_id: str, curve: int, name: str) -> list:
    return wait(dash_duo, lambda d: d.execute_script(TRACE_FIELD, graph_id, curve, name))


def click_segment(dash_duo, graph_id: str, curve: int, index: int) -> None:
    """Click bar `index` of trace `curve`. The window is tall enough that nothing
    scrolls: plotly reads hover positions from the pointer, and a page scrolled under a
    resting pointer confuses it."""
    click_to_navigate(
        dash_duo,
        lambda: wait(dash_duo, lambda d: d.execute_script(BAR_ELEMENT, graph_id, curve, index)),
        f"bar {index} of trace {curve} on {graph_id}",
    )


def cursor(dash_duo, graph_id: str) -> str:
    """The mouse cursor over the first bar of a chart."""
    return dash_duo.driver.execute_script(
        "var p = document.querySelector('#' + arguments[0] + ' .barlayer .point');"
        "return p ? getComputedStyle(p).cursor : null;",
        graph_id,
    )


def landed_total(dash_duo) -> int:
    """On /cases (reached inside the app, no reload): the total it shows."""
    wait(dash_duo, lambda d: urlsplit(d.current_url).path == "/cases")
    total = wait(dash_duo, lambda d: d.find_element(By.ID, "cases-total").text)
    assert dash_duo.driver.execute_script("return window.__kept === 1;"), "the page reloaded"
    return int(total.replace(",", ""))


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlsplit(dash_duo.driver.current_url).query)


def keep_marker(dash_duo) -> None:
    """A mark on the window: gone if a navigation reloads the page."""
    dash_duo.driver.execute_script("window.__kept = 1;")


def largest(values: list) -> int:
    return max(range(len(values)), key=lambda i: values[i] or 0)


# ------------------------------------------------------------------ region page bars
def test_a_source_bar_and_a_month_bar_open_their_case_lists(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port, height=TALL)
    dash_duo.driver.get(f"{base}/region/150203?{Y2024}")
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    drawn(dash_duo)
    keep_marker(dash_duo)
    assert cursor(dash_duo, "region-sources") == "pointer"

    # a source bar: the largest source of 2024
    sources = field(dash_duo, "region-sources", 0, "customdata")
    counts = field(dash_duo, "region-sources", 0, "x")
    index = largest(counts)
    click_segment(dash_duo, "region-sources", 0, index)
    assert landed_total(dash_duo) == counts[index]
    got = query(dash_duo)
    assert got["source"] == [sources[index]] and got["region"] == ["150203"]
    assert got["from"] == ["2024-01-01"] and got["to"] == ["2024-12-31"]
    assert dash_duo.get_logs() == []

    # back, then a month bar of the trend: that month's cases
    dash_duo.driver.back()
    wait(dash_duo, lambda d: urlsplit(d.current_url).path == "/region/150203")
    wait(dash_duo, lambda d: d.find_elements(By.ID, "region-trend"))
    drawn(dash_duo)
    months = field(dash_duo, "region-trend", 0, "customdata")
    counts = field(dash_duo, "region-trend", 0, "y")
    index = 5  # June 2024
    assert months[index][:2] == ["2024-06-01", "2024-06-30"]
    click_segment(dash_duo, "region-trend", 0, index)
    assert landed_total(dash_duo) == counts[index]
    got = query(dash_duo)
    assert got["from"] == ["2024-06-01"] and got["to"] == ["2024-06-30"]
    assert dash_duo.get_logs() == []


def test_a_centers_load_segments_open_its_overdue_and_in_time_cases(
    dash_duo, dashboard_app, free_port
):
    base = start(dash_duo, dashboard_app, free_port, height=TALL)
    url = f"{base}/centers?region=150203&{Y2024}"
    dash_duo.driver.get(url)
    wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "#centers-load .barlayer .point"))
    drawn(dash_duo)
    keep_marker(dash_duo)
    assert cursor(dash_duo, "centers-load") == "pointer"
    for curve, status in ((1, "overdue"), (0, "open_in_time")):
        ids = field(dash_duo, "centers-load", curve, "ids")
        counts = field(dash_duo, "centers-load", curve, "x")
        index = largest(counts)
        assert counts[index] > 0
        click_segment(dash_duo, "centers-load", curve, index)
        assert landed_total(dash_duo) == counts[index]
        got = query(dash_duo)
        assert got["center"] == [ids[index]] and got["status"] == [status]
        dash_duo.driver.back()
        wait(dash_duo, lambda d: urlsplit(d.current_url).path == "/centers")
        wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "#centers-load .barlayer .point"))
        drawn(dash_duo)
    assert dash_duo.get_logs() == []


# ------------------------------------------------------------------ a grid's cases
def _grid_cases(db_url: str, kind: str | None = None) -> tuple[str, list[str], int]:
    """The grid of 昆都仑区 with the most 2024 cases: (code, its latest ten case numbers,
    its total), with plain SQL; with `kind`, that kind's."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            grid = conn.execute(
                text(
                    "SELECT grid_code FROM cases WHERE grid_code LIKE '150203%'"
                    " AND accepted_at BETWEEN '2024-01-01' AND '2024-12-31 23:59:59'"
                    " GROUP BY grid_code ORDER BY count(*) DESC, grid_code LIMIT 1"
                )
            ).scalar_one()
            rows = conn.execute(
                text(
                    "SELECT case_no FROM cases WHERE grid_code = :grid"
                    " AND status NOT IN ('rejected', 'void')"
                    " AND accepted_at BETWEEN :start AND :end"
                    + (" AND kind = :kind" if kind else "")
                    + " ORDER BY accepted_at DESC, id DESC"
                ),
                {
                    "grid": grid,
                    "start": datetime(2024, 1, 1),
                    "end": datetime(2024, 12, 31, 23, 59, 59),
                    "kind": kind,
                },
            ).all()
    finally:
        engine.dispose()
    return grid, [r.case_no for r in rows[:10]], len(rows)


def shown_cases(dash_duo) -> tuple[int, list[str]]:
    block = dash_duo.find_element("#grid-cases-html")
    total = block.find_element(By.CSS_SELECTOR, ".gd-grid-cases-total").get_attribute("data-total")
    numbers = [a.text for a in block.find_elements(By.CSS_SELECTOR, "#grid-cases-table a")]
    return int(total), numbers


def test_a_grid_page_shows_its_cases_and_they_follow_the_filters(
    dash_duo, dashboard_app, dashboard_db_url, free_port
):
    grid, latest, total = _grid_cases(dashboard_db_url)
    assert total > 10
    base = start(dash_duo, dashboard_app, free_port, height=TALL)
    dash_duo.driver.get(f"{base}/region/{grid}?{Y2024}")
    wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "#grid-cases-table tbody tr"))
    assert shown_cases(dash_duo) == (total, latest)
    rows = dash_duo.find_elements("#grid-cases-table tbody tr")
    assert len(rows) == 10 and "*" in rows[0].text  # the party's name, masked
    drawn(dash_duo)
    keep_marker(dash_duo)

    # a filter change redraws the page in place: the table follows it
    _grid, latest_disputes, disputes = _grid_cases(dashboard_db_url, "dispute")
    dash_duo.select_dcc_dropdown("#filter-kind", "矛盾纠纷")
    wait(dash_duo, lambda d: query(dash_duo).get("kind") == ["dispute"])
    wait(dash_duo, lambda d: shown_cases(dash_duo) == (disputes, latest_disputes), 30)
    assert dash_duo.driver.execute_script("return window.__kept === 1;")
    assert "kind=dispute" in dash_duo.find_element("#grid-cases-link").get_attribute("href")

    # a case number opens that case
    drawn(dash_duo)
    link = dash_duo.find_element("#grid-cases-table a")
    number = link.text
    ActionChains(dash_duo.driver).move_to_element(link).pause(0.2).click().perform()
    wait(dash_duo, lambda d: urlsplit(d.current_url).path == f"/case/{number}")
    wait(dash_duo, lambda d: number in d.find_element(By.ID, "case-fields").text)
    assert dash_duo.get_logs() == []


# ------------------------------------------------------------------ repeat petitioners
def test_a_repeat_petitioners_label_opens_their_petitions(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port, height=TALL)
    dash_duo.driver.get(f"{base}/petitions?region=150203&{Y2024}")
    link = wait(dash_duo, lambda d: d.find_element(By.CSS_SELECTOR, "#petitioner-table a"))
    keep_marker(dash_duo)
    row = link.find_element(By.XPATH, "./ancestor::tr")
    count = int(row.find_elements(By.TAG_NAME, "td")[2].text.replace(",", ""))
    label = link.text
    assert len(label) == 12 and count >= 2
    ActionChains(dash_duo.driver).move_to_element(link).pause(0.2).click().perform()
    assert landed_total(dash_duo) == count
    got = query(dash_duo)
    assert got["petitioner"] == [label] and got["kind"] == ["petition"]
    assert label in dash_duo.find_element("#cases-period").text  # the filter is named
    assert dash_duo.get_logs() == []
