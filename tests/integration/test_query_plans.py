"""SQLite query plans of the cases-table reads behind a page (real SQLite file).

SQLite keeps no statistics on ranges, so for a scope that is a range of villages (a
city, a district, a township) it takes the village index, which for a city is a scan
of every case, even when the window is a few hours: 本月 on a month's first day and its
同比/环比 periods (1.9 s at 10M cases instead of 10 ms). Short windows must be read
through a time index; the figures themselves are checked elsewhere (the oracle tests).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event

from data_access import metrics

VILLAGE_RANGE = "USING COVERING INDEX ix_cases_village_cover (village_code>? AND village_code<?)"


def plans_of(engine, call) -> list[tuple[str, list[str]]]:
    """(statement, plan lines) of every statement `call` runs against the cases table."""
    statements: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM cases" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    out = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            out.append((statement, [row[-1] for row in rows]))
    return out


@pytest.mark.parametrize("region", ["150200", "150203"])
@pytest.mark.parametrize(
    "as_of",
    [datetime(2026, 6, 1, 13, 0), datetime(2026, 6, 17, 13, 0), datetime(2026, 6, 30, 18, 0)],
    ids=["first-day", "mid-month", "month-end"],
)
def test_short_windows_of_a_range_scope_are_read_by_time(sqlite_fixture_engine, region, as_of):
    def page_calls():
        metrics.compare(sqlite_fixture_engine, region, date(2026, 6, 1), date(2026, 6, 30), as_of)
        metrics.kpis(sqlite_fixture_engine, region, date(2026, 6, 3), date(2026, 6, 9))

    plans = plans_of(sqlite_fixture_engine, page_calls)
    assert plans, "no statement read the cases table: the test no longer sees the path"
    for statement, plan in plans:
        assert not any(VILLAGE_RANGE in line for line in plan), (statement, plan)


def test_the_time_first_rule(sqlite_engine, pg_engine):
    day = (datetime(2026, 6, 1), datetime(2026, 6, 1, 23, 59, 59))
    half_month = (datetime(2026, 6, 1), datetime(2026, 6, 16, 23, 59, 59))
    month = (datetime(2026, 6, 1), datetime(2026, 6, 30, 23, 59, 59))
    with sqlite_engine.connect() as sqlite, pg_engine.connect() as postgres:
        assert metrics._time_first(sqlite, day) and metrics._time_first(sqlite, half_month)
        assert not metrics._time_first(sqlite, month)  # longer: the planner decides
        assert metrics._time_first(sqlite)  # known to be short (closures in as_of's month)
        assert not metrics._time_first(postgres, day)  # PostgreSQL has range statistics


@pytest.mark.parametrize("region", ["150200", "150203"])
def test_a_snapshot_inside_a_month_reads_only_that_month(sqlite_fixture_engine, region):
    """Open and overdue at a moment inside a month (a custom period's end, before the
    data horizon): the month end before from the rollups, then at most a month of the
    cases table by accepted_at, closed_at and (the cases falling due) deadline_at, never
    a scan of every case accepted by then (3 s at 10M cases)."""

    def page_calls():
        metrics.kpis(sqlite_fixture_engine, region, date(2025, 3, 5), date(2025, 6, 17))
        metrics.ranking(sqlite_fixture_engine, region, date(2025, 3, 5), date(2025, 6, 17))

    plans = plans_of(sqlite_fixture_engine, page_calls)
    lines = [line for _, plan in plans for line in plan]
    assert any("ix_cases_late_cover (deadline_at>? AND deadline_at<?)" in line for line in lines)
    for statement, plan in plans:
        assert not any(line.startswith("SCAN cases") for line in plan), (statement, plan)
        assert not any(VILLAGE_RANGE in line for line in plan), (statement, plan)


@pytest.mark.parametrize("region", ["150200", "150203"])
@pytest.mark.parametrize(
    "period",
    [(date(2024, 1, 1), date(2024, 12, 31)), (date(2026, 1, 1), date(2027, 12, 31))],
    ids=["before-the-refresh", "past-the-refresh"],
)
def test_repeat_petitioners_are_read_by_time(sqlite_fixture_engine, region, period):
    """The repeat petitioners of a period (caselist.repeat_petitioners) come from
    rollup_repeat by time, and those accepted after the last refresh from the cases by
    time: never the village index of a range scope (a city's year at 10M cases took
    28 s searching each petition's earlier one among every case of the city)."""
    from data_access.caselist import repeat_petitioners

    statements: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "rollup_repeat" in statement:
            statements.append((statement, parameters))

    event.listen(sqlite_fixture_engine, "before_cursor_execute", record)
    try:
        repeat_petitioners(sqlite_fixture_engine, region, *period)
    finally:
        event.remove(sqlite_fixture_engine, "before_cursor_execute", record)
    assert statements, "no statement read rollup_repeat"
    with sqlite_fixture_engine.connect() as conn:
        for statement, parameters in statements:
            plan = [
                row[-1]
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
            assert any("ix_rollup_repeat_accepted" in line for line in plan), plan
            assert not any(VILLAGE_RANGE in line or "SCAN cases" in line for line in plan), plan
