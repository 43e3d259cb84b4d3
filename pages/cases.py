"""/cases — the cases behind any number (drill-through), with CSV/XLSX download.

URL: /cases?region=CODE&from=D&to=D (or period=PRESET)&kind=&source=&level=
         &category=&status=all|closed|open|overdue|in_grid|…&center=ID&as_of=D&lang=en
         &petitioner=LABEL (one petitioner: the short label of their key, as the
         repeat petitioners table on /petitions shows it)

The header names the list (region, period, as_of, 口径) and its total; the grid asks
its rows page by page (AG Grid infinite row model → list_cases with LIMIT/OFFSET).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components.case_table import PAGE_SIZE, create_case_grid, grid_rows
from components.filters import create_filter_bar, relative_path
from components.states import create_db_error, create_error
from components.url_state import Filters, is_ascii_digits
from data_access.caselist import (
    LIST_STATUSES,
    default_region,
    export_cases,
    export_filename,
    is_petitioner_label,
    list_cases,
)
from data_access.engine import DATA_ERRORS, open_engine
from data_access.labels import column_label, label, list_status_definition, list_status_label
from data_access.regions import UnknownRegion
from data_access.settings import get_settings
from pages._common import page_filters

dash.register_page(__name__, path="/cases", title="案件清单 · govdash", name="案件清单", order=90)

TEXT: dict[str, tuple[str, str]] = {
    "title": ("案件清单", "Case list"),
    "period": ("统计期", "Period"),
    "to": ("至", "to"),
    "as_of": ("统计时点", "As of"),
    "definition": ("口径", "Definition"),
    "total_pre": ("共", "Total"),
    "total_post": ("件", "cases"),
    "csv": ("下载 CSV", "Download CSV"),
    "xlsx": ("下载 Excel", "Download Excel"),
    "masked": ("当事人姓名、电话已脱敏", "Party names and phones are masked"),
    "ignored": (
        "已忽略无效的链接参数，使用默认值：",
        "Ignored invalid link parameters (defaults used): ",
    ),
    "no_region": ("数据库中还没有区域数据。", "The database holds no regions yet."),
    "load_error": ("案件读取失败，请稍后重试。", "Could not read the cases; please try again."),
    "export_error": ("导出失败，请稍后重试。", "The export failed; please try again."),
    "back_region": ("返回区域页", "Back to the region"),
    "center": ("承办中心", "Center"),
    "petitioner": ("信访人", "Petitioner"),
    "filters": ("筛选", "Filters"),
}


def t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


log = logging.getLogger("govdash.pages.cases")


def db_engine():
    """The configured database (a missing SQLite file is "unavailable", never created)."""
    return open_engine(get_settings().database_url)


def _first(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_list_params(params: dict[str, Any]) -> tuple[Filters, dict[str, Any], list[str]]:
    """The shared filters (period, kind, source, level, region, lang) plus the list's
    own: status, category, center, petitioner, as_of. Never raises: bad values of the
    list's own parameters are returned as `problems` (Filters.problems holds the
    shared ones)."""
    filters = page_filters(params)
    problems: list[str] = []  # the filter bar reports the shared parameters' problems
    status = _first(params.get("status")) or "all"
    if status not in LIST_STATUSES:
        problems.append(f"status={status}")
        status = "all"
    category = _first(params.get("category"))
    if category is not None and len(category) > 40:
        problems.append("category")
        category = None
    center_id = None
    raw_center = _first(params.get("center"))
    if raw_center is not None:
        if is_ascii_digits(raw_center) and len(raw_center) < 10:
            center_id = int(raw_center)
        else:
            problems.append(f"center={raw_center}")
    petitioner = _first(params.get("petitioner"))
    if petitioner is not None and not is_petitioner_label(petitioner):
        problems.append("petitioner")
        petitioner = None
    as_of: datetime | date | None = None
    raw_as_of = _first(params.get("as_of"))
    if raw_as_of is not None:
        try:
            as_of = (
                date.fromisoformat(raw_as_of)
                if len(raw_as_of) == 10
                else datetime.fromisoformat(raw_as_of)
            )
        except ValueError:
            problems.append(f"as_of={raw_as_of}")
    extras = {
        "status": status,
        "category": category,
        "center_id": center_id,
        "petitioner": petitioner,
        "as_of": as_of,
    }
    return filters, extras, problems


def list_query_string(filters: Filters, extras: dict[str, Any], region: str | None) -> str:
    """The query string that reopens this list (also carried to /case/<no> and back)."""
    params = filters.query_params(region=region)
    if extras.get("status") and extras["status"] != "all":
        params["status"] = extras["status"]
    if extras.get("category"):
        params["category"] = extras["category"]
    if extras.get("center_id") is not None:
        params["center"] = str(extras["center_id"])
    if extras.get("petitioner"):
        params["petitioner"] = extras["petitioner"]
    if extras.get("as_of") is not None:
        params["as_of"] = str(extras["as_of"])
    return "?" + urlencode(params) if params else ""


def _query_kwargs(query: dict[str, Any]) -> dict[str, Any]:
    """list_cases/export_cases arguments from the page's stored query."""
    return {
        "region": query["region"],
        "date_from": date.fromisoformat(query["from"]),
        "date_to": date.fromisoformat(query["to"]),
        "as_of": datetime.fromisoformat(query["as_of"]),
        "kind": query.get("kind"),
        "source": query.get("source"),
        "warning_level": query.get("warning_level"),
        "category": query.get("category"),
        "status": query.get("status", "all"),
        "center_id": query.get("center_id"),
        "petitioner": query.get("petitioner"),
    }


def _filter_chips(meta: dict[str, Any], lang: str) -> str:
    parts = []
    for name in ("kind", "source", "warning_level"):
        if meta.get(name):
            parts.append(f"{column_label(name, lang)}: {label(name, meta[name], lang)}")
    if meta.get("category"):
        parts.append(
            f"{column_label('category', lang)}: {label('category', meta['category'], lang)}"
        )
    if meta.get("center_id") is not None:
        parts.append(f"{t('center', lang)}: {meta.get('center_name') or meta['center_id']}")
    if meta.get("petitioner"):
        parts.append(f"{t('petitioner', lang)}: {meta['petitioner']}")
    return " · ".join(parts)


def _header(meta: dict[str, Any], lang: str, filters: Filters) -> html.Div:
    status = meta["status"]
    chips = _filter_chips(meta, lang)
    region_href = relative_path(f"/region/{meta['region']}") + filters.query_string(region=None)
    return html.Div(
        [
            html.H2(
                f"{t('title', lang)}：{meta['region_name']} · {list_status_label(status, lang)}"
                if lang != "en"
                else f"{t('title', lang)}: {meta['region_name']} · {list_status_label(status, lang)}",
                id="cases-title",
            ),
            html.P(
                f"{t('period', lang)} {meta['from']} {t('to', lang)} {meta['to']} · "
                f"{t('as_of', lang)} {meta['as_of']}"
                + (f" · {t('filters', lang)}: {chips}" if chips else ""),
                className="gd-cases-sub",
                id="cases-period",
            ),
            html.P(
                f"{t('definition', lang)}: {list_status_definition(status, lang)}",
                className="gd-cases-def",
            ),
            html.Div(
                [
                    html.Span(
                        [
                            t("total_pre", lang),
                            html.Strong(f"{meta['total']:,}", id="cases-total"),
                            t("total_post", lang),
                        ],
                        className="gd-cases-total",
                    ),
                    html.Button(t("csv", lang), id="cases-csv", n_clicks=0),
                    html.Button(t("xlsx", lang), id="cases-xlsx", n_clicks=0),
                    html.Small(t("masked", lang), className="gd-cases-masked"),
                    dcc.Link(t("back_region", lang), href=region_href),
                ],
                className="gd-cases-actions",
            ),
            create_filter_bar(filters, lang),
        ],
        className="gd-cases-head",
    )


def layout(**params: Any) -> html.Div:
    filters, extras, problems = parse_list_params(params)
    lang = filters.lang
    notes: list[Any] = []
    try:
        engine = db_engine()
        region = filters.region or default_region(engine)
        if region is None:
            return html.Div(create_error(lang, t("no_region", lang)), id="cases-error-page")
        kwargs = {
            "kind": filters.kind,
            "source": filters.source,
            "warning_level": filters.warning_level,
            "category": extras["category"],
            "status": extras["status"],
            "center_id": extras["center_id"],
            "petitioner": extras["petitioner"],
        }
        try:
            result = list_cases(
                engine,
                region,
                filters.date_from,
                filters.date_to,
                extras["as_of"],
                limit=0,
                **kwargs,
            )
        except (UnknownRegion, ValueError) as exc:
            # A region code not in the database, an as_of the engine refuses, …: say
            # so and show the top region's list with the other filters kept.
            problems.append(str(exc))
            region = default_region(engine)
            extras["as_of"] = None
            result = list_cases(
                engine, region, filters.date_from, filters.date_to, None, limit=0, **kwargs
            )
    except DATA_ERRORS as exc:
        log.warning("case list: database unavailable: %s", exc)
        return html.Div(create_db_error(lang), id="cases-error-page")
    except Exception:  # noqa: BLE001 - a page never shows a traceback
        log.exception("case list failed")
        return html.Div(create_error(lang), id="cases-error-page")

    meta = result["meta"]
    if problems:
        notes.append(
            html.Div(
                t("ignored", lang) + "; ".join(problems), className="gd-note", id="cases-problems"
            )
        )
    query = {
        **{k: meta[k] for k in ("region", "from", "to", "as_of", "status", "total")},
        "kind": meta["kind"],
        "source": meta["source"],
        "warning_level": meta["warning_level"],
        "category": meta["category"],
        "center_id": meta["center_id"],
        "petitioner": meta["petitioner"],
        "region_name": meta["region_name"],
        "lang": lang,
        "qs": list_query_string(filters, extras, meta["region"]),
    }
    return html.Div(
        [
            *notes,
            _header(meta, lang, filters),
            html.Div(id="cases-error"),
            dcc.Store(id="cases-query", data=query),
            dcc.Download(id="cases-download"),
            create_case_grid("cases-grid", lang),
        ],
        className="gd-cases-page",
    )


@callback(
    Output("cases-grid", "getRowsResponse"),
    Output("cases-error", "children"),
    Input("cases-grid", "getRowsRequest"),
    State("cases-query", "data"),
    prevent_initial_call=True,
)
def fetch_rows(request: dict | None, query: dict | None):
    if not request or not query:
        return no_update, no_update
    lang = query.get("lang", "zh")
    start = max(0, int(request.get("startRow") or 0))
    end = int(request.get("endRow") or start + PAGE_SIZE)
    try:
        result = list_cases(
            db_engine(),
            **_query_kwargs(query),
            offset=start,
            limit=max(0, end - start),
            sort=request.get("sortModel"),
            count=False,
        )
    except Exception:  # noqa: BLE001 - shown as one line, never a traceback
        log.exception("case list rows failed")
        return {"rowData": [], "rowCount": 0}, html.Div(t("load_error", lang), className="gd-error")
    rows = grid_rows(result["rows"], lang, query.get("qs", ""))
    return {"rowData": rows, "rowCount": query["total"]}, None


@callback(
    Output("cases-download", "data"),
    Output("cases-error", "children", allow_duplicate=True),
    Input("cases-csv", "n_clicks"),
    Input("cases-xlsx", "n_clicks"),
    State("cases-query", "data"),
    State("cases-grid", "getRowsRequest"),
    prevent_initial_call=True,
)
def download(_csv: int, _xlsx: int, query: dict | None, request: dict | None):
    fmt = {"cases-csv": "csv", "cases-xlsx": "xlsx"}.get(ctx.triggered_id)
    if fmt is None or not query:
        return no_update, no_update
    lang = query.get("lang", "zh")
    sort = (request or {}).get("sortModel")
    try:
        content = export_cases(db_engine(), **_query_kwargs(query), sort=sort, fmt=fmt, lang=lang)
    except Exception:  # noqa: BLE001
        log.exception("case list export failed")
        return no_update, html.Div(t("export_error", lang), className="gd-error")
    return dcc.send_bytes(content, export_filename(query, fmt, lang)), None
