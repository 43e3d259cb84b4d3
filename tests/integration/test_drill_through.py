"""Drill-through from the charts to /cases, on a real (small) demo database.

Every chart that opens a case list (pages/_drill.py DRILL_CHARTS) is clicked on
every bar, as Dash would report the click (the point's curveNumber, pointNumber,
customdata and id, taken from the figure the page rendered); the URL the callback
writes is opened as the /cases page itself, and

- the list's total (the number /cases shows) equals the number the bar shows: its
  length for counts; for a rate, the count its hover names, and the rate is
  numerator list / denominator list;
- the rows of the list are the bar's cases: an independent SQL count over the raw
  cases table with the bar's own condition (source, category, month, center, grid)
  gives the same number.

Also: a grid's region page lists its latest cases (checked against raw SQL), masked
and escaped, and the in-place filter update sends the table for the new filters.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, time
from html import unescape
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import dash
import pytest
from dash import dcc
from page_helpers import page_layout, run_callback, texts, walk
from sqlalchemy import text

from components.tables import grid_cases_html
from data_access.caselist import MAX_PAGE_SIZE, list_cases

Y2024 = {"from": "2024-01-01", "to": "2024-12-31"}
ODD = {"from": "2024-03-05", "to": "2024-06-20"}  # the trend reaches back to 2023-07


# ------------------------------------------------------------------ fixtures
DEMO_SCALE = 0.1  # tests/integration/conftest.py
pytestmark = pytest.mark.usefixtures("_reading_demo")


@pytest.fixture(scope="module")
def grid(engine) -> str:
    """The grid of 昆都仑区 with the most cases in 2024."""
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT grid_code FROM cases WHERE grid_code LIKE '150203%'"
                " AND accepted_at BETWEEN '2024-01-01' AND '2024-12-31 23:59:59'"
                " GROUP BY grid_code ORDER BY count(*) DESC, grid_code LIMIT 1"
            )
        ).scalar_one()


# ------------------------------------------------------------------ helpers
def by_id(tree) -> dict:
    return {c.id: c for c in walk(tree) if isinstance(getattr(c, "id", None), str)}


def click_of(fig: dict, curve: int, index: int, unified: bool = False) -> dict:
    """clickData as dcc.Graph reports a click on point `index` of trace `curve`
    (its customdata from the figure, plotly's event fields: id from `ids`). With
    `unified` (the trend's hover), every trace's point of that x comes along."""

    def point(c: int) -> dict:
        trace = fig["data"][c]
        found = {"curveNumber": c, "pointNumber": index}
        for key in ("x", "y", "labels", "values"):
            if key in trace and index < len(trace[key]):
                found[key.rstrip("s") if key in ("labels", "values") else key] = trace[key][index]
        if "customdata" in trace:
            found["customdata"] = trace["customdata"][index]
        if "ids" in trace:
            found["id"] = trace["ids"][index]
        return found

    def drawn(c: int) -> int:
        trace = fig["data"][c]
        return len(trace.get("values") or trace.get("x") or [])

    curves = range(len(fig["data"]) - 1, -1, -1) if unified else [curve]
    return {"points": [point(c) for c in curves if index < drawn(c)]}


def open_list(app_module, href: str) -> tuple[int, dict[str, str]]:
    """The total the /cases page shows for `href`, and the URL's parameters."""
    url = urlsplit(href)
    assert url.path == "/cases", href
    params = dict(parse_qsl(url.query))
    page = by_id(page_layout("cases")(**params))
    assert "cases-problems" not in page, page.get("cases-problems")
    total = int(page["cases-total"].children.replace(",", ""))
    return total, params


def raw_count(engine, params: dict[str, str]) -> int:
    """The cases of a /cases URL of a period question, counted with plain SQL over the
    cases table (not data_access): scope, period, kind/source/level/category/center."""
    region = params["region"]
    column = "grid_code" if len(region) == 15 else "village_code"
    if len(region) == 6 and region.endswith("00"):  # the city: every district under it
        region = region[:4]
    where = [
        "status NOT IN ('rejected', 'void')",
        f"substr({column}, 1, {len(region)}) = :region",
        "accepted_at BETWEEN :start AND :end",
    ]
    args: dict = {"region": region}
    args["start"] = datetime.combine(date.fromisoformat(params["from"]), time.min)
    end = datetime.combine(date.fromisoformat(params["to"]), time(23, 59, 59))
    args["end"] = min(end, _as_of(params["as_of"])) if params.get("as_of") else end
    for name, col in (
        ("kind", "kind"),
        ("source", "source"),
        ("level", "warning_level"),
        ("category", "category"),
        ("center", "center_id"),
    ):
        if params.get(name):
            where.append(f"{col} = :{name}")
            args[name] = int(params[name]) if name == "center" else params[name]
    if params.get("status") == "rated":
        where += ["closed_at IS NOT NULL", "closed_at <= :as_of", "satisfaction IS NOT NULL"]
        args["as_of"] = args["end"] if not params.get("as_of") else _as_of(params["as_of"])
    else:
        assert params.get("status", "all") == "all", params
    sql = "SELECT count(*) FROM cases WHERE " + " AND ".join(where)
    with engine.connect() as conn:
        return conn.execute(text(sql), args).scalar_one()


def _as_of(value: str) -> datetime:
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(23, 59, 59))
    return datetime.fromisoformat(value)


# The pages whose charts are clicked: (module, layout arguments, pathname, search).
def _query(params: dict[str, str]) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


VIEWS = [
    ("region", {"code": "150203", **Y2024}, "/region/150203", _query(Y2024)),
    (
        "region",
        {"code": "150204", **ODD, "kind": "dispute"},
        "/region/150204",
        _query({**ODD, "kind": "dispute"}),
    ),
    ("home", {**Y2024, "source": "walk_in"}, "/", _query({**Y2024, "source": "walk_in"})),
    (
        "petitions",
        {"region": "150203", **Y2024},
        "/petitions",
        _query({"region": "150203", **Y2024}),
    ),
    ("disputes", dict(Y2024), "/disputes", _query(Y2024)),
    (
        "satisfaction",
        {"region": "150203", **Y2024},
        "/satisfaction",
        _query({"region": "150203", **Y2024}),
    ),
    ("centers", {"region": "150204", **Y2024}, "/centers", _query({"region": "150204", **Y2024})),
]


def _bar_value(trace: dict, index: int):
    if trace.get("type") == "pie":
        return trace["values"][index]
    return trace["x" if trace.get("orientation") == "h" else "y"][index]


def _hover_count(trace: dict, index: int) -> int:
    """The count a rate bar's hover names ('96.50%<br>参评量: 1,234' / '53.67% (12 件)')."""
    hover = unescape(trace["hovertext"][index])
    numbers = re.findall(r"(?:: |\()([\d,]+)(?: 件| cases|$|\))", hover)
    assert numbers, hover
    return int(numbers[-1].replace(",", ""))


def _check_bar(app_module, engine, graph_id, fig, curve, index, pathname, search) -> str | None:
    """Click one bar; check its list. Returns the segment kind clicked (None: no list)."""
    from pages._drill import DRILL_CHARTS, case_drill_href

    segment, fixed = DRILL_CHARTS[graph_id]
    trace = fig["data"][curve]
    click = click_of(fig, curve, index, unified=segment == "month")
    href = case_drill_href(segment, click, pathname, search, fixed)
    if href is None:
        # Only the share bar's "其他" (several categories) opens nothing.
        assert segment == "category" and trace["customdata"][index] == "__other__", (
            graph_id,
            index,
        )
        return None
    total, params = open_list(app_module, href)
    value = _bar_value(trace, index)
    status = params.get("status", "all")
    where = (graph_id, index, href)
    if graph_id.endswith("-per-staff"):  # open per staff member: the open cases
        assert total == _hover_count(trace, index), where
        staff = round(_hover_count(trace, index) / value) if value else None
        assert staff and abs(total / staff - value) < 1e-9, where
    elif graph_id == "satisfaction-centers":  # a rate: its rated cases (the hover's)
        assert status == "rated" and total == _hover_count(trace, index), where
        satisfied, _ = open_list(app_module, href.replace("status=rated", "status=satisfied"))
        assert abs(satisfied / total * 100 - value) < 1e-6, where
    elif segment == "status":  # 小事不出村 / 大事不出镇: the cases the share counts
        assert total == _hover_count(trace, index), where
        closed, _ = open_list(app_module, href.replace(f"status={status}", "status=closed"))
        assert abs(total / closed * 100 - value) < 1e-6, where
    else:  # a count: exactly the bar
        assert total == value, where
    # The rows are the bar's cases: counted again from the raw table (period lists).
    if segment in ("month", "source", "category", "level", "grid") or status == "rated":
        assert raw_count(engine, params) == total, where
    if segment == "center_load":
        rows = list_cases(
            engine,
            params["region"],
            date.fromisoformat(params["from"]),
            date.fromisoformat(params["to"]),
            status=status,
            center_id=int(params["center"]),
            limit=MAX_PAGE_SIZE,
        )["rows"]
        assert {r["center_id"] for r in rows} <= {int(params["center"])}
        assert all(r["overdue_at_as_of"] == (status == "overdue") for r in rows), where
    return segment


# ------------------------------------------------------------------ every bar
@pytest.mark.parametrize(("module", "args", "pathname", "search"), VIEWS)
def test_every_bar_opens_a_list_of_exactly_its_cases(
    app_module, engine, module, args, pathname, search
):
    from pages._drill import DRILL_CHARTS

    tree = page_layout(module)(**args)
    graphs = {i: c for i, c in by_id(tree).items() if isinstance(c, dcc.Graph)}
    clicked = set()
    for graph_id, graph in graphs.items():
        if graph_id not in DRILL_CHARTS:
            continue
        fig = graph.figure
        assert fig["data"], graph_id  # the demo has cases for every chart of these pages
        assert "gd-clickable" in _card_class(tree, graph_id), graph_id
        segment = DRILL_CHARTS[graph_id][0]
        curves = [0, 1] if segment == "center_load" else [0]
        for curve in curves:
            trace = fig["data"][curve]
            count = len(trace.get("values") or trace.get("x") or [])
            for index in range(count):
                if _bar_value(trace, index) in (None, 0):
                    continue  # nothing drawn there to click
                if _check_bar(app_module, engine, graph_id, fig, curve, index, pathname, search):
                    clicked.add(graph_id)
    expected = {
        "region": {
            "region-trend",
            "region-levels",
            "region-sources",
            "region-containment",
            "region-centers",
        },
        "home": {
            "region-trend",
            "region-levels",
            "region-sources",
            "region-containment",
            "region-centers",
        },
        "petitions": {"petitions-trend", "petitions-sources", "petitions-categories"},
        "disputes": {"disputes-trend", "disputes-types", "disputes-categories"},
        "satisfaction": {"satisfaction-trend", "satisfaction-centers"},
        "centers": {"centers-load", "centers-per-staff"},
    }[module]
    assert clicked == expected


def _card_class(tree, graph_id: str) -> str:
    """The class of the card holding `graph_id` (its pointer cursor comes from it)."""
    for card in walk(tree):
        holds = any(getattr(c, "id", None) == graph_id for c in walk(card))
        if "gd-chart-card" in str(getattr(card, "className", "")) and holds:
            return card.className
    raise AssertionError(f"no card holds {graph_id}")


def test_the_trend_months_outside_the_period_and_its_cut_last_month(app_module):
    """A custom period's trend shows 12 months: each bar opens its own whole month (the
    first month before the period too), the last one up to the period's end."""
    tree = page_layout("region")(code="150204", **ODD)
    fig = by_id(tree)["region-trend"].figure
    ranges = fig["data"][0]["customdata"]
    assert ranges[0][:2] == ["2023-07-01", "2023-07-31"]
    assert ["2024-03-01", "2024-03-31"] in [r[:2] for r in ranges]  # not from the 5th
    assert ranges[-1][:2] == ["2024-06-01", "2024-06-20"]
    from pages._drill import case_drill_href

    href = case_drill_href(
        "month", click_of(fig, 0, 0, unified=True), "/region/150204", _query(ODD)
    )
    params = dict(parse_qsl(urlsplit(href).query))
    assert params["from"] == "2023-07-01" and params["to"] == "2023-07-31"
    assert "period" not in params and params["region"] == "150204"


def test_grid_bars_of_a_village_open_each_grids_cases(app_module, engine, grid):
    """/grids at village level: a grid's bar opens that grid's cases with the filters."""
    from pages._drill import DRILL_CHARTS

    village = grid[:12]
    args = {"region": village, **Y2024, "kind": "dispute"}
    fig = by_id(page_layout("grids")(**args))["grids-per-grid"].figure
    assert DRILL_CHARTS["grids-per-grid"][0] == "grid"
    search = _query(args)
    checked = 0
    for index, value in enumerate(fig["data"][0]["x"]):
        if value:
            assert _check_bar(app_module, engine, "grids-per-grid", fig, 0, index, "/grids", search)
            checked += 1
    assert checked


def test_the_drill_callbacks_write_the_pages_location(app_module):
    """Each drill-through chart has one callback: its click in, the page's own
    dcc.Location out (inside the app, no reload), and it returns that URL."""
    from pages import centers
    from pages._drill import DRILL_CHARTS

    registered = [
        *app_module.app.callback_map.values(),
        *dash._callback.GLOBAL_CALLBACK_MAP.values(),
    ]
    for graph_id in DRILL_CHARTS:
        found = [
            cb for cb in registered if {"id": graph_id, "property": "clickData"} in cb["inputs"]
        ]
        assert found, graph_id
    module = sys.modules["pages._drill"]
    assert module.segment_params("center_load", {"curveNumber": 1, "id": "12"}) == {
        "center": "12",
        "status": "overdue",
    }
    assert module.segment_params("center_load", {"curveNumber": 0, "id": "12"}) == {
        "center": "12",
        "status": "open_in_time",
    }
    for bad in ({"customdata": "<script>"}, {"customdata": None}, {}):
        assert module.segment_params("source", bad) is None
        assert module.segment_params("grid", bad) is None
        assert module.segment_params("month", bad) is None
    assert centers.LOAD_ID in DRILL_CHARTS


# ------------------------------------------------------------------ a grid's cases
def _raw_grid_cases(engine, grid: str, start: date, end: date, kind: str | None = None):
    sql = (
        "SELECT case_no, party_name, party_phone FROM cases WHERE grid_code = :grid"
        " AND status NOT IN ('rejected', 'void') AND accepted_at BETWEEN :start AND :end"
        + (" AND kind = :kind" if kind else "")
        + " ORDER BY accepted_at DESC, id DESC"
    )
    args = {
        "grid": grid,
        "start": datetime.combine(start, time.min),
        "end": datetime.combine(end, time(23, 59, 59)),
        "kind": kind,
    }
    with engine.connect() as conn:
        return conn.execute(text(sql), args).all()


def _markup_cases(markup: str) -> tuple[int, list[str]]:
    total = int(re.search(r'data-total="(\d+)"', markup).group(1))
    numbers = re.findall(r'<a href="/case/([^"?]+)\?', markup)
    return total, numbers


def test_a_grid_page_lists_its_latest_cases(app_module, engine, grid):
    tree = page_layout("region")(code=grid, **Y2024)
    ids = by_id(tree)
    markup = ids["grid-cases-html"].markup
    raw = _raw_grid_cases(engine, grid, date(2024, 1, 1), date(2024, 12, 31))
    total, numbers = _markup_cases(markup)
    assert total == len(raw) > 0
    assert numbers == [r.case_no for r in raw[:10]]
    # masked: no party name or phone of the grid's cases appears as it is
    for row in raw:
        assert row.party_name not in markup and row.party_phone not in markup
    assert "*" in markup
    # the full list is linked, and the case links carry the list's query back
    link = ids["grid-cases-link"].href
    assert f"region={grid}" in link and "status=all" in link
    assert f"?{link.split('?', 1)[1]}".replace("&", "&amp;") in markup


def test_the_grid_table_follows_the_filters_in_place(app_module, engine, grid):
    view = sys.modules["pages._region_view"]
    path = f"/region/{grid}"
    state = {"path": path, "code": grid, "lang": "zh"}
    got = run_callback(
        view.update_grid,
        '{"shape":"grid","type":"url-trigger"}.data',
        path + "?from=2024-01-01&to=2024-12-31&kind=dispute",
        state,
        None,
        *(None,) * 6,
    )
    href, markup = got[-2:]
    raw = _raw_grid_cases(engine, grid, date(2024, 1, 1), date(2024, 12, 31), "dispute")
    if raw:
        total, numbers = _markup_cases(markup)
        assert total == len(raw) and numbers == [r.case_no for r in raw[:10]]
    else:
        assert "没有案件" in markup
    assert "kind=dispute" in href
    full = by_id(page_layout("region")(code=grid, **Y2024, kind="dispute"))
    assert markup == full["grid-cases-html"].markup


def test_the_grid_table_escapes_everything():
    row = {
        "case_no": 'X"><script>alert(1)</script>',
        "accepted_at": datetime(2024, 5, 1, 8, 0),
        "kind": "<b>k</b>",
        "category": "<img src=x onerror=alert(1)>",
        "status": "closed",
        "warning_level": 'red" onclick="x',
        "party_name": "<i>张*</i>",
    }
    markup = grid_cases_html([row], 1, lang="en", list_query='?region=1&x="<')
    assert "<script>" not in markup and "<img" not in markup and "<i>" not in markup
    assert 'onclick="x' not in markup and "<b>" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert "Case no." in markup  # English column labels


# ------------------------------------------------------------------ repeat petitioners
def test_the_petitions_page_lists_repeat_petitioners_linking_to_their_petitions(app_module, engine):
    """The table on /petitions: short labels (never a whole key), masked names, and a
    link per row whose /cases list counts the row's petitions."""
    args = {"region": "150200", "from": "2024-01-01", "to": "2025-12-31"}
    ids = by_id(page_layout("petitions")(**args))
    markup = ids["petitioner-table-html"].markup
    rows = re.findall(
        r'<a href="([^"]+)" class="gd-region-link" data-gd-nav="1">([^<]+)</a></code></td>'
        r"<td>([^<]*)</td><td class=\"gd-num\">([\d,]+)</td>",
        markup,
    )
    assert rows, markup[:500]
    with engine.connect() as conn:
        keys = set(
            conn.scalars(text("SELECT DISTINCT petitioner_key FROM cases WHERE kind='petition'"))
        )
        names = set(conn.scalars(text("SELECT DISTINCT party_name FROM cases")))
    keys.discard(None)
    assert all(key not in markup for key in keys)
    for href, label, name, count in rows:
        assert len(label) == 12 and any(k.startswith(label) for k in keys)
        assert name not in names and "*" in name
        total, params = open_list(app_module, unescape(href))
        assert total == int(count.replace(",", "")), (label, href)
        assert params["petitioner"] == label and params["kind"] == "petition"
        assert params["region"] == "150200" and params["from"] == "2023-01-01"
    shown = int(re.search(r"显示前 (\d+) 人", ids["petitioners-total"].children).group(1))
    assert shown == len(rows)


def test_a_repeated_region_parameter_opens_the_region_the_page_shows(app_module):
    """Dash gives a page the first of repeated parameters; the click's list takes the
    same one (it took the last: another region's cases)."""
    from pages._drill import case_drill_href

    # center= and as_of= are /cases parameters: the page ignores them, so does its list.
    search = "?region=150203&region=150204&from=2024-01-01&to=2024-12-31&center=7&as_of=2024-06-30"
    tree = page_layout("petitions")(
        region=["150203", "150204"], **{"from": "2024-01-01", "to": "2024-12-31"}
    )
    shown = " ".join(texts(tree))
    assert "昆都仑区" in shown and "青山区" not in shown
    click = {"points": [{"curveNumber": 0, "pointNumber": 0, "customdata": "walk_in"}]}
    href = case_drill_href("source", click, "/petitions", search, {"kind": "petition"})
    assert parse_qsl(urlsplit(href).query).count(("region", "150203")) == 1
    assert ("region", "150204") not in parse_qsl(urlsplit(href).query)
    assert dict(parse_qsl(urlsplit(href).query)).keys() == {
        "region",
        "from",
        "to",
        "status",
        "kind",
        "source",
    }


def test_a_running_periods_lists_are_read_when_its_figures_were(app_module, engine):
    """While a period runs its figures are taken at the moment the page is drawn;
    a click later (a wall screen shows a page all day) opened the list at the moment
    of the click, when cases shown open had become overdue. The page keeps that
    moment (view-as-of): its tiles and every bar's list are read at it."""
    from pages._drill import DRILL_CHARTS, case_drill_href

    search = "?region=150203&period=this_year"  # the demo ended 2025-12-31: still open
    layout = page_layout("centers")(region="150203", period="this_year")
    tree = by_id(layout)
    as_of = tree["view-as-of"].data
    assert as_of and as_of.replace("T", " ")[:16] in tree["page-meta"].children
    fig = tree["centers-load"].figure
    segment, fixed = DRILL_CHARTS["centers-load"]
    totals = []
    for curve, trace in enumerate(fig["data"]):
        index = max(range(len(trace["x"])), key=lambda i: trace["x"][i])
        href = case_drill_href(
            segment, click_of(fig, curve, index), "/centers", search, fixed, as_of
        )
        total, params = open_list(app_module, href)
        assert params["as_of"] == as_of and total == _bar_value(trace, index)
        totals.append(total)
    assert any(totals)
    markup = " ".join(str(getattr(c, "markup", "")) for c in walk(layout))
    tile_links = re.findall(r'href="([^"]*/cases[^"]*)"', markup)
    assert tile_links and all(f"as_of={quote(as_of)}" in unescape(h) for h in tile_links)
    # A period that has ended needs no moment: its lists are read at its end.
    ended = page_layout("centers")(region="150203", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert by_id(ended)["view-as-of"].data is None


# A period with data that has not ended: the demo's last year up to this year's end.
RUNNING = {"from": "2025-01-01", "to": f"{date.today().year}-12-31"}


def test_the_grids_page_and_its_lists_are_read_at_one_moment(app_module, engine):
    """/grids of a running period: the counts' moment is shown and kept (view-as-of),
    the reports tile's list and each grid's bar list are read at it and hold as many
    cases as they say."""
    from pages._drill import DRILL_CHARTS, case_drill_href

    with engine.connect() as conn:  # the village with the most grid cases
        village = (
            conn.execute(
                text(
                    "SELECT village_code FROM cases WHERE grid_code IS NOT NULL"
                    " AND accepted_at >= :start GROUP BY village_code ORDER BY count(*) DESC"
                ),
                {"start": datetime(2025, 1, 1)},
            )
            .scalars()
            .first()
        )
    layout = page_layout("grids")(region=village, **RUNNING)
    tree = by_id(layout)
    as_of = tree["view-as-of"].data
    assert as_of and as_of.replace("T", " ")[:16] in tree["page-meta"].children
    markup = " ".join(str(getattr(c, "markup", "")) for c in walk(layout))
    tile = re.search(r'<a id="kpi-grid_reports"[^>]* href="([^"]+)"', markup)
    assert tile is not None
    total, params = open_list(app_module, unescape(tile.group(1)))
    assert params["as_of"] == as_of
    shown = re.search(r'id="kpi-grid_reports".*?class="gd-kpi-value"[^>]*>([\d,]+)<', markup)
    assert shown is not None and total == int(shown.group(1).replace(",", ""))
    fig = tree["grids-per-grid"].figure
    segment, fixed = DRILL_CHARTS["grids-per-grid"]
    trace = fig["data"][0]
    index = max(range(len(trace["x"])), key=lambda i: trace["x"][i])
    href = case_drill_href(
        segment, click_of(fig, 0, index), "/grids", f"?region={village}&{urlencode(RUNNING)}",
        fixed, as_of,
    )  # fmt: skip
    total, params = open_list(app_module, href)
    assert params["as_of"] == as_of and total == trace["x"][index] > 0


def test_a_repeat_petitioners_list_is_read_when_the_table_was(app_module):
    """The table of a running period's repeat petitioners links to each one's petitions
    read at the table's moment: later petitions would not be the row's."""
    layout = page_layout("petitions")(region="150200", **RUNNING)
    as_of = by_id(layout)["view-as-of"].data
    assert as_of
    markup = by_id(layout)["petitioner-table-html"].markup
    links = [unescape(h) for h in re.findall(r'href="([^"]*/cases[^"]*)"', markup)]
    assert links
    for href in links[:3]:
        total, params = open_list(app_module, href)
        # The table's own moment: read in its own call, within the page's minute.
        moment = datetime.fromisoformat(params["as_of"])
        assert abs((moment - datetime.fromisoformat(as_of)).total_seconds()) <= 60
        assert params["petitioner"] and total >= 2
