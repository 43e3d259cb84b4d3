"""Breadcrumb 包头市 › 昆都仑区 › 市府东路街道 › …: every step above the current one
links back up (keeping the query string)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

SEPARATOR = "›"


def create_breadcrumb(
    steps: Sequence[tuple[str, str | None]], extra: str | None = None
) -> html.Nav:
    """`steps` are (name, href) from the top region down; the last is the current
    region (its href is ignored). `extra` is a small note after the trail (the level)."""
    items: list = []
    last = len(steps) - 1
    for index, (name, href) in enumerate(steps):
        if index:
            items.append(html.Span(SEPARATOR, className="gd-crumb-sep", **{"aria-hidden": "true"}))
        if index == last or not href:
            items.append(html.Span(name, className="gd-crumb gd-crumb-current"))
        else:
            items.append(dcc.Link(name, href=href, className="gd-crumb"))
    if extra:
        items.append(html.Span(extra, className="gd-crumb-extra"))
    return html.Nav(items, className="gd-breadcrumb", **{"aria-label": "breadcrumb"})
