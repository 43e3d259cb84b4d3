"""Shared frame of the thematic pages (/petitions, /disputes, /satisfaction,
/centers, /grids): ?region=CODE (default: the top region), the same filter bar,
a breadcrumb that stays on the page, and drill-down by clicking a unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from components.filters import PAGE_URL_ID, create_page_location
from components.formatting import period_label
from components.graph import create_chart_card
from components.i18n import t
from components.url_state import Filters
from data_access.regions import Scope
from govdash import data
from pages._common import (
    breadcrumb_for,
    click_code,
    drill_href,
    page_filters,
    page_header,
    page_href,
)


@dataclass
class Theme:
    filters: Filters
    code: str
    scope: Scope
    period: str
    path: str

    @property
    def lang(self) -> str:
        return self.filters.lang

    def title(self, key: str) -> str:
        return f"{self.scope.name} · {t(key, self.lang)}"

    def unit_href(self, code: str) -> str:
        return page_href(self.path, self.filters, code)


def theme(params: dict[str, Any], path: str) -> Theme:
    filters = page_filters(params)
    code = filters.region or data.top_region()
    if not code:
        raise data.UnknownRegion("the database holds no regions")
    scope = data.region(code)
    return Theme(
        filters, code, scope, period_label(filters.date_from, filters.date_to, filters.lang), path
    )


def header(th: Theme, title_key: str, meta: dict | None = None, *, fixed_kind: str | None = None):
    """The page's title, breadcrumb and filter bar (and its own URL location)."""
    crumbs = breadcrumb_for(th.code, th.filters, th.unit_href)
    return html.Div([create_page_location(), _header(th, title_key, meta, crumbs, fixed_kind)])


def _header(th: Theme, title_key: str, meta, crumbs, fixed_kind):
    return page_header(th.title(title_key), th.filters, crumbs, meta, {"fixed_kind": fixed_kind})


def chart_row(*cards: Any, widths: Sequence[int] | None = None) -> dbc.Row:
    widths = widths or [12 // len(cards)] * len(cards)
    return dbc.Row(
        [dbc.Col(card, lg=w) for card, w in zip(cards, widths, strict=True)], className="g-3"
    )


def card(graph_id: str, figure, th: Theme, name_key: str, **kwargs: Any):
    return create_chart_card(
        graph_id, figure, f"{th.scope.name}_{t(name_key, th.lang)}", th.lang, **kwargs
    )


def unit_height(count: int, minimum: int = 340, maximum: int = 900) -> int:
    return max(minimum, min(maximum, 80 + 22 * count))


def register_unit_drill(path: str, graph_ids: Sequence[str]) -> None:
    """Clicking a unit (a child region) on any of `graph_ids` opens this page for it.

    One callback per graph: a page may leave some of the graphs out (e.g. at village
    level), and a callback whose inputs are only partly on the page is an error."""
    for graph_id in graph_ids:
        _register_one(path, graph_id)


def _register_one(path: str, graph_id: str) -> None:
    @callback(
        Output(PAGE_URL_ID, "href", allow_duplicate=True),
        Input(graph_id, "clickData"),
        State(PAGE_URL_ID, "search"),
        prevent_initial_call=True,
    )
    def drill(click, search):
        try:
            code = click_code(click)
            if not code:
                return no_update
            return drill_href(path, code, search)
        except Exception:  # noqa: BLE001 - never a traceback
            return no_update


def note(text: str) -> html.Div:
    return html.Div(text, className="text-muted small")
