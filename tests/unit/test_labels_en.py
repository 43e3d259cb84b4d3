"""Case categories and center levels in both languages (data_access/labels.py), as the
components show them: the case list's cells, the case page's fields, the category
charts (components/i18n.py t("category.<stored text>")), and the center level that
the case page and /centers both show."""

from __future__ import annotations

from datetime import datetime

import pytest

from components.case_table import create_case_fields, grid_rows
from components.figures import create_share_bar
from components.i18n import TEXT, t
from data_access.demo import CATEGORY_LABELS as DEMO_CATEGORIES
from data_access.labels import (
    CATEGORY_LABELS,
    CENTER_LEVEL_LABELS,
    category_label,
    label,
)

CJK = range(0x3000, 0xFFFF)


def has_cjk(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


# ------------------------------------------------------------------ categories
def test_every_demo_category_has_an_english_label():
    for category in set(DEMO_CATEGORIES):
        assert category in CATEGORY_LABELS, category
        zh, en = CATEGORY_LABELS[category]
        assert zh == category
        assert en and en.strip() == en and not has_cjk(en), (category, en)
        assert category_label(category, "en") == en
        assert category_label(category, "zh") == category


def test_english_category_labels_are_distinct():
    english = [en for _zh, en in CATEGORY_LABELS.values()]
    assert len(english) == len(set(english))


@pytest.mark.parametrize(
    ("category", "english"),
    [
        ("劳动争议", "Labour disputes"),
        ("邻里纠纷", "Neighbour disputes"),
        ("婚姻家庭", "Marriage and family"),
        ("物业纠纷", "Property management disputes"),
        ("民政", "Civil affairs"),
        ("其他", "Other"),
    ],
)
def test_some_category_labels(category, english):
    assert label("category", category, "en") == english
    assert t(f"category.{category}", "en") == english
    assert t(f"category.{category}", "zh") == category


def test_an_unknown_category_shows_as_stored():
    for lang in ("zh", "en"):
        assert category_label("供热计量", lang) == "供热计量"
        assert t("category.供热计量", lang) == "供热计量"
        assert t("category.a.b", lang) == "a.b"
    assert category_label(None, "en") == ""
    assert t("no.such.key", "en") == "no.such.key"  # other keys still show themselves


def _case_row(**overrides):
    row = {
        "case_no": "JF15020320240000001",
        "kind": "dispute",
        "source": "walk_in",
        "category": "劳动争议",
        "warning_level": "red",
        "township_name": "昆北街道",
        "village_name": "某社区",
        "village_code": "150203001001",
        "grid_code": None,
        "grid_name": None,
        "center_name": "昆都仑区综治中心",
        "center_level": "township",
        "status": "closed",
        "accepted_at": datetime(2024, 3, 1, 9, 0),
        "deadline_at": datetime(2024, 3, 31, 9, 0),
        "closed_at": datetime(2024, 3, 20, 9, 0),
        "visited_at": None,
        "outcome": "resolved",
        "resolved_level": "township",
        "satisfaction": "satisfied",
        "party_name": "张**",
        "party_phone": "138****0000",
        "summary": "职工与用人单位就经济补偿发生争议",
        "overdue_at_as_of": False,
        "region_path": [],
        "events": [],
    }
    row.update(overrides)
    return row


def _texts(component) -> list[str]:
    out: list[str] = []

    def visit(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list | tuple):
            for child in node:
                visit(child)
        elif hasattr(node, "children"):
            visit(node.children)

    visit(component)
    return out


def test_case_list_cells_show_the_category_in_the_language():
    rows = [_case_row(), _case_row(case_no="X2", category="自定义类别")]
    english = grid_rows(rows, "en")
    assert [r["category"] for r in english] == ["Labour disputes", "自定义类别"]
    assert [r["category"] for r in grid_rows(rows, "zh")] == ["劳动争议", "自定义类别"]


def test_case_page_fields_show_the_category_and_center_level_in_the_language():
    english = _texts(create_case_fields(_case_row(), "en"))
    assert "Labour disputes" in english and "劳动争议" not in english
    assert t("clevel.township", "en") in english
    chinese = _texts(create_case_fields(_case_row(), "zh"))
    assert "劳动争议" in chinese and "街道/乡镇级" in chinese


def test_category_chart_labels_through_the_shared_labels():
    """A page's create_share_bar(..., label_prefix="category") shows the English
    labels and keeps the stored categories as the bars' keys (the drill-through)."""
    figure = create_share_bar({"劳动争议": 5, "未知类别": 2}, label_prefix="category", lang="en")
    bar = figure["data"][0]  # (the figure factories return plain dicts)
    assert list(bar["y"]) == ["未知类别", "Labour disputes"]
    assert list(bar["customdata"]) == ["未知类别", "劳动争议"]


# ------------------------------------------------------------------ center levels
def test_one_center_level_label_everywhere():
    for level, pair in CENTER_LEVEL_LABELS.items():
        assert TEXT[f"clevel.{level}"] == pair
        for lang in ("zh", "en"):
            assert label("center_level", level, lang) == t(f"clevel.{level}", lang)
    assert CENTER_LEVEL_LABELS["township"] == ("街道/乡镇级", "Township")
    every_label = {text for pair in CENTER_LEVEL_LABELS.values() for text in pair}
    assert not every_label & {"镇街级", "村社级", "区级"}


@pytest.mark.parametrize(("lang", "other"), [("zh", "其余3类"), ("en", "3 more")])
def test_the_share_bars_rest_is_not_the_category_called_other(lang, other):
    """Past `top` bars the rest is one bar; the stored category 其他 keeps its own row
    (the same label put both bars on one row of the category axis)."""
    counts = {"劳动争议": 9, "其他": 8, "婚姻家庭": 7, "邻里纠纷": 3, "土地纠纷": 2, "物业": 1}
    figure = create_share_bar(counts, label_prefix="category", lang=lang, top=4)
    labels = list(figure["data"][0]["y"])
    assert labels[0] == other and len(set(labels)) == len(labels) == 4
    assert figure["data"][0]["x"][0] == 3 + 2 + 1
