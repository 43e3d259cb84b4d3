"""dash-ag-grid's script is not in the index page (components/lazy_grid.py).

- The served index has no <script> for dash_ag_grid.min.js; it advertises the
  script's fingerprinted URL in <meta name="govdash-aggrid-src">, the URL Dash itself
  would have written, and that URL (and the grid's own chunk) is served with 200 and
  a one-year max-age.
- assets/lazy-aggrid.js (the stand-in that loads it) is linked after React and
  before the dash-renderer.
- Installing twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import dash_ag_grid
import pytest
from app_env import app_reading
from dash.fingerprint import build_fingerprint

from components.lazy_grid import META_NAME, SCRIPT, install_lazy_ag_grid, script_url

PACKAGE = Path(dash_ag_grid.__file__).resolve().parent


@pytest.fixture
def app_module(sqlite_url) -> Iterator:
    """app.py (the index page reads no database: an empty SQLite file will do)."""
    with app_reading(sqlite_url) as app_module:
        yield app_module


def advertised(page: str) -> list[str]:
    return re.findall(rf'<meta name="{META_NAME}" content="([^"]+)"', page)


def test_index_has_no_grid_script_but_its_url(app_module):
    client = app_module.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert scripts, page
    assert not [src for src in scripts if "dash_ag_grid" in src], scripts
    assert "dash_ag_grid.min.js" not in page and "dash_ag_grid.v" not in "".join(scripts)

    # The fingerprinted URL, exactly as Dash builds it for a component library.
    (url,) = advertised(page)
    mtime = int((PACKAGE / SCRIPT).stat().st_mtime)
    fingerprint = build_fingerprint(SCRIPT, dash_ag_grid.__version__, mtime)
    prefix = app_module.app.config.requests_pathname_prefix
    assert url == f"{prefix}_dash-component-suites/dash_ag_grid/{fingerprint}"
    assert re.fullmatch(r".*/dash_ag_grid\.v\d+_\d+_\d+m\d+\.min\.js", url)
    assert url == script_url(app_module.app)

    with client.get(url, buffered=True) as reply:
        assert reply.status_code == 200
        assert reply.cache_control.max_age == 31536000
        body = reply.get_data()
    assert body == (PACKAGE / SCRIPT).read_bytes()
    assert b"window.dash_ag_grid=" in body  # what the stand-in's setter captures
    # The chunk the bundle fetches itself, next to it (webpack public path).
    chunk = url.rsplit("/", 1)[0] + "/async-community.js"
    with client.get(chunk, buffered=True) as reply:
        assert reply.status_code == 200


def test_stand_in_loads_after_react_and_before_the_renderer(app_module):
    page = app_module.server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)

    def position(part: str) -> int:
        (index,) = [i for i, src in enumerate(scripts) if part in src]
        return index

    stand_in = position("/assets/lazy-aggrid.js?m=")
    assert position("/deps/react@") < stand_in < position("dash_renderer")
    assert position("/deps/react-dom@") < stand_in


def test_install_twice_is_harmless(app_module):
    app = app_module.app
    install_lazy_ag_grid(app)
    page = app_module.server.test_client().get("/").get_data(as_text=True)
    assert len(advertised(page)) == 1
    assert not re.search(r"<script[^>]*dash_ag_grid", page)
