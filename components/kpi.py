"""KPI tiles."""

from __future__ import annotations

from typing import Any

from dash import html

TILES = (("accepted", "受理量"), ("closure_rate", "办结率"), ("open", "在办"))


def format_value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith("_rate"):
        return f"{value * 100:.2f}%"
    return f"{value:,}"


def create_kpi_row(figures: dict[str, Any]) -> html.Div:
    return html.Div(
        [
            html.Div(
                [html.Div(label), html.Strong(format_value(key, figures.get(key)))], className="kpi"
            )
            for key, label in TILES
        ],
        className="kpi-row",
    )
