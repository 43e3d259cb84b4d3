"""The Python side of the charts' print export (components/graph.py,
components/templates.py, app.py's template route): every chart's config marks it with
the print template's URL, the route serves exactly that template, and the browser
script (assets/govdash.js, tested in tests/e2e/test_export_browser.py) reads the same
marker."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
import pytest
from app_env import app_reading
from dash import dcc

from components import figures
from components.graph import PRINT_MARKER, create_chart_card, graph_config, print_template_url
from components.templates import (
    EXPORT_HEIGHT,
    EXPORT_SCALE,
    EXPORT_WIDTH,
    FONT_FAMILY,
    PRINT_TEMPLATE_ROUTE,
    template_json,
    template_layout,
    template_version,
)

SCRIPT = Path(__file__).resolve().parents[2] / "assets" / "govdash.js"


@pytest.fixture
def app_module(sqlite_url) -> Iterator:
    """app.py (the template route reads no database: an empty SQLite file will do)."""
    with app_reading(sqlite_url) as app_module:
        yield app_module


def test_every_chart_config_marks_the_print_template_at_print_size():
    options = graph_config("包头市 月度趋势", "zh")["toImageButtonOptions"]
    assert (options["width"], options["height"], options["scale"]) == (
        EXPORT_WIDTH,
        EXPORT_HEIGHT,
        EXPORT_SCALE,
    )
    url = options[PRINT_MARKER]
    assert url == print_template_url()
    parts = urlsplit(url)
    assert parts.path == f"/{PRINT_TEMPLATE_ROUTE}"
    assert parse_qs(parts.query) == {"v": [template_version("print")]}
    card = create_chart_card("g1", go.Figure(), "x", "en")
    graph = next(c for c in card.children.children if isinstance(c, dcc.Graph))
    assert graph.config["toImageButtonOptions"][PRINT_MARKER] == url


def test_the_script_reads_the_same_marker():
    found = re.findall(r'\bPRINT_MARKER\s*=\s*"([^"]*)"', SCRIPT.read_text(encoding="utf-8"))
    assert found == [PRINT_MARKER]


def test_the_print_template_is_light_with_chinese_type_larger_than_the_screens():
    printed, screen = template_layout("print")["layout"], template_layout("screen")["layout"]
    assert printed["paper_bgcolor"] == printed["plot_bgcolor"] == "#ffffff"
    assert printed["font"]["color"] == printed["title"]["font"]["color"] == "#000000"
    assert printed["font"]["family"] == FONT_FAMILY and FONT_FAMILY.startswith('"Noto Sans CJK SC"')
    assert printed["font"]["size"] > screen["font"]["size"]
    assert printed["title"]["font"]["size"] > printed["font"]["size"]


def test_the_charts_on_screen_keep_the_screen_template():
    """The figures carry the screen template; only the exports swap it (in the browser)."""
    trend = figures.create_trend_figure(
        [{"key": "2024-01", "accepted": 3, "closure_rate": 0.5}], lang="zh", title="t"
    )
    assert trend["layout"]["template"] == template_layout("screen")
    assert template_layout("print") != template_layout("screen")


def test_the_route_serves_the_print_template(app_module):
    client = app_module.server.test_client()
    reply = client.get(print_template_url())
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    assert json.loads(reply.get_data()) == template_layout("print")
    assert reply.get_data() == template_json("print")
    # The URL changes with the template: the browser may keep it for a year.
    assert reply.cache_control.public and reply.cache_control.max_age == 31536000
    bare = client.get(f"/{PRINT_TEMPLATE_ROUTE}")
    assert json.loads(bare.get_data()) == template_layout("print")
    assert not bare.cache_control.max_age


def test_the_version_follows_the_template_json():
    assert re.fullmatch(r"[0-9a-f]{12}", template_version("print"))
    assert template_version("print") != template_version("screen")
