"""KPI tiles: value, 同比/环比 arrows (rates in pp, counts in %), red/amber/green.

`create_kpi_row` takes what a page got from data_access: the kpis() dict, the
compare() changes, the statuses from status_for(), and the drill-through links.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from .formatting import change_tone, format_change, format_value
from .i18n import t

TILE_KEYS = (
    "accepted",
    "closure_rate",
    "resolution_rate",
    "on_time_rate",
    "satisfaction_rate",
    "open",
    "overdue_open",
    "petitions",
    "repeat_petition_rate",
)
SNAPSHOT_KEYS = ("open", "overdue_open")
# Kept for older imports: (key, Chinese label).
TILES = tuple((key, t(f"metric.{key}", "zh")) for key in TILE_KEYS)


def value_id(key: str) -> str:
    """The id of a tile's value element (tests read it)."""
    return f"kpi-{key}-value"


def _change_line(
    key: str, label_key: str, change: Mapping[str, Any] | None, lang: str
) -> html.Span:
    tone = change_tone(key, change)  # type: ignore[arg-type]
    return html.Span(
        [
            html.Span(t(label_key, lang), className="gd-kpi-cmp-label"),
            html.Span(format_change(change, lang), className=f"gd-kpi-cmp gd-tone-{tone}"),  # type: ignore[arg-type]
        ],
        className="gd-kpi-cmp-item",
    )


def create_kpi_tile(
    key: str,
    value: Any,
    *,
    lang: str = "zh",
    yoy: Mapping[str, Any] | None = None,
    mom: Mapping[str, Any] | None = None,
    status: str | None = None,
    href: str | None = None,
    show_changes: bool = True,
    note: str | None = None,
) -> html.Div | dcc.Link:
    """One tile. `status` is red/amber/green (or None: no target)."""
    label = t(f"metric.{key}", lang)
    children = [
        html.Div(
            [
                html.Span(label, className="gd-kpi-label", title=label),
                html.Span(
                    t(f"status_short.{status}", lang) if status else "",
                    title=t(f"status.{status}", lang) if status else None,
                    className=f"gd-kpi-status gd-status-{status}" if status else "d-none",
                ),
            ],
            className="gd-kpi-head",
        ),
        html.Div(format_value(key, value), id=value_id(key), className="gd-kpi-value"),
    ]
    if show_changes:
        children.append(
            html.Div(
                [_change_line(key, "cmp.yoy", yoy, lang), _change_line(key, "cmp.mom", mom, lang)],
                className="gd-kpi-cmps",
            )
        )
    else:
        children.append(html.Div(note or "", className="gd-kpi-cmps gd-kpi-note"))
    class_name = f"gd-kpi gd-kpi-{status or 'none'}"
    if href:
        return dcc.Link(children, href=href, className=class_name, id=f"kpi-{key}", title=label)
    return html.Div(children, className=class_name, id=f"kpi-{key}")


def create_kpi_row(
    figures: Mapping[str, Any],
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    statuses: Mapping[str, str | None] | None = None,
    hrefs: Mapping[str, str] | None = None,
    lang: str = "zh",
    keys: tuple[str, ...] = TILE_KEYS,
    as_of: str | None = None,
) -> html.Div:
    """The row of tiles. `changes` is {'yoy': {metric: change}, 'mom': {...}} (the
    'change' entries of compare()); snapshot metrics (open, overdue) have none."""
    changes = changes or {}
    statuses = statuses or {}
    hrefs = hrefs or {}
    tiles = []
    for key in keys:
        yoy = (changes.get("yoy") or {}).get(key)
        mom = (changes.get("mom") or {}).get(key)
        tiles.append(
            create_kpi_tile(
                key,
                figures.get(key),
                lang=lang,
                yoy=yoy,
                mom=mom,
                status=statuses.get(key),
                href=hrefs.get(key),
                show_changes=key not in SNAPSHOT_KEYS,
                note=f"{t('page.as_of', lang)} {as_of}" if as_of else None,
            )
        )
    return html.Div(tiles, className="gd-kpi-row")
