"""The ranking table (dash-ag-grid): each child's name is a real link to its
/region/<code> page (assets/govdash.js `RegionLink` navigates without a reload on a
plain click; ctrl/middle click opens a new tab)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag

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


def create_ranking_table(
    rows: Sequence[Mapping[str, Any]],
    hrefs: Mapping[str, str],
    *,
    lang: str = "zh",
    grid_id: str = "ranking-table",
) -> dag.AgGrid:
    """ranking() rows as a sortable table; red/amber/green cells against targets."""
    data = ranking_rows(rows, hrefs)

    def col(field: str, formatter: Mapping | None = None, width: int = 110, **extra: Any):
        spec: dict[str, Any] = {
            "field": field,
            "headerName": t(f"metric.{field}", lang),
            "width": width,
            "type": "numericColumn",
        }
        if formatter is not None:
            spec["valueFormatter"] = formatter
        spec.update(extra)
        return spec

    column_defs = [
        col("rank", COUNT, 76, pinned="left"),
        {
            "field": "name",
            "headerName": t("metric.name", lang),
            "cellRenderer": "RegionLink",
            "minWidth": 180,
            "flex": 1,
            "pinned": "left",
        },
        col("score", SCORE, 104),
        col("rank_change", RANK_CHANGE, 84),
        col("accepted", COUNT, 96),
        *(
            col(m, PCT, 118, cellClassRules=_status_rules(m), headerTooltip=t(f"metric.{m}", lang))
            for m in RATE_COLUMNS
        ),
        col("open", COUNT, 84),
        col("overdue_open", COUNT, 110, cellClassRules=_status_rules("overdue_open")),
    ]
    many = len(data) > 25
    return dag.AgGrid(
        id=grid_id,
        rowData=data,
        columnDefs=column_defs,
        defaultColDef={"sortable": True, "resizable": True, "suppressHeaderMenuButton": True},
        dashGridOptions={
            "domLayout": "normal" if many else "autoHeight",
            "localeText": locale_text(lang),
            "suppressCellFocus": True,
            "animateRows": False,
        },
        getRowId="params.data.key",
        columnSize="responsiveSizeToFit",
        style={"height": "640px" if many else None, "width": "100%"},
        className="gd-ranking-grid",
    )
