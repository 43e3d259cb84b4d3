"""Helpers the pages share: URL parsing, links, the page header, safe rendering.

(A leading underscore keeps Dash pages from importing this module as a page.)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from components.breadcrumb import create_breadcrumb
from components.filters import create_filter_bar, merge_query, relative_path
from components.formatting import period_label
from components.i18n import LANGS, normalize_lang, t
from components.shell import set_place_namer
from components.states import create_db_error, create_error, create_unknown_region
from components.url_state import Filters, is_ascii_digits, parse_filters
from data_access.settings import get_settings
from govdash import data

log = logging.getLogger("govdash.pages")

# Cases-list status for each KPI tile (the numbers behind the tile).
TILE_CASE_LINKS: dict[str, dict[str, str]] = {
    "accepted": {"status": "all"},
    "closure_rate": {"status": "closed"},
    "resolution_rate": {"status": "resolved"},
    "on_time_rate": {"status": "on_time"},
    "satisfaction_rate": {"status": "satisfied"},
    "open": {"status": "open"},
    "overdue_open": {"status": "overdue"},
    "petitions": {"status": "all", "kind": "petition"},
    "repeat_petition_rate": {"status": "repeat", "kind": "petition"},
}


def page_filters(params: Mapping[str, Any]) -> Filters:
    """The URL's filters; the language defaults to GOVDASH_LANG when not in the URL
    (or not a known one), and so do the messages of what the parser ignored."""
    return parse_filters(dict(params), default_lang=normalize_lang(get_settings().lang))


def lang_of(params: Mapping[str, Any]) -> str:
    value = params.get("lang")
    if isinstance(value, list):
        value = value[0] if value else None
    value = value.strip() if isinstance(value, str) else value
    return value if value in LANGS else normalize_lang(get_settings().lang)


def _place_name(code: str) -> str | None:
    """A region's or grid's name for the browser tab's title (None if unknown)."""
    try:
        return data.region(code).name
    except Exception:  # noqa: BLE001 - a title never fails
        return None


set_place_namer(_place_name)


def region_href(code: str, filters: Filters) -> str:
    """/region/<code> with the same filters (no region= parameter)."""
    return relative_path(f"/region/{code}") + filters.query_string(region=None)


def page_href(path: str, filters: Filters, region: str | None) -> str:
    """A thematic page (/petitions …) for `region` with the same filters."""
    return relative_path(path) + filters.query_string(region=region)


def cases_href(filters: Filters, region: str, **extra: str | None) -> str:
    """/cases for `region` with the same filters plus status/kind/level/… overrides."""
    params = filters.query_params(region=region)
    for key, value in extra.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return relative_path("/cases") + "?" + urlencode(params)


def tile_hrefs(filters: Filters, region: str, as_of: str | None = None) -> dict[str, str]:
    """The case list behind each tile; `as_of`: running_as_of."""
    return {
        key: cases_href(filters, region, as_of=as_of, **extra)
        for key, extra in TILE_CASE_LINKS.items()
    }


# The page's running_as_of, for the case lists its chart clicks open (pages/_drill.py).
VIEW_AS_OF_ID = "view-as-of"


def running_as_of(filters: Filters, meta: Mapping[str, Any] | None) -> str | None:
    """The moment a running period's figures were observed at (meta's as_of), which
    the case lists they link to are read at too: later, more cases are closed or
    overdue and the list no longer adds up to the number clicked. None once the
    period has ended (a list's default as_of is then its end, the figures' too)."""
    raw = (meta or {}).get("as_of")
    try:
        moment = datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
    if moment is None or moment >= datetime.combine(filters.date_to, time(23, 59, 59)):
        return None
    return moment.isoformat(timespec="seconds")


def breadcrumb_for(code: str, filters: Filters, href_for: Callable[[str], str]) -> html.Nav:
    path = data.region_path(code)
    steps = [(scope.name, href_for(scope.code)) for scope in path]
    level = path[-1].level if path else None
    return create_breadcrumb(steps, t(f"rlevel.{level}", filters.lang) if level else None)


PAGE_META_ID = "page-meta"  # the period / as-of line
PAGE_CRUMBS_ID = "page-crumbs"  # holds the breadcrumb


def page_meta_text(filters: Filters, meta: Mapping[str, Any] | None = None) -> str:
    """'统计周期 2024-01-01 至 2024-12-31 · 数据截至 2024-12-31 23:59'."""
    lang = filters.lang
    info = [f"{t('page.period', lang)} {period_label(filters.date_from, filters.date_to, lang)}"]
    if meta and meta.get("as_of"):
        info.append(f"{t('page.as_of', lang)} {str(meta['as_of'])[:16]}")
    return " · ".join(info)


def page_header(
    title: str,
    filters: Filters,
    breadcrumb: html.Nav | None = None,
    meta: Mapping[str, Any] | None = None,
    filter_bar_options: Mapping[str, bool] | None = None,
) -> html.Div:
    """Title, breadcrumb, the period/as-of line and the filter bar."""
    return html.Div(
        [
            html.Div(
                [
                    html.H1(title, className="gd-page-title"),
                    html.Div(
                        page_meta_text(filters, meta), id=PAGE_META_ID, className="gd-page-meta"
                    ),
                ],
                className="gd-page-titlebar",
            ),
            html.Div(breadcrumb, id=PAGE_CRUMBS_ID) if breadcrumb is not None else html.Div(),
            create_filter_bar(filters, filters.lang, **(filter_bar_options or {})),
            dcc.Store(id=VIEW_AS_OF_ID, data=running_as_of(filters, meta)),
        ],
        className="gd-page-header",
    )


def safe_page(render: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a page's layout: a database outage, an unknown region or any other error
    becomes one clear message, never a traceback."""

    @functools.wraps(render)
    def wrapper(*args: Any, **params: Any) -> Any:
        lang = lang_of(params)
        try:
            return render(*args, **params)
        except data.DatabaseUnavailable as exc:
            log.warning("database unavailable: %s", exc)
            return html.Div(create_db_error(lang), className="gd-page")
        except data.UnknownRegion as exc:
            code = params.get("code") or params.get("region") or ""
            log.info("unknown region: %s", exc)
            return html.Div(create_unknown_region(str(code), lang), className="gd-page")
        except Exception:  # noqa: BLE001 - a page never shows a traceback
            log.exception("page failed")
            return html.Div(create_error(lang), className="gd-page")

    return wrapper


def unit_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """breakdown/ranking rows by child with the village's "not in a grid" row (key "")
    labelled in the page's language (copies: cached rows are never changed)."""
    return [dict(r, name=t("rlevel.no_grid", lang)) if r.get("key") == "" else r for r in rows]


def click_code(click_data: Mapping[str, Any] | None) -> str | None:
    """The region code behind a click on a bar (customdata), a map (location) or a
    treemap (id)."""
    if not click_data:
        return None
    points = click_data.get("points") or []
    if not points:
        return None
    point = points[0]
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
    for candidate in (custom, point.get("location"), point.get("id")):
        if isinstance(candidate, str | int) and is_ascii_digits(str(candidate)):
            return str(candidate)
    return None


def drill_href(pathname_template: str, code: str, search: str | None) -> str:
    """The URL for drilling into `code`, keeping the query string.

    `pathname_template` is '/region/{code}' (region= is dropped) or a thematic page
    path such as '/petitions' (region= is set)."""
    if "{code}" in pathname_template:
        return relative_path(pathname_template.format(code=code)) + merge_query(
            search, {"region": None}
        )
    return relative_path(pathname_template) + merge_query(search, {"region": code})
