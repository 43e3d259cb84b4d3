"""The real app (app.py, which imports every page) pointed at a test database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from data_access.settings import get_settings


@contextmanager
def app_reading(database_url: str) -> Iterator[ModuleType]:
    """Yield the `app` module with GOVDASH_DATABASE_URL set to `database_url`; the
    previous setting is restored afterwards. The settings are cached, so they are
    cleared on the way in and out (app.py itself is imported once per process)."""
    old = os.environ.get("GOVDASH_DATABASE_URL")
    os.environ["GOVDASH_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    try:
        import app as app_module

        yield app_module
    finally:
        if old is None:
            os.environ.pop("GOVDASH_DATABASE_URL", None)
        else:
            os.environ["GOVDASH_DATABASE_URL"] = old
        get_settings.cache_clear()
