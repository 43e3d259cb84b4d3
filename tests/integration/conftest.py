"""Fixtures of the integration tests that render pages against a small demo database.

A module asks for `demo_url` (and `engine`, `app_module`) and may set DEMO_SCALE (the
demo's scale, default 0.05): each module builds its own demo once. A module that
reads the demo in every test uses `_reading_demo` (pytest.mark.usefixtures or an
autouse fixture of its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_env import app_reading
from page_helpers import build_demo, reading

from data_access.engine import make_engine

DEFAULT_DEMO_SCALE = 0.05


@pytest.fixture(scope="module")
def demo_url(request, tmp_path_factory) -> str:
    scale = getattr(request.module, "DEMO_SCALE", DEFAULT_DEMO_SCALE)
    return build_demo(tmp_path_factory, request.module.__name__.rsplit(".", 1)[-1], scale)


@pytest.fixture(scope="module")
def engine(demo_url) -> Iterator:
    engine = make_engine(demo_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def app_module(demo_url) -> Iterator:
    """app.py (which imports every page) reading the demo database."""
    with app_reading(demo_url) as app_module:
        yield app_module


@pytest.fixture
def _reading_demo(demo_url) -> Iterator[None]:
    """The settings read the demo database (another module may have pointed them
    elsewhere), fresh."""
    with reading(demo_url):
        yield
