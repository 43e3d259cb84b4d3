"""KPI tiles: value, 同比/环比 arrows (rates in pp, counts in %), red/amber/green.

`create_kpi_row` takes what a page got from data_access: the kpis() dict, the
compare() changes, the statuses from status_for(), and the drill-through links.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .formatting import change_tone, format_change, format_value
from .html_block import HtmlBlock
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


KPI_TILES_ID = "kpi-tiles"  # the HtmlBlock of the tiles (its `markup` is their HTML)


def _change_html(key: str, label_key: str, change: Mapping[str, Any] | None, lang: str) -> str:
    tone = change_tone(key, change)  # type: ignore[arg-type]
    return (
        '<span class="gd-kpi-cmp-item">'
        f'<span class="gd-kpi-cmp-label">{escape(t(label_key, lang))}</span>'
        f'<span class="gd-kpi-cmp gd-tone-{tone}">{escape(format_change(change, lang))}</span>'  # type: ignore[arg-type]
        "</span>"
    )


def kpi_tile_html(
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
) -> str:
    """One tile as HTML. `status` is red/amber/green (or None: no target); with `href`
    the tile is a link (<a data-gd-nav>: assets/govdash.js opens it inside the app)."""
    label = escape(t(f"metric.{key}", lang))
    badge = (
        f'<span class="gd-kpi-status gd-status-{status}" title="{escape(t(f"status.{status}", lang))}">'
        f"{escape(t(f'status_short.{status}', lang))}</span>"
        if status
        else '<span class="d-none"></span>'
    )
    if show_changes:
        tail = (
            '<div class="gd-kpi-cmps">'
            + _change_html(key, "cmp.yoy", yoy, lang)
            + _change_html(key, "cmp.mom", mom, lang)
            + "</div>"
        )
    else:
        tail = f'<div class="gd-kpi-cmps gd-kpi-note">{escape(note or "")}</div>'
    body = (
        f'<div class="gd-kpi-head"><span class="gd-kpi-label" title="{label}">{label}</span>'
        f"{badge}</div>"
        f'<div id="{value_id(key)}" class="gd-kpi-value">{escape(format_value(key, value))}</div>'
        f"{tail}"
    )
    attrs = f'id="kpi-{escape(key)}" class="gd-kpi gd-kpi-{status or "none"}" title="{label}"'
    if href:
        return f'<a {attrs} href="{escape(href)}" data-gd-nav="1">{body}</a>'
    return f"<div {attrs}>{body}</div>"


def kpi_row_html(
    figures: Mapping[str, Any],
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    statuses: Mapping[str, str | None] | None = None,
    hrefs: Mapping[str, str] | None = None,
    lang: str = "zh",
    keys: tuple[str, ...] = TILE_KEYS,
    as_of: str | None = None,
) -> str:
    """The tiles of `keys` as HTML. `changes` is {'yoy': {metric: change}, 'mom': {...}}
    (the 'change' entries of compare()); snapshot metrics (open, overdue) have none."""
    changes = changes or {}
    statuses = statuses or {}
    hrefs = hrefs or {}
    return "".join(
        kpi_tile_html(
            key,
            figures.get(key),
            lang=lang,
            yoy=(changes.get("yoy") or {}).get(key),
            mom=(changes.get("mom") or {}).get(key),
            status=statuses.get(key),
            href=hrefs.get(key),
            show_changes=key not in SNAPSHOT_KEYS,
            note=f"{t('page.as_of', lang)} {as_of}" if as_of else None,
        )
        for key in keys
    )


def create_kpi_tiles(tiles_html: str, class_name: str = "gd-kpi-row") -> HtmlBlock:
    """A row of tiles given as HTML (kpi_tile_html, kpi_row_html).

    HTML rather than Dash components: nine tiles are about a hundred components, and
    the Dash renderer walks every component of a page at each update; as one string
    (components/html_block.py) they cost the renderer nothing."""
    return HtmlBlock(id=KPI_TILES_ID, markup=tiles_html, className=class_name)


def create_kpi_row(
    figures: Mapping[str, Any],
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    statuses: Mapping[str, str | None] | None = None,
    hrefs: Mapping[str, str] | None = None,
    lang: str = "zh",
    keys: tuple[str, ...] = TILE_KEYS,
    as_of: str | None = None,
) -> HtmlBlock:
    """The row of tiles (see kpi_row_html)."""
    return create_kpi_tiles(
        kpi_row_html(
            figures, changes, statuses=statuses, hrefs=hrefs, lang=lang, keys=keys, as_of=as_of
        )
    )
