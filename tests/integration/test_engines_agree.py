"""The same fixture on SQLite and PostgreSQL: the same rows, the same figures.

The round-trip tests load the raw fixture (no rollups) into an empty database on
each engine and read every row back; the agreement tests compare govdash's kpis and
breakdowns on the two session fixture databases, with and without rollups.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fixtures import CASES, CENTERS, GRIDS, REGIONS, load_fixture
from oracle import BREAKDOWN_DIMS
from sqlalchemy import func, select

from data_access.models import Case, Center, Grid, Region

CASE_COLUMNS = [c for c in CASES[0] if c != "id"]


def _rows(engine, table, columns, order_by):
    with engine.connect() as conn:
        result = conn.execute(select(*(table.c[c] for c in columns)).order_by(table.c[order_by]))
        return [dict(row._mapping) for row in result]


@pytest.mark.parametrize(
    "engine_name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_fixture_round_trips(request, engine_name):
    """Every fixture row is accepted by the schema's constraints and reads back unchanged."""
    engine = request.getfixturevalue("sqlite_engine" if engine_name == "sqlite" else "pg_engine")
    load_fixture(engine, refresh=False)
    expected = {
        "regions": (Region, list(REGIONS[0]), "code", REGIONS),
        "grids": (Grid, list(GRIDS[0]), "code", GRIDS),
        "centers": (Center, list(CENTERS[0]), "id", CENTERS),
        "cases": (Case, CASE_COLUMNS, "case_no", CASES),
    }
    for name, (model, columns, key, rows) in expected.items():
        got = _rows(engine, model.__table__, columns, key)
        want = sorted(rows, key=lambda r, k=key: r[k])
        assert got == want, name
    with engine.connect() as conn:
        # Second precision survives the round trip (no microseconds appear).
        latest = conn.scalar(select(func.max(Case.accepted_at)))
    assert isinstance(latest, datetime) and latest.microsecond == 0


AGREE_QUERIES = [
    (date(2024, 1, 1), date(2024, 1, 31), datetime(2024, 1, 31, 23, 59, 58)),
    (date(2024, 2, 10), date(2024, 3, 20), datetime(2024, 3, 15, 14, 30, 0)),
    (date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 30)),
    (date(2022, 1, 1), date(2025, 12, 31), None),
]  # the breakdowns use the middle two
AGREE_SCOPES = ["150200", "150203", "150203100", "150203001015", "150204001021001"]


@pytest.mark.postgres
@pytest.mark.parametrize("use_rollups", [False, True], ids=["base-table", "rollups"])
def test_kpis_agree_between_engines(metrics, sqlite_fixture_engine, pg_fixture_engine, use_rollups):
    problems = []
    for date_from, date_to, as_of in AGREE_QUERIES:
        for region in AGREE_SCOPES:
            for filters in ({}, {"kind": "petition", "strict_satisfaction": True}):
                args = (region, date_from, date_to, as_of)
                lite = metrics.kpis(
                    sqlite_fixture_engine, *args, use_rollups=use_rollups, **filters
                )
                pg = metrics.kpis(pg_fixture_engine, *args, use_rollups=use_rollups, **filters)
                lite.pop("meta", None), pg.pop("meta", None)  # data versions differ
                if lite != pg:
                    diff = {
                        k: (lite.get(k), pg.get(k))
                        for k in lite.keys() | pg.keys()
                        if lite.get(k) != pg.get(k)
                    }
                    problems.append(f"{args} {filters}: sqlite vs postgres {diff}")
    assert not problems, "\n".join(problems)


@pytest.mark.postgres
@pytest.mark.parametrize("use_rollups", [False, True], ids=["base-table", "rollups"])
@pytest.mark.parametrize("by", BREAKDOWN_DIMS)
def test_breakdowns_agree_between_engines(
    metrics, sqlite_fixture_engine, pg_fixture_engine, use_rollups, by
):
    problems = []
    for date_from, date_to, as_of in AGREE_QUERIES[1:3]:
        for region in AGREE_SCOPES[:3]:
            args = (region, date_from, date_to, by, as_of)
            lite = metrics.breakdown(sqlite_fixture_engine, *args, use_rollups=use_rollups)
            pg = metrics.breakdown(pg_fixture_engine, *args, use_rollups=use_rollups)
            if lite != pg:
                problems.append(f"{args}: sqlite {lite!r}\n   vs postgres {pg!r}")
    assert not problems, "\n".join(problems)
