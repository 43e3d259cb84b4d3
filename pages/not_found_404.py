"""The 404 page (Dash pages shows it for any path no page matches)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from components.i18n import t
from components.states import home_href
from pages._common import lang_of

dash.register_page(__name__, path="/404", title="404 · govdash", name="404")


def layout(**params: Any) -> html.Div:
    lang = lang_of(params)
    return html.Div(
        [
            html.H1("404", className="gd-404-code"),
            html.H2(t("state.not_found", lang), className="gd-page-title"),
            html.P(t("state.not_found_text", lang)),
            dcc.Link(t("state.back_home", lang), href=home_href(lang), className="btn btn-primary"),
        ],
        className="gd-page gd-404",
        id="not-found",
    )
