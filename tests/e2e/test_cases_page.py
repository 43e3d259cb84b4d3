"""The drill-through pages in headless Chromium (dash[testing]), on a small demo.

/cases?region=150203&from=2024-01-01&to=2024-12-31&status=closed shows the list's
total (= kpis closed) and its first rows; clicking a case number opens /case/<no>
with the flow-log timeline. No browser console errors anywhere.

Run with `pytest --headless -m e2e` (scripts/test.sh does); needs Debian's chromium
(DASH_TEST_CHROMEPATH) and chromium-driver on PATH.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from app_env import app_reading
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC  # noqa: N812
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from data_access.caselist import list_cases
from data_access.engine import make_engine
from data_access.metrics import kpis
from data_access.models import Case

pytestmark = pytest.mark.e2e

KUNDULUN_2024 = "/cases?region=150203&from=2024-01-01&to=2024-12-31&status=closed"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    from data_access.demo import load_demo

    path = tmp_path_factory.mktemp("cases-e2e") / "demo.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    load_demo(engine, scale=0.1, progress=False, until=datetime(2025, 6, 30, 23, 59, 59))
    engine.dispose()
    return url


@pytest.fixture
def cases_app(demo_url) -> Iterator:
    """The real app (app.py), reading the demo database."""
    with app_reading(demo_url) as app_module:
        yield app_module.app


def _wait(dash_duo, condition, timeout: int = 20):
    return WebDriverWait(dash_duo.driver, timeout).until(condition)


def test_closed_list_to_one_case(dash_duo, cases_app, demo_url, free_port):
    engine = make_engine(demo_url)
    figures = kpis(engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    expected = list_cases(
        engine, "150203", date(2024, 1, 1), date(2024, 12, 31), status="closed", limit=5
    )
    with engine.connect() as conn:
        raw_name, raw_phone = conn.execute(
            select(Case.party_name, Case.party_phone).where(
                Case.case_no == expected["rows"][0]["case_no"]
            )
        ).one()
    engine.dispose()
    assert expected["total"] == figures["closed"] > 0

    dash_duo.start_server(cases_app, navigate=False, port=free_port)
    dash_duo.wait_for_page(url=dash_duo.server.url.rstrip("/") + KUNDULUN_2024, timeout=20)
    dash_duo.wait_for_text_to_equal("#cases-total", f"{figures['closed']:,}", timeout=20)
    dash_duo.wait_for_contains_text("#cases-title", "昆都仑区")
    dash_duo.wait_for_contains_text("#cases-title", "已办结")
    dash_duo.wait_for_contains_text("#cases-period", "2024-01-01")

    # The first rows, newest accepted first, each case number a link to its page.
    first_no = expected["rows"][0]["case_no"]
    link = _wait(
        dash_duo,
        EC.element_to_be_clickable((By.CSS_SELECTOR, f"#cases-grid a[href^='/case/{first_no}']")),
    )
    shown = [a.text for a in dash_duo.find_elements("#cases-grid a")]
    assert first_no in shown
    assert expected["rows"][1]["case_no"] in shown
    headers = " ".join(h.text for h in dash_duo.find_elements("#cases-grid .ag-header-cell-text"))
    assert "案件编号" in headers and "受理时间" in headers and "当事人" in headers
    # The masked name is shown, never the stored one.
    grid_text = dash_duo.find_element("#cases-grid").text
    assert expected["rows"][0]["party_name"] in grid_text
    assert raw_name not in grid_text and raw_phone not in grid_text
    assert dash_duo.get_logs() == []

    # Downloads: the CSV of the same list lands in the browser's download folder.
    dash_duo.find_element("#cases-csv").click()
    download = Path(dash_duo.download_path)
    _wait(dash_duo, lambda _driver: list(download.glob("*.csv")))
    (csv_file,) = download.glob("*.csv")
    _wait(dash_duo, lambda _driver: csv_file.stat().st_size > 0)
    content = csv_file.read_bytes()
    assert content.startswith(codecs.BOM_UTF8)
    assert content.decode("utf-8-sig").count("\n") > figures["closed"]

    # Sorting by a header asks the server again: twice on 预警等级 = red first.
    level_header = dash_duo.find_element("#cases-grid .ag-header-cell[col-id='warning_level']")
    level_header.click()
    _wait(
        dash_duo,
        EC.presence_of_element_located(
            (By.CSS_SELECTOR, ".ag-header-cell[col-id='warning_level'][aria-sort='ascending']")
        ),
    )
    level_header.click()
    _wait(
        dash_duo,
        EC.presence_of_element_located(
            (By.CSS_SELECTOR, ".ag-header-cell[col-id='warning_level'][aria-sort='descending']")
        ),
    )
    engine = make_engine(demo_url)
    red_first = list_cases(
        engine,
        "150203",
        date(2024, 1, 1),
        date(2024, 12, 31),
        status="closed",
        limit=1,
        sort=[{"colId": "warning_level", "sort": "desc"}],
    )["rows"][0]
    engine.dispose()
    assert red_first["warning_level"] == "red"
    link = _wait(
        dash_duo,
        EC.element_to_be_clickable(
            (By.CSS_SELECTOR, f".ag-row[row-index='0'] a[href^='/case/{red_first['case_no']}']")
        ),
    )
    first_no = red_first["case_no"]
    assert dash_duo.get_logs() == []

    link.click()
    dash_duo.wait_for_contains_text("#case-title", first_no, timeout=20)
    timeline = dash_duo.wait_for_element("#case-timeline .gd-timeline")
    items = timeline.find_elements(By.CSS_SELECTOR, "li")
    actions = [item.get_attribute("data-action") for item in items]
    assert actions[0] == "accept" and "close" in actions
    assert "受理" in items[0].text
    assert "办结" in timeline.text
    assert "案件信息" in dash_duo.find_element(".gd-case-layout").text
    assert dash_duo.get_logs() == []

    # Back to the same list (its filters rode along in the link).
    dash_duo.find_element("#case-back").click()
    dash_duo.wait_for_text_to_equal("#cases-total", f"{figures['closed']:,}", timeout=20)
    assert dash_duo.get_logs() == []


def test_unknown_case_bad_parameters_and_english(dash_duo, cases_app, free_port):
    dash_duo.start_server(cases_app, navigate=False, port=free_port)
    base = dash_duo.server.url.rstrip("/")

    dash_duo.wait_for_page(url=base + "/case/NO-SUCH-CASE", timeout=20)
    dash_duo.wait_for_contains_text("#case-not-found", "NO-SUCH-CASE", timeout=20)
    assert "未找到案件" in dash_duo.find_element("#case-not-found").text

    dash_duo.wait_for_page(
        url=base + "/cases?region=150203&from=2024-01-01&to=2024-12-31&status=bogus&center=x1"
    )
    dash_duo.wait_for_contains_text("#cases-problems", "status=bogus", timeout=20)
    assert "center=x1" in dash_duo.find_element("#cases-problems").text
    dash_duo.wait_for_contains_text("#cases-title", "全部受理")

    dash_duo.wait_for_page(
        url=base + "/cases?region=150203&from=2024-01-01&to=2024-12-31&status=overdue&lang=en"
    )
    dash_duo.wait_for_contains_text("#cases-title", "Overdue", timeout=20)
    _wait(dash_duo, EC.presence_of_element_located((By.CSS_SELECTOR, "#cases-grid .ag-header")))
    headers = " ".join(h.text for h in dash_duo.find_elements("#cases-grid .ag-header-cell-text"))
    assert "Case no." in headers
    assert dash_duo.get_logs() == []
