"""Nasty URLs against the real app and a real (small) demo database: the region
page, the cockpit and the thematic pages render (no error state) and say what they
ignored, in the page's language; the browser tab's title follows the language on
every page; /case/<no> decodes its number and shows it as text.

The router is driven as the browser drives it (a POST to Dash's
/_dash-update-component through the Flask test client), so the pages' layouts and
titles are what a browser gets."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from urllib.parse import quote, urlencode

import dash
import pytest
from dash import dcc
from page_helpers import page_layout, texts, walk
from sqlalchemy import select

from components.i18n import t
from data_access.engine import make_engine
from data_access.metrics import kpis
from data_access.models import Case, Grid
from data_access.settings import get_settings

ERROR_TEXTS = (
    t("state.error", "zh"),
    t("state.error", "en"),
    t("state.db_page", "zh"),
    t("state.db_page", "en"),
)
IGNORED = {"zh": t("filter.ignored", "zh"), "en": t("filter.ignored", "en")}
CJK = re.compile(r"[\u4e00-\u9fff]")

# (query parameters as Dash passes them to a layout, what each problem must name)
NASTY: list[tuple[dict, list[str]]] = [
    ({"from": "2024-13-01", "to": "2024-12-31"}, ["from=2024-13-01", "to=2024-12-31"]),
    ({"from": "0001-01-01", "to": "9999-12-31"}, ["from=0001-01-01", "to=9999-12-31"]),
    ({"from": "2024-12-31", "to": "2024-01-01"}, ["from=2024-12-31", "to=2024-01-01"]),
    ({"from": "1999-12-31", "to": "2024-06-30", "period": "last_month"}, ["from=1999-12-31"]),
    (
        {"period": "forever", "kind": "<script>alert(1)</script>", "level": "purple"},
        ["period=forever", "kind=<script>alert(1)</script>", "level=purple"],
    ),
    (
        {"from": ["2024-01-01", "2023-01-01"], "to": "2024-06-30", "source": "x' OR 1=1 --"},
        ["from=2023-01-01", "source=x' OR 1=1 --"],
    ),
    ({"to": "2024-06-30", "kind": ["dispute", "petition"]}, ["to=2024-06-30", "kind=petition"]),
]
PAGES = ["region", "home", "petitions", "disputes", "satisfaction", "centers", "grids"]


# ------------------------------------------------------------------ fixtures
pytestmark = pytest.mark.usefixtures("_reading_demo")


def problem_notice(tree) -> str | None:
    for component in walk(tree):
        if "gd-filter-problems" in str(getattr(component, "className", "") or ""):
            return " ".join(texts(component))
    return None


def render(module: str, params: dict, lang: str | None):
    query = dict(params, **({"lang": lang} if lang else {}))
    if module == "region":
        return page_layout("region")(code="150203", **query)
    if module == "home":
        return page_layout("home")(**query)
    return page_layout(module)(region="150203", **query)


def route(client, pathname: str, search: str = "") -> dict:
    """The pages router's reply for a URL, as the browser asks for it."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "state": [
            {"id": "gd-view", "property": "data", "value": None},
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    reply = client.post("/_dash-update-component", json=body)
    assert reply.status_code == 200, reply.data[:500]
    return reply.get_json()["response"]


def json_texts(node) -> list[str]:
    """The text children of a layout as JSON (what the browser gets)."""
    out: list[str] = []

    def visit(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            visit(value.get("props", {}).get("children") if "props" in value else None)

    visit(node)
    return out


# ------------------------------------------------------------------ pages render
@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize("module", PAGES)
def test_pages_render_nasty_urls_and_say_what_they_ignored(app_module, module, lang):
    for params, named in NASTY:
        tree = render(module, params, lang)
        text = " ".join(texts(tree))
        for error in ERROR_TEXTS:
            assert error not in text, (module, params)
        # charts, or (a default period after the demo's last case) the no-data state
        no_data = t("state.no_data", lang or "zh") in text
        assert [c for c in walk(tree) if isinstance(c, dcc.Graph)] or module == "grids" or no_data
        notice = problem_notice(tree)
        assert notice is not None, (module, params)
        page_lang = lang or "zh"
        assert notice.startswith(IGNORED[page_lang]), notice
        for item in named:
            assert item in notice, (module, params, item, notice)
        if page_lang == "en":
            rest = notice
            for item in named:
                rest = rest.replace(item, "")
            assert not CJK.search(rest), notice
        else:
            assert "（" in notice and "must both be given" not in notice


def test_the_audits_malformed_date_message(app_module):
    tree = render("region", {"from": "2024-13-01", "to": "2024-12-31"}, None)
    assert problem_notice(tree) == (
        "已忽略无效的链接参数：from=2024-13-01（不是有效日期，应为YYYY-MM-DD）；"
        "to=2024-12-31（须与有效的 from 同时给出；改用本年）"
    )
    english = render("region", {"from": "2024-13-01", "to": "2024-12-31"}, "en")
    assert problem_notice(english) == (
        "Ignored invalid link parameters: from=2024-13-01 (not a valid date, expected "
        "YYYY-MM-DD); to=2024-12-31 (needs a valid from as well; showing This year instead)"
    )


def test_extreme_dates_show_the_default_period_not_an_error(app_module):
    tree = render("region", {"from": "0001-01-01", "to": "9999-12-31"}, None)
    text = " ".join(texts(tree))
    assert "页面数据加载失败" not in text
    assert "超出可查询范围 2000-01-01 至" in problem_notice(tree)
    # the widest range allowed renders too (同比 a year back, the trend's months)
    widest = render("region", {"from": "2000-01-01", "to": "2031-12-31"}, "en")
    assert problem_notice(widest) is None
    assert "The page's data could not be loaded" not in " ".join(texts(widest))


def test_messages_follow_the_default_language_setting(app_module):
    os.environ["GOVDASH_LANG"] = "en"
    get_settings.cache_clear()
    tree = render("petitions", {"from": "2024-13-01", "to": "2024-12-31"}, None)
    notice = problem_notice(tree)
    assert notice.startswith(IGNORED["en"]) and "not a valid date" in notice


def test_links_keep_chinese_where_english_is_the_default(app_module):
    """GOVDASH_LANG=en: a page asked for in Chinese links in Chinese (lang=zh), and the
    way back from an unknown region too; English pages need no lang=."""
    os.environ["GOVDASH_LANG"] = "en"
    get_settings.cache_clear()
    hrefs = [
        c.href
        for c in walk(render("region", {"from": "2024-01-01", "to": "2024-12-31"}, "zh"))
        if isinstance(c, dcc.Link)
    ]
    assert hrefs and all("lang=zh" in href for href in hrefs)
    hrefs = [
        c.href
        for c in walk(render("region", {"from": "2024-01-01", "to": "2024-12-31"}, "en"))
        if isinstance(c, dcc.Link)
    ]
    assert hrefs and not any("lang=" in href for href in hrefs)
    unknown = page_layout("region")(code="150299", lang="zh")
    assert [c.href for c in walk(unknown) if isinstance(c, dcc.Link)] == ["/?lang=zh"]


def test_the_router_renders_a_nasty_url(app_module):
    client = app_module.server.test_client()
    search = "?" + urlencode({"from": "0001-01-01", "to": "9999-12-31", "lang": "en"})
    reply = route(client, "/region/150203", search)
    text = " ".join(json_texts(reply["_pages_content"]["children"]))
    assert "outside the supported range" in text
    assert "could not be loaded" not in text
    assert reply["_pages_store"]["data"]["title"] == "昆都仑区 · Region overview · govdash"


# ------------------------------------------------------------------ tab titles
TITLES = [
    ("/", "", "指挥舱 · govdash", "Cockpit · govdash"),
    ("/region/150203", "", "昆都仑区 · 区域态势 · govdash", "昆都仑区 · Region overview · govdash"),
    ("/region", "", "区域态势 · govdash", "Region overview · govdash"),
    ("/petitions", "", "信访 · govdash", "Petitions · govdash"),
    ("/petitions", "region=150203", "昆都仑区 · 信访 · govdash", "昆都仑区 · Petitions · govdash"),
    ("/disputes", "", "矛盾纠纷 · govdash", "Disputes · govdash"),
    ("/satisfaction", "", "回访满意度 · govdash", "Satisfaction · govdash"),
    ("/centers", "", "中心负荷 · govdash", "Center load · govdash"),
    ("/grids", "", "网格 · govdash", "Grids · govdash"),
    ("/cases", "", "案件清单 · govdash", "Case list · govdash"),
    ("/case/NO-SUCH-CASE", "", "案件详情 NO-SUCH-CASE · govdash", "Case NO-SUCH-CASE · govdash"),
    ("/no/such/page", "", "页面不存在 · govdash", "Page not found · govdash"),
]


@pytest.mark.parametrize(("path", "query", "zh", "en"), TITLES)
def test_the_tab_title_follows_the_language(app_module, path, query, zh, en):
    client = app_module.server.test_client()
    assert route(client, path, "?" + query if query else "")["_pages_store"]["data"] == {
        "title": zh
    }
    search = "?" + "&".join(p for p in (query, "lang=en") if p)
    assert route(client, path, search)["_pages_store"]["data"] == {"title": en}
    # the first HTML already has it (and a bad lang= falls back to Chinese)
    page = client.get(path + search).get_data(as_text=True)
    assert f"<title>{en}</title>" in page
    page = client.get(path + "?lang=xx" + ("&" + query if query else "")).get_data(as_text=True)
    assert f"<title>{zh}</title>" in page


def test_every_page_has_a_localized_title(app_module):
    from components.shell import LocalizedTitle, localize_page_titles

    assert localize_page_titles() == []
    assert all(isinstance(p["title"], LocalizedTitle) for p in dash.page_registry.values())


def test_a_title_with_markup_is_escaped_in_the_html(app_module):
    client = app_module.server.test_client()
    page = client.get("/case/" + quote("<b>x</b>", safe="")).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert "<b>" not in title and "&lt;b&gt;x&lt;/b&gt;" in title


# ------------------------------------------------------------------ /case/<no>
def test_case_numbers_are_decoded_and_shown_as_text(app_module, demo_url):
    client = app_module.server.test_client()
    reply = route(client, "/case/%20")
    text = " ".join(json_texts(reply["_pages_content"]["children"]))
    assert "%20" not in text and "未找到案件：（未给出案件编号）" in text

    nasty = '<img src=x onerror="alert(1)">'
    reply = route(client, "/case/" + quote(nasty, safe=""), "?lang=en")
    content = reply["_pages_content"]["children"]
    assert "No such case: " + nasty in json_texts(content)  # a text child: React escapes it
    assert "dangerously_allow_html" not in json.dumps(content)

    engine = make_engine(demo_url)
    with engine.connect() as conn:
        case_no = conn.scalars(select(Case.case_no).limit(1)).one()
    engine.dispose()
    reply = route(client, "/case/" + quote(case_no, safe=""), "?lang=en")
    text = " ".join(json_texts(reply["_pages_content"]["children"]))
    assert f"Case {case_no}" in text
    assert reply["_pages_store"]["data"]["title"] == f"Case {case_no} · govdash"


def test_the_case_page_names_a_bad_lang_in_the_default_language(app_module):
    tree = page_layout("case")(case_no="NOPE", lang="fr")
    assert any("lang=fr（不支持该语言" in text for text in texts(tree))


# ------------------------------------------------------------------ center load
def test_center_load_says_nothing_is_open_rather_than_no_data(app_module, demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        grids = conn.scalars(
            select(Grid.code).where(Grid.village_code.like("150203%")).order_by(Grid.code)
        ).all()
    y2024 = (datetime(2024, 1, 1).date(), datetime(2024, 12, 31).date())
    grid = next(
        g for g in grids if (f := kpis(engine, g, *y2024))["accepted"] > 0 and not f.get("open")
    )
    engine.dispose()
    tree = page_layout("region")(code=grid, **{"from": "2024-01-01", "to": "2024-12-31"})
    (graph,) = [c for c in walk(tree) if getattr(c, "id", None) == "region-centers"]
    assert graph.figure["layout"]["annotations"][0]["text"] == t("state.no_open", "zh")
