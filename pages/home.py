"""The cockpit for the top region (minimal until the dashboard issue)."""

from __future__ import annotations

from datetime import date

import dash
from dash import html

from components.kpi import create_kpi_row
from data_access.engine import DatabaseUnavailable, get_engine
from data_access.metrics import kpis
from data_access.regions import RegionIndex
from data_access.settings import get_settings

dash.register_page(__name__, path="/", title="govdash")


def layout(**_params) -> html.Div:
    today = date.today()
    try:
        engine = get_engine(get_settings().database_url)
        region = RegionIndex.load(engine).top_code()
        figures = kpis(engine, region, date(today.year, 1, 1), today) if region else {}
    except (DatabaseUnavailable, Exception):  # noqa: BLE001 - a page never shows a traceback
        return html.Div("数据库暂不可用 / database unavailable", className="alert")
    return html.Div(create_kpi_row(figures))
