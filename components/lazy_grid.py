"""Load dash-ag-grid's script only on the pages that show a grid.

Dash writes every component library's script into the index page, so every first
view downloaded dash-ag-grid's main bundle (1.3 MB, 0.36 MB gzipped), although most
pages (the region pages) show no grid. `install_lazy_ag_grid` marks that script
"dynamic": Dash still registers and serves it, but leaves it out of the index. The
index gets its fingerprinted URL instead, in a meta tag; assets/lazy-aggrid.js puts
a stand-in `dash_ag_grid.AgGrid` in its place, which inserts the script when the
first grid is rendered and then renders the real grid.
"""

from __future__ import annotations

import logging
from typing import Any

import dash
import dash_ag_grid

log = logging.getLogger(__name__)

SCRIPT = "dash_ag_grid.min.js"
# Read by assets/lazy-aggrid.js: <meta name="govdash-aggrid-src" content="<url>">.
META_NAME = "govdash-aggrid-src"


def install_lazy_ag_grid(app: dash.Dash) -> None:
    """Leave dash-ag-grid's main script out of `app`'s index page and advertise its
    URL for assets/lazy-aggrid.js. Call it once, right after creating the app.

    The change is process-wide: Dash reads a library's scripts from the package's
    `_js_dist` list (`ComponentRegistry.get_resources`), the very list every
    dash-ag-grid component class shares, so there is no per-app switch. The URL is
    computed here, once: the app's requests_pathname_prefix must be final by then.
    """
    resource = _main_script()
    if resource is None:  # a dash-ag-grid release that renamed its bundle
        log.warning("dash-ag-grid has no %s: its script stays in the index page", SCRIPT)
        return
    resource["dynamic"] = True  # registered and served, never written into the index
    url = script_url(app)
    if not any(tag.get("name") == META_NAME for tag in app.config.meta_tags):
        app.config.meta_tags.append({"name": META_NAME, "content": url})


def script_url(app: dash.Dash) -> str:
    """The script's URL exactly as Dash would write it into the index: with
    serve_locally, <requests_pathname_prefix>_dash-component-suites/dash_ag_grid/
    dash_ag_grid.v<version>m<mtime>.min.js (fingerprinted, so it is cached for a year
    like the other scripts); otherwise the CDN URL. Built by Dash's own resource code,
    which also registers the path, so the URL is served even before the first page."""
    resource = _main_script()
    if resource is None:
        raise LookupError(f"dash-ag-grid has no {SCRIPT}")
    eager = {key: value for key, value in resource.items() if key != "dynamic"}
    # Dash's private resource helpers (dash 4.4): the same two steps as its index page.
    filtered = app.scripts._resources._filter_resources([eager])
    (src,) = app._collect_and_register_resources(filtered)
    return src["src"] if isinstance(src, dict) else src


def _main_script() -> dict[str, Any] | None:
    """dash-ag-grid's entry for its main bundle in `dash_ag_grid._js_dist`."""
    for resource in dash_ag_grid._js_dist:
        if resource.get("relative_package_path") == SCRIPT:
            return resource
    return None
