"""Empty, failed and unavailable states: one clear sentence, never a traceback."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data_access.settings import get_settings

from .filters import relative_path
from .i18n import normalize_lang, t

DB_BANNER_ID = "db-banner"


def create_db_banner(lang: str = "zh", visible: bool = True) -> dbc.Alert:
    """The banner shown while the database is unreachable (the shell retries)."""
    return dbc.Alert(
        t("state.db_down", lang),
        color="danger",
        className="gd-db-banner mb-0",
        is_open=visible,
    )


def create_db_error(lang: str = "zh") -> html.Div:
    """A page's body when it could not read the database (reloads when it is back)."""
    return html.Div(
        dbc.Alert(t("state.db_page", lang), color="secondary", className="mb-0"),
        className="gd-db-error gd-state",
    )


def create_error(lang: str = "zh", detail: str | None = None) -> html.Div:
    """A page's body when something else went wrong (no traceback, one line)."""
    children = [html.Div(t("state.error", lang))]
    if detail:
        children.append(html.Small(detail, className="text-muted d-block mt-1"))
    return html.Div(dbc.Alert(children, color="warning", className="mb-0"), className="gd-state")


def create_no_data(lang: str = "zh") -> html.Div:
    """The whole page's data is empty for this period."""
    return html.Div(
        dbc.Alert(
            [html.Strong(t("state.no_data", lang)), " ", t("state.no_data_hint", lang)],
            color="info",
            className="mb-0",
        ),
        className="gd-state gd-no-data",
    )


def lang_query(lang: str) -> str:
    """'?lang=…' when `lang` is not the deployment's language (GOVDASH_LANG), else ''."""
    return "" if lang == normalize_lang(get_settings().lang) else f"?lang={lang}"


def home_href(lang: str = "zh") -> str:
    """The cockpit's address, in the page's language (the way out of a dead end)."""
    return relative_path("/") + lang_query(lang)


def create_unknown_region(code: str, lang: str = "zh") -> html.Div:
    """A link names a region this database does not hold (a mistyped or retired
    code): say which, and offer the way back to the cockpit."""
    return html.Div(
        dbc.Alert(
            [
                html.Span(t("state.unknown_region", lang) + str(code), className="me-3"),
                dcc.Link(t("state.back_home", lang), href=home_href(lang), className="alert-link"),
            ],
            color="warning",
            className="mb-0",
        ),
        className="gd-state gd-unknown-region",
    )
