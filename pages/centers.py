"""/centers 中心负荷: open cases and open per staff member by 综治中心, overdue
cases, and the centers' own figures in a table (?region=CODE: the centers handling
cases of that region). A center's bar opens its open cases in /cases (the overdue
part its overdue ones)."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from components.figures import chart_title, create_center_load_bar, create_unit_rate_bar
from components.i18n import t
from components.kpi import create_kpi_row
from components.states import create_no_data
from components.tables import COUNT, PCT, locale_text
from govdash import data
from pages._common import cases_href, running_as_of, safe_page, tile_hrefs
from pages._drill import register_case_drill
from pages._region_view import statuses
from pages._theme import card, chart_row, header, theme, unit_height

PATH = "/centers"
dash.register_page(__name__, path=PATH, title="中心负荷 · govdash", name="中心负荷", order=5)

TILES = ("open", "overdue_open", "accepted", "closure_rate", "on_time_rate")
TOP = 20
LOAD_ID = "centers-load"
PER_STAFF_ID = "centers-per-staff"


def _center_table(rows: list[dict[str, Any]], th) -> dag.AgGrid:
    lang = th.lang
    data_rows = [
        {
            "center": r["name"],
            "level": t(f"clevel.{r.get('level')}", lang) if r.get("level") else "—",
            "staff_count": r.get("staff_count"),
            "open": r.get("open"),
            "overdue_open": r.get("overdue_open"),
            "open_per_staff": r.get("open_per_staff"),
            "accepted": r.get("accepted"),
            "closure_rate": r.get("closure_rate"),
            "on_time_rate": r.get("on_time_rate"),
        }
        for r in rows
    ]
    per_staff = {"function": "params.value == null ? '—' : d3.format('.2f')(params.value)"}

    def col(field, fmt=None, **extra):
        spec = {"field": field, "headerName": t(f"metric.{field}", lang), "type": "numericColumn"}
        if fmt:
            spec["valueFormatter"] = fmt
        spec.update(extra)
        return spec

    columns = [
        {"field": "center", "headerName": t("metric.center", lang), "minWidth": 220, "flex": 2},
        {"field": "level", "headerName": t("metric.center_level", lang), "minWidth": 130},
        col("staff_count", COUNT),
        col("open", COUNT, sort="desc"),
        col("overdue_open", COUNT),
        col("open_per_staff", per_staff),
        col("accepted", COUNT),
        col("closure_rate", PCT),
        col("on_time_rate", PCT),
    ]
    many = len(data_rows) > 25
    return dag.AgGrid(
        id="centers-table",
        rowData=data_rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "suppressHeaderMenuButton": True},
        columnSize="responsiveSizeToFit",
        dashGridOptions={
            "domLayout": "normal" if many else "autoHeight",
            "localeText": locale_text(lang),
            "suppressCellFocus": True,
        },
        style={"height": "600px" if many else None, "width": "100%"},
        className="gd-centers-grid",
    )


@safe_page
def layout(**params: Any):
    th = theme(params, PATH)
    f, lang = th.filters, th.lang
    kwargs = f.metric_kwargs()
    compared = data.compare(th.code, f.date_from, f.date_to, **kwargs)
    figures = compared["current"]
    meta = figures.get("meta", {})
    changes = {name: compared[name]["change"] for name in ("yoy", "mom")}
    hrefs = tile_hrefs(f, th.code, running_as_of(f, meta))
    body: list[Any] = [
        header(th, "page.centers", meta),
        create_kpi_row(
            figures,
            changes,
            statuses=statuses(figures),
            hrefs=hrefs,
            lang=lang,
            keys=TILES,
            as_of=str(meta.get("as_of", ""))[:10],
        ),
    ]
    centers = data.breakdown(th.code, f.date_from, f.date_to, "center", **kwargs)
    if not centers:
        body.append(create_no_data(lang))
        return html.Div(body, className="gd-page", id="centers-page")
    as_of_text = f"{t('page.as_of', lang)} {str(meta.get('as_of', ''))[:16]}"
    loaded = [c for c in centers if c.get("open")]
    load_fig = create_center_load_bar(
        centers,
        lang=lang,
        top=TOP,
        title=chart_title(t("fig.center_load", lang), th.scope.name, as_of_text),
    )
    per_staff_fig = create_unit_rate_bar(
        [c for c in loaded if c.get("open_per_staff") is not None],
        metric="open_per_staff",
        lang=lang,
        top=TOP,
        title=chart_title(t("fig.center_open_staff", lang), th.scope.name, as_of_text),
        count_key="open",
        empty_message=t("state.no_open", lang),
    )
    height = unit_height(min(len(loaded), TOP))
    body.append(
        chart_row(
            card(LOAD_ID, load_fig, th, "fig.center_load", height=height, clickable=True),
            card(
                PER_STAFF_ID,
                per_staff_fig,
                th,
                "fig.center_open_staff",
                height=height,
                clickable=True,
            ),
        )
    )
    body.append(
        dbc.Card(
            [
                dbc.CardHeader(
                    [
                        html.Span(t("page.centers", lang)),
                        html.Small(
                            html.A(
                                t("page.cases_link", lang) + " →",
                                href=cases_href(
                                    f, th.code, status="overdue", as_of=running_as_of(f, meta)
                                ),
                            ),
                            className="ms-3",
                        ),
                    ]
                ),
                dbc.CardBody(_center_table(centers, th), className="p-0"),
            ],
            className="gd-table-card",
        )
    )
    return html.Div(body, className="gd-page", id="centers-page")


register_case_drill(LOAD_ID, "center_load")
register_case_drill(PER_STAFF_ID, "center", status="open")
