"""bench/browser.py measures a region page for real: gunicorn with one worker on the
e2e demo database, headless Debian chromium, one cold view, one warm view, one view
with custom dates, one drill-down from the city and one filter change of 150203, and
its two floors (bench/floor.py: its charts alone, in Dash and in plotly.js). Checks
the shape and sanity of the result, never a time threshold (timings depend on the
machine)."""

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
    (drill,) = scope["drill"]
    (change,) = scope["filter"]
    (floor_dash,) = scope["floor_dash"]
    (floor_plotly,) = scope["floor_plotly"]

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

    # The drill-down: from the city's ranking table to 150203's page, inside the app.
    assert drill["drawn_ms"] > 0
    assert "/region/150203?" in drill["url"] and "from=" in drill["url"]
    assert drill["graphs"] == cold["graphs"]
    assert drill["charts"]["react"] >= drill["graphs"]
    drill_names = [r["name"] for r in drill["resources"]]
    assert any("_pages_content" in name for name in drill_names)  # the router renders it
    assert not any(name.endswith(".js") for name in drill_names)  # no new document

    # The floors draw the page's very charts and nothing else, plotly.js alone without
    # a single Dash script.
    for floor in (floor_dash, floor_plotly):
        assert floor["drawn_ms"] > 0
        assert floor["graphs"] == cold["graphs"]
        assert floor["charts"]["react"] >= floor["graphs"]
    assert any("dash_renderer" in r["name"] for r in floor_dash["resources"])
    assert not any("_dash-" in r["name"] for r in floor_plotly["resources"])
    assert any("plotly" in r["name"] for r in floor_plotly["resources"])
    assert floor_plotly["bytes"] < floor_dash["bytes"] < cold["bytes"]

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
    assert "drill-down (a click on a child's name" in text
    assert "this host's floor for these charts" in text
    page_row = next(
        line
        for line in text.splitlines()
        if line.startswith("| district | ") and line.count("|") == 6
    )
    assert page_row.split("|")[2].strip() == str(round(cold["drawn_ms"]))
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
    others |= {bench_browser.drill_period(i, today) for i in range(7)}
    others.add(bench_browser.warmup_period(today))
    assert len(set(customs)) == len(customs) and not set(customs) & others
    for query in customs:
        params = dict(part.split("=") for part in query.lstrip("?").split("&"))
        date_from, date_to = date.fromisoformat(params["from"]), date.fromisoformat(params["to"])
        assert (date_from.day, date_to.day) == (5, 17)
        assert date_to < today and date_from < date_to


def test_drill_downs_ask_for_periods_no_other_view_asks_for(bench_browser):
    """Each drill-down is a whole calendar quarter nobody else asks for, so the child's
    figures are computed when it is clicked; they end before the current quarter."""
    today = date(2026, 12, 1)
    drills = [bench_browser.drill_period(i, today) for i in range(7)]
    assert drills[0] == "?from=2026-04-01&to=2026-06-30"
    assert drills[1] == "?from=2026-01-01&to=2026-03-31"
    assert drills[6] == "?from=2024-10-01&to=2024-12-31"
    others = {bench_browser.cold_period(i, today) for i in range(7)}
    others |= {bench_browser.custom_period(i, today) for i in range(bench_browser.CUSTOM_REPEAT)}
    others.add(bench_browser.warmup_period(today))
    assert len(set(drills)) == len(drills) and not set(drills) & others
