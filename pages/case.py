"""/case/<case_no> — one case: its fields (personal data masked) and its flow log."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote, urlencode

import dash
from dash import dcc, html

from components.case_table import create_case_fields
from components.filters import relative_path
from components.i18n import t as ui_t
from components.states import create_db_error, create_error, lang_query
from components.timeline import create_timeline
from data_access.caselist import case_detail
from data_access.engine import DATA_ERRORS
from pages._common import lang_of
from pages.cases import db_engine

dash.register_page(
    __name__, path_template="/case/<case_no>", title="案件详情 · govdash", name="案件详情"
)

TEXT: dict[str, tuple[str, str]] = {
    "title": ("案件详情", "Case"),
    "fields": ("案件信息", "Details"),
    "timeline": ("流转记录", "Flow log"),
    "not_found": ("未找到案件：", "No such case: "),
    "empty": ("（未给出案件编号）", "(no case number given)"),
    "not_found_hint": (
        "请检查案件编号，或从案件清单进入。",
        "Check the case number, or open it from a case list.",
    ),
    "back": ("返回案件清单", "Back to the list"),
    "region": ("查看所属区域", "Open its region"),
    "ignored": ("已忽略无效的链接参数：", "Ignored invalid link parameters: "),
    "masked": ("当事人姓名、电话已脱敏", "Party names and phones are masked"),
}


log = logging.getLogger("govdash.pages.case")


def t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def _first(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _lang(params: dict[str, Any]) -> tuple[str, list[str]]:
    raw = _first(params.get("lang"))
    lang = lang_of(params)
    problems = (
        [ui_t("problem.lang", lang).format(value=_shown(raw))]
        if raw is not None and raw not in ("zh", "en")
        else []
    )
    return lang, problems


SHOWN_MAX = 60  # characters of a case number shown in a message


def _shown(text: str) -> str:
    """`text` on one line, cut to SHOWN_MAX characters (Dash shows it as text: a
    number such as <script> is displayed, never run)."""
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def case_number(raw: str | None) -> str:
    """The case number of the path: the browser keeps it percent-encoded
    (/case/%20, and case_href quotes every number)."""
    return unquote(raw or "").strip()


def _back_links(params: dict[str, Any], detail: dict[str, Any] | None, lang: str) -> html.Div:
    """Back to the list this case was opened from (its filters ride in the query
    string), and up to the case's village."""
    carried = {
        k: v
        for k, v in ((k, _first(v)) for k, v in params.items())
        # (keys with "_" are the router's own, e.g. _view, not the URL's)
        if v is not None and not k.startswith("_")
    }
    links = []
    if any(k != "lang" for k in carried):
        links.append(
            dcc.Link(
                t("back", lang),
                href=relative_path("/cases") + "?" + urlencode(carried),
                id="case-back",
            )
        )
    if detail is not None:
        query = lang_query(lang)
        links.append(
            dcc.Link(
                t("region", lang), href=relative_path(f"/region/{detail['village_code']}") + query
            )
        )
    return html.Div(links, className="gd-cases-actions")


def layout(case_no: str | None = None, **params: Any) -> html.Div:
    lang, problems = _lang(params)
    notes = (
        [html.Div(t("ignored", lang) + "; ".join(problems), className="gd-note")]
        if problems
        else []
    )
    case_no = case_number(case_no)
    try:
        detail = case_detail(db_engine(), case_no)
    except DATA_ERRORS as exc:
        log.warning("case page: database unavailable: %s", exc)
        return html.Div(create_db_error(lang), id="case-error")
    except Exception:  # noqa: BLE001 - a page never shows a traceback
        log.exception("case page failed")
        return html.Div(create_error(lang), id="case-error")
    if detail is None:
        return html.Div(
            [
                *notes,
                html.H2(t("title", lang)),
                html.Div(
                    [
                        html.Strong(t("not_found", lang) + (_shown(case_no) or t("empty", lang))),
                        html.P(t("not_found_hint", lang)),
                    ],
                    className="gd-note",
                    id="case-not-found",
                ),
                _back_links(params, None, lang),
            ],
            className="gd-case-page",
        )
    return html.Div(
        [
            *notes,
            html.Div(
                [
                    html.H2(f"{t('title', lang)} {detail['case_no']}", id="case-title"),
                    html.P(detail["summary"], className="gd-cases-sub"),
                    _back_links(params, detail, lang),
                ],
                className="gd-case-head",
            ),
            html.Div(
                [
                    html.Section(
                        [
                            html.H3(t("fields", lang)),
                            create_case_fields(detail, lang),
                            html.Small(t("masked", lang)),
                        ]
                    ),
                    html.Section(
                        [html.H3(t("timeline", lang)), create_timeline(detail["events"], lang)]
                    ),
                ],
                className="gd-case-layout",
            ),
        ],
        className="gd-case-page",
    )
