"""Drill-through lists (data_access.caselist) against kpis, on SQLite and PostgreSQL.

The list behind a figure must hold exactly the cases the figure counts: every
status's total is compared with the matching `kpis` count (rollup path and straight
path), on the metric fixture database (tests/fixtures.py) and on a small demo.
Paging, sorting, masking, exports and the case timeline are checked on real rows.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from fixtures import CASES, CENTERS, load_fixture
from openpyxl import load_workbook
from sqlalchemy import Engine, insert, select, update

from data_access.caselist import (
    LIST_STATUSES,
    MAX_PAGE_SIZE,
    SORTABLE_COLUMNS,
    case_detail,
    default_region,
    export_cases,
    export_filename,
    list_cases,
)
from data_access.engine import make_engine
from data_access.metrics import kpis
from data_access.models import Case, CaseEvent
from data_access.regions import UnknownRegion

# status -> the kpis key whose count the list's total must equal.
STATUS_TO_KPI = {
    "all": "accepted",
    "closed": "closed",
    "resolved": "resolved",
    "on_time": "on_time",
    "rated": "rated",
    "satisfied": "satisfied",
    "repeat": "repeat_petitions",
    "village_contained": "village_contained",
    "township_contained": "township_contained",
    "open": "open",
    "overdue": "overdue_open",
}
# status -> (minuend, subtrahend) of kpis counts.
STATUS_AS_DIFFERENCE = {
    "unresolved": ("closed", "resolved"),
    "late": ("closed", "on_time"),
    "dissatisfied": ("rated", "satisfied"),
    "open_in_time": ("open", "overdue_open"),
}
# Not a kpis count: the grids page's 网格内受理量 (test_in_grid_lists_* below).
STATUS_OF_GRIDS = {"in_grid"}
assert set(STATUS_TO_KPI) | set(STATUS_AS_DIFFERENCE) | STATUS_OF_GRIDS == set(LIST_STATUSES)
KPI_STATUSES = tuple(s for s in LIST_STATUSES if s not in STATUS_OF_GRIDS)

SCOPES = [
    "150200",
    "150203",
    "150204",
    "150203100",
    "150203400",
    "150203001015",
    "150204001021",
    "150203100200001",
]
MID_MARCH = datetime(2024, 3, 15, 14, 30, 0)
QUERIES = [
    pytest.param(date(2024, 1, 1), date(2024, 12, 31), None, id="year2024"),
    pytest.param(date(2024, 1, 1), date(2024, 1, 31), date(2024, 1, 25), id="jan2024-asof-25"),
    pytest.param(date(2024, 3, 1), date(2024, 3, 31), MID_MARCH, id="mar2024-asof-mid"),
    pytest.param(date(2024, 2, 10), date(2024, 3, 20), None, id="odd-dates"),
    pytest.param(date(2022, 1, 1), date(2025, 12, 31), None, id="multi-year"),
    pytest.param(date(2024, 1, 1), date(2024, 6, 30), date(2024, 2, 29), id="asof-month-end"),
]
FILTERS = [
    {},
    {"kind": "petition"},
    {"kind": "dispute"},
    {"source": "walk_in"},
    {"warning_level": "red"},
    {"category": "邻里纠纷"},
]


def _expected(figures: dict, status: str) -> int:
    if status in STATUS_TO_KPI:
        return figures[STATUS_TO_KPI[status]]
    minuend, subtrahend = STATUS_AS_DIFFERENCE[status]
    return figures[minuend] - figures[subtrahend]


def _assert_totals_match(engine: Engine, region, date_from, date_to, as_of, **filters) -> None:
    totals = {
        status: list_cases(
            engine, region, date_from, date_to, as_of, status=status, limit=0, **filters
        )["total"]
        for status in KPI_STATUSES
    }
    for use_rollups in (None, False):  # the rollup path (where it applies) and the straight one
        figures = kpis(
            engine, region, date_from, date_to, as_of, use_rollups=use_rollups, **filters
        )
        expected = {status: _expected(figures, status) for status in KPI_STATUSES}
        assert totals == expected, (region, date_from, date_to, as_of, filters, use_rollups)


# ---------------------------------------------------------------- totals == kpis
@pytest.mark.parametrize("date_from,date_to,as_of", QUERIES)
@pytest.mark.parametrize("region", SCOPES)
def test_totals_equal_kpis(fixture_engine, region, date_from, date_to, as_of):
    _assert_totals_match(fixture_engine, region, date_from, date_to, as_of)


@pytest.mark.parametrize("filters", FILTERS[1:], ids=lambda f: "-".join(map(str, f.values())))
@pytest.mark.parametrize("region", ["150200", "150203", "150203001015"])
def test_totals_equal_kpis_with_filters(fixture_engine, region, filters):
    _assert_totals_match(
        fixture_engine, region, date(2022, 1, 1), date(2025, 12, 31), None, **filters
    )
    _assert_totals_match(
        fixture_engine, region, date(2024, 1, 1), date(2024, 12, 31), MID_MARCH, **filters
    )


def _in_grid_by_hand(region: str, date_from: date, date_to: date, as_of, **filters) -> int:
    """The fixture's cases placed in a grid, counted with pandas from the raw rows."""
    frame = pd.DataFrame(CASES)
    end = datetime.combine(date_to, datetime.max.time().replace(microsecond=0))
    if as_of is not None:
        end = min(
            end, as_of if isinstance(as_of, datetime) else datetime.combine(as_of, end.time())
        )
    prefix = region[:4] if len(region) == 6 and region.endswith("00") else region
    place = frame["grid_code"] if len(region) == 15 else frame["village_code"]
    keep = (
        ~frame["status"].isin(["rejected", "void"])
        & frame["accepted_at"].between(datetime.combine(date_from, datetime.min.time()), end)
        & place.fillna("").str.startswith(prefix)
        & frame["grid_code"].notna()
    )
    for column, value in (("kind", filters.get("kind")), ("source", filters.get("source"))):
        if value is not None:
            keep &= frame[column] == value
    return int(keep.sum())


@pytest.mark.parametrize("date_from,date_to,as_of", QUERIES)
@pytest.mark.parametrize("region", SCOPES)
def test_in_grid_lists_hold_the_cases_placed_in_a_grid(
    fixture_engine, region, date_from, date_to, as_of
):
    """status=in_grid: what the grids page's 网格内受理量 counts (grid_activity), the
    same number as a count by hand over the raw rows."""
    from data_access.grids import grid_activity

    total = list_cases(
        fixture_engine, region, date_from, date_to, as_of, status="in_grid", limit=0
    )["total"]
    assert total == _in_grid_by_hand(region, date_from, date_to, as_of)
    activity = grid_activity(fixture_engine, region, date_from, date_to, as_of)
    assert total == sum(grid["accepted"] for grid in activity["grids"])


@pytest.mark.parametrize("filters", [{"kind": "petition"}, {"source": "grid_report"}])
def test_in_grid_lists_keep_the_pages_filters(fixture_engine, filters):
    from data_access.grids import grid_activity

    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31), None)
    total = list_cases(*args, status="in_grid", limit=0, **filters)["total"]
    assert total == _in_grid_by_hand(*args[1:], **filters)
    assert total == sum(g["accepted"] for g in grid_activity(*args, **filters)["grids"])


@pytest.mark.parametrize("as_of", [None, date(2024, 6, 30), MID_MARCH])
def test_center_lists_equal_center_load(fixture_engine, as_of):
    figures = kpis(fixture_engine, "150200", date(2024, 1, 1), date(2024, 12, 31), as_of)
    assert figures["center_load"], "the fixture has open cases"
    for entry in figures["center_load"]:
        for status, key in (("open", "open"), ("overdue", "overdue_open")):
            result = list_cases(
                fixture_engine,
                "150200",
                date(2024, 1, 1),
                date(2024, 12, 31),
                as_of,
                status=status,
                center_id=entry["center_id"],
                limit=MAX_PAGE_SIZE,
            )
            assert result["total"] == entry[key]
            assert {row["center_id"] for row in result["rows"]} <= {entry["center_id"]}


def test_strict_satisfaction(fixture_engine):
    figures = kpis(
        fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31), strict_satisfaction=True
    )
    for status in ("satisfied", "dissatisfied"):
        total = list_cases(
            fixture_engine,
            "150200",
            date(2022, 1, 1),
            date(2025, 12, 31),
            status=status,
            strict_satisfaction=True,
            limit=0,
        )["total"]
        assert total == _expected(figures, status)


def test_rows_satisfy_their_status(fixture_engine):
    """Spot-check the rows themselves, not only the counts."""
    as_of = datetime(2024, 12, 31, 23, 59, 59)
    args = (fixture_engine, "150200", date(2024, 1, 1), date(2024, 12, 31))
    closed = list_cases(*args, status="closed", limit=MAX_PAGE_SIZE)["rows"]
    assert closed and all(r["closed_at"] is not None and r["closed_at"] <= as_of for r in closed)
    open_rows = list_cases(*args, status="open", limit=MAX_PAGE_SIZE)["rows"]
    assert all(r["open_at_as_of"] for r in open_rows)
    overdue = list_cases(*args, status="overdue", limit=MAX_PAGE_SIZE)["rows"]
    assert all(r["overdue_at_as_of"] and r["deadline_at"] < as_of for r in overdue)
    everything = list_cases(*args, status="all", limit=MAX_PAGE_SIZE)["rows"]
    assert all(r["status"] not in ("rejected", "void") for r in everything)
    assert all(
        date(2024, 1, 1) <= r["accepted_at"].date() <= date(2024, 12, 31) for r in everything
    )
    repeat = list_cases(
        fixture_engine,
        "150200",
        date(2022, 1, 1),
        date(2025, 12, 31),
        status="repeat",
        limit=MAX_PAGE_SIZE,
    )
    assert all(r["kind"] == "petition" for r in repeat["rows"])


# ---------------------------------------------------------------- paging and sorting
SORTS = [
    None,
    [{"colId": "accepted_at", "sort": "asc"}],
    [{"colId": "closed_at", "sort": "asc"}],
    [{"colId": "closed_at", "sort": "desc"}],
    [{"colId": "warning_level", "sort": "desc"}, {"colId": "case_no", "sort": "asc"}],
    [{"colId": "village_name", "sort": "asc"}],
    [{"colId": "center_name", "sort": "desc"}],
    [{"colId": "satisfaction", "sort": "asc"}],
]


@pytest.mark.parametrize(
    "sort", SORTS, ids=lambda s: "default" if s is None else s[0]["colId"] + "-" + s[0]["sort"]
)
def test_pages_are_disjoint_and_cover_the_total(fixture_engine, sort):
    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31))
    total = list_cases(*args, limit=0)["total"]
    assert total > 30, "the fixture should give several pages"
    seen: list[str] = []
    size = 7
    for offset in range(0, total + size, size):
        page = list_cases(*args, offset=offset, limit=size, sort=sort, count=False)
        assert page["total"] is None
        assert len(page["rows"]) == max(0, min(size, total - offset))
        seen += [row["case_no"] for row in page["rows"]]
    assert len(seen) == total
    assert len(set(seen)) == total
    whole = list_cases(*args, limit=MAX_PAGE_SIZE, sort=sort)
    assert [row["case_no"] for row in whole["rows"]] == seen


def test_sorting(fixture_engine):
    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31))
    kw = {"limit": MAX_PAGE_SIZE}

    default = list_cases(*args, **kw)["rows"]
    accepted = [r["accepted_at"] for r in default]
    assert accepted == sorted(accepted, reverse=True)

    rows = list_cases(*args, sort=[{"colId": "accepted_at", "sort": "asc"}], **kw)["rows"]
    assert [r["accepted_at"] for r in rows] == sorted(accepted)

    rows = list_cases(*args, sort=[{"colId": "closed_at", "sort": "asc"}], **kw)["rows"]
    closed = [r["closed_at"] for r in rows]
    first_null = closed.index(None)
    assert all(c is None for c in closed[first_null:]), "NULLs last on both engines"
    assert closed[:first_null] == sorted(closed[:first_null])

    rows = list_cases(*args, sort=[{"colId": "closed_at", "sort": "desc"}], **kw)["rows"]
    closed = [r["closed_at"] for r in rows]
    first_null = closed.index(None)
    assert all(c is None for c in closed[first_null:])
    assert closed[:first_null] == sorted(closed[:first_null], reverse=True)

    severity = {"red": 3, "orange": 2, "yellow": 1, "green": 0}
    rows = list_cases(
        *args,
        sort=[{"colId": "warning_level", "sort": "desc"}, {"colId": "case_no", "sort": "asc"}],
        **kw,
    )["rows"]
    keys = [(-severity[r["warning_level"]], r["case_no"]) for r in rows]
    assert keys == sorted(keys)

    rows = list_cases(*args, sort={"colId": "case_no", "sort": "desc"}, **kw)["rows"]
    assert [r["case_no"] for r in rows] == sorted((r["case_no"] for r in rows), reverse=True)


def test_unknown_sort_columns_are_ignored(fixture_engine):
    args = (fixture_engine, "150200", date(2024, 1, 1), date(2024, 12, 31))
    default = list_cases(*args, limit=50)
    for sort in (
        [{"colId": "party_name", "sort": "asc"}],
        [{"colId": "petitioner_key", "sort": "desc"}],
        [{"colId": "accepted_at; DROP TABLE cases", "sort": "asc"}],
        [{"colId": "accepted_at", "sort": "sideways"}],
        ["accepted_at"],
        "nonsense",
    ):
        result = list_cases(*args, limit=50, sort=sort)
        assert result["rows"] == default["rows"]
        assert result["meta"]["sort"] == [{"colId": "accepted_at", "sort": "desc"}]
    assert "party_name" not in SORTABLE_COLUMNS


def test_limits_and_offsets(fixture_engine):
    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31))
    total = list_cases(*args, limit=0)["total"]
    assert list_cases(*args, offset=total + 5)["rows"] == []
    assert len(list_cases(*args, limit=10**9)["rows"]) == min(total, MAX_PAGE_SIZE)
    assert list_cases(*args, offset=-3, limit=2)["rows"] == list_cases(*args, limit=2)["rows"]


# ---------------------------------------------------------------- rows: fields and masking
def test_rows_are_masked_and_never_carry_the_petitioner_key(fixture_engine):
    rows = list_cases(
        fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31), limit=MAX_PAGE_SIZE
    )["rows"]
    assert rows
    for row in rows:
        assert "petitioner_key" not in row
        assert row["party_name"] == "测***人"  # 测试当事人
        assert row["party_phone"] == "138****0000"
        assert "测试当事人" not in repr(row) and "13800000000" not in repr(row)
        for key in ("case_no", "kind", "source", "category", "warning_level", "village_name",
                    "village_code", "grid_code", "center_name", "status", "accepted_at",
                    "deadline_at", "closed_at", "outcome", "resolved_level", "satisfaction",
                    "summary"):  # fmt: skip
            assert key in row


def test_bad_input_raises_value_errors(fixture_engine):
    args = (fixture_engine, "150200", date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(ValueError, match="status"):
        list_cases(*args, status="everything")
    with pytest.raises(UnknownRegion):
        list_cases(fixture_engine, "150299", date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(ValueError):
        list_cases(fixture_engine, "150200", date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(ValueError):
        list_cases(*args, kind="parking")
    with pytest.raises(ValueError):
        list_cases(*args, center_id="abc")
    assert default_region(fixture_engine) == "150200"


# ---------------------------------------------------------------- exports
def _csv_rows(content: bytes) -> tuple[list[list[str]], list[list[str]]]:
    """(the metadata lines, the table: header + rows) of an exported CSV."""
    text = content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    blank = lines.index([])
    return lines[:blank], lines[blank + 1 :]


def test_csv_export(fixture_engine):
    args = (fixture_engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    content = export_cases(*args, status="closed", fmt="csv")
    assert content.startswith(codecs.BOM_UTF8)
    meta, table = _csv_rows(content)
    total = list_cases(*args, status="closed", limit=0)["total"]
    labels = dict(line[:2] for line in meta if len(line) >= 2)
    assert labels["范围"] == "昆都仑区 (150203)"
    assert labels["统计期"] == "2024-01-01 至 2024-12-31"
    assert labels["统计时点"] == "2024-12-31 23:59:59"
    assert labels["口径"].startswith("已办结 (closed)")
    assert labels["案件数"] == str(total)
    header, rows = table[0], table[1:]
    assert header[0] == "案件编号" and "当事人" in header and "联系电话" in header
    assert len(rows) == total
    expected = [
        r["case_no"] for r in list_cases(*args, status="closed", limit=MAX_PAGE_SIZE)["rows"]
    ]
    assert [r[0] for r in rows] == expected
    assert "13800000000" not in content.decode("utf-8-sig")
    assert "测试当事人" not in content.decode("utf-8-sig")


def test_csv_export_is_capped_with_a_note(fixture_engine):
    args = (fixture_engine, "150200", date(2022, 1, 1), date(2025, 12, 31))
    total = list_cases(*args, limit=0)["total"]
    meta, table = _csv_rows(export_cases(*args, fmt="csv", max_rows=10))
    assert len(table) == 1 + 10
    notes = [line[1] for line in meta if line and line[0] == "说明"]
    assert any("10" in n and str(total) in n for n in notes)


def test_xlsx_export(fixture_engine):
    args = (fixture_engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    content = export_cases(*args, status="open", fmt="xlsx", kind="dispute")
    book = load_workbook(io.BytesIO(content), read_only=True)
    info, sheet = book.worksheets
    info_rows = {row[0]: row[1] for row in info.iter_rows(values_only=True)}
    assert info_rows["范围"] == "昆都仑区 (150203)"
    assert info_rows["口径"].startswith("在办 (open)")
    assert "类型=矛盾纠纷" in info_rows["筛选条件"]
    rows = list(sheet.iter_rows(values_only=True))
    listed = list_cases(*args, status="open", kind="dispute", limit=MAX_PAGE_SIZE)
    assert len(rows) == 1 + listed["total"]
    assert rows[0][0] == "案件编号"
    assert [r[0] for r in rows[1:]] == [r["case_no"] for r in listed["rows"]]
    accepted_col = rows[0].index("受理时间")
    assert all(isinstance(r[accepted_col], datetime) for r in rows[1:])
    book.close()

    english = load_workbook(io.BytesIO(export_cases(*args, fmt="xlsx", lang="en")), read_only=True)
    assert english.sheetnames == ["About", "Cases"]
    assert next(english["Cases"].iter_rows(values_only=True))[0] == "Case no."
    english.close()


def test_empty_export_and_filename(fixture_engine):
    args = (fixture_engine, "150202", date(2024, 1, 1), date(2024, 12, 31))
    meta, table = _csv_rows(export_cases(*args, fmt="csv"))
    assert table == [table[0]] and table[0][0] == "案件编号"
    book = load_workbook(io.BytesIO(export_cases(*args, fmt="xlsx")), read_only=True)
    assert len(list(book.worksheets[1].iter_rows())) == 1
    book.close()
    with pytest.raises(ValueError):
        export_cases(*args, fmt="pdf")
    result = list_cases(*args, status="closed", limit=0)
    assert (
        export_filename(result["meta"], "xlsx")
        == "案件清单_东河区_2024-01-01_2024-12-31_closed.xlsx"
    )


# ---------------------------------------------------------------- one case and its timeline
@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def events_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """The fixture cases plus a flow log written out of order, and varied parties."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('caselist') / 'events.sqlite'}"
    else:
        url = request.getfixturevalue("pg_schemas").new("caselist")
    engine = make_engine(url)
    load_fixture(engine, refresh=False)
    first = CASES[0]["case_no"]
    with engine.begin() as conn:
        case_id = conn.execute(select(Case.id).where(Case.case_no == first)).scalar_one()
        accepted = CASES[0]["accepted_at"]
        center = CASES[0]["center_id"]
        other = next(c["id"] for c in CENTERS if c["id"] != center)
        steps = [  # inserted out of time order on purpose
            ("visit", 30, None, "回访：满意，联系电话13912345678"),
            ("accept", 0, center, "受理登记"),
            ("close", 20, None, "办结：化解成功"),
            ("dispatch", 1, other, "派单至承办单位"),
            ("handle", 5, None, "现场核实情况"),
        ]
        conn.execute(
            insert(CaseEvent),
            [
                {
                    "case_id": case_id,
                    "at": accepted + timedelta(hours=h),
                    "action": action,
                    "from_center_id": center if action != "accept" else None,
                    "to_center_id": to,
                    "note": note,
                }
                for action, h, to, note in steps
            ],
        )
        conn.execute(
            update(Case)
            .where(Case.id == case_id)
            .values(
                party_name="欧阳小明",
                party_phone="+86 139-1234-5678",
                summary="来电人18612345678反映",
            )
        )
    yield engine
    engine.dispose()


def test_case_detail_and_timeline(events_engine):
    first = CASES[0]
    detail = case_detail(events_engine, first["case_no"])
    assert detail is not None
    assert detail["case_no"] == first["case_no"]
    assert detail["party_name"] == "欧阳**明"
    assert detail["party_phone"] == "139****5678"
    assert "18612345678" not in detail["summary"] and "186****5678" in detail["summary"]
    assert "petitioner_key" not in detail
    events = detail["events"]
    assert [e["action"] for e in events] == ["accept", "dispatch", "handle", "close", "visit"]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert [e["action_label"] for e in events] == ["受理", "分流", "办理", "办结", "回访"]
    center_names = {c["id"]: c["name"] for c in CENTERS}
    assert events[0]["to_center"] == center_names[first["center_id"]]
    assert events[1]["from_center"] == center_names[first["center_id"]]
    assert events[1]["to_center"] != events[1]["from_center"]
    assert "13912345678" not in events[-1]["note"]
    assert detail["region_path"][0]["code"] == "150200"
    assert detail["region_path"][-1]["code"] == first["village_code"]


def test_case_without_events_and_unknown_case(events_engine):
    detail = case_detail(events_engine, CASES[1]["case_no"])
    assert detail is not None and detail["events"] == []
    assert case_detail(events_engine, "NO-SUCH-CASE") is None
    assert case_detail(events_engine, "") is None
    assert case_detail(events_engine, "x" * 500) is None
    assert case_detail(events_engine, "' OR 1=1 --") is None


# ---------------------------------------------------------------- the small demo
@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory) -> Iterator[Engine]:
    from data_access.demo import load_demo

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('caselist-demo') / 'demo.sqlite'}")
    load_demo(engine, scale=0.1, progress=False, until=datetime(2025, 6, 30, 23, 59, 59))
    yield engine
    engine.dispose()


DEMO_QUERIES = [
    ("150203", date(2024, 1, 1), date(2024, 12, 31), None, {}),
    ("150204", date(2024, 1, 1), date(2024, 12, 31), None, {"kind": "petition"}),
    ("150200", date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 30), {}),
    ("150200", date(2025, 1, 1), date(2025, 6, 30), datetime(2025, 3, 10, 12, 0), {}),
    ("150203", date(2023, 1, 1), date(2024, 12, 31), None, {"warning_level": "red"}),
    ("150203003", date(2024, 1, 1), date(2024, 12, 31), None, {"source": "walk_in"}),
]


def test_demo(demo_engine):
    """One test (one demo build per xdist worker): totals equal kpis on demo data, and
    the cases of a list open with an ordered timeline."""
    for region, date_from, date_to, as_of, filters in DEMO_QUERIES:
        _assert_totals_match(demo_engine, region, date_from, date_to, as_of, **filters)

    rows = list_cases(
        demo_engine, "150203", date(2024, 1, 1), date(2024, 12, 31), status="closed", limit=20
    )["rows"]
    assert len(rows) == 20
    for row in rows:
        detail = case_detail(demo_engine, row["case_no"])
        assert detail is not None
        actions = [e["action"] for e in detail["events"]]
        assert actions[0] == "accept" and "close" in actions
        assert [e["at"] for e in detail["events"]] == sorted(e["at"] for e in detail["events"])
        assert detail["party_name"] == row["party_name"]


# ---------------------------------------------------------------- the pages' layouts and callbacks
def _find(component, component_id):
    """The component with `component_id` in a Dash layout tree, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    if not isinstance(children, list | tuple):
        children = [children]
    for child in children:
        if hasattr(child, "to_plotly_json"):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


@pytest.fixture
def pages_on(monkeypatch):
    """The app's page modules, reading the database at `url` (call it)."""
    from data_access.settings import get_settings

    def use(url: str):
        monkeypatch.setenv("GOVDASH_DATABASE_URL", url)
        get_settings.cache_clear()
        import app  # noqa: F401 - registers the pages
        from pages import case, cases

        return cases, case

    yield use
    get_settings.cache_clear()


def test_list_page_layout_and_rows_callback(pages_on, sqlite_fixture_engine):
    cases_page, _ = pages_on(sqlite_fixture_engine.url.render_as_string(hide_password=False))
    params = {"region": "150203", "from": "2024-01-01", "to": "2024-12-31", "status": "closed"}
    layout = cases_page.layout(**params)
    query = _find(layout, "cases-query").data
    figures = kpis(sqlite_fixture_engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    assert query["total"] == figures["closed"]
    assert _find(layout, "cases-total").children == f"{figures['closed']:,}"
    assert "昆都仑区" in _find(layout, "cases-title").children
    assert _find(layout, "cases-problems") is None

    response, error = cases_page.fetch_rows(
        {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "case_no", "sort": "asc"}]}, query
    )
    assert error is None
    assert response["rowCount"] == figures["closed"]
    rows = response["rowData"]
    assert len(rows) == min(100, figures["closed"])
    numbers = [row["case_no"] for row in rows]
    assert numbers == sorted(numbers)
    assert rows[0]["case_link"].startswith(f"[{rows[0]['case_no']}](/case/{rows[0]['case_no']}?")
    assert all(row["party_name"] == "测***人" for row in rows)
    assert {row["status"] for row in rows} <= {"已办结", "已归档"}

    english = cases_page.layout(**params, lang="en")
    assert "Closed" in _find(english, "cases-title").children
    grid = _find(english, "cases-grid")
    assert grid.columnDefs[0]["headerName"] == "Case no."
    assert grid.rowModelType == "infinite"


# "²" and "①" are digits to str.isdigit, and int() raises on them.
@pytest.mark.parametrize("center", ["abc", "²", "①", "１２"])
def test_list_page_bad_parameters(pages_on, sqlite_fixture_engine, center):
    cases_page, _ = pages_on(sqlite_fixture_engine.url.render_as_string(hide_password=False))
    layout = cases_page.layout(
        region="150299", status="everything", center=center, as_of="yesterday", **{"from": "x"}
    )
    note = _find(layout, "cases-problems").children
    for problem in ("status=everything", f"center={center}", "as_of=yesterday", "150299"):
        assert problem in note
    query = _find(layout, "cases-query").data
    assert query["region"] == "150200" and query["status"] == "all"


def test_pages_without_a_database(pages_on, tmp_path):
    cases_page, case_page = pages_on(f"sqlite:///{tmp_path / 'missing.sqlite'}")
    layout = cases_page.layout(region="150203")
    assert _find(layout, "cases-error-page") is not None
    assert _find(case_page.layout(case_no="X"), "case-error") is not None
    assert not (tmp_path / "missing.sqlite").exists(), "a page view never creates a database"
    response, error = cases_page.fetch_rows(
        {"startRow": 0, "endRow": 100},
        {
            "region": "150203",
            "from": "2024-01-01",
            "to": "2024-12-31",
            "as_of": "2024-12-31 23:59:59",
            "total": 5,
        },
    )
    assert response == {"rowData": [], "rowCount": 0} and error is not None


def test_case_page(pages_on, events_engine):
    _, case_page = pages_on(events_engine.url.render_as_string(hide_password=False))
    first = CASES[0]["case_no"]
    layout = case_page.layout(case_no=first, region="150203", status="closed")
    assert first in _find(layout, "case-title").children
    timeline = _find(layout, "case-timeline")
    items = timeline.children.children
    assert [item.to_plotly_json()["props"]["data-action"] for item in items] == [
        "accept",
        "dispatch",
        "handle",
        "close",
        "visit",
    ]
    assert _find(layout, "case-back").href.startswith("/cases?region=150203")
    fields = str(_find(layout, "case-fields"))
    assert "欧阳**明" in fields and "欧阳小明" not in fields
    missing = case_page.layout(case_no="NOPE-1")
    assert "NOPE-1" in str(_find(missing, "case-not-found"))
