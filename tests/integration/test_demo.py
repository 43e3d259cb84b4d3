"""The Baotou demo (data_access/demo.py): the published figures of METRICS.md, checked
with plain SQL over the raw rows of a demo built once per session, plus the loader's
contract (idempotent, refuses real data, deterministic, PostgreSQL load).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from fixtures import DEMO_UNTIL as UNTIL
from sqlalchemy import Engine, text

from data_access.bulk import check_violations
from data_access.demo import (
    CASE_COLUMNS,
    Context,
    WorkCalendar,
    build_structure,
    generate_chunk,
    load_demo,
)
from data_access.engine import make_engine
from data_access.models import Case, CaseEvent, Center, Grid

POPULATION = "status NOT IN ('rejected', 'void')"


def cohort(prefix: str, year: int, kind: str | None = None) -> str:
    """FROM/WHERE of the cohort rule: accepted in the year, in the scope, not excluded."""
    kind_filter = f" AND kind = '{kind}'" if kind else ""
    return (
        f"FROM cases WHERE {POPULATION} AND village_code LIKE '{prefix}%'"
        f" AND accepted_at >= '{year}-01-01 00:00:00' AND accepted_at <= '{year}-12-31 23:59:59'"
        f"{kind_filter}"
    )


def year_end(year: int) -> str:
    return f"'{year}-12-31 23:59:59'"


def one(engine: Engine, sql: str) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text(sql)).one())


# ---------------------------------------------------------------- published figures
def test_kundulun_2024_accepted_and_closed(demo_engine):
    accepted, closed = one(
        demo_engine,
        f"SELECT COUNT(*), SUM(CASE WHEN closed_at <= {year_end(2024)} THEN 1 ELSE 0 END) "
        + cohort("150203", 2024),
    )
    assert (accepted, closed) == (4013, 3881)
    assert f"{closed / accepted:.2%}" == "96.71%"


def test_qingshan_2024_satisfaction(demo_engine):
    rated, good = one(
        demo_engine,
        "SELECT COUNT(*), SUM(CASE WHEN satisfaction IN ('satisfied', 'basically_satisfied')"
        " THEN 1 ELSE 0 END) "
        + cohort("150204", 2024)
        + f" AND closed_at <= {year_end(2024)} AND satisfaction IS NOT NULL",
    )
    assert rated > 1000
    assert abs(good / rated - 0.982) <= 0.0005


def test_qingshan_2024_petition_closure(demo_engine):
    petitions, closed = one(
        demo_engine,
        f"SELECT COUNT(*), SUM(CASE WHEN closed_at <= {year_end(2024)} THEN 1 ELSE 0 END) "
        + cohort("150204", 2024, "petition"),
    )
    assert abs(closed / petitions - 0.866) <= 0.0005


def test_qingshan_2024_mediation_success(demo_engine):
    closed, resolved = one(
        demo_engine,
        "SELECT COUNT(*), SUM(CASE WHEN outcome = 'resolved' THEN 1 ELSE 0 END) "
        + cohort("150204", 2024, "dispute")
        + f" AND closed_at <= {year_end(2024)}",
    )
    assert abs(resolved / closed - 0.87) <= 0.005


def test_city_2022_dispute_resolution(demo_engine):
    accepted, resolved = one(
        demo_engine,
        f"SELECT COUNT(*), SUM(CASE WHEN closed_at <= {year_end(2022)} AND outcome = 'resolved'"
        " THEN 1 ELSE 0 END) " + cohort("1502", 2022, "dispute"),
    )
    assert abs(resolved / accepted - 0.99) <= 0.005


def test_structure_figures(demo_engine):
    assert one(
        demo_engine,
        "SELECT COUNT(*), SUM(member_count) FROM grids WHERE village_code LIKE '150203%'",
    ) == (1002, 1002)
    level_counts = (
        "SELECT SUM(CASE WHEN level = 'district' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN level = 'township' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN level = 'village' THEN 1 ELSE 0 END) FROM centers"
    )
    assert one(demo_engine, level_counts + " WHERE region_code LIKE '150203%'")[:2] == (1, 15)
    assert one(demo_engine, level_counts) == (10, 86, 855)
    assert one(demo_engine, "SELECT COUNT(*) FROM centers WHERE level = 'city'") == (1,)
    assert one(demo_engine, "SELECT COUNT(*) FROM regions WHERE level = 'district'") == (10,)
    assert one(demo_engine, "SELECT COUNT(*) FROM regions WHERE level = 'village'") == (855,)
    # Special zones (township part 400-599) have no township center.
    assert one(
        demo_engine,
        "SELECT COUNT(*) FROM centers WHERE level = 'township'"
        " AND CAST(substr(region_code, 7, 3) AS INTEGER) BETWEEN 400 AND 599",
    ) == (0,)


# ---------------------------------------------------------------- plausibility and rules
def test_volume_mix_and_repeats(demo_engine):
    with demo_engine.connect() as conn:
        kinds = dict(
            conn.execute(
                text(f"SELECT kind, COUNT(*) FROM cases WHERE {POPULATION} GROUP BY kind")
            ).all()
        )
        excluded = conn.execute(
            text("SELECT COUNT(*) FROM cases WHERE status IN ('rejected', 'void')")
        ).scalar_one()
        petitions, repeats = conn.execute(
            text(
                "SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM cases o"
                " WHERE o.petitioner_key = c.petitioner_key AND o.id <> c.id"
                " AND o.status NOT IN ('rejected', 'void') AND o.accepted_at <= c.accepted_at"
                " AND o.accepted_at >= datetime(c.accepted_at, '-365 days')) THEN 1 ELSE 0 END)"
                " FROM cases c WHERE kind = 'petition' AND status NOT IN ('rejected', 'void')"
                " AND accepted_at >= '2024-01-01' AND accepted_at < '2025-01-01'"
            )
        ).one()
        anonymous = conn.execute(
            text(
                "SELECT AVG(CASE WHEN petitioner_key IS NULL THEN 1.0 ELSE 0 END) FROM cases"
                " WHERE kind = 'petition'"
            )
        ).scalar_one()
    total = sum(kinds.values())
    assert 70_000 < total < 110_000
    assert kinds["dispute"] / total == pytest.approx(0.40, abs=0.02)
    assert kinds["grid_event"] / total == pytest.approx(0.25, abs=0.02)
    assert kinds["hotline"] / total == pytest.approx(0.20, abs=0.02)
    assert kinds["petition"] / total == pytest.approx(0.15, abs=0.02)
    assert excluded / total == pytest.approx(0.025, abs=0.005)
    assert 0.10 <= repeats / petitions <= 0.20
    assert anonymous == pytest.approx(0.20, abs=0.03)


def test_rows_follow_the_schema_rules(demo_engine):
    with demo_engine.connect() as conn:
        for table in (Case, CaseEvent, Center, Grid):
            assert check_violations(conn, table) == {}
        bad_events = conn.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT at, LAG(at) OVER"
                " (PARTITION BY case_id ORDER BY id) AS previous FROM case_events)"
                " WHERE at < previous"
            )
        ).scalar_one()
        assert bad_events == 0
        # The close and visit events carry the case's own timestamps.
        assert (
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM cases c JOIN case_events e ON e.case_id = c.id"
                    " WHERE (e.action = 'close' AND e.at <> c.closed_at)"
                    " OR (e.action = 'visit' AND e.at <> c.visited_at)"
                )
            ).scalar_one()
            == 0
        )
        flows = {
            status: set(flows.split(","))
            for status, flows in conn.execute(
                text(
                    "SELECT status, GROUP_CONCAT(DISTINCT flow) FROM cases c JOIN"
                    " (SELECT case_id, GROUP_CONCAT(action, '>') AS flow FROM"
                    " (SELECT case_id, action FROM case_events ORDER BY case_id, id)"
                    " GROUP BY case_id) f ON f.case_id = c.id GROUP BY status"
                )
            ).all()
        }
        assert flows["archived"] == {"accept>dispatch>handle>close>visit"}
        assert flows["rejected"] == {"accept>reject"}
        assert flows["void"] == {"accept>void"}
        assert flows["in_progress"] == {"accept>dispatch>handle"}
        # Nothing is dated after `until`.
        latest = conn.execute(
            text(
                "SELECT MAX(m) FROM (SELECT MAX(accepted_at) AS m FROM cases"
                " UNION ALL SELECT MAX(closed_at) FROM cases"
                " UNION ALL SELECT MAX(visited_at) FROM cases"
                " UNION ALL SELECT MAX(at) FROM case_events)"
            )
        ).scalar_one()
        assert latest <= UNTIL.strftime("%Y-%m-%d %H:%M:%S")
        # Stored text is second precision, as the models write it on SQLite.
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM cases WHERE length(accepted_at) <> 19")
            ).scalar_one()
            == 0
        )


def test_second_load_is_skipped(demo_engine):
    summary = load_demo(demo_engine, progress=False, until=UNTIL)
    assert summary["skipped"] is True
    assert summary["cases"] > 0


# ---------------------------------------------------------------- small loads
def test_refuses_to_overwrite_real_data(sqlite_engine):
    load_demo(sqlite_engine, scale=0.01, progress=False, until=UNTIL)
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE data_state SET demo_signature = NULL"))
    with pytest.raises(ValueError, match="not demo data"):
        load_demo(sqlite_engine, scale=0.01, progress=False, until=UNTIL)


def _table_rows(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
            for table in ("centers", "grids", "cases", "case_events")
        }


def test_same_seed_same_rows_and_a_new_seed_replaces(tmp_path):
    first = make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    second = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    load_demo(first, seed=11, scale=0.02, progress=False, until=UNTIL)
    load_demo(second, seed=11, scale=0.02, progress=False, until=UNTIL)
    assert _table_rows(first) == _table_rows(second)

    replaced = load_demo(second, seed=12, scale=0.02, progress=False, until=UNTIL)
    assert replaced["skipped"] is False
    with second.connect() as conn:
        signature = conn.execute(text("SELECT demo_signature FROM data_state")).scalar_one()
    assert signature == "seed=12;scale=0.02;until=2026-06-30"
    assert _table_rows(first)["cases"] != _table_rows(second)["cases"]
    first.dispose()
    second.dispose()


@pytest.mark.postgres
def test_postgres_load_matches_sqlite(pg_engine, sqlite_engine):
    for engine in (pg_engine, sqlite_engine):
        load_demo(engine, seed=3, scale=0.02, progress=False, until=UNTIL)
    columns = "case_no, kind, status, village_code, grid_code, accepted_at, closed_at, outcome"
    query = f"SELECT {columns} FROM cases ORDER BY id"
    with pg_engine.connect() as pg, sqlite_engine.connect() as lite:
        pg_rows = [
            tuple(v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v for v in row)
            for row in pg.execute(text(query))
        ]
        assert pg_rows == [tuple(row) for row in lite.execute(text(query))]
        assert (
            pg.execute(text("SELECT COUNT(*) FROM case_events")).scalar_one()
            == lite.execute(text("SELECT COUNT(*) FROM case_events")).scalar_one()
        )
        # Explicit ids were inserted: the serial sequence must continue after them.
        next_id = pg.execute(
            text("SELECT nextval(pg_get_serial_sequence('cases', 'id'))")
        ).scalar_one()
        assert next_id > pg.execute(text("SELECT MAX(id) FROM cases")).scalar_one()


# ---------------------------------------------------------------- any seed
@pytest.mark.parametrize("seed", [0, 1, 99, 123456789])
def test_published_figures_hold_for_other_seeds(seed):
    """The fixed-up cohorts straight from the generator (no database), for other seeds."""
    context = Context(
        seed=seed,
        scale=1.0,
        until_s=int((UNTIL - datetime(1970, 1, 1)).total_seconds()),
        structure=build_structure(seed),
        calendar=WorkCalendar(date(2021, 1, 1), date(2027, 3, 31)),
        hash_key=b"test",
    )
    column = {name: i for i, name in enumerate(CASE_COLUMNS)}
    districts = context.structure.district_codes

    def accepted(code: str, year: int) -> list[tuple]:
        chunk = generate_chunk(context, districts.index(code), year, 1, 1)
        return [r for r in chunk.case_rows if r[column["status"]] not in ("rejected", "void")]

    def closed_by(row: tuple, year: int) -> bool:
        closed_at = row[column["closed_at"]]
        return closed_at is not None and closed_at <= f"{year}-12-31 23:59:59"

    kundulun = accepted("150203", 2024)
    assert (len(kundulun), sum(closed_by(r, 2024) for r in kundulun)) == (4013, 3881)

    qingshan = accepted("150204", 2024)
    rated = [r for r in qingshan if closed_by(r, 2024) and r[column["satisfaction"]]]
    good = sum(r[column["satisfaction"]] != "dissatisfied" for r in rated)
    assert abs(good / len(rated) - 0.982) <= 0.0005
    petitions = [r for r in qingshan if r[column["kind"]] == "petition"]
    assert abs(sum(closed_by(r, 2024) for r in petitions) / len(petitions) - 0.866) <= 0.0005
    disputes = [r for r in qingshan if r[column["kind"]] == "dispute" and closed_by(r, 2024)]
    resolved = sum(r[column["outcome"]] == "resolved" for r in disputes)
    assert abs(resolved / len(disputes) - 0.87) <= 0.005

    city_disputes = [
        r for code in districts for r in accepted(code, 2022) if r[column["kind"]] == "dispute"
    ]
    resolved = sum(closed_by(r, 2022) and r[column["outcome"]] == "resolved" for r in city_disputes)
    assert abs(resolved / len(city_disputes) - 0.99) <= 0.005


def test_working_days_past_the_calendar_package():
    """chinese_calendar knows 2004-2026 only: later dates fall back to Monday-Friday."""
    epoch = date(1970, 1, 1)
    calendar = WorkCalendar(date(2026, 12, 1), date(2027, 2, 28))
    friday = np.array([(date(2027, 1, 8) - epoch).days])
    monday = date.fromordinal(epoch.toordinal() + int(calendar.working_days_after(friday, 1)[0]))
    assert monday == date(2027, 1, 11)
    # Inside the package's range the official calendar applies (2026-10-01 is a holiday).
    october = np.array([(date(2026, 9, 30) - epoch).days])
    after_holiday = epoch.toordinal() + int(calendar.working_days_after(october, 1)[0])
    assert date.fromordinal(after_holiday) > date(2026, 10, 7)


# ---------------------------------------------------------------- bulk loading
def test_bulk_insert_stores_second_precision(any_engine):
    from data_access.bulk import bulk_insert
    from data_access.models import DataState

    DataState.__table__.create(any_engine)
    columns = ["id", "data_version", "max_accepted_at", "rollup_first_month", "demo_signature"]
    rows = [
        (1, 0, datetime(2024, 3, 1, 8, 9, 10, 123456), date(2024, 1, 1), "tab\there"),
        (2, 0, "2024-03-02 01:02:03", "2024-02-01", None),
        (3, 0, None, None, "x"),
    ]
    with any_engine.begin() as conn:
        written = bulk_insert(conn, DataState, columns, rows)
    assert written == 3
    with any_engine.connect() as conn:
        stored = conn.execute(
            DataState.__table__.select()
            .order_by(DataState.id)
            .with_only_columns(
                DataState.max_accepted_at, DataState.rollup_first_month, DataState.demo_signature
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        (datetime(2024, 3, 1, 8, 9, 10), date(2024, 1, 1), "tab\there"),
        (datetime(2024, 3, 2, 1, 2, 3), date(2024, 2, 1), None),
        (None, None, "x"),
    ]
