"""Engines for SQLite and PostgreSQL, one code path for both."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened (shown to people as one clear line)."""


def normalize_url(url: str) -> str:
    """Accept the common spellings; PostgreSQL always goes through psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


# SQLite's page cache per connection, in KiB (negative = KiB in PRAGMA cache_size).
# A serving worker holds up to SQLITE_POOL connections, each growing its cache to this
# size: 16 MB x 10 keeps a worker well under its 300 MB (at 64 MB x 15 a worker grew
# to 390 MB on the 10M-case demo). The file itself stays in the OS page cache, which
# all workers share; the bulk load raises it for its own connection (data_access/bulk.py).
SQLITE_CACHE_KIB = 16384
SQLITE_POOL = {"pool_size": 5, "max_overflow": 5}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.close()


def make_engine(url: str, *, create_dir: bool = True) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and create_dir:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        pool = SQLITE_POOL if database and database != ":memory:" else {}
        engine = create_engine(url, connect_args={"timeout": 10}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": 5},
        )
        event.listen(engine, "connect", _postgresql_settings)
        return engine
    raise DatabaseUnavailable(
        f"unsupported database {parsed.get_backend_name()!r} (use sqlite or postgresql)"
    )


# Memory for one sort or hash of a query. The default 4 MB is too little for the
# grouped reads of a city's half month at 10M cases (some 55k rows by child and month
# of acceptance): the planner, guessing many groups, sorted them on disk instead of
# hashing them (126 ms against 95 ms). A connection holds it only while it groups.
POSTGRESQL_WORK_MEM = "16MB"


def _postgresql_settings(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        # The dashboard's queries are many and short; JIT compiling one costs more
        # (tens of ms at 10M cases) than it saves.
        cursor.execute("SET jit = off")
        cursor.execute(f"SET work_mem = '{POSTGRESQL_WORK_MEM}'")
    dbapi_connection.commit()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine (one pool) per URL per process."""
    return make_engine(url)


def check_reachable(engine: Engine) -> None:
    """Raise DatabaseUnavailable with one readable line if the database can't be used."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot reach the database {where}: {reason}") from exc


def require_existing_file(url: str) -> None:
    """A reader must never create an empty SQLite file by opening a missing one."""
    parsed = make_url(normalize_url(url))
    database = parsed.database
    is_file = parsed.get_backend_name() == "sqlite" and database not in (None, "", ":memory:")
    if is_file and not Path(database).expanduser().exists():
        raise DatabaseUnavailable(
            f"no database file at {database}: run `govdash demo` (or `govdash init-db`)"
        )


def open_engine(url: str) -> Engine:
    """The shared engine for reading an existing database (pages, CLI reads)."""
    require_existing_file(url)
    return get_engine(url)


# Everything a data call can raise when the database misbehaves; callers outside
# data_access catch this tuple instead of importing SQLAlchemy.
DATA_ERRORS: tuple[type[BaseException], ...] = (DatabaseUnavailable, SQLAlchemyError)
