"""bench/browser.py measures a region page for real: gunicorn with one worker on the
e2e demo database, headless Debian chromium, one cold view, one warm view and one
filter change of 150203. Checks the shape and sanity of the result, never a time
threshold (timings depend on the machine)."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_browser(monkeypatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))  # bench/ is a folder of scripts, not installed
    return importlib.import_module("bench.browser")


def test_one_region_page_measured(bench_browser, dashboard_db_url):
    result = bench_browser.measure(
        dashboard_db_url, workers=1, repeat=1, regions={"district": "150203"}, warmup=False
    )

    (scope,) = result["scopes"]
    assert (scope["scope"], scope["code"]) == ("district", "150203")
    (cold,) = scope["cold"]
    (warm,) = scope["warm"]
    (custom,) = scope["custom"]
    (change,) = scope["filter"]

    for view in (cold, warm, custom):
        assert view["drawn_ms"] > 0
        assert view["graphs"] > 0
        assert view["charts"]["react"] >= view["graphs"]  # every chart was drawn
        assert view["phases"]["html"] <= view["drawn_ms"]
    assert cold["bytes"] > 100_000  # the page's scripts, browser cache emptied
    assert 0 < warm["bytes"] < cold["bytes"]  # scripts from the browser cache
    assert warm["from_cache"] > 0
    assert any("plotly" in r["name"] for r in cold["resources"])
    assert any("_pages_content" in r["name"] for r in cold["resources"])  # callbacks named

    assert change["changed_ms"] > 0
    assert change["target"] == "this_month"
    assert change["bytes"] > 0
    names = [r["name"] for r in change["resources"]]
    assert any("page-meta.children" in name for name in names)  # the update, named
    assert not any("_pages_content" in name for name in names)  # the router: not asked

    assert result["console_errors"] == []
    assert result["server_errors"] == []
    before, after = result["host"]["reference_react_ms"]  # the host's speed, both ends
    assert before > 0 and after > 0
    (worker,) = result["memory"]["workers"]
    assert worker["rss_mb"] > 0
    assert worker["peak_mb"] >= worker["rss_mb"]

    text = bench_browser.report(result)
    assert "| district | 150203 |" in text
    assert "browser console errors: 0" in text
    assert "custom dates (from and to inside months), p95 over all scopes" in text
    assert f"host speed {before:.1f} / {after:.1f} ms" in text


def test_filter_changes_are_real_changes_on_any_day(bench_browser):
    """The filter changes leave out a preset that shows 本年's months (近12个月 in
    December): the page would have nothing to redraw."""
    presets = bench_browser.FILTER_PRESETS
    for month in range(1, 13):
        chosen = bench_browser.filter_presets(date(2026, month, 15))
        if month == 12:
            assert chosen == tuple(p for p in presets if p != "last_12_months")
        else:
            assert chosen == presets, month
        assert "this_year" not in chosen


def test_custom_date_views_ask_for_periods_no_other_view_asks_for(bench_browser):
    """Each view with custom dates is a new period, from and to inside months, so its
    figures are computed (not cached) and its edges and as_of are partial months."""
    today = date(2026, 12, 1)
    customs = [bench_browser.custom_period(i, today) for i in range(bench_browser.CUSTOM_REPEAT)]
    others = {bench_browser.cold_period(i, today) for i in range(7)}
    others.add(bench_browser.warmup_period(today))
    assert len(set(customs)) == len(customs) and not set(customs) & others
    for query in customs:
        params = dict(part.split("=") for part in query.lstrip("?").split("&"))
        date_from, date_to = date.fromisoformat(params["from"]), date.fromisoformat(params["to"])
        assert (date_from.day, date_to.day) == (5, 17)
        assert date_to < today and date_from < date_to
