"""The region view shared by / (the cockpit) and /region/<code> — any region down to a grid: KPI tiles with 同比/环比 and status,
the monthly trend, the children ranked (table + bar), a map (city, or wherever a
GeoJSON exists) or treemap of the children, four-colour and source mix, the
grassroots shares and the load per center. Clicking a child on any chart drills
down; the breadcrumb goes back up; tiles, and the bars of the other charts (a month,
a warning level, a source, a share, a center's load), open the cases behind them
(pages/_drill.py). A grid, which has no children, shows its latest cases instead.

A filter change redraws the page in place. Dash pages would render the whole page
again from the new URL, and React would mount every chart anew (each one a full
`Plotly.newPlot`, 0.2–0.3 s for the page); instead the router leaves the page as it
is (region.py and home.py return no_update when the region page shown is the one
asked for, see `same_view`), and three callbacks update what depends on the filters:
the header line, tiles, charts and the ranking table, in one request per filter
change, so each chart is redrawn with `Plotly.react`. There is one update callback per
page shape (with children: `update_region`; a grid: `update_grid`; neither:
`update_plain`), each triggered by a store that only a page of its shape has, so its
outputs are always there: a URL trigger of the filter bar's (components/filters.py
`URL_TRIGGER`), which writes a filter change's URL there in the same step as into the
address bar, so the update's request leaves at once, and the pages router does not
hear of it (browser back/forward reaches the trigger from a popstate listener). A
chart whose figure the new URL does not change (the trend of 本月 and of 本年, the
load per center at the same moment) is left as drawn: the page keeps the fingerprints
of the figures drawn (`DRAWN_ID`) and the update sends only the others. The page
looks the same either way: `build_view` makes the parts for both.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import (
    Input,
    Output,
    State,
    callback,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate

from components.figures import (
    Figure,
    chart_title,
    create_center_load_bar,
    create_containment_figure,
    create_empty_figure,
    create_level_donut,
    create_ranking_bar,
    create_region_map,
    create_source_bar,
    create_treemap,
    create_trend_figure,
    figure_fingerprint,
)
from components.filters import (
    ALL,
    CUSTOM,
    DATES_ID,
    FILTER_SHOWN_ID,
    KIND_ID,
    LEVEL_ID,
    PAGE_URL_ID,
    PERIOD_ID,
    SOURCE_ID,
    URL_TRIGGER,
    create_page_location,
    shown_period,
    strip_relative_path,
)
from components.formatting import period_label
from components.geo import geojson_url, load_geojson, polygon_codes
from components.graph import create_chart_card
from components.i18n import t
from components.kpi import KPI_TILES_ID, create_kpi_tiles, kpi_row_html
from components.states import create_db_error, create_error, create_no_data
from components.tables import (
    GRID_CASES_HTML_ID,
    RANKING_TABLE_HTML_ID,
    create_grid_cases_table,
    create_ranking_table,
    grid_cases_html,
    ranking_table_html,
)
from components.url_state import PRESETS, Filters, is_ascii_digits
from govdash import data
from pages._common import (
    PAGE_CRUMBS_ID,
    PAGE_META_ID,
    VIEW_AS_OF_ID,
    breadcrumb_for,
    cases_href,
    click_code,
    drill_href,
    log,
    page_filters,
    page_header,
    page_meta_text,
    region_href,
    running_as_of,
    tile_hrefs,
    unit_rows,
)
from pages._drill import (
    DRILL_CHARTS,
    case_drill_href,
    declare_case_drill,
    month_ranges,
    register_case_drill,
    unfinished_month,
)

PAGE_ID = "region-page"
STATE_ID = "region-state"  # {"path", "code", "lang"} of the page shown
DRAWN_ID = "region-drawn"  # graph id → fingerprint of the figure it shows
# The store that triggers a page's in-place update with the new URL, one per page
# shape (the update's outputs differ: a region with children, a grid, a region
# without any); the filter bar writes its next URL into whichever is there
# (components/filters.py URL_TRIGGER).
REGION_TRIGGER_ID = {"type": URL_TRIGGER, "shape": "children"}  # update_region
GRID_TRIGGER_ID = {"type": URL_TRIGGER, "shape": "grid"}  # update_grid: with the case link
PLAIN_TRIGGER_ID = {"type": URL_TRIGGER, "shape": "plain"}  # update_plain: neither
NOTICE_ID = "region-notice"
TILES_ID = "region-tiles"
TABLE_ID = "region-table"
GRID_LINK_ID = "grid-cases-link"
TREND_ID = "region-trend"
RANK_BAR_ID = "region-rank-bar"
CHILDREN_ID = "region-children"
LEVELS_ID = "region-levels"
SOURCES_ID = "region-sources"
CONTAINMENT_ID = "region-containment"
CENTERS_ID = "region-centers"
GRID_CASES_SHOWN = 10  # a grid page's latest cases; the link opens all of them
STATUS_METRICS = (
    "closure_rate",
    "resolution_rate",
    "on_time_rate",
    "satisfaction_rate",
    "overdue_open",
)


def _months_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def trend_window(filters: Filters, today: date | None = None) -> tuple[date, date]:
    """At least the 12 months ending with the period's last month (not past today)."""
    today = today or date.today()
    end = min(filters.date_to, max(today, filters.date_from))
    start = min(filters.date_from.replace(day=1), _months_back(end, 11))
    return start, end


def shift_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def statuses(figures: dict[str, Any]) -> dict[str, str | None]:
    return {metric: data.status_for(metric, figures.get(metric)) for metric in STATUS_METRICS}


# ------------------------------------------------------------------ the page's parts
@dataclass
class ChildrenView:
    """The children section: map or treemap, ranking bar, ranking table."""

    label: str
    children_fig: Figure
    bar_fig: Figure
    rows: list[dict[str, Any]]
    hrefs: dict[str, str]
    height: int
    footer: str | None = None
    empty: bool = False  # the region has no children at all


@dataclass
class RegionView:
    """Everything the region page shows for one URL (see build_view)."""

    code: str
    name: str
    level: str
    filters: Filters
    cockpit: bool
    meta: dict[str, Any]
    meta_text: str
    breadcrumb: Any
    notice: Any
    tiles_html: str
    figures: dict[str, Figure] = field(default_factory=dict)
    centers_height: int = 340
    children: ChildrenView | None = None
    grid_href: str | None = None
    grid_cases_html: str = ""


def _center_height(center_load: list[dict[str, Any]]) -> int:
    return max(340, 60 + 24 * min(len(center_load), 15))


def build_view(
    code: str, filters: Filters, *, cockpit: bool = False, children: bool = True
) -> RegionView:
    """The figures of `code` under `filters`, made into the page's parts (without the
    children section if not `children`: a page shape that has none). Raises what the
    data layer raises (safe_page and the update callbacks turn it into a message)."""
    scope = data.region(code)  # UnknownRegion -> a clear message
    calls = _view_calls(code, filters, children=children and scope.child_level is not None)
    if scope.child_level is None:  # a grid: its latest cases where children would be
        calls["grid_cases"] = lambda: grid_cases(code, filters)
    return _make_view(code, scope, filters, cockpit, data.gather(calls))


def grid_cases(code: str, filters: Filters) -> dict[str, Any]:
    """The latest GRID_CASES_SHOWN cases of a grid under `filters` and their total
    (data_access.caselist: LIMIT in SQL, personal data masked there; cached)."""
    return data.latest_cases(
        code, filters.date_from, filters.date_to, GRID_CASES_SHOWN, **filters.metric_kwargs()
    )


def _view_calls(code: str, filters: Filters, *, children: bool) -> dict[str, Any]:
    """The data calls of a region page (the ranking with `children`)."""
    kwargs = filters.metric_kwargs()
    t_from, t_to = trend_window(filters)
    span = (filters.date_from, filters.date_to)
    calls = {
        "compared": lambda: data.compare(code, *span, **kwargs),
        "trend": lambda: data.breakdown(code, t_from, t_to, "month", **kwargs),
        "previous": lambda: data.breakdown(
            code, shift_year(t_from), shift_year(t_to), "month", **kwargs
        ),
    }
    if children:
        calls["ranking"] = lambda: data.ranking(code, *span, **kwargs)
    return calls


# ------------------------------------------------------------------ prefetch
# A browser that asks for a region page's HTML asks for its data some 0.3-1 s
# later, once Dash's scripts have run and its layout has come (the pages router's
# callback): time the server can spend on the data instead of waiting. The page's
# HTML request starts its data calls in the background; the router's callback then
# finds them cached, or waits for them (govdash/data.py computes each result once at
# a time, across workers when the cache is shared). At most PREFETCH_AT_ONCE per
# process: a burst of page requests (a crawler) never piles up background work.
PREFETCH_AT_ONCE = 2
_prefetching = threading.BoundedSemaphore(PREFETCH_AT_ONCE)


def _shows_region_view(path: str) -> bool:
    """Whether a page path (without the app's prefix) is / or /region/<code>."""
    parts = path.strip("/").split("/")
    return path == "/" or (len(parts) == 2 and parts[0] == "region" and is_ascii_digits(parts[1]))


def prefetch_code(path: str, params: dict[str, Any]) -> str | None:
    """The region a page URL (its path without the app's prefix, and its query) shows
    a region view of: /region/<code>, or / (the cockpit: ?region= or the top region);
    None for any other page."""
    if not _shows_region_view(path):
        return None
    if path == "/":
        return page_filters(params).region or data.top_region()
    return path.strip("/").split("/")[1]


def prefetch_view(path: str, params: dict[str, Any]) -> threading.Thread | None:
    """Start computing the data of the region page at `path` (any request path,
    without the app's prefix) and `params` in the background (see above); the thread,
    or None when the path shows no region view or enough is prefetching already."""
    return _in_background(path, params, lambda code, scope: [page_filters(params)], _prefetching)


# A person reaching for the period dropdown (assets/govdash.js `prefetchPresets`
# posts the page's URL to PREFETCH_PRESETS_ROUTE, app.py) picks a preset some 0.3-1 s
# later: the server computes the region's data for each preset meanwhile, so the
# filter change finds it cached (or being computed, and waits for it) instead of
# computing it after the click.
PREFETCH_PRESETS_ROUTE = "_govdash/prefetch-presets"
# One at a time per process, apart from the pages' prefetches (which it must not keep
# waiting), and each preset's data calls one after another: the person's own filter
# change, when it comes, must not wait for connections or CPUs held by guesses.
_prefetching_presets = threading.BoundedSemaphore(1)


def prefetch_presets(path: str, params: dict[str, Any]) -> threading.Thread | None:
    """Start computing the data of the region page at `path` and `params` for every
    period preset but the period it shows, one after another in the dropdown's order
    (PRESETS), in the background; the thread, or None when the path shows no region
    view or a prefetch of presets is running already."""

    def presets(code: str, scope) -> list[Filters]:
        shown = page_filters(params)
        rest = {k: v for k, v in params.items() if k not in ("period", "from", "to")}
        chosen = [page_filters({**rest, "period": preset}) for preset in PRESETS]
        span = (shown.date_from, shown.date_to)
        return [f for f in chosen if (f.date_from, f.date_to) != span]

    return _in_background(path, params, presets, _prefetching_presets, side_by_side=False)


def _in_background(
    path: str,
    params: dict[str, Any],
    filters_of,
    slots: threading.BoundedSemaphore,
    *,
    side_by_side: bool = True,
) -> threading.Thread | None:
    """A thread computing the region page's data (`_view_calls`: side by side, or one
    call after another) for each of the filters `filters_of(code, scope)` gives,
    unless the path shows no region view or all `slots` are taken; it only gives up on
    a bad URL (the page says why)."""
    if not _shows_region_view(path) or not slots.acquire(blocking=False):
        return None

    def run() -> None:
        try:
            code = prefetch_code(path, params)
            if code is None:
                return
            scope = data.region(code)
            for filters in filters_of(code, scope):
                calls = _view_calls(code, filters, children=scope.child_level is not None)
                if side_by_side:
                    data.gather(calls)
                else:
                    for call in calls.values():
                        call()
        except Exception:  # noqa: BLE001 - the page's own callback shows any error
            log.debug("prefetch of %s failed", path, exc_info=True)
        finally:
            slots.release()

    thread = threading.Thread(target=run, name="govdash-prefetch", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no thread to be had: the page computes its data itself
        slots.release()
        return None
    return thread


def _make_view(
    code: str, scope, filters: Filters, cockpit: bool, fetched: dict[str, Any]
) -> RegionView:
    lang = filters.lang
    t_from, t_to = trend_window(filters)
    compared = fetched["compared"]
    figures = compared["current"]
    meta = figures.get("meta", {})
    period = period_label(filters.date_from, filters.date_to, lang)
    changes = {name: compared[name]["change"] for name in ("yoy", "mom")}
    no_data = not figures.get("accepted") and not figures.get("open")
    center_load = figures.get("center_load") or []
    view = RegionView(
        code=code,
        name=scope.name,
        level=scope.level,
        filters=filters,
        cockpit=cockpit,
        meta=meta,
        meta_text=page_meta_text(filters, meta),
        breadcrumb=breadcrumb_for(code, filters, lambda c: region_href(c, filters)),
        notice=create_no_data(lang) if no_data else None,
        tiles_html=kpi_row_html(
            figures,
            changes,
            statuses=statuses(figures),
            hrefs=tile_hrefs(filters, code, running_as_of(filters, meta)),
            lang=lang,
            as_of=str(meta.get("as_of", ""))[:10],
        ),
        centers_height=_center_height(center_load),
    )
    view.figures = {
        TREND_ID: create_trend_figure(
            fetched["trend"],
            fetched["previous"],
            lang=lang,
            title=chart_title(t("fig.trend", lang), scope.name, period_label(t_from, t_to, lang)),
            month_ranges=month_ranges(fetched["trend"], t_to),
            unfinished=unfinished_month(fetched["trend"], t_to),
        ),
        LEVELS_ID: create_level_donut(
            figures.get("by_level") or {},
            lang=lang,
            title=chart_title(t("fig.levels", lang), scope.name, period),
        ),
        SOURCES_ID: create_source_bar(
            figures.get("by_source") or {},
            lang=lang,
            title=chart_title(t("fig.sources", lang), scope.name, period),
        ),
        CONTAINMENT_ID: create_containment_figure(
            figures, lang=lang, title=chart_title(t("fig.containment", lang), scope.name, period)
        ),
        CENTERS_ID: create_center_load_bar(
            center_load,
            lang=lang,
            title=chart_title(
                t("fig.center_load", lang),
                scope.name,
                f"{t('page.as_of', lang)} {str(meta.get('as_of', ''))[:16]}",
            ),
        ),
    }
    if "ranking" in fetched:
        view.children = _children_view(code, scope, filters, period, fetched["ranking"])
    elif scope.child_level is None:
        view.grid_href = cases_href(
            filters, code, status="all", as_of=running_as_of(filters, view.meta)
        )
        listed = fetched["grid_cases"]
        view.grid_cases_html = grid_cases_html(
            listed["rows"],
            listed["total"],
            lang=lang,
            list_query=_query_part(view.grid_href),
        )
    return view


def _query_part(href: str) -> str:
    """'?…' of a link (what a case page carries back to its list), or ''."""
    return "?" + href.split("?", 1)[1] if "?" in href else ""


def _children_view(
    code: str, scope, filters: Filters, period: str, ranking: list[dict[str, Any]]
) -> ChildrenView:
    lang = filters.lang
    rows = unit_rows(ranking, lang)
    label = t(f"rlevel.children.{scope.level}", lang)
    if not rows:
        empty = create_empty_figure(lang=lang)
        return ChildrenView(label, empty, empty, [], {}, 360, empty=True)
    hrefs = {str(r["key"]): region_href(str(r["key"]), filters) for r in rows if r["key"]}
    geojson = load_geojson(code)
    # One height per region (its number of children), whatever the period shows.
    height = max(360, 70 + 22 * len(rows))
    footer = None
    if geojson is not None:
        children_fig = create_region_map(
            rows,
            geojson,
            geojson_url=geojson_url(code),
            lang=lang,
            title=chart_title(f"{label} · {t('metric.accepted', lang)}", scope.name, period),
        )
        height = max(420, min(height, 560))
        unmapped = [r["name"] for r in rows if str(r["key"]) not in polygon_codes(geojson)]
        if unmapped:
            footer = t("fig.unmapped", lang) + "、".join(unmapped)
    else:
        children_fig = create_treemap(
            rows,
            lang=lang,
            root_name=scope.name,
            title=chart_title(f"{label} · {t('fig.treemap', lang)}", scope.name, period),
        )
    bar_fig = create_ranking_bar(
        rows,
        metric="score",
        lang=lang,
        title=chart_title(f"{label} · {t('fig.ranking', lang)}", scope.name, period),
    )
    return ChildrenView(
        label,
        children_fig,
        bar_fig,
        rows,
        hrefs,
        height,
        footer,
    )


# ------------------------------------------------------------------ full render
def page_path(code: str, cockpit: bool) -> str:
    """The path the page is shown at, without the app's prefix: '/' or '/region/<code>'."""
    return "/" if cockpit else f"/region/{code}"


def same_view(
    view: dict[str, Any] | None, pathname: str | None, code: str | None, params: dict[str, Any]
) -> bool:
    """Is the region page on screen (the shell's view store, set from what the router
    last rendered) the one this URL asks for, so that only the filters differ? Then
    the router leaves it and the update callbacks redraw it in place."""
    if not view or not pathname:
        return False
    path = "/" + (strip_relative_path(pathname) or "")
    filters = page_filters(params)
    if not path.startswith("/region/"):  # / and /region: ?region=, else the top region
        try:
            code = code or filters.region or data.top_region()
        except Exception:  # noqa: BLE001 - the router renders the page (and says why)
            return False
    return bool(
        view.get("path") == path
        and code
        and view.get("region") == code
        and view.get("lang") == filters.lang
    )


def render_region(
    code: str | None,
    params: dict[str, Any],
    *,
    cockpit: bool = False,
    path: str | None = None,
    url: tuple[str, str] | None = None,
):
    """The whole page (`path`: where it is shown, default '/' for the cockpit and
    '/region/<code>' otherwise; `url`: the browser's (pathname, search), from the
    router: the update trigger starts with it, so that it is not relayed again)."""
    filters = page_filters(params)
    lang = filters.lang
    code = code or filters.region or data.top_region()
    if not code:
        return html.Div(create_no_data(lang), className="gd-page")
    view = build_view(code, filters, cockpit=cockpit)
    title = f"{view.name} · {t('page.cockpit' if cockpit else 'page.region', lang)}"
    path = path or page_path(code, cockpit)
    figures: list[Any] = [
        html.Div(view.notice, id=NOTICE_ID),
        html.Div(create_kpi_tiles(view.tiles_html), id=TILES_ID),
        dbc.Row(
            [
                dbc.Col(_card(view, TREND_ID, t("fig.trend", lang), clickable=True), lg=8),
                dbc.Col(_card(view, LEVELS_ID, t("fig.levels", lang), clickable=True), lg=4),
            ],
            className="g-3",
        ),
    ]
    if view.children is not None:
        figures.extend(_children_section(view))
    else:
        figures.append(_grid_cases_card(view))
    figures.append(
        dbc.Row(
            [
                dbc.Col(_card(view, SOURCES_ID, t("fig.sources", lang), clickable=True), lg=4),
                dbc.Col(
                    _card(view, CONTAINMENT_ID, t("fig.containment", lang), clickable=True),
                    lg=4,
                ),
                dbc.Col(
                    _card(
                        view,
                        CENTERS_ID,
                        t("fig.center_load", lang),
                        view.centers_height,
                        clickable=True,
                    ),
                    lg=4,
                ),
            ],
            className="g-3",
        )
    )
    if view.children is not None and not view.children.empty:
        trigger = REGION_TRIGGER_ID
    elif view.children is None:
        trigger = GRID_TRIGGER_ID
    else:
        trigger = PLAIN_TRIGGER_ID
    body: list[Any] = [
        create_page_location(),
        dcc.Store(id=trigger, data=None if url is None else url[0] + url[1]),
        dcc.Store(id=STATE_ID, data={"path": path, "code": code, "lang": lang}),
        dcc.Store(id=DRAWN_ID, data=drawn_fingerprints(view)),
        page_header(title, filters, view.breadcrumb, view.meta),
        # A spinner over the figures while a filter change is computed, if that takes
        # longer than a moment (the shell's covers a page rendered anew).
        dcc.Loading(
            figures,
            type="circle",
            color="#1f5fa8",
            delay_show=350,
            overlay_style={"visibility": "visible", "opacity": 0.55},
            target_components={KPI_TILES_ID: "markup"},
            parent_className="gd-loading",
        ),
    ]
    return html.Div(
        body,
        className="gd-page",
        id=PAGE_ID,
        # Read by the shell's view store (components/shell.py) for `same_view`.
        **{"data-region": code, "data-path": path, "data-lang": lang},
    )


def _card(
    view: RegionView, graph_id: str, what: str, height: int = 340, clickable: bool = False
) -> dbc.Card:
    return create_chart_card(
        graph_id,
        view.figures[graph_id],
        f"{view.name}_{what}",
        view.filters.lang,
        height=height,
        clickable=clickable,
    )


def _children_section(view: RegionView) -> list[Any]:
    lang = view.filters.lang
    section = view.children
    assert section is not None
    if section.empty:
        return [dbc.Alert(t("page.children_none", lang), color="light", className="gd-state")]
    return [
        dbc.Row(
            [
                dbc.Col(
                    create_chart_card(
                        CHILDREN_ID,
                        section.children_fig,
                        f"{view.name}_{section.label}",
                        lang,
                        height=section.height,
                        footer=section.footer,
                        clickable=True,
                    ),
                    lg=6,
                ),
                dbc.Col(
                    create_chart_card(
                        RANK_BAR_ID,
                        section.bar_fig,
                        f"{view.name}_{section.label}_{t('fig.ranking', lang)}",
                        lang,
                        height=section.height,
                        clickable=True,
                    ),
                    lg=6,
                ),
            ],
            className="g-3",
        ),
        dbc.Card(
            [
                dbc.CardHeader(
                    [
                        html.Span(f"{section.label} · {t('page.ranking_table', lang)}"),
                        html.Small(t("page.drill_hint", lang), className="text-muted ms-2"),
                    ]
                ),
                dbc.CardBody(
                    create_ranking_table(section.rows, section.hrefs, lang=lang),
                    id=TABLE_ID,
                    className="p-0",
                ),
            ],
            className="gd-table-card",
        ),
    ]


def _grid_cases_card(view: RegionView) -> dbc.Card:
    """Where a region's children would be, a grid shows its latest cases (an escaped
    HTML string, redrawn with the charts by update_grid) and links to all of them."""
    lang = view.filters.lang
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span(t("rlevel.grid", lang), className="badge text-bg-secondary me-2"),
                    html.Span(t("page.grid_cases_title", lang)),
                    dcc.Link(
                        t("page.grid_cases", lang) + " →",
                        href=view.grid_href,
                        id=GRID_LINK_ID,
                        className="fw-semibold ms-3",
                    ),
                ]
            ),
            dbc.CardBody(
                create_grid_cases_table(view.grid_cases_html),
                id="grid-cases",
                className="p-0",
            ),
        ],
        className="gd-table-card gd-grid-cases",
    )


# ------------------------------------------------------------------ in-place updates
def _filters_for(href: str | None, state: dict[str, Any] | None) -> Filters:
    """The new URL's filters, if it is still this page's (same path, region and
    language; else the router renders another page and this one stays as it is)."""
    if not state or not href:
        raise PreventUpdate
    url = urlsplit(href)
    path = "/" + (strip_relative_path(url.path) or "")
    params = dict(parse_qsl(url.query))
    filters = page_filters(params)
    if path != state.get("path") or filters.lang != state.get("lang"):
        raise PreventUpdate
    code = state["code"]
    if not path.startswith("/region/") and (filters.region or code) != code:
        raise PreventUpdate  # / or /region for another ?region=: the router renders it
    return filters


def _failure(lang: str, exc: Exception):
    """What an update shows instead of its figures when the data can't be read."""
    if isinstance(exc, data.DatabaseUnavailable):
        log.warning("database unavailable: %s", exc)
        return create_db_error(lang)
    log.exception("region update failed")
    return create_error(lang)


REGION_FIGURES = (TREND_ID, LEVELS_ID, SOURCES_ID, CONTAINMENT_ID, CENTERS_ID)
CHILDREN_FIGURES = (CHILDREN_ID, RANK_BAR_ID)


# The filter bar's controls, as the URL sets them (page_filters -> create_filter_bar).
FILTER_CONTROLS = (
    (PERIOD_ID, "value"),
    (DATES_ID, "start_date"),
    (DATES_ID, "end_date"),
    (KIND_ID, "value"),
    (SOURCE_ID, "value"),
    (LEVEL_ID, "value"),
)


def _control_values(filters: Filters) -> tuple[str, ...]:
    return (
        filters.preset or CUSTOM,
        filters.date_from.isoformat(),
        filters.date_to.isoformat(),
        filters.kind or ALL,
        filters.source or ALL,
        filters.warning_level or ALL,
    )


# Outputs every page shape has: header line, breadcrumb, notice, tiles, the five
# charts, the center chart's height, the filter bar's controls and its period, and the
# fingerprints of the charts drawn.
COMMON_OUTPUTS = (
    Output(PAGE_META_ID, "children"),
    Output(PAGE_CRUMBS_ID, "children"),
    Output(NOTICE_ID, "children"),
    Output(KPI_TILES_ID, "markup"),
    *(Output(graph_id, "figure") for graph_id in REGION_FIGURES),
    Output(CENTERS_ID, "style"),
    *(Output(component, prop, allow_duplicate=True) for component, prop in FILTER_CONTROLS),
    Output(FILTER_SHOWN_ID, "data"),
    Output(DRAWN_ID, "data"),
    Output(VIEW_AS_OF_ID, "data"),
)
CHILDREN_OUTPUTS = (
    *(Output(graph_id, "figure") for graph_id in CHILDREN_FIGURES),
    Output(RANKING_TABLE_HTML_ID, "markup"),
)
GRID_OUTPUTS = (Output(GRID_LINK_ID, "href"), Output(GRID_CASES_HTML_ID, "markup"))


def _update(
    href: str | None,
    state: dict[str, Any] | None,
    drawn: dict[str, str] | None,
    shown_controls: tuple,
    shape: str,
) -> tuple:
    """The outputs of one page shape ('children', 'grid' or 'plain') for the filters of
    the new URL (see the module docstring); the filter bar's controls are set only
    where they differ from the URL (browser back/forward, a preset's dates), so that
    it shows the URL's filters (the bar then finds the URL unchanged), and a chart only
    where its figure differs from the one drawn (`drawn`: their fingerprints), so that
    it is not redrawn for nothing (the trend of 本月 and of 本年 is the same year). One
    request: the region's data calls run side by side (build_view)."""
    filters = _filters_for(href, state)
    assert state is not None
    controls = [
        no_update if str(shown or "")[:10] == wanted else wanted
        for shown, wanted in zip(shown_controls, _control_values(filters), strict=True)
    ]
    chart_ids = REGION_FIGURES + (CHILDREN_FIGURES if shape == "children" else ())
    try:
        view = build_view(
            state["code"], filters, cockpit=state["path"] == "/", children=shape == "children"
        )
    except Exception as exc:  # noqa: BLE001 - never a traceback
        empty = create_empty_figure(lang=filters.lang)
        charts, fingerprints = _changed_charts(dict.fromkeys(chart_ids, empty), drawn)
        common = (
            page_meta_text(filters),
            no_update,
            _failure(filters.lang, exc),
            "",
            *(charts[graph_id] for graph_id in REGION_FIGURES),
            no_update,
            *controls,
            shown_period(filters),
            fingerprints,
            None,
        )
        extra = {
            "children": (*(charts[graph_id] for graph_id in CHILDREN_FIGURES), ""),
            "grid": (no_update, ""),
            "plain": (),
        }[shape]
        return (*common, *extra)
    section = view.children
    if shape == "children" and (section is None or section.empty):
        raise PreventUpdate  # the page rendered its other shape
    charts, fingerprints = _changed_charts(_view_figures(view), drawn)
    common = (
        view.meta_text,
        view.breadcrumb,
        view.notice,
        view.tiles_html,
        *(charts[graph_id] for graph_id in REGION_FIGURES),
        {"height": f"{view.centers_height}px"},
        *controls,
        shown_period(filters),
        fingerprints,
        running_as_of(filters, view.meta),
    )
    if shape == "children":
        assert section is not None
        table = ranking_table_html(section.rows, section.hrefs, lang=filters.lang)
        return (*common, *(charts[graph_id] for graph_id in CHILDREN_FIGURES), table)
    if shape == "grid":
        return (*common, view.grid_href, view.grid_cases_html)
    return common


def _view_figures(view: RegionView) -> dict[str, Figure]:
    """graph id → figure of every chart the page shows."""
    figures = dict(view.figures)
    section = view.children
    if section is not None and not section.empty:
        figures[CHILDREN_ID] = section.children_fig
        figures[RANK_BAR_ID] = section.bar_fig
    return figures


def _fingerprints(figures: dict[str, Figure]) -> dict[str, str]:
    return {graph_id: figure_fingerprint(fig) for graph_id, fig in figures.items()}


def drawn_fingerprints(view: RegionView) -> dict[str, str]:
    """graph id → fingerprint of the figure a page renders with (the page's store)."""
    return _fingerprints(_view_figures(view))


def _changed_charts(
    figures: dict[str, Figure], drawn: dict[str, str] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each figure, or no_update where the chart already shows it; and the fingerprints
    of what the charts show then."""
    fingerprints = _fingerprints(figures)
    drawn = drawn if isinstance(drawn, dict) else {}
    charts = {
        graph_id: no_update if drawn.get(graph_id) == fingerprints[graph_id] else fig
        for graph_id, fig in figures.items()
    }
    return charts, fingerprints


def _states(trigger: dict[str, str]) -> tuple:
    return (
        Input(trigger, "data"),
        State(STATE_ID, "data"),
        State(DRAWN_ID, "data"),
        *(State(component, prop) for component, prop in FILTER_CONTROLS),
    )


@callback(
    *COMMON_OUTPUTS, *CHILDREN_OUTPUTS, *_states(REGION_TRIGGER_ID), prevent_initial_call=True
)
def update_region(href, state, drawn, *shown_controls):
    """A region with children: every part, the children's charts and table included."""
    return _update(href, state, drawn, shown_controls, "children")


@callback(*COMMON_OUTPUTS, *GRID_OUTPUTS, *_states(GRID_TRIGGER_ID), prevent_initial_call=True)
def update_grid(href, state, drawn, *shown_controls):
    """A grid: every part, its latest cases and the link to all of them included."""
    return _update(href, state, drawn, shown_controls, "grid")


@callback(*COMMON_OUTPUTS, *_states(PLAIN_TRIGGER_ID), prevent_initial_call=True)
def update_plain(href, state, drawn, *shown_controls):
    """A region whose children level has no region at all."""
    return _update(href, state, drawn, shown_controls, "plain")


def browser_url(pathname: str | None, search: str | None) -> tuple[str, str] | None:
    """The router's view of the address bar as render_region's `url`."""
    return None if pathname is None else (pathname, search or "")


# ------------------------------------------------------------------ drill-down
@callback(
    Output(PAGE_URL_ID, "href", allow_duplicate=True),
    Input(RANK_BAR_ID, "clickData"),
    Input(CHILDREN_ID, "clickData"),
    State(PAGE_URL_ID, "search"),
    prevent_initial_call=True,
)
def drill_down(bar_click, children_click, search):
    """A click on a child (bar, map or treemap) opens that child's region page."""
    try:
        trigger = dash.ctx.triggered_id
        click = bar_click if trigger == RANK_BAR_ID else children_click
        code = click_code(click)
        if not code:
            return no_update
        return drill_href("/region/{code}", code, search)
    except Exception:  # noqa: BLE001 - never a traceback
        return no_update


@callback(
    Output(PAGE_URL_ID, "href", allow_duplicate=True),
    Input(LEVELS_ID, "clickData"),
    State(PAGE_URL_ID, "pathname"),
    State(PAGE_URL_ID, "search"),
    State(VIEW_AS_OF_ID, "data"),
    prevent_initial_call=True,
)
def drill_through_level(click, pathname, search, as_of):
    """A click on a warning-level segment opens the case list of that level."""
    try:
        segment, fixed = DRILL_CHARTS[LEVELS_ID]
        return case_drill_href(segment, click, pathname, search, fixed, as_of) or no_update
    except Exception:  # noqa: BLE001
        return no_update


# ------------------------------------------------------------------ drill-through
# The other charts' bars open the cases behind them (docs/METRICS.md; pages/_drill.py).
declare_case_drill(LEVELS_ID, "level")  # its own callback above, the first of them
register_case_drill(TREND_ID, "month")
register_case_drill(SOURCES_ID, "source")
register_case_drill(CONTAINMENT_ID, "status")
register_case_drill(CENTERS_ID, "center_load")


__all__ = ["render_region", "same_view", "trend_window", "statuses", "shift_year"]
