"""dcc.Graph with print-size export: the camera button saves a PNG at 1600×900 ×2 and
a small "SVG" button beside each chart saves the same figure as SVG.

The figures carry a title naming the region and period (components/figures.py) and
the screen template. Both exports draw the chart with the print template instead
(white, black ink, larger type): the config marks the chart with the URL of that
template (PRINT_MARKER inside `toImageButtonOptions`, which plotly.js keeps as given),
and assets/govdash.js, wrapping plotly's downloadImage, fetches it once and exports
{data, layout with the print template} in place of the chart on screen.
"""

from __future__ import annotations

import re

import dash_bootstrap_components as dbc
from dash import MATCH, ClientsideFunction, Input, Output, clientside_callback, dcc, html

from .filters import relative_path
from .i18n import t
from .templates import (
    EXPORT_HEIGHT,
    EXPORT_SCALE,
    EXPORT_WIDTH,
    PRINT_TEMPLATE_ROUTE,
    template_version,
)

SVG_BUTTON = "svg-export"
# The key of `toImageButtonOptions` that marks an app chart for the print export; its
# value is the print template's URL (assets/govdash.js has the same literal).
PRINT_MARKER = "govdashPrintTemplate"


def print_template_url() -> str:
    """Where the browser fetches the print template (app.py); `?v=` changes with it."""
    return relative_path(f"/{PRINT_TEMPLATE_ROUTE}") + f"?v={template_version('print')}"


def safe_filename(text: str) -> str:
    """A file name from a chart title: keeps CJK, letters, digits, - and _."""
    cleaned = re.sub(r"[^\w\-]+", "_", text, flags=re.UNICODE).strip("_")
    return cleaned[:120] or "govdash"


def graph_config(filename: str, lang: str = "zh", fmt: str = "png") -> dict:
    """The dcc.Graph config: print-size image export with the print template, no
    plotly logo, Chinese modebar."""
    return {
        "displaylogo": False,
        "responsive": True,
        "locale": "zh-CN" if lang != "en" else "en",
        # Only the camera: the dashboard's charts are read, not explored (nor zoomed
        # by a drag, templates.py, or by the wheel over the map while the page scrolls).
        "modeBarButtons": [["toImage"]],
        "scrollZoom": False,
        "toImageButtonOptions": {
            "format": fmt,
            "filename": safe_filename(filename),
            "width": EXPORT_WIDTH,
            "height": EXPORT_HEIGHT,
            "scale": EXPORT_SCALE,
            PRINT_MARKER: print_template_url(),
        },
    }


def create_graph(
    graph_id: str | dict,
    figure,
    filename: str,
    lang: str = "zh",
    height: int = 340,
    class_name: str = "",
) -> dcc.Graph:
    return dcc.Graph(
        id=graph_id,
        figure=figure,
        config=graph_config(filename, lang),
        style={"height": f"{height}px"},
        className=f"gd-graph {class_name}".strip(),
    )


def create_chart_card(
    graph_id: str,
    figure,
    filename: str,
    lang: str = "zh",
    height: int = 340,
    footer=None,
    clickable: bool = False,
) -> dbc.Card:
    """A card holding one chart, its SVG export button and an optional footer line."""
    svg_button = html.Button(
        t("fig.export_svg", lang),
        id={"type": SVG_BUTTON, "index": graph_id},
        title=t("fig.export_svg_title", lang),
        className="btn btn-link btn-sm gd-svg-btn",
        n_clicks=0,
        **{"data-graph": graph_id, "data-filename": safe_filename(filename)},
    )
    body = [svg_button, create_graph(graph_id, figure, filename, lang, height)]
    if footer is not None:
        body.append(html.Div(footer, className="gd-chart-footer"))
    return dbc.Card(
        dbc.CardBody(body, className="gd-chart-body"),
        className="gd-chart-card" + (" gd-clickable" if clickable else ""),
    )


# One clientside callback serves every SVG button (assets/govdash.js: govdash.exportSvg).
clientside_callback(
    ClientsideFunction(namespace="govdash", function_name="exportSvg"),
    Output({"type": SVG_BUTTON, "index": MATCH}, "title"),
    Input({"type": SVG_BUTTON, "index": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
