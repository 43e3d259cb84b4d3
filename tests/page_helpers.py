"""Helpers shared by the tests that render pages and run callbacks without a browser
(tests/integration, tests/unit): a small demo database, the settings pointed at it,
a page's layout function, a walk over a component tree, a callback run as Dash runs
it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import copy_context
from datetime import datetime
from typing import Any

import dash
from dash._callback_context import context_value
from dash._utils import AttributeDict

from data_access.engine import make_engine
from data_access.settings import get_settings

UNTIL = datetime(2025, 12, 31, 23, 59, 59)  # the small demos end here


def build_demo(tmp_path_factory, name: str, scale: float, until: datetime = UNTIL) -> str:
    """The Baotou demo at `scale` in a new SQLite file; its URL."""
    from data_access.demo import load_demo

    path = tmp_path_factory.mktemp(name) / "demo.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    load_demo(engine, scale=scale, progress=False, until=until)
    engine.dispose()
    return url


@contextmanager
def reading(database_url: str) -> Iterator[None]:
    """The settings read `database_url` (another test module may have pointed them
    elsewhere) in the default language, fresh; restored afterwards."""
    old = {key: os.environ.get(key) for key in ("GOVDASH_DATABASE_URL", "GOVDASH_LANG")}
    os.environ["GOVDASH_DATABASE_URL"] = database_url
    os.environ.pop("GOVDASH_LANG", None)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


def page_layout(module: str):
    """The layout function of pages/<module>.py (app.py must have been imported)."""
    return dash.page_registry[f"pages.{module}"]["layout"]


def walk(component) -> Iterator[Any]:
    """Every component in a Dash tree (depth first, through `children`)."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def texts(tree) -> list[str]:
    """The plain texts of a tree's components."""
    return [c.children for c in walk(tree) if isinstance(getattr(c, "children", None), str)]


def run_callback(function, triggered: list[str] | str, *args):
    """Call a callback's function as Dash would, with `triggered` (prop ids) as the
    inputs that fired."""
    fired = [triggered] if isinstance(triggered, str) else triggered

    def run():
        context_value.set(
            AttributeDict(triggered_inputs=[{"prop_id": p, "value": None} for p in fired])
        )
        return function(*args)

    return copy_context().run(run)
