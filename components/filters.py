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
from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html

from .i18n import t
from .url_state import (
    KINDS,
    PRESETS,
    SOURCES,
    WARNING_LEVELS,
    Filters,
    date_bounds,
    preset_period,
)

URL_ID = "url"  # the shell's dcc.Location (refresh="callback-nav")
# A page that redraws itself in place for a filter change carries a dcc.Store with the
# id {"type": URL_TRIGGER, "shape": <its own name>} holding the URL (path and query)
# it shows, as the Input of its update callback: the filter bar writes the next URL
# there in the same step as into the address bar, so the update's request leaves at
# once, and leaves the pages router out (assets/govdash.js `applyFilters`).
URL_TRIGGER = "url-trigger"
URL_TRIGGERS = {"type": URL_TRIGGER, "shape": dash.ALL}
# {"url", "at"}: the address after browser back/forward (set by assets/govdash.js)
HISTORY_ID = "filter-history"
# Each page carries its own dcc.Location for the callbacks that change the URL: a
# callback whose output is already on the page but whose inputs arrive with a new
# page would run on every render (Dash ignores prevent_initial_call then). These two
# and URL_ID are what assets/govdash.js `PAGE_LOCATIONS` sets for a filter change
# redrawn in place.
PAGE_URL_ID = "page-url"
FILTER_URL_ID = "filter-url"
PERIOD_ID = "filter-period"
DATES_ID = "filter-dates"
KIND_ID = "filter-kind"
SOURCE_ID = "filter-source"
LEVEL_ID = "filter-level"
FILTER_SHOWN_ID = "filter-shown"  # shown_period() of the page
PRESET_DATES_ID = "filter-preset-dates"  # preset_dates(): each preset's first and last day
FILTER_BAR_ID = "filter-bar"  # its root: assets/govdash.js tells a page with a filter bar by it

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

    first_day, last_day = date_bounds()
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
                # The picker offers only the days a URL may name (url_state.date_bounds).
                min_date_allowed=first_day.isoformat(),
                max_date_allowed=last_day.isoformat(),
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
        dcc.Store(id=HISTORY_ID),
        dcc.Store(id=FILTER_SHOWN_ID, data=shown_period(filters)),
        dcc.Store(id=PRESET_DATES_ID, data=preset_dates()),
        html.Div(fields, className="gd-filter-fields"),
    ]
    if filters.problems:
        children.append(
            dbc.Alert(
                t("filter.ignored", lang) + t("filter.ignored_sep", lang).join(filters.problems),
                color="warning",
                className="gd-filter-problems py-1 px-2 mb-0 mt-2",
            )
        )
    return html.Div(children, className="gd-filter-bar", id=FILTER_BAR_ID)


def merge_query(search: str | None, updates: Mapping[str, str | None]) -> str:
    """`search` with `updates` applied (None removes a key); other keys are kept in
    their order. Returns '?…' or ''."""
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=False)
    kept = [(k, v) for k, v in pairs if k not in updates]
    kept += [(k, v) for k, v in updates.items() if v is not None]
    return "?" + urlencode(kept) if kept else ""


def shown_period(filters: Filters) -> dict[str, str | None]:
    """The period the page shows: the URL's preset (or None) and its dates. The filter
    bar keeps it (FILTER_SHOWN_ID) so that dates set from the URL, such as a preset's
    dates put into the date picker by a page redrawn in place, are not taken for a
    custom choice (assets/govdash.js `filterHref`)."""
    return {
        "period": filters.preset,
        "from": filters.date_from.isoformat(),
        "to": filters.date_to.isoformat(),
    }


def preset_dates(today: date | None = None) -> dict[str, list[str]]:
    """Each preset's first and last day (ISO): a page redrawn in place shows a chosen
    preset's dates in the date picker at once, not after its update's reply (which
    sets them again only if they differ, e.g. past midnight)."""
    today = today or date.today()
    return {p: [d.isoformat() for d in preset_period(p, today)] for p in PRESETS}


# The filter bar writes its state into the URL in the browser (no round trip to the
# server): assets/govdash.js `applyFilters`, around the pure `govdash.filterHref`
# (tested in a real browser: tests/e2e/test_filter_bar_browser.py). It writes the same
# URL into the page's URL triggers in the same step.
clientside_callback(
    ClientsideFunction(namespace="govdash", function_name="applyFilters"),
    Output(FILTER_URL_ID, "href"),
    Output(URL_TRIGGERS, "data", allow_duplicate=True),
    Input(PERIOD_ID, "value"),
    Input(DATES_ID, "start_date"),
    Input(DATES_ID, "end_date"),
    Input(KIND_ID, "value"),
    Input(SOURCE_ID, "value"),
    Input(LEVEL_ID, "value"),
    State(KIND_ID, "disabled"),
    State(FILTER_URL_ID, "pathname"),
    State(FILTER_URL_ID, "search"),
    State(FILTER_SHOWN_ID, "data"),
    State(URL_TRIGGERS, "data"),
    State(PRESET_DATES_ID, "data"),
    prevent_initial_call=True,
)

# Browser back/forward reaches the page's URL triggers through HISTORY_ID, which
# assets/govdash.js sets on `popstate`: `relayUrl`, unless a trigger holds that URL
# already. Not from a dcc.Location's href: every Location changes with the filter
# bar's URL, and the Dash renderer holds a callback back while another that may still
# change its input waits to run, so the update would wait for such a relay to find
# nothing to do (about 25 ms per filter change).
clientside_callback(
    ClientsideFunction(namespace="govdash", function_name="relayUrl"),
    Output(URL_TRIGGERS, "data"),
    Input(HISTORY_ID, "data"),
    State(URL_TRIGGERS, "data"),
    prevent_initial_call=True,
)


def query_string(filters: Filters, **overrides: Any) -> str:
    """Filters.query_string with None-valued overrides dropped (convenience)."""
    return filters.query_string(**{k: v for k, v in overrides.items() if v is not None})


def href_with(path: str, search: str | None, **updates: str | None) -> str:
    return f"{path}{merge_query(search, updates)}"


def params_from_search(search: str | None) -> dict[str, str]:
    """A query string's parameters; a repeated one keeps its first value, as the pages
    read it (a click then opens the region the page shows)."""
    params: dict[str, str] = {}
    for key, value in parse_qsl((search or "").lstrip("?")):
        params.setdefault(key, value)
    return params


__all__ = [
    "create_filter_bar",
    "merge_query",
    "shown_period",
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
