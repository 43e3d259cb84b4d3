"""The edge-window reads a process shares (data_access/metrics.py WINDOW_READS) never
outlive the data they were read from: they are keyed by the rollups' state, which
every refresh after a change of the cases table renews. On both engines, the fixture
database; the figures are compared with the straight path (no rollups, nothing
shared) before and after new cases land in the period's edge windows."""

from __future__ import annotations

from datetime import date

from fixtures import V015, V021, V200, _case, load_fixture
from sqlalchemy import insert

from data_access import metrics
from data_access.models import Case
from data_access.rollups import refresh_rollups

# Custom dates on the city: March's first four days and June's last thirteen are the
# windows read from the cases table (each month otherwise from the rollups).
PERIOD = ("150200", date(2024, 3, 5), date(2024, 6, 17))
TREND = ("150200", date(2023, 7, 1), date(2024, 6, 17), "month")


def _figures(engine, **paths) -> tuple:
    kpis = metrics.kpis(engine, *PERIOD, **paths)
    kpis.pop("meta")
    return (
        kpis,
        metrics.breakdown(engine, *PERIOD, "child", **paths),
        metrics.breakdown(engine, *PERIOD, "center", **paths),
        metrics.breakdown(engine, *TREND, **paths),
    )


def test_new_cases_and_a_refresh_are_not_answered_from_earlier_reads(any_engine):
    load_fixture(any_engine)
    metrics.WINDOW_READS.clear()
    before = _figures(any_engine)
    assert len(metrics.WINDOW_READS) > 0  # the edge windows went through the shared reads
    assert before == _figures(any_engine, use_rollups=False)
    with any_engine.begin() as conn:
        conn.execute(
            insert(Case),
            [
                # after the period's end, before June's: in June's rollup row, taken off
                _case("T-NEW-1", V015, "2024-06-20 09:00", closed="2024-06-25 10:00"),
                # before the period's start, in March: the trend's March counts it
                _case("T-NEW-2", V021, "2024-03-02 09:00", closed="2024-06-18 10:00"),
                # inside the period, open at its end
                _case("T-NEW-3", V200, "2024-06-10 09:00"),
            ],
        )
    refresh_rollups(any_engine)
    after = _figures(any_engine)
    assert after == _figures(any_engine, use_rollups=False)
    assert after[0]["accepted"] == before[0]["accepted"] + 1
    # open at the period's end: T-NEW-3, and T-NEW-2 (closed the day after)
    assert after[0]["open"] == before[0]["open"] + 2
    march = next(row for row in after[3] if row["key"] == "2024-03")
    assert march["accepted"] == next(r for r in before[3] if r["key"] == "2024-03")["accepted"] + 1
