"""The drill-through case list (dash-ag-grid, infinite row model) and the case fields.

Factories only: the page fetches rows with data_access.caselist and passes them here.
Rows arrive masked; this module only labels and formats them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
from dash import html

from components.filters import relative_path
from data_access.caselist import SORTABLE_COLUMNS
from data_access.labels import column_label, label

PAGE_SIZE = 100

# Column, width. The case number is a link to /case/<case_no>.
GRID_COLUMNS: tuple[tuple[str, int], ...] = (
    ("case_no", 190),
    ("warning_level", 96),
    ("kind", 100),
    ("source", 110),
    ("category", 110),
    ("township_name", 130),
    ("village_name", 190),
    ("grid_code", 150),
    ("center_name", 180),
    ("status", 90),
    ("accepted_at", 150),
    ("deadline_at", 150),
    ("closed_at", 150),
    ("outcome", 90),
    ("resolved_level", 110),
    ("satisfaction", 100),
    ("party_name", 90),
    ("party_phone", 120),
    ("summary", 320),
)
_ENUMS = (
    "kind",
    "source",
    "category",
    "warning_level",
    "status",
    "outcome",
    "resolved_level",
    "satisfaction",
)
_TIMES = ("accepted_at", "deadline_at", "closed_at", "visited_at")
_LEVEL_COLOURS = {
    "red": "#d62728",
    "orange": "#ff7f0e",
    "yellow": "#c9a400",
    "green": "#2ca02c",
}
_TEXT = {
    "loading": ("加载中…", "Loading…"),
    "no_rows": ("没有符合条件的案件", "No cases match"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "region": ("所属区域", "Region"),
    "center_level": ("承办中心层级", "Center level"),
    "excluded": ("不计入统计（不予受理/作废）", "Not counted (rejected / void)"),
    "overdue_open": ("已超期未办结", "Open past its deadline"),
}


def t(key: str, lang: str) -> str:
    zh, en = _TEXT[key]
    return en if lang == "en" else zh


def format_time(value: Any, seconds: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return str(value)


def case_href(case_no: str, query_string: str = "") -> str:
    """Link to one case; `query_string` ("?region=…") carries the list's filters back."""
    return relative_path(f"/case/{quote(case_no, safe='')}") + query_string


def _markdown_link(text: str, href: str) -> str:
    escaped = "".join("\\" + ch if ch in "\\[]()*_`<>" else ch for ch in text)
    return f"[{escaped}]({href})"


def grid_rows(
    rows: list[dict[str, Any]], lang: str = "zh", query_string: str = ""
) -> list[dict[str, Any]]:
    """Rows of data_access.caselist.list_cases, labelled and formatted for the grid."""
    out = []
    for row in rows:
        cells: dict[str, Any] = {}
        for column, _width in GRID_COLUMNS:
            value = row.get(column)
            if column in _ENUMS:
                value = label(column, value, lang)
            elif column in _TIMES:
                value = format_time(value)
            cells[column] = "" if value is None else value
        cells["case_link"] = _markdown_link(row["case_no"], case_href(row["case_no"], query_string))
        cells["level_code"] = row.get("warning_level")
        cells["overdue"] = bool(row.get("overdue_at_as_of"))
        out.append(cells)
    return out


def column_defs(lang: str = "zh") -> list[dict[str, Any]]:
    defs = []
    for column, width in GRID_COLUMNS:
        col: dict[str, Any] = {
            "headerName": column_label(column, lang),
            "field": column,
            "colId": column,
            "width": width,
            "sortable": column in SORTABLE_COLUMNS,
        }
        if column == "case_no":
            col.update(field="case_link", cellRenderer="markdown", pinned="left")
        if column == "accepted_at":
            col["sort"] = "desc"
        if column == "warning_level":
            col["cellStyle"] = {
                "styleConditions": [
                    {
                        "condition": f"params.data && params.data.level_code === '{code}'",
                        "style": {"color": colour, "fontWeight": "bold"},
                    }
                    for code, colour in _LEVEL_COLOURS.items()
                ]
            }
        if column == "summary":
            col["tooltipField"] = "summary"
        defs.append(col)
    return defs


def create_case_grid(grid_id: str, lang: str = "zh", height: str = "62vh") -> dag.AgGrid:
    """An AG Grid that asks its rows from the server (rowModelType="infinite")."""
    return dag.AgGrid(
        id=grid_id,
        rowModelType="infinite",
        columnDefs=column_defs(lang),
        defaultColDef={"resizable": True, "sortable": False, "suppressHeaderMenuButton": True},
        dashGridOptions={
            "rowBuffer": 0,
            "suppressColumnVirtualisation": True,
            "cacheBlockSize": PAGE_SIZE,
            "maxBlocksInCache": 20,
            "infiniteInitialRowCount": 1,
            "maxConcurrentDatasourceRequests": 1,
            "tooltipShowDelay": 300,
            "localeText": {
                "loadingOoo": t("loading", lang),
                "noRowsToShow": t("no_rows", lang),
            },
        },
        style={"height": height, "width": "100%"},
        className="gd-case-grid",
    )


def create_case_fields(detail: dict[str, Any], lang: str = "zh") -> html.Dl:
    """The fields of one case (masked by data_access) as a definition list."""
    region = " › ".join(step["name"] for step in detail.get("region_path", [])[1:])
    items: list[tuple[str, Any]] = [
        (column_label("case_no", lang), detail["case_no"]),
        (column_label("kind", lang), label("kind", detail["kind"], lang)),
        (column_label("source", lang), label("source", detail["source"], lang)),
        (column_label("category", lang), label("category", detail["category"], lang)),
        (
            column_label("warning_level", lang),
            html.Span(
                label("warning_level", detail["warning_level"], lang),
                className=f"gd-level gd-level-{detail['warning_level']}",
            ),
        ),
        (t("region", lang), region or detail.get("village_name") or detail["village_code"]),
        (
            column_label("grid_name", lang),
            f"{detail['grid_name']} ({detail['grid_code']})" if detail.get("grid_code") else "",
        ),
        (column_label("center_name", lang), detail.get("center_name") or ""),
        (t("center_level", lang), label("center_level", detail.get("center_level"), lang)),
        (column_label("status", lang), label("status", detail["status"], lang)),
        (column_label("accepted_at", lang), format_time(detail["accepted_at"], seconds=True)),
        (column_label("deadline_at", lang), format_time(detail["deadline_at"], seconds=True)),
        (column_label("closed_at", lang), format_time(detail["closed_at"], seconds=True)),
        (column_label("outcome", lang), label("outcome", detail["outcome"], lang)),
        (
            column_label("resolved_level", lang),
            label("resolved_level", detail["resolved_level"], lang),
        ),
        (column_label("satisfaction", lang), label("satisfaction", detail["satisfaction"], lang)),
        (column_label("visited_at", lang), format_time(detail["visited_at"], seconds=True)),
        (column_label("party_name", lang), detail["party_name"]),
        (column_label("party_phone", lang), detail["party_phone"]),
        (column_label("summary", lang), detail["summary"]),
    ]
    if not detail.get("in_population", True):
        items.append(("", html.Strong(t("excluded", lang))))
    if detail.get("deadline_passed_open"):
        items.append(("", html.Strong(t("overdue_open", lang), className="gd-overdue")))
    children = []
    for name, value in items:
        children += [html.Dt(name), html.Dd(value if value not in (None, "") else "—")]
    return html.Dl(children, className="gd-case-fields", id="case-fields")
