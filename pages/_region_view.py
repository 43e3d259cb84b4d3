"""The region view shared by / (the cockpit) and /region/<code> — any region down to a grid: KPI tiles with 同比/环比 and status,
the monthly trend, the children ranked (table + bar), a map (city, or wherever a
GeoJSON exists) or treemap of the children, four-colour and source mix, the
grassroots shares and the load per center. Clicking a child on any chart drills
down; the breadcrumb goes back up; tiles open the cases behind them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.figures import (
    chart_title,
    create_center_load_bar,
    create_containment_figure,
    create_level_donut,
    create_ranking_bar,
    create_region_map,
    create_source_bar,
    create_treemap,
    create_trend_figure,
)
from components.filters import (
    PAGE_URL_ID,
    create_page_location,
    merge_query,
    params_from_search,
    relative_path,
    strip_relative_path,
)
from components.formatting import period_label
from components.geo import load_geojson, polygon_codes
from components.graph import create_chart_card
from components.i18n import t
from components.kpi import create_kpi_row
from components.shell import current_region
from components.states import create_no_data
from components.tables import create_ranking_table
from components.url_state import Filters
from govdash import data
from pages._common import (
    breadcrumb_for,
    cases_href,
    click_code,
    drill_href,
    page_filters,
    page_header,
    region_href,
    tile_hrefs,
    unit_rows,
)

RANK_BAR_ID = "region-rank-bar"
CHILDREN_ID = "region-children"
LEVELS_ID = "region-levels"
CENTERS_ID = "region-centers"
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


def render_region(code: str | None, params: dict[str, Any], *, cockpit: bool = False):
    filters = page_filters(params)
    lang = filters.lang
    code = code or filters.region or data.top_region()
    if not code:
        return html.Div(create_no_data(lang), className="gd-page")
    scope = data.region(code)  # UnknownRegion -> a clear message (safe_page)
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
    if scope.child_level is not None:
        calls["ranking"] = lambda: data.ranking(code, *span, **kwargs)
    fetched = data.gather(calls)
    compared = fetched["compared"]
    figures = compared["current"]
    meta = figures.get("meta", {})
    period = period_label(filters.date_from, filters.date_to, lang)

    title = f"{scope.name} · {t('page.cockpit' if cockpit else 'page.region', lang)}"
    header = page_header(
        title,
        filters,
        breadcrumb_for(code, filters, lambda c: region_href(c, filters)),
        meta,
    )
    changes = {name: compared[name]["change"] for name in ("yoy", "mom")}
    tiles = create_kpi_row(
        figures,
        changes,
        statuses=statuses(figures),
        hrefs=tile_hrefs(filters, code),
        lang=lang,
        as_of=str(meta.get("as_of", ""))[:10],
    )
    body: list[Any] = [create_page_location(), header, tiles]
    if not figures.get("accepted") and not figures.get("open"):
        body.append(create_no_data(lang))
        return html.Div(body, className="gd-page", id="region-page", **{"data-region": code})

    # ---------------------------------------------------------------- trend + levels
    trend_fig = create_trend_figure(
        fetched["trend"],
        fetched["previous"],
        lang=lang,
        title=chart_title(t("fig.trend", lang), scope.name, period_label(t_from, t_to, lang)),
    )
    levels_fig = create_level_donut(
        figures.get("by_level") or {},
        lang=lang,
        title=chart_title(t("fig.levels", lang), scope.name, period),
    )
    body.append(
        dbc.Row(
            [
                dbc.Col(
                    create_chart_card(
                        "region-trend", trend_fig, f"{scope.name}_{t('fig.trend', lang)}", lang
                    ),
                    lg=8,
                ),
                dbc.Col(
                    create_chart_card(
                        LEVELS_ID,
                        levels_fig,
                        f"{scope.name}_{t('fig.levels', lang)}",
                        lang,
                        clickable=True,
                    ),
                    lg=4,
                ),
            ],
            className="g-3",
        )
    )

    # ---------------------------------------------------------------- children
    if scope.child_level is not None:
        body.extend(_children_section(code, scope, filters, period, fetched["ranking"]))
    else:
        body.append(_grid_cases_card(code, filters))

    # ---------------------------------------------------------------- mix, shares, load
    sources_fig = create_source_bar(
        figures.get("by_source") or {},
        lang=lang,
        title=chart_title(t("fig.sources", lang), scope.name, period),
    )
    containment_fig = create_containment_figure(
        figures, lang=lang, title=chart_title(t("fig.containment", lang), scope.name, period)
    )
    load_fig = create_center_load_bar(
        figures.get("center_load") or [],
        lang=lang,
        title=chart_title(
            t("fig.center_load", lang),
            scope.name,
            f"{t('page.as_of', lang)} {str(meta.get('as_of', ''))[:16]}",
        ),
    )
    n_centers = min(len(figures.get("center_load") or []), 15)
    body.append(
        dbc.Row(
            [
                dbc.Col(
                    create_chart_card(
                        "region-sources",
                        sources_fig,
                        f"{scope.name}_{t('fig.sources', lang)}",
                        lang,
                    ),
                    lg=4,
                ),
                dbc.Col(
                    create_chart_card(
                        "region-containment",
                        containment_fig,
                        f"{scope.name}_{t('fig.containment', lang)}",
                        lang,
                    ),
                    lg=4,
                ),
                dbc.Col(
                    create_chart_card(
                        CENTERS_ID,
                        load_fig,
                        f"{scope.name}_{t('fig.center_load', lang)}",
                        lang,
                        height=max(340, 60 + 24 * n_centers),
                    ),
                    lg=4,
                ),
            ],
            className="g-3",
        )
    )
    return html.Div(body, className="gd-page", id="region-page", **{"data-region": code})


def _children_section(
    code: str, scope, filters: Filters, period: str, ranking: list[dict[str, Any]]
) -> list[Any]:
    lang = filters.lang
    rows = unit_rows(ranking, lang)
    if not rows:
        return [dbc.Alert(t("page.children_none", lang), color="light", className="gd-state")]
    children_label = t(f"rlevel.children.{scope.level}", lang)
    hrefs = {str(r["key"]): region_href(str(r["key"]), filters) for r in rows if r["key"]}
    geojson = load_geojson(code)
    footer = None
    if geojson is not None:
        children_fig = create_region_map(
            rows,
            geojson,
            lang=lang,
            title=chart_title(
                f"{children_label} · {t('metric.accepted', lang)}", scope.name, period
            ),
        )
        unmapped = [r["name"] for r in rows if str(r["key"]) not in polygon_codes(geojson)]
        if unmapped:
            footer = t("fig.unmapped", lang) + "、".join(unmapped)
    else:
        children_fig = create_treemap(
            rows,
            lang=lang,
            root_name=scope.name,
            title=chart_title(f"{children_label} · {t('fig.treemap', lang)}", scope.name, period),
        )
    scored = [r for r in rows if r.get("score") is not None]
    bar_fig = create_ranking_bar(
        rows,
        metric="score",
        lang=lang,
        title=chart_title(f"{children_label} · {t('fig.ranking', lang)}", scope.name, period),
    )
    bar_height = max(360, 70 + 22 * len(scored))
    return [
        dbc.Row(
            [
                dbc.Col(
                    create_chart_card(
                        CHILDREN_ID,
                        children_fig,
                        f"{scope.name}_{children_label}",
                        lang,
                        height=bar_height if geojson is None else max(420, min(bar_height, 560)),
                        footer=footer,
                        clickable=True,
                    ),
                    lg=6,
                ),
                dbc.Col(
                    create_chart_card(
                        RANK_BAR_ID,
                        bar_fig,
                        f"{scope.name}_{children_label}_{t('fig.ranking', lang)}",
                        lang,
                        height=bar_height if geojson is None else max(420, min(bar_height, 560)),
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
                        html.Span(f"{children_label} · {t('page.ranking_table', lang)}"),
                        html.Small(t("page.drill_hint", lang), className="text-muted ms-2"),
                    ]
                ),
                dbc.CardBody(create_ranking_table(rows, hrefs, lang=lang), className="p-0"),
            ],
            className="gd-table-card",
        ),
    ]


def _grid_cases_card(code: str, filters: Filters) -> dbc.Card:
    lang = filters.lang
    return dbc.Card(
        dbc.CardBody(
            [
                html.Span(t("rlevel.grid", lang), className="badge text-bg-secondary me-2"),
                dcc.Link(
                    t("page.grid_cases", lang) + " →",
                    href=cases_href(filters, code, status="all"),
                    id="grid-cases-link",
                    className="fw-semibold",
                ),
            ]
        ),
        className="gd-grid-cases",
    )


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
    prevent_initial_call=True,
)
def drill_through_level(click, pathname, search):
    """A click on a warning-level segment opens the case list of that level."""
    try:
        points = (click or {}).get("points") or []
        level = points[0].get("customdata") if points else None
        if isinstance(level, list):
            level = level[0] if level else None
        if level not in ("red", "orange", "yellow", "green"):
            return no_update
        region = _region_from_path(pathname, search)
        query = merge_query(search, {"region": region, "level": level, "status": "all"})
        return relative_path("/cases") + query
    except Exception:  # noqa: BLE001
        return no_update


def _region_from_path(pathname: str | None, search: str | None) -> str | None:
    path = "/" + (strip_relative_path(pathname or "/") or "")
    region = current_region(path, params_from_search(search))
    if region:
        return region
    try:
        return data.top_region()
    except Exception:  # noqa: BLE001
        return None


__all__ = ["render_region", "trend_window", "statuses", "shift_year"]
