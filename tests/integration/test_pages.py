"""The pages and callbacks against a real (small) demo database.

- Every KPI tile shows exactly what data_access.metrics.kpis gives for the same URL
  (the layout function is called with the URL's parameters and its component tree
  inspected), at every level from the city down to a grid, with filters, in both
  languages, on the region page, the cockpit and the thematic pages.
- Every page renders without an error state; a period without data says so; an
  unknown region and an unreachable database give one clear message.
- The drill-down, drill-through and filter callbacks return the right URLs.
- The data facade's cache is keyed by the data version (and shared through Redis).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from datetime import date, datetime
from html import unescape as html_text
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
import plotly.graph_objects as go
import pytest
from dash import dcc
from page_helpers import page_layout, run_callback, walk
from sqlalchemy import select, text

from components.formatting import format_value
from components.geo import load_geojson
from components.kpi import TILE_KEYS, value_id
from data_access.engine import make_engine
from data_access.metrics import kpis
from data_access.models import Case, Grid
from data_access.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
Y2024 = {"from": "2024-01-01", "to": "2024-12-31"}


# ------------------------------------------------------------------ fixtures
pytestmark = pytest.mark.usefixtures("_reading_demo")


@pytest.fixture(scope="module")
def codes(engine) -> dict[str, str]:
    """A township, village and grid of 昆都仑区 that have cases in 2024."""
    with engine.connect() as conn:
        grid = conn.execute(
            select(Case.grid_code)
            .where(
                Case.village_code.like("150203%"),
                Case.grid_code.is_not(None),
                Case.accepted_at.between(datetime(2024, 1, 1), datetime(2024, 12, 31, 23, 59)),
            )
            .group_by(Case.grid_code)
            .order_by(text("count(*) DESC"))
            .limit(1)
        ).scalar_one()
    return {
        "city": "150200",
        "district": "150203",
        "township": grid[:9],
        "village": grid[:12],
        "grid": grid,
    }


def by_id(tree) -> dict:
    return {json_id(c.id): c for c in walk(tree) if getattr(c, "id", None) is not None}


def json_id(value):
    return value if isinstance(value, str) else repr(sorted(value.items()))


def all_text(tree) -> str:
    """Every text of a page: its components' and that of the HTML it carries (tiles,
    ranking table), unescaped."""
    parts = [c.children for c in walk(tree) if isinstance(getattr(c, "children", None), str)]
    for block in walk(tree):
        if getattr(block, "id", None) in ("kpi-tiles", "ranking-table-html"):
            parts.extend(html_text(t) for t in re.findall(r">([^<]+)<", block.markup or ""))
    return " ".join(parts)


def tile_values(tiles) -> dict[str, str]:
    """The tiles' values as shown: from a page's tree (its tiles' HTML) or the HTML."""
    markup = tiles if isinstance(tiles, str) else by_id(tiles)["kpi-tiles"].markup
    found = dict(re.findall(r'id="(kpi-[a-z_]+-value)"[^>]*>([^<]*)<', markup))
    return {key: html_text(found[value_id(key)]) for key in TILE_KEYS if value_id(key) in found}


def expected_tiles(engine, region, params, kind=None) -> dict[str, str]:
    figures = kpis(
        engine,
        region,
        date.fromisoformat(params["from"]),
        date.fromisoformat(params["to"]),
        kind=kind or params.get("kind"),
        source=params.get("source"),
        warning_level=params.get("level"),
    )
    return {key: format_value(key, figures[key]) for key in TILE_KEYS}


# The in-place update callbacks' triggers (pages/_region_view.py), one per page shape.
SHAPE_TRIGGERS = [{"type": "url-trigger", "shape": s} for s in ("children", "grid", "plain")]
TRIGGERED = '{"shape":"children","type":"url-trigger"}.data'


# ------------------------------------------------------------------ KPI tiles == kpis
CASES = [
    ("district", Y2024),
    ("city", {"from": "2025-01-01", "to": "2025-06-30", "kind": "dispute"}),
    ("township", {**Y2024, "source": "grid_report"}),
    ("village", {**Y2024, "level": "green"}),
    ("grid", Y2024),
    ("district", {"from": "2025-03-01", "to": "2025-03-31", "lang": "en"}),
]


@pytest.mark.parametrize(("level", "params"), CASES)
def test_region_page_tiles_equal_kpis(app_module, engine, codes, level, params):
    code = codes[level]
    tree = page_layout("region")(code=code, **params)
    assert tile_values(tree) == expected_tiles(engine, code, params)


def test_kundulun_2024_shows_kpis_accepted_and_closure_rate(app_module, engine):
    tree = page_layout("region")(code="150203", **Y2024)
    figures = kpis(engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    values = tile_values(tree)
    assert values["accepted"] == f"{figures['accepted']:,}"
    assert values["closure_rate"] == f"{figures['closure_rate'] * 100:.2f}%"


def test_cockpit_tiles_equal_kpis_of_the_top_region(app_module, engine):
    tree = page_layout("home")(**Y2024)
    assert tile_values(tree) == expected_tiles(engine, "150200", Y2024)
    assert "包头市" in all_text(tree)


@pytest.mark.parametrize(
    ("module", "kind"), [("petitions", "petition"), ("disputes", "dispute"), ("centers", None)]
)
def test_thematic_page_tiles_equal_kpis(app_module, engine, module, kind):
    params = {**Y2024, "region": "150203"}
    tree = page_layout(module)(**params)
    values = tile_values(tree)
    assert values, module
    expected = expected_tiles(engine, "150203", params, kind=kind)
    assert values == {key: expected[key] for key in values}


def test_tiles_link_to_the_cases_behind_them(app_module, codes):
    tree = page_layout("region")(code=codes["district"], **Y2024)
    markup = by_id(tree)["kpi-tiles"].markup
    hrefs = dict(re.findall(r'<a id="kpi-([a-z_]+)"[^>]* href="([^"]+)" data-gd-nav', markup))
    links = {key: html_text(hrefs[key]) for key in ("accepted", "closure_rate", "overdue_open")}
    for key, status in (
        ("accepted", "all"),
        ("closure_rate", "closed"),
        ("overdue_open", "overdue"),
    ):
        url = urlsplit(links[key])
        query = parse_qs(url.query)
        assert url.path == "/cases"
        assert query["region"] == ["150203"] and query["status"] == [status]
        assert query["from"] == ["2024-01-01"] and query["to"] == ["2024-12-31"]


# ------------------------------------------------------------------ pages render
@pytest.mark.parametrize("level", ["city", "district", "township", "village", "grid"])
def test_region_page_renders_at_every_level(app_module, codes, level):
    tree = page_layout("region")(code=codes[level], **Y2024)
    ids = by_id(tree)
    assert "region-page" in ids
    assert not [c for c in walk(tree) if "gd-db-error" in str(getattr(c, "className", ""))]
    graphs = [c for c in walk(tree) if isinstance(c, dcc.Graph)]
    assert graphs and all(g.config["toImageButtonOptions"]["width"] == 1600 for g in graphs)
    if level == "grid":
        link = ids["grid-cases-link"].href
        assert link.startswith("/cases?") and f"region={codes['grid']}" in link
        assert "region-rank-bar" not in ids
    else:
        assert {"region-rank-bar", "region-children", "ranking-table-html"} <= set(ids)
    if level == "city":
        fig = go.Figure(ids["region-children"].figure)  # validates the figure dict
        assert fig.data[0].type == "choropleth"
        assert fig.layout.geo.visible is False
        ranked = {
            href.split("?")[0]
            for href in re.findall(r'<a href="([^"]+)"', ids["ranking-table-html"].markup)
        }
        assert "/region/150271" in ranked  # the high-tech zone has no polygon but is ranked
    elif level != "grid":
        assert go.Figure(ids["region-children"].figure).data[0].type == "treemap"


def test_the_city_map_fetches_its_polygons_from_the_app(app_module, codes):
    """The map's figure names the polygons by URL (components/geo.py); the app serves
    them there, the same as load_geojson, cacheable for a year; other codes are 404."""
    tree = page_layout("region")(code=codes["city"], **Y2024)
    (trace,) = by_id(tree)["region-children"].figure["data"]
    url = trace["geojson"]
    assert isinstance(url, str) and url.startswith("/_govdash/geo/150200.json?v=")
    client = app_module.server.test_client()
    reply = client.get(url)
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    assert reply.cache_control.max_age == 31536000
    assert json.loads(reply.data) == load_geojson("150200")
    assert set(trace["locations"]) <= {f["properties"]["adcode"] for f in reply.json["features"]}
    for missing in ("150203", "nope", "150200x"):
        assert client.get(f"/_govdash/geo/{missing}.json").status_code == 404


def test_breadcrumb_climbs_back_up(app_module, codes):
    tree = page_layout("region")(code=codes["village"], **Y2024)
    crumbs = [
        c for c in walk(tree) if isinstance(c, dcc.Link) and "gd-crumb" in (c.className or "")
    ]
    assert [c.href.split("?")[0] for c in crumbs] == [
        "/region/150200",
        "/region/150203",
        f"/region/{codes['township']}",
    ]
    assert all("from=2024-01-01" in c.href for c in crumbs)


@pytest.mark.parametrize(
    "module", ["petitions", "disputes", "satisfaction", "centers", "grids", "home"]
)
@pytest.mark.parametrize("level", ["city", "township", "village", "grid"])
def test_thematic_pages_render(app_module, codes, module, level):
    tree = page_layout(module)(region=codes[level], **Y2024)
    text_ = all_text(tree)
    assert "页面数据加载失败" not in text_ and "数据库连接中断" not in text_
    graphs = [c for c in walk(tree) if isinstance(c, dcc.Graph)]
    assert graphs or module == "grids" or "所选周期内没有数据" in text_


def test_grids_page_lists_silent_grids_of_a_village(app_module, engine, codes):
    tree = page_layout("grids")(region=codes["village"], **Y2024)
    with engine.connect() as conn:
        grids = conn.scalars(select(Grid.code).where(Grid.village_code == codes["village"])).all()
    ids = by_id(tree)
    bar = go.Figure(ids["grids-per-grid"].figure).data[0]  # a bar per grid: drill-through
    assert sorted(bar.customdata) == sorted(grids)  # zero rows included


def test_english_page_has_english_labels_and_chinese_places(app_module, codes):
    tree = page_layout("region")(code=codes["district"], lang="en", **Y2024)
    text_ = all_text(tree)
    assert "Accepted" in text_ and "Closure rate" in text_
    assert "昆都仑区" in text_
    for label in ("受理量", "办结率", "统计周期", "同比"):
        assert label not in text_


def test_a_period_without_data_says_so(app_module):
    tree = page_layout("region")(code="150203", **{"from": "2010-01-01", "to": "2010-12-31"})
    assert "所选周期内没有数据" in all_text(tree)
    # The page keeps its charts (so a filter change can fill them in place); each says
    # it has nothing to draw instead of showing empty axes.
    graphs = [c for c in walk(tree) if isinstance(c, dcc.Graph)]
    assert graphs
    for graph in graphs:
        fig = go.Figure(graph.figure)
        # The load per center is a snapshot at as_of: nothing open, it says that.
        says = "统计时点没有在办案件。" if graph.id == "region-centers" else "所选周期内没有数据。"
        assert not fig.data and fig.layout.annotations[0].text == says


def test_unknown_region_is_a_clear_message(app_module):
    tree = page_layout("region")(code="150299", **Y2024)
    assert "找不到该区域：150299" in all_text(tree)
    links = [c for c in walk(tree) if isinstance(c, dcc.Link)]
    assert [(link.children, link.href) for link in links] == [("返回指挥舱", "/")]
    tree = page_layout("petitions")(region="150299", lang="en", **Y2024)
    assert "Unknown region: 150299" in all_text(tree)
    links = [c for c in walk(tree) if isinstance(c, dcc.Link)]
    assert ("Back to the cockpit", "/?lang=en") in [(link.children, link.href) for link in links]


def test_not_found_page(app_module):
    tree = page_layout("not_found_404")()
    assert "页面不存在" in all_text(tree)
    english = page_layout("not_found_404")(lang="en")
    assert "Page not found" in all_text(english)
    links = [
        (c.children, c.href) for t in (tree, english) for c in walk(t) if isinstance(c, dcc.Link)
    ]
    assert links == [("返回指挥舱", "/"), ("Back to the cockpit", "/?lang=en")]


def test_unreachable_database_gives_a_banner_and_recovers(app_module, tmp_path, demo_url):
    os.environ["GOVDASH_DATABASE_URL"] = f"sqlite:///{tmp_path / 'gone.sqlite'}"
    get_settings.cache_clear()
    tree = page_layout("region")(code="150203", **Y2024)
    assert "数据库连接中断" in all_text(tree)
    assert not (tmp_path / "gone.sqlite").exists()  # never creates an empty database
    banner, status = app_module.check_database(1, "")
    assert status == {"ok": False} and "数据库连接中断" in str(banner.children)
    os.environ["GOVDASH_DATABASE_URL"] = demo_url
    get_settings.cache_clear()
    banner, status = app_module.check_database(2, "")
    assert status == {"ok": True} and banner is None
    tree = page_layout("region")(code="150203", **Y2024)
    assert "数据库连接中断" not in all_text(tree)


def test_a_database_of_an_older_schema_says_to_run_init_db(app_module, tmp_path, demo_url):
    """A database not upgraded to this version's schema (here: data_state without
    day_rows_version, as before migration 0008): the page shows its database banner,
    and the message the server logs says what to do."""
    import shutil

    from data_access.engine import DatabaseUnavailable
    from govdash import data

    old = tmp_path / "old.sqlite"
    shutil.copy(demo_url.removeprefix("sqlite:///"), old)
    engine = make_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE data_state DROP COLUMN day_rows_version"))
    engine.dispose()
    os.environ["GOVDASH_DATABASE_URL"] = f"sqlite:///{old}"
    get_settings.cache_clear()
    try:
        with pytest.raises(DatabaseUnavailable, match="run `govdash init-db`"):
            data.data_version(fresh=True)
        tree = page_layout("region")(code="150203", **Y2024)
        assert "数据库连接中断" in all_text(tree)
    finally:
        os.environ["GOVDASH_DATABASE_URL"] = demo_url
        get_settings.cache_clear()


def test_a_pool_with_no_free_connection_is_one_clear_message(app_module, tmp_path):
    """Every pooled connection busy for pool_timeout seconds (a burst of pages): the
    data layer's one-line DatabaseUnavailable, which pages show as their banner, not
    SQLAlchemy's TimeoutError."""
    from sqlalchemy import create_engine

    from data_access.engine import DatabaseUnavailable
    from govdash import data

    url = f"sqlite:///{tmp_path / 'busy.sqlite'}"
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    with engine.connect(), pytest.raises(DatabaseUnavailable, match="busy"):
        data._call(lambda: engine.connect().close())
    engine.dispose()


# ------------------------------------------------------------------ callbacks
def test_clicking_a_child_drills_down_keeping_the_query(app_module):
    from pages import _region_view as view

    search = "?from=2024-01-01&to=2024-12-31&lang=en"
    bar = {"points": [{"customdata": "150203001", "y": "少先路街道"}]}
    assert (
        run_callback(view.drill_down, ["region-rank-bar.clickData"], bar, None, search)
        == "/region/150203001?from=2024-01-01&to=2024-12-31&lang=en"
    )
    treemap = {"points": [{"id": "150203001015", "label": "x"}]}
    assert run_callback(
        view.drill_down, ["region-children.clickData"], None, treemap, search
    ).startswith("/region/150203001015?")
    choropleth = {"points": [{"location": "150203", "z": 10}]}
    assert run_callback(
        view.drill_down, ["region-children.clickData"], None, choropleth, search
    ).startswith("/region/150203?")
    root = {"points": [{"id": "__root__"}]}
    assert run_callback(view.drill_down, ["region-children.clickData"], None, root, "") is (
        dash.no_update
    )


def test_clicking_a_warning_level_opens_its_case_list(app_module):
    from pages import _region_view as view

    click = {"points": [{"customdata": "red"}]}
    href = run_callback(
        view.drill_through_level,
        ["region-levels.clickData"],
        click,
        "/region/150203",
        "?period=this_year",
        None,
    )
    url = urlsplit(href)
    assert url.path == "/cases"
    assert parse_qs(url.query) == {
        "period": ["this_year"],
        "region": ["150203"],
        "level": ["red"],
        "status": ["all"],
    }


def test_thematic_unit_click_stays_on_the_page(app_module):
    module = sys.modules["pages.petitions"]
    assert module.UNIT_COUNT_ID == "petitions-units"
    # Registered with dash.callback: in the app once it has served a request, else
    # still in Dash's global map. Inputs read [{'id': ..., 'property': 'clickData'}].
    registered = [
        *app_module.app.callback_map.values(),
        *dash._callback.GLOBAL_CALLBACK_MAP.values(),
    ]
    callbacks = [
        cb
        for cb in registered
        if {"id": "petitions-units", "property": "clickData"} in cb["inputs"]
    ]
    assert callbacks
    from pages._common import drill_href

    assert drill_href("/petitions", "150203001", "?region=150203&period=this_year") == (
        "/petitions?period=this_year&region=150203001"
    )


@pytest.fixture
def kpis_calls(app_module, monkeypatch) -> KpisMisses:
    """The cache misses of data.kpis() results: of each of its parts
    (metrics.kpis(detail=False), kpis_mixes, kpis_snapshot), which miss together."""
    from govdash import data

    misses = KpisMisses()
    for name in KPIS_FUNCTIONS:
        real = getattr(data._metrics, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            misses.calls[_name].append(args[1:4])
            return _real(*args, **kwargs)

        monkeypatch.setattr(data._metrics, name, counting)
    return misses


class KpisMisses:
    """(region, start, end) of each part's computations; len(): the misses of whole
    kpis() results (every part must have missed as often)."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple]] = {name: [] for name in KPIS_FUNCTIONS}

    def __len__(self) -> int:
        counts = {len(made) for made in self.calls.values()}
        assert len(counts) == 1, self.calls
        return counts.pop()


# What data.kpis() computes its result from (govdash.data.KPIS_PARTS).
KPIS_FUNCTIONS = ("kpis", "kpis_mixes", "kpis_snapshot")


def test_cache_is_keyed_by_the_data_version(engine, kpis_calls):
    from govdash import data

    calls = kpis_calls
    args = ("150204", date(2024, 2, 1), date(2024, 2, 29))
    first = data.kpis(*args)
    again = data.kpis(*args)
    assert again == first and len(calls) == 1  # the second call was a cache hit
    with engine.begin() as conn:
        conn.execute(text("UPDATE data_state SET data_version = data_version + 1"))
    data._versions.clear()  # skip the 5 s the process trusts the version it read
    third = data.kpis(*args)
    assert len(calls) == 2 and third["accepted"] == first["accepted"]
    assert third["meta"]["data_version"] == first["meta"]["data_version"] + 1


def test_the_rankings_earlier_period_leaves_out_its_snapshot(app_module, monkeypatch):
    """data.ranking's earlier period is read for its ranks only (the default score
    weighs rates): breakdown(snapshot=False), and the ranking is the same."""
    from govdash import data

    calls = []
    real = data._metrics.breakdown

    def spy(*args, **kwargs):
        calls.append((args[2], kwargs.get("snapshot", True)))
        return real(*args, **kwargs)

    monkeypatch.setattr(data._metrics, "breakdown", spy)
    start, end = date(2024, 5, 6), date(2024, 6, 20)
    ranked = data.ranking("150203", start, end)
    earlier = data._metrics.ranking_period(start, end, None)[0]
    assert sorted(calls) == sorted([(start, True), (earlier, False)])
    assert ranked == straight_ranking("150203", start, end)


def straight_ranking(region: str, start: date, end: date) -> list[dict]:
    """data_access.metrics.ranking straight (both periods with their snapshots)."""
    from govdash import data

    return data._metrics.ranking(data._engine(data.database_url()), region, start, end)


def test_a_result_is_found_again_after_flask_cachings_version_key_is_gone(kpis_calls):
    """flask-caching keeps a memoized function's version key only RESULT_TIMEOUT after
    its last stored result (or a cache may evict it); the next first calls then made a
    new random version, so results stored before, or by a racing first call, were
    computed again. The version is fixed: the data version is what invalidates."""
    from flask_caching import function_namespace

    from govdash import data

    calls = kpis_calls
    args = ("150207", date(2024, 4, 1), date(2024, 4, 30))
    first = data.kpis(*args)
    version_key = data.cache._memvname(function_namespace(data._period_kpis.uncached)[0])
    assert data.cache.get(version_key) is not None
    data.cache.delete(version_key)  # as if it had expired
    assert data.kpis(*args) == first and len(calls) == 1


@pytest.mark.redis
def test_two_processes_share_cached_results_through_redis(app_module, demo_url, redis_url):
    """Process A computes with RedisCache; process B, whose metrics would fail, gets
    the same figures from the cache."""
    script = textwrap.dedent(
        """
        import sys
        from datetime import date
        from govdash import data
        mode = sys.argv[1]
        if mode == "reader":
            def broken(*a, **k):
                raise SystemExit("computed instead of reading the cache")
            for name in ("kpis", "kpis_mixes", "kpis_snapshot"):
                setattr(data._metrics, name, broken)
        figures = data.kpis("150205", date(2024, 5, 1), date(2024, 5, 31))
        print(figures["accepted"], figures["closure_rate"])
        """
    )
    env = {
        **os.environ,
        "GOVDASH_DATABASE_URL": demo_url,
        "GOVDASH_CACHE_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }
    writer = subprocess.run(
        [sys.executable, "-c", script, "writer"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert writer.returncode == 0, writer.stderr
    reader = subprocess.run(
        [sys.executable, "-c", script, "reader"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout == writer.stdout


def test_a_result_asked_for_at_once_by_several_threads_is_computed_once(app_module, monkeypatch):
    """A page's data calls and a prefetch of the same page ask for the same results
    side by side: the one computing a result is waited for, not repeated."""
    import threading
    import time

    from govdash import data

    calls = []
    real = data._metrics.kpis

    def slow(*args, **kwargs):
        calls.append(args[1:4])
        time.sleep(0.3)  # long enough for the other threads to ask meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(data._metrics, "kpis", slow)
    args = ("150206", date(2024, 3, 1), date(2024, 3, 31))
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(data.kpis(*args))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(got) == 3 and got[0] == got[1] == got[2]
    assert got[0] == real(make_engine(os.environ["GOVDASH_DATABASE_URL"]), *args)


def _prefetches_done(timeout: float = 60.0) -> None:
    import threading
    import time

    deadline = time.monotonic() + timeout
    for thread in [t for t in threading.enumerate() if t.name == "govdash-prefetch"]:
        thread.join(max(0.0, deadline - time.monotonic()))
        assert not thread.is_alive(), "a prefetch did not finish"


def test_a_region_pages_html_request_prefetches_exactly_its_data(app_module, monkeypatch):
    """GET /region/<code>?… starts on the page's data in the background; the page
    (its router callback, here its layout function) then computes nothing itself."""
    from govdash import data
    from pages import _region_view
    from pages._common import page_filters

    client = app_module.server.test_client()
    query = {"from": "2024-04-03", "to": "2024-08-19", "kind": "dispute"}
    reply = client.get("/region/150203", query_string=query)
    assert reply.status_code == 200 and "<html" in reply.get_data(as_text=True).lower()
    _prefetches_done()

    def computed(*args, **kwargs):
        raise AssertionError("computed, not prefetched")

    monkeypatch.setattr(data._metrics, "kpis", computed)
    monkeypatch.setattr(data._metrics, "breakdown", computed)
    view = _region_view.build_view("150203", page_filters(query))
    assert view.children is not None and view.figures  # all from the prefetch
    monkeypatch.undo()
    expected = kpis(
        make_engine(os.environ["GOVDASH_DATABASE_URL"]),
        "150203",
        date(2024, 4, 3),
        date(2024, 8, 19),
        kind="dispute",
    )
    assert view.meta["data_version"] == expected["meta"]["data_version"]
    assert data.kpis("150203", date(2024, 4, 3), date(2024, 8, 19), kind="dispute") == expected


def test_the_cockpits_html_request_prefetches_the_top_region(app_module, monkeypatch):
    from govdash import data
    from pages import _region_view
    from pages._common import page_filters

    client = app_module.server.test_client()
    query = {"from": "2024-02-03", "to": "2024-02-21"}
    assert client.get("/", query_string=query).status_code == 200
    _prefetches_done()
    monkeypatch.setattr(data._metrics, "kpis", None)  # any computation would fail
    monkeypatch.setattr(data._metrics, "breakdown", None)
    assert _region_view.build_view(data.top_region(), page_filters(query)).figures


def test_reaching_for_the_period_dropdown_prefetches_the_other_presets(app_module, monkeypatch):
    """The browser posts the page's URL when a person reaches for the period dropdown
    (assets/govdash.js prefetchPresets): the region's data for every other preset,
    under the page's other filters, is computed in the background, so that picking one
    computes nothing more."""
    from components.url_state import PRESETS
    from govdash import data
    from pages import _region_view
    from pages._common import page_filters

    _prefetches_done()
    data.cache.clear()  # nothing left from an earlier test
    client = app_module.server.test_client()
    route = "/" + _region_view.PREFETCH_PRESETS_ROUTE
    search = "?period=this_year&kind=dispute&lang=en"
    reply = client.post(route, query_string={"path": "region/150203", "search": search})
    assert reply.status_code == 204 and reply.get_data() == b""
    _prefetches_done()

    def computed(*args, **kwargs):
        raise AssertionError("computed, not prefetched")

    monkeypatch.setattr(data._metrics, "kpis", computed)
    monkeypatch.setattr(data._metrics, "breakdown", computed)
    shown = page_filters({"period": "this_year"})
    for preset in PRESETS:
        filters = page_filters({"period": preset, "kind": "dispute", "lang": "en"})
        if (filters.date_from, filters.date_to) == (shown.date_from, shown.date_to):
            continue  # the period shown (近12个月 in December too): its page's own
        view = _region_view.build_view("150203", filters)
        assert view.children is not None and view.figures, preset


def test_prefetch_off_starts_nothing_for_the_presets(app_module, monkeypatch):
    import dataclasses

    from pages import _region_view

    monkeypatch.setattr(
        app_module, "settings", dataclasses.replace(app_module.settings, prefetch=False)
    )
    monkeypatch.setattr(app_module, "prefetch_presets", None)  # a call would fail
    client = app_module.server.test_client()
    route = "/" + _region_view.PREFETCH_PRESETS_ROUTE
    query = {"path": "region/150203", "search": "?period=this_year"}
    assert client.post(route, query_string=query).status_code == 204


def test_a_bad_prefetch_of_presets_gives_up_quietly(app_module, caplog, monkeypatch):
    from pages import _region_view

    computed = []
    view_calls = _region_view._view_calls
    monkeypatch.setattr(
        _region_view, "_view_calls", lambda *a, **k: computed.append(a) or view_calls(*a, **k)
    )
    client = app_module.server.test_client()
    route = "/" + _region_view.PREFETCH_PRESETS_ROUTE
    for query in (
        {"path": "cases", "search": "?period=last_month"},  # not a region view
        {"path": "region/999999"},  # no such region
        {"path": "region/150203/x"},
        {"path": "../../etc/passwd", "search": "%%%"},
    ):
        assert client.post(route, query_string=query).status_code == 204, query
        _prefetches_done()
    assert not computed
    # the page's bad parameters are the page's to report; the presets still come
    query = {"path": "region/150203", "search": "?from=2024-13-01&region=x&period=nope"}
    assert client.post(route, query_string=query).status_code == 204
    _prefetches_done()
    assert computed and {a[0] for a in computed} == {"150203"}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]


def test_one_prefetch_of_presets_at_a_time_apart_from_the_pages(app_module, monkeypatch):
    """A second press while the presets are being computed starts nothing more, and
    a page's own prefetch is not kept waiting by them."""
    import threading

    from pages import _region_view

    _prefetches_done()
    release = threading.Event()
    monkeypatch.setattr(_region_view, "_view_calls", lambda *a, **k: release.wait(30) and {})
    first = _region_view.prefetch_presets("/region/150203", {})
    try:
        assert first is not None and first.is_alive()
        assert _region_view.prefetch_presets("/region/150204", {}) is None
        page = _region_view.prefetch_view("/region/150204", {"period": "last_month"})
        assert page is not None  # the pages' slots are their own
    finally:
        release.set()
    _prefetches_done()
    assert _region_view.prefetch_presets("/region/150204", {}) is not None
    _prefetches_done()


def test_only_region_views_are_prefetched_and_bad_urls_fail_quietly(app_module, caplog):
    from pages._region_view import prefetch_code, prefetch_view

    assert prefetch_code("/region/150203", {}) == "150203"
    assert prefetch_code("/", {"region": "150204"}) == "150204"
    for path in (
        "/cases",
        "/case/X-1",
        "/petitions",
        "/region",
        "/region/150203/x",
        "/_dash-layout",
    ):
        assert prefetch_code(path, {}) is None, path
        assert prefetch_view(path, {}) is None, path  # no thread started for it
    client = app_module.server.test_client()
    # an unknown region, a malformed date, a period backwards: the page says so, the
    # prefetch only gives up (nothing is logged above debug, nothing raised)
    for url in (
        "/region/999999",
        "/region/150203?from=2024-13-01",
        "/?from=2024-05-01&to=2024-01-01",
    ):
        assert client.get(url).status_code == 200, url
    _prefetches_done()
    assert not [
        r
        for r in caplog.records
        if r.levelname in ("ERROR", "WARNING") and "prefetch" in r.getMessage()
    ]


def test_no_more_than_a_few_prefetches_run_at_once(app_module):
    """A burst of page requests (a crawler) never piles up background work."""
    from pages import _region_view

    _prefetches_done()  # none left from an earlier test
    held = [_region_view._prefetching.acquire(blocking=False)]
    held += [_region_view._prefetching.acquire(blocking=False) for _ in range(10)]
    try:
        assert sum(held) == _region_view.PREFETCH_AT_ONCE
        assert _region_view.prefetch_view("/region/150203", {}) is None
    finally:
        for _ in range(sum(held)):
            _region_view._prefetching.release()
    thread = _region_view.prefetch_view("/region/150203", {"period": "last_month"})
    assert thread is not None
    thread.join(60)
    assert not thread.is_alive()


@pytest.mark.redis
def test_a_process_waits_for_the_result_another_is_computing(app_module, demo_url, redis_url):
    """With a shared cache, process B asks for a result while process A is still
    computing it: B waits for A's result instead of computing it (B's metrics fail)."""
    script = textwrap.dedent(
        """
        import functools, sys, time
        from datetime import date
        from govdash import data
        mode = sys.argv[1]
        parts = ("kpis", "kpis_mixes", "kpis_snapshot")
        if mode == "writer":
            def slow(*a, _real, _first, **k):
                if _first:
                    print("computing", flush=True)
                time.sleep(2.0)
                return _real(*a, **k)
            for name in parts:
                real = getattr(data._metrics, name)
                setattr(data._metrics, name, functools.partial(
                    slow, _real=real, _first=name == "kpis"))
        else:
            def broken(*a, **k):
                raise SystemExit("computed instead of waiting for the other process")
            for name in ("kpis", "kpis_mixes", "kpis_snapshot"):
                setattr(data._metrics, name, broken)
        figures = data.kpis("150207", date(2024, 6, 1), date(2024, 6, 30))
        print(figures["accepted"], figures["closure_rate"], flush=True)
        """
    )
    env = {
        **os.environ,
        "GOVDASH_DATABASE_URL": demo_url,
        "GOVDASH_CACHE_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }
    writer = subprocess.Popen(
        [sys.executable, "-c", script, "writer"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert writer.stdout.readline().strip() == "computing"  # A holds the marker now
    reader = subprocess.run(
        [sys.executable, "-c", script, "reader"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout == out


# ------------------------------------------------------------------ data_access.grids
def test_grid_activity_agrees_with_kpis(engine, codes):
    from data_access.grids import grid_activity

    start, end = date(2024, 1, 1), date(2024, 12, 31)
    village = grid_activity(engine, codes["village"], start, end)
    with engine.connect() as conn:
        grids = conn.scalars(select(Grid.code).where(Grid.village_code == codes["village"])).all()
    assert [g["code"] for g in village["grids"]] == sorted(grids)  # silent ones included
    for grid in village["grids"]:
        assert grid["accepted"] == kpis(engine, grid["code"], start, end)["accepted"]
    assert [c["key"] for c in village["by_child"]] == sorted(grids)
    township = grid_activity(engine, codes["township"], start, end, kind="dispute")
    for child in township["by_child"]:
        assert child["silent_grids"] == sum(
            1 for g in township["grids"] if g["village_code"] == child["key"] and not g["accepted"]
        )
    city = grid_activity(engine, "150200", start, end)
    assert sum(c["grids"] for c in city["by_child"]) == len(city["grids"])


def test_assets_are_fingerprinted_and_cached_for_a_year(app_module):
    """Every asset link carries ?m=<mtime>, and such a URL is served with a one-year
    max-age also when compressed (flask-compress's own ETag defeated revalidation)."""
    import re

    client = app_module.server.test_client()
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    assert any("plotly-govdash.min.js" in link for link in links)
    assert links and all("?m=" in link for link in links), links
    bundle = next(link for link in links if "plotly-govdash" in link)
    for encoding in ("br", "gzip", "identity"):
        with client.get(bundle, headers={"Accept-Encoding": encoding}, buffered=True) as reply:
            assert reply.status_code == 200
            assert reply.cache_control.max_age == 31536000, encoding
            assert reply.cache_control.public and not reply.cache_control.no_cache
    with client.get("/assets/vendor/plotly-govdash.min.js", buffered=True) as reply:
        assert reply.cache_control.max_age is None  # not fingerprinted: revalidated


# ------------------------------------------------------------------ in-place filter changes
def _outputs(tree, ids: list[str], prop: str = "figure") -> list:
    found = by_id(tree)
    return [getattr(found[i], prop) for i in ids]


def test_a_filter_change_on_the_page_shown_leaves_it_to_the_update_callbacks(app_module, codes):
    """The router returns no_update when the region page on screen (the shell's view
    store) is the one asked for with other filters; another region, page or language
    is rendered as usual."""
    region = page_layout("region")
    home = page_layout("home")
    view = {"path": "/region/150203", "region": "150203", "lang": "zh"}
    assert region(code="150203", _view=view, _pathname="/region/150203", **Y2024) is (
        dash.no_update
    )
    for other in (
        {"code": "150204", "_pathname": "/region/150204"},  # another region
        {"code": "150203", "_pathname": "/region/150203", "lang": "en"},  # another language
        {"code": "150203", "_pathname": "/region/150203", "_view": None},  # nothing shown
    ):
        args = {"_view": view, **Y2024, **other}
        assert by_id(region(**args)).get("region-page") is not None, other
    cockpit = {"path": "/", "region": "150200", "lang": "zh"}
    assert home(_view=cockpit, _pathname="/", **Y2024) is dash.no_update
    assert home(_view=cockpit, _pathname="/", region="150203", **Y2024) is not dash.no_update


@pytest.mark.parametrize("level", ["city", "township", "grid"])
def test_update_callbacks_give_what_a_full_render_shows(app_module, codes, level):
    """The update callback of a page's shape (update_region for a region with children,
    update_grid for a grid), for a new URL, returns exactly the parts the page rendered
    from that URL has; the page carries that callback's trigger and no other."""
    view = sys.modules["pages._region_view"]
    code = codes[level]
    path = f"/region/{code}"
    state = {"path": path, "code": code, "lang": "zh"}
    new = {"from": "2024-04-01", "to": "2024-06-30", "kind": "dispute"}
    search = "?" + "&".join(f"{k}={v}" for k, v in new.items())
    full = page_layout("region")(code=code, **new)
    ids = by_id(full)
    update, shape = (
        (view.update_grid, "grid") if level == "grid" else (view.update_region, "children")
    )
    triggers = [c.id for c in walk(full) if getattr(c, "id", None) in SHAPE_TRIGGERS]
    assert triggers == [{"type": "url-trigger", "shape": shape}]  # this one, no other
    shown = ("this_year", "2026-01-01", "2026-12-31", "all", "all", "all")  # controls before
    got = run_callback(update, [TRIGGERED], path + search, state, None, *shown)
    meta, crumbs, notice, tiles, *figs = got[:9]
    centers_style = got[9]
    controls, filter_shown, drawn, as_of, extra = got[10:16], got[16], got[17], got[18], got[19:]
    assert meta == ids["page-meta"].children
    assert figs == _outputs(full, list(view.REGION_FIGURES))
    assert centers_style == ids["region-centers"].style
    assert tile_values(tiles) == tile_values(full)
    assert json.dumps(crumbs.to_plotly_json(), default=str) == json.dumps(
        ids["page-crumbs"].children.to_plotly_json(), default=str
    )
    # The filter bar follows the URL (here: as after browser back), and knows the period.
    assert list(controls) == ["custom", "2024-04-01", "2024-06-30", "dispute"] + [
        dash.no_update,
        dash.no_update,
    ]
    assert filter_shown == ids["filter-shown"].data
    assert filter_shown == {"period": None, "from": "2024-04-01", "to": "2024-06-30"}
    assert drawn == ids["region-drawn"].data  # what the charts show now
    assert as_of == ids["view-as-of"].data is None  # 2024-Q2 has ended
    if level == "grid":
        href, cases = extra
        assert href == ids["grid-cases-link"].href and "kind=dispute" in href
        assert cases == ids["grid-cases-html"].markup  # the grid's cases, for the filters
    else:
        children, bar, table = extra
        assert [children, bar] == _outputs(full, ["region-children", "region-rank-bar"])
        assert table == ids["ranking-table-html"].markup


@pytest.mark.parametrize("level", ["city", "district", "grid"])
def test_a_filter_change_redraws_only_the_charts_it_changes(app_module, codes, level):
    """From the page as rendered for one URL, the update for another sends a chart's
    figure only where the page rendered for the new URL has another figure than the
    old page (here the year 2024 → its December: the trend shows the same 12 months, the load
    per center the same end of period); the rest
    are left as drawn, and the fingerprints say what is drawn then."""
    view = sys.modules["pages._region_view"]
    code = codes[level]
    path = f"/region/{code}"
    state = {"path": path, "code": code, "lang": "zh"}
    region = page_layout("region")
    before = by_id(region(code=code, **{"from": "2024-01-01", "to": "2024-12-31"}))
    after = by_id(region(code=code, **{"from": "2024-12-01", "to": "2024-12-31"}))
    update = view.update_grid if level == "grid" else view.update_region
    got = run_callback(
        update, [TRIGGERED], path + "?from=2024-12-01&to=2024-12-31", state,
        before["region-drawn"].data, *(None,) * 6,
    )  # fmt: skip
    chart_ids = list(view.REGION_FIGURES)
    sent = list(got[4:9])
    if level != "grid":
        chart_ids += list(view.CHILDREN_FIGURES)
        sent += list(got[19:21])
    unchanged = [i for i in chart_ids if before[i].figure == after[i].figure]
    assert {"region-trend", "region-centers"} <= set(unchanged)
    assert len(unchanged) < len(chart_ids)  # and the period's own charts differ
    for graph_id, output in zip(chart_ids, sent, strict=True):
        if graph_id in unchanged:
            assert output is dash.no_update, graph_id
        else:
            assert output == after[graph_id].figure, graph_id
    assert got[17] == after["region-drawn"].data


def test_update_callbacks_leave_another_page_alone(app_module, codes):
    """A URL for another region or language (the router renders it) changes nothing."""
    view = sys.modules["pages._region_view"]
    state = {"path": "/region/150203", "code": "150203", "lang": "zh"}
    for href in (
        "/region/150204?period=this_year",
        "/region/150203?period=this_year&lang=en",
        "/petitions?region=150203",
        "http://127.0.0.1:8050/petitions?region=150203",
        None,
    ):
        for update in (view.update_region, view.update_grid, view.update_plain):
            with pytest.raises(dash.exceptions.PreventUpdate):
                run_callback(update, [TRIGGERED], href, state, None, *(None,) * 6)


def test_update_with_the_database_gone_says_so(app_module, tmp_path, demo_url):
    """A filter change while the database is unreachable: the charts empty and the
    notice says why; never a traceback (a real missing database, as above)."""
    view = sys.modules["pages._region_view"]
    os.environ["GOVDASH_DATABASE_URL"] = f"sqlite:///{tmp_path / 'gone.sqlite'}"
    get_settings.cache_clear()
    state = {"path": "/region/150203", "code": "150203", "lang": "zh"}
    try:
        got = run_callback(
            view.update_region, [TRIGGERED], "/region/150203?from=2024-04-01&to=2024-04-30",
            state, None, *(None,) * 6,
        )  # fmt: skip
    finally:
        os.environ["GOVDASH_DATABASE_URL"] = demo_url
        get_settings.cache_clear()
    notice = got[2]
    assert "数据库连接中断" in json.dumps(notice.to_plotly_json(), default=str, ensure_ascii=False)
    for fig in [*got[4:9], *got[-3:-1]]:
        assert not fig["data"]


# ------------------------------------------------------------------ the cached facade
@pytest.mark.parametrize(
    ("date_from", "date_to", "as_of"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), None),  # an ended year
        (date(2024, 3, 1), date(2024, 3, 31), datetime(2024, 3, 20, 15, 30)),  # month to date
        (date(2024, 2, 10), date(2024, 3, 20), None),  # odd dates
    ],
)
def test_facade_compare_and_ranking_equal_the_data_layer(
    app_module, engine, date_from, date_to, as_of
):
    """govdash.data runs compare()'s three kpis() and ranking()'s two breakdowns side by
    side, each cached on its own: the answers are data_access.metrics' own."""
    from data_access import metrics
    from govdash import data

    for region, filters in (("150203", {}), ("150200", {"kind": "petition"})):
        want = metrics.compare(engine, region, date_from, date_to, as_of, **filters)
        assert data.compare(region, date_from, date_to, as_of, **filters) == want
        assert data.compare(region, date_from, date_to, as_of, **filters) == want  # cached
        ranked = metrics.ranking(engine, region, date_from, date_to, as_of, **filters)
        assert data.ranking(region, date_from, date_to, as_of, **filters) == ranked
