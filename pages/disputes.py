"""/disputes 矛盾纠纷: intake and mediation success over time, categories, the
mediation source types (诉调/公调/访调对接 …) and success by unit (worst first). A
month, source type or category bar opens its disputes in /cases; a unit's bar drills
down."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import html

from components.figures import (
    chart_title,
    create_share_bar,
    create_source_bar,
    create_trend_figure,
    create_unit_rate_bar,
)
from components.i18n import t
from components.kpi import create_kpi_row
from components.states import create_no_data
from govdash import data
from pages._common import running_as_of, safe_page, tile_hrefs, unit_rows
from pages._drill import month_ranges, register_case_drill, unfinished_month
from pages._region_view import shift_year, statuses, trend_window
from pages._theme import card, chart_row, header, register_unit_drill, theme, unit_height

PATH = "/disputes"
dash.register_page(__name__, path=PATH, title="矛盾纠纷 · govdash", name="矛盾纠纷", order=3)

TILES = (
    "accepted",
    "closure_rate",
    "resolution_rate",
    "mediation_success_rate",
    "on_time_rate",
    "satisfaction_rate",
    "open",
    "overdue_open",
)
UNIT_SUCCESS_ID = "disputes-success"
UNIT_RESOLUTION_ID = "disputes-resolution"
TREND_ID = "disputes-trend"
TYPES_ID = "disputes-types"
CATEGORIES_ID = "disputes-categories"


@safe_page
def layout(**params: Any):
    th = theme(params, PATH)
    f, lang = th.filters, th.lang
    kwargs = {**f.metric_kwargs(), "kind": "dispute"}
    compared = data.compare(th.code, f.date_from, f.date_to, **kwargs)
    figures = compared["current"]
    changes = {name: compared[name]["change"] for name in ("yoy", "mom")}
    body: list[Any] = [
        header(th, "page.disputes", figures.get("meta"), fixed_kind="dispute"),
        create_kpi_row(
            figures,
            changes,
            statuses=statuses(figures),
            hrefs=tile_hrefs(
                replace(f, kind="dispute"), th.code, running_as_of(f, figures.get("meta"))
            ),
            lang=lang,
            keys=TILES,
            as_of=str(figures.get("meta", {}).get("as_of", ""))[:10],
        ),
    ]
    if not figures.get("accepted") and not figures.get("open"):
        body.append(create_no_data(lang))
        return html.Div(body, className="gd-page", id="disputes-page")

    t_from, t_to = trend_window(f)
    trend = data.breakdown(th.code, t_from, t_to, "month", **kwargs)
    previous = data.breakdown(th.code, shift_year(t_from), shift_year(t_to), "month", **kwargs)
    trend_fig = create_trend_figure(
        trend,
        previous,
        lang=lang,
        title=chart_title(t("fig.trend", lang), th.scope.name, f"{t_from} – {t_to}"),
        rate_key="mediation_success_rate",
        month_ranges=month_ranges(trend, t_to),
        unfinished=unfinished_month(trend, t_to),
    )
    types_fig = create_source_bar(
        figures.get("by_source") or {},
        lang=lang,
        title=chart_title(t("fig.mediation_types", lang), th.scope.name, th.period),
    )
    body.append(
        chart_row(
            card(TREND_ID, trend_fig, th, "fig.trend", clickable=True),
            card(TYPES_ID, types_fig, th, "fig.mediation_types", clickable=True),
            widths=[8, 4],
        )
    )
    categories_fig = create_share_bar(
        figures.get("by_category") or {},
        label_prefix="category",
        lang=lang,
        title=chart_title(t("fig.dispute_categories", lang), th.scope.name, th.period),
        top=15,
    )
    if th.scope.child_level is not None:
        units = unit_rows(data.breakdown(th.code, f.date_from, f.date_to, "child", **kwargs), lang)
        success_fig = create_unit_rate_bar(
            units,
            metric="mediation_success_rate",
            lang=lang,
            title=chart_title(t("fig.dispute_success", lang), th.scope.name, th.period),
        )
        resolution_fig = create_unit_rate_bar(
            units,
            metric="resolution_rate",
            lang=lang,
            title=chart_title(t("metric.resolution_rate", lang), th.scope.name, th.period),
            status={
                str(u["key"]): data.status_for("resolution_rate", u.get("resolution_rate"))
                for u in units
            },
        )
        height = unit_height(len(units), 380)
        body.append(
            chart_row(
                card(
                    UNIT_SUCCESS_ID,
                    success_fig,
                    th,
                    "fig.dispute_success",
                    height=height,
                    clickable=True,
                ),
                card(
                    UNIT_RESOLUTION_ID,
                    resolution_fig,
                    th,
                    "metric.resolution_rate",
                    height=height,
                    clickable=True,
                ),
            )
        )
    body.append(
        chart_row(
            card(
                CATEGORIES_ID,
                categories_fig,
                th,
                "fig.dispute_categories",
                height=420,
                clickable=True,
            )
        )
    )
    return html.Div(body, className="gd-page", id="disputes-page")


register_unit_drill(PATH, [UNIT_SUCCESS_ID, UNIT_RESOLUTION_ID])
register_case_drill(TREND_ID, "month", kind="dispute")
register_case_drill(TYPES_ID, "source", kind="dispute")
register_case_drill(CATEGORIES_ID, "category", kind="dispute")
