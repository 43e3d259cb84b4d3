"""A small hand-built case database with the real shape of Baotou's division tree.

The rows here are the single source of truth for the metric tests: `load_fixture`
writes them into a database (SQLite or PostgreSQL) and `tests/oracle.py` computes
every METRICS.md figure from the same Python rows with pandas, independently of
govdash's SQL.

Region tree (real codes and names)::

    150200 包头市 (city)
    ├── 150202 东河区 ─ 150202001 和平路街道 ─ 150202001012       no cases at all
    ├── 150203 昆都仑区
    │   ├── 150203001 少先路街道 ─ 150203001015 (grids 001, 002), 150203001016
    │   ├── 150203100 昆河镇    ─ 150203100004, 150203100200 (grids 001, 002), 150203100201
    │   ├── 150203102 卜尔汉图镇 ─ 150203102003                  cases in 2022 only (+1 open)
    │   └── 150203400 包钢厂区办事处 (special zone, no center) ─ 150203400498
    └── 150204 青山区 ─ 150204001 先锋道街道 ─ 150204001021 (grids 001..003), 150204001022

Prefix traps: 150203100 with its trailing zeros stripped is "1502031", which
150203102003 also starts with; village 150203100200 stripped is "1502031002",
which 150203100201 also starts with. Both neighbours have cases.

Cases: explicit edge cases (`EDGE_CASES`, names say what each is for) plus a
patterned background (`BACKGROUND_CASES`) spread over 2022-2025.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from data_access.models import Base, Case, Center, Grid, Region

# ---------------------------------------------------------------- regions
REGIONS: list[dict[str, Any]] = [
    {"code": "150200", "name": "包头市", "level": "city", "parent_code": None},
    {"code": "150202", "name": "东河区", "level": "district", "parent_code": "150200"},
    {"code": "150203", "name": "昆都仑区", "level": "district", "parent_code": "150200"},
    {"code": "150204", "name": "青山区", "level": "district", "parent_code": "150200"},
    {"code": "150202001", "name": "和平路街道", "level": "township", "parent_code": "150202"},
    {"code": "150203001", "name": "少先路街道", "level": "township", "parent_code": "150203"},
    {"code": "150203100", "name": "昆河镇", "level": "township", "parent_code": "150203"},
    {"code": "150203102", "name": "卜尔汉图镇", "level": "township", "parent_code": "150203"},
    {"code": "150203400", "name": "包钢厂区办事处", "level": "township", "parent_code": "150203"},
    {"code": "150204001", "name": "先锋道街道", "level": "township", "parent_code": "150204"},
    {
        "code": "150202001012",
        "name": "环西社区居委会",
        "level": "village",
        "parent_code": "150202001",
    },
    {
        "code": "150203001015",
        "name": "少先二十一号街坊社区居委会",
        "level": "village",
        "parent_code": "150203001",
    },
    {
        "code": "150203001016",
        "name": "少先二十二街坊花园小区社区居委会",
        "level": "village",
        "parent_code": "150203001",
    },
    {
        "code": "150203100004",
        "name": "召庙社区居委会",
        "level": "village",
        "parent_code": "150203100",
    },
    {
        "code": "150203100200",
        "name": "胜利村村委会",
        "level": "village",
        "parent_code": "150203100",
    },
    {
        "code": "150203100201",
        "name": "南排村村委会",
        "level": "village",
        "parent_code": "150203100",
    },
    {
        "code": "150203102003",
        "name": "张家营子社区居委会",
        "level": "village",
        "parent_code": "150203102",
    },
    {
        "code": "150203400498",
        "name": "包钢厂区虚拟社区",
        "level": "village",
        "parent_code": "150203400",
    },
    {
        "code": "150204001021",
        "name": "北嘉社区居委会",
        "level": "village",
        "parent_code": "150204001",
    },
    {
        "code": "150204001022",
        "name": "青园社区居委会",
        "level": "village",
        "parent_code": "150204001",
    },
]

GRIDS: list[dict[str, Any]] = [
    {
        "code": "150203001015001",
        "village_code": "150203001015",
        "name": "少先二十一第一网格",
        "member_count": 1,
    },
    {
        "code": "150203001015002",
        "village_code": "150203001015",
        "name": "少先二十一第二网格",
        "member_count": 2,
    },
    {
        "code": "150203100200001",
        "village_code": "150203100200",
        "name": "胜利村第一网格",
        "member_count": 1,
    },
    {
        "code": "150203100200002",
        "village_code": "150203100200",
        "name": "胜利村第二网格",
        "member_count": 1,
    },
    {
        "code": "150204001021001",
        "village_code": "150204001021",
        "name": "北嘉第一网格",
        "member_count": 1,
    },
    {
        "code": "150204001021002",
        "village_code": "150204001021",
        "name": "北嘉第二网格",
        "member_count": 1,
    },
    {
        "code": "150204001021003",
        "village_code": "150204001021",
        "name": "北嘉第三网格",
        "member_count": 0,
    },
]

CENTERS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "包头市综治中心",
        "level": "city",
        "region_code": "150200",
        "staff_count": 12,
    },
    {
        "id": 2,
        "name": "昆都仑区综治中心",
        "level": "district",
        "region_code": "150203",
        "staff_count": 8,
    },
    {
        "id": 3,
        "name": "青山区综治中心",
        "level": "district",
        "region_code": "150204",
        "staff_count": 6,
    },
    {
        "id": 4,
        "name": "少先路街道综治中心",
        "level": "township",
        "region_code": "150203001",
        "staff_count": 4,
    },
    {
        "id": 5,
        "name": "昆河镇综治中心",
        "level": "township",
        "region_code": "150203100",
        "staff_count": 3,
    },
    # No staff: open_per_staff must be None, never a division by zero.
    {
        "id": 6,
        "name": "卜尔汉图镇综治中心",
        "level": "township",
        "region_code": "150203102",
        "staff_count": 0,
    },
    {
        "id": 7,
        "name": "先锋道街道综治中心",
        "level": "township",
        "region_code": "150204001",
        "staff_count": 5,
    },
    {
        "id": 8,
        "name": "少先二十一号街坊社区综治中心",
        "level": "village",
        "region_code": "150203001015",
        "staff_count": 2,
    },
    {
        "id": 9,
        "name": "胜利村综治中心",
        "level": "village",
        "region_code": "150203100200",
        "staff_count": 1,
    },
    {
        "id": 10,
        "name": "北嘉社区综治中心",
        "level": "village",
        "region_code": "150204001021",
        "staff_count": 2,
    },
    {
        "id": 11,
        "name": "东河区综治中心",
        "level": "district",
        "region_code": "150202",
        "staff_count": 3,
    },
]

# The center that handles a village's cases unless a case says otherwise
# (the special zone 150203400 has no center of its own: its district's handles them).
HOME_CENTER = {
    "150203001015": 8,
    "150203001016": 4,
    "150203100004": 5,
    "150203100200": 9,
    "150203100201": 5,
    "150203102003": 6,
    "150203400498": 2,
    "150204001021": 10,
    "150204001022": 7,
    "150202001012": 11,
}
DISTRICT_CENTER = {"150202": 11, "150203": 2, "150204": 3}

KINDS = ("dispute", "petition", "hotline", "grid_event")
SOURCES = (
    "grid_report",
    "walk_in",
    "hotline_12345",
    "app",
    "court_referral",
    "police_referral",
    "petition_referral",
    "assigned",
)
CATEGORIES = ("邻里纠纷", "婚姻家庭", "劳动争议", "物业纠纷", "土地权属", "环境污染")
WARNING_LEVELS = ("red", "orange", "yellow", "green")


# The end of the demo data the tests build (fixed, so figures don't move with today).
DEMO_UNTIL = datetime(2026, 6, 30, 18, 0, 0)


def dt(text_value: str) -> datetime:
    """'YYYY-MM-DD HH:MM:SS' (or 'YYYY-MM-DD HH:MM') → naive datetime."""
    fmt = "%Y-%m-%d %H:%M:%S" if text_value.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text_value, fmt)


def _case(
    case_no: str,
    village: str,
    accepted: str | datetime,
    *,
    kind: str = "dispute",
    source: str = "walk_in",
    category: str = "邻里纠纷",
    level: str = "green",
    grid: str | None = None,
    center: int | None = None,
    status: str | None = None,
    deadline: str | datetime | None = None,
    closed: str | datetime | None = None,
    outcome: str | None = None,
    resolved_level: str | None = None,
    satisfaction: str | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    accepted_at = dt(accepted) if isinstance(accepted, str) else accepted
    deadline_at = (
        accepted_at + timedelta(days=30)
        if deadline is None
        else (dt(deadline) if isinstance(deadline, str) else deadline)
    )
    closed_at = dt(closed) if isinstance(closed, str) else closed
    if closed_at is not None and outcome is None and status not in ("rejected", "void"):
        outcome = "resolved"
    if status is None:
        status = "closed" if closed_at is not None else "in_progress"
    return {
        "case_no": case_no,
        "kind": kind,
        "source": source,
        "category": category,
        "warning_level": level,
        "village_code": village,
        "grid_code": grid,
        "center_id": center if center is not None else HOME_CENTER[village],
        "status": status,
        "accepted_at": accepted_at,
        "deadline_at": deadline_at,
        "closed_at": closed_at,
        "outcome": outcome,
        "resolved_level": resolved_level,
        "satisfaction": satisfaction,
        "visited_at": closed_at + timedelta(hours=1) if satisfaction else None,
        "petitioner_key": key,
        "party_name": "测试当事人",
        "party_phone": "13800000000",
        "summary": case_no,
    }


V015, V016 = "150203001015", "150203001016"
V004, V200, V201 = "150203100004", "150203100200", "150203100201"
V102, V498 = "150203102003", "150203400498"
V021, V022 = "150204001021", "150204001022"

EDGE_CASES: list[dict[str, Any]] = [
    # --- never counted: rejected and void, even when they carry closing data
    _case("E-REJ-1", V015, "2024-01-10 09:00:00", grid="150203001015001", status="rejected"),
    _case(
        "E-VOID-1",
        V015,
        "2024-01-11 10:00:00",
        status="void",
        closed="2024-01-12 10:00:00",
        outcome="resolved",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    _case(
        "E-VOID-2",
        V021,
        "2024-03-01 08:00:00",
        level="red",
        status="void",
        deadline="2024-03-05 08:00:00",
    ),
    # --- closing relative to as_of and the deadline
    _case(  # open at Jan 31 (not overdue), overdue at Feb 7, closed late by Feb 29
        "E-CLOSE-LATE",
        V015,
        "2024-01-20 10:00:00",
        grid="150203001015002",
        level="orange",
        deadline="2024-02-05 10:00:00",
        closed="2024-02-10 16:00:00",
        resolved_level="township",
        satisfaction="dissatisfied",
    ),
    _case(  # closed_at == deadline_at == the month end: closed at as_of and on time
        "E-CLOSE-EDGE",
        V015,
        "2024-01-05 08:00:00",
        grid="150203001015001",
        deadline="2024-01-31 23:59:59",
        closed="2024-01-31 23:59:59",
        resolved_level="village",
        satisfaction="basically_satisfied",
    ),
    _case(  # closes one second after the month end: open and overdue at as_of Jan 31
        "E-CLOSE-NEXT",
        V015,
        "2024-01-06 09:00:00",
        level="yellow",
        deadline="2024-01-31 12:00:00",
        closed="2024-02-01 00:00:00",
        resolved_level="grid",
        satisfaction="satisfied",
    ),
    _case(  # deadline == as_of (Jan 31 23:59:59): open, not overdue (deadline < as_of is strict)
        "E-DEADLINE-EQ",
        V016,
        "2024-01-15 08:00:00",
        kind="hotline",
        source="hotline_12345",
        category="物业纠纷",
        deadline="2024-01-31 23:59:59",
        closed="2024-02-03 11:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case(  # closed one second after its deadline: not on time
        "E-LATE-1S",
        V016,
        "2024-02-02 09:00:00",
        kind="hotline",
        source="app",
        category="物业纠纷",
        deadline="2024-02-16 09:00:00",
        closed="2024-02-16 09:00:01",
        outcome="unresolved",
        resolved_level="district",
        satisfaction="dissatisfied",
    ),
    # --- accepted exactly at / one second after the mid-month as_of 2024-03-15 14:30:00
    _case(
        "E-AT-ASOF",
        V200,
        "2024-03-15 14:30:00",
        grid="150203100200001",
        kind="grid_event",
        source="grid_report",
        category="环境污染",
        level="yellow",
        deadline="2024-03-16 14:30:00",
        closed="2024-03-18 10:00:00",
        resolved_level="grid",
        satisfaction="basically_satisfied",
    ),
    _case(
        "E-AFTER-ASOF",
        V200,
        "2024-03-15 14:30:01",
        grid="150203100200002",
        level="red",
        deadline="2024-03-16 14:30:01",
    ),
    # --- year and month boundaries
    _case(
        "E-YE-1",
        V021,
        "2023-12-31 23:59:59",
        grid="150204001021002",
        kind="hotline",
        source="hotline_12345",
        category="物业纠纷",
        closed="2024-01-02 10:00:00",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    _case(
        "E-YE-2",
        V021,
        "2024-01-01 00:00:00",
        grid="150204001021001",
        kind="grid_event",
        source="grid_report",
        category="环境污染",
        level="yellow",
        closed="2024-01-01 08:00:00",
        resolved_level="grid",
        satisfaction="basically_satisfied",
    ),
    _case(
        "E-ME-1",
        V200,
        "2024-01-31 23:59:59",
        grid="150203100200001",
        category="土地权属",
        closed="2024-02-05 09:30:00",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    _case(  # never closes: overdue from 2024-03-01 on
        "E-ME-2",
        V200,
        "2024-02-01 00:00:00",
        grid="150203100200002",
        category="土地权属",
        level="orange",
        deadline="2024-03-01 00:00:00",
    ),
    _case(
        "E-LEAP",
        V201,
        "2024-02-29 23:59:59",
        kind="hotline",
        source="hotline_12345",
        category="劳动争议",
        closed="2024-03-01 10:00:00",
        resolved_level="township",
    ),
    # --- the odd period 2024-02-10..2024-03-20
    _case(
        "E-ODD-BEFORE",
        V016,
        "2024-02-09 23:59:59",
        category="婚姻家庭",
        closed="2024-02-12 10:00:00",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    _case(
        "E-ODD-START",
        V016,
        "2024-02-10 00:00:00",
        category="婚姻家庭",
        closed="2024-02-11 10:00:00",
        resolved_level="village",
        satisfaction="basically_satisfied",
    ),
    _case(
        "E-ODD-END",
        V016,
        "2024-03-20 23:59:59",
        category="婚姻家庭",
        level="yellow",
        closed="2024-03-22 10:00:00",
        resolved_level="township",
        satisfaction="dissatisfied",
    ),
    _case(
        "E-ODD-AFTER",
        V016,
        "2024-03-21 00:00:00",
        category="婚姻家庭",
        closed="2024-03-21 09:00:00",
        resolved_level="grid",
        satisfaction="satisfied",
    ),
    # --- 150203100004, June 2023: closed cases, none rated (satisfaction None, participation 0)
    _case(
        "E-NORATE-1",
        V004,
        "2023-06-03 10:00:00",
        closed="2023-06-10 10:00:00",
        resolved_level="township",
    ),
    _case(
        "E-NORATE-2",
        V004,
        "2023-06-20 15:00:00",
        closed="2023-06-25 17:00:00",
        outcome="unresolved",
        resolved_level="district",
    ),
    # --- 150203100004, September 2023: accepted, none closed by the month end
    _case(
        "E-NOCLOSE-1",
        V004,
        "2023-09-05 10:00:00",
        kind="hotline",
        source="hotline_12345",
        deadline="2023-09-20 10:00:00",
        closed="2023-11-01 10:00:00",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    _case("E-NOCLOSE-2", V004, "2023-09-12 10:00:00", level="red", deadline="2023-10-12 10:00:00"),
    # --- resolved_level at every level, including None and an unresolved case
    _case(
        "E-RL-CITY",
        V498,
        "2024-04-03 10:00:00",
        center=1,
        category="劳动争议",
        level="orange",
        source="assigned",
        closed="2024-04-20 10:00:00",
        resolved_level="city",
        satisfaction="satisfied",
    ),
    _case(
        "E-RL-NULL",
        V498,
        "2024-04-08 10:00:00",
        category="劳动争议",
        source="police_referral",
        closed="2024-04-09 10:00:00",
        outcome="unresolved",
    ),
    _case(
        "E-UNRES-VILLAGE",
        V201,
        "2024-04-10 10:00:00",
        source="court_referral",
        closed="2024-04-12 10:00:00",
        outcome="unresolved",
        resolved_level="village",
        satisfaction="dissatisfied",
    ),
    # --- cases that stay open (snapshot metrics)
    _case(  # open since 2022 at the no-staff center: open & overdue at every later as_of
        "E-OPEN-OLD",
        V102,
        "2022-03-01 09:00:00",
        level="red",
        deadline="2022-04-01 09:00:00",
        status="dispatched",
    ),
    _case(
        "E-BRH-2022",
        V102,
        "2022-05-10 09:00:00",
        category="土地权属",
        closed="2022-05-20 09:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case(
        "E-OPEN-RED",
        V015,
        "2024-03-10 10:00:00",
        grid="150203001015002",
        level="red",
        deadline="2024-03-20 10:00:00",
        status="accepted",
    ),
    _case(
        "E-OPEN-NOTDUE",
        V015,
        "2024-03-12 10:00:00",
        level="orange",
        deadline="2024-06-30 18:00:00",
        closed="2024-06-28 10:00:00",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    # --- petitions and repeat petitions (window [t - 365 days, t), anywhere in the city)
    _case(
        "P-A1",
        V015,
        "2023-03-01 10:00:00",
        kind="petition",
        key="pk-A",
        closed="2023-03-20 10:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case(  # exactly 365 days after P-A1 (2024 is a leap year): a repeat
        "P-A2",
        V016,
        "2024-02-29 10:00:00",
        kind="petition",
        key="pk-A",
        source="petition_referral",
        deadline="2024-03-30 10:00:00",
        closed="2024-03-25 10:00:00",
        resolved_level="township",
        satisfaction="basically_satisfied",
    ),
    _case(
        "P-B1",
        V021,
        "2023-05-10 09:00:00",
        kind="petition",
        key="pk-B",
        closed="2023-06-01 09:00:00",
        resolved_level="district",
        outcome="unresolved",
    ),
    _case(  # 365 days + 1 second after P-B1: not a repeat
        "P-B2",
        V021,
        "2024-05-09 09:00:01",
        kind="petition",
        key="pk-B",
        level="orange",
        closed="2024-05-30 09:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case(
        "P-C1",
        V021,
        "2024-01-15 11:00:00",
        kind="petition",
        key="pk-C",
        closed="2024-01-25 11:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case(  # prior petition in ANOTHER district (150204), other source: still a repeat
        "P-C2",
        V201,
        "2024-04-01 15:00:00",
        kind="petition",
        key="pk-C",
        source="app",
        category="劳动争议",
        closed="2024-04-10 15:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case("P-D1", V015, "2024-01-10 10:00:00", kind="petition", key="pk-D", status="rejected"),
    _case("P-D2", V015, "2024-02-05 10:00:00", kind="petition", key="pk-D", status="void"),
    _case(  # its only priors were rejected / void: not a repeat
        "P-D3",
        V015,
        "2024-03-01 10:00:00",
        kind="petition",
        key="pk-D",
        closed="2024-03-08 10:00:00",
        resolved_level="township",
        satisfaction="dissatisfied",
    ),
    # null keys are never repeats
    _case(
        "P-E1",
        V200,
        "2024-03-02 10:00:00",
        kind="petition",
        closed="2024-03-05 10:00:00",
        resolved_level="village",
    ),
    _case("P-E2", V200, "2024-03-03 10:00:00", kind="petition", grid="150203100200001"),
    _case(
        "P-E3",
        V200,
        "2024-03-04 10:00:00",
        kind="petition",
        level="red",
        deadline="2024-03-10 10:00:00",
    ),
    # the prior case with the same key is a dispute, not a petition: not a repeat
    _case(
        "P-F1",
        V498,
        "2024-01-20 10:00:00",
        key="pk-F",
        closed="2024-01-22 10:00:00",
        resolved_level="district",
    ),
    _case(
        "P-F2",
        V498,
        "2024-03-10 10:00:00",
        kind="petition",
        key="pk-F",
        closed="2024-03-12 10:00:00",
        resolved_level="district",
        satisfaction="satisfied",
    ),
    # a chain: G2 repeats G1, G3 repeats G2 (G1 is more than 365 days before G3)
    _case(
        "P-G1",
        V021,
        "2024-01-05 10:00:00",
        kind="petition",
        key="pk-G",
        closed="2024-01-30 10:00:00",
        resolved_level="township",
    ),
    _case(
        "P-G2",
        V021,
        "2024-06-05 10:00:00",
        kind="petition",
        key="pk-G",
        closed="2024-06-20 10:00:00",
        resolved_level="township",
        satisfaction="satisfied",
    ),
    _case(
        "P-G3",
        V200,
        "2025-05-01 10:00:00",
        kind="petition",
        key="pk-G",
        level="orange",
        closed="2025-05-20 10:00:00",
        resolved_level="district",
        satisfaction="dissatisfied",
    ),
    # the same key at the same second: neither is "before" the other, so neither repeats
    _case(
        "P-H1",
        V015,
        "2024-07-07 07:07:07",
        kind="petition",
        key="pk-H",
        closed="2024-07-17 07:07:07",
        resolved_level="township",
    ),
    _case(
        "P-H2",
        V201,
        "2024-07-07 07:07:07",
        kind="petition",
        key="pk-H",
        closed="2024-07-18 07:07:07",
        resolved_level="township",
    ),
    # a repeat inside the mid-month window of 2024-03-15
    _case(
        "P-I1",
        V016,
        "2024-03-14 09:00:00",
        kind="petition",
        key="pk-I",
        closed="2024-03-16 09:00:00",
        resolved_level="village",
        satisfaction="satisfied",
    ),
    _case("P-I2", V016, "2024-03-15 14:00:00", kind="petition", key="pk-I", level="yellow"),
    # the prior petition is still open: it counts all the same
    _case(
        "P-J1",
        V498,
        "2024-08-01 10:00:00",
        kind="petition",
        key="pk-J",
        deadline="2024-08-31 10:00:00",
    ),
    _case(
        "P-J2",
        V498,
        "2024-09-01 10:00:00",
        kind="petition",
        key="pk-J",
        closed="2024-09-03 10:00:00",
        resolved_level="district",
        satisfaction="satisfied",
    ),
]


def _background() -> list[dict[str, Any]]:
    """Patterned cases every 15 days from 2022-01-03 to 2025-09 across six villages.

    Deterministic modular patterns give every kind, source, category, warning level,
    satisfaction, resolved level, grid/no grid, early/late closing and open cases,
    including some handled by the city or the district center and a few rejected/void.
    """
    villages = [V015, V021, V200, V016, V498, V201]
    grids = {
        V015: ["150203001015001", "150203001015002", None],
        V200: ["150203100200001", "150203100200002", None],
        V021: ["150204001021001", "150204001021002", None],
    }
    resolved_levels = ["grid", "village", "township", "district", "city", None]
    satisfactions = ["satisfied", "basically_satisfied", "dissatisfied", None, "satisfied"]
    deadlines = [7, 15, 30, 60]
    keys = ["pk-bg-1", "pk-bg-2", "pk-bg-3", None]
    rows = []
    start = datetime(2022, 1, 3, 8, 0, 0)
    for i in range(90):
        village = villages[(i + i // 6) % len(villages)]
        accepted = start + timedelta(days=15 * i, seconds=(i * 3137) % 36000)
        kind = KINDS[i % 4]
        grid_choices = grids.get(village)
        grid = grid_choices[i % 3] if grid_choices else None
        center = HOME_CENTER[village]
        if i % 9 == 0:
            center = 1
        elif i % 9 == 4:
            center = DISTRICT_CENTER[village[:6]]
        if i % 17 == 3:
            status = "rejected"
        elif i % 19 == 5:
            status = "void"
        else:
            status = None
        closed = None
        if i % 5 != 2 and status != "rejected":
            closed = accepted + timedelta(days=(i * 11) % 45, hours=(i * 7) % 24)
        if status is None:
            if closed is None:
                status = ("accepted", "dispatched", "in_progress")[(i // 5) % 3]
            else:
                status = ("closed", "archived")[i % 2]
        rows.append(
            _case(
                f"B-{i:03d}",
                village,
                accepted,
                kind=kind,
                source=SOURCES[(i * 3) % len(SOURCES)],
                category=CATEGORIES[(i * 5) % len(CATEGORIES)],
                level=WARNING_LEVELS[(i * 3) % 4],
                grid=grid,
                center=center,
                status=status,
                deadline=accepted + timedelta(days=deadlines[(i * 5) % 4]),
                closed=closed,
                outcome=("unresolved" if i % 5 == 0 else "resolved") if closed else None,
                resolved_level=resolved_levels[(i * 3) % 6] if closed else None,
                satisfaction=satisfactions[(i * 2 + 1) % 5] if closed else None,
                key=keys[(i // 4) % 4] if kind == "petition" else None,
            )
        )
    return rows


BACKGROUND_CASES: list[dict[str, Any]] = _background()
CASES: list[dict[str, Any]] = EDGE_CASES + BACKGROUND_CASES


def load_fixture(engine: Engine, *, refresh: bool = True) -> None:
    """Create the schema in `engine`, insert the fixture rows, then build the rollups.

    `refresh=False` leaves the rollup tables empty (for tests of the raw load only).
    """
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(Region), [r for r in REGIONS if r["level"] == "city"])
        conn.execute(insert(Region), [r for r in REGIONS if r["level"] == "district"])
        conn.execute(insert(Region), [r for r in REGIONS if r["level"] == "township"])
        conn.execute(insert(Region), [r for r in REGIONS if r["level"] == "village"])
        conn.execute(insert(Grid), GRIDS)
        conn.execute(insert(Center), CENTERS)
        conn.execute(insert(Case), CASES)
        if conn.dialect.name == "postgresql":
            # Explicit ids were inserted: move the sequence past them.
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('centers', 'id'), max(id)) FROM centers")
            )
    if refresh:
        from data_access.rollups import refresh_rollups

        refresh_rollups(engine)
