"""/satisfaction 回访满意度: satisfaction and rating participation by unit and by
center, worst first, and the monthly trend. A month's bar opens its rated cases, a
center's bar that center's rated cases (the cases its rate is of); a unit's bar
drills down."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from components.figures import chart_title, create_trend_figure, create_unit_rate_bar
from components.i18n import t
from components.kpi import create_kpi_row
from components.states import create_no_data
from govdash import data
from pages._common import cases_href, running_as_of, safe_page, tile_hrefs, unit_rows
from pages._drill import month_ranges, register_case_drill, trend_as_of, unfinished_month
from pages._region_view import shift_year, statuses, trend_window
from pages._theme import card, chart_row, header, register_unit_drill, theme, unit_height

PATH = "/satisfaction"
dash.register_page(__name__, path=PATH, title="回访满意度 · govdash", name="回访满意度", order=4)

TILES = ("closed", "rated", "rating_participation", "satisfaction_rate", "accepted")
UNIT_SAT_ID = "satisfaction-units"
MIN_RATED = 5  # centers with fewer rated cases are left out of the worst-first chart
UNIT_PART_ID = "satisfaction-participation"
TREND_ID = "satisfaction-trend"
CENTERS_ID = "satisfaction-centers"


@safe_page
def layout(**params: Any):
    th = theme(params, PATH)
    f, lang = th.filters, th.lang
    kwargs = f.metric_kwargs()
    compared = data.compare(th.code, f.date_from, f.date_to, **kwargs)
    figures = compared["current"]
    changes = {name: compared[name]["change"] for name in ("yoy", "mom")}
    as_of = running_as_of(f, figures.get("meta"))
    hrefs = tile_hrefs(f, th.code, as_of)
    hrefs["closed"] = cases_href(f, th.code, status="closed", as_of=as_of)
    hrefs["rated"] = hrefs["rating_participation"] = cases_href(
        f, th.code, status="rated", as_of=as_of
    )
    body: list[Any] = [
        header(th, "page.satisfaction", figures.get("meta")),
        create_kpi_row(
            figures,
            changes,
            statuses=statuses(figures),
            hrefs=hrefs,
            lang=lang,
            keys=TILES,
        ),
    ]
    if not figures.get("closed"):
        body.append(create_no_data(lang))
        return html.Div(body, className="gd-page", id="satisfaction-page")

    t_from, t_to = trend_window(f)
    trend = data.breakdown(th.code, t_from, t_to, "month", **kwargs)
    previous = data.breakdown(th.code, shift_year(t_from), shift_year(t_to), "month", **kwargs)
    trend_fig = create_trend_figure(
        trend,
        previous,
        lang=lang,
        title=chart_title(t("fig.trend", lang), th.scope.name, f"{t_from} – {t_to}"),
        count_key="rated",
        rate_key="satisfaction_rate",
        # 参评量 depends on the moment it is seen at: a month's list keeps the trend's.
        month_ranges=month_ranges(trend, t_to, trend_as_of(t_to)),
        unfinished=unfinished_month(trend, t_to),
    )
    centers = data.breakdown(th.code, f.date_from, f.date_to, "center", **kwargs)
    center_fig = create_unit_rate_bar(
        [c for c in centers if (c.get("rated") or 0) >= MIN_RATED],
        metric="satisfaction_rate",
        lang=lang,
        top=20,
        title=chart_title(
            f"{t('metric.center', lang)} · {t('metric.satisfaction_rate', lang)}",
            th.scope.name,
            f"{th.period} · {t('page.min_rated', lang).format(n=MIN_RATED)}",
        ),
        status={
            str(c["key"]): data.status_for("satisfaction_rate", c.get("satisfaction_rate"))
            for c in centers
        },
        count_key="rated",
    )
    body.append(
        chart_row(
            card(TREND_ID, trend_fig, th, "fig.trend", clickable=True),
            card(
                CENTERS_ID,
                center_fig,
                th,
                "metric.center",
                height=unit_height(20),
                clickable=True,
            ),
            widths=[7, 5],
        )
    )
    if th.scope.child_level is not None:
        units = unit_rows(data.breakdown(th.code, f.date_from, f.date_to, "child", **kwargs), lang)
        sat_fig = create_unit_rate_bar(
            units,
            metric="satisfaction_rate",
            lang=lang,
            title=chart_title(t("fig.satisfaction_units", lang), th.scope.name, th.period),
            status={
                str(u["key"]): data.status_for("satisfaction_rate", u.get("satisfaction_rate"))
                for u in units
            },
        )
        part_fig = create_unit_rate_bar(
            units,
            metric="rating_participation",
            lang=lang,
            title=chart_title(t("fig.participation_units", lang), th.scope.name, th.period),
        )
        height = unit_height(len(units))
        body.append(
            chart_row(
                card(
                    UNIT_SAT_ID,
                    sat_fig,
                    th,
                    "fig.satisfaction_units",
                    height=height,
                    clickable=True,
                ),
                card(
                    UNIT_PART_ID,
                    part_fig,
                    th,
                    "fig.participation_units",
                    height=height,
                    clickable=True,
                ),
            )
        )
    return html.Div(body, className="gd-page", id="satisfaction-page")


register_unit_drill(PATH, [UNIT_SAT_ID, UNIT_PART_ID])
register_case_drill(TREND_ID, "month", status="rated")
register_case_drill(CENTERS_ID, "center", status="rated")
