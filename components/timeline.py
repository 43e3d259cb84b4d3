"""A vertical timeline of one case's flow log (受理 → 分流 → 办理 → 办结 → 回访)."""

from __future__ import annotations

from typing import Any

from dash import html

from components.case_table import format_time

_TEXT = {
    "empty": ("暂无流转记录", "No flow-log entries"),
    "from": ("自", "from"),
    "to": ("至", "to"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _TEXT[key]
    return en if lang == "en" else zh


def _route(event: dict[str, Any], lang: str) -> str:
    source, target = event.get("from_center"), event.get("to_center")
    if source and target and source != target:
        return f"{source} → {target}"
    if target and not source:
        return f"{_t('to', lang)} {target}" if lang == "en" else target
    return source or target or ""


def create_timeline(events: list[dict[str, Any]], lang: str = "zh") -> html.Div:
    """`events` as case_detail returns them, oldest first."""
    if not events:
        return html.Div(_t("empty", lang), className="gd-timeline-empty", id="case-timeline")
    items = []
    for event in events:
        action = event.get("action", "")
        title = event.get("action_label_en" if lang == "en" else "action_label") or action
        items.append(
            html.Li(
                [
                    html.Span(className="gd-timeline-dot"),
                    html.Div(
                        [
                            html.Span(title, className="gd-timeline-action"),
                            html.Time(
                                format_time(event.get("at"), seconds=True),
                                className="gd-timeline-time",
                            ),
                        ],
                        className="gd-timeline-head",
                    ),
                    html.Div(_route(event, lang), className="gd-timeline-route"),
                    html.Div(event.get("note") or "", className="gd-timeline-note"),
                ],
                className=f"gd-timeline-item gd-action-{action}",
                **{"data-action": action},
            )
        )
    return html.Div(html.Ol(items, className="gd-timeline"), id="case-timeline")
