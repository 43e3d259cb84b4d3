"""/petitions 信访: petition trend with 同比, repeat petitions and the repeat
petitioners themselves, sources (forms) and categories, and the units compared
(?region=CODE, the shared filters; kind is fixed to petitions). A month, source or
category bar opens its petitions in /cases; a unit's bar drills down."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
import dash_bootstrap_components as dbc
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
from components.tables import create_petitioner_table
from govdash import data
from pages._common import cases_href, running_as_of, safe_page, tile_hrefs, unit_rows
from pages._drill import month_ranges, register_case_drill, unfinished_month
from pages._region_view import shift_year, statuses, trend_window
from pages._theme import card, chart_row, header, register_unit_drill, theme, unit_height

PATH = "/petitions"
dash.register_page(__name__, path=PATH, title="信访 · govdash", name="信访", order=2)

TILES = (
    "petitions",
    "closure_rate",
    "on_time_rate",
    "satisfaction_rate",
    "repeat_petitions",
    "repeat_petition_rate",
    "open",
    "overdue_open",
)
UNIT_COUNT_ID = "petitions-units"
UNIT_REPEAT_ID = "petitions-repeat"
TREND_ID = "petitions-trend"
SOURCES_ID = "petitions-sources"
CATEGORIES_ID = "petitions-categories"
PETITIONERS_ID = "petitioners"
PETITIONERS_SHOWN = 50


@safe_page
def layout(**params: Any):
    th = theme(params, PATH)
    f, lang = th.filters, th.lang
    kwargs = {**f.metric_kwargs(), "kind": "petition"}
    compared = data.compare(th.code, f.date_from, f.date_to, **kwargs)
    figures = compared["current"]
    changes = {name: compared[name]["change"] for name in ("yoy", "mom")}
    hrefs = tile_hrefs(replace(f, kind="petition"), th.code, running_as_of(f, figures.get("meta")))
    body: list[Any] = [
        header(th, "page.petitions", figures.get("meta"), fixed_kind="petition"),
        create_kpi_row(
            figures,
            changes,
            statuses=statuses(figures),
            hrefs=hrefs,
            lang=lang,
            keys=TILES,
            as_of=str(figures.get("meta", {}).get("as_of", ""))[:10],
        ),
    ]
    if not figures.get("accepted") and not figures.get("open"):
        body.append(create_no_data(lang))
        return html.Div(body, className="gd-page", id="petitions-page")

    t_from, t_to = trend_window(f)
    trend = data.breakdown(th.code, t_from, t_to, "month", **kwargs)
    previous = data.breakdown(th.code, shift_year(t_from), shift_year(t_to), "month", **kwargs)
    trend_fig = create_trend_figure(
        trend,
        previous,
        lang=lang,
        title=chart_title(t("fig.petition_trend", lang), th.scope.name, f"{t_from} – {t_to}"),
        count_key="accepted",
        rate_key="closure_rate",
        month_ranges=month_ranges(trend, t_to),
        unfinished=unfinished_month(trend, t_to),
    )
    sources_fig = create_source_bar(
        figures.get("by_source") or {},
        lang=lang,
        title=chart_title(t("fig.sources", lang), th.scope.name, th.period),
    )
    body.append(
        chart_row(
            card(TREND_ID, trend_fig, th, "fig.petition_trend", clickable=True),
            card(SOURCES_ID, sources_fig, th, "fig.sources", clickable=True),
            widths=[8, 4],
        )
    )
    if th.scope.child_level is not None:
        units = unit_rows(data.breakdown(th.code, f.date_from, f.date_to, "child", **kwargs), lang)
        count_fig = create_unit_rate_bar(
            units,
            metric="accepted",
            lang=lang,
            title=chart_title(t("fig.petition_units", lang), th.scope.name, th.period),
            worst_first=False,
        )
        repeat_fig = create_unit_rate_bar(
            units,
            metric="repeat_petition_rate",
            lang=lang,
            title=chart_title(t("metric.repeat_petition_rate", lang), th.scope.name, th.period),
        )
        height = unit_height(len(units))
        body.append(
            chart_row(
                card(
                    UNIT_COUNT_ID,
                    count_fig,
                    th,
                    "fig.petition_units",
                    height=height,
                    clickable=True,
                ),
                card(
                    UNIT_REPEAT_ID,
                    repeat_fig,
                    th,
                    "metric.repeat_petition_rate",
                    height=height,
                    clickable=True,
                ),
            )
        )
    categories_fig = create_share_bar(
        figures.get("by_category") or {},
        label_prefix="category",
        lang=lang,
        title=chart_title(t("fig.categories", lang), th.scope.name, th.period),
    )
    body.append(
        chart_row(card(CATEGORIES_ID, categories_fig, th, "fig.categories", clickable=True))
    )
    body.append(_petitioners_card(th))
    return html.Div(body, className="gd-page", id="petitions-page")


def _petitioners_card(th) -> dbc.Card:
    """重复信访人 (docs/METRICS.md): who stands behind the repeat petitions, each label
    linking to that petitioner's petitions in /cases."""
    f, lang = th.filters, th.lang
    found = data.repeat_petitioners(
        th.code,
        f.date_from,
        f.date_to,
        PETITIONERS_SHOWN,
        source=f.source,
        warning_level=f.warning_level,
    )
    rows = found["rows"]
    # The row's count is of the petitioner's petitions anywhere in the city in the
    # window, whatever the page's source or level: so is the list it opens.
    city = data.top_region() or th.code
    # While the period runs, a list read later would hold petitions the row never saw.
    as_of = running_as_of(f, found["meta"])
    hrefs = {
        row["label"]: cases_href(
            f,
            city,
            period=None,
            source=None,
            level=None,
            kind="petition",
            status="all",
            petitioner=row["label"],
            as_of=as_of,
            **{"from": found["window_from"].isoformat(), "to": found["window_to"].isoformat()},
        )
        for row in rows
    }
    if rows:
        summary = t("page.repeat_petitioners_total", lang).format(
            total=f"{found['total']:,}",
            repeats=f"{found['repeat_petitions']:,}",
            shown=len(rows),
            start=found["window_from"].isoformat(),
            end=found["window_to"].isoformat(),
        )
        content: list[Any] = [
            html.P(summary, className="small text-muted mb-1 px-2 pt-2", id="petitioners-total"),
            create_petitioner_table(rows, hrefs, lang=lang),
        ]
    else:
        content = [html.P(t("page.repeat_petitioners_none", lang), className="text-muted mb-0 p-2")]
    return dbc.Card(
        [
            dbc.CardHeader(t("page.repeat_petitioners", lang)),
            dbc.CardBody(content, className="p-0"),
        ],
        className="gd-table-card",
        id=PETITIONERS_ID,
    )


register_unit_drill(PATH, [UNIT_COUNT_ID, UNIT_REPEAT_ID])
register_case_drill(TREND_ID, "month", kind="petition")
register_case_drill(SOURCES_ID, "source", kind="petition")
register_case_drill(CATEGORIES_ID, "category", kind="petition")
