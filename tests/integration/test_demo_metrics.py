"""The demo through the metrics engine: the published figures of METRICS.md, and
children that add up to their parent for every count (rollup and straight paths)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
COUNT_KEYS = (
    "accepted", "closed", "resolved", "on_time", "rated", "satisfied", "petitions",
    "petitions_closed", "repeat_petitions", "village_contained", "township_contained",
)  # fmt: skip
PATHS = pytest.mark.parametrize("use_rollups", [True, False], ids=["rollups", "straight"])


@PATHS
def test_kundulun_2024(metrics, demo_engine, use_rollups):
    k = metrics.kpis(demo_engine, "150203", *YEAR_2024, use_rollups=use_rollups)
    assert (k["accepted"], k["closed"]) == (4013, 3881)
    assert f"{k['closure_rate'] * 100:.2f}%" == "96.71%"


@PATHS
def test_qingshan_2024(metrics, demo_engine, use_rollups):
    every = metrics.kpis(demo_engine, "150204", *YEAR_2024, use_rollups=use_rollups)
    assert abs(every["satisfaction_rate"] - 0.982) <= 0.0005
    petitions = metrics.kpis(
        demo_engine, "150204", *YEAR_2024, kind="petition", use_rollups=use_rollups
    )
    assert abs(petitions["petition_closure_rate"] - 0.866) <= 0.0005
    disputes = metrics.kpis(
        demo_engine, "150204", *YEAR_2024, kind="dispute", use_rollups=use_rollups
    )
    assert abs(disputes["mediation_success_rate"] - 0.87) <= 0.005


@PATHS
def test_city_disputes_2022(metrics, demo_engine, use_rollups):
    k = metrics.kpis(
        demo_engine, "150200", date(2022, 1, 1), date(2022, 12, 31), kind="dispute",
        use_rollups=use_rollups,
    )  # fmt: skip
    assert abs(k["resolution_rate"] - 0.99) <= 0.005


def test_structure(metrics, demo_engine):
    centers = metrics.breakdown(demo_engine, "150203", *YEAR_2024, "center")
    assert centers  # centers are listed with their level and staff
    assert all(row["staff_count"] >= 0 for row in centers)


PARENTS = [
    ("150200", YEAR_2024),
    ("150203", YEAR_2024),
    ("150204", (date(2023, 2, 10), date(2024, 3, 20))),
]


@PATHS
@pytest.mark.parametrize(("region", "period"), PARENTS, ids=[p[0] for p in PARENTS])
@pytest.mark.parametrize("by", ["child", "center", "source", "category", "level", "month"])
def test_groups_add_up_to_the_parent(metrics, demo_engine, region, period, by, use_rollups):
    parent = metrics.kpis(demo_engine, region, *period, use_rollups=use_rollups)
    rows = metrics.breakdown(demo_engine, region, *period, by, use_rollups=use_rollups)
    for key in COUNT_KEYS:
        assert sum(row[key] for row in rows) == parent[key], key
    if by != "month":
        assert sum(row["open"] for row in rows) == parent["open"]
        assert sum(row["overdue_open"] for row in rows) == parent["overdue_open"]


def test_township_children_add_up(metrics, demo_engine):
    """A township's villages; and a village's grids plus its cases without a grid."""
    township = "150203001"
    parent = metrics.kpis(demo_engine, township, *YEAR_2024)
    villages = metrics.breakdown(demo_engine, township, *YEAR_2024, "child")
    assert sum(v["accepted"] for v in villages) == parent["accepted"]
    village = max(villages, key=lambda v: v["accepted"])["key"]
    whole = metrics.kpis(demo_engine, village, *YEAR_2024)
    grids = metrics.breakdown(demo_engine, village, *YEAR_2024, "child")
    in_grids = sum(g["accepted"] for g in grids if g["key"])
    assert in_grids <= whole["accepted"]
    assert sum(g["accepted"] for g in grids) == whole["accepted"]


MID_MONTH_CASES = [
    # (region, from, to, as_of): as_of inside a month, before the data horizon, as the
    # dashboard's 同比/环比 of an unfinished period asks (rollup months + that month's
    # closures read from the cases table).
    ("150200", date(2025, 1, 1), date(2025, 12, 31), datetime(2025, 11, 22, 10, 30)),
    ("150203", date(2024, 3, 1), date(2025, 8, 31), datetime(2025, 6, 9, 23, 0)),
    ("150203001", date(2025, 10, 1), date(2025, 10, 31), datetime(2025, 10, 23, 2, 40)),
    # Custom dates, seen at their own end (open and overdue then: the month end
    # before from the rollups, plus that month's changes from the cases table).
    ("150200", date(2025, 3, 5), date(2025, 6, 17), datetime(2025, 6, 17, 23, 59, 59)),
    ("150204", date(2024, 2, 10), date(2024, 3, 20), datetime(2024, 3, 20, 23, 59, 59)),
    ("150203", date(2025, 1, 1), date(2025, 1, 9), datetime(2025, 1, 9, 23, 59, 59)),
    # Past the data horizon (DEMO_UNTIL = 2026-06-30 18:00): open cases from the horizon
    # month's snapshot, overdue moved on to as_of, later and earlier than that month end.
    ("150200", date(2026, 1, 1), date(2026, 12, 31), datetime(2026, 7, 5, 9, 0)),
    ("150203", date(2026, 6, 1), date(2026, 6, 30), datetime(2026, 6, 30, 20, 0)),
]


def test_a_custom_period_reads_the_cases_table_only_where_rollups_cannot(
    metrics, demo_engine, monkeypatch
):
    """The page of a custom period asks for its edge months for its totals, its
    children (the ranking) and its trend's last month: the day rows answer them all,
    and the closing-day rows the closures after as_of (06-17). The cases table is read
    once (the mixes by level, source and category too: the city's day rows carry
    them) for the closures after as_of of the cases accepted 03-01..03-04 (March's days
    outside the period: fewer than its days inside) and once for the open cases'
    changes back from June's end (nearer than May's); every grouping adds up to what
    a straight read gives.
    Without day rows (by source or category) the edge windows are read as before."""
    metrics.WINDOW_READS.clear()
    read, closures, changes, mixes = [], [], [], []
    cohort_query, closing_query = metrics._cohort_query, metrics._closing_query
    snapshot_changes, mix_straight = metrics._snapshot_changes, metrics._mix_straight

    def counted_mixes(conn, q, window):
        mixes.append(window)
        return mix_straight(conn, q, window)

    def counted(conn, q, keys, window, repeats):
        read.append(window)
        return cohort_query(conn, q, keys, window, repeats)

    def counted_closures(conn, q, keys, closing, accepted=None):
        closures.append((closing, accepted))
        return closing_query(conn, q, keys, closing, accepted)

    def counted_changes(conn, q, keys, since):
        changes.append((q.as_of, since))
        return snapshot_changes(conn, q, keys, since)

    monkeypatch.setattr(metrics, "_cohort_query", counted)
    monkeypatch.setattr(metrics, "_closing_query", counted_closures)
    monkeypatch.setattr(metrics, "_snapshot_changes", counted_changes)
    monkeypatch.setattr(metrics, "_mix_straight", counted_mixes)
    args = (demo_engine, "150200", date(2025, 3, 5), date(2025, 6, 17))
    trend = (demo_engine, "150200", date(2024, 7, 1), date(2025, 6, 17), "month")
    shared = {
        "kpis": metrics.kpis(*args),
        "child": metrics.breakdown(*args, "child"),
        "trend": metrics.breakdown(*trend),
    }
    assert not read and not mixes, (read, mixes)  # the city's mixes: its day rows too
    # June's cases accepted after as_of closed after it if in June: the day rows say so.
    assert closures == [
        (
            (datetime(2025, 6, 18), datetime(2025, 6, 30, 23, 59, 59)),
            (datetime(2025, 3, 1), datetime(2025, 3, 4, 23, 59, 59)),
        )
    ], closures
    # open and overdue at 06-17: June's end less the changes after, for kpis' totals,
    # levels and centers and for the children, from one read
    assert [since.date() for _, since in changes] == [date(2025, 6, 30)], changes
    for by in ("level", "center"):  # their snapshot from the same changes
        shared[by] = metrics.breakdown(*args, by)
    assert len(changes) == 1, changes
    monkeypatch.setattr(metrics, "_cohort_query", cohort_query)
    monkeypatch.setattr(metrics, "_closing_query", closing_query)
    for by in ("source", "category"):  # their own reads (not shared)
        shared[by] = metrics.breakdown(*args, by)
    straight = {
        "kpis": metrics.kpis(*args, use_rollups=False),
        "child": metrics.breakdown(*args, "child", use_rollups=False),
        "trend": metrics.breakdown(*trend, use_rollups=False),
        **{
            by: metrics.breakdown(*args, by, use_rollups=False)
            for by in ("level", "center", "source", "category")
        },
    }
    shared["kpis"].pop("meta"), straight["kpis"].pop("meta")
    assert shared == straight


@pytest.mark.parametrize(("region", "date_from", "date_to", "as_of"), MID_MONTH_CASES)
def test_as_of_inside_a_month_matches_the_cases_table(
    metrics, demo_engine, region, date_from, date_to, as_of
):
    args = (demo_engine, region, date_from, date_to)
    fast = metrics.kpis(*args, as_of, use_rollups=True)
    straight = metrics.kpis(*args, as_of, use_rollups=False)
    fast.pop("meta"), straight.pop("meta")
    assert fast == straight
    assert 0 < fast["closed"] < fast["accepted"]
    for by in ("month", "child", "source", "center"):
        assert metrics.breakdown(*args, by, as_of, use_rollups=True) == metrics.breakdown(
            *args, by, as_of, use_rollups=False
        ), by


# Filters under which a custom period's edge windows are read from the cases table
# with their repeat petitions counted apart, from rollup_repeat.
REPEAT_FILTERS = [
    {},
    {"kind": "petition"},
    {"kind": "dispute"},  # no repeat petition can match
    {"source": "walk_in"},
    {"warning_level": "yellow"},
]


@pytest.fixture
def repeat_modes(metrics, monkeypatch) -> list[str]:
    """How each cases-table cohort read counts its repeat petitions, in order."""
    modes: list[str] = []
    cohort_query = metrics._cohort_query

    def counted(conn, q, keys, window, repeats):
        modes.append(repeats)
        return cohort_query(conn, q, keys, window, repeats)

    monkeypatch.setattr(metrics, "_cohort_query", counted)
    return modes


@pytest.mark.parametrize("filters", REPEAT_FILTERS, ids=lambda f: ",".join(f.values()) or "all")
def test_repeat_petitions_counted_apart_match_the_search(
    metrics, demo_engine, repeat_modes, filters
):
    """The rollup path's edge windows count repeat petitions in rollup_repeat by the
    read's own keys (child, month, a dimension, or all three for kpis' mixes); every
    grouping gives what the straight path's search among all the cases gives. (The
    day rows answer the totals, children and months of a question filtered by kind at
    most: those read no window of the cases table.)"""
    modes = repeat_modes
    by_day = set(filters) <= {"kind"}
    args = (demo_engine, "150200", date(2025, 3, 5), date(2025, 6, 17))
    for by in (None, "child", "month", "source", "category", "level", "center"):
        metrics.WINDOW_READS.clear()
        modes.clear()
        if by is None:
            fast = metrics.kpis(*args, use_rollups=True, **filters)
        else:
            fast = metrics.breakdown(*args, by, use_rollups=True, **filters)
        if by_day and by in (None, "child", "month"):
            assert not modes, (by, modes)
        else:
            assert modes and set(modes) == {"stored" if by == "center" else "apart"}, (by, modes)
        if by is None:
            straight = metrics.kpis(*args, use_rollups=False, **filters)
            fast.pop("meta"), straight.pop("meta")
            total = fast
        else:
            straight = metrics.breakdown(*args, by, use_rollups=False, **filters)
        assert fast == straight, by
    if filters.get("kind") == "dispute":
        assert total["repeat_petitions"] == 0
    else:  # not vacuous: repeats in the edge windows
        assert total["repeat_petitions"] > 0


def test_a_villages_repeat_petitions_are_looked_up_one_by_one(metrics, demo_engine, repeat_modes):
    """rollup_repeat is read by time: a village's (or grid's) reads look its few
    petitions up (SQLite: in rollup_repeat, by id) rather than read the city's."""
    modes = repeat_modes
    township = "150203001"
    villages = metrics.breakdown(demo_engine, township, *YEAR_2024, "child")
    village = max(villages, key=lambda v: v["repeat_petitions"])["key"]
    for region in (village, village + "001"):
        args = (demo_engine, region, date(2024, 3, 5), date(2024, 9, 17))
        metrics.WINDOW_READS.clear()
        modes.clear()
        fast = metrics.kpis(*args, use_rollups=True)
        assert modes and set(modes) == {"stored"}, modes
        straight = metrics.kpis(*args, use_rollups=False)
        fast.pop("meta"), straight.pop("meta")
        assert fast == straight, region


def test_a_repeat_petition_gone_from_the_cases_table_keeps_its_count(metrics):
    """Between a refresh and the next, rollup_repeat may hold a petition whose key the
    cases' read no longer has: it gets a row of its own, as a stored count would."""
    width = len(metrics.MEASURES)
    cases = [("150203", *range(1, width + 1))]
    rows = metrics._with_repeats(cases, [("150203", 4), ("150204", 2)])
    at = metrics.REPEATS_AT
    assert rows[0][1 + at] == 4 and rows[0][1:] != cases[0][1:]
    assert rows[1][0] == "150204" and rows[1][1 + at] == 2
    assert sum(rows[1][1:]) == 2
    assert metrics._with_repeats(cases, []) == [cases[0][: 1 + at] + (0,) + cases[0][2 + at :]]
