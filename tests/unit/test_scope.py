"""What a region code selects: Scope.village_range, level_of_code, RegionIndex.scope."""

from __future__ import annotations

import pytest
from fixtures import GRIDS, REGIONS, load_fixture

from data_access.regions import RegionIndex, Scope, UnknownRegion, level_of_code

FIXTURE_VILLAGES = [r["code"] for r in REGIONS if r["level"] == "village"]


@pytest.fixture(scope="module")
def index() -> RegionIndex:
    return RegionIndex(
        [(r["code"], r["name"], r["level"], r["parent_code"]) for r in REGIONS],
        [(g["code"], g["name"], g["village_code"]) for g in GRIDS],
    )


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("150200", "city"),
        ("150203", "district"),
        ("150271", "district"),
        ("150203001", "township"),
        ("150203400", "township"),
        ("150203001015", "village"),
        ("150203001015001", "grid"),
    ],
)
def test_level_of_code(code, level):
    assert level_of_code(code) == level


@pytest.mark.parametrize(
    "code",
    [
        "",
        "1502",
        "15020",
        "1502031",
        "15020300",
        "1502030010",
        "15020300101",
        "1502030010150",
        "15020300101500",
        "1502030010150011",
        "15020a",
        "abcdef",
        "150203-001",
        "150203 ",
        "-15020",
    ],
)
def test_level_of_malformed_code_is_none(code):
    assert level_of_code(code) is None


def _in_range(scope: Scope, village: str) -> bool:
    low, high = scope.village_range
    return low <= village <= high


@pytest.mark.parametrize(
    ("code", "level", "bounds"),
    [
        ("150200", "city", ("150200000000", "150299999999")),
        ("150203", "district", ("150203000000", "150203999999")),
        ("150203100", "township", ("150203100000", "150203100999")),
        ("150203001015", "village", ("150203001015", "150203001015")),
    ],
)
def test_village_range_bounds(code, level, bounds):
    assert Scope(code, level, "", None).village_range == bounds


def test_grid_scope_has_no_village_range():
    assert Scope("150203001015001", "grid", "", "150203001015").village_range is None


def test_village_ranges_select_exactly_the_villages_under_them(index):
    """Against the tree: no prefix leaks into a neighbour (1502031 / 1502031002 traps)."""
    for code, (_name, level, _parent) in index.regions.items():
        if level == "village":
            continue
        scope = index.scope(code)
        under, stack = set(), [code]
        while stack:
            current = stack.pop()
            if index.regions[current][1] == "village":
                under.add(current)
            stack.extend(c for c in index.child_codes(current) if c in index.regions)
        selected = {v for v in FIXTURE_VILLAGES if _in_range(scope, v)}
        assert selected == under, code
    township = index.scope("150203100")
    assert not _in_range(township, "150203102003")
    assert not _in_range(index.scope("150203100200"), "150203100201")
    assert not _in_range(index.scope("150203"), "150204001021")
    assert not _in_range(index.scope("150203001"), "150203100004")


def test_child_level():
    assert [
        Scope("x", lvl, "", None).child_level
        for lvl in ("city", "district", "township", "village", "grid")
    ] == [
        "district",
        "township",
        "village",
        "grid",
        None,
    ]


def test_scope_of_known_codes(index):
    assert index.scope("150200") == Scope("150200", "city", "包头市", None)
    assert index.scope("150203100") == Scope("150203100", "township", "昆河镇", "150203")
    assert index.scope("150203400") == Scope("150203400", "township", "包钢厂区办事处", "150203")
    assert index.scope(" 150203001015 ") == Scope(
        "150203001015", "village", "少先二十一号街坊社区居委会", "150203001"
    )
    assert index.scope("150204001021003") == Scope(
        "150204001021003", "grid", "北嘉第三网格", "150204001021"
    )


@pytest.mark.parametrize(
    "code", ["150299", "150205", "150203999", "150203001999", "150203001015999", "999999"]
)
def test_scope_of_unknown_code_raises(index, code):
    with pytest.raises(UnknownRegion, match="unknown region code"):
        index.scope(code)


@pytest.mark.parametrize(
    "code", ["", "   ", None, "abc", "15020", "1502031", "15020300101", "150203001015001x"]
)
def test_scope_of_malformed_code_raises(index, code):
    with pytest.raises(UnknownRegion, match="malformed"):
        index.scope(code)


def test_unknown_region_is_a_value_error():
    assert issubclass(UnknownRegion, ValueError)


def test_children_path_and_names(index):
    assert index.child_codes("150200") == ["150202", "150203", "150204"]
    assert index.child_codes("150203") == ["150203001", "150203100", "150203102", "150203400"]
    assert index.child_codes("150204001021") == [
        "150204001021001",
        "150204001021002",
        "150204001021003",
    ]
    assert index.child_codes("150204001022") == []
    assert [s.code for s in index.path("150203100200001")] == [
        "150200",
        "150203",
        "150203100",
        "150203100200",
        "150203100200001",
    ]
    assert index.name("150203102") == "卜尔汉图镇"
    assert index.top_code() == "150200"


def test_region_index_loads_from_a_database(sqlite_engine):
    load_fixture(sqlite_engine, refresh=False)
    loaded = RegionIndex.load(sqlite_engine)
    assert loaded.regions["150203400498"] == ("包钢厂区虚拟社区", "village", "150203400")
    assert set(loaded.regions) == {r["code"] for r in REGIONS}
    assert set(loaded.grids) == {g["code"] for g in GRIDS}
    assert loaded.scope("150203100200002").parent_code == "150203100200"
