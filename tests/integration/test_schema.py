"""`govdash init-db`: the Alembic migrations build exactly the models' schema, on
SQLite and PostgreSQL, and running it twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from data_access.models import Base, Case, Center, Grid, Region
from data_access.schema import current_revision, head_revision, init_db


def test_migrations_match_models_and_are_idempotent(any_engine):
    assert init_db(any_engine) == head_revision()
    assert init_db(any_engine) == head_revision()  # second run: nothing to do
    with any_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert current_revision(any_engine) == head_revision()


GOOD_CASE = {
    "case_no": "T1",
    "kind": "dispute",
    "source": "walk_in",
    "category": "邻里纠纷",
    "warning_level": "green",
    "village_code": "150203001001",
    "grid_code": None,
    "center_id": 1,
    "status": "accepted",
    "accepted_at": datetime(2024, 1, 1, 9),
    "deadline_at": datetime(2024, 1, 31, 9),
}


@pytest.fixture
def schema_engine(any_engine):
    init_db(any_engine)
    with any_engine.begin() as conn:
        conn.execute(insert(Region), [
            {"code": "150200", "name": "包头市", "level": "city", "parent_code": None},
            {"code": "150203", "name": "昆都仑区", "level": "district", "parent_code": "150200"},
            {"code": "150203001", "name": "街道", "level": "township", "parent_code": "150203"},
            {"code": "150203001001", "name": "社区", "level": "village", "parent_code": "150203001"},
        ])  # fmt: skip
        conn.execute(insert(Center).values(id=1, name="中心", level="city", region_code="150200"))
        conn.execute(
            insert(Grid).values(code="150203001001001", village_code="150203001001", name="网格")
        )
    return any_engine


@pytest.mark.parametrize(
    "change",
    [
        {"village_code": "150203001999"},  # unknown region
        {
            "closed_at": datetime(2023, 12, 31),
            "status": "closed",
            "outcome": "resolved",
        },  # closed before accepted
        {"kind": "parking"},  # unknown enum values
        {"status": "done"},
        {"warning_level": "blue"},
        {"source": "email"},
        {"outcome": "resolved"},  # an outcome without a closure
        {"status": "closed"},  # closed status without closed_at
        {"deadline_at": datetime(2023, 1, 1)},  # deadline before acceptance
        {"grid_code": "150203001002001"},  # a grid of another village
        {"center_id": 99},  # unknown center
    ],
)
def test_impossible_rows_are_refused(schema_engine, change):
    with pytest.raises(IntegrityError), schema_engine.begin() as conn:
        conn.execute(insert(Case).values(**{**GOOD_CASE, **change}))


def test_a_possible_row_is_accepted(schema_engine):
    with schema_engine.begin() as conn:
        conn.execute(insert(Case).values(**GOOD_CASE))


def test_an_upgrade_that_changes_the_rollups_rebuilds_them(any_engine):
    """Going back to 0002 and up again (as a database made before 0003 would) leaves
    the rollups rebuilt and giving the same figures as the cases table."""
    from alembic import command
    from fixtures import load_fixture

    from data_access.metrics import kpis
    from data_access.rollups import read_state
    from data_access.schema import alembic_config

    init_db(any_engine)
    load_fixture(any_engine)
    config = alembic_config(any_engine.url.render_as_string(hide_password=False))
    with any_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with any_engine.connect() as conn:  # (read_state needs the newest data_state)
        stale = conn.execute(text("SELECT max_event_at FROM data_state")).scalar()
    assert stale is None  # marked stale, rollups emptied

    assert init_db(any_engine) == head_revision()
    state = read_state(any_engine)
    assert state.max_event_at is not None and state.day_rows  # day rows built with the rest
    period = (date(2024, 1, 1), date(2024, 12, 31))
    through_rollups = kpis(any_engine, "150200", *period, use_rollups=True)
    straight = kpis(any_engine, "150200", *period, use_rollups=False)
    through_rollups.pop("meta"), straight.pop("meta")
    assert through_rollups == straight
    assert through_rollups["accepted"] > 0


def test_postgresql_connections_group_in_memory_without_jit(pg_engine):
    """Every pooled PostgreSQL connection is set up for the dashboard's short grouped
    reads (data_access/engine.py): no JIT, and room to hash a city's half month."""
    from data_access.engine import POSTGRESQL_WORK_MEM

    with pg_engine.connect() as conn, pg_engine.connect() as other:
        for connection in (conn, other):
            assert connection.execute(text("SHOW jit")).scalar() == "off"
            assert connection.execute(text("SHOW work_mem")).scalar() == POSTGRESQL_WORK_MEM
