"""Fixtures for the dashboard's browser tests (dash[testing], Debian's chromium).

- ``dashboard_db_url``: the Baotou demo at the DEFAULT scale (so the published
  figures hold: 昆都仑区 2024 = 4013 accepted, 96.71% closed): tests/conftest.py's
  ``demo_engine``, built once per test run (about a minute). Set
  ``GOVDASH_E2E_DATABASE_URL`` to reuse a database already built that way.
- ``dashboard_app``: app.py's Dash app reading it.
- ``free_port``: a port nobody listens on.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
from app_env import app_reading


@pytest.fixture(scope="session")
def dashboard_db_url(request) -> str:
    given = os.environ.get("GOVDASH_E2E_DATABASE_URL")
    if given:
        return given
    engine = request.getfixturevalue("demo_engine")  # tests/conftest.py: default scale
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def dashboard_app(dashboard_db_url) -> Iterator:
    """The real app (app.py) reading the default-scale demo database."""
    with app_reading(dashboard_db_url) as app_module:
        yield app_module.app


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
