"""Drill-through: a click on a bar, or a part of one, opens /cases with the cases
behind that number: the page's filters (region, period, kind, source, level) plus the
part's own (a source, a category, a month, a center, a list status). docs/METRICS.md
("What a click on a chart opens") says what each chart opens; the list's total is the
number the part shows (tests/integration/test_drill_through.py clicks every bar).

Each chart says what its parts are in its figure: `customdata` (a source key, a
category, a center id, a list status, a grid code, a month's [first day, last day,
as_of]) or, for the stacked center-load bars, `ids` (center ids; trace 0 is the part
not yet overdue, trace 1 the overdue part). One callback per chart writes the new URL
into the page's own dcc.Location (components/filters.py PAGE_URL_ID), so the case
list opens inside the app, as the warning-level donut's did first.

(A leading underscore keeps Dash pages from importing this module as a page.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from dash import Input, Output, State, callback, no_update

from components.filters import (
    PAGE_URL_ID,
    merge_query,
    params_from_search,
    relative_path,
    strip_relative_path,
)
from components.shell import current_region
from components.url_state import SOURCES, WARNING_LEVELS, is_ascii_digits
from data_access.caselist import LIST_STATUSES
from govdash import data
from pages._common import VIEW_AS_OF_ID, log

# What the parts of a chart are: how a clicked point names its cases.
SEGMENTS = ("level", "source", "category", "month", "center", "center_load", "status", "grid")
# Parameters of /cases alone (pages/cases.py parse_list_params); no other page reads them.
LIST_ONLY_PARAMETERS = ("category", "center", "petitioner", "as_of")
OTHER_KEY = "__other__"  # the share bar's rest (其余N类): several categories, no one list
MAX_CATEGORY = 40  # longer is no category (pages/cases.py refuses it too)
# graph id -> (what its parts are, the list parameters every click on it adds)
DRILL_CHARTS: dict[str, tuple[str, dict[str, str]]] = {}


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _digits(value: Any, lengths: Iterable[int] | None = None) -> str | None:
    text = str(value) if isinstance(value, str | int) else ""
    if not is_ascii_digits(text) or (lengths is not None and len(text) not in lengths):
        return None
    return text


def _month_params(custom: Any) -> dict[str, str | None] | None:
    """[first day, last day, as_of or ""] of a trend's month bar -> from/to/as_of."""
    if not isinstance(custom, list | tuple) or len(custom) < 2:
        return None
    try:
        first, last = date.fromisoformat(str(custom[0])), date.fromisoformat(str(custom[1]))
        as_of = str(custom[2]) if len(custom) > 2 and custom[2] else None
        if as_of is not None:
            datetime.fromisoformat(as_of)
    except ValueError:
        return None
    if first > last:
        return None
    # The month's own dates replace the page's period (a preset or from/to).
    return {"period": None, "from": first.isoformat(), "to": last.isoformat(), "as_of": as_of}


def segment_params(segment: str, point: Mapping[str, Any]) -> dict[str, str | None] | None:
    """The /cases parameters of the part of a chart that `point` (a clickData point)
    is, or None when it names no single list (the rest bar 其余N类, a stray point)."""
    custom = point.get("customdata")
    if segment == "month":
        return _month_params(custom)
    value = _scalar(custom)
    if segment == "level":
        return {"level": value} if value in WARNING_LEVELS else None
    if segment == "source":
        return {"source": value} if value in SOURCES else None
    if segment == "category":
        ok = isinstance(value, str) and value and value != OTHER_KEY
        return {"category": value} if ok and len(value) <= MAX_CATEGORY else None
    if segment == "center":
        center = _digits(value)
        return {"center": center} if center else None
    if segment == "center_load":
        center = _digits(point.get("id"))
        if center is None:
            return None
        status = "overdue" if point.get("curveNumber") == 1 else "open_in_time"
        return {"center": center, "status": status}
    if segment == "status":
        return {"status": value} if value in LIST_STATUSES else None
    if segment == "grid":
        grid = _digits(value, (15,))
        return {"region": grid} if grid else None
    raise ValueError(f"unknown drill-through segment {segment!r}")


def _clicked_point(segment: str, click: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    points = (click or {}).get("points") or []
    if segment == "month":
        # The trend's hover is unified per month: the click carries every trace's point
        # of the month; the bars (trace 0) are the ones that count the cases.
        return next((p for p in points if p.get("curveNumber", 0) == 0), None)
    return points[0] if points else None


def page_region(pathname: str | None, search: str | None) -> str | None:
    """The region a page shows: /region/<code>, ?region=, else the top region."""
    path = "/" + (strip_relative_path(pathname or "/") or "")
    region = current_region(path, params_from_search(search))
    if region:
        return region
    try:
        return data.top_region()
    except Exception:  # noqa: BLE001 - no link then, never a traceback
        return None


def case_drill_href(
    segment: str,
    click: Mapping[str, Any] | None,
    pathname: str | None,
    search: str | None,
    fixed: Mapping[str, str] | None = None,
    as_of: str | None = None,
) -> str | None:
    """The /cases URL a click on a chart of parts `segment` opens (with the page's
    query string `search` kept, the part's parameters and `fixed` added), or None.
    `as_of`: the moment a running period's figures were observed at (the page's
    VIEW_AS_OF_ID), unless the part names its own."""
    point = _clicked_point(segment, click)
    params = segment_params(segment, point) if point is not None else None
    if params is None:
        return None
    region = params.pop("region", None) or page_region(pathname, search)
    if not region:
        return None
    # The list's own parameters typed into a page's URL are ignored by the page (its
    # notice says so): they must not narrow the list either.
    updates = {
        **dict.fromkeys(LIST_ONLY_PARAMETERS),
        "region": region,
        "status": "all",
        **(fixed or {}),
        **params,
    }
    updates["as_of"] = updates["as_of"] or as_of
    return relative_path("/cases") + merge_query(search, updates)


def declare_case_drill(graph_id: str, segment: str, **fixed: str) -> None:
    """Record what a click on `graph_id` opens (DRILL_CHARTS), without a callback."""
    if segment not in SEGMENTS:
        raise ValueError(f"unknown drill-through segment {segment!r}")
    DRILL_CHARTS[graph_id] = (segment, dict(fixed))


def register_case_drill(graph_id: str, segment: str, **fixed: str) -> None:
    """A click on a part of `graph_id` opens its cases (see case_drill_href); `fixed`
    are list parameters every click on it adds (kind=petition, status=rated …). One
    callback per chart: its only input is that chart."""
    declare_case_drill(graph_id, segment, **fixed)

    @callback(
        Output(PAGE_URL_ID, "href", allow_duplicate=True),
        Input(graph_id, "clickData"),
        State(PAGE_URL_ID, "pathname"),
        State(PAGE_URL_ID, "search"),
        State(VIEW_AS_OF_ID, "data"),
        prevent_initial_call=True,
    )
    def drill_through(click, pathname, search, as_of):
        try:
            href = case_drill_href(segment, click, pathname, search, fixed, as_of)
        except Exception:  # noqa: BLE001 - a click never shows a traceback
            log.exception("drill-through from %s failed", graph_id)
            href = None
        return href or no_update


def _month_last(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def month_ranges(
    rows: Iterable[Mapping[str, Any]], last_day: date, as_of: str | None = None
) -> list[list[str]]:
    """What each month bar of a trend (breakdown rows by month, key 'YYYY-MM') opens:
    [its first day, its last day cut at `last_day` (the trend's end), as_of or ""]."""
    out = []
    for row in rows:
        year, month = (int(part) for part in str(row["key"]).split("-"))
        first = date(year, month, 1)
        out.append([first.isoformat(), min(_month_last(first), last_day).isoformat(), as_of or ""])
    return out


def unfinished_month(
    rows: Sequence[Mapping[str, Any]], last_day: date, today: date | None = None
) -> tuple[str, str] | None:
    """(key, day) of a trend's last month when the trend sees only part of it (up to
    `last_day` or today, the earlier), else None: create_trend_figure's `unfinished`."""
    if not rows:
        return None
    seen_to = min(last_day, today or date.today())
    year, month = (int(part) for part in str(rows[-1]["key"]).split("-"))
    if seen_to >= _month_last(date(year, month, 1)):
        return None
    return str(rows[-1]["key"]), seen_to.isoformat()


def trend_as_of(last_day: date, now: datetime | None = None) -> str:
    """The moment a trend ending `last_day` is observed at (metrics.observed_at): the
    day's end once it is over, else now (to the minute, as the data facade asks)."""
    now = now or datetime.now()
    if last_day < now.date():
        return last_day.isoformat()
    return now.replace(second=0, microsecond=0).isoformat(timespec="seconds")


__all__ = [
    "DRILL_CHARTS",
    "case_drill_href",
    "declare_case_drill",
    "month_ranges",
    "unfinished_month",
    "page_region",
    "register_case_drill",
    "segment_params",
    "trend_as_of",
]
