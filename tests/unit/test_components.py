"""Unit tests of the UI building blocks: i18n, number formatting, KPI tiles, the
filter bar's URL logic, breadcrumb, figure factories, chart export config, the
GeoJSON lookup, the navigation bar and the cache configuration. No database."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash import dcc, html
from page_helpers import walk

from components import figures
from components.breadcrumb import create_breadcrumb
from components.filters import (
    DATES_ID,
    FILTER_SHOWN_ID,
    KIND_ID,
    PERIOD_ID,
    create_filter_bar,
    merge_query,
    preset_dates,
)
from components.formatting import (
    change_tone,
    format_change,
    format_count,
    format_rate,
    format_value,
)
from components.geo import geojson_path, load_geojson, polygon_codes
from components.graph import SVG_BUTTON, create_chart_card, graph_config, safe_filename
from components.html_block import HtmlBlock
from components.i18n import TEXT, t
from components.kpi import (
    KPI_TILES_ID,
    TILE_KEYS,
    create_kpi_row,
    kpi_tile_html,
    value_id,
)
from components.shell import create_navbar, create_shell, current_region, nav_links
from components.tables import (
    RANKING_COLUMNS,
    RANKING_TABLE_HTML_ID,
    create_ranking_table,
    ranking_rows,
    ranking_table_html,
)
from components.templates import EXPORT_HEIGHT, EXPORT_SCALE, EXPORT_WIDTH, FONT_FAMILY
from components.url_state import KINDS, PRESETS, SOURCES, WARNING_LEVELS, parse_filters


# ------------------------------------------------------------------ helpers
class _ValidatedFigures:
    """components.figures, with each create_* factory's dict passed through
    go.Figure: plotly validates every property (a misspelt one raises) and the
    tests read the figure through its attributes."""

    def __getattr__(self, name: str):
        factory = getattr(figures, name)
        if not name.startswith("create_"):
            return factory
        return lambda *args, **kwargs: go.Figure(factory(*args, **kwargs))


F = _ValidatedFigures()


def find(tree, component_id):
    for component in walk(tree):
        if getattr(component, "id", None) == component_id:
            return component
    raise AssertionError(f"no component with id {component_id!r}")


def texts(tree) -> list[str]:
    out = []
    for component in walk(tree):
        children = getattr(component, "children", None)
        if isinstance(children, str):
            out.append(children)
    return out


# ------------------------------------------------------------------ i18n
def test_every_label_has_both_languages():
    for key, pair in TEXT.items():
        assert len(pair) == 2 and all(isinstance(p, str) and p for p in pair), key


def test_t_defaults_to_chinese_and_switches_to_english():
    assert t("metric.accepted") == "受理量"
    assert t("metric.accepted", "zh") == "受理量"
    assert t("metric.accepted", "en") == "Accepted"
    assert t("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize(
    "key",
    [f"metric.{k}" for k in TILE_KEYS]
    + [f"period.{p}" for p in PRESETS]
    + [f"kind.{k}" for k in KINDS]
    + [f"source.{s}" for s in SOURCES]
    + [f"level.{level}" for level in WARNING_LEVELS]
    + [f"nav.{n}" for n in ("home", "region", "petitions", "disputes", "satisfaction")]
    + [f"nav.{n}" for n in ("centers", "grids", "cases")],
)
def test_labels_the_ui_needs_exist(key):
    assert key in TEXT


def test_required_chinese_labels():
    assert [t(f"period.{p}") for p in PRESETS] == ["本月", "上月", "本季度", "本年", "近12个月"]
    assert [t(f"kind.{k}") for k in KINDS] == ["矛盾纠纷", "信访", "12345", "网格事件"]
    assert [t(f"nav.{n}") for n in ("home", "region", "petitions", "disputes")] == [
        "指挥舱",
        "区域",
        "信访",
        "矛盾纠纷",
    ]


def test_english_labels_have_no_chinese():
    # Names of places are data and stay Chinese; labels are translated.
    for key, (_zh, en) in TEXT.items():
        if key.startswith("nav.switch_lang"):  # the switch back reads 中文
            continue
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), key


# ------------------------------------------------------------------ formatting
def test_rates_have_two_decimals_and_none_is_a_dash():
    assert format_rate(3881 / 4013) == "96.71%"
    assert format_rate(1.0) == "100.00%"
    assert format_rate(0) == "0.00%"
    assert format_rate(None) == "—"
    assert format_value("closure_rate", 0.9671) == "96.71%"
    assert format_value("rating_participation", 0.5) == "50.00%"
    assert format_value("accepted", 4013) == "4,013"
    assert format_value("accepted", None) == "—"
    assert format_count(0) == "0"
    assert format_value("open_per_staff", 1.0) == "1.00"


def test_changes_in_pp_for_rates_and_percent_for_counts():
    assert format_change({"value": 1.234, "unit": "pp"}) == "▲ 1.23 pp"
    assert format_change({"value": -4.5, "unit": "%"}) == "▼ 4.50%"
    assert format_change({"value": 0.0, "unit": "%"}) == "＝ 0.00%"
    assert format_change(None) == "—"


def test_change_tone_knows_which_way_is_good():
    up = {"value": 2.0, "unit": "pp"}
    down = {"value": -2.0, "unit": "pp"}
    assert change_tone("closure_rate", up) == "good"
    assert change_tone("closure_rate", down) == "bad"
    assert change_tone("repeat_petition_rate", up) == "bad"
    assert change_tone("overdue_open", down) == "good"
    assert change_tone("accepted", up) == "neutral"
    assert change_tone("closure_rate", None) == "neutral"


# ------------------------------------------------------------------ KPI tiles
FIGURES = {
    "accepted": 4013,
    "closure_rate": 3881 / 4013,
    "resolution_rate": 0.9,
    "on_time_rate": None,
    "satisfaction_rate": 0.982,
    "open": 132,
    "overdue_open": 7,
    "petitions": 500,
    "repeat_petition_rate": 0.1,
}
CHANGES = {
    "yoy": {
        "accepted": {"value": 3.08, "unit": "%"},
        "closure_rate": {"value": 0.61, "unit": "pp"},
    },
    "mom": {"accepted": {"value": -1.0, "unit": "%"}, "closure_rate": None},
}


class _Markup(HTMLParser):
    """HTML read back: the text of every element, and elements by id (tag, attrs, text)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.words: list[str] = []
        self.by_id: dict[str, dict] = {}
        self._open: list[dict] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        if "id" in element["attrs"]:
            self.by_id[element["attrs"]["id"]] = element
        self._open.append(element)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, text):
        if text.strip():
            self.words.append(text.strip())
            for element in self._open:
                element["text"] += text


def _tiles(row) -> _Markup:
    return _Markup(find(row, KPI_TILES_ID).markup)


def test_html_block_is_a_dash_component_of_the_apps_own_namespace():
    block = HtmlBlock(id="x", markup="<b>1 &lt; 2</b>", className="c")
    assert block.to_plotly_json() == {
        "type": "HtmlBlock",
        "namespace": "govdash_components",
        "props": {"id": "x", "markup": "<b>1 &lt; 2</b>", "className": "c"},
    }
    with pytest.raises(TypeError):
        HtmlBlock(id="x", children="no children")
    # Its browser half, which Dash's renderer looks up as window[namespace][type].
    script = (Path(__file__).resolve().parents[2] / "assets" / "govdash-components.js").read_text()
    assert "window.govdash_components" in script and "HtmlBlock: HtmlBlock" in script


def test_kpi_row_has_the_nine_tiles_with_formatted_values():
    row = create_kpi_row(FIGURES, CHANGES, lang="zh")
    assert find(row, KPI_TILES_ID).className == "gd-kpi-row"
    assert TILE_KEYS == (
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
    tiles = _tiles(row)
    values = {key: tiles.by_id[value_id(key)]["text"] for key in TILE_KEYS}
    assert values["accepted"] == "4,013"
    assert values["closure_rate"] == "96.71%"
    assert values["on_time_rate"] == "—"
    assert values["satisfaction_rate"] == "98.20%"
    assert values["overdue_open"] == "7"
    for label in ("受理量", "办结率", "化解率", "按期办结率", "满意率", "在办", "超期未办结"):
        assert label in tiles.words
    assert "信访量" in tiles.words and "重复信访率" in tiles.words


def test_kpi_tile_arrows_status_and_link():
    tile = _Markup(
        kpi_tile_html(
            "closure_rate",
            0.9671,
            yoy={"value": 0.61, "unit": "pp"},
            mom={"value": -0.2, "unit": "pp"},
            status="green",
            href="/cases?region=150203&status=closed",
        )
    )
    link = tile.by_id["kpi-closure_rate"]
    assert link["tag"] == "a" and "data-gd-nav" in link["attrs"]  # opened inside the app
    assert link["attrs"]["href"] == "/cases?region=150203&status=closed"
    assert "gd-kpi-green" in link["attrs"]["class"]
    assert "同比" in tile.words and "环比" in tile.words
    assert "▲ 0.61 pp" in tile.words and "▼ 0.20 pp" in tile.words
    assert "达标" in tile.words
    red = _Markup(kpi_tile_html("overdue_open", 12, status="red", show_changes=False, note="x"))
    assert red.by_id["kpi-overdue_open"]["tag"] == "div"
    assert "gd-kpi-red" in red.by_id["kpi-overdue_open"]["attrs"]["class"]
    assert "未达标" in red.words


def test_kpi_tiles_in_english():
    words = _tiles(create_kpi_row(FIGURES, CHANGES, lang="en")).words
    assert "Accepted" in words and "YoY" in words and "MoM" in words
    assert "受理量" not in words


def test_kpi_tiles_escape_what_they_are_given():
    markup = kpi_tile_html("accepted", 3, href='/cases?region=1&x="><script>', note="<b>")
    assert "<script>" not in markup and "&quot;&gt;&lt;script&gt;" in markup


# ------------------------------------------------------------------ filter bar / URL
def test_filter_bar_reflects_the_url():
    filters = parse_filters(
        {"from": "2024-01-01", "to": "2024-12-31", "kind": "petition", "level": "red"}
    )
    bar = create_filter_bar(filters, "zh")
    assert find(bar, PERIOD_ID).value == "custom"
    dates = find(bar, DATES_ID)
    assert (dates.start_date, dates.end_date) == ("2024-01-01", "2024-12-31")
    # The picker offers exactly the days a URL may name: 2000-01-01 to the end of the
    # fifth year from today.
    last_day = date(date.today().year + 5, 12, 31)
    assert (dates.min_date_allowed, dates.max_date_allowed) == ("2000-01-01", last_day.isoformat())
    assert find(bar, KIND_ID).value == "petition"
    assert find(bar, "filter-level").value == "red"
    assert find(bar, "filter-source").value == "all"
    labels = [o["label"] for o in find(bar, PERIOD_ID).options]
    assert labels[:5] == ["本月", "上月", "本季度", "本年", "近12个月"]
    kinds = [o["label"] for o in find(bar, KIND_ID).options]
    assert kinds == ["全部", "矛盾纠纷", "信访", "12345", "网格事件"]


def test_filter_bar_fixed_kind_is_disabled():
    bar = create_filter_bar(parse_filters({}), "zh", fixed_kind="petition")
    kind = find(bar, KIND_ID)
    assert kind.disabled and kind.value == "petition"


def test_filter_bar_knows_the_period_the_page_shows():
    """What the browser side compares dates with (a preset's dates set from the URL
    are not a custom choice)."""
    preset = create_filter_bar(parse_filters({"period": "this_year"}, today=date(2026, 12, 1)))
    assert find(preset, FILTER_SHOWN_ID).data == {
        "period": "this_year",
        "from": "2026-01-01",
        "to": "2026-12-31",
    }
    custom = create_filter_bar(parse_filters({"from": "2024-03-01", "to": "2024-03-31"}))
    assert find(custom, FILTER_SHOWN_ID).data == {
        "period": None,
        "from": "2024-03-01",
        "to": "2024-03-31",
    }


def test_merge_query_keeps_other_parameters():
    search = "?region=150203&period=this_year&lang=en&status=closed"
    merged = merge_query(search, {"period": None, "from": "2024-01-01", "to": "2024-12-31"})
    assert merged == "?region=150203&lang=en&status=closed&from=2024-01-01&to=2024-12-31"
    assert merge_query("", {"lang": None}) == ""
    # a copied URL reopens the same view: the filters parse back to what was set
    again = parse_filters(dict(p.split("=") for p in merged[1:].split("&")))
    assert (again.date_from, again.date_to, again.lang) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        "en",
    )


# ------------------------------------------------------------------ breadcrumb
def test_breadcrumb_links_up_and_the_current_step_is_plain():
    crumbs = create_breadcrumb(
        [
            ("包头市", "/region/150200?period=this_year"),
            ("昆都仑区", "/region/150203?period=this_year"),
            ("少先路街道", "/region/150203001?period=this_year"),
        ],
        "街道/乡镇",
    )
    links = [c for c in walk(crumbs) if isinstance(c, dcc.Link)]
    assert [(link.children, link.href) for link in links] == [
        ("包头市", "/region/150200?period=this_year"),
        ("昆都仑区", "/region/150203?period=this_year"),
    ]
    assert "少先路街道" in texts(crumbs) and "›" in texts(crumbs)


# ------------------------------------------------------------------ figures
MONTHS = [
    {"key": "2024-01", "accepted": 10, "closure_rate": 0.9},
    {"key": "2024-02", "accepted": 12, "closure_rate": None},
    {"key": "2024-03", "accepted": 8, "closure_rate": 1.0},
]
CHILDREN = [
    {
        "key": "150202",
        "name": "东河区",
        "accepted": 30,
        "score": 91.5,
        "closure_rate": 0.95,
        "status": {"closure_rate": "green"},
    },
    {
        "key": "150203",
        "name": "昆都仑区",
        "accepted": 50,
        "score": 95.0,
        "closure_rate": 0.9671,
        "status": {"closure_rate": "green"},
    },
    {
        "key": "150271",
        "name": "包头稀土高新技术产业开发区",
        "accepted": 20,
        "score": 88.0,
        "closure_rate": 0.85,
        "status": {"closure_rate": "red"},
    },
    {"key": "150206", "name": "白云鄂博矿区", "accepted": 0, "score": None, "closure_rate": None},
]


def is_empty_figure(fig: go.Figure) -> bool:
    return not fig.data and fig.layout.annotations and fig.layout.xaxis.visible is False


def test_trend_figure_bars_rate_line_and_last_year():
    fig = F.create_trend_figure(MONTHS, MONTHS, lang="zh", title="昆都仑区 · 月度趋势")
    bar, last_year, rate = fig.data
    assert bar.type == "bar" and list(bar.x) == ["2024-01", "2024-02", "2024-03"]
    assert list(bar.y) == [10, 12, 8]
    assert last_year.name == "上年同期" and last_year.line.dash == "dot"
    assert rate.yaxis == "y2" and list(rate.text) == ["90.00%", "—", "100.00%"]
    assert fig.layout.title.text.startswith("昆都仑区")
    assert fig.layout.template.layout.font.family == FONT_FAMILY


def test_a_month_not_yet_over_is_drawn_dotted_and_says_so():
    """The rate of a month seen only in part is of a young cohort: the solid line
    stops at the month before, a dotted hollow-ended piece reaches it, and its hover
    names the day it is seen to."""
    rows = [
        {"key": "2024-01", "accepted": 10, "closure_rate": 0.9},
        {"key": "2024-02", "accepted": 12, "closure_rate": 0.95},
        {"key": "2024-03", "accepted": 2, "closure_rate": 0.05},
    ]
    fig = F.create_trend_figure(rows, lang="zh", unfinished=("2024-03", "2024-03-02"))
    bar, rate, young = fig["data"]
    assert list(rate["y"]) == [90.0, 95.0, None]
    assert list(young["x"]) == ["2024-02", "2024-03"] and list(young["y"]) == [95.0, 5.0]
    assert young["line"]["dash"] == "dot" and young["marker"]["symbol"][-1] == "circle-open"
    assert young["text"][-1] == "5.00%（未满月，截至2024-03-02）"
    assert young["showlegend"] is False and young["customdata"] is None
    english = F.create_trend_figure(rows, lang="en", unfinished=("2024-03", "2024-03-02"))
    assert english["data"][2]["text"][-1] == "5.00% (part month, to 2024-03-02)"
    # the right axis ticks at whole tens, not synced to the counts' grid
    assert fig["layout"]["yaxis2"]["tickmode"] == "auto"
    # a finished last month, or another month named, changes nothing
    whole = F.create_trend_figure(rows, lang="zh")
    assert len(whole["data"]) == 2 and list(whole["data"][1]["y"]) == [90.0, 95.0, 5.0]
    other = F.create_trend_figure(rows, lang="zh", unfinished=("2024-02", "2024-02-10"))
    assert other["data"] == whole["data"]


def test_which_trend_month_is_unfinished():
    from pages._drill import unfinished_month

    rows = [{"key": "2024-02"}, {"key": "2024-03"}]
    # the period ends inside the month, or today does
    assert unfinished_month(rows, date(2024, 3, 17), date(2026, 1, 1)) == ("2024-03", "2024-03-17")
    assert unfinished_month(rows, date(2024, 3, 31), date(2024, 3, 5)) == ("2024-03", "2024-03-05")
    # seen to its last day: finished
    assert unfinished_month(rows, date(2024, 3, 31), date(2024, 3, 31)) is None
    assert unfinished_month(rows, date(2024, 12, 31), date(2025, 1, 1)) is None
    assert unfinished_month([], date(2024, 3, 1)) is None


def test_figures_say_no_data_instead_of_empty_axes():
    empty = [{"key": "2024-01", "accepted": 0, "closure_rate": None}]
    for fig in (
        F.create_trend_figure(empty, lang="zh", title="x"),
        F.create_ranking_bar([], lang="zh"),
        F.create_treemap([{"key": "1", "name": "a", "accepted": 0}]),
        F.create_level_donut({"red": 0}),
        F.create_source_bar({}),
        F.create_containment_figure({}),
        F.create_unit_rate_bar([], metric="satisfaction_rate"),
    ):
        assert is_empty_figure(fig)
        assert fig.layout.annotations[0].text == "所选周期内没有数据。"
    english = F.create_source_bar({}, lang="en")
    assert english.layout.annotations[0].text == "No data in the selected period."
    # The load per center is a snapshot: with nothing open it says so, whatever the
    # period holds.
    for lang, text in (
        ("zh", "统计时点没有在办案件。"),
        ("en", "No case is open at the as-of time."),
    ):
        load = F.create_center_load_bar([{"key": 1, "name": "c", "open": 0}], lang=lang)
        assert is_empty_figure(load) and load.layout.annotations[0].text == text
    per_staff = F.create_unit_rate_bar([], metric="open_per_staff", empty_message="x")
    assert per_staff.layout.annotations[0].text == "x"


def test_ranking_bar_best_on_top_with_codes_for_drill_down():
    fig = F.create_ranking_bar(CHILDREN, metric="score", lang="zh", title="t")
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.customdata) == ["150271", "150202", "150203"]  # drawn bottom-up
    assert list(bar.y)[-1] == "昆都仑区"
    assert "150206" not in list(bar.customdata)  # no score, nothing to rank


def test_treemap_ids_are_region_codes():
    fig = F.create_treemap(CHILDREN, lang="zh", root_name="包头市")
    (tree,) = fig.data
    assert tree.type == "treemap"
    assert list(tree.ids)[1:] == ["150202", "150203", "150271"]
    assert set(tree.parents[1:]) == {tree.ids[0]}


def test_city_map_is_an_offline_choropleth_of_the_districts():
    geojson = load_geojson("150200")
    assert geojson is not None
    fig = F.create_region_map(CHILDREN, geojson, lang="zh", title="包头市")
    (trace,) = fig.data
    assert isinstance(trace, go.Choropleth)  # SVG (geo subplot), not maplibre's WebGL
    assert trace.featureidkey == "properties.adcode" and trace.locationmode == "geojson-id"
    assert list(trace.locations) == ["150202", "150203", "150206"]  # 150271: no polygon
    geo = fig.layout.geo
    assert geo.visible is False and geo.fitbounds == "locations"  # no base map
    layout = json.dumps(fig.to_plotly_json()["layout"])
    assert "mapbox" not in layout and '"map"' not in layout
    # In the page, the same map names its polygons by the app's URL instead.
    by_url = F.create_region_map(CHILDREN, geojson, geojson_url="/_govdash/geo/150200.json?v=1")
    assert by_url["data"][0]["geojson"] == "/_govdash/geo/150200.json?v=1"
    assert go.Figure(by_url).data[0].locations == trace.locations


def test_margins_fit_the_labels():
    """Horizontal bars get a left margin for their longest name, so plotly's automargin
    need not draw the chart a second time."""
    assert figures.text_width("包钢厂区办事处") == 7 * 12
    assert figures.text_width("ab") == 15
    long_name = {"key": "150299", "name": "包头稀土高新技术产业开发区", "score": 90.0}
    fig = figures.create_ranking_bar([*CHILDREN, long_name], metric="score")
    assert fig["layout"]["margin"]["l"] >= figures.text_width(long_name["name"])
    trend = figures.create_trend_figure([{"key": "2024-01", "accepted": 12345}])
    assert trend["layout"]["margin"]["l"] >= figures.text_width("12,345")


def test_every_factory_makes_a_valid_figure_dict():
    """Plain dicts (what dcc.Graph sends) that plotly accepts as they are."""
    made = [
        figures.create_trend_figure(MONTHS, MONTHS, title="t"),
        figures.create_ranking_bar(CHILDREN),
        figures.create_treemap(CHILDREN),
        figures.create_region_map(CHILDREN, load_geojson("150200")),
        figures.create_level_donut({"red": 1, "green": 2}),
        figures.create_source_bar({"grid_report": 3}),
        figures.create_containment_figure({"village_contained_rate": 0.5}),
        figures.create_center_load_bar([{"name": "c", "open": 2, "overdue_open": 1}]),
        figures.create_unit_rate_bar(CHILDREN, metric="closure_rate"),
        figures.create_empty_figure("t"),
    ]
    for fig in made:
        assert isinstance(fig, dict) and set(fig) == {"data", "layout"}
        go.Figure(fig)  # raises on any invalid property
        assert fig["layout"]["template"]["layout"]["font"]["family"] == FONT_FAMILY


def test_level_donut_uses_the_four_warning_colours():
    fig = F.create_level_donut({"red": 1, "orange": 2, "yellow": 3, "green": 4}, lang="zh")
    (pie,) = fig.data
    assert list(pie.labels) == ["红色", "橙色", "黄色", "绿色"]
    assert list(pie.marker.colors) == ["#d62728", "#ff7f0e", "#f2c80f", "#2ca02c"]
    assert list(pie.customdata) == ["red", "orange", "yellow", "green"]


def test_source_bar_translates_sources_and_shows_shares():
    fig = F.create_source_bar({"grid_report": 60, "court_referral": 40}, lang="zh")
    (bar,) = fig.data
    assert list(bar.y) == ["诉调对接", "网格员上报"]
    assert list(bar.text) == ["40 (40.00%)", "60 (60.00%)"]
    english = F.create_source_bar({"grid_report": 1}, lang="en")
    assert list(english.data[0].y) == ["Grid member report"]


def test_containment_shares():
    fig = F.create_containment_figure(
        {"village_contained_rate": 0.5367, "township_contained_rate": 0.8404}, lang="zh"
    )
    (bar,) = fig.data
    assert list(bar.y) == ["小事不出村率", "大事不出镇率"]
    assert list(bar.text) == ["53.67%", "84.04%"]


def test_center_load_stacks_overdue_on_open():
    fig = F.create_center_load_bar(
        [
            {"name": "昆都仑区综治中心", "open": 19, "overdue_open": 11, "open_per_staff": 1.12},
            {"name": "少先路街道综治中心", "open": 4, "overdue_open": 0, "open_per_staff": None},
            {"name": "idle", "open": 0, "overdue_open": 0},
        ],
        lang="zh",
    )
    in_time, overdue = fig.data
    assert fig.layout.barmode == "stack"
    assert list(in_time.y) == ["少先路街道综治中心", "昆都仑区综治中心"]
    assert list(in_time.x) == [4, 8] and list(overdue.x) == [0, 11]
    assert list(overdue.customdata) == ["—", "1.12"]


def test_unit_rate_bar_worst_first():
    rows = [
        {"key": "1", "name": "a", "satisfaction_rate": 0.99},
        {"key": "2", "name": "b", "satisfaction_rate": 0.80},
        {"key": "3", "name": "c", "satisfaction_rate": None},
    ]
    fig = F.create_unit_rate_bar(rows, metric="satisfaction_rate", status={"2": "red"})
    (bar,) = fig.data
    assert list(bar.y)[-1] == "b"  # the worst is drawn at the top
    assert list(bar.marker.color)[-1] == "#d62728"
    repeat = F.create_unit_rate_bar(
        [
            {"key": "1", "name": "a", "repeat_petition_rate": 0.1},
            {"key": "2", "name": "b", "repeat_petition_rate": 0.3},
        ],
        metric="repeat_petition_rate",
    )
    assert list(repeat.data[0].y)[-1] == "b"  # higher is worse


# ------------------------------------------------------------------ chart export
def test_every_graph_exports_print_size_png_and_offers_svg():
    config = graph_config("昆都仑区 月度趋势 2024", "zh")
    options = config["toImageButtonOptions"]
    assert options["format"] == "png"
    assert (options["width"], options["height"], options["scale"]) == (
        EXPORT_WIDTH,
        EXPORT_HEIGHT,
        EXPORT_SCALE,
    )
    assert (EXPORT_WIDTH, EXPORT_HEIGHT, EXPORT_SCALE) == (1600, 900, 2)
    assert options["filename"] == "昆都仑区_月度趋势_2024"
    assert config["displaylogo"] is False and config["locale"] == "zh-CN"
    card = create_chart_card("g1", go.Figure(), "x", "zh")
    graph = find(card, "g1")
    assert isinstance(graph, dcc.Graph) and graph.config["toImageButtonOptions"]["width"] == 1600
    svg = find(card, {"type": SVG_BUTTON, "index": "g1"})
    assert isinstance(svg, html.Button) and svg.children == "SVG"
    assert safe_filename("a/b c?") == "a_b_c"


@pytest.mark.parametrize("kind", ["screen", "print", "wall"])
def test_charts_are_read_not_zoomed(kind):
    """No drag zooms or pans a chart and no wheel zooms the map: the modebar has only
    the camera, so a person could not undo it (but by a double click few know)."""
    assert graph_config("x")["scrollZoom"] is False
    figure = figures.create_trend_figure(
        [{"key": "2024-01", "accepted": 3, "closure_rate": 0.5}], lang="zh", template=kind
    )
    # (a template's xaxis and yaxis apply to every x and y axis: the rate's yaxis2 too)
    template = go.Figure(figure).layout.template.layout
    assert template.dragmode is False
    assert template.xaxis.fixedrange is True and template.yaxis.fixedrange is True


# ------------------------------------------------------------------ ranking table
class _Table(HTMLParser):
    """The ranking table's HTML read back: rows of cells (text, class, link) and
    each row's data-* attributes."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.headers: list[str] = []
        self._cell = None
        self._in_body = False
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append({"data": {k[5:]: v for k, v in attrs.items()}, "cells": []})
        elif tag == "td":
            self._cell = {"text": "", "class": attrs.get("class", ""), "href": None}
            self.rows[-1]["cells"].append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._cell["href"] = attrs.get("href")
            self._cell["link_class"] = attrs.get("class")

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None

    def handle_data(self, text):
        if self._cell is not None:
            self._cell["text"] += text
        elif not self._in_body and text.strip():
            self.headers.append(text.strip())


def _table_html(table) -> str:
    """The HTML the table component carries (its HtmlBlock)."""
    return find(table, RANKING_TABLE_HTML_ID).markup


def test_ranking_table_names_are_links_to_the_region_pages():
    rows = [
        dict(r, rank=i + 1, rank_change=None, open=1, overdue_open=0)
        for i, r in enumerate(CHILDREN)
    ]
    hrefs = {r["key"]: f"/region/{r['key']}?period=this_year" for r in CHILDREN}
    table = create_ranking_table(rows, hrefs, lang="zh")
    parsed = _Table(_table_html(table))
    assert len(parsed.rows) == len(CHILDREN)
    links = [cell for row in parsed.rows for cell in row["cells"] if cell["href"]]
    assert [cell["href"] for cell in links] == [hrefs[r["key"]] for r in CHILDREN]
    assert all(cell["link_class"] == "gd-region-link" for cell in links)
    flat = ranking_rows(rows, hrefs)
    assert flat[1]["href"] == "/region/150203?period=this_year"
    assert flat[1]["status_closure_rate"] == "green"
    assert ranking_rows([], {}) == []
    assert "办结率" in parsed.headers and "综合得分" in parsed.headers
    # Each column's value is written as the page writes it, and kept raw for sorting.
    columns = [field for field, _kind in RANKING_COLUMNS]
    for row, source in zip(parsed.rows, rows, strict=True):
        texts = dict(zip(columns, [cell["text"] for cell in row["cells"]], strict=True))
        assert texts["closure_rate"] == format_rate(source["closure_rate"])
        assert texts["accepted"] == format_count(source["accepted"])
        assert texts["rank_change"] == "—"
        assert row["data"]["accepted"] == str(source["accepted"])
        assert row["data"]["rank_change"] == ""  # none: sorted last
    assert any("gd-cell-green" in cell["class"] for cell in parsed.rows[1]["cells"])


def test_ranking_table_escapes_what_it_is_given():
    """Names come from the database: they are text, never markup."""
    rows = [{"key": "150203001", "name": '<img src=x onerror="alert(1)">', "rank": 1}]
    markup = ranking_table_html(rows, {"150203001": '/region/150203001?a="b"'})
    assert "<img" not in markup and "&lt;img" in markup
    assert 'href="/region/150203001?a=&quot;b&quot;"' in markup
    assert _Table(markup).rows[0]["cells"][1]["text"] == '<img src=x onerror="alert(1)">'


# ------------------------------------------------------------------ GeoJSON
def test_bundled_geojson_has_the_nine_districts():
    geojson = load_geojson("150200")
    codes = polygon_codes(geojson)
    assert len(codes) == 9 and "150203" in codes and "150271" not in codes
    assert load_geojson("150203") is None  # no polygons below city level


def test_a_deployment_can_drop_in_its_own_geojson(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"adcode": 150203001, "name": "少先路街道"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[109.8, 40.6], [109.9, 40.6], [109.9, 40.7], [109.8, 40.6]]],
        },
    }
    (tmp_path / "150203.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    assert geojson_path("150203", tmp_path) == tmp_path / "150203.geojson"
    loaded = load_geojson("150203", tmp_path)
    assert polygon_codes(loaded) == {"150203001"}


# ------------------------------------------------------------------ navigation bar
def test_nav_links_keep_filters_and_region():
    links = nav_links("/region/150203", "?period=last_month&lang=en&status=closed")
    hrefs = {target: href for href, _key, target, _active in links}
    assert hrefs["/"] == "/?period=last_month&lang=en"
    assert hrefs["/region"] == "/region/150203?period=last_month&lang=en"
    assert hrefs["/petitions"] == "/petitions?period=last_month&lang=en&region=150203"
    assert [target for _h, _k, target, active in links if active] == ["/region"]
    assert current_region("/petitions", {"region": "150203001"}) == "150203001"


def test_a_repeated_parameter_keeps_its_first_value_in_the_navbar():
    """As the pages and the browser's navLinks (URLSearchParams.get) read it."""
    search = "?lang=en&lang=zh&period=last_month&period=this_year&region=150203&region=150204"
    hrefs = {target: href for href, _key, target, _active in nav_links("/cases", search)}
    assert hrefs["/petitions"] == "/petitions?lang=en&period=last_month&region=150203"
    assert "Cockpit" in texts(create_navbar("/cases", search))


def test_navbar_language_switch():
    zh = create_navbar("/region/150203", "?period=this_year")
    assert find(zh, "lang-switch").href == "/region/150203?period=this_year&lang=en"
    assert find(zh, "lang-switch").children == "English"
    assert "指挥舱" in texts(zh)
    en = create_navbar("/region/150203", "?period=this_year&lang=en")
    assert find(en, "lang-switch").href == "/region/150203?period=this_year"
    assert "Cockpit" in texts(en) and "指挥舱" not in texts(en)


def test_navbar_follows_the_deployments_language(monkeypatch):
    """GOVDASH_LANG=en: without lang= the bar is English and its switch goes to
    lang=zh; from lang=zh it comes back without lang=."""
    from data_access.settings import get_settings

    monkeypatch.setenv("GOVDASH_LANG", "en")
    get_settings.cache_clear()
    try:
        en = create_navbar("/region/150203", "?period=this_year")
        assert "Cockpit" in texts(en) and find(en, "lang-switch").children == "中文"
        assert find(en, "lang-switch").href == "/region/150203?period=this_year&lang=zh"
        zh = create_navbar("/region/150203", "?period=this_year&lang=zh")
        assert "指挥舱" in texts(zh)
        assert find(zh, "lang-switch").href == "/region/150203?period=this_year"
        shell = create_shell(html.Div(), lang=get_settings().lang)
        assert find(shell, "gd-lang-dummy").to_plotly_json()["props"]["data-default-lang"] == "en"
    finally:
        monkeypatch.delenv("GOVDASH_LANG")
        get_settings.cache_clear()


# ------------------------------------------------------------------ cache configuration
def test_cache_backend_follows_the_cache_url(tmp_path):
    from govdash.data import cache_config

    assert cache_config(None)["CACHE_TYPE"] == "SimpleCache"
    redis = cache_config("redis://cache:6379/0")
    assert (
        redis["CACHE_TYPE"] == "RedisCache" and redis["CACHE_REDIS_URL"] == "redis://cache:6379/0"
    )
    files = cache_config(f"file://{tmp_path}/c")
    assert files["CACHE_TYPE"] == "FileSystemCache" and files["CACHE_DIR"] == f"{tmp_path}/c"
    assert cache_config("null")["CACHE_TYPE"] == "NullCache"
    with pytest.raises(ValueError):
        cache_config("memcached://x")


def test_a_village_row_without_a_grid_is_not_a_link_and_not_an_empty_id():
    rows = [
        {"key": "150203001015001", "name": "第1网格", "accepted": 3, "score": 90.0},
        {"key": "", "name": "未划入网格", "accepted": 2, "score": 80.0},
    ]
    tree = F.create_treemap(rows, root_name="某社区").data[0]
    assert "" not in list(tree.ids) and "__none__" in list(tree.ids)
    hrefs = {"150203001015001": "/region/150203001015001"}
    flat = ranking_rows(rows, hrefs)
    assert [r["href"] for r in flat] == ["/region/150203001015001", None]
    assert len({r["key"] for r in flat}) == 2 and "" not in {r["key"] for r in flat}
    parsed = _Table(_table_html(create_ranking_table(rows, hrefs)))
    links = [cell["href"] for row in parsed.rows for cell in row["cells"] if cell["href"]]
    assert links == ["/region/150203001015001"]
    assert "未划入网格" in [row["cells"][1]["text"] for row in parsed.rows]


def test_preset_dates_are_each_presets_first_and_last_day():
    assert preset_dates(date(2026, 12, 1)) == {
        "this_month": ["2026-12-01", "2026-12-31"],
        "last_month": ["2026-11-01", "2026-11-30"],
        "this_quarter": ["2026-10-01", "2026-12-31"],
        "this_year": ["2026-01-01", "2026-12-31"],
        "last_12_months": ["2026-01-01", "2026-12-31"],
    }
    assert preset_dates(date(2024, 3, 31))["last_month"] == ["2024-02-01", "2024-02-29"]
