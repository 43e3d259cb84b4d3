"""The app shell: URL location, navigation bar (with the language switch), the
database banner holder and the page container. Built once; the navigation bar is
re-drawn from the URL (labels in the URL's language, links keep the filters).

It also gives every page a browser-tab title in the URL's language (and naming the
region the URL names): see `localize_page_titles`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from html import escape
from typing import Any
from urllib.parse import parse_qs, unquote

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

from data_access.settings import get_settings

from .filters import (
    URL_ID,
    merge_query,
    params_from_search,
    relative_path,
    strip_relative_path,
)
from .i18n import LANGS, normalize_lang, t
from .url_state import is_ascii_digits

NAV_ID = "gd-nav"
BANNER_HOLDER_ID = "db-banner-holder"
DB_CHECK_ID = "db-check"
DB_STATUS_ID = "db-status"
DB_CHECK_MS = 10_000
LANG_DUMMY_ID = "gd-lang-dummy"
# What the router last rendered, if it was a region page ({path, region, lang}): the
# router reads it (app.py's routing_callback_inputs) to leave that page on screen when
# only the filters change (pages/_region_view.py redraws it in place).
VIEW_ID = "gd-view"
# The navigation bar's language and visibility ({lang, hidden}): the bar is drawn on
# the server when they change; its links follow every URL in the browser.
NAV_VIEW_ID = "gd-nav-view"
BRAND_ID = "nav-brand"
LANG_SWITCH_ID = "lang-switch"
PAGES_CONTENT_ID = "_pages_content"  # dash.page_container's content (Dash's own id)
PAGES_LOCATION_ID = "_pages_location"  # and its dcc.Location

# (path, label key); the region link goes to /region/<current region>.
NAV_ITEMS = (
    ("/", "nav.home"),
    ("/region", "nav.region"),
    ("/petitions", "nav.petitions"),
    ("/disputes", "nav.disputes"),
    ("/satisfaction", "nav.satisfaction"),
    ("/centers", "nav.centers"),
    ("/grids", "nav.grids"),
    ("/cases", "nav.cases"),
)
# Query parameters that follow the user from page to page.
SHARED_PARAMS = ("period", "from", "to", "kind", "source", "level", "lang")
FULL_SCREEN_PREFIXES = ("/wall",)


def current_region(pathname: str | None, params: dict[str, str]) -> str | None:
    """The region the user is looking at: /region/<code> or ?region=CODE."""
    parts = [p for p in (pathname or "/").split("/") if p]
    if len(parts) >= 2 and parts[0] == "region":
        return parts[1]
    return params.get("region")


def nav_links(pathname: str | None, search: str | None) -> list[tuple[str, str, str, bool]]:
    """(href, label key, path, active) for every navigation item."""
    params = params_from_search(search)
    region = current_region(pathname, params)
    shared = {k: v for k, v in params.items() if k in SHARED_PARAMS}
    base = merge_query("", shared)
    path = strip_relative_path(pathname or "/") or ""
    current_top = "/" + path.split("/")[0] if path else "/"
    out = []
    for target, key in NAV_ITEMS:
        if target == "/":
            href = relative_path("/") + base
        elif target == "/region":
            href = relative_path(f"/region/{region}" if region else "/region") + base
        else:
            href = relative_path(target) + merge_query(base, {"region": region})
        active = current_top == target or (target == "/cases" and current_top == "/case")
        out.append((href, key, target, active))
    return out


def create_navbar(pathname: str | None = "/", search: str | None = "") -> dbc.Navbar:
    """The bar in the URL's language, else the deployment's (GOVDASH_LANG); the switch
    names lang= only when it goes to the other one (assets/govdash.js navLinks)."""
    params = params_from_search(search)
    default = normalize_lang(get_settings().lang)
    lang = params["lang"] if params.get("lang") in LANGS else default
    links = nav_links(pathname, search)
    items = [
        dbc.NavItem(
            dcc.Link(
                t(key, lang),
                href=href,
                className="nav-link" + (" active" if active else ""),
                id=nav_link_id(target),
            )
        )
        for href, key, target, active in links
    ]
    other = "en" if lang == "zh" else "zh"
    switch_href = relative_path("/" + strip_relative_path(pathname or "/")) + merge_query(
        search, {"lang": None if other == default else other}
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dcc.Link(
                    [html.Span("◆", className="gd-brand-mark"), t("app.brand", lang)],
                    href=links[0][0],
                    className="navbar-brand gd-brand",
                    id=BRAND_ID,
                ),
                dbc.Nav(items, className="me-auto gd-nav-items", navbar=True),
                dcc.Link(
                    t("nav.switch_lang", lang),
                    href=switch_href,
                    id=LANG_SWITCH_ID,
                    title=t("nav.switch_lang_title", lang),
                    className="btn btn-sm btn-outline-light gd-lang-switch",
                ),
            ],
            fluid=True,
            className="gd-nav-inner",
        ),
        color="primary",
        dark=True,
        className="gd-navbar",
    )


def create_shell(content=None, lang: str = "zh") -> html.Div:
    """The whole app layout around `content` (dash.page_container). Called once the
    pages are registered (app.py), so it also gives them their localized tab titles."""
    localize_page_titles()
    return html.Div(
        [
            dcc.Location(id=URL_ID, refresh="callback-nav"),
            html.Header(create_navbar("/", ""), id=NAV_ID),
            html.Div(id=BANNER_HOLDER_ID, className="gd-banner-holder"),
            dcc.Interval(id=DB_CHECK_ID, interval=DB_CHECK_MS, n_intervals=0),
            dcc.Store(id=DB_STATUS_ID),
            dcc.Store(id=VIEW_ID),
            dcc.Store(id=NAV_VIEW_ID),
            # Tells the browser the deployment's language (assets/govdash.js defaultLang).
            html.Div(id=LANG_DUMMY_ID, hidden=True, **{"data-default-lang": normalize_lang(lang)}),
            html.Main(
                # A spinner over the old page while the next one is computed; only
                # when that takes longer than a moment (no flicker on cache hits).
                dcc.Loading(
                    content if content is not None else dash.page_container,
                    type="circle",
                    color="#1f5fa8",
                    delay_show=350,
                    overlay_style={"visibility": "visible", "opacity": 0.55},
                    target_components={"_pages_content": "children"},
                    parent_className="gd-loading",
                ),
                className="gd-main container-fluid",
            ),
        ],
        className="gd-app",
    )


def nav_link_id(target: str) -> str:
    return f"nav-{target.strip('/') or 'home'}"


@callback(
    Output(NAV_ID, "children"),
    Output(NAV_ID, "className"),
    Input(NAV_VIEW_ID, "data"),
    State(URL_ID, "href"),
)
def update_navbar(view: dict | None, href: str | None):
    """Labels in the URL's language (hidden on the wall): drawn here only when the
    language or visibility changes (NAV_VIEW_ID); the links follow every URL in the
    browser (assets/govdash.js navLinks, the same links as nav_links)."""
    try:
        from urllib.parse import urlsplit

        parts = urlsplit(href or "/")
        pathname, search = parts.path or "/", ("?" + parts.query) if parts.query else ""
        path = "/" + (strip_relative_path(pathname) or "")
        # Always the whole bar (hidden, not emptied): navLinks writes to its links.
        return create_navbar(pathname, search), "d-none" if path.startswith(
            FULL_SCREEN_PREFIXES
        ) else ""
    except Exception:  # noqa: BLE001 - the navigation bar never shows a traceback
        return dash.no_update, dash.no_update


# The links of the navigation bar (and the brand, the language switch) for each URL,
# in the browser: a filter change needs no round trip for them.
clientside_callback(
    ClientsideFunction(namespace="govdash", function_name="navLinks"),
    Output(NAV_VIEW_ID, "data"),
    Output(BRAND_ID, "href"),
    Output(LANG_SWITCH_ID, "href"),
    *(Output(nav_link_id(target), "href") for target, _key in NAV_ITEMS),
    *(Output(nav_link_id(target), "className") for target, _key in NAV_ITEMS),
    Input(URL_ID, "href"),
    State(NAV_VIEW_ID, "data"),
)


# The language of the date pickers' calendars (date-fns locale) and <html lang>.
clientside_callback(
    """
    function (search) {
        var asked = /(^|[?&])lang=(en|zh)(&|$)/.exec(search || "");
        var gd = window.govdash || {};
        var byDefault = gd.defaultLang ? gd.defaultLang() : "zh";
        var en = (asked ? asked[2] : byDefault) === "en";
        var fns = window.dateFns = window.dateFns || {};
        fns.locale = fns.locale || {};
        if (fns.locale.zhCN) { window.__gdZhCN = fns.locale.zhCN; }
        if (en) { delete fns.locale.zhCN; }
        else if (window.__gdZhCN) { fns.locale.zhCN = window.__gdZhCN; }
        document.documentElement.lang = en ? "en" : "zh-CN";
        return window.dash_clientside.no_update;
    }
    """,
    Output(LANG_DUMMY_ID, "title"),
    Input(URL_ID, "search"),
)

# The view store follows each page the router renders (its root's data-* attributes,
# pages/_region_view.py); any other page clears it.
clientside_callback(
    """
    function (content) {
        var props = content && content.props;
        if (!props || props.id !== "region-page" || !props["data-region"]) { return null; }
        return {path: props["data-path"], region: props["data-region"], lang: props["data-lang"]};
    }
    """,
    Output(VIEW_ID, "data"),
    Input(PAGES_CONTENT_ID, "children"),
)

# Reload once the database is back if the page showed the outage.
clientside_callback(
    ClientsideFunction(namespace="govdash", function_name="reloadWhenBack"),
    Output(BANNER_HOLDER_ID, "title"),
    Input(DB_STATUS_ID, "data"),
    prevent_initial_call=True,
)


# ------------------------------------------------------------------ tab titles
log = logging.getLogger("govdash.shell")

TITLE_SUFFIX = " · govdash"
# The tab title's label of each page, by its registered path (or path template). A
# page may instead name its label in its register_page call: title_key="title.x".
PAGE_TITLE_KEYS: dict[str, str] = {
    "/": "title.home",
    "/region": "title.region",
    "/region/<code>": "title.region",
    "/petitions": "title.petitions",
    "/disputes": "title.disputes",
    "/satisfaction": "title.satisfaction",
    "/centers": "title.centers",
    "/grids": "title.grids",
    "/cases": "title.cases",
    "/case/<case_no>": "title.case",
    "/404": "title.not_found",
}
_TITLE_VALUE_MAX = 40  # characters of a case number shown in a title
_PLACE_NAMER: list[Callable[[str], str | None]] = []


def set_place_namer(namer: Callable[[str], str | None]) -> None:
    """How a title finds a region's name from its code (the pages set it: the
    components run no queries). Without one, titles name no region."""
    _PLACE_NAMER[:] = [namer]


def _query_first(search: str | None) -> dict[str, str]:
    """The query string's parameters, the first value of a repeated one (as the
    pages read them)."""
    parsed = parse_qs((search or "").lstrip("?"))
    return {key: values[0].strip() for key, values in parsed.items() if values}


def _current_query() -> dict[str, str]:
    """The query string of the URL being rendered: the router callback's
    _pages_location.search, or the page request's own (the first HTML)."""
    try:
        inputs = dash.callback_context.inputs
    except Exception:  # noqa: BLE001 - not inside a callback
        inputs = None
    if inputs is not None:
        return _query_first(inputs.get(f"{PAGES_LOCATION_ID}.search"))
    try:
        from flask import has_request_context, request

        if has_request_context():
            return _query_first(request.query_string.decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - a title never fails
        pass
    return {}


def page_title(
    key: str,
    path_variables: Mapping[str, Any] | None = None,
    query: Mapping[str, str] | None = None,
) -> str:
    """'<region> · <page> · govdash' in the query's language (?lang=, else the
    GOVDASH_LANG default); the region is the path's <code> or ?region=, when known."""
    path_variables = path_variables or {}
    query = query or {}
    lang = query.get("lang")
    if lang not in LANGS:
        lang = normalize_lang(get_settings().lang)
    label = t(key, lang)
    case_no = unquote(str(path_variables.get("case_no") or "")).strip()
    if case_no:
        shown = " ".join(case_no.split())
        if len(shown) > _TITLE_VALUE_MAX:
            shown = shown[: _TITLE_VALUE_MAX - 1] + "…"
        label = f"{label} {shown}"
    code = str(path_variables.get("code") or query.get("region") or "")
    place = None
    if is_ascii_digits(code) and _PLACE_NAMER:
        try:
            place = _PLACE_NAMER[0](code)
        except Exception:  # noqa: BLE001 - a title never fails
            place = None
    return " · ".join([place, label] if place else [label]) + TITLE_SUFFIX


class LocalizedTitle:
    """A page's title as Dash pages calls it (title(**path_variables), in the router
    callback and for the first HTML), read in the language of the URL's query string.
    Any failure gives the title the page registered."""

    def __init__(self, key: str, fallback: str) -> None:
        self.key = key
        self.fallback = fallback

    def __call__(self, **path_variables: Any) -> str:
        try:
            return page_title(self.key, path_variables, _current_query())
        except Exception:  # noqa: BLE001 - a title never fails
            log.exception("page title failed")
            return self.fallback

    def __repr__(self) -> str:
        return f"LocalizedTitle({self.key!r})"


def localize_page_titles(registry: Mapping[str, dict[str, Any]] | None = None) -> list[str]:
    """Give every registered page with a known label (PAGE_TITLE_KEYS, or its
    register_page(title_key=...)) a LocalizedTitle instead of its fixed title. Dash
    reads page["title"] on each route, so this works for pages registered before the
    call. Returns the modules of the pages left with a fixed title."""
    registry = dash.page_registry if registry is None else registry
    fixed = []
    for module, page in registry.items():
        title = page.get("title")
        if isinstance(title, LocalizedTitle):
            continue
        key = page.get("title_key") or PAGE_TITLE_KEYS.get(
            page.get("path_template") or page.get("path") or ""
        )
        if key is None or callable(title):
            fixed.append(module)
            continue
        page["title"] = LocalizedTitle(key, str(title or "govdash"))
    return fixed


_HTML_TITLE = re.compile(r"<title>[^<]*</title>")


def request_page_title(pathname: str) -> str | None:
    """The title the router will give `pathname` (the 404 page's for a path no page
    matches), or None when no page is registered for it."""
    from dash._pages import _path_to_page  # the router's own matching

    page, path_variables = _path_to_page(dash.strip_relative_path(pathname) or "")
    if not page:
        page = next(
            (p for m, p in dash.page_registry.items() if m.split(".")[-1] == "not_found_404"),
            {},
        )
    title = page.get("title")
    if callable(title):
        title = title(**(path_variables or {}))
    return title if isinstance(title, str) else None


@dash.hooks.index()
def _index_title(index: str) -> str:
    """The first HTML's <title> is the page's own, as the router gives it (Dash writes
    the app's title there): no title in the other language until the router's reply."""
    try:
        from flask import has_request_context, request

        title = request_page_title(request.path) if has_request_context() else None
        if title:
            tag = f"<title>{escape(title)}</title>"
            return _HTML_TITLE.sub(lambda _m: tag, index, count=1)
    except Exception:  # noqa: BLE001 - the page is served whatever happens here
        log.exception("index title failed")
    return index
