"""The Dash app and its Flask server (`gunicorn app:server`).

Pages live in pages/ (Dash pages, `use_pages=True`); the shell (navigation bar,
URL location, database banner) in components/shell.py; the cached data facade in
govdash/data.py. Bootstrap's CSS is served from assets/vendor/ (no CDN).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import dash
import orjson
from dash import Input, Output, State
from flask import abort, request

from components.eager_chunks import load_dcc_chunks_eagerly
from components.filters import URL_ID, params_from_search
from components.geo import GEOJSON_ROUTE, load_geojson
from components.i18n import normalize_lang
from components.lazy_grid import install_lazy_ag_grid
from components.shell import (
    BANNER_HOLDER_ID,
    DB_CHECK_ID,
    DB_STATUS_ID,
    PAGES_LOCATION_ID,
    VIEW_ID,
    create_shell,
)
from components.states import create_db_banner
from components.templates import PRINT_TEMPLATE_ROUTE, template_json
from components.url_state import is_ascii_digits
from data_access.settings import get_settings
from govdash import data
from govdash.memory import limit_serving_memory
from pages._region_view import PREFETCH_PRESETS_ROUTE, prefetch_presets, prefetch_view

# Before any thread starts: SQLite's caches and glibc's per-thread heaps (govdash/memory.py).
limit_serving_memory()
settings = get_settings()

app = dash.Dash(
    __name__,
    title="综治中心指挥舱 · govdash",
    update_title="",
    suppress_callback_exceptions=True,
    use_pages=True,
    pages_folder="pages",
    serve_locally=True,
    # Compress every response when flask-compress is installed (the partial plotly.js
    # in assets/vendor: 3.0 MB -> 0.9 MB); otherwise leave it to the reverse proxy.
    compress=importlib.util.find_spec("flask_compress") is not None,
    # Bootstrap is linked explicitly (below) so it loads before the app's own CSS.
    assets_ignore=r"^bootstrap\.min\.css$",
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    # Passed to every page's layout(): the region pages return no_update when the page
    # on screen is the one asked for with other filters (they redraw it in place).
    routing_callback_inputs={
        "_view": State(VIEW_ID, "data"),
        "_pathname": State(PAGES_LOCATION_ID, "pathname"),
        "_search": State(PAGES_LOCATION_ID, "search"),
    },
)
# dash-ag-grid's 1.3 MB script loads only when a page first shows a grid; dcc's Graph,
# Dropdown and DatePicker chunks load with the page instead of after it.
install_lazy_ag_grid(app)
load_dcc_chunks_eagerly()
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
BOOTSTRAP_CSS = "vendor/bootstrap.min.css"
# Fingerprinted like Dash's own asset links (?m=<mtime>), so it can be cached too.
app.config.external_stylesheets.append(
    f"{app.get_asset_url(BOOTSTRAP_CSS)}?m={(ASSETS_DIR / BOOTSTRAP_CSS).stat().st_mtime}"
)
server = app.server
ASSETS_PREFIX = app.get_asset_url("")


@server.after_request
def cache_fingerprinted_assets(response):
    """Dash links every asset as /assets/<file>?m=<mtime>: the URL changes whenever the
    file does, so the browser may keep it for a year without asking again. (Asking
    again would not help: flask-compress gives the compressed copy its own ETag, so a
    revalidation never matches and the 0.9 MB plotly.js came back on every view.)"""
    if (
        response.status_code == 200
        and request.args.get("m")
        and request.path.startswith(ASSETS_PREFIX)
    ):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = 31536000
    return response


@server.before_request
def prefetch_region_data():
    """A region page's HTML is asked for: start on its data now, while the browser
    loads the scripts (pages/_region_view.py `prefetch_view`)."""
    if settings.prefetch and request.method == "GET" and not request.path.startswith(ASSETS_PREFIX):
        prefetch_view("/" + (dash.strip_relative_path(request.path) or ""), request.args.to_dict())


@server.route(f"{app.config.routes_pathname_prefix}{PREFETCH_PRESETS_ROUTE}", methods=["POST"])
def prefetch_region_presets():
    """The period dropdown of a region page is reached for: start on its data for the
    other presets (pages/_region_view.py `prefetch_presets`). `?path=` is the page's
    path without the app's prefix, `?search=` its query. Nothing to say back: 204,
    whatever the URL (a bad one only gives up; the page says why)."""
    if settings.prefetch:
        path = request.args.get("path", "")
        prefetch_presets("/" + path.strip("/"), params_from_search(request.args.get("search")))
    return "", 204


@server.route(f"{app.config.routes_pathname_prefix}{GEOJSON_ROUTE}/<code>.json")
def serve_geojson(code: str):
    """The polygons of a region's children (components/geo.py), which the map fetches
    by URL; `?v=` is the file's mtime, so the reply may be kept for a year."""
    geojson = load_geojson(code) if is_ascii_digits(code) else None
    if geojson is None:
        abort(404)
    response = server.response_class(orjson.dumps(geojson), mimetype="application/json")
    if request.args.get("v"):
        response.cache_control.public = True
        response.cache_control.max_age = 31536000
    return response


@server.route(f"{app.config.routes_pathname_prefix}{PRINT_TEMPLATE_ROUTE}")
def serve_print_template():
    """The print template the charts' PNG and SVG exports draw with (assets/govdash.js
    fetches it on the first export); `?v=` changes with it, so it may be kept a year."""
    response = server.response_class(template_json("print"), mimetype="application/json")
    if request.args.get("v"):
        response.cache_control.public = True
        response.cache_control.max_age = 31536000
    return response


server.config["SECRET_KEY"] = settings.secret_key
data.init_cache(server)

app.layout = create_shell(lang=settings.lang)


@app.callback(
    Output(BANNER_HOLDER_ID, "children"),
    Output(DB_STATUS_ID, "data"),
    Input(DB_CHECK_ID, "n_intervals"),
    State(URL_ID, "search"),
)
def check_database(_n, search):
    """Every few seconds: is the database reachable? A banner while it is not."""
    lang = normalize_lang(params_from_search(search).get("lang"))
    try:
        ok = data.is_available()
    except Exception:  # noqa: BLE001 - the health check never shows a traceback
        ok = False
    return (None if ok else create_db_banner(lang)), {"ok": ok}


def set_up_before_serving() -> None:
    """Run Dash's once-per-process setup now, not on the worker's first request.

    Dash does it in a before-request hook (registering every script it may serve,
    the pages' routes) and marks it done before doing it: in a gunicorn worker with
    threads, the requests that arrive while the first one is still setting up are
    served half set up, and a browser's parallel script requests then got a 500
    ("the path requested is not valid") and a blank page. Run here, at import, it is
    done before the worker takes any request (tests/integration/test_gunicorn_workers.py)."""
    with server.test_request_context(ASSETS_PREFIX):
        server.preprocess_request()


set_up_before_serving()

if __name__ == "__main__":
    app.run(debug=False)
