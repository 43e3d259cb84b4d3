"""The filter bar every page shares. Its state lives in the URL query string: a
change rewrites the URL (the shell's dcc.Location "url", no reload), the page is
rendered again from the new URL, and a copied link reopens the same view.

Parameters (see components/url_state.py): period (preset) or from+to, kind, source,
level, and whatever else the page keeps (region, status, lang, ...), untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from .i18n import t
from .url_state import KINDS, PRESETS, SOURCES, WARNING_LEVELS, Filters, preset_period

URL_ID = "url"  # the shell's dcc.Location (refresh="callback-nav")
# Each page carries its own dcc.Location for the callbacks that change the URL: a
# callback whose output is already on the page but whose inputs arrive with a new
# page would run on every render (Dash ignores prevent_initial_call then).
PAGE_URL_ID = "page-url"
FILTER_URL_ID = "filter-url"
PERIOD_ID = "filter-period"
DATES_ID = "filter-dates"
KIND_ID = "filter-kind"
SOURCE_ID = "filter-source"
LEVEL_ID = "filter-level"

CUSTOM = "custom"
ALL = "all"
FILTER_PARAMS = ("period", "from", "to", "kind", "source", "level")


def _options(prefix: str, values: tuple[str, ...], lang: str) -> list[dict[str, str]]:
    return [{"label": t("filter.all", lang), "value": ALL}] + [
        {"label": t(f"{prefix}.{value}", lang), "value": value} for value in values
    ]


def create_page_location() -> dcc.Location:
    """The page's own dcc.Location: drill-down callbacks write the next URL to it."""
    return dcc.Location(id=PAGE_URL_ID, refresh="callback-nav")


def create_filter_bar(
    filters: Filters,
    lang: str | None = None,
    *,
    fixed_kind: str | None = None,
) -> html.Div:
    """Period presets, custom dates, kind, source and warning level, set from
    `filters` (the parsed URL). A page about one kind (信访, 矛盾纠纷) passes
    `fixed_kind`: the kind control shows it, disabled. Every control is always
    rendered, so the filter callback's inputs are all on the page."""
    lang = lang or filters.lang
    period_options = [{"label": t(f"period.{p}", lang), "value": p} for p in PRESETS] + [
        {"label": t("filter.custom", lang), "value": CUSTOM}
    ]

    def field(label_key: str, control, width: str) -> html.Div:
        return html.Div(
            [html.Label(t(label_key, lang), className="gd-filter-label"), control],
            className=f"gd-filter-field {width}",
        )

    fields = [
        field(
            "filter.period",
            dcc.Dropdown(
                id=PERIOD_ID,
                options=period_options,
                value=filters.preset or CUSTOM,
                clearable=False,
                searchable=False,
                className="gd-dropdown",
            ),
            "gd-w-period",
        ),
        field(
            "filter.dates",
            dcc.DatePickerRange(
                id=DATES_ID,
                start_date=filters.date_from.isoformat(),
                end_date=filters.date_to.isoformat(),
                display_format="YYYY-MM-DD",
                month_format="YYYY-MM" if lang == "en" else "YYYY年M月",
                first_day_of_week=1,
                start_date_placeholder_text=t("filter.start", lang),
                end_date_placeholder_text=t("filter.end", lang),
                minimum_nights=0,
                updatemode="bothdates",
                persistence=False,
                className="gd-dates",
            ),
            "gd-w-dates",
        ),
    ]
    fields.append(
        field(
            "filter.kind",
            dcc.Dropdown(
                id=KIND_ID,
                options=_options("kind", KINDS, lang),
                value=fixed_kind or filters.kind or ALL,
                clearable=False,
                searchable=False,
                disabled=fixed_kind is not None,
                className="gd-dropdown",
            ),
            "gd-w-kind",
        )
    )
    fields.append(
        field(
            "filter.source",
            dcc.Dropdown(
                id=SOURCE_ID,
                options=_options("source", SOURCES, lang),
                value=filters.source or ALL,
                clearable=False,
                searchable=False,
                className="gd-dropdown",
            ),
            "gd-w-source",
        )
    )
    fields.append(
        field(
            "filter.level",
            dcc.Dropdown(
                id=LEVEL_ID,
                options=_options("level", WARNING_LEVELS, lang),
                value=filters.warning_level or ALL,
                clearable=False,
                searchable=False,
                className="gd-dropdown",
            ),
            "gd-w-level",
        )
    )
    children: list[Any] = [
        dcc.Location(id=FILTER_URL_ID, refresh="callback-nav"),
        html.Div(fields, className="gd-filter-fields"),
    ]
    if filters.problems:
        children.append(
            dbc.Alert(
                t("filter.ignored", lang) + ", ".join(filters.problems),
                color="warning",
                className="gd-filter-problems py-1 px-2 mb-0 mt-2",
            )
        )
    return html.Div(children, className="gd-filter-bar", id="filter-bar")


def merge_query(search: str | None, updates: Mapping[str, str | None]) -> str:
    """`search` with `updates` applied (None removes a key); other keys are kept in
    their order. Returns '?…' or ''."""
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=False)
    kept = [(k, v) for k, v in pairs if k not in updates]
    kept += [(k, v) for k, v in updates.items() if v is not None]
    return "?" + urlencode(kept) if kept else ""


def filter_updates(
    trigger: str | None,
    period: str | None,
    start_date: str | None,
    end_date: str | None,
    kind: str | None,
    source: str | None,
    level: str | None,
    kind_fixed: bool = False,
    search: str | None = None,
    today: date | None = None,
) -> dict[str, str | None] | None:
    """The query-string changes for a filter-bar change, or None for "nothing to do".
    When the page fixes the kind (`kind_fixed`), the URL's kind is left alone.

    Dates that are exactly the period preset of the current URL (`search`) are that
    preset, not a custom choice: a page redrawn in place sets the date picker to the
    preset's dates, which must not turn ?period=last_month into from/to."""
    updates: dict[str, str | None] = {
        "source": None if source in (None, ALL) else source,
        "level": None if level in (None, ALL) else level,
    }
    if not kind_fixed:
        updates["kind"] = None if kind in (None, ALL) else kind
    start = (start_date or "")[:10] or None
    end = (end_date or "")[:10] or None
    shown = params_from_search(search).get("period")
    if trigger == DATES_ID and shown in PRESETS and start and end:
        preset_from, preset_to = preset_period(shown, today or date.today())
        if (start, end) == (preset_from.isoformat(), preset_to.isoformat()):
            return updates  # the URL's preset stays
    if trigger == DATES_ID or (trigger == PERIOD_ID and period == CUSTOM):
        if not (start and end):
            return None
        updates.update({"period": None, "from": start, "to": end})
    elif period and period != CUSTOM:
        updates.update({"period": period, "from": None, "to": None})
    elif start and end:
        updates.update({"period": None, "from": start, "to": end})
    return updates


@callback(
    Output(FILTER_URL_ID, "href"),
    Input(PERIOD_ID, "value"),
    Input(DATES_ID, "start_date"),
    Input(DATES_ID, "end_date"),
    Input(KIND_ID, "value"),
    Input(SOURCE_ID, "value"),
    Input(LEVEL_ID, "value"),
    State(KIND_ID, "disabled"),
    State(FILTER_URL_ID, "pathname"),
    State(FILTER_URL_ID, "search"),
    prevent_initial_call=True,
)
def apply_filters(period, start_date, end_date, kind, source, level, kind_fixed, pathname, search):
    """Write the filter bar's state into the URL (the page re-renders from it)."""
    try:
        updates = filter_updates(
            ctx.triggered_id, period, start_date, end_date, kind, source, level, bool(kind_fixed),
            search,
        )  # fmt: skip
        if updates is None:
            return no_update
        new_search = merge_query(search, updates)
        if new_search == (search or ""):
            return no_update
        return f"{pathname or '/'}{new_search}"
    except Exception:  # noqa: BLE001 - a filter change never shows a traceback
        return no_update


def query_string(filters: Filters, **overrides: Any) -> str:
    """Filters.query_string with None-valued overrides dropped (convenience)."""
    return filters.query_string(**{k: v for k, v in overrides.items() if v is not None})


def href_with(path: str, search: str | None, **updates: str | None) -> str:
    return f"{path}{merge_query(search, updates)}"


def params_from_search(search: str | None) -> dict[str, str]:
    return dict(parse_qsl((search or "").lstrip("?")))


__all__ = [
    "create_filter_bar",
    "merge_query",
    "filter_updates",
    "href_with",
    "params_from_search",
    "urlencode",
]


def relative_path(path: str) -> str:
    """dash.get_relative_path (honours a URL prefix), or `path` when no app is set up."""
    try:
        return dash.get_relative_path(path)
    except Exception:  # noqa: BLE001 - no Dash app yet (unit tests, CLI)
        return path


def strip_relative_path(path: str) -> str:
    """dash.strip_relative_path, or `path` without its slashes when no app is set up."""
    try:
        return dash.strip_relative_path(path) or ""
    except Exception:  # noqa: BLE001
        return path.strip("/")
