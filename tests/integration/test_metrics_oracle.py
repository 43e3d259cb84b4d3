"""govdash's SQL metrics against the independent pandas oracle, on SQLite and PostgreSQL.

Every expected number comes from tests/oracle.py over the raw rows of
tests/fixtures.py, never from govdash's own output. Each test runs on both engines
(`fixture_engine`) and with and without the rollup tables (`use_rollups`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from fixtures import CASES, CATEGORIES, GRIDS, KINDS, REGIONS, SOURCES, WARNING_LEVELS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import (
    BREAKDOWN_DIMS,
    COUNT_KEYS,
    PERIOD_KEYS,
    RATE_KEYS,
    diff_breakdown,
    diff_kpis,
    diff_value,
    end_of,
    mom_period,
    months_between,
    resolve_as_of,
    yoy_period,
)

CITY = "150200"
REGION_CODES = [r["code"] for r in REGIONS]
GRID_CODES = [g["code"] for g in GRIDS]
ALL_SCOPES = REGION_CODES + GRID_CODES
# One scope of each level with cases; every kpis query runs over these, plus the
# scopes its edge cases live in (QUERIES' last column).
CORE_SCOPES = ["150200", "150203100", "150204001021", "150203100200001"]
SAMPLE_SCOPES = ["150200", "150203", "150203400", "150203001015", "150204001021002"]
MID_MARCH = datetime(2024, 3, 15, 14, 30, 0)

# (id, date_from, date_to, as_of, now, extra scopes)
QUERIES = [
    ("jan2024", date(2024, 1, 1), date(2024, 1, 31), None, None, ["150203001015001", "150202"]),
    (
        "jan2024-asof-jan25",
        date(2024, 1, 1),
        date(2024, 1, 31),
        date(2024, 1, 25),
        None,
        ["150203001015"],
    ),
    (
        "jan2024-asof-jan31-235958",
        date(2024, 1, 1),
        date(2024, 1, 31),
        datetime(2024, 1, 31, 23, 59, 58),
        None,
        ["150203001015", "150203001015001", "150203001016"],
    ),
    (
        "feb2024-leap",
        date(2024, 2, 1),
        date(2024, 2, 29),
        None,
        None,
        ["150203100201", "150203001016"],
    ),
    (
        "feb2024-asof-feb7-noon",
        date(2024, 2, 1),
        date(2024, 2, 29),
        datetime(2024, 2, 7, 12, 0, 0),
        None,
        ["150203001015"],
    ),
    ("dec2023", date(2023, 12, 1), date(2023, 12, 31), None, None, ["150204001021002", "150204"]),
    (
        "q1-2024-asof-feb-end",
        date(2024, 1, 1),
        date(2024, 3, 31),
        date(2024, 2, 29),
        None,
        ["150203"],
    ),
    (
        "mar2024-asof-mid",
        date(2024, 3, 1),
        date(2024, 3, 31),
        MID_MARCH,
        None,
        ["150203100200", "150203001016"],
    ),
    ("mar2024-not-ended", date(2024, 3, 1), date(2024, 3, 31), None, MID_MARCH, ["150203100200"]),
    ("single-day", date(2024, 3, 15), date(2024, 3, 15), None, None, ["150203001016"]),
    ("odd-dates", date(2024, 2, 10), date(2024, 3, 20), None, None, ["150203001016"]),
    (
        "odd-dates-asof-mid",
        date(2024, 2, 10),
        date(2024, 3, 20),
        MID_MARCH,
        None,
        ["150203001016", "150203"],
    ),
    ("jun2023-none-rated", date(2023, 6, 1), date(2023, 6, 30), None, None, ["150203100004"]),
    ("sep2023-none-closed", date(2023, 9, 1), date(2023, 9, 30), None, None, ["150203100004"]),
    ("year2023", date(2023, 1, 1), date(2023, 12, 31), None, None, ["150204"]),
    ("year2024", date(2024, 1, 1), date(2024, 12, 31), None, None, ALL_SCOPES),
    (
        "year2024-asof-jun30",
        date(2024, 1, 1),
        date(2024, 12, 31),
        date(2024, 6, 30),
        None,
        ["150203400"],
    ),
    (
        "multi-year",
        date(2022, 1, 1),
        date(2025, 12, 31),
        None,
        None,
        ["150203102", "150202", "150203400498"],
    ),
    (
        "multi-year-asof-odd",
        date(2022, 3, 1),
        date(2025, 8, 31),
        datetime(2025, 2, 14, 10, 0, 0),
        None,
        ["150204", "150203102003"],
    ),
    ("no-cases-2021", date(2021, 1, 1), date(2021, 12, 31), None, None, []),
]
QUERY_PARAMS = [
    pytest.param(*q[1:5], list(dict.fromkeys(CORE_SCOPES + q[5])), id=q[0]) for q in QUERIES
]
QUERY_BY_ID = {q[0]: q[1:5] for q in QUERIES}

FILTERS = (
    [{"kind": k} for k in KINDS]
    + [{"source": s} for s in ("walk_in", "hotline_12345", "petition_referral", "app")]
    + [{"warning_level": lvl} for lvl in WARNING_LEVELS]
    + [{"category": c} for c in ("邻里纠纷", "劳动争议")]
    + [
        {"strict_satisfaction": True},
        {"strict_satisfaction": False},
        {"kind": "petition", "source": "walk_in"},
        {"kind": "dispute", "warning_level": "red", "strict_satisfaction": True},
        {"kind": "hotline", "category": "物业纠纷"},
        {"source": "grid_report", "warning_level": "yellow", "category": "环境污染"},
    ]
)


def _filter_id(f: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in f.items())


@pytest.fixture(params=[False, True], ids=["base-table", "rollups"])
def use_rollups(request) -> bool:
    return request.param


def _check_kpis(
    metrics, engine, oracle, regions, date_from, date_to, as_of, now, use_rollups, **filters
):
    problems = []
    for region in regions:
        got = metrics.kpis(
            engine, region, date_from, date_to, as_of, use_rollups=use_rollups, now=now, **filters
        )
        want = oracle.kpis(region, date_from, date_to, as_of, now=now, **filters)
        where = f"[{region} {date_from}..{date_to} as_of={as_of} now={now} {_filter_id(filters)}]"
        problems += diff_kpis(want, got, where)
    return problems


# ---------------------------------------------------------------- kpis
@pytest.mark.parametrize(("date_from", "date_to", "as_of", "now", "scopes"), QUERY_PARAMS)
def test_kpis_match_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups, date_from, date_to, as_of, now, scopes
):
    problems = _check_kpis(
        metrics,
        fixture_engine,
        fixture_oracle,
        scopes,
        date_from,
        date_to,
        as_of,
        now,
        use_rollups,
    )
    assert not problems, "\n".join(problems)


# Each filter set over one of three queries in turn (full year, odd dates with a
# mid-month as_of, several years with an odd as_of).
FILTER_QUERIES = ("year2024", "odd-dates-asof-mid", "multi-year-asof-odd")
FILTER_PARAMS = [
    pytest.param(
        f, FILTER_QUERIES[i % len(FILTER_QUERIES)], id=f"{_filter_id(f)}-{FILTER_QUERIES[i % 3]}"
    )
    for i, f in enumerate(FILTERS)
]


@pytest.mark.parametrize(("filters", "query_id"), FILTER_PARAMS)
def test_kpis_with_filters_match_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups, filters, query_id
):
    date_from, date_to, as_of, now = QUERY_BY_ID[query_id]
    problems = _check_kpis(
        metrics,
        fixture_engine,
        fixture_oracle,
        SAMPLE_SCOPES,
        date_from,
        date_to,
        as_of,
        now,
        use_rollups,
        **filters,
    )
    assert not problems, "\n".join(problems)


def test_as_of_given_as_a_date_means_end_of_that_day(metrics, fixture_engine, use_rollups):
    as_date = metrics.kpis(
        fixture_engine,
        CITY,
        date(2024, 1, 1),
        date(2024, 3, 31),
        date(2024, 1, 31),
        use_rollups=use_rollups,
    )
    as_datetime = metrics.kpis(
        fixture_engine,
        CITY,
        date(2024, 1, 1),
        date(2024, 3, 31),
        end_of(date(2024, 1, 31)),
        use_rollups=use_rollups,
    )
    assert as_date == as_datetime


def test_prefixes_do_not_leak(metrics, fixture_engine, fixture_oracle, use_rollups):
    """Sibling scopes partition their parent; the stripped-zero prefix traps are armed."""
    date_from, date_to = date(2022, 1, 1), date(2025, 12, 31)

    def get(region: str) -> dict:
        return metrics.kpis(fixture_engine, region, date_from, date_to, use_rollups=use_rollups)

    cases = fixture_oracle.cases
    # The traps hold cases: a sloppy "1502031" (150203100 without its zeros) or
    # "1502031002" (150203100200 without its zeros) prefix would pick them up.
    assert (
        cases["village_code"].str.startswith("1502031")
        & ~cases["village_code"].str.startswith("150203100")
    ).any()
    assert (cases["village_code"] == "150203100201").any()
    for region, parts in {
        "150200": ["150202", "150203", "150204"],
        "150203": ["150203001", "150203100", "150203102", "150203400"],
        "150203100": ["150203100004", "150203100200", "150203100201"],
        "150203001": ["150203001015", "150203001016"],
    }.items():
        whole = get(region)
        pieces = [get(code) for code in parts]
        for key in ("accepted", "closed", "petitions", "repeat_petitions", "open", "overdue_open"):
            assert whole[key] == sum(p[key] for p in pieces), (region, key)
    # Over all time, each scope counts exactly the cases of the villages under it.
    for region in ("150203", "150204", "150203001", "150203100", "150203100200", "150203100201"):
        want = int(fixture_oracle.scope_mask(region).sum())
        assert (
            metrics.kpis(
                fixture_engine,
                region,
                date(2000, 1, 1),
                date(2030, 12, 31),
                datetime(2030, 12, 31, 23, 59, 59),
                use_rollups=use_rollups,
            )["accepted"]
            == want
        ), region


def test_unknown_and_malformed_regions_raise(metrics, fixture_engine):
    from data_access.regions import UnknownRegion

    for code in (
        "150299",
        "150203999",
        "150203001999",
        "150203001015999",
        "999999",
        "abc",
        "",
        "1502031",
    ):
        with pytest.raises(UnknownRegion):
            metrics.kpis(fixture_engine, code, date(2024, 1, 1), date(2024, 1, 31))
        with pytest.raises(UnknownRegion):
            metrics.breakdown(fixture_engine, code, date(2024, 1, 1), date(2024, 1, 31), "source")


def test_reversed_period_raises(metrics, fixture_engine):
    with pytest.raises(ValueError):
        metrics.kpis(fixture_engine, CITY, date(2024, 2, 1), date(2024, 1, 31))
    with pytest.raises(ValueError):
        metrics.breakdown(fixture_engine, CITY, date(2024, 2, 1), date(2024, 1, 31), "child")


# ---------------------------------------------------------------- breakdowns
BREAKDOWN_QUERIES = ("jan2024-asof-jan25", "odd-dates-asof-mid", "multi-year-asof-odd")
# Scopes of every level whose children include ones without cases, and a grid.
BREAKDOWN_SCOPES = [
    "150200",
    "150203",
    "150203100",
    "150204001",
    "150203001015",
    "150204001021",
    "150203100201",
    "150203100200001",
]


def _parent_counts(oracle, region, date_from, date_to, by, as_of, now, **filters) -> dict:
    """What the rows of a breakdown add up to: the scope's own counts (cohort rule).
    At village level the cases without a grid have a row of their own, so the rows
    always add up to the whole scope."""
    return oracle.kpis(region, date_from, date_to, as_of, now=now, **filters)


def _check_breakdown(
    metrics, engine, oracle, regions, date_from, date_to, by, as_of, now, use_rollups, **filters
):
    problems = []
    for region in regions:
        if by == "child" and oracle.level_of(region) == "grid":
            continue  # a grid has no children
        got = metrics.breakdown(
            engine,
            region,
            date_from,
            date_to,
            by,
            as_of,
            use_rollups=use_rollups,
            now=now,
            **filters,
        )
        want = oracle.breakdown(region, date_from, date_to, by, as_of, now=now, **filters)
        where = f"[{region} {date_from}..{date_to} as_of={as_of} {_filter_id(filters)}]"
        problems += diff_breakdown(want, got, by, where)
        # The rows add up to the parent (checked on govdash's rows, against the oracle).
        parent = _parent_counts(oracle, region, date_from, date_to, by, as_of, now, **filters)
        for key in COUNT_KEYS + (() if by == "month" else ("open", "overdue_open")):
            summed = sum(row.get(key) or 0 for row in got)
            if summed != parent[key]:
                problems.append(
                    f"{where} by={by}: rows add up to {key}={summed}, the scope has {parent[key]}"
                )
    return problems


@pytest.mark.parametrize("by", BREAKDOWN_DIMS)
@pytest.mark.parametrize("query_id", BREAKDOWN_QUERIES)
def test_breakdown_matches_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups, by, query_id
):
    date_from, date_to, as_of, now = QUERY_BY_ID[query_id]
    problems = _check_breakdown(
        metrics,
        fixture_engine,
        fixture_oracle,
        BREAKDOWN_SCOPES,
        date_from,
        date_to,
        by,
        as_of,
        now,
        use_rollups,
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("by", BREAKDOWN_DIMS)
@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "petition"},
        {"warning_level": "red", "strict_satisfaction": True},
        {"source": "walk_in"},
    ],
    ids=_filter_id,
)
def test_breakdown_with_filters_matches_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups, by, filters
):
    date_from, date_to, as_of, now = QUERY_BY_ID["year2024-asof-jun30"]
    problems = _check_breakdown(
        metrics,
        fixture_engine,
        fixture_oracle,
        ["150200", "150203100", "150204001021"],
        date_from,
        date_to,
        by,
        as_of,
        now,
        use_rollups,
        **filters,
    )
    assert not problems, "\n".join(problems)


def test_child_breakdown_lists_children_without_cases(metrics, fixture_engine, use_rollups):
    rows = metrics.breakdown(
        fixture_engine, CITY, date(2024, 1, 1), date(2024, 12, 31), "child", use_rollups=use_rollups
    )
    by_key = {row["key"]: row for row in rows}
    assert set(by_key) == {"150202", "150203", "150204"}
    assert by_key["150202"]["accepted"] == 0
    assert by_key["150202"]["closure_rate"] is None
    assert by_key["150202"]["name"] == "东河区"
    grids = metrics.breakdown(
        fixture_engine,
        "150204001021",
        date(2024, 1, 1),
        date(2024, 12, 31),
        "child",
        use_rollups=use_rollups,
    )
    assert [row["key"] for row in grids][:3] == [
        "150204001021001",
        "150204001021002",
        "150204001021003",
    ]
    # The village's cases without a grid come last, in a row of their own.
    assert {row["key"] for row in grids[3:]} <= {""}
    assert all(row["name"] == "未划入网格" for row in grids[3:])


def test_month_breakdown_lists_every_month_in_order(metrics, fixture_engine, use_rollups):
    rows = metrics.breakdown(
        fixture_engine,
        CITY,
        date(2023, 11, 15),
        date(2024, 2, 10),
        "month",
        use_rollups=use_rollups,
    )
    assert [row["key"] for row in rows] == ["2023-11", "2023-12", "2024-01", "2024-02"]


# ---------------------------------------------------------------- hypothesis
FIRST_DAY, LAST_DAY = date(2021, 12, 1), date(2025, 12, 31)


@st.composite
def queries(draw):
    region = draw(st.sampled_from(ALL_SCOPES))
    date_from = draw(st.dates(FIRST_DAY, LAST_DAY))
    date_to = min(date_from + timedelta(days=draw(st.integers(0, 800))), LAST_DAY)
    start = datetime.combine(date_from, time(0, 0, 0))
    latest = end_of(date_to) + timedelta(days=60)
    moment = st.datetimes(start, latest).map(lambda d: d.replace(microsecond=0))
    as_of = draw(st.one_of(st.none(), st.dates(date_from, latest.date()), moment))
    now = draw(st.one_of(st.none(), moment)) if as_of is None else None
    filters = {
        "kind": draw(st.one_of(st.none(), st.sampled_from(KINDS))),
        "source": draw(st.one_of(st.none(), st.sampled_from(SOURCES))),
        "warning_level": draw(st.one_of(st.none(), st.sampled_from(WARNING_LEVELS))),
        "category": draw(st.one_of(st.none(), st.sampled_from(CATEGORIES))),
        "strict_satisfaction": draw(st.sampled_from([None, False, True])),
    }
    # Most draws keep at most one filter, so that the cohorts are rarely empty.
    if draw(st.integers(0, 3)):
        keep = draw(st.sampled_from(sorted(filters)))
        filters = {k: (v if k == keep else None) for k, v in filters.items()}
    use_rollups = draw(st.sampled_from([None, False, True]))
    return region, date_from, date_to, as_of, now, filters, use_rollups


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries())
def test_kpis_match_oracle_random_queries(metrics, fixture_engine, fixture_oracle, query):
    region, date_from, date_to, as_of, now, filters, use_rollups = query
    got = metrics.kpis(
        fixture_engine,
        region,
        date_from,
        date_to,
        as_of,
        use_rollups=use_rollups,
        now=now,
        **filters,
    )
    want = fixture_oracle.kpis(region, date_from, date_to, as_of, now=now, **filters)
    problems = diff_kpis(want, got, f"[{query}]")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- compare and ranking (light)
def _change(current, earlier, is_rate: bool):
    """METRICS.md: a rate changes in percentage points, a count in percent of the earlier value."""
    if current is None or earlier is None:
        return None
    if is_rate:
        return {"unit": "pp", "value": (current - earlier) * 100}
    if earlier == 0:
        return None
    return {"unit": "%", "value": (current - earlier) / earlier * 100}


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (date(2024, 3, 1), date(2024, 3, 31)),
        (date(2024, 2, 10), date(2024, 3, 20)),
        (date(2024, 7, 1), date(2024, 9, 30)),
    ],
    ids=["month", "odd-dates", "quarter"],
)
def test_compare_matches_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups, date_from, date_to
):
    """yoy/mom sections: {"from", "to", "as_of", "values": kpis, "change": {key: {"unit", "value"}}}.

    Complete periods with the default as_of, so each earlier period is seen at its own end.
    """
    region = "150203"
    result = metrics.compare(fixture_engine, region, date_from, date_to, use_rollups=use_rollups)
    current = fixture_oracle.kpis(region, date_from, date_to)
    problems = diff_kpis(current, result["current"], "current")
    for name, (prev_from, prev_to) in (
        ("yoy", yoy_period(date_from, date_to)),
        ("mom", mom_period(date_from, date_to)),
    ):
        section = result[name]
        assert (section["from"], section["to"]) == (prev_from.isoformat(), prev_to.isoformat()), (
            name
        )
        assert section["as_of"] == f"{prev_to.isoformat()} 23:59:59", name
        earlier = fixture_oracle.kpis(region, prev_from, prev_to)
        # The earlier periods carry the period metrics only (kpis(detail=False)).
        for key in PERIOD_KEYS:
            problems += diff_value(key, earlier[key], section["values"].get(key), name)
        assert "open" not in section["values"] and "by_level" not in section["values"], name
        for key in PERIOD_KEYS:
            want = _change(current[key], earlier[key], key in RATE_KEYS)
            got = section["change"].get(key, "<missing>")
            ok = (
                got == want
                if want is None or not isinstance(got, dict)
                else got.get("unit") == want["unit"]
                and abs(got.get("value") - want["value"]) < 1e-9
            )
            if not ok:
                problems.append(f"{name} change of {key}: want {want!r}, got {got!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("date_from", "date_to", "as_of", "now", "yoy_as_of", "mom_as_of"),
    [
        # 本月 on its first morning: March (31 days) against February 1st, 09:00 —
        # measured back from the end it would fall on 29 January, before February.
        (
            date(2024, 3, 1), date(2024, 3, 31), None, datetime(2024, 3, 1, 9, 0),
            datetime(2023, 3, 1, 9, 0), datetime(2024, 2, 1, 9, 0),
        ),
        # Mid-month: the same time after the start (19 days 15.5 hours).
        (
            date(2024, 3, 1), date(2024, 3, 31), None, datetime(2024, 3, 20, 15, 30),
            datetime(2023, 3, 20, 15, 30), datetime(2024, 2, 20, 15, 30),
        ),
        # A quarter to date: 环比 the previous quarter, the same 45 days in.
        (
            date(2024, 4, 1), date(2024, 6, 30), datetime(2024, 5, 15, 23, 59, 59), None,
            datetime(2023, 5, 15, 23, 59, 59), datetime(2024, 2, 14, 23, 59, 59),
        ),
        # An ended month seen 10 days later: the earlier month 10 days after its end.
        (
            date(2024, 2, 1), date(2024, 2, 29), date(2024, 3, 10), None,
            datetime(2023, 3, 10, 23, 59, 59), datetime(2024, 2, 10, 23, 59, 59),
        ),
    ],
    ids=["month-first-morning", "month-to-date", "quarter-to-date", "ended-seen-later"],
)  # fmt: skip
def test_compare_unfinished_periods_match_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups,
    date_from, date_to, as_of, now, yoy_as_of, mom_as_of,
):  # fmt: skip
    """docs/METRICS.md: while a period runs its earlier periods are seen the same time
    after their start; once it has ended, the same time after their end."""
    region = "150203"
    result = metrics.compare(
        fixture_engine, region, date_from, date_to, as_of, use_rollups=use_rollups, now=now
    )
    problems = diff_kpis(
        fixture_oracle.kpis(region, date_from, date_to, as_of, now=now),
        result["current"],
        "current",
    )
    for name, (prev_from, prev_to), earlier_as_of in (
        ("yoy", yoy_period(date_from, date_to), yoy_as_of),
        ("mom", mom_period(date_from, date_to), mom_as_of),
    ):
        section = result[name]
        assert section["as_of"] == earlier_as_of.isoformat(sep=" "), name
        earlier = fixture_oracle.kpis(region, prev_from, prev_to, earlier_as_of)
        for key in PERIOD_KEYS:
            problems += diff_value(key, earlier[key], section["values"].get(key), name)
    assert not problems, "\n".join(problems)


def test_ranking_ranks_the_children(metrics, fixture_engine, fixture_oracle, use_rollups):
    date_from, date_to = date(2024, 3, 1), date(2024, 3, 31)
    rows = metrics.ranking(fixture_engine, "150203", date_from, date_to, use_rollups=use_rollups)
    want = fixture_oracle.breakdown("150203", date_from, date_to, "child")
    assert {row["key"] for row in rows} == set(want)
    problems = []
    for row in rows:
        assert {"score", "rank", "rank_change"} <= set(row), row
        # Competition ranking by score; a unit without a score (no cases) is unranked.
        if row["score"] is None:
            assert row["rank"] is None, row
        else:
            assert type(row["rank"]) is int and 1 <= row["rank"] <= len(rows), row
        assert row["rank_change"] is None or type(row["rank_change"]) is int, row
        for key in PERIOD_KEYS:  # figures shown beside the rank, where present, are the oracle's
            if key in row and row[key] != want[row["key"]][key]:
                problems.append(
                    f"[{row['key']}] {key}: want {want[row['key']][key]!r}, got {row[key]!r}"
                )
    scored = [row for row in rows if row["score"] is not None]
    for a in scored:
        for b in scored:
            if a["score"] > b["score"]:
                assert a["rank"] < b["rank"], (a, b)
    # Rank change compares with the previous month's ranking (either sign convention).
    previous = {
        row["key"]: row["rank"]
        for row in metrics.ranking(
            fixture_engine, "150203", date(2024, 2, 1), date(2024, 2, 29), use_rollups=use_rollups
        )
    }
    changes = [
        (row["rank_change"], previous[row["key"]] - row["rank"])
        for row in rows
        if row["rank_change"] is not None
    ]
    assert all(c == d for c, d in changes) or all(c == -d for c, d in changes), changes
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the oracle itself
def test_oracle_repeat_petitions_follow_the_edge_cases(fixture_oracle):
    cases = fixture_oracle.cases.set_index("case_no")
    explicit = sorted(c for c in cases.index if c.startswith("P-"))
    repeats = {c for c in explicit if cases.loc[c, "repeat"]}
    # A2: exactly 365 days after A1; C2: prior in another district; G2/G3: chain;
    # I2: a day after; J2: the prior is still open.
    assert repeats == {"P-A2", "P-C2", "P-G2", "P-G3", "P-I2", "P-J2"}
    # B2: 365 days + 1 s; D3: priors rejected/void; E*: no key; F2: prior is a dispute;
    # H1/H2: the same second.
    assert {"P-B2", "P-D3", "P-E1", "P-E2", "P-E3", "P-F2", "P-H1", "P-H2"} <= set(
        explicit
    ) - repeats
    # Rejected and void rows are not in the population at all.
    assert not {"P-D1", "P-D2", "E-REJ-1", "E-VOID-1", "E-VOID-2"} & set(cases.index)
    assert len(cases) == sum(c["status"] not in ("rejected", "void") for c in CASES)


def test_oracle_hand_computed_scopes(fixture_oracle):
    o = fixture_oracle
    # 150203100004, June 2023: two closed cases, none rated.
    june = o.kpis("150203100004", date(2023, 6, 1), date(2023, 6, 30))
    assert (june["accepted"], june["closed"], june["resolved"], june["on_time"]) == (2, 2, 1, 2)
    assert (june["rated"], june["satisfaction_rate"], june["rating_participation"]) == (
        0,
        None,
        0.0,
    )
    assert (june["village_contained"], june["township_contained"]) == (0, 1)
    # September 2023: two accepted, none closed at the month end; one open past its deadline.
    sep = o.kpis("150203100004", date(2023, 9, 1), date(2023, 9, 30))
    assert (sep["accepted"], sep["closed"], sep["closure_rate"], sep["mediation_success_rate"]) == (
        2,
        0,
        0.0,
        None,
    )
    assert (sep["open"], sep["overdue_open"], sep["open_by_level"]["red"]) == (2, 1, 1)
    # Grid 150203001015001 in January 2024 holds one counted case, closed at 23:59:59 on the 31st.
    jan = o.select("150203001015001")
    assert sorted(jan[jan["month"] == "2024-01"]["case_no"]) == ["E-CLOSE-EDGE"]
    at_end = o.kpis("150203001015001", date(2024, 1, 1), date(2024, 1, 31))
    assert (
        at_end["closed"],
        at_end["on_time"],
        at_end["satisfied"],
        at_end["village_contained"],
    ) == (1, 1, 1, 1)
    strict = o.kpis(
        "150203001015001", date(2024, 1, 1), date(2024, 1, 31), strict_satisfaction=True
    )
    assert (strict["rated"], strict["satisfied"], strict["satisfaction_rate"]) == (1, 0, 0.0)
    before = o.kpis(
        "150203001015001", date(2024, 1, 1), date(2024, 1, 31), datetime(2024, 1, 31, 23, 59, 58)
    )
    assert (before["closed"], before["open"], before["overdue_open"]) == (0, 1, 0)
    # Village 150203001015 at the end of January: EDGE closed, NEXT open and overdue,
    # LATE open but not yet due (REJ-1 and VOID-1 never count).
    v = o.kpis("150203001015", date(2024, 1, 1), date(2024, 1, 31))
    assert (v["accepted"], v["closed"]) == (3, 1)
    jan_open = o.open_at(o.select("150203001015"), end_of(date(2024, 1, 31)))
    assert {"E-CLOSE-NEXT", "E-CLOSE-LATE"} <= set(jan_open["case_no"])
    # The mid-month as_of: accepted at 14:30:00 is in, 14:30:01 is out.
    mid = o.select("150203100200")
    mid = o.cohort(mid, date(2024, 3, 1), date(2024, 3, 31), MID_MARCH)
    assert "E-AT-ASOF" in set(mid["case_no"]) and "E-AFTER-ASOF" not in set(mid["case_no"])
    # The no-staff center has an open case: open_per_staff is None.
    load = {
        row["center_id"]: row
        for row in o.kpis(CITY, date(2024, 1, 1), date(2024, 12, 31))["center_load"]
    }
    assert load[6]["open"] >= 1 and load[6]["open_per_staff"] is None
    # A scope with no cases at all: every rate None.
    empty = o.kpis("150202", date(2022, 1, 1), date(2025, 12, 31))
    assert empty["accepted"] == 0 and empty["closure_rate"] is None and empty["by_source"] == {}


def test_oracle_period_helpers():
    assert months_between(date(2023, 11, 15), date(2024, 2, 1)) == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]
    assert resolve_as_of(date(2024, 1, 1), date(2024, 1, 31), date(2024, 1, 10)) == datetime(
        2024, 1, 10, 23, 59, 59
    )
    assert resolve_as_of(date(2024, 1, 1), date(2024, 1, 31), None) == datetime(
        2024, 1, 31, 23, 59, 59
    )
    assert resolve_as_of(date(2024, 1, 1), date(2024, 1, 31), None, MID_MARCH) == datetime(
        2024, 1, 31, 23, 59, 59
    )
    assert resolve_as_of(date(2024, 3, 1), date(2024, 3, 31), None, MID_MARCH) == MID_MARCH
    assert mom_period(date(2024, 3, 1), date(2024, 3, 31)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert mom_period(date(2024, 1, 1), date(2024, 1, 31)) == (
        date(2023, 12, 1),
        date(2023, 12, 31),
    )
    assert mom_period(date(2024, 2, 10), date(2024, 3, 20)) == (date(2024, 1, 1), date(2024, 2, 9))
    assert mom_period(date(2024, 7, 1), date(2024, 9, 30)) == (date(2024, 4, 1), date(2024, 6, 30))
    assert mom_period(date(2024, 1, 1), date(2024, 12, 31)) == (
        date(2023, 1, 1),
        date(2023, 12, 31),
    )
    assert yoy_period(date(2024, 2, 1), date(2024, 2, 29)) == (date(2023, 2, 1), date(2023, 2, 28))


def test_oracle_children_partition_their_parent(fixture_oracle):
    o = fixture_oracle
    for region in ("150200", "150203", "150204001", "150203100"):
        rows = o.breakdown(region, date(2022, 1, 1), date(2025, 12, 31), "child")
        total = o.kpis(region, date(2022, 1, 1), date(2025, 12, 31))
        for key in COUNT_KEYS + ("open", "overdue_open"):
            assert sum(row[key] for row in rows.values()) == total[key], (region, key)


# ---------------------------------------------------------------- edge months and as_of
# Questions whose edge months or as_of month the rollup path splits (data_access.metrics
# `_plan`): an edge month's part read straight when it is the shorter side, or the whole
# month from the rollups less its complement when it is the longer one; as_of inside a
# month early (its closures up to as_of added) or late (those after it taken off).
# (id, date_from, date_to, as_of, what the rollup path's plan holds)
EDGE_QUERIES = [
    ("first-edge-long", date(2024, 1, 5), date(2024, 3, 31), None, {"days": 1, "minus": 1}),
    ("first-edge-short", date(2024, 1, 25), date(2024, 3, 31), None, {"days": 1, "straight": 1}),
    # (as_of: the period end, inside its month: its closures after as_of taken off, or
    # those before it added.)
    (
        "last-edge-long",
        date(2024, 1, 1),
        date(2024, 3, 25),
        None,
        {"days": 1, "minus": 1, "closing_minus": True},
    ),
    (
        "last-edge-short",
        date(2024, 1, 1),
        date(2024, 3, 5),
        None,
        {"days": 1, "straight": 1, "closing": True},
    ),
    # The complement's cases closed by a later as_of: taken off with the rest of them.
    (
        "last-edge-long-seen-later",
        date(2024, 1, 1),
        date(2024, 3, 25),
        datetime(2024, 4, 10, 12, 0, 0),
        {"days": 1, "minus": 1, "closing": True},
    ),
    (
        "one-month-long",
        date(2024, 3, 2),
        date(2024, 3, 29),
        None,
        {"days": 1, "minus": 2, "closing_minus": True},
    ),
    (
        "two-edges-no-whole-month",
        date(2024, 1, 10),
        date(2024, 2, 20),
        None,
        {"days": 2, "minus": 2, "closing_minus": True},
    ),
    (
        "asof-early-in-edge-month",
        date(2024, 1, 1),
        date(2024, 6, 30),
        datetime(2024, 3, 4, 10, 0, 0),
        {"days": 1, "partial_day": 1, "straight": 1, "closing": True},
    ),
    (
        "asof-late-in-edge-month",
        date(2024, 1, 1),
        date(2024, 6, 30),
        datetime(2024, 3, 27, 18, 0, 0),
        {"days": 1, "partial_day": 1, "minus": 1, "closing_minus": True},
    ),
    (
        "asof-early-next-month",
        date(2024, 1, 1),
        date(2024, 1, 31),
        date(2024, 2, 3),
        {"closing": True},
    ),
    (
        "asof-late-next-month",
        date(2024, 1, 1),
        date(2024, 1, 31),
        datetime(2024, 2, 26, 12, 0, 0),
        {"closing_minus": True},
    ),
    (
        "both-edges-asof-inside-last",
        date(2024, 1, 10),
        date(2024, 3, 20),
        datetime(2024, 3, 18, 12, 0, 0),
        {"days": 2, "partial_day": 1, "minus": 2, "closing_minus": True},
    ),
    # A short first edge read itself among the closures after as_of; the last one
    # corrected by its days after as_of (from the day rows).
    (
        "first-edge-short-asof-inside",
        date(2024, 1, 25),
        date(2024, 3, 20),
        None,
        {"days": 2, "straight": 1, "minus": 1, "closing_minus": True},
    ),
    ("edge-before-horizon", date(2021, 12, 5), date(2022, 2, 28), None, {"days": 1, "straight": 1}),
    # Whole years: a village's grids come from the grid year rows then.
    ("years", date(2022, 1, 1), date(2024, 12, 31), None, {"grid_rows": True}),
    (
        "years-first-edge-long",
        date(2022, 1, 5),
        date(2024, 12, 31),
        None,
        {"days": 1, "minus": 1, "grid_rows": True},
    ),
    (
        "years-asof-early-later",
        date(2023, 1, 1),
        date(2024, 12, 31),
        datetime(2025, 3, 10, 10, 0, 0),
        {"closing": True, "grid_rows": True},
    ),
    (
        "years-asof-late-later",
        date(2023, 1, 1),
        date(2024, 12, 31),
        datetime(2025, 3, 28, 10, 0, 0),
        {"closing_minus": True, "grid_rows": True},
    ),
]
EDGE_FILTERS = [{}, {"kind": "petition"}, {"source": "walk_in"}, {"kind": "dispute"}]
EDGE_PARAMS = [
    pytest.param(*q[1:4], f, id=f"{q[0]}-{_filter_id(f) or 'all'}")
    for i, q in enumerate(EDGE_QUERIES)
    for f in ({}, EDGE_FILTERS[1 + i % 3])
]
# City, district, township, villages (one with grids), a grid: where the rollups apply
# and where they don't.
EDGE_SCOPES = ["150200", "150203", "150203100", "150203001015", "150204001021", "150203100200001"]


@pytest.mark.parametrize(("date_from", "date_to", "as_of", "filters"), EDGE_PARAMS)
def test_edge_months_match_oracle(
    metrics, fixture_engine, fixture_oracle, use_rollups, date_from, date_to, as_of, filters
):
    args = (date_from, date_to, as_of, None, use_rollups)
    problems = _check_kpis(metrics, fixture_engine, fixture_oracle, EDGE_SCOPES, *args, **filters)
    for by in ("child", "month", "source", "center"):
        problems += _check_breakdown(
            metrics, fixture_engine, fixture_oracle, EDGE_SCOPES, date_from, date_to, by,
            as_of, None, use_rollups, **filters,
        )  # fmt: skip
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("date_from", "date_to", "as_of", "expected"),
    [pytest.param(*q[1:], id=q[0]) for q in EDGE_QUERIES],
)
def test_edge_month_plans(metrics, sqlite_fixture_engine, date_from, date_to, as_of, expected):
    """The questions above take the branch they are there for: the oracle tests then
    cover every way the rollup path splits a question. Without a filter the edge months
    come from the day rows (`days`: one range per edge month; a last day cut short by
    as_of, with cases accepted later that day, from the cases table); a question the day
    rows don't hold (by source) reads them from the cases table (`straight`, `minus`)."""
    from data_access.metrics import _plan, resolve_query

    with sqlite_fixture_engine.connect() as conn:
        state, _ref, q = resolve_query(conn, "150200", date_from, date_to, as_of)
    by_day = _plan(q, state, None, None)
    by_source = _plan(q, state, None, "source")
    assert by_day.from_rollups and by_source.rollup_months is not None
    assert len(by_day.days) == expected.get("days", 0), by_day
    assert len(by_day.straight) == expected.get("partial_day", 0), by_day
    assert not by_day.minus, by_day
    for low, high in by_day.straight:
        assert low.date() == high.date() and low.time() == time.min, by_day
    assert len(by_source.straight) == expected.get("straight", 0), by_source
    assert len(by_source.minus) == expected.get("minus", 0), by_source
    assert not by_source.days, by_source
    for plan in (by_day, by_source):
        assert (plan.closing is not None) == expected.get("closing", False), plan
        assert (plan.closing_minus is not None) == expected.get("closing_minus", False), plan
    # No window read from the cases table is longer than half a month (but for an edge
    # month before the data, which holds no case).
    windows = [
        *by_source.straight,
        *by_source.minus,
        *(w for w in (by_source.closing, by_source.closing_minus) if w),
    ]
    for low, high in windows:
        assert high - low < timedelta(days=16) or low.date() < state.rollup_first_month
    # A village's breakdown by grid reads the grid year rows for whole years only.
    with sqlite_fixture_engine.connect() as conn:
        _state, _ref, vq = resolve_query(conn, "150204001021", date_from, date_to, as_of)
    village_plan = _plan(vq, state, None, "child")
    assert (village_plan.rollup_months is not None) == expected.get("grid_rows", False)


def test_closing_corners_take_every_branch(sqlite_fixture_engine, monkeypatch):
    """The closures inside as_of's month of a question the day rows hold are split by
    `_closing_parts`: every way it splits them is taken by the questions above, so the
    oracle tests cover each (a cut day of closing, a corner of no case, one from the day
    rows, one read from the cases table, a month read whole or its own days read)."""
    from data_access import metrics as m

    seen: set[str] = set()
    corner, cut_days = m._corner, m._cut_days

    def spy_corner(conn, q, group, accepted, closing, state):
        if accepted[0] > closing[1]:
            seen.add("none")
        elif m._corner_in_day_rows(accepted, closing):
            seen.add("day rows")
        else:
            seen.add("cases")
        return corner(conn, q, group, accepted, closing, state)

    def spy_cut_days(window):
        cuts = cut_days(window)
        if cuts:
            seen.add("cut day")
        return cuts

    closing_rollup = m._closing_rollup

    def spy_closing_rollup(conn, q, group, months, days):
        # A partly accepted first month read whole (less its other days), or its own
        # days read instead (the whole months start later).
        first = q.start.date()
        if first.day != 1:
            seen.add("month whole" if months[0] <= first else "part read")
        return closing_rollup(conn, q, group, months, days)

    monkeypatch.setattr(m, "_corner", spy_corner)
    monkeypatch.setattr(m, "_cut_days", spy_cut_days)
    monkeypatch.setattr(m, "_closing_rollup", spy_closing_rollup)
    for _id, date_from, date_to, as_of, _expected in EDGE_QUERIES:
        m.kpis(sqlite_fixture_engine, "150200", date_from, date_to, as_of)
    assert seen >= {"none", "day rows", "cases", "cut day", "part read", "month whole"}, seen


def test_a_snapshot_inside_a_month_starts_from_the_nearer_month_end(
    sqlite_fixture_engine, monkeypatch
):
    """Open and overdue at an as_of inside a month: the month end before plus the
    changes since, or the month's own end less the changes after as_of, whichever is
    nearer (the oracle tests above check both: asof-early-in-edge-month and
    asof-late-in-edge-month)."""
    from data_access import metrics as m

    seen = []
    changes = m._snapshot_changes

    def spy(conn, q, keys, since):
        seen.append((q.as_of, since))
        return changes(conn, q, keys, since)

    monkeypatch.setattr(m, "_snapshot_changes", spy)
    m.WINDOW_READS.clear()
    for as_of, month_end in (
        (datetime(2024, 3, 4, 10), datetime(2024, 2, 29, 23, 59, 59)),
        (datetime(2024, 3, 27, 18), datetime(2024, 3, 31, 23, 59, 59)),
    ):
        m.kpis(sqlite_fixture_engine, "150200", date(2024, 1, 1), date(2024, 6, 30), as_of)
        assert seen and seen[-1] == (as_of, month_end), seen


@pytest.mark.parametrize(
    ("region", "filters"),
    [("150200", {}), ("150203", {"source": "walk_in"}), ("150204001021", {"kind": "petition"})],
)
def test_kpis_is_its_period_metrics_mixes_and_snapshot(
    metrics, fixture_engine, use_rollups, region, filters
):
    """govdash.data computes kpis() as three parts side by side: together they are
    kpis() (a custom period seen at its end, inside a month)."""
    args = (fixture_engine, region, date(2024, 1, 5), date(2024, 3, 20))
    options = {"use_rollups": use_rollups, **filters}
    whole = metrics.kpis(*args, **options)
    parts = {
        **metrics.kpis(*args, detail=False, **options),
        **metrics.kpis_mixes(*args, **options),
        **metrics.kpis_snapshot(*args, **options),
    }
    assert parts == whole


@pytest.mark.parametrize(("region", "by"), [("150200", "child"), ("150203", "center")])
def test_a_breakdown_without_its_snapshot_is_its_period_metrics(
    metrics, fixture_engine, use_rollups, region, by
):
    """breakdown(snapshot=False) (a ranking's earlier period) leaves out open and
    overdue at as_of only: the same rows, with the same rates, and so the same ranks."""
    args = (fixture_engine, region, date(2024, 1, 5), date(2024, 3, 20), by)
    full = metrics.breakdown(*args, use_rollups=use_rollups)
    rates = metrics.breakdown(*args, use_rollups=use_rollups, snapshot=False)
    snapshot_keys = {"open", "overdue_open", "open_per_staff"}
    assert all(not snapshot_keys & set(row) for row in rates)
    by_key = {row["key"]: {k: v for k, v in row.items() if k not in snapshot_keys} for row in full}
    assert all(by_key[row["key"]] == row for row in rates)
    assert {k for k, row in by_key.items() if row["accepted"]} <= {row["key"] for row in rates}

    def ranks(rows: list[dict]) -> list[tuple]:
        ranked = metrics.rank_children(rows, rows)
        return [(row["key"], row["rank"]) for row in ranked if row["rank"] is not None]

    assert ranks(full) == ranks(rates)


def test_rollups_refreshed_without_day_rows_are_read_by_month(
    metrics, fixture_engine, fixture_oracle
):
    """A refresh by code that builds no day rows (an older process) leaves
    day_rows_version behind the data version: the edge months are then read from the
    cases table again, and the figures stay exact."""
    from sqlalchemy import text

    from data_access.metrics import _plan, resolve_query

    period = (date(2024, 1, 5), date(2024, 3, 20))
    with fixture_engine.connect() as conn:
        conn.execute(text("UPDATE data_state SET data_version = data_version + 1"))
        state, _ref, q = resolve_query(conn, "150200", *period)
        plan = _plan(q, state, None, None)
        problems = _check_kpis(
            metrics, conn, fixture_oracle, EDGE_SCOPES[:3], *period, None, None, None
        )
        for by in ("child", "month"):
            problems += _check_breakdown(
                metrics, conn, fixture_oracle, EDGE_SCOPES[:3], *period, by, None, None, None
            )
        conn.rollback()
    assert not state.day_rows
    assert plan.rollup_months is not None and not plan.days and plan.minus, plan
    assert not problems, "\n".join(problems)


# The data's last acceptance falls in December 2025 and a December case closes after
# the as_of below: the year row of 2025 (kept for as_of at or after the year's end,
# closures inside the year counted from its start) must not answer before 31 December.
_DECEMBER = {
    **CASES[0],
    "village_code": "150203001015",
    "center_id": 8,
    "satisfaction": None,
    "visited_at": None,
    "petitioner_key": None,
}
DECEMBER_CASES = [
    {
        **_DECEMBER,
        "case_no": "X-DEC-CLOSE-LATE",
        "grid_code": "150203001015001",
        "status": "closed",
        "accepted_at": datetime(2025, 12, 3, 10, 0, 0),
        "deadline_at": datetime(2025, 12, 30, 10, 0, 0),
        "closed_at": datetime(2025, 12, 20, 15, 0, 0),
        "outcome": "resolved",
        "resolved_level": "village",
    },
    {
        **_DECEMBER,
        "case_no": "X-DEC-OPEN",
        "grid_code": None,
        "status": "in_progress",
        "accepted_at": datetime(2025, 12, 10, 9, 0, 0),
        "deadline_at": datetime(2025, 12, 12, 9, 0, 0),
        "closed_at": None,
        "outcome": None,
        "resolved_level": None,
    },
]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def december_engine(request, tmp_path_factory):
    """The fixture database plus DECEMBER_CASES, rolled up."""
    from fixtures import load_fixture
    from sqlalchemy import insert

    from data_access.engine import make_engine
    from data_access.models import Case
    from data_access.rollups import refresh_rollups

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('december') / 'december.sqlite'}"
    else:
        url = request.getfixturevalue("pg_schemas").new("december")
    engine = make_engine(url)
    load_fixture(engine, refresh=False)
    with engine.begin() as conn:
        conn.execute(insert(Case), DECEMBER_CASES)
    refresh_rollups(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def december_oracle():
    from fixtures import CENTERS
    from oracle import Oracle

    return Oracle(REGIONS, GRIDS, CENTERS, CASES + DECEMBER_CASES)


@pytest.mark.parametrize(
    ("date_from", "date_to", "as_of"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), datetime(2025, 12, 15, 23, 59, 59)),
        (date(2023, 1, 1), date(2025, 12, 31), datetime(2025, 12, 15, 23, 59, 59)),
        (date(2025, 1, 1), date(2025, 12, 31), datetime(2025, 12, 31, 23, 59, 59)),
        (date(2025, 12, 1), date(2025, 12, 31), datetime(2025, 12, 19, 8, 0, 0)),
    ],
    ids=["year-mid-december", "years-mid-december", "year-end", "december-late"],
)
def test_year_rows_wait_for_the_year_end(
    metrics, december_engine, december_oracle, use_rollups, date_from, date_to, as_of
):
    scopes = ["150200", "150203", "150203001", "150203001015", "150203001015001"]
    problems = _check_kpis(
        metrics, december_engine, december_oracle, scopes, date_from, date_to, as_of, None,
        use_rollups,
    )  # fmt: skip
    for by in ("child", "month", "center"):
        problems += _check_breakdown(
            metrics, december_engine, december_oracle, scopes, date_from, date_to, by, as_of,
            None, use_rollups,
        )  # fmt: skip
    assert not problems, "\n".join(problems)
