"""重复信访人 (data_access.caselist.repeat_petitioners) against an independent pandas
computation over the fixture's raw rows, on SQLite and PostgreSQL: through the rollups
(rollup_repeat), before any refresh, and with petitions accepted after the last one.

The expected rows are computed here from tests/fixtures.py with pandas, from the
definition in docs/METRICS.md (never from govdash's output): the keys of the period's
repeat petitions in the scope, each with its repeats, its petitions anywhere in the
city from 365 days before the period to its end, first and latest, townships and
centers. The table agrees with the repeat_petitions figure, and each row's /cases
list (petitioner=<label>) holds exactly the row's petitions.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
from fixtures import CASES, V015, V021, _case, load_fixture
from sqlalchemy import insert

from data_access.caselist import (
    PETITIONER_LABEL_LENGTH,
    list_cases,
    repeat_petitioners,
)
from data_access.metrics import kpis
from data_access.models import Case

YEAR = timedelta(days=365)
MID_MARCH = datetime(2024, 3, 15, 14, 30, 0)
# (region, from, to, as_of, filters)
QUERIES = [
    ("150200", date(2024, 1, 1), date(2024, 12, 31), None, {}),
    ("150203", date(2024, 1, 1), date(2024, 12, 31), None, {}),
    ("150204", date(2024, 1, 1), date(2024, 12, 31), None, {}),
    ("150200", date(2024, 2, 10), date(2024, 3, 20), None, {}),
    ("150200", date(2024, 1, 1), date(2024, 6, 30), MID_MARCH, {}),
    ("150200", date(2022, 1, 1), date(2025, 12, 31), None, {}),
    ("150203100200", date(2022, 1, 1), date(2025, 12, 31), None, {}),
    ("150203001016", date(2024, 1, 1), date(2024, 12, 31), None, {}),
    ("150200", date(2022, 1, 1), date(2025, 12, 31), None, {"source": "app"}),
    ("150200", date(2022, 1, 1), date(2025, 12, 31), None, {"warning_level": "yellow"}),
]


def _frame(cases: list[dict] = CASES) -> pd.DataFrame:
    frame = pd.DataFrame(cases)
    frame["accepted_at"] = pd.to_datetime(frame["accepted_at"])
    return frame[~frame["status"].isin(("rejected", "void"))].reset_index(drop=True)


POPULATION = _frame()


def expected(oracle, region, date_from, date_to, as_of, filters, population=POPULATION) -> dict:
    """The repeat petitioners by the METRICS.md definition, in pandas: the rows in
    their order (most repeats, then the latest repeat, first)."""
    petitions = population[
        (population["kind"] == "petition") & population["petitioner_key"].notna()
    ]
    pairs = petitions.merge(petitions, on="petitioner_key", suffixes=("", "_prior"))
    prior = (pairs["accepted_at_prior"] >= pairs["accepted_at"] - YEAR) & (
        pairs["accepted_at_prior"] < pairs["accepted_at"]
    )
    repeat_case_nos = set(pairs.loc[prior, "case_no"])
    start = datetime.combine(date_from, time.min)
    end = datetime.combine(date_to, time(23, 59, 59))
    if as_of is not None:
        end = min(end, as_of)
    cohort = population[
        oracle.scope_mask(region, population)
        & (population["kind"] == "petition")
        & population["accepted_at"].between(start, end)
    ]
    for name, column in (("source", "source"), ("warning_level", "warning_level")):
        if filters.get(name):
            cohort = cohort[cohort[column] == filters[name]]
    repeats = cohort[cohort["case_no"].isin(repeat_case_nos)]
    window = petitions[petitions["accepted_at"].between(start - YEAR, end)]
    rows = {}
    ordered = sorted(
        repeats.groupby("petitioner_key"),
        key=lambda item: (-len(item[1]), -item[1]["accepted_at"].max().timestamp(), item[0]),
    )
    for key, group in ordered:
        history = window[window["petitioner_key"] == key]
        rows[key[:PETITIONER_LABEL_LENGTH]] = {
            "repeats": len(group),
            "petitions": len(history),
            "first_at": history["accepted_at"].min().to_pydatetime(),
            "latest_at": history["accepted_at"].max().to_pydatetime(),
            "townships": sorted({v[:9] for v in history["village_code"]}),
            "centers": sorted({int(c) for c in history["center_id"]}),
        }
    return {"rows": rows, "repeat_petitions": len(repeats), "window_from": date_from - YEAR}


@pytest.mark.parametrize(("region", "date_from", "date_to", "as_of", "filters"), QUERIES)
def test_repeat_petitioners_equal_the_pandas_definition(
    fixture_engine, fixture_oracle, region, date_from, date_to, as_of, filters
):
    want = expected(fixture_oracle, region, date_from, date_to, as_of, filters)
    got = repeat_petitioners(
        fixture_engine, region, date_from, date_to, as_of, limit=1000, **filters
    )
    assert got["total"] == len(want["rows"])
    assert got["repeat_petitions"] == want["repeat_petitions"]
    assert got["window_from"] == want["window_from"] and got["window_to"] == date_to
    rows = {
        row["label"]: {
            "repeats": row["repeats"],
            "petitions": row["petitions"],
            "first_at": row["first_at"],
            "latest_at": row["latest_at"],
            "townships": [t["code"] for t in row["townships"]],
            "centers": [c["id"] for c in row["centers"]],
        }
        for row in got["rows"]
    }
    assert rows == want["rows"]
    assert list(rows) == list(want["rows"])  # in order: the most repeats first
    assert len(rows) == len(got["rows"])  # one row per petitioner
    for row in got["rows"]:
        assert row["petitions"] >= 2  # the repeat and what it repeats are both in W
        assert row["party_name"] == "测***人"  # masked (测试当事人)
        assert all(t["name"] for t in row["townships"]) and all(c["name"] for c in row["centers"])


@pytest.mark.parametrize(("region", "date_from", "date_to", "as_of", "filters"), QUERIES[:6])
def test_the_table_agrees_with_the_repeat_petitions_figure(
    fixture_engine, region, date_from, date_to, as_of, filters
):
    got = repeat_petitioners(fixture_engine, region, date_from, date_to, as_of, **filters)
    figures = kpis(fixture_engine, region, date_from, date_to, as_of, kind="petition", **filters)
    assert got["repeat_petitions"] == figures["repeat_petitions"]
    assert sum(r["repeats"] for r in got["rows"]) == figures["repeat_petitions"]


@pytest.mark.parametrize(("region", "date_from", "date_to", "as_of", "filters"), QUERIES)
def test_each_petitioners_list_holds_exactly_their_petitions(
    fixture_engine, region, date_from, date_to, as_of, filters
):
    got = repeat_petitioners(fixture_engine, region, date_from, date_to, as_of, **filters)
    for row in got["rows"]:
        listed = list_cases(
            fixture_engine,
            "150200",
            got["window_from"],
            got["window_to"],
            as_of,
            kind="petition",
            petitioner=row["label"],
            limit=1000,
        )
        assert listed["total"] == row["petitions"]
        assert listed["meta"]["petitioner"] == row["label"]
        accepted = sorted(r["accepted_at"] for r in listed["rows"])
        assert accepted[0] == row["first_at"] and accepted[-1] == row["latest_at"]
        assert all("petitioner_key" not in r for r in listed["rows"])


def test_the_limit_keeps_the_petitioners_with_the_most_repeats(fixture_engine):
    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31))
    everyone = repeat_petitioners(*args, limit=1000)
    assert everyone["total"] >= 2, "the fixture has several repeat petitioners"
    first = repeat_petitioners(*args, limit=1)
    assert first["total"] == everyone["total"]
    assert first["rows"] == everyone["rows"][:1]


def test_the_petitioner_filter_is_exact_and_refuses_patterns(fixture_engine):
    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31))
    # "pk-" would be every fixture key as a LIKE prefix: the label is compared whole.
    assert list_cases(*args, kind="petition", petitioner="pk-", limit=0)["total"] == 0
    for bad in ("pk%", "pk_A'", "x" * (PETITIONER_LABEL_LENGTH + 1), "pk A"):
        with pytest.raises(ValueError, match="petitioner"):
            list_cases(*args, petitioner=bad)
    known = POPULATION[POPULATION["petitioner_key"] == "pk-A"]
    assert list_cases(*args, petitioner="pk-A", limit=0)["total"] == len(known)


# Petitions accepted after the fixture's last one: repeats of pk-A (in another
# district's village) and of a new key, and a first petition that is no repeat.
LATER = [
    _case("P-L1", V021, "2026-01-10 09:00:00", kind="petition", key="pk-L"),
    _case("P-L2", V015, "2026-02-10 09:00:00", kind="petition", key="pk-L", source="app"),
    _case("P-L3", V015, "2026-03-01 09:00:00", kind="petition", key="pk-L"),
    _case("P-A9", V021, "2026-01-20 09:00:00", kind="petition", key="pk-A"),
    _case("P-A10", V021, "2026-02-20 09:00:00", kind="petition", key="pk-A"),
    _case("P-M1", V015, "2026-02-01 09:00:00", kind="petition", key="pk-M"),
]
LATER_QUERIES = [
    ("150200", date(2025, 1, 1), date(2026, 12, 31), None, {}),
    ("150200", date(2026, 1, 1), date(2026, 12, 31), None, {}),
    ("150203", date(2025, 6, 1), date(2026, 6, 30), None, {"source": "app"}),
    ("150200", date(2024, 1, 1), date(2026, 3, 31), datetime(2026, 2, 15), {}),
    # The period starts after the refresh: repeats accepted in between are not in it.
    ("150200", date(2026, 2, 15), date(2026, 3, 31), None, {}),
]


@pytest.mark.parametrize("refreshed", [True, False], ids=["refreshed", "never-refreshed"])
@pytest.mark.parametrize(("region", "date_from", "date_to", "as_of", "filters"), LATER_QUERIES)
def test_petitions_accepted_after_the_last_refresh_count_too(
    any_engine, fixture_oracle, refreshed, region, date_from, date_to, as_of, filters
):
    """rollup_repeat holds the repeats up to the last refresh; petitions accepted since
    (a platform writing the cases table between refreshes) are searched among the
    cases; and a database whose rollups were never built is searched whole. Each way
    gives the definition's rows, and the kpis figure straight from the cases table."""
    load_fixture(any_engine, refresh=refreshed)
    with any_engine.begin() as conn:
        conn.execute(insert(Case), LATER)
    want = expected(
        fixture_oracle, region, date_from, date_to, as_of, filters, _frame(CASES + LATER)
    )
    got = repeat_petitioners(any_engine, region, date_from, date_to, as_of, limit=1000, **filters)
    assert [row["label"] for row in got["rows"]] == list(want["rows"])
    assert {row["label"]: row["repeats"] for row in got["rows"]} == {
        label: row["repeats"] for label, row in want["rows"].items()
    }
    assert got["repeat_petitions"] == want["repeat_petitions"]
    straight = kpis(
        any_engine, region, date_from, date_to, as_of, kind="petition", use_rollups=False,
        **filters,
    )  # fmt: skip
    assert got["repeat_petitions"] == straight["repeat_petitions"]
    assert "pk-L" in [row["label"] for row in got["rows"]]  # accepted after the refresh
