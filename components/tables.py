"""The ranking table of a region's children (an HTML table, sortable in the browser):
each child's name is a real link to its /region/<code> page; a grid's latest cases
and the repeat petitioners, as HTML tables the same way. Also the value formatters
and locale the pages' dash-ag-grid tables share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from dash import html

from data_access.labels import column_label, label

from .case_table import case_href
from .formatting import DASH, format_count, format_rate
from .html_block import HtmlBlock
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


RANKING_TABLE_HTML_ID = "ranking-table-html"  # the HtmlBlock of the table (`markup`)
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


def _cell_html(field: str, kind: str, row: Mapping[str, Any]) -> str:
    value = row.get(field)
    if kind == "name":
        name = escape(str(row["name"]))
        href = row.get("href")
        if href:
            # data-gd-nav: assets/govdash.js opens it inside the app (no reload).
            name = f'<a href="{escape(href)}" class="gd-region-link" data-gd-nav="1">{name}</a>'
        return f'<td class="gd-col-name">{name}</td>'
    if kind == "rate":
        text = format_rate(value)
    elif kind == "score":
        text = DASH if value is None else f"{value:.2f}"
    elif kind == "rank_change":
        text = _rank_change_text(value)
    else:
        text = format_count(value)
    status = row.get(f"status_{field}") if field in STATUS_COLUMNS else None
    css = "gd-num" + (f" gd-cell-{status}" if status else "")
    return f'<td class="{css}">{escape(text)}</td>'


def _sort_value(value: Any) -> str:
    """A data-* attribute value to sort by: numbers as written, none as ""."""
    return "" if value is None else escape(str(value))


def ranking_table_html(
    rows: Sequence[Mapping[str, Any]],
    hrefs: Mapping[str, str],
    *,
    lang: str = "zh",
    table_id: str = "ranking-table",
) -> str:
    """ranking() rows as an HTML table, by rank. Every value is escaped; names are
    links (<a href>) to the children's region pages; rates and overdue counts carry
    their red/amber/green class; each row keeps its raw values in data-<column>
    attributes, which a click on a column header sorts by (assets/govdash.js)."""
    header = "".join(
        f'<th scope="col" class="{"gd-col-name" if kind == "name" else "gd-num"}">'
        f'<button type="button" class="gd-sort{" gd-sort-asc" if field == "rank" else ""}" '
        f'data-col="{field}" title="{escape(t("table.sort_hint", lang))}">'
        f"{escape(t(f'metric.{field}', lang))}</button></th>"
        for field, kind in RANKING_COLUMNS
    )
    body = "".join(
        "<tr "
        + " ".join(f'data-{field}="{_sort_value(row.get(field))}"' for field, _ in RANKING_COLUMNS)
        + ">"
        + "".join(_cell_html(field, kind, row) for field, kind in RANKING_COLUMNS)
        + "</tr>"
        for row in ranking_rows(rows, hrefs)
    )
    return (
        f'<table id="{escape(table_id)}" class="table table-sm table-hover">'
        f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    )


def create_ranking_table(
    rows: Sequence[Mapping[str, Any]],
    hrefs: Mapping[str, str],
    *,
    lang: str = "zh",
    table_id: str = "ranking-table",
) -> html.Div:
    """The ranking table (ranking_table_html), sortable by any column, in the browser.

    Written as one HTML string (components/html_block.py), not as Dash components:
    a table of a few dozen children is several hundred components, and the Dash
    renderer walks every component of the page at each update: with the table
    as components, a filter change spent about 0.3 s of the browser's time on it.
    Plain HTML rather than dash-ag-grid, whose script (0.6 MB gzipped) a region page
    then never loads; a few dozen rows need no virtual scrolling."""
    return html.Div(
        HtmlBlock(
            id=RANKING_TABLE_HTML_ID,
            markup=ranking_table_html(rows, hrefs, lang=lang, table_id=table_id),
        ),
        className="gd-ranking-table" + (" gd-ranking-scroll" if len(rows) > 25 else ""),
    )


# ------------------------------------------------------------------ a grid's cases
GRID_CASES_HTML_ID = "grid-cases-html"  # the HtmlBlock of a grid page's cases (`markup`)
# The columns of the grid's case table (data_access.labels names them).
GRID_CASE_COLUMNS = (
    "case_no",
    "accepted_at",
    "kind",
    "category",
    "status",
    "warning_level",
    "party_name",
)


def _header_cell(text: str, *, numeric: bool = False) -> str:
    css = ' class="gd-num"' if numeric else ""
    return f'<th scope="col"{css}>{escape(text)}</th>'


def _date_text(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value or DASH)


def _grid_case_cell(column: str, row: Mapping[str, Any], list_query: str, lang: str) -> str:
    value = row.get(column)
    if column == "case_no":
        href = case_href(str(value), list_query)
        return (
            f'<td class="gd-col-name"><a href="{escape(href)}" class="gd-region-link" '
            f'data-gd-nav="1">{escape(str(value))}</a></td>'
        )
    if column == "accepted_at":
        return f'<td class="gd-num">{escape(_date_text(value))}</td>'
    if column == "warning_level":
        level = str(value or "")
        text = label("warning_level", level, lang)
        return f'<td><span class="gd-level gd-level-{escape(level)}">{escape(text)}</span></td>'
    if column in ("kind", "category", "status"):
        return f"<td>{escape(label(column, value, lang) or DASH)}</td>"
    return f"<td>{escape(str(value or DASH))}</td>"


def grid_cases_html(
    rows: Sequence[Mapping[str, Any]],
    total: int,
    *,
    lang: str = "zh",
    list_query: str = "",
    table_id: str = "grid-cases-table",
) -> str:
    """A grid's latest cases (rows of data_access.caselist.list_cases, masked there)
    as an HTML table under a line with their total; each case number links to
    /case/<case_no> (carrying `list_query`, the full list's query string, back).
    Every value is escaped."""
    if not total:
        return f'<p class="text-muted mb-0 p-2">{escape(t("page.grid_cases_none", lang))}</p>'
    summary = t("page.grid_cases_total", lang).format(total=f"{total:,}", shown=len(rows))
    header = "".join(
        _header_cell(column_label(c, lang), numeric=c == "accepted_at") for c in GRID_CASE_COLUMNS
    )
    body = "".join(
        "<tr>"
        + "".join(_grid_case_cell(c, row, list_query, lang) for c in GRID_CASE_COLUMNS)
        + "</tr>"
        for row in rows
    )
    return (
        f'<p class="gd-grid-cases-total small text-muted mb-1 px-2 pt-2" '
        f'data-total="{int(total)}">{escape(summary)}</p>'
        f'<table id="{escape(table_id)}" class="table table-sm table-hover">'
        f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    )


def create_grid_cases_table(markup: str) -> html.Div:
    """A grid's cases (the HTML of grid_cases_html) in an HtmlBlock, so that a filter
    change sends them as one string with the charts (pages/_region_view.py update_grid)."""
    return html.Div(
        HtmlBlock(id=GRID_CASES_HTML_ID, markup=markup),
        className="gd-ranking-table gd-grid-cases-table",
    )


# ------------------------------------------------------------------ repeat petitioners
PETITIONER_COLUMNS = (
    "label",
    "party_name",
    "petitions",
    "repeats",
    "first_at",
    "latest_at",
    "townships",
    "centers",
)
MAX_NAMES = 3  # places and centers named per row; the rest are counted


def _names_text(items: Sequence[Mapping[str, Any]], lang: str) -> str:
    names = [str(item.get("name") or item.get("code") or item.get("id")) for item in items]
    if len(names) <= MAX_NAMES:
        return "、".join(names) or DASH
    more = t("table.and_more", lang).format(n=len(names))
    return "、".join(names[:MAX_NAMES]) + more


def _petitioner_cell(column: str, row: Mapping[str, Any], href: str | None, lang: str) -> str:
    value = row.get(column)
    if column == "label":
        text = escape(str(value))
        if href:
            text = f'<a href="{escape(href)}" class="gd-region-link" data-gd-nav="1">{text}</a>'
        return f'<td class="gd-col-name"><code>{text}</code></td>'
    if column in ("petitions", "repeats"):
        return f'<td class="gd-num">{escape(format_count(value))}</td>'
    if column in ("first_at", "latest_at"):
        return f'<td class="gd-num">{escape(_date_text(value))}</td>'
    if column in ("townships", "centers"):
        return f"<td>{escape(_names_text(value or [], lang))}</td>"
    return f"<td>{escape(str(value or DASH))}</td>"


def petitioner_table_html(
    rows: Sequence[Mapping[str, Any]],
    hrefs: Mapping[str, str],
    *,
    lang: str = "zh",
    table_id: str = "petitioner-table",
) -> str:
    """repeat_petitioners() rows as an HTML table (escaped); each label links to that
    petitioner's petitions (`hrefs` by label)."""
    header = "".join(
        _header_cell(t(f"petitioner.{c}", lang), numeric=c in ("petitions", "repeats"))
        for c in PETITIONER_COLUMNS
    )
    body = "".join(
        "<tr>"
        + "".join(
            _petitioner_cell(c, row, hrefs.get(str(row.get("label"))), lang)
            for c in PETITIONER_COLUMNS
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table id="{escape(table_id)}" class="table table-sm table-hover">'
        f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    )


def create_petitioner_table(
    rows: Sequence[Mapping[str, Any]], hrefs: Mapping[str, str], *, lang: str = "zh"
) -> html.Div:
    """The repeat petitioners table (petitioner_table_html), one HTML string."""
    return html.Div(
        HtmlBlock(id="petitioner-table-html", markup=petitioner_table_html(rows, hrefs, lang=lang)),
        className="gd-ranking-table" + (" gd-ranking-scroll" if len(rows) > 25 else ""),
    )
