"""dash-ag-grid's script loads only when a grid is shown (components/lazy_grid.py,
assets/lazy-aggrid.js), in headless Chromium on the default-scale demo.

- /cases opened directly: the grid shows its rows; sorting by a header and the next
  block of rows (startRow 100) still come from the server; dash_ag_grid.getApiAsync
  and getApi reach the real grid; the script was fetched once, from the advertised
  fingerprinted URL.
- /case/<no> and /region/<grid code> never fetch the grid's script or its chunk;
  navigating from there to /cases inside the app (the script then arrives after the
  renderer has started) shows the rows.
- Without the script's URL the grid's place says so, with one console warning.
- No SEVERE browser console entry anywhere.

Run with `pytest --headless -m e2e` (scripts/test.sh does).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from browser_helpers import start, wait
from selenium.webdriver.common.by import By
from sqlalchemy import select, text

from data_access.caselist import list_cases
from data_access.engine import make_engine
from data_access.models import Case

pytestmark = pytest.mark.e2e

REGION = "150203"
FROM, TO = date(2024, 1, 1), date(2024, 12, 31)
CASES = f"/cases?region={REGION}&from={FROM}&to={TO}&status=closed"

# Every script or chunk of dash-ag-grid the page has fetched (resource timing).
GRID_RESOURCES = """
return performance.getEntriesByType('resource')
    .map(function (e) { return e.name; })
    .filter(function (name) { return name.indexOf('dash_ag_grid') !== -1; });
"""
ADVERTISED = """
var meta = document.querySelector('meta[name="govdash-aggrid-src"]');
return meta && meta.getAttribute('content');
"""


def severe(dash_duo) -> list[dict]:
    return [entry for entry in dash_duo.get_logs() if entry.get("level") == "SEVERE"]


def case_link(dash_duo, row: int, case_no: str):
    """The case-number link in the grid row `row` (ag-grid's row-index), once shown."""
    selector = f"#cases-grid .ag-row[row-index='{row}'] a[href^='/case/{case_no}']"
    return wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, selector))[0]


def closed_cases(db_url: str, **kwargs) -> list[dict]:
    engine = make_engine(db_url)
    try:
        return list_cases(engine, REGION, FROM, TO, status="closed", **kwargs)["rows"]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def places(dashboard_db_url) -> dict[str, str]:
    """A case of 昆都仑区 and the grid (网格) with most of its 2024 cases."""
    engine = make_engine(dashboard_db_url)
    with engine.connect() as conn:
        grid = conn.execute(
            select(Case.grid_code)
            .where(
                Case.village_code.like(f"{REGION}%"),
                Case.grid_code.is_not(None),
                Case.accepted_at.between(datetime(2024, 1, 1), datetime(2024, 12, 31, 23, 59)),
            )
            .group_by(Case.grid_code)
            .order_by(text("count(*) DESC"))
            .limit(1)
        ).scalar_one()
        case_no = conn.execute(
            select(Case.case_no).where(Case.grid_code == grid).limit(1)
        ).scalar_one()
    engine.dispose()
    return {"grid": grid, "case": case_no}


def assert_no_grid_script(dash_duo, where: str) -> None:
    assert dash_duo.driver.execute_script(GRID_RESOURCES) == [], where
    scripts = dash_duo.driver.execute_script(
        "return Array.from(document.scripts).map(function (s) { return s.src; });"
    )
    assert not [src for src in scripts if "dash_ag_grid" in src], where
    assert dash_duo.driver.execute_script(ADVERTISED), where  # ...but it knows where it is


def test_cases_grid_rows_sorting_and_next_block(
    dash_duo, dashboard_app, dashboard_db_url, free_port
):
    first = closed_cases(dashboard_db_url, limit=2)
    by_level = closed_cases(
        dashboard_db_url, limit=151, sort=[{"colId": "warning_level", "sort": "desc"}]
    )
    assert len(by_level) == 151, "the demo needs more than one block of closed cases"

    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + CASES)
    case_link(dash_duo, 0, first[0]["case_no"])
    case_link(dash_duo, 1, first[1]["case_no"])
    grid_text = dash_duo.find_element("#cases-grid").text
    assert first[0]["party_name"] in grid_text  # cell text, not only links
    headers = " ".join(h.text for h in dash_duo.find_elements("#cases-grid .ag-header-cell-text"))
    assert "案件编号" in headers and "受理时间" in headers

    # Fetched once, from the fingerprinted URL the page advertises.
    url = dash_duo.driver.execute_script(ADVERTISED)
    assert ".min.js" in url and "/dash_ag_grid/dash_ag_grid.v" in url
    loaded = dash_duo.driver.execute_script(GRID_RESOURCES)
    assert [name for name in loaded if name.endswith(url)] == [base + url], loaded
    assert any(name.endswith("/async-community.js") for name in loaded), loaded

    # Sorting asks the server again: twice on 预警等级 = red first.
    header = dash_duo.find_element("#cases-grid .ag-header-cell[col-id='warning_level']")
    for direction in ("ascending", "descending"):
        header.click()
        wait(
            dash_duo,
            lambda d, s=direction: d.find_elements(
                By.CSS_SELECTOR, f".ag-header-cell[col-id='warning_level'][aria-sort='{s}']"
            ),
        )
    case_link(dash_duo, 0, by_level[0]["case_no"])

    # The next block (rows 100..199) through the grid API the page exposes.
    dash_duo.driver.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        window.dash_ag_grid.getApiAsync('cases-grid')
            .then(function (api) { api.ensureIndexVisible(150, 'top'); done(true); })
            .catch(function (err) { done(String(err)); });
        """
    )
    case_link(dash_duo, 150, by_level[150]["case_no"])
    assert (
        dash_duo.driver.execute_script(
            "var api = window.dash_ag_grid.getApi('cases-grid');"
            "return api.getDisplayedRowAtIndex(150).data.case_no;"
        )
        == by_level[150]["case_no"]
    )
    assert severe(dash_duo) == []


def test_pages_without_a_grid_never_fetch_it(
    dash_duo, dashboard_app, dashboard_db_url, places, free_port
):
    base = start(dash_duo, dashboard_app, free_port)

    dash_duo.driver.get(f"{base}/case/{places['case']}")
    dash_duo.wait_for_contains_text("#case-title", places["case"], timeout=30)
    assert_no_grid_script(dash_duo, "/case")

    grid = places["grid"]
    dash_duo.driver.get(f"{base}/region/{grid}?from={FROM}&to={TO}")
    wait(
        dash_duo,
        lambda d: d.find_elements(
            By.CSS_SELECTOR, f"#region-page[data-region='{grid}'] #kpi-accepted-value"
        ),
        timeout=45,
    )
    # every callback of the page answered
    wait(dash_duo, lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading]"))
    assert_no_grid_script(dash_duo, "/region")
    assert severe(dash_duo) == []

    # Inside the app to a page with a grid: the script arrives now, the rows show.
    first = closed_cases(dashboard_db_url, limit=1)[0]
    dash_duo.driver.execute_script("window.govdashNavigate(arguments[0]);", CASES)
    case_link(dash_duo, 0, first["case_no"])
    url = dash_duo.driver.execute_script(ADVERTISED)
    loaded = dash_duo.driver.execute_script(GRID_RESOURCES)
    assert [name for name in loaded if name.endswith(url)] == [base + url], loaded
    assert severe(dash_duo) == []


def test_missing_script_url_is_said_in_the_grid(dash_duo, dashboard_app, places, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(f"{base}/case/{places['case']}")
    dash_duo.wait_for_contains_text("#case-title", places["case"], timeout=30)
    dash_duo.driver.execute_script(
        """
        document.querySelector('meta[name="govdash-aggrid-src"]').remove();
        window.govdashWarnings = [];
        var warn = console.warn;
        console.warn = function () {
            window.govdashWarnings.push(Array.prototype.join.call(arguments, ' '));
            return warn.apply(console, arguments);
        };
        window.govdashNavigate(arguments[0]);
        """,
        CASES,
    )
    box = wait(
        dash_duo,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#cases-grid[data-lazy-grid='failed']"),
    )[0]
    assert "could not be loaded" in box.text and "加载失败" in box.text
    assert box.size["height"] > 100  # still the grid's place (62vh)
    warnings = dash_duo.driver.execute_script("return window.govdashWarnings;")
    assert len(warnings) == 1 and "dash-ag-grid" in warnings[0], warnings
    assert dash_duo.driver.execute_script(GRID_RESOURCES) == []
    assert severe(dash_duo) == []
