"""/grids 网格: cases reported per grid and the grids silent in the period (no case
at all). Above village level, per child region: grids, silent grids, cases; click
a unit to drill down. At village level the bars are the grids themselves, and a
grid's bar opens its cases in /cases (a grid has nothing below it to drill into)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from components.figures import chart_title, create_unit_rate_bar
from components.filters import merge_query, relative_path
from components.i18n import t
from components.kpi import create_kpi_tiles, kpi_tile_html
from govdash import data
from pages._common import cases_href, running_as_of, safe_page
from pages._drill import register_case_drill
from pages._theme import card, chart_row, header, register_unit_drill, theme, unit_height

PATH = "/grids"
dash.register_page(__name__, path=PATH, title="网格 · govdash", name="网格", order=6)

UNITS_ID = "grids-units"
SILENT_ID = "grids-silent-units"
GRID_BARS_ID = "grids-per-grid"  # a village's (or grid's) grids: drill-through
MAX_LISTED = 300


@safe_page
def layout(**params: Any):
    th = theme(params, PATH)
    f, lang = th.filters, th.lang
    activity = data.grid_activity(th.code, f.date_from, f.date_to, **f.metric_kwargs())
    grids = activity["grids"]
    silent = [g for g in grids if not g["accepted"]]
    children = activity["by_child"]
    reports_total = sum(c["accepted"] for c in children) if children else 0
    # A running period's list is read at the moment these counts were (as every page's).
    as_of = running_as_of(f, activity.get("meta"))
    tiles = create_kpi_tiles(
        kpi_tile_html("grids", len(grids), lang=lang, show_changes=False)
        + kpi_tile_html(
            "silent_grids",
            len(silent),
            lang=lang,
            show_changes=False,
            status="green" if not silent else None,
        )
        + kpi_tile_html(
            "grid_reports",
            reports_total,
            lang=lang,
            show_changes=False,
            href=cases_href(f, th.code, status="in_grid", as_of=as_of),
        ),
        class_name="gd-kpi-row gd-kpi-row-short",
    )
    toggle_source = None if f.source == "grid_report" else "grid_report"
    source_link = dcc.Link(
        t("page.all_sources" if toggle_source is None else "page.only_grid_reports", lang),
        href=relative_path(PATH)
        + merge_query(f.query_string(region=th.code), {"source": toggle_source}),
        id="grids-source-toggle",
        className="btn btn-sm btn-outline-primary",
    )
    body: list[Any] = [
        header(th, "page.grids", activity.get("meta")),
        html.Div([tiles]),
        html.Div(source_link),
    ]

    if th.scope.level in ("village", "grid"):
        unit_rows = [
            {"key": g["code"], "name": g["name"], "accepted": g["accepted"]} for g in grids
        ]
        fig = create_unit_rate_bar(
            unit_rows,
            metric="accepted",
            lang=lang,
            worst_first=True,
            top=200,
            title=chart_title(t("fig.grid_reports", lang), th.scope.name, th.period),
        )
        body.append(
            chart_row(
                card(
                    GRID_BARS_ID,
                    fig,
                    th,
                    "fig.grid_reports",
                    height=unit_height(len(unit_rows)),
                    clickable=True,
                )
            )
        )
    elif children:
        fig = create_unit_rate_bar(
            children,
            metric="accepted",
            lang=lang,
            worst_first=True,
            title=chart_title(t("fig.grid_units", lang), th.scope.name, th.period),
        )
        silent_fig = create_unit_rate_bar(
            children,
            metric="silent_grids",
            lang=lang,
            worst_first=False,
            title=chart_title(t("metric.silent_grids", lang), th.scope.name, th.period),
        )
        height = unit_height(len(children))
        body.append(
            chart_row(
                card(UNITS_ID, fig, th, "fig.grid_units", height=height, clickable=True),
                card(
                    SILENT_ID, silent_fig, th, "metric.silent_grids", height=height, clickable=True
                ),
            )
        )

    listing: Any
    if not silent:
        listing = html.P(t("page.silent_none", lang), className="mb-0")
    elif len(silent) > MAX_LISTED:
        listing = html.P(t("page.silent_too_many", lang), className="mb-0 text-muted")
    else:
        listing = html.Ul(
            [
                html.Li(
                    dcc.Link(
                        g["name"],
                        href=relative_path(f"/region/{g['code']}") + f.query_string(region=None),
                    )
                )
                for g in silent
            ],
            className="gd-silent-list",
            id="silent-grids",
        )
    body.append(
        html.Div(
            [html.H2(t("page.silent_grids", lang), className="gd-section-title"), listing],
            className="gd-page-header",
        )
    )
    return html.Div(body, className="gd-page", id="grids-page")


register_unit_drill(PATH, [UNITS_ID, SILENT_ID])
register_case_drill(GRID_BARS_ID, "grid")
