"""What the index page loads up front (components/eager_chunks.py): dcc's Graph,
Dropdown and DatePicker chunks, fingerprinted like every other script (cached for a
year), and none of dcc's other chunks (Markdown, MathJax, …)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from app_env import app_reading

from components.eager_chunks import CHUNKS, load_dcc_chunks_eagerly


@pytest.fixture
def app_module(sqlite_url) -> Iterator:
    """app.py (the index page reads no database: an empty SQLite file will do)."""
    with app_reading(sqlite_url) as app_module:
        yield app_module


def test_the_charts_and_filters_chunks_load_with_the_page(app_module):
    client = app_module.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    for chunk in ("async-graph", "async-dropdown", "async-datepicker"):
        (src,) = [s for s in scripts if f"/dcc/{chunk}." in s]
        assert re.search(rf"/dcc/{chunk}\.v\d+_\d+_\d+m\d+\.js$", src), src  # fingerprinted
        with client.get(src, buffered=True) as reply:
            assert reply.status_code == 200 and reply.cache_control.max_age == 31536000
    assert not [s for s in scripts if re.search(r"async-(markdown|mathjax|upload|highlight)", s)]
    # dcc's own script comes after its chunks would not matter (webpack queues them),
    # but the chunks must come after React, which they use.
    graph = next(i for i, s in enumerate(scripts) if "async-graph" in s)
    assert next(i for i, s in enumerate(scripts) if "/deps/react@" in s) < graph


def test_loading_them_eagerly_twice_is_harmless():
    load_dcc_chunks_eagerly()  # (app.py may have done it already)
    assert load_dcc_chunks_eagerly() == []
    assert set(CHUNKS) == {"dcc/async-graph.js", "dcc/async-dropdown.js", "dcc/async-datepicker.js"}
