"""Fixtures for the dashboard's browser tests (dash[testing], Debian's chromium).

- ``dashboard_db_url``: the Baotou demo at the DEFAULT scale (so the published
  figures hold: 昆都仑区 2024 = 4013 accepted, 96.71% closed), built once per test
  session into a temporary file (about a minute), data until 2025-12-31. Set
  ``GOVDASH_E2E_DATABASE_URL`` to reuse a database already built that way.
- ``dashboard_app``: app.py's Dash app reading it.
- ``free_port``: a port nobody listens on.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import datetime

import pytest

from data_access.engine import make_engine
from data_access.settings import get_settings

E2E_UNTIL = datetime(2025, 12, 31, 23, 59, 59)


@pytest.fixture(scope="session")
def dashboard_db_url(tmp_path_factory) -> str:
    given = os.environ.get("GOVDASH_E2E_DATABASE_URL")
    if given:
        return given
    from data_access.demo import load_demo
    from data_access.schema import init_db

    path = tmp_path_factory.mktemp("dashboard-e2e") / "demo.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    init_db(engine)
    load_demo(engine, progress=False, until=E2E_UNTIL)  # default seed and scale
    engine.dispose()
    return url


@pytest.fixture
def dashboard_app(dashboard_db_url) -> Iterator:
    """The real app (app.py) reading the default-scale demo database."""
    old = os.environ.get("GOVDASH_DATABASE_URL")
    os.environ["GOVDASH_DATABASE_URL"] = dashboard_db_url
    get_settings.cache_clear()
    import app as app_module

    yield app_module.app
    if old is None:
        os.environ.pop("GOVDASH_DATABASE_URL", None)
    else:
        os.environ["GOVDASH_DATABASE_URL"] = old
    get_settings.cache_clear()


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
