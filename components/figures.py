"""Figure factories: each builds one Plotly figure from a small list of dicts or a
dict that a data_access function returned. No SQL, no aggregation beyond picking
and ordering what it is given.

Every figure has a title naming its region and period (so an exported image stands
on its own), the template `screen` (default), `print` or `wall`, and says so in the
plot area when there is nothing to draw instead of showing empty axes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .formatting import format_rate, format_value, is_rate
from .i18n import t
from .templates import (
    LEVEL_COLORS,
    PRIMARY,
    SECONDARY,
    STATUS_COLORS,
    template_name,
)

WARNING_LEVELS = ("red", "orange", "yellow", "green")
NO_KEY = "__none__"  # node id of a row without a code (a village's cases not in a grid)
Rows = Sequence[Mapping[str, Any]]


# ----------------------------------------------------------------- titles and empties
def chart_title(what: str, region_name: str | None = None, period: str | None = None) -> str:
    """'昆都仑区 · 月度趋势' with the period on a second, smaller line."""
    head = f"{region_name} · {what}" if region_name else what
    if period:
        return f"{head}<br><sup>{period}</sup>"
    return head


def _layout(fig: go.Figure, title: str, template: str, **extra: Any) -> go.Figure:
    fig.update_layout(
        template=template_name(template),
        title={"text": title},
        **extra,
    )
    return fig


def create_empty_figure(
    title: str = "", message: str | None = None, lang: str = "zh", template: str = "screen"
) -> go.Figure:
    """A figure with no axes and one line of text: used when a period has no data."""
    fig = go.Figure()
    fig.add_annotation(
        text=message or t("state.no_data", lang),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": "#6c757d"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, template)


def _all_zero(values: Iterable[Any]) -> bool:
    return not any(v for v in values if v)


def _pct_text(values: Iterable[float | None]) -> list[str]:
    return [format_rate(v) for v in values]


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
) -> go.Figure:
    """Monthly bars of `count_key`, a line of `rate_key` on a right axis and, when
    `previous` is given (the same months a year earlier), a dotted 同比 line."""
    if not rows or _all_zero(r.get(count_key) for r in rows):
        return create_empty_figure(title, lang=lang, template=template)
    months = [str(r["key"]) for r in rows]
    counts = [r.get(count_key) or 0 for r in rows]
    unit = t("fig.cases", lang)
    fig = go.Figure()
    fig.add_bar(
        x=months,
        y=counts,
        name=t(f"metric.{count_key}", lang),
        marker_color=PRIMARY,
        hovertemplate=f"%{{x}}<br>{t(f'metric.{count_key}', lang)}: %{{y:,}} {unit}<extra></extra>",
    )
    if previous:
        prev_counts = [r.get(count_key) or 0 for r in previous][: len(months)]
        fig.add_scatter(
            x=months[: len(prev_counts)],
            y=prev_counts,
            name=t("cmp.last_year", lang),
            mode="lines+markers",
            line={"color": "#8c8c8c", "dash": "dot"},
            customdata=[str(r["key"]) for r in previous][: len(months)],
            hovertemplate=(
                f"%{{customdata}}<br>{t('cmp.last_year', lang)}: %{{y:,}} {unit}<extra></extra>"
            ),
        )
    if rate_key:
        rates = [r.get(rate_key) for r in rows]
        fig.add_scatter(
            x=months,
            y=[None if v is None else v * 100 for v in rates],
            name=t(f"metric.{rate_key}", lang),
            yaxis="y2",
            mode="lines+markers",
            line={"color": "#e15759", "width": 2},
            text=_pct_text(rates),
            hovertemplate=f"%{{x}}<br>{t(f'metric.{rate_key}', lang)}: %{{text}}<extra></extra>",
        )
        low = min((v for v in rates if v is not None), default=0.0)
        fig.update_layout(
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "ticksuffix": "%",
                "range": [max(0.0, math.floor(low * 100 / 10) * 10 - 5), 100.5],
                "showgrid": False,
            }
        )
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=None, rangemode="tozero", tickformat=",d")
    if max(counts) <= 8:
        fig.update_yaxes(dtick=1)
    return _layout(fig, title, template, bargap=0.25, hovermode="x unified")


# ----------------------------------------------------------------- ranking bar
def create_ranking_bar(
    rows: Rows,
    *,
    metric: str = "score",
    lang: str = "zh",
    title: str = "",
    color_by_status: str | None = None,
    template: str = "screen",
) -> go.Figure:
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
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=colors,
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=[str(r["key"]) for r in ordered],
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    label = t(f"metric.{metric}", lang)
    top = max((v for v in values if v is not None), default=0) or 1
    fig.update_xaxes(title=label, ticksuffix="%" if is_rate(metric) else "", range=[0, top * 1.12])
    fig.update_yaxes(title=None, automargin=True, type="category")
    return _layout(fig, title, template, showlegend=False, margin={"l": 8})


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
) -> go.Figure:
    """The children as rectangles sized by `value_key`, tinted by the red/amber/green
    status of `color_key` (each row's `status`); `ids` are the children's codes, so
    a click drills down."""
    usable = [r for r in rows if r.get(value_key)]
    if not usable:
        return create_empty_figure(title, lang=lang, template=template)
    tints = {"red": "#f6c5c5", "amber": "#fbe3b0", "green": "#cfe9cf", None: "#d6e4f2"}
    root_id = "__root__"
    fig = go.Figure(
        go.Treemap(
            ids=[root_id] + [str(r["key"]) or NO_KEY for r in usable],
            labels=[root_name or " "] + [str(r.get("name") or r["key"]) for r in usable],
            parents=[""] + [root_id] * len(usable),
            values=[0] + [r[value_key] for r in usable],
            branchvalues="remainder",
            customdata=[["", "", ""]]
            + [
                [
                    str(r["key"]),
                    format_rate(r.get(color_key)),
                    format_value(value_key, r[value_key]),
                ]
                for r in usable
            ],
            marker={
                "colors": ["#ffffff"]
                + [tints.get((r.get("status") or {}).get(color_key), tints[None]) for r in usable],
                "line": {"color": "#ffffff", "width": 2},
            },
            texttemplate="%{label}<br>%{customdata[2]}",
            hovertemplate=(
                f"%{{label}}<br>{t(f'metric.{value_key}', lang)}: %{{customdata[2]}}"
                f"<br>{t(f'metric.{color_key}', lang)}: %{{customdata[1]}}<extra></extra>"
            ),
            tiling={"pad": 1},
            pathbar={"visible": False},
            maxdepth=2,
        )
    )
    return _layout(fig, title, template, margin={"l": 4, "r": 4, "t": 64, "b": 4})


# ----------------------------------------------------------------- choropleth map
def geojson_view(geojson: Mapping[str, Any]) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit every polygon of `geojson` in a ~340 px high map."""
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], int | float):
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
            return
        for item in coords:
            walk(item)

    for feature in geojson.get("features", []):
        walk(feature.get("geometry", {}).get("coordinates", []))
    if not lons:
        return {"lon": 110.0, "lat": 41.0}, 6.0
    lon_span = max(max(lons) - min(lons), 0.01)
    lat_mid = (max(lats) + min(lats)) / 2
    lat_span = max(max(lats) - min(lats), 0.01) / max(math.cos(math.radians(lat_mid)), 0.2)
    # MapLibre tiles are 512 px: the world is 512 * 2**zoom px wide.
    zoom = math.log2(min(320 * 360 / (512 * lat_span), 520 * 360 / (512 * lon_span)))
    return {"lon": (max(lons) + min(lons)) / 2, "lat": lat_mid}, round(max(min(zoom, 14), 1), 2)


def create_region_map(
    rows: Rows,
    geojson: Mapping[str, Any],
    *,
    lang: str = "zh",
    title: str = "",
    value_key: str = "accepted",
    template: str = "screen",
) -> go.Figure:
    """A choropleth of the children that have a polygon (feature `properties.adcode`),
    drawn offline: map style "white-bg", no tiles. `locations` are the codes, so a
    click drills down. Children without a polygon are left to the ranking."""
    codes = {str(f.get("properties", {}).get("adcode")) for f in geojson.get("features", [])}
    mapped = [r for r in rows if str(r["key"]) in codes]
    if not mapped or _all_zero(r.get(value_key) for r in rows):
        return create_empty_figure(title, lang=lang, template=template)
    center, zoom = geojson_view(geojson)
    label = t(f"metric.{value_key}", lang)
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            featureidkey="properties.adcode",
            locations=[str(r["key"]) for r in mapped],
            z=[r.get(value_key) or 0 for r in mapped],
            text=[str(r.get("name") or r["key"]) for r in mapped],
            customdata=[
                [format_value(value_key, r.get(value_key)), format_rate(r.get("closure_rate"))]
                for r in mapped
            ],
            colorscale="Blues",
            marker={"line": {"color": "#ffffff", "width": 1.2}, "opacity": 0.9},
            colorbar={"title": {"text": label}, "thickness": 12, "len": 0.8},
            hovertemplate=(
                f"%{{text}}<br>{label}: %{{customdata[0]}}"
                f"<br>{t('metric.closure_rate', lang)}: %{{customdata[1]}}<extra></extra>"
            ),
        )
    )
    fig.update_layout(map={"style": "white-bg", "center": center, "zoom": zoom})
    return _layout(fig, title, template, margin={"l": 0, "r": 0, "t": 64, "b": 0})


# ----------------------------------------------------------------- warning levels, sources
def create_level_donut(
    by_level: Mapping[str, int],
    *,
    lang: str = "zh",
    title: str = "",
    template: str = "screen",
) -> go.Figure:
    """Four-colour donut (red, orange, yellow, green) of a by_level dict."""
    values = [int(by_level.get(level) or 0) for level in WARNING_LEVELS]
    if not any(values):
        return create_empty_figure(title, lang=lang, template=template)
    levels = [level for level in WARNING_LEVELS if by_level.get(level)]
    fig = go.Figure(
        go.Pie(
            labels=[t(f"level.{level}", lang) for level in levels],
            values=[int(by_level[level]) for level in levels],
            customdata=levels,
            hole=0.55,
            sort=False,
            direction="clockwise",
            marker={"colors": [LEVEL_COLORS[level] for level in levels]},
            texttemplate="%{percent:.2%}",
            hovertemplate="%{label}: %{value:,} (%{percent})<extra></extra>",
        )
    )
    fig.add_annotation(
        text=f"{sum(values):,}<br><span style='font-size:11px'>{t('fig.cases', lang)}</span>",
        showarrow=False,
        font={"size": 18},
    )
    return _layout(fig, title, template, legend={"orientation": "v", "x": 1, "y": 0.5})


def create_share_bar(
    counts: Mapping[str, int],
    *,
    label_prefix: str | None = None,
    lang: str = "zh",
    title: str = "",
    top: int = 12,
    template: str = "screen",
    color: str = PRIMARY,
) -> go.Figure:
    """Horizontal bars of a {key: count} dict with each bar's share; keys are
    translated with `label_prefix` (e.g. 'source') or shown as they are (categories)."""
    items = [(k, int(v or 0)) for k, v in counts.items() if v]
    if not items:
        return create_empty_figure(title, lang=lang, template=template)
    items.sort(key=lambda kv: -kv[1])
    total = sum(v for _k, v in items)
    if len(items) > top:
        rest = sum(v for _k, v in items[top - 1 :])
        items = items[: top - 1] + [("__other__", rest)]
    items.reverse()
    labels = [
        t("fig.other", lang)
        if k == "__other__"
        else (t(f"{label_prefix}.{k}", lang) if label_prefix else str(k))
        for k, _v in items
    ]
    values = [v for _k, v in items]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=color,
            customdata=[k for k, _v in items],
            text=[f"{v:,} ({v / total * 100:.2f}%)" for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t("fig.cases", lang), tickformat=",d")
    fig.update_yaxes(title=None, type="category")
    return _layout(fig, title, template, showlegend=False)


def create_source_bar(
    by_source: Mapping[str, int], *, lang: str = "zh", title: str = "", template: str = "screen"
) -> go.Figure:
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
) -> go.Figure:
    """小事不出村率 and 大事不出镇率 as two 0–100% bars (from kpis())."""
    keys = ("village_contained_rate", "township_contained_rate")
    values = [figures.get(k) for k in keys]
    if all(v is None for v in values):
        return create_empty_figure(title, lang=lang, template=template)
    labels = [t(f"metric.{k}", lang) for k in keys]
    fig = go.Figure(
        go.Bar(
            x=[None if v is None else v * 100 for v in values],
            y=labels,
            orientation="h",
            marker_color=["#59a14f", "#1f5fa8"],
            text=_pct_text(values),
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
            width=0.5,
        )
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title=None)
    fig.update_yaxes(title=None, autorange="reversed")
    return _layout(fig, title, template, showlegend=False)


# ----------------------------------------------------------------- center load
def create_center_load_bar(
    centers: Rows,
    *,
    lang: str = "zh",
    title: str = "",
    top: int = 15,
    template: str = "screen",
) -> go.Figure:
    """Open cases per center, overdue part in red, open-per-staff in the label
    (rows as in kpis()['center_load'] or breakdown(by='center'))."""
    usable = [c for c in centers if c.get("open")]
    if not usable:
        return create_empty_figure(title, lang=lang, template=template)
    usable = sorted(usable, key=lambda c: (-c["open"], str(c.get("name"))))[:top]
    usable.reverse()
    names = [str(c.get("name")) for c in usable]
    overdue = [int(c.get("overdue_open") or 0) for c in usable]
    in_time = [int(c["open"]) - o for c, o in zip(usable, overdue, strict=True)]
    per_staff = [
        "—" if c.get("open_per_staff") is None else f"{c['open_per_staff']:.2f}" for c in usable
    ]
    fig = go.Figure()
    fig.add_bar(
        x=in_time,
        y=names,
        orientation="h",
        name=t("fig.open_in_time", lang),
        marker_color=SECONDARY,
        hovertemplate=f"%{{y}}<br>{t('fig.open_in_time', lang)}: %{{x:,}}<extra></extra>",
    )
    fig.add_bar(
        x=overdue,
        y=names,
        orientation="h",
        name=t("metric.overdue_open", lang),
        marker_color="#d62728",
        text=[f"{c['open']:,}" for c in usable],
        textposition="outside",
        cliponaxis=False,
        customdata=per_staff,
        hovertemplate=(
            f"%{{y}}<br>{t('metric.overdue_open', lang)}: %{{x:,}}"
            f"<br>{t('metric.open_per_staff', lang)}: %{{customdata}}<extra></extra>"
        ),
    )
    fig.update_xaxes(title=t("fig.cases", lang), tickformat=",d")
    fig.update_yaxes(title=None, type="category", automargin=True)
    return _layout(fig, title, template, barmode="stack", margin={"r": 40})


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
) -> go.Figure:
    """One bar per unit (region or center) for a rate or count `metric`; the worst
    units first (at the top). `status` maps a unit key to red/amber/green."""
    usable = [r for r in rows if r.get(metric) is not None]
    if not usable:
        return create_empty_figure(title, lang=lang, template=template)
    from .formatting import LOWER_IS_BETTER

    bad_high = metric in LOWER_IS_BETTER
    usable.sort(key=lambda r: r[metric], reverse=bad_high == worst_first)
    usable = usable[:top]
    usable.reverse()  # plotly draws bottom-up: the first row ends at the top
    rate = is_rate(metric)
    fig = go.Figure(
        go.Bar(
            x=[r[metric] * 100 if rate else r[metric] for r in usable],
            y=[str(r.get("name") or r["key"]) for r in usable],
            orientation="h",
            marker_color=[
                STATUS_COLORS.get((status or {}).get(str(r["key"])), PRIMARY) for r in usable
            ],
            text=[format_value(metric, r[metric]) for r in usable],
            textposition="outside",
            cliponaxis=False,
            customdata=[str(r["key"]) for r in usable],
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    top_value = max((r[metric] * 100 if rate else r[metric]) for r in usable) or 1
    fig.update_xaxes(
        title=t(f"metric.{metric}", lang),
        ticksuffix="%" if rate else "",
        range=[0, top_value * 1.15],
    )
    fig.update_yaxes(title=None, type="category", automargin=True)
    return _layout(fig, title, template, showlegend=False)


def create_yoy_trend(
    rows: Rows,
    previous: Rows,
    *,
    metric: str,
    lang: str = "zh",
    title: str = "",
    template: str = "screen",
) -> go.Figure:
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
