"""Shared test infrastructure: real databases, no mocks.

- SQLite: a real file under pytest's tmp_path.
- PostgreSQL: the real server (``GOVDASH_TEST_PG_URL``, default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The ``test`` database is
  shared, so every database a session uses is a private schema
  (``govdash_test_<pid>_<random>_<n>``) selected through the URL's
  ``options=-csearch_path=...``; the session drops its schemas at the end.
- Redis: ``GOVDASH_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``).

A service that cannot be reached makes the tests that need it SKIP, with the reason,
on a developer machine; with ``CI=true`` in the environment they FAIL instead, so CI
never goes green by skipping. Each service is probed once per session.

Fixtures for other tests: ``sqlite_url``/``sqlite_engine`` (an empty SQLite file),
``pg_url`` (the reachable server), ``pg_empty_url``/``pg_engine`` (a fresh empty
schema), ``any_engine`` (an empty database, parametrized over both engines),
``redis_url``. The metric fixture database (tests/fixtures.py) is built once per
session per engine: ``sqlite_fixture_engine``, ``pg_fixture_engine`` and
``fixture_engine`` (parametrized over both).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fixtures import CASES, CENTERS, DEMO_UNTIL, GRIDS, REGIONS, load_fixture
from oracle import Oracle
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from data_access.engine import DatabaseUnavailable, check_reachable, make_engine

PG_URL = os.environ.get("GOVDASH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("GOVDASH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

ENGINE_PARAMS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def service_unavailable(reason: str) -> None:
    """Skip the test locally; fail it when CI=true (CI must not pass by skipping)."""
    if in_ci():
        pytest.fail(
            f"{reason} (CI=true: a missing service fails the test instead of skipping)",
            pytrace=False,
        )
    pytest.skip(reason)


def pg_schema_url(base_url: str, schema: str) -> str:
    """`base_url` with every connection's search_path set to `schema`.

    Carried in the URL (libpq `options`), so the same string works for make_engine,
    get_engine and a `govdash --url ...` subprocess.
    """
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


# ---------------------------------------------------------------- PostgreSQL
@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL server's URL, probed once; skip (or fail under CI=true) if down."""
    engine = make_engine(PG_URL)
    problem = None
    try:
        check_reachable(engine)
    except DatabaseUnavailable as exc:
        problem = f"PostgreSQL not reachable: {exc}"
    finally:
        engine.dispose()
    if problem:
        service_unavailable(problem)
    return PG_URL


class PgSchemas:
    """Creates private schemas in the shared database and drops them all at the end."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.prefix = f"govdash_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self._admin = create_engine(base_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    def new(self, label: str = "") -> str:
        """A fresh empty schema; returns a URL whose connections use it."""
        name = f"{self.prefix}_{len(self.created)}{'_' + label if label else ''}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        self.created.append(name)
        return pg_schema_url(self.base_url, name)

    def drop(self, url: str) -> None:
        name = make_url(url).query["options"].removeprefix("-csearch_path=")
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.created.remove(name)

    def drop_all(self) -> None:
        with self._admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.created.clear()
        self._admin.dispose()


@pytest.fixture(scope="session")
def pg_schemas(pg_url: str) -> Iterator[PgSchemas]:
    schemas = PgSchemas(pg_url)
    yield schemas
    schemas.drop_all()


@pytest.fixture
def pg_empty_url(pg_schemas: PgSchemas) -> Iterator[str]:
    """URL of a fresh, empty private schema (dropped after the test)."""
    url = pg_schemas.new()
    yield url
    pg_schemas.drop(url)


@pytest.fixture
def pg_engine(pg_empty_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_empty_url)
    yield engine
    engine.dispose()


# ---------------------------------------------------------------- SQLite
@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'govdash.sqlite'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=ENGINE_PARAMS)
def any_engine(request) -> Engine:
    """An empty database on each engine in turn."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


# ---------------------------------------------------------------- Redis
@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server's URL, probed once; skip (or fail under CI=true) if down."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=3)
    problem = None
    try:
        client.ping()
    except redis.RedisError as exc:
        problem = f"Redis not reachable at {REDIS_URL}: {exc}"
    finally:
        client.close()
    if problem:
        service_unavailable(problem)
    return REDIS_URL


# ---------------------------------------------------------------- the metric fixture database
@pytest.fixture(scope="session")
def fixture_oracle() -> Oracle:
    return Oracle(REGIONS, GRIDS, CENTERS, CASES)


@pytest.fixture(scope="session")
def sqlite_fixture_engine(tmp_path_factory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("fixture-db") / "fixture.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    load_fixture(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_fixture_engine(pg_schemas: PgSchemas) -> Iterator[Engine]:
    engine = make_engine(pg_schemas.new("fixture"))
    load_fixture(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=ENGINE_PARAMS)
def fixture_engine(request) -> Engine:
    """The fixture database (loaded and rolled up once per session) on each engine."""
    name = "sqlite_fixture_engine" if request.param == "sqlite" else "pg_fixture_engine"
    return request.getfixturevalue(name)


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory) -> Iterator[Engine]:
    """The Baotou demo at the default scale, built once per test run (about a minute):
    xdist workers share one file, the first one builds it under a lock."""
    import fcntl

    from data_access.demo import load_demo

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the directory all workers of this run share
    path = shared / "demo-default.sqlite"
    with open(shared / "demo-default.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        engine = make_engine(f"sqlite:///{path}")
        load_demo(engine, progress=False, until=DEMO_UNTIL)  # a second caller skips
        fcntl.flock(lock, fcntl.LOCK_UN)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def metrics():
    """data_access.metrics (imported here so a missing module errors, never skips)."""
    import data_access.metrics

    return data_access.metrics


# ---------------------------------------------------------------- browser tests
def pytest_configure(config) -> None:
    """Give each xdist worker its own dash[testing] port range, so browsers running in
    parallel never land on another worker's app."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit():
        try:
            from dash.testing.application_runners import BaseDashRunner
        except ImportError:  # dash[testing] not installed: no browser tests to run
            return
        BaseDashRunner._next_port = 58050 + 200 * int(worker[2:])


def pytest_collection_modifyitems(config, items) -> None:
    """Everything under tests/e2e drives a browser: mark it e2e."""
    for item in items:
        if "/tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
