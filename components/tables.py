"""The ranking table of a region's children (a plain HTML table, sortable in the
browser): each child's name is a real link to its /region/<code> page. Also the
value formatters and locale the pages' dash-ag-grid tables share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, State, clientside_callback, dcc, html

from .formatting import DASH, format_count, format_rate
from .i18n import t

RATE_COLUMNS = ("closure_rate", "resolution_rate", "on_time_rate", "satisfaction_rate")
PCT = {"function": "params.value == null ? '—' : d3.format('.2%')(params.value)"}
COUNT = {"function": "params.value == null ? '—' : d3.format(',d')(params.value)"}
SCORE = {"function": "params.value == null ? '—' : d3.format('.2f')(params.value)"}
RANK_CHANGE = {
    "function": (
        "params.value == null ? '—' : (params.value > 0 ? '▲' + params.value"
        " : (params.value < 0 ? '▼' + (-params.value) : '＝'))"
    )
}


def _status_rules(metric: str) -> dict[str, str]:
    return {
        f"gd-cell-{status}": f"params.data && params.data.status_{metric} === '{status}'"
        for status in ("red", "amber", "green")
    }


def ranking_rows(
    rows: Sequence[Mapping[str, Any]], hrefs: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Flatten ranking() rows for the grid (status per metric as status_<metric>)."""
    out = []
    for row in rows:
        flat = {
            "key": str(row["key"]) or "__none__",
            "name": row.get("name") or str(row["key"]),
            "href": hrefs.get(str(row["key"])),
            "rank": row.get("rank"),
            "rank_change": row.get("rank_change"),
            "accepted": row.get("accepted"),
            "open": row.get("open"),
            "overdue_open": row.get("overdue_open"),
            "score": row.get("score"),
        }
        for metric in RATE_COLUMNS:
            flat[metric] = row.get(metric)
        for metric, status in (row.get("status") or {}).items():
            flat[f"status_{metric}"] = status
        out.append(flat)
    return out


def locale_text(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    return {
        "noRowsToShow": "没有数据",
        "loadingOoo": "加载中……",
        "page": "页",
        "of": "共",
        "to": "至",
        "more": "更多",
    }


RANKING_BODY_ID = "ranking-table-body"
RANKING_SORT_ID = "ranking-sort"  # pattern id {"type": RANKING_SORT_ID, "index": <column>}
RANKING_SORT_STATE_ID = "ranking-sort-state"
# (column, how its cells are written); the table is sorted by rank as it arrives.
RANKING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "count"),
    ("name", "name"),
    ("score", "score"),
    ("rank_change", "rank_change"),
    ("accepted", "count"),
    *((metric, "rate") for metric in RATE_COLUMNS),
    ("open", "count"),
    ("overdue_open", "count"),
)
STATUS_COLUMNS = frozenset((*RATE_COLUMNS, "overdue_open"))


def _rank_change_text(value: int | None) -> str:
    if value is None:
        return DASH
    return f"▲{value}" if value > 0 else f"▼{-value}" if value < 0 else "＝"


def _cell(field: str, kind: str, row: Mapping[str, Any]) -> html.Td:
    value = row.get(field)
    if kind == "name":
        name = row["name"]
        content = (
            dcc.Link(name, href=row["href"], className="gd-region-link")
            if row.get("href")
            else name
        )
        return html.Td(content, className="gd-col-name")
    if kind == "rate":
        text = format_rate(value)
    elif kind == "score":
        text = DASH if value is None else f"{value:.2f}"
    elif kind == "rank_change":
        text = _rank_change_text(value)
    else:
        text = format_count(value)
    status = row.get(f"status_{field}") if field in STATUS_COLUMNS else None
    return html.Td(text, className="gd-num" + (f" gd-cell-{status}" if status else ""))


def create_ranking_table(
    rows: Sequence[Mapping[str, Any]],
    hrefs: Mapping[str, str],
    *,
    lang: str = "zh",
    table_id: str = "ranking-table",
) -> html.Div:
    """ranking() rows as a plain HTML table, by rank; a click on a column header sorts
    by that column (assets/govdash.js `sortRanking`, in the browser: no round trip).
    Names are real links (dcc.Link) to the children's region pages; rates are
    red/amber/green against the targets.

    Plain HTML rather than dash-ag-grid: a region page then never loads the grid's
    script (0.6 MB gzipped), and a few dozen rows need no virtual scrolling."""
    data = ranking_rows(rows, hrefs)
    header = html.Thead(
        html.Tr(
            [
                html.Th(
                    html.Button(
                        t(f"metric.{field}", lang),
                        id={"type": RANKING_SORT_ID, "index": field},
                        n_clicks=0,
                        title=t("table.sort_hint", lang),
                        className="gd-sort" + (" gd-sort-asc" if field == "rank" else ""),
                    ),
                    scope="col",
                    className="gd-col-name" if kind == "name" else "gd-num",
                )
                for field, kind in RANKING_COLUMNS
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [_cell(field, kind, row) for field, kind in RANKING_COLUMNS],
                # The values the browser sorts by ("" = none: always last).
                **{
                    f"data-{field}": "" if row.get(field) is None else row[field]
                    for field, _kind in RANKING_COLUMNS
                },
            )
            for row in data
        ],
        id=RANKING_BODY_ID,
    )
    return html.Div(
        [
            html.Table([header, body], id=table_id, className="table table-sm table-hover"),
            dcc.Store(id=RANKING_SORT_STATE_ID, data={"column": "rank", "direction": "asc"}),
        ],
        className="gd-ranking-table" + (" gd-ranking-scroll" if len(data) > 25 else ""),
    )


clientside_callback(
    ClientsideFunction(namespace="govdash", function_name="sortRanking"),
    Output(RANKING_BODY_ID, "children"),
    Output(RANKING_SORT_STATE_ID, "data"),
    Output({"type": RANKING_SORT_ID, "index": ALL}, "className"),
    Input({"type": RANKING_SORT_ID, "index": ALL}, "n_clicks"),
    State(RANKING_BODY_ID, "children"),
    State(RANKING_SORT_STATE_ID, "data"),
    prevent_initial_call=True,
)
