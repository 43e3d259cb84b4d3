"""The floor under a region page's time: its charts with nothing else (bench/browser.py).

A region page is Dash drawing seven plotly.js charts plus what the app adds around
them (the shell, the filter bar, the tiles, the ranking table, the pages router's round
trip, its callbacks). How fast a page can be drawn at all depends on the host: on a
slow one, plotly.js alone needs most of the time budget. So the browser benchmark
draws, in the same browser and the same rounds as the region pages, two floors per
scope, made of the region page's very charts (figures, configs and sizes):

- `/floor/plotly/<code>`: a bare HTML page that loads the app's plotly.js bundle and
  draws the charts with `Plotly.newPlot`, no Dash at all;
- `/floor/dash/<code>/`: a Dash app whose layout is those charts in `dcc.Graph`, as
  the page has them, and nothing else (no callbacks, no Bootstrap, no other
  component), with the app's own resize guard (assets/govdash.js).

Neither can be beaten by the page; the page's time less the Dash floor is what the app
adds, and the plotly.js floor says what this host allows any page with these charts.

Two steps, so that the floor server never imports the app's pages (their callbacks
would join the floor's Dash apps):

    python -m bench.floor --url DB --regions city=150200,... --query '?from=..&to=..' --out F
    GOVDASH_BENCH_FLOOR=F gunicorn bench.floor:server
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
VENDOR = ASSETS / "vendor"
PLOTLY_BUNDLE = "plotly-govdash.min.js"
PLOTLY_LOCALE = "plotly-locale-zh-cn.js"
RESIZE_GUARD = "govdash.js"  # the app's guard against resizes that change nothing
GEO_ASSETS = "govdash-geo.js"  # the empty world the offline map needs (no CDN request)
# The app's scripts the floors load too, in the app's order (the geo assets before
# plotly.js, which keeps them), each with its folder.
FLOOR_SCRIPTS = {GEO_ASSETS: ASSETS, PLOTLY_BUNDLE: VENDOR, PLOTLY_LOCALE: VENDOR}
# The floor pages' root carries the number of charts it draws: the benchmark's probe
# (bench/browser.py) reads it instead of waiting for the pages router.
CHARTS_ATTR = "data-bench-charts"
FLOOR_ENV = "GOVDASH_BENCH_FLOOR"
GEO_ROUTE = "/_govdash/geo/<code>.json"  # the URL the map's figure names (app.py's route)


# ------------------------------------------------------------------ step 1: the charts
def page_charts(layout: Any) -> list[dict[str, Any]]:
    """The charts of a rendered page, in page order: id, figure, config, height (px)
    and width (twelfths, from the enclosing grid column's `lg`; 12 if none)."""
    from dash import dcc

    charts: list[dict[str, Any]] = []

    def walk(node: Any, width: int) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child, width)
            return
        if not hasattr(node, "_prop_names"):
            return
        width = getattr(node, "lg", None) or width
        if isinstance(node, dcc.Graph):
            height = str((node.style or {}).get("height", "340px")).removesuffix("px")
            charts.append(
                {
                    "id": node.id,
                    "figure": node.figure,
                    "config": node.config,
                    "height": int(float(height)),
                    "width": int(width),
                }
            )
            return
        for prop in node._prop_names:
            value = getattr(node, prop, None)
            if isinstance(value, (list, tuple)) or hasattr(value, "_prop_names"):
                walk(value, width)

    walk(layout, 12)
    return charts


def geojson_codes(charts: list[dict[str, Any]]) -> set[str]:
    """The parents whose polygons the charts fetch (a map's `geojson` URL)."""
    codes = set()
    for chart in charts:
        for trace in chart["figure"].get("data", []):
            url = trace.get("geojson")
            if isinstance(url, str) and "/_govdash/geo/" in url:
                codes.add(url.split("/_govdash/geo/")[1].split(".json")[0])
    return codes


def write_floor(regions: dict[str, str], query: str, out: Path) -> dict[str, Any]:
    """Render each region's page for `query` (as the app would) and keep its charts
    and the polygons they fetch, as JSON in `out`. The database is the settings' one
    (GOVDASH_DATABASE_URL)."""
    import plotly.io as pio

    from components.filters import params_from_search
    from components.geo import load_geojson
    from pages._region_view import render_region

    params = params_from_search(query)
    floor: dict[str, Any] = {"query": query, "pages": {}, "geo": {}}
    for scope, code in regions.items():
        charts = page_charts(render_region(code, params))
        for chart in charts:  # plain JSON, as the app's callback sends it
            chart["figure"] = json.loads(pio.to_json(chart["figure"], validate=False))
        floor["pages"][code] = {"scope": scope, "charts": charts}
        for parent in geojson_codes(charts):
            floor["geo"][parent] = load_geojson(parent)
    out.write_text(json.dumps(floor), encoding="utf-8")
    return floor


# ------------------------------------------------------------------ step 2: the pages
def plotly_page(code: str, charts: list[dict[str, Any]]) -> str:
    """The bare HTML page that draws `charts` with plotly.js alone (an empty icon: a
    favicon request would 404, a console error)."""
    boxes = "".join(
        f'<div style="{_box_style(chart)}"><div id="{html.escape(str(chart["id"]))}" '
        f'style="height:{chart["height"]}px"></div></div>'
        for chart in charts
    )
    figures = json.dumps(charts).replace("</", "<\\/")
    scripts = "".join(f'<script src="/floor-assets/{name}"></script>' for name in FLOOR_SCRIPTS)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>floor · plotly.js · {code}</title>
<link rel="icon" href="data:,"></head>
<body style="margin:0;font-family:sans-serif">
<div {CHARTS_ATTR}="{len(charts)}" style="display:flex;flex-wrap:wrap">{boxes}</div>
{scripts}
<script>
(function () {{
  var charts = {figures};
  charts.forEach(function (chart) {{
    var figure = chart.figure;
    Plotly.newPlot(document.getElementById(chart.id), figure.data, figure.layout, chart.config);
  }});
}}());
</script>
</body></html>"""


def _box(chart: dict[str, Any]) -> dict[str, str]:
    """A chart's box as the page's grid column makes it (its share of the row)."""
    return {"boxSizing": "border-box", "padding": "8px", "width": f"{chart['width'] / 12:.4%}"}


def _box_style(chart: dict[str, Any]) -> str:
    """_box as a style attribute."""
    return ";".join(
        "".join(f"-{c.lower()}" if c.isupper() else c for c in key) + f":{value}"
        for key, value in _box(chart).items()
    )


def dash_layout(charts: list[dict[str, Any]]):
    from dash import dcc
    from dash import html as dash_html

    return dash_html.Div(
        [
            dash_html.Div(
                dcc.Graph(
                    id=chart["id"],
                    figure=chart["figure"],
                    config=chart["config"],
                    style={"height": f"{chart['height']}px"},
                ),
                style=_box(chart),
            )
            for chart in charts
        ],
        style={"display": "flex", "flexWrap": "wrap"},
        **{CHARTS_ATTR: str(len(charts))},
    )


def create_server(floor_file: Path):
    """The floor pages' server: a Flask app with one Dash app per region."""
    import dash
    import orjson
    from flask import Flask, abort, send_from_directory

    from components.eager_chunks import load_dcc_chunks_eagerly

    floor = json.loads(floor_file.read_text(encoding="utf-8"))
    server = Flask("govdash-bench-floor")
    load_dcc_chunks_eagerly(("dcc/async-graph.js",))  # as the app loads it

    @server.route("/floor/plotly/<code>")
    def plotly_only(code: str):
        page = floor["pages"].get(code)
        if page is None:
            abort(404)
        return plotly_page(code, page["charts"])

    @server.route("/floor-assets/<name>")
    def floor_asset(name: str):
        if name not in FLOOR_SCRIPTS:
            abort(404)
        return send_from_directory(FLOOR_SCRIPTS[name], name, max_age=31536000)

    @server.route(GEO_ROUTE)
    def geo(code: str):
        if code not in floor["geo"]:
            abort(404)
        return server.response_class(orjson.dumps(floor["geo"][code]), mimetype="application/json")

    allowed = "|".join(name.replace(".", r"\.") for name in (*FLOOR_SCRIPTS, RESIZE_GUARD))
    for code, page in floor["pages"].items():
        app = dash.Dash(
            f"floor_{code}",
            server=server,
            url_base_pathname=f"/floor/dash/{code}/",
            serve_locally=True,
            compress=True,
            update_title="",
            assets_folder=str(ASSETS),
            assets_ignore=rf"^(?!({allowed})$)",  # only plotly.js and the resize guard
        )
        app.layout = dash_layout(page["charts"])
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the floor pages' charts (step 1).")
    parser.add_argument("--url", required=True, help="database URL")
    parser.add_argument("--regions", required=True, help="scope=code,scope=code,...")
    parser.add_argument("--query", required=True, help="the period, as a page's query string")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    os.environ["GOVDASH_DATABASE_URL"] = args.url
    regions = dict(pair.split("=", 1) for pair in args.regions.split(","))
    floor = write_floor(regions, args.query, args.out)
    counts = {code: len(page["charts"]) for code, page in floor["pages"].items()}
    print(f"floor charts: {counts}", file=sys.stderr)
    return 0


if os.environ.get(FLOOR_ENV):  # gunicorn bench.floor:server
    server = create_server(Path(os.environ[FLOOR_ENV]))

if __name__ == "__main__":
    raise SystemExit(main())
