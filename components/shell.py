"""The app shell, built once."""

from __future__ import annotations

from dash import html


def create_shell(content) -> html.Div:
    return html.Div(
        [html.Header(html.H1("govdash 综治中心指挥舱"), className="app-header"), content],
        className="app-shell",
    )
