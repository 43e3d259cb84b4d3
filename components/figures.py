"""Figure factories: each builds one Plotly figure from a small list of dicts or a
dict that a data_access function returned. No SQL, no aggregation beyond picking
and ordering what it is given.

Every figure has a title naming its region and period (so an exported image stands
on its own), the template `screen` (default), `print` or `wall`, and says so in the
plot area when there is nothing to draw instead of showing empty axes.

Figures are plain dicts ({"data": [...], "layout": {...}}), the JSON dcc.Graph and
kaleido take, with the template written in. Building them through plotly's
`go.Figure` validated and deep-copied every property (the district polygons too):
about 45 ms of a region page's 80 ms on the server. The unit tests pass each
factory's output through `go.Figure`, which validates every property, so a typo
still fails a test. Margins are set from the labels' lengths so that plotly's
automargin (kept on, for labels longer than the estimate) rarely has to draw a
chart twice.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from .formatting import LOWER_IS_BETTER, format_rate, format_value, is_rate
from .i18n import t
from .templates import (
    LEVEL_COLORS,
    PRIMARY,
    SECONDARY,
    STATUS_COLORS,
    template_layout,
)

WARNING_LEVELS = ("red", "orange", "yellow", "green")
NO_KEY = "__none__"  # node id of a row without a code (a village's cases not in a grid)
Rows = Sequence[Mapping[str, Any]]
Figure = dict[str, Any]
FONT_SIZE = 12  # the screen template's font size (templates.py)
RATE_COLOR = "#e15759"  # a trend's rate line


# ----------------------------------------------------------------- titles and empties
def chart_title(what: str, region_name: str | None = None, period: str | None = None) -> str:
    """'昆都仑区 · 月度趋势' with the period on a second, smaller line."""
    head = f"{region_name} · {what}" if region_name else what
    if period:
        return f"{head}<br><sup>{period}</sup>"
    return head


def figure_fingerprint(figure: Figure) -> str:
    """A short digest of a figure's JSON: equal for an equal figure, so a page can
    leave a chart that would not change alone instead of redrawing it. Keys are not
    sorted: the same factory writes them in the same order, and a figure taken for
    changed only costs a redraw."""
    encoded = orjson.dumps(figure, option=orjson.OPT_SERIALIZE_NUMPY, default=str)
    return hashlib.blake2b(encoded, digest_size=12).hexdigest()


def text_width(text: str, size: int = FONT_SIZE) -> int:
    """About how many pixels `text` takes at `size` px: a CJK character is one em,
    anything else about 0.6 em (Noto Sans CJK)."""
    em = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in str(text))
    return math.ceil(em * size)


def _figure(
    traces: list[dict[str, Any]],
    title: str,
    template: str,
    **layout: Any,
) -> Figure:
    """{"data", "layout"} with the template and title; `layout` keys win."""
    return {
        "data": traces,
        "layout": {"template": template_layout(template), "title": {"text": title}, **layout},
    }


def create_empty_figure(
    title: str = "", message: str | None = None, lang: str = "zh", template: str = "screen"
) -> Figure:
    """A figure with no axes and one line of text: used when a period has no data."""
    return _figure(
        [],
        title,
        template,
        annotations=[
            {
                "text": message or t("state.no_data", lang),
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 15, "color": "#6c757d"},
            }
        ],
        xaxis={"visible": False},
        yaxis={"visible": False},
    )


def _all_zero(values: Iterable[Any]) -> bool:
    return not any(v for v in values if v)


def _pct_text(values: Iterable[float | None]) -> list[str]:
    return [format_rate(v) for v in values]


def _names_margin(names: Iterable[str], extra: int = 16) -> int:
    """Left margin for category names on a horizontal bar chart's y axis."""
    return max((text_width(name) for name in names), default=0) + extra


def _tick_overhang(label: str, least: int = 16) -> int:
    """Right margin for a value axis whose last tick label (about `label`) is centred
    on the plot's right edge: half of it sticks out, plus plotly's padding. Without it
    automargin pushes the margin out after drawing, and every redraw is drawn twice."""
    return max(least, math.ceil(text_width(label) / 2) + 16)


# ----------------------------------------------------------------- trend
def create_trend_figure(
    rows: Rows,
    previous: Rows | None = None,
    *,
    lang: str = "zh",
    title: str = "",
    count_key: str = "accepted",
    rate_key: str | None = "closure_rate",
    template: str = "screen",
    month_ranges: Sequence[Sequence[str]] | None = None,
    unfinished: tuple[str, str] | None = None,
) -> Figure:
    """Monthly bars of `count_key`, a line of `rate_key` on a right axis and, when
    `previous` is given (the same months a year earlier), a dotted 同比 line.
    `month_ranges` (one per row) is what a click on each month's bar opens: the bar's
    customdata (pages/_drill.py). `unfinished` = (month key, day seen up to) names a
    last month not yet over: its rate is of a young cohort (cases accepted days ago
    are rarely closed yet), so its line is dotted, its marker hollow and its hover
    says so; a solid line there read as a collapse."""
    if not rows or _all_zero(r.get(count_key) for r in rows):
        return create_empty_figure(title, lang=lang, template=template)
    months = [str(r["key"]) for r in rows]
    counts = [r.get(count_key) or 0 for r in rows]
    unit = t("fig.cases", lang)
    label = t(f"metric.{count_key}", lang)
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": months,
            "y": counts,
            "name": label,
            "marker": {"color": PRIMARY},
            "hovertemplate": f"%{{x}}<br>{label}: %{{y:,}} {unit}<extra></extra>",
        }
    ]
    if month_ranges is not None:
        traces[0]["customdata"] = [list(r) for r in month_ranges]
    if previous:
        prev_counts = [r.get(count_key) or 0 for r in previous][: len(months)]
        traces.append(
            {
                "type": "scatter",
                "x": months[: len(prev_counts)],
                "y": prev_counts,
                "name": t("cmp.last_year", lang),
                "mode": "lines+markers",
                "line": {"color": "#8c8c8c", "dash": "dot"},
                "customdata": [str(r["key"]) for r in previous][: len(months)],
                "hovertemplate": (
                    f"%{{customdata}}<br>{t('cmp.last_year', lang)}: %{{y:,}} {unit}<extra></extra>"
                ),
            }
        )
    layout: dict[str, Any] = {}
    if rate_key:
        rates = [r.get(rate_key) for r in rows]
        rate_label = t(f"metric.{rate_key}", lang)
        percents = [None if v is None else v * 100 for v in rates]
        texts = _pct_text(rates)
        young = unfinished is not None and len(months) > 1 and months[-1] == unfinished[0]
        if young:
            note = t("fig.unfinished", lang).format(day=unfinished[1])
            texts[-1] += note
        traces.append(
            {
                "type": "scatter",
                "x": months,
                "y": percents[:-1] + [None] if young else percents,
                "name": rate_label,
                "yaxis": "y2",
                "mode": "lines+markers",
                "line": {"color": RATE_COLOR, "width": 2},
                "text": texts,
                "hovertemplate": f"%{{x}}<br>{rate_label}: %{{text}}<extra></extra>",
            }
        )
        if young and percents[-1] is not None:
            # The month not yet over: dotted from the month before, hollow marker.
            traces.append(
                {
                    "type": "scatter",
                    "x": months[-2:],
                    "y": percents[-2:],
                    "text": texts[-2:],
                    "name": rate_label + note,
                    "yaxis": "y2",
                    "mode": "lines+markers",
                    "line": {"color": RATE_COLOR, "width": 2, "dash": "dot"},
                    "marker": {"symbol": ["circle", "circle-open"], "size": [0, 9]},
                    "showlegend": False,
                    "hovertemplate": [
                        "<extra></extra>",
                        f"%{{x}}<br>{rate_label}: %{{text}}<extra></extra>",
                    ],
                }
            )
        low = min((v for v in rates if v is not None), default=0.0)
        layout["yaxis2"] = {
            "overlaying": "y",
            "side": "right",
            "ticksuffix": "%",
            "range": [max(0.0, math.floor(low * 100 / 10) * 10 - 5), 100.5],
            # plotly.js 3 syncs an overlaying axis' ticks to the left axis' grid by
            # default, which put them at 23.6%, 47.3% …; whole tens read better.
            "tickmode": "auto",
            "showgrid": False,
        }
    # Month labels lie flat up to about 12 of them; beyond, slanted.
    slanted = len(months) > 12
    top = max(max(counts), max((r.get(count_key) or 0 for r in previous or ()), default=0))
    yaxis: dict[str, Any] = {"title": {"text": None}, "rangemode": "tozero", "tickformat": ",d"}
    if max(counts) <= 8:
        yaxis["dtick"] = 1
    return _figure(
        traces,
        title,
        template,
        bargap=0.25,
        hovermode="x unified",
        xaxis={"type": "category", "title": {"text": None}, "tickangle": -45 if slanted else 0},
        yaxis=yaxis,
        margin={
            "l": text_width(f"{top:,}") + 18,
            "r": 64 if rate_key else 16,
            "t": 72,
            "b": 66 if slanted else 36,
        },
        **layout,
    )


# ----------------------------------------------------------------- ranking bar
def create_ranking_bar(
    rows: Rows,
    *,
    metric: str = "score",
    lang: str = "zh",
    title: str = "",
    color_by_status: str | None = None,
    template: str = "screen",
) -> Figure:
    """Horizontal bars of the children, best at the top; `customdata` holds each
    child's code so a click can drill down. With `color_by_status` (a metric), bars
    take that metric's red/amber/green status from each row's `status`."""
    usable = [r for r in rows if r.get(metric) is not None]
    if not usable:
        return create_empty_figure(title, lang=lang, template=template)
    ordered = sorted(usable, key=lambda r: r[metric])  # plotly draws bottom-up
    names = [str(r.get("name") or r.get("key")) for r in ordered]
    values = [r[metric] * 100 if is_rate(metric) else r[metric] for r in ordered]
    text = [
        format_value(metric, r[metric]) if metric != "score" else f"{r[metric]:.2f}"
        for r in ordered
    ]
    colors = [
        STATUS_COLORS.get((r.get("status") or {}).get(color_by_status), PRIMARY)
        if color_by_status
        else PRIMARY
        for r in ordered
    ]
    label = t(f"metric.{metric}", lang)
    top = max((v for v in values if v is not None), default=0) or 1
    trace = {
        "type": "bar",
        "x": values,
        "y": names,
        "orientation": "h",
        "marker": {"color": colors},
        "text": text,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [str(r["key"]) for r in ordered],
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    return _figure(
        [trace],
        title,
        template,
        showlegend=False,
        xaxis={
            "title": {"text": label},
            "ticksuffix": "%" if is_rate(metric) else "",
            "range": [0, top * 1.12],
        },
        yaxis={"title": {"text": None}, "automargin": True, "type": "category"},
        margin={
            "l": _names_margin(names),
            "r": _tick_overhang(f"{top * 1.12:,.0f}{'%' if is_rate(metric) else ''}"),
            "t": 72,
            "b": 52,
        },
    )


# ----------------------------------------------------------------- treemap
def create_treemap(
    rows: Rows,
    *,
    lang: str = "zh",
    title: str = "",
    value_key: str = "accepted",
    color_key: str = "closure_rate",
    root_name: str = "",
    template: str = "screen",
) -> Figure:
    """The children as rectangles sized by `value_key`, tinted by the red/amber/green
    status of `color_key` (each row's `status`); `ids` are the children's codes, so
    a click drills down."""
    usable = [r for r in rows if r.get(value_key)]
    if not usable:
        return create_empty_figure(title, lang=lang, template=template)
    tints = {"red": "#f6c5c5", "amber": "#fbe3b0", "green": "#cfe9cf", None: "#d6e4f2"}
    root_id = "__root__"
    trace = {
        "type": "treemap",
        "ids": [root_id] + [str(r["key"]) or NO_KEY for r in usable],
        "labels": [root_name or " "] + [str(r.get("name") or r["key"]) for r in usable],
        "parents": [""] + [root_id] * len(usable),
        "values": [0] + [r[value_key] for r in usable],
        "branchvalues": "remainder",
        "customdata": [["", "", ""]]
        + [
            [str(r["key"]), format_rate(r.get(color_key)), format_value(value_key, r[value_key])]
            for r in usable
        ],
        "marker": {
            "colors": ["#ffffff"]
            + [tints.get((r.get("status") or {}).get(color_key), tints[None]) for r in usable],
            "line": {"color": "#ffffff", "width": 2},
        },
        "texttemplate": "%{label}<br>%{customdata[2]}",
        "hovertemplate": (
            f"%{{label}}<br>{t(f'metric.{value_key}', lang)}: %{{customdata[2]}}"
            f"<br>{t(f'metric.{color_key}', lang)}: %{{customdata[1]}}<extra></extra>"
        ),
        "tiling": {"pad": 1},
        "pathbar": {"visible": False},
        "maxdepth": 2,
    }
    return _figure([trace], title, template, margin={"l": 4, "r": 4, "t": 64, "b": 4})


# ----------------------------------------------------------------- choropleth map
def create_region_map(
    rows: Rows,
    geojson: Mapping[str, Any],
    *,
    geojson_url: str | None = None,
    lang: str = "zh",
    title: str = "",
    value_key: str = "accepted",
    template: str = "screen",
) -> Figure:
    """A choropleth of the children that have a polygon (feature `properties.adcode`):
    plotly's geo `choropleth`, drawn as SVG with no base map (geo.visible off) and
    fitted to the polygons, so nothing is fetched from outside the app and it exports
    as vector graphics. `locations` are the codes, so a click drills down. Children
    without a polygon are left to the ranking. With `geojson_url` (the app's own URL
    of the same polygons, components/geo.py) the figure carries that URL instead of
    the polygons; an export outside a browser (kaleido) needs them inside."""
    codes = {str(f.get("properties", {}).get("adcode")) for f in geojson.get("features", [])}
    mapped = [r for r in rows if str(r["key"]) in codes]
    if not mapped or _all_zero(r.get(value_key) for r in rows):
        return create_empty_figure(title, lang=lang, template=template)
    label = t(f"metric.{value_key}", lang)
    trace = {
        "type": "choropleth",
        "geojson": geojson_url or geojson,
        "featureidkey": "properties.adcode",
        "locationmode": "geojson-id",
        "locations": [str(r["key"]) for r in mapped],
        "z": [r.get(value_key) or 0 for r in mapped],
        "text": [str(r.get("name") or r["key"]) for r in mapped],
        "customdata": [
            [format_value(value_key, r.get(value_key)), format_rate(r.get("closure_rate"))]
            for r in mapped
        ],
        # Light for few cases, dark for many (plotly's own "Blues" runs the other way).
        "colorscale": [[0, "#dbe9f6"], [0.5, "#6aaed6"], [1, "#08519c"]],
        "marker": {"line": {"color": "#ffffff", "width": 1.2}, "opacity": 0.95},
        "colorbar": {"title": {"text": label}, "thickness": 12, "len": 0.8},
        "hovertemplate": (
            f"%{{text}}<br>{label}: %{{customdata[0]}}"
            f"<br>{t('metric.closure_rate', lang)}: %{{customdata[1]}}<extra></extra>"
        ),
    }
    return _figure(
        [trace],
        title,
        template,
        geo={
            # No land, ocean or borders: only the children's polygons (plotly still
            # asks for its world topojson; assets/govdash-geo.js has an empty one).
            "visible": False,
            "resolution": 110,
            "fitbounds": "locations",
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
        },
        # Room for the colour bar (its ticks and title), which would otherwise push the
        # right margin out after drawing, on every redraw.
        margin={"l": 0, "r": _colorbar_width(max(trace["z"]), label), "t": 64, "b": 0},
    )


def _colorbar_width(top: float, title: str) -> int:
    """About how wide plotly draws a vertical colour bar of thickness 12 whose largest
    tick is about `top`, titled `title` on top: bar, padding, tick labels."""
    return 12 + 30 + max(text_width(f"{top:,.0f}"), text_width(title) - 12) + 10


# ----------------------------------------------------------------- warning levels, sources
def create_level_donut(
    by_level: Mapping[str, int],
    *,
    lang: str = "zh",
    title: str = "",
    template: str = "screen",
) -> Figure:
    """Four-colour donut (red, orange, yellow, green) of a by_level dict."""
    values = [int(by_level.get(level) or 0) for level in WARNING_LEVELS]
    if not any(values):
        return create_empty_figure(title, lang=lang, template=template)
    levels = [level for level in WARNING_LEVELS if by_level.get(level)]
    trace = {
        "type": "pie",
        "labels": [t(f"level.{level}", lang) for level in levels],
        "values": [int(by_level[level]) for level in levels],
        "customdata": levels,
        "hole": 0.55,
        "sort": False,
        "direction": "clockwise",
        "marker": {"colors": [LEVEL_COLORS[level] for level in levels]},
        "texttemplate": "%{percent:.2%}",
        "hovertemplate": "%{label}: %{value:,} (%{percent})<extra></extra>",
    }
    centre = {
        "text": f"{sum(values):,}<br><span style='font-size:11px'>{t('fig.cases', lang)}</span>",
        "showarrow": False,
        "font": {"size": 18},
    }
    return _figure(
        [trace],
        title,
        template,
        annotations=[centre],
        legend={"orientation": "v", "x": 1, "y": 0.5},
    )


def create_share_bar(
    counts: Mapping[str, int],
    *,
    label_prefix: str | None = None,
    lang: str = "zh",
    title: str = "",
    top: int = 12,
    template: str = "screen",
    color: str = PRIMARY,
) -> Figure:
    """Horizontal bars of a {key: count} dict with each bar's share; keys are
    translated with `label_prefix` (e.g. 'source') or shown as they are (categories)."""
    items = [(k, int(v or 0)) for k, v in counts.items() if v]
    if not items:
        return create_empty_figure(title, lang=lang, template=template)
    items.sort(key=lambda kv: -kv[1])
    total = sum(v for _k, v in items)
    other = ""
    if len(items) > top:
        rest = sum(v for _k, v in items[top - 1 :])
        other = t("fig.other", lang).format(n=len(items) - top + 1)
        items = items[: top - 1] + [("__other__", rest)]
    items.reverse()
    labels = [
        other if k == "__other__" else (t(f"{label_prefix}.{k}", lang) if label_prefix else str(k))
        for k, _v in items
    ]
    values = [v for _k, v in items]
    trace = {
        "type": "bar",
        "x": values,
        "y": labels,
        "orientation": "h",
        "marker": {"color": color},
        "customdata": [k for k, _v in items],
        "text": [f"{v:,} ({v / total * 100:.2f}%)" for v in values],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    return _figure(
        [trace],
        title,
        template,
        showlegend=False,
        xaxis={"title": {"text": t("fig.cases", lang)}, "tickformat": ",d"},
        yaxis={"title": {"text": None}, "type": "category"},
        margin={
            "l": _names_margin(labels),
            "r": _tick_overhang(f"{max(values):,}"),
            "t": 72,
            "b": 52,
        },
    )


def create_source_bar(
    by_source: Mapping[str, int], *, lang: str = "zh", title: str = "", template: str = "screen"
) -> Figure:
    """来源结构: the by_source dict of kpis()."""
    return create_share_bar(
        by_source, label_prefix="source", lang=lang, title=title, template=template
    )


# ----------------------------------------------------------------- containment
def create_containment_figure(
    figures: Mapping[str, Any],
    *,
    lang: str = "zh",
    title: str = "",
    template: str = "screen",
) -> Figure:
    """小事不出村率 and 大事不出镇率 as two 0–100% bars (from kpis())."""
    keys = ("village_contained_rate", "township_contained_rate")
    values = [figures.get(k) for k in keys]
    if all(v is None for v in values):
        return create_empty_figure(title, lang=lang, template=template)
    labels = [t(f"metric.{k}", lang) for k in keys]
    # A click opens the cases each share counts (their case-list status); the hover
    # says how many they are.
    counts = [figures.get(k.removesuffix("_rate")) for k in keys]
    unit = t("fig.cases", lang)
    trace = {
        "type": "bar",
        "x": [None if v is None else v * 100 for v in values],
        "y": labels,
        "orientation": "h",
        "marker": {"color": ["#59a14f", "#1f5fa8"]},
        "text": _pct_text(values),
        "textposition": "auto",
        "customdata": [k.removesuffix("_rate") for k in keys],
        "hovertext": [
            f"{text} ({count:,} {unit})" if count is not None else text
            for text, count in zip(_pct_text(values), counts, strict=True)
        ],
        "hovertemplate": "%{y}: %{hovertext}<extra></extra>",
        "width": 0.5,
    }
    return _figure(
        [trace],
        title,
        template,
        showlegend=False,
        xaxis={"range": [0, 100], "ticksuffix": "%", "title": {"text": None}},
        yaxis={"title": {"text": None}, "autorange": "reversed"},
        margin={"l": _names_margin(labels), "r": _tick_overhang("100%"), "t": 72, "b": 36},
    )


# ----------------------------------------------------------------- center load
def create_center_load_bar(
    centers: Rows,
    *,
    lang: str = "zh",
    title: str = "",
    top: int = 15,
    template: str = "screen",
) -> Figure:
    """Open cases per center, overdue part in red, open-per-staff in the label
    (rows as in kpis()['center_load'] or breakdown(by='center')). Trace 0 is the part
    not yet overdue, trace 1 the overdue part; both carry the center ids as `ids`."""
    usable = [c for c in centers if c.get("open")]
    if not usable:  # a snapshot: the period may have cases, none open at as_of
        return create_empty_figure(title, t("state.no_open", lang), lang=lang, template=template)
    usable = sorted(usable, key=lambda c: (-c["open"], str(c.get("name"))))[:top]
    usable.reverse()
    names = [str(c.get("name")) for c in usable]
    overdue = [int(c.get("overdue_open") or 0) for c in usable]
    in_time = [int(c["open"]) - o for c, o in zip(usable, overdue, strict=True)]
    per_staff = [
        "—" if c.get("open_per_staff") is None else f"{c['open_per_staff']:.2f}" for c in usable
    ]
    # Each bar's center id (kpis rows say center_id, breakdown rows key): a click on
    # either part opens that center's cases of the part (pages/_drill.py).
    center_ids = [str(c.get("center_id", c.get("key", ""))) for c in usable]
    in_time_label = t("fig.open_in_time", lang)
    overdue_label = t("metric.overdue_open", lang)
    traces = [
        {
            "type": "bar",
            "x": in_time,
            "y": names,
            "orientation": "h",
            "name": in_time_label,
            "ids": center_ids,
            "marker": {"color": SECONDARY},
            "hovertemplate": f"%{{y}}<br>{in_time_label}: %{{x:,}}<extra></extra>",
        },
        {
            "type": "bar",
            "x": overdue,
            "y": names,
            "orientation": "h",
            "name": overdue_label,
            "ids": center_ids,
            "marker": {"color": "#d62728"},
            "text": [f"{c['open']:,}" for c in usable],
            "textposition": "outside",
            "cliponaxis": False,
            "customdata": per_staff,
            "hovertemplate": (
                f"%{{y}}<br>{overdue_label}: %{{x:,}}"
                f"<br>{t('metric.open_per_staff', lang)}: %{{customdata}}<extra></extra>"
            ),
        },
    ]
    return _figure(
        traces,
        title,
        template,
        barmode="stack",
        xaxis={"title": {"text": t("fig.cases", lang)}, "tickformat": ",d"},
        yaxis={"title": {"text": None}, "type": "category", "automargin": True},
        margin={
            "l": _names_margin(names),
            "r": max(40, _tick_overhang(f"{max(c['open'] for c in usable):,}")),
            "t": 72,
            "b": 52,
        },
    )


# ----------------------------------------------------------------- per-unit rate bars
def create_unit_rate_bar(
    rows: Rows,
    *,
    metric: str,
    lang: str = "zh",
    title: str = "",
    worst_first: bool = True,
    top: int = 30,
    status: Mapping[str, str | None] | None = None,
    template: str = "screen",
    count_key: str | None = None,
    empty_message: str | None = None,
) -> Figure:
    """One bar per unit (region or center) for a rate or count `metric`; the worst
    units first (at the top). `status` maps a unit key to red/amber/green. With
    `count_key` the hover also gives that count of each unit (the cases a click on
    a rate's bar opens). `empty_message`: what no bar means (default: no data)."""
    usable = [r for r in rows if r.get(metric) is not None]
    if not usable:
        return create_empty_figure(title, empty_message, lang=lang, template=template)
    bad_high = metric in LOWER_IS_BETTER
    usable.sort(key=lambda r: r[metric], reverse=bad_high == worst_first)
    usable = usable[:top]
    usable.reverse()  # plotly draws bottom-up: the first row ends at the top
    rate = is_rate(metric)
    names = [str(r.get("name") or r["key"]) for r in usable]
    values = [r[metric] * 100 if rate else r[metric] for r in usable]
    trace = {
        "type": "bar",
        "x": values,
        "y": names,
        "orientation": "h",
        "marker": {
            "color": [STATUS_COLORS.get((status or {}).get(str(r["key"])), PRIMARY) for r in usable]
        },
        "text": [format_value(metric, r[metric]) for r in usable],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [str(r["key"]) for r in usable],
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    if count_key:
        count_label = t(f"metric.{count_key}", lang)
        trace["hovertext"] = [
            f"{format_value(metric, r[metric])}<br>"
            f"{count_label}: {format_value(count_key, r.get(count_key))}"
            for r in usable
        ]
        trace["hovertemplate"] = "%{y}: %{hovertext}<extra></extra>"
    top_value = max(values) or 1
    return _figure(
        [trace],
        title,
        template,
        showlegend=False,
        xaxis={
            "title": {"text": t(f"metric.{metric}", lang)},
            "ticksuffix": "%" if rate else "",
            "range": [0, top_value * 1.15],
        },
        yaxis={"title": {"text": None}, "type": "category", "automargin": True},
        margin={
            "l": _names_margin(names),
            "r": _tick_overhang(f"{top_value * 1.15:,.0f}{'%' if rate else ''}"),
            "t": 72,
            "b": 52,
        },
    )


def create_yoy_trend(
    rows: Rows,
    previous: Rows,
    *,
    metric: str,
    lang: str = "zh",
    title: str = "",
    template: str = "screen",
) -> Figure:
    """A monthly metric against the same months a year earlier (同比)."""
    return create_trend_figure(
        rows,
        previous,
        lang=lang,
        title=title,
        count_key=metric,
        rate_key=None,
        template=template,
    )
