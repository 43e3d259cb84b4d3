"""bench/floor.py: the floor pages draw a region page's very charts and nothing else.

The charts are taken from the rendered page (ids, figures, configs, heights and the
grid columns' widths); the floor server serves them in a bare plotly.js page and in a
Dash app of only those charts. The server is tried in a subprocess: its Dash apps
would otherwise take the pages' callbacks of this test process as their own.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from app_env import app_reading
from dash import dcc

ROOT = Path(__file__).resolve().parents[2]
Y2024 = "?from=2024-01-01&to=2024-12-31"
REGION_CHARTS = [
    ("region-trend", 8),
    ("region-levels", 4),
    ("region-children", 6),
    ("region-rank-bar", 6),
    ("region-sources", 4),
    ("region-containment", 4),
    ("region-centers", 4),
]


@pytest.fixture(scope="module")
def floor(tmp_path_factory) -> ModuleType:
    sys.path.insert(0, str(ROOT))  # bench/ is a folder of scripts, not installed
    try:
        return importlib.import_module("bench.floor")
    finally:
        sys.path.remove(str(ROOT))


@pytest.fixture(scope="module")
def demo_url(demo_engine) -> str:
    return demo_engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def floor_file(floor, demo_url, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("floor") / "floor.json"
    with app_reading(demo_url):
        floor.write_floor({"city": "150200", "district": "150203"}, Y2024, out)
    return out


def graphs(node) -> list[dcc.Graph]:
    """Every dcc.Graph of a component tree, in order."""
    found = []
    if isinstance(node, (list, tuple)):
        for child in node:
            found += graphs(child)
    elif isinstance(node, dcc.Graph):
        found.append(node)
    elif hasattr(node, "_prop_names"):
        for prop in node._prop_names:
            found += graphs(getattr(node, prop, None))
    return found


def test_the_charts_are_the_pages_own(floor, demo_url):
    from components.filters import params_from_search
    from pages._region_view import render_region

    with app_reading(demo_url):
        page = render_region("150203", params_from_search(Y2024))
        charts = floor.page_charts(page)
        grid_charts = floor.page_charts(render_region("150203001015001", {}))

    assert [(c["id"], c["width"]) for c in charts] == REGION_CHARTS
    for chart, graph in zip(charts, graphs(page), strict=True):
        assert chart["figure"] is graph.figure and chart["config"] is graph.config
        assert f"{chart['height']}px" == graph.style["height"]
    # A grid has no children: its five charts.
    assert [c["id"] for c in grid_charts] == [
        "region-trend",
        "region-levels",
        "region-sources",
        "region-containment",
        "region-centers",
    ]


def test_the_floor_file_holds_each_page_and_the_polygons_its_map_fetches(floor, floor_file):
    written = json.loads(floor_file.read_text(encoding="utf-8"))
    assert written["query"] == Y2024
    assert set(written["pages"]) == {"150200", "150203"}
    for page in written["pages"].values():
        assert [(c["id"], c["width"]) for c in page["charts"]] == REGION_CHARTS
    # Only the city has a map (the bundled districts); the district has a treemap.
    assert set(written["geo"]) == {"150200"}
    assert written["geo"]["150200"]["type"] == "FeatureCollection"
    city_map = next(c for c in written["pages"]["150200"]["charts"] if c["id"] == "region-children")
    assert floor.geojson_codes([city_map]) == {"150200"}


def test_the_plotly_page_draws_the_charts_and_loads_no_dash(floor, floor_file):
    written = json.loads(floor_file.read_text(encoding="utf-8"))
    charts = written["pages"]["150203"]["charts"]
    page = floor.plotly_page("150203", charts)
    assert f'{floor.CHARTS_ATTR}="7"' in page
    assert all(f'id="{c["id"]}"' in page for c in charts)
    assert "_dash" not in page and "dash_renderer" not in page
    scripts = [name for name in floor.FLOOR_SCRIPTS if f"/floor-assets/{name}" in page]
    assert scripts == list(floor.FLOOR_SCRIPTS)  # the geo assets before plotly.js
    # A figure's text can never end the script early.
    evil = [{**charts[0], "figure": {"data": [], "layout": {"title": "</script><b>"}}}]
    assert "</script><b>" not in floor.plotly_page("150203", evil)


def test_the_floor_server(floor_file):
    """Served as gunicorn would load it: bare plotly.js, the Dash app of only the
    charts (no callbacks, no component but html.Div and dcc.Graph), the polygons."""
    script = textwrap.dedent(
        f"""
        import json, os, sys
        os.environ["GOVDASH_BENCH_FLOOR"] = {str(floor_file)!r}
        sys.path.insert(0, {str(ROOT)!r})
        from bench.floor import server
        client = server.test_client()
        out = {{}}
        for path in ("/floor/plotly/150203", "/floor/plotly/999999",
                     "/floor/dash/150203/", "/floor-assets/plotly-govdash.min.js",
                     "/floor-assets/app.py", "/_govdash/geo/150200.json",
                     "/_govdash/geo/150203.json"):
            out[path] = client.get(path).status_code
        html = client.get("/floor/dash/150203/").get_data(as_text=True)
        out["scripts"] = [n for n in ("plotly-govdash.min.js", "govdash-geo.js", "govdash.js",
                                      "dash_bootstrap_components", "govdash.css") if n in html]
        out["dependencies"] = client.get("/floor/dash/150203/_dash-dependencies").get_json()
        layout = client.get("/floor/dash/150203/_dash-layout").get_json()
        def types(node):
            if isinstance(node, list):
                return [t for child in node for t in types(child)]
            if isinstance(node, dict) and "type" in node and "props" in node:
                return [node["type"]] + types(node["props"].get("children"))
            return []
        out["types"] = sorted(set(types(layout)))
        out["graphs"] = types(layout).count("Graph")
        print(json.dumps(out))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["/floor/plotly/150203"] == 200
    assert out["/floor/plotly/999999"] == 404
    assert out["/floor/dash/150203/"] == 200
    assert out["/floor-assets/plotly-govdash.min.js"] == 200
    assert out["/floor-assets/app.py"] == 404  # only the floor's scripts
    assert out["/_govdash/geo/150200.json"] == 200
    assert out["/_govdash/geo/150203.json"] == 404
    assert out["scripts"] == ["plotly-govdash.min.js", "govdash-geo.js", "govdash.js"]
    assert out["dependencies"] == []
    assert out["types"] == ["Div", "Graph"] and out["graphs"] == 7
