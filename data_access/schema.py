"""Create or migrate the schema with Alembic (`govdash init-db`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def init_db(engine: Engine) -> str:
    """Upgrade the database to the newest schema; return the revision it is at.

    A migration that changes the rollups' layout empties them and marks them stale;
    they are rebuilt here, so an upgraded database is fast again at once.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    if rollups_stale(engine):
        from .rollups import refresh_rollups

        refresh_rollups(engine)
    return current_revision(engine) or ""


def rollups_stale(engine: Engine) -> bool:
    """Cases exist, but the rollups hold none of them (emptied by a migration)."""
    from .models import Case, DataState

    with engine.connect() as connection:
        state = connection.execute(select(DataState.max_event_at).where(DataState.id == 1)).first()
        if state is None or state.max_event_at is not None:
            return False
        return connection.execute(select(Case.id).limit(1)).first() is not None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
