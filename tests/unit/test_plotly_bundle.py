"""The partial plotly.js in assets/vendor must stay the version the Python plotly package
ships (figures are built for that version), hold every trace type the app draws, name
no CDN, and carry no map library: the district map is the geo `choropleth` trace, whose
world topojson assets/govdash-geo.js provides (empty) before the bundle runs."""

from __future__ import annotations

import ast
import contextvars
import copy
import re
from pathlib import Path

import dash
import plotly.graph_objects as go
import plotly.offline
from dash import _get_app, html
from plotly.basedatatypes import BaseTraceType

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / "vendor" / "plotly-govdash.min.js"
GEO_ASSETS = ROOT / "assets" / "govdash-geo.js"
TRACE_TYPES = {
    cls().type
    for name in dir(go)
    if isinstance(cls := getattr(go, name), type)
    and issubclass(cls, BaseTraceType)
    and cls is not BaseTraceType
}


def _header(path: Path = BUNDLE) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.read(3000)


def test_bundle_version_matches_the_plotly_package():
    found = re.search(r"plotly\.js \(govdash - minified\) v(\S+)", _header())
    assert found, "header line 'plotly.js (govdash - minified) vX.Y.Z' missing"
    assert found.group(1) == plotly.offline.get_plotlyjs_version(), (
        "rebuild the bundle with scripts/build-plotly.sh after upgrading plotly"
    )


def test_bundle_holds_every_trace_type_the_app_uses():
    """Figures are dicts: every '"type": "<trace>"' the components and pages write."""
    traces = {
        t.strip() for t in re.search(r"Traces: ([^\n]*?),? with", _header()).group(1).split(",")
    }
    used = set()
    for folder in ("components", "pages"):
        for path in (ROOT / folder).glob("*.py"):
            used |= set(re.findall(r'"type": "(\w+)"', path.read_text(encoding="utf-8")))
    used &= TRACE_TYPES  # not axis types ("category") or the like
    assert {"bar", "pie", "treemap", "choropleth", "scatter"} <= used, used
    assert used <= traces, f"drawn but not in the bundle: {used - traces}"


def test_bundle_names_no_cdn_and_has_no_map_library():
    """plotly.js's CDN defaults (topojson, named map styles, icons) were pointed at the
    reserved .invalid domain by scripts/build-plotly.sh: the app runs offline."""
    text = BUNDLE.read_text(encoding="utf-8")
    found = re.findall(r".{0,40}(?:cdn\.|jsdelivr|unpkg|cdnjs|googleapis).{0,20}", text)
    assert not found, found[:3]
    assert "maplibre-gl@" not in _header() and "mapbox-gl@" not in _header()
    assert "maplibregl" not in text


def test_geo_assets_hold_the_world_topojson_plotly_asks_for():
    """The geo subplot at resolution 110 with the default world scope loads
    'world_110m' (plotly.js: <scope>_<resolution>m) unless PlotlyGeoAssets has it."""
    script = GEO_ASSETS.read_text(encoding="utf-8")
    assert "assets.topojson.world_110m" in script
    assert '"Topology"' in script
    from components.figures import create_region_map
    from components.geo import load_geojson

    rows = [{"key": "150203", "name": "昆都仑区", "accepted": 3}]
    geo = create_region_map(rows, load_geojson("150200"))["layout"]["geo"]
    assert geo["resolution"] == 110 and geo["visible"] is False
    assert geo.get("scope", "world") == "world"


def _app_assets_ignore() -> str:
    """The assets_ignore regex app.py gives dash.Dash (read, not imported: no settings)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "assets_ignore":
            return ast.literal_eval(node.value)
    raise AssertionError("app.py passes no assets_ignore")


def _index_page() -> str:
    """The index page as served by a Dash app with app.py's assets settings (a
    throwaway app: app.py itself needs the settings and a database)."""
    app = dash.Dash(
        __name__,
        assets_folder=str(ROOT / "assets"),
        assets_ignore=_app_assets_ignore(),
        serve_locally=True,
    )
    app.layout = html.Div()
    return app.server.test_client().get("/").get_data(as_text=True)


def test_index_page_links_the_geo_assets_before_the_bundle():
    previous = _get_app.APP  # Dash() makes itself the current app: leave it as it was
    # Serving its first request moves every `dash.callback` registered so far (the
    # pages', if this worker imported them), and the inline scripts of the clientside
    # ones, into the throwaway app: put them all back (without the scripts, app.py
    # set up later in this worker would call clientside functions no page defines).
    registered = (
        dash._callback.GLOBAL_CALLBACK_MAP,
        dash._callback.GLOBAL_CALLBACK_LIST,
        dash._callback.GLOBAL_INLINE_SCRIPTS,
        dash._callback.GLOBAL_API_PATHS,
    )
    saved = [copy.copy(each) for each in registered]
    try:
        # (and the app context it sets while serving stays in this copied context)
        page = contextvars.copy_context().run(_index_page)
    finally:
        _get_app.APP = previous
        for each, before in zip(registered, saved, strict=True):
            each.clear()
            if isinstance(each, dict):
                each.update(before)
            else:
                each.extend(before)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)

    def position(part: str) -> int:
        (index,) = [i for i, src in enumerate(scripts) if part in src]
        return index

    assert position("/assets/govdash-geo.js?m=") < position(
        "/assets/vendor/plotly-govdash.min.js?m="
    )
    assert "maplibre" not in page
