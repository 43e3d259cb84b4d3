"""The partial plotly.js in assets/vendor must stay the version the Python plotly package
ships (figures are built for that version), and hold every trace type the app draws.

Its map library (maplibre-gl) is a second file, assets/vendor/lazy/, loaded only when a
map is drawn (assets/plotly-lazy-map.js): built with the bundle, named by it with its
content hash, and never linked by the index page."""

from __future__ import annotations

import ast
import contextvars
import hashlib
import re
from pathlib import Path

import dash
import plotly.graph_objects as go
import plotly.offline
from dash import _get_app, html
from plotly.basedatatypes import BaseTraceType

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / "vendor" / "plotly-govdash.min.js"
LAZY = ROOT / "assets" / "vendor" / "lazy" / "maplibre-govdash.min.js"
LAZY_FROM_BUNDLE = "lazy/maplibre-govdash.min.js"  # relative to the bundle's URL


def _header(path: Path = BUNDLE) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.read(3000)


def test_bundle_version_matches_the_plotly_package():
    for path, name in ((BUNDLE, "plotly.js"), (LAZY, "maplibre-gl for plotly.js")):
        found = re.search(rf"{re.escape(name)} \(govdash - minified\) v(\S+)", _header(path))
        assert found, f"{path.name}: header line '{name} (govdash - minified) vX.Y.Z' missing"
        assert found.group(1) == plotly.offline.get_plotlyjs_version(), (
            "rebuild the bundle with scripts/build-plotly.sh after upgrading plotly"
        )


def test_bundle_holds_every_trace_type_the_app_uses():
    traces = re.search(r"Traces: ([^\n]*)", _header()).group(1)
    used = set()
    for folder in ("components", "pages"):
        for path in (ROOT / folder).glob("*.py"):
            used |= {m.lower() for m in re.findall(r"go\.([A-Z][a-z]+)\(", path.read_text())}
    used -= {"figure", "layout"}
    assert used, "no trace constructors found"
    for trace in used:
        assert trace in traces, f"go.{trace.title()} is drawn but not in the bundle"


def test_bundle_names_no_cdn():
    """plotly.js's CDN defaults (topojson, named map styles, icons) were pointed at the
    reserved .invalid domain by scripts/build-plotly.sh: the app runs offline."""
    for path in (BUNDLE, LAZY):
        text = path.read_text(encoding="utf-8")
        found = re.findall(r".{0,40}(?:cdn\.|jsdelivr|unpkg|cdnjs|googleapis).{0,20}", text)
        assert not found, (path.name, found[:3])


def test_maplibre_is_only_in_the_lazy_file():
    header = _header()
    assert "maplibre-gl@" not in header, "maplibre-gl is bundled into the main file again"
    lazy_header = _header(LAZY)
    assert re.search(r"maplibre-gl@\d+\.\d+\.\d+ \(BSD-3-Clause\)", lazy_header)
    assert "MapLibre contributors" in lazy_header  # the BSD licence's copyright notice
    lazy = LAZY.read_text(encoding="utf-8")
    assert "window.govdashMaplibre=" in lazy.replace(" ", "")


def test_bundle_names_the_lazy_file_it_was_built_with():
    """?m=<content hash>: a fingerprinted URL (app.py caches it for a year) that changes
    whenever the lazy file does, so a stale bundle/lazy pair cannot be served."""
    text = BUNDLE.read_bytes()[-2000:].decode("utf-8", "replace")
    found = re.search(r'govdashMaplibreUrl = new URL\("([^"?]+)\?m=([0-9a-f]+)"', text)
    assert found, "the bundle does not set window.govdashMaplibreUrl"
    assert found.group(1) == LAZY_FROM_BUNDLE
    assert found.group(2) == hashlib.sha256(LAZY.read_bytes()).hexdigest()[: len(found.group(2))]


def test_loader_knows_every_map_trace():
    """assets/plotly-lazy-map.js loads maplibre for the traces it lists: every trace
    plotly draws on a "map" subplot (not treemap or heatmap, which only end in "map")."""
    loader = (ROOT / "assets" / "plotly-lazy-map.js").read_text(encoding="utf-8")
    listed = set(re.findall(r'"(\w+)"', re.search(r"MAP_TRACES = \[([^\]]*)\]", loader).group(1)))
    on_map = set()
    for name in dir(go):
        cls = getattr(go, name)
        if isinstance(cls, type) and issubclass(cls, BaseTraceType) and cls is not BaseTraceType:
            trace = cls()
            if "subplot" in trace._valid_props and trace._get_validator("subplot").base == "map":
                on_map.add(trace.type)
    assert "choroplethmap" in on_map
    assert listed == on_map


def _app_assets_ignore() -> str:
    """The assets_ignore regex app.py gives dash.Dash (read, not imported: no settings)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "assets_ignore":
            return ast.literal_eval(node.value)
    raise AssertionError("app.py passes no assets_ignore")


def _index_and_lazy_file() -> tuple[str, int, bytes]:
    """The index page and the lazy file as served by a Dash app with app.py's assets
    settings (a throwaway app: app.py itself needs the settings and a database)."""
    app = dash.Dash(
        __name__,
        assets_folder=str(ROOT / "assets"),
        assets_ignore=_app_assets_ignore(),
        serve_locally=True,
    )
    app.layout = html.Div()
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    response = client.get(app.get_asset_url("vendor/" + LAZY_FROM_BUNDLE))
    return page, response.status_code, response.get_data()


def test_index_page_links_the_bundle_but_not_the_lazy_file():
    previous = _get_app.APP  # Dash() makes itself the current app: leave it as it was
    # Serving its first request moves every `dash.callback` registered so far (the
    # pages', if this worker imported them) into the throwaway app: put them back.
    global_map = dict(dash._callback.GLOBAL_CALLBACK_MAP)
    global_list = list(dash._callback.GLOBAL_CALLBACK_LIST)
    try:
        # (and the app context it sets while serving stays in this copied context)
        page, status, body = contextvars.copy_context().run(_index_and_lazy_file)
    finally:
        _get_app.APP = previous
        dash._callback.GLOBAL_CALLBACK_MAP.clear()
        dash._callback.GLOBAL_CALLBACK_MAP.update(global_map)
        dash._callback.GLOBAL_CALLBACK_LIST[:] = global_list
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert any("/assets/vendor/plotly-govdash.min.js?m=" in s for s in scripts), scripts
    assert any("/assets/plotly-lazy-map.js?m=" in s for s in scripts), scripts
    assert "maplibre-govdash" not in page
    # Left out of the page, still served (Dash serves the whole assets folder).
    assert status == 200
    assert body == LAZY.read_bytes()
