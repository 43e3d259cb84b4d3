"""The Baotou demo: centers, grids and six years of cases, generated and bulk-loaded.

`load_demo(engine, seed=..., scale=..., until=...)` fills a database with a city that
behaves like Baotou (包头市): its real division list, a 综治中心 at every level, grids,
and disputes / petitions / 12345 hotline requests / grid events from 2021-01-01 to
`until`, each with its flow log. Volume follows Kundulun's published 4013 accepted
cases in 2024 (about 100k cases in all at scale 1).

Generation is vectorised numpy per (district, year) chunk, each chunk with its own
generators seeded from SeedSequence([seed, district, year, stream]), so chunks are
independent and the same seed + scale + until gives identical rows. Chunks are
streamed into the database one by one (memory stays bounded at any scale).

The published figures of METRICS.md hold exactly at the default scale for any seed:
natural values are generated first, then a deterministic fix-up per constrained
cohort moves closures across the period end and sets outcome / satisfaction counts
(see `_apply_published_figures`). Everything derived from a closure (status, visit,
satisfaction, events) is computed after the fix-ups, so the rows stay consistent.

Event log conventions: `accept` goes to the receiving center (to_center_id),
`dispatch` from the receiving to the handling center, and `handle` / `close` /
`visit` / `reject` / `void` are done by a center (from_center_id).
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any

import chinese_calendar
import numpy as np
from faker.providers.person.zh_CN import Provider as PersonProvider
from faker.providers.phone_number.zh_CN import Provider as PhoneProvider
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from tqdm import tqdm

from .bulk import bulk_insert, bulk_load, reset_id_sequence, sorts_on_disk
from .models import (
    KINDS,
    RESOLVED_LEVELS,
    SATISFACTIONS,
    SOURCES,
    STATUSES,
    WARNING_LEVELS,
    Base,
    Case,
    CaseEvent,
    Center,
    DataState,
    Grid,
    Region,
)
from .regions import load_regions, read_divisions_csv
from .settings import get_settings

# ---------------------------------------------------------------- published figures
KUNDULUN = "150203"
QINGSHAN = "150204"
KUNDULUN_2024_ACCEPTED = 4013
KUNDULUN_2024_CLOSED = 3881
KUNDULUN_GRIDS = 1002
QINGSHAN_2024_SATISFACTION = 0.982
QINGSHAN_2024_PETITION_CLOSURE = 0.866
QINGSHAN_2024_PETITION_TOLERANCE = 0.0005
QINGSHAN_2024_MEDIATION_SUCCESS = 0.87
CITY_2022_DISPUTE_RESOLUTION = 0.99

# ---------------------------------------------------------------- volume model
FIRST_YEAR = 2021
# Cases relative to Kundulun (≈ population share).
DISTRICT_WEIGHTS: dict[str, float] = {
    "150202": 0.75,
    "150203": 1.00,
    "150204": 0.65,
    "150205": 0.05,
    "150206": 0.04,
    "150207": 0.35,
    "150221": 0.35,
    "150222": 0.18,
    "150223": 0.12,
    "150271": 0.30,
}
YEAR_TREND: dict[int, float] = {
    2021: 0.85,
    2022: 0.92,
    2023: 0.97,
    2024: 1.00,
    2025: 1.02,
    2026: 1.03,
}
REJECTED_SHARE = 0.02  # 不予受理, on top of the accepted count
VOID_SHARE = 0.005  # 作废, on top of the accepted count
NEVER_CLOSED_SHARE = 0.015
LONG_TAIL_SHARE = 0.03
ANONYMOUS_PETITION_SHARE = 0.20
# Petitioner pool per district = this × its non-anonymous petitions per year; with the
# skewed draw below, about 15% of petitions are repeats within 365 days.
PETITIONER_POOL_FACTOR = 12.0
ARCHIVE_AFTER_DAYS = 90
ROW_SLICE = 50_000  # rows turned into Python objects at a time while loading
VISIT_RATED_SHARE = 0.85

DAY = 86_400
HOUR = 3_600
NEVER = np.int64(2**62)  # "no timestamp": sorts after every real time, never <= a bound
EPOCH = datetime(1970, 1, 1)

K_DISPUTE, K_PETITION, K_HOTLINE, K_GRID_EVENT = (KINDS.index(k) for k in KINDS)
L_VILLAGE, L_TOWNSHIP, L_DISTRICT, L_CITY = range(4)  # handling-center levels
STATUS = {name: i for i, name in enumerate(STATUSES)}
SOURCE = {name: i for i, name in enumerate(SOURCES)}
WARNING = {name: i for i, name in enumerate(WARNING_LEVELS)}
RESOLVED_LEVEL = {name: i for i, name in enumerate(RESOLVED_LEVELS)}
SATISFIED, BASICALLY_SATISFIED, DISSATISFIED = range(3)  # index into SATISFACTIONS
NO_RATING = -1

# Independent random streams (the last SeedSequence word).
STREAM_CASES, STREAM_FIXUPS, STREAM_POOL, STREAM_GRIDS, STREAM_CENTERS, STREAM_VILLAGES = range(
    1, 7
)

EVENT_ACTIONS = ("accept", "dispatch", "handle", "close", "visit", "reject", "void")
A_ACCEPT, A_DISPATCH, A_HANDLE, A_CLOSE, A_VISIT, A_REJECT, A_VOID = range(7)


@dataclass(frozen=True)
class KindProfile:
    """How one kind of case arrives, where it goes and how it ends."""

    kind: str
    case_prefix: str
    share: float
    month_factors: tuple[float, ...]  # Jan..Dec
    sources: dict[str, float]
    categories: dict[str, tuple[float, tuple[str, ...]]]  # label -> (weight, summaries)
    handling_levels: tuple[float, float, float, float]  # village, township, district, city
    grid_share: float  # share with a grid when not reported by a grid member
    grid_level_share: float  # of the village-settled, share settled in the grid itself
    median_days: float
    sigma: float
    urgent_factor: float  # duration factor for red/orange (hotline, grid: red only)
    resolved_share: float
    office_hours: bool = True

    @cached_property
    def source_codes(self) -> np.ndarray:
        return np.array([SOURCE[s] for s in self.sources])

    @cached_property
    def source_probs(self) -> np.ndarray:
        return _normalised(list(self.sources.values()))

    @cached_property
    def category_probs(self) -> np.ndarray:
        return _normalised([weight for weight, _ in self.categories.values()])


def _normalised(weights: list[float] | np.ndarray) -> np.ndarray:
    values = np.asarray(weights, dtype=float)
    return values / values.sum()


PROFILES: dict[int, KindProfile] = {
    K_DISPUTE: KindProfile(
        kind="dispute",
        case_prefix="JF",
        share=0.40,
        # Summer bump (neighbours, construction, wages); Spring-Festival dip.
        month_factors=(0.90, 0.80, 1.00, 1.00, 1.05, 1.12, 1.18, 1.15, 1.05, 0.98, 0.95, 0.92),
        sources={
            "grid_report": 0.30,
            "walk_in": 0.25,
            "court_referral": 0.08,
            "police_referral": 0.12,
            "petition_referral": 0.05,
            "app": 0.10,
            "assigned": 0.10,
        },
        categories={
            "婚姻家庭": (
                12,
                ("居民因家庭赡养问题产生矛盾，申请调解", "夫妻因离婚财产分割发生纠纷"),
            ),
            "邻里纠纷": (
                18,
                ("居民反映楼上住户噪音扰民，双方多次争执", "两户居民因公共通道堆放杂物发生争执"),
            ),
            "房屋宅基地": (
                8,
                ("村民因宅基地界址不清发生纠纷", "居民因房屋漏水损害邻户财产产生矛盾"),
            ),
            "山林土地": (4, ("村民因承包地边界问题发生争议", "村民因土地流转费用分配产生纠纷")),
            "劳动争议": (10, ("务工人员反映工地拖欠工资", "职工与用人单位就经济补偿发生争议")),
            "合同纠纷": (
                7,
                ("居民与装修公司因工程质量发生合同纠纷", "商户与房东因租赁合同解除产生纠纷"),
            ),
            "损害赔偿": (
                8,
                ("居民因宠物伤人赔偿问题发生争执", "商户因施工损坏他人财物产生赔偿纠纷"),
            ),
            "物业纠纷": (
                12,
                ("业主与物业公司因物业费及服务质量发生纠纷", "小区业主反映电梯维修费用分摊争议"),
            ),
            "征地拆迁": (3, ("村民对征地补偿标准有异议", "居民因棚户区改造安置问题产生矛盾")),
            "医疗纠纷": (3, ("患者家属对诊疗结果有异议，与医院发生纠纷",)),
            "交通事故": (7, ("居民因交通事故赔偿问题协商未果",)),
            "其他": (8, ("居民之间因其他民事问题发生纠纷，申请调解",)),
        },
        handling_levels=(0.50, 0.38, 0.12, 0.0),
        grid_share=0.55,
        grid_level_share=0.35,
        median_days=11.0,
        sigma=0.65,
        urgent_factor=0.6,
        resolved_share=0.95,
    ),
    K_PETITION: KindProfile(
        kind="petition",
        case_prefix="XF",
        share=0.15,
        # Peaks in March (两会 season).
        month_factors=(0.90, 0.80, 1.35, 1.10, 1.00, 1.00, 0.95, 0.95, 1.00, 0.95, 1.00, 1.05),
        sources={
            "walk_in": 0.40,
            "app": 0.25,
            "assigned": 0.15,
            "hotline_12345": 0.10,
            "grid_report": 0.10,
        },
        categories={
            "城乡建设": (
                22,
                ("来访人反映小区配套设施长期未交付", "来访人反映房屋延期交付、办证难"),
            ),
            "劳动社保": (18, ("来访人反映企业欠缴社会保险", "来访人反映退休待遇核定有误")),
            "农村农业": (10, ("来访人反映土地承包经营权确权问题", "来访人反映惠农补贴发放问题")),
            "国土资源": (10, ("来访人对征地补偿安置有异议", "来访人反映违法占地问题")),
            "政法": (12, ("来访人对案件处理结果不满", "来访人反映执行款长期未到位")),
            "卫生健康": (6, ("来访人反映医疗费用报销问题",)),
            "教育": (6, ("来访人反映子女入学问题",)),
            "民政": (8, ("来访人反映低保资格认定问题", "来访人反映困难救助申请未获答复")),
            "其他": (8, ("来访人反映其他诉求",)),
        },
        handling_levels=(0.0, 0.50, 0.38, 0.12),
        grid_share=0.35,
        grid_level_share=0.0,
        median_days=30.0,
        sigma=0.45,
        urgent_factor=0.6,
        resolved_share=0.85,
    ),
    K_HOTLINE: KindProfile(
        kind="hotline",
        case_prefix="RX",
        share=0.20,
        # Heating season and summer (water, noise, traffic).
        month_factors=(1.05, 0.85, 0.95, 0.95, 1.00, 1.08, 1.15, 1.12, 1.00, 0.95, 1.05, 1.10),
        sources={"hotline_12345": 0.90, "app": 0.10},
        categories={
            "城市管理": (
                22,
                ("市民来电反映占道经营、噪音扰民", "市民来电反映小区周边垃圾清运不及时"),
            ),
            "住房保障": (10, ("市民来电咨询公租房申请进度",)),
            "交通出行": (12, ("市民来电反映公交线路调整不便", "市民来电反映路口信号灯故障")),
            "供水供暖": (20, ("市民来电反映家中暖气不热", "市民来电反映小区停水未提前通知")),
            "市场监管": (10, ("市民来电投诉商家虚假宣传", "市民来电反映预付卡退费难")),
            "社会保障": (10, ("市民来电咨询医保缴费事宜", "市民来电反映养老金发放问题")),
            "环境保护": (8, ("市民来电反映餐饮油烟扰民", "市民来电反映夜间施工噪音")),
            "其他": (8, ("市民来电反映其他诉求",)),
        },
        handling_levels=(0.55, 0.35, 0.10, 0.0),
        grid_share=0.50,
        grid_level_share=0.25,
        median_days=2.0,
        sigma=0.55,
        urgent_factor=0.25,
        resolved_share=0.93,
        office_hours=False,
    ),
    K_GRID_EVENT: KindProfile(
        kind="grid_event",
        case_prefix="WG",
        share=0.25,
        month_factors=(0.85, 0.75, 1.00, 1.08, 1.10, 1.10, 1.10, 1.08, 1.05, 1.02, 0.95, 0.88),
        sources={"grid_report": 0.95, "app": 0.05},
        categories={
            "安全隐患": (
                20,
                ("网格员巡查发现楼道堆放杂物存在消防隐患", "网格员巡查发现电动车违规充电"),
            ),
            "环境卫生": (22, ("网格员巡查发现背街小巷垃圾堆积", "网格员巡查发现绿化带破损")),
            "矛盾纠纷排查": (12, ("网格员走访发现邻里矛盾苗头",)),
            "治安防范": (10, ("网格员巡查发现可疑人员出入", "网格员巡查发现小区监控损坏")),
            "特殊人群服务": (10, ("网格员走访独居老人发现生活困难",)),
            "民生服务": (
                18,
                ("网格员收集居民反映的路灯损坏问题", "网格员收集居民反映的井盖缺失问题"),
            ),
            "其他": (8, ("网格员上报其他事项",)),
        },
        handling_levels=(0.88, 0.12, 0.0, 0.0),
        grid_share=0.70,
        grid_level_share=0.55,
        median_days=2.5,
        sigma=0.60,
        urgent_factor=0.25,
        resolved_share=0.97,
    ),
}
KIND_SHARES = np.array([PROFILES[k].share for k in range(len(KINDS))])
WARNING_PROBS = np.array([0.03, 0.07, 0.20, 0.70])  # red, orange, yellow, green

# Categories and summaries of every kind in one table (codes index these arrays).
CATEGORY_LABELS: list[str] = []
CATEGORY_OFFSET: dict[int, int] = {}
SUMMARY_TEXTS: list[str] = []
SUMMARY_OFFSET: list[int] = []
SUMMARY_COUNT: list[int] = []
for _kind, _profile in PROFILES.items():
    CATEGORY_OFFSET[_kind] = len(CATEGORY_LABELS)
    for _label, (_weight, _texts) in _profile.categories.items():
        CATEGORY_LABELS.append(_label)
        SUMMARY_OFFSET.append(len(SUMMARY_TEXTS))
        SUMMARY_COUNT.append(len(_texts))
        SUMMARY_TEXTS.extend(_texts)

EVENT_NOTES: dict[int, tuple[str, ...]] = {
    A_ACCEPT: ("受理登记", "登记受理，信息已核实", "受理并告知办理时限"),
    A_DISPATCH: ("分流交办", "按职责分流至承办中心", "派单至承办单位"),
    A_HANDLE: ("承办单位接单处置", "现场核实情况，组织调处", "联系当事人了解诉求"),
    A_REJECT: ("不属于受理范围，已告知当事人", "已通过法定途径处理，不予受理"),
    A_VOID: ("重复登记，作废", "信息录入错误，作废"),
}
CLOSE_NOTES = ("办结：化解成功", "办结：未化解，已告知当事人后续途径")
VISIT_NOTES = ("回访：满意", "回访：基本满意", "回访：不满意", "回访：未作评价")

SURNAMES = np.array(list(PersonProvider.last_names.keys()), dtype=object)
SURNAME_PROBS = _normalised(list(PersonProvider.last_names.values()))
GIVEN_CHARS = np.array(list(PersonProvider.first_names), dtype=object)
PHONE_PREFIXES = np.array(PhoneProvider.phonenumber_prefixes, dtype=np.int64)
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = np.array(list("10X98765432"), dtype=object)

CASE_COLUMNS = (
    "id",
    "case_no",
    "kind",
    "source",
    "category",
    "warning_level",
    "village_code",
    "grid_code",
    "center_id",
    "status",
    "accepted_at",
    "deadline_at",
    "closed_at",
    "outcome",
    "resolved_level",
    "satisfaction",
    "visited_at",
    "petitioner_key",
    "party_name",
    "party_phone",
    "summary",
)
EVENT_COLUMNS = ("id", "case_id", "at", "action", "from_center_id", "to_center_id", "note")


# ---------------------------------------------------------------- small helpers
def round_half_up(value: float) -> int:
    """Counts at scale F are round(count × F), halves up (not banker's rounding)."""
    return int(np.floor(value + 0.5))


def apportion(total: int, shares: np.ndarray) -> np.ndarray:
    """Split `total` by `shares` into integers that add up exactly (largest remainder)."""
    raw = total * _normalised(shares)
    counts = np.floor(raw).astype(np.int64)
    missing = total - int(counts.sum())
    if missing > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:missing]] += 1
    return counts


def count_for_rate(natural: int, rate: float, tolerance: float) -> int:
    """A count N near `natural` for which round(rate·N)/N is within `tolerance` of rate."""
    spread = max(3, natural // 10)
    best, best_key = max(natural, 1), (float("inf"), 0)
    for n in range(max(1, natural - spread), natural + spread + 1):
        error = abs(round_half_up(rate * n) / n - rate)
        key = (0.0 if error <= tolerance else error, abs(n - natural))
        if key < best_key:
            best, best_key = n, key
    return best


def short_village_name(name: str) -> str:
    """'胜利社区居委会' -> '胜利社区', '小坤兑村委会' -> '小坤兑村' (for center and grid names)."""
    for suffix, replacement in (
        ("社区居民委员会", "社区"),
        ("社区居委会", "社区"),
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("村委", "村"),
        ("居委会", "社区"),
        ("委员会", ""),
    ):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _generator(seed: int, *words: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed % 2**63, *words]))


def _epoch_seconds(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds())


def _epoch_day(day: date) -> int:
    return (day - EPOCH.date()).days


@lru_cache(maxsize=1)
def _clock_texts() -> np.ndarray:
    """'HH:MM:SS' for every second of a day."""
    return np.array(
        [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)],
        dtype=object,
    )


def format_seconds(seconds: np.ndarray) -> list[str | None]:
    """Epoch seconds -> 'YYYY-MM-DD HH:MM:SS' (the models' SQLite text); NEVER -> None.

    A date table for the days spanned plus a clock table, joined per value: several
    times faster than np.datetime_as_string or strftime.
    """
    if len(seconds) == 0:
        return []
    missing = seconds >= NEVER
    moments = np.where(missing, seconds.min(), seconds)
    days = moments // DAY
    first_day = int(days.min())
    day_range = np.arange(first_day, int(days.max()) + 1).astype("datetime64[D]")
    dates = np.datetime_as_string(day_range).astype(object) + " "
    texts = dates[days - first_day] + _clock_texts()[moments - days * DAY]
    if missing.any():
        texts[missing] = None
    return texts.tolist()


def _office_time(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, mostly office hours (morning and afternoon sessions)."""
    part = rng.choice(3, size=n, p=[0.50, 0.42, 0.08])
    start = np.array([8.5 * HOUR, 14 * HOUR, 7 * HOUR])[part]
    end = np.array([12 * HOUR, 18 * HOUR, 21 * HOUR])[part]
    return (start + rng.random(n) * (end - start)).astype(np.int64)


def _hotline_time(rng: np.random.Generator, n: int) -> np.ndarray:
    """12345 answers around the clock, mostly 8:00-22:00."""
    part = rng.random(n) < 0.88
    start = np.where(part, 8 * HOUR, 0)
    end = np.where(part, 22 * HOUR, 24 * HOUR)
    return (start + rng.random(n) * (end - start)).astype(np.int64)


def _is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # the package knows 2004-2026 only
        return day.weekday() < 5


def _is_statutory_holiday(day: date) -> bool:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(on_holiday and name)


class WorkCalendar:
    """Working days and holidays from FIRST_YEAR to a last day, as day-number lookups."""

    def __init__(self, first: date, last: date):
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.first_day = _epoch_day(first)
        self.workday = np.array([_is_workday(d) for d in days])
        self.holiday = np.array([_is_statutory_holiday(d) for d in days])
        self.month = np.array([d.month for d in days])
        self.year = np.array([d.year for d in days])
        self.work_positions = np.flatnonzero(self.workday)
        self._weights: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def working_days_after(self, day_numbers: np.ndarray, count: int) -> np.ndarray:
        """The day number of the `count`-th working day after each day."""
        position = np.searchsorted(self.work_positions, day_numbers - self.first_day, side="right")
        return self.work_positions[position + count - 1] + self.first_day

    def intake_days(self, kind: int, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Day numbers of `year` and their intake probabilities for one kind."""
        key = (kind, year)
        if key not in self._weights:
            profile = PROFILES[kind]
            in_year = np.flatnonzero(self.year == year)
            weight = np.array(profile.month_factors)[self.month[in_year] - 1]
            # Centers are shut at weekends and holidays (the hotline is not).
            off_factor, holiday_factor = (0.85, 0.6) if not profile.office_hours else (0.3, 0.15)
            weight = weight * np.where(self.workday[in_year], 1.0, off_factor)
            weight = weight * np.where(self.holiday[in_year], holiday_factor / off_factor, 1.0)
            self._weights[key] = (in_year + self.first_day, _normalised(weight))
        return self._weights[key]


# ---------------------------------------------------------------- structure
@dataclass
class Structure:
    """Regions, centers and grids, plus per-village lookups for the case generator."""

    district_codes: list[str]
    center_rows: list[tuple[int, str, str, str, int]]
    grid_rows: list[tuple[str, str, str, int]]
    village_codes: np.ndarray  # object array of 12-digit codes
    village_short_names: np.ndarray  # object
    village_district: np.ndarray  # district index
    village_center: np.ndarray
    village_township_handler: np.ndarray  # township center, or the district center in special zones
    village_township_level: np.ndarray  # L_TOWNSHIP, or L_DISTRICT in special zones
    village_district_center: np.ndarray
    village_weight: np.ndarray  # relative intake within its district
    village_grid_start: np.ndarray
    village_grid_count: np.ndarray
    grid_codes: np.ndarray  # object
    city_center: int = 1
    district_center: dict[str, int] = field(default_factory=dict)


def is_special_zone(township_code: str) -> bool:
    """Development zones etc. (township part 400-599) have no township-level center."""
    return 400 <= int(township_code[6:9]) <= 599


def build_structure(seed: int, regions: list[dict[str, str | None]] | None = None) -> Structure:
    regions = regions if regions is not None else read_divisions_csv()
    by_level: dict[str, list[dict[str, str | None]]] = {}
    for row in sorted(regions, key=lambda r: str(r["code"])):
        by_level.setdefault(str(row["level"]), []).append(row)
    city = by_level["city"][0]
    districts = by_level["district"]
    townships = by_level["township"]
    villages = by_level["village"]
    district_codes = [str(d["code"]) for d in districts]

    staff_rng = _generator(seed, 0, 0, STREAM_CENTERS)
    center_rows: list[tuple[int, str, str, str, int]] = []

    def add_center(name: str, level: str, code: str, staff: int) -> int:
        center_rows.append((len(center_rows) + 1, f"{name}综治中心", level, code, int(staff)))
        return len(center_rows)

    city_center = add_center(
        str(city["name"]), "city", str(city["code"]), staff_rng.integers(28, 33)
    )
    district_center = {
        str(d["code"]): add_center(
            str(d["name"]), "district", str(d["code"]), staff_rng.integers(15, 26)
        )
        for d in districts
    }
    township_center = {
        str(t["code"]): add_center(
            str(t["name"]), "township", str(t["code"]), staff_rng.integers(6, 13)
        )
        for t in townships
        if not is_special_zone(str(t["code"]))
    }
    short_names = [short_village_name(str(v["name"])) for v in villages]
    village_center = np.array(
        [
            add_center(short, "village", str(v["code"]), staff_rng.integers(2, 5))
            for v, short in zip(villages, short_names, strict=True)
        ]
    )

    codes = [str(v["code"]) for v in villages]
    district_index = {code: i for i, code in enumerate(district_codes)}
    village_district = np.array([district_index[c[:6]] for c in codes])
    township_handler = np.array([township_center.get(c[:9], district_center[c[:6]]) for c in codes])
    township_level = np.array([L_DISTRICT if is_special_zone(c[:9]) else L_TOWNSHIP for c in codes])

    # Intake heterogeneity between villages, and the grids of each village.
    village_weight = np.empty(len(codes))
    grid_count = np.zeros(len(codes), dtype=np.int64)
    grid_rows: list[tuple[str, str, str, int]] = []
    for d, district in enumerate(district_codes):
        members = np.flatnonzero(village_district == d)
        village_weight[members] = _generator(seed, d, 0, STREAM_VILLAGES).gamma(
            4.0, 0.25, len(members)
        )
        grid_rng = _generator(seed, d, 0, STREAM_GRIDS)
        natural = grid_rng.integers(6, 13, size=len(members))
        if district == KUNDULUN:
            # Published: exactly 1002 grids with one grid member each.
            counts = apportion(KUNDULUN_GRIDS, natural.astype(float))
            member_counts = np.ones(int(counts.sum()), dtype=np.int64)
        else:
            counts = natural
            member_counts = grid_rng.choice([1, 2, 3], size=int(counts.sum()), p=[0.85, 0.12, 0.03])
        grid_count[members] = counts
        position = 0
        for village, count in zip(members, counts, strict=True):
            for sequence in range(1, int(count) + 1):
                code = codes[village]
                grid_rows.append(
                    (
                        f"{code}{sequence:03d}",
                        code,
                        f"{short_names[village]}第{sequence}网格",
                        int(member_counts[position]),
                    )
                )
                position += 1
    grid_start = np.concatenate([[0], np.cumsum(grid_count)[:-1]])

    return Structure(
        district_codes=district_codes,
        center_rows=center_rows,
        grid_rows=grid_rows,
        village_codes=np.array(codes, dtype=object),
        village_short_names=np.array(short_names, dtype=object),
        village_district=village_district,
        village_center=village_center,
        village_township_handler=township_handler,
        village_township_level=township_level,
        village_district_center=np.array([district_center[c[:6]] for c in codes]),
        village_weight=village_weight,
        village_grid_start=grid_start,
        village_grid_count=grid_count,
        grid_codes=np.array([g[0] for g in grid_rows], dtype=object),
        city_center=city_center,
        district_center=district_center,
    )


# ---------------------------------------------------------------- people
def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    """张三-like names: a weighted surname and one or two given-name characters."""
    surnames = SURNAMES[rng.choice(len(SURNAMES), size=n, p=SURNAME_PROBS)]
    first = GIVEN_CHARS[rng.integers(0, len(GIVEN_CHARS), size=n)]
    second = np.where(
        rng.random(n) < 0.7, GIVEN_CHARS[rng.integers(0, len(GIVEN_CHARS), size=n)], ""
    )
    return surnames + first + second


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), size=n)]
    return (prefix * 100_000_000 + rng.integers(0, 100_000_000, size=n)).astype(str).astype(object)


def _id_numbers(rng: np.random.Generator, district_code: str, n: int) -> list[str]:
    """Fake 18-digit resident ID numbers with a valid check character (GB 11643)."""
    birth = np.datetime64("1945-01-01") + rng.integers(0, 55 * 365, size=n)
    body = np.char.add(
        np.char.add(district_code, np.char.replace(np.datetime_as_string(birth), "-", "")),
        np.char.zfill(rng.integers(0, 1000, size=n).astype(str), 3),
    )
    digits = body.view(np.uint32).reshape(n, 17) - ord("0")
    check = ID_CHECK[(digits * ID_WEIGHTS).sum(axis=1) % 11]
    return (body.astype(object) + check).tolist()


@dataclass
class PetitionerPool:
    """People of one district who petition: keyed hashes, names, phones, propensity."""

    keys: np.ndarray
    names: np.ndarray
    phones: np.ndarray
    probs: np.ndarray


def build_petitioner_pool(
    seed: int, district_index: int, district_code: str, size: int, hash_key: bytes
) -> PetitionerPool:
    rng = _generator(seed, district_index, 0, STREAM_POOL)
    id_numbers = _id_numbers(rng, district_code, size)
    keys = np.array(
        [hmac.new(hash_key, number.encode(), hashlib.sha256).hexdigest() for number in id_numbers],
        dtype=object,
    )
    # Some people petition again and again (上访老户): a skewed propensity.
    propensity = rng.gamma(0.6, 1.0, size) + 1e-9
    return PetitionerPool(keys, _names(rng, size), _phones(rng, size), _normalised(propensity))


# ---------------------------------------------------------------- one chunk of cases
@dataclass
class Context:
    seed: int
    scale: float
    until_s: int
    structure: Structure
    calendar: WorkCalendar
    hash_key: bytes
    pools: dict[int, PetitionerPool] = field(default_factory=dict)

    def pool(self, district_index: int) -> PetitionerPool:
        if district_index not in self.pools:
            code = self.structure.district_codes[district_index]
            yearly = KUNDULUN_2024_ACCEPTED * DISTRICT_WEIGHTS[code] * self.scale
            nonanonymous = yearly * PROFILES[K_PETITION].share * (1 - ANONYMOUS_PETITION_SHARE)
            size = max(5, round_half_up(nonanonymous * PETITIONER_POOL_FACTOR))
            self.pools[district_index] = build_petitioner_pool(
                self.seed, district_index, code, size, self.hash_key
            )
        return self.pools[district_index]


def year_trend(year: int) -> float:
    return YEAR_TREND.get(year, YEAR_TREND[max(YEAR_TREND)])


def kind_counts(district_code: str, year: int, scale: float) -> np.ndarray:
    """Accepted cases per kind (KINDS order) of one district-year: no randomness."""
    total = round_half_up(
        KUNDULUN_2024_ACCEPTED * DISTRICT_WEIGHTS[district_code] * year_trend(year) * scale
    )
    counts = apportion(total, KIND_SHARES)
    if district_code == QINGSHAN and year == 2024:
        # A petition count whose closure rate can hit 86.6% within ±0.05 pp.
        counts[K_PETITION] = count_for_rate(
            int(counts[K_PETITION]),
            QINGSHAN_2024_PETITION_CLOSURE,
            QINGSHAN_2024_PETITION_TOLERANCE,
        )
    return counts


@dataclass
class Chunk:
    cases: int
    events: int
    case_rows: Iterator[tuple]  # in CASE_COLUMNS order
    event_rows: Iterator[tuple]  # in EVENT_COLUMNS order


def _snap_to_office(rng: np.random.Generator, moments: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Move times to office hours of the same day, unless that would go before `after`."""
    snapped = moments // DAY * DAY + _office_time(rng, len(moments))
    return np.where(snapped > after, snapped, moments)


def _durations(rng: np.random.Generator, kinds: np.ndarray, warnings: np.ndarray) -> np.ndarray:
    """Seconds from acceptance to closure: lognormal by kind, urgent cases faster, long tail."""
    median = np.array([PROFILES[k].median_days for k in range(len(KINDS))])[kinds]
    sigma = np.array([PROFILES[k].sigma for k in range(len(KINDS))])[kinds]
    urgent_factor = np.array([PROFILES[k].urgent_factor for k in range(len(KINDS))])[kinds]
    days = median * np.exp(sigma * rng.standard_normal(len(kinds)))
    urgent = (warnings == WARNING["red"]) | (
        (warnings == WARNING["orange"]) & (kinds != K_GRID_EVENT)
    )
    days = np.where(urgent, days * urgent_factor, days)
    tail = rng.random(len(kinds)) < LONG_TAIL_SHARE
    days = np.where(tail, days * rng.uniform(1.5, 4.0, len(kinds)), days)
    return np.maximum(days * DAY, 1800).astype(np.int64)


def _deadlines(
    calendar: WorkCalendar, kinds: np.ndarray, warnings: np.ndarray, accepted_s: np.ndarray
) -> np.ndarray:
    """办理时限 by kind; the hotline counts working days (1 for red/orange, else 5)."""
    deadline = accepted_s + 30 * DAY
    deadline = np.where(kinds == K_PETITION, accepted_s + 60 * DAY, deadline)
    grid_days = np.where(warnings == WARNING["red"], 1, 7)
    deadline = np.where(kinds == K_GRID_EVENT, accepted_s + grid_days * DAY, deadline)
    hotline = np.flatnonzero(kinds == K_HOTLINE)
    if len(hotline):
        day = accepted_s[hotline] // DAY
        time_of_day = accepted_s[hotline] - day * DAY
        urgent = warnings[hotline] <= WARNING["orange"]
        due_day = np.where(
            urgent, calendar.working_days_after(day, 1), calendar.working_days_after(day, 5)
        )
        deadline[hotline] = due_day * DAY + time_of_day
    return deadline


def _fix_closed_count(
    rng: np.random.Generator,
    accepted_s: np.ndarray,
    closed_s: np.ndarray,
    members: np.ndarray,
    target: int,
    boundary_s: int,
) -> None:
    """Make exactly `target` of `members` closed by `boundary_s` (in place).

    Too many: the latest closures move to the first weeks after the boundary. Too few:
    the cases closing soonest after it (never-closed ones last) close inside the period.
    """
    closed_by = closed_s[members] <= boundary_s
    current = int(closed_by.sum())
    if current > target:
        candidates = members[closed_by]
        chosen = candidates[np.argsort(-closed_s[candidates], kind="stable")[: current - target]]
        next_day = boundary_s // DAY + 1 + rng.integers(0, 21, size=len(chosen))
        closed_s[chosen] = next_day * DAY + _office_time(rng, len(chosen))
    elif current < target:
        candidates = members[~closed_by]
        chosen = candidates[np.argsort(closed_s[candidates], kind="stable")[: target - current]]
        accepted = accepted_s[chosen]
        span = boundary_s - accepted
        moment = accepted + (span * rng.uniform(0.35, 0.95, len(chosen))).astype(np.int64)
        moment = np.maximum(moment, accepted + np.minimum(600, span))
        snapped = _snap_to_office(rng, moment, accepted)
        closed_s[chosen] = np.where(snapped <= boundary_s, snapped, moment)


def _fix_flag_count(
    rng: np.random.Generator, flags: np.ndarray, members: np.ndarray, target: int
) -> np.ndarray:
    """Flip randomly chosen `flags` of `members` so exactly `target` are True; returns flipped."""
    current = int(flags[members].sum())
    if current == target:
        return members[:0]
    pool = members[flags[members]] if current > target else members[~flags[members]]
    chosen = rng.permutation(pool)[: abs(current - target)]
    flags[chosen] = current < target
    return chosen


Converter = Callable[[np.ndarray], list[Any]]
CASE_SEQUENCE_LIMIT = 10_000_000  # 7-digit sequence in a case number


def _as_list(values: np.ndarray) -> list[Any]:
    return values.tolist()


def _labels_of(table: Sequence[str]) -> Converter:
    """Codes -> labels, a negative code is NULL."""
    labels = np.array([*table, None], dtype=object)
    return lambda codes: labels[np.where(codes < 0, len(table), codes)].tolist()


def _case_numbers(prefixes: list[str]) -> Converter:
    """kind × CASE_SEQUENCE_LIMIT + sequence -> 'JF1502032024' + 7-digit sequence."""
    prefix_table = np.array(prefixes, dtype=object)

    def convert(codes: np.ndarray) -> list[str]:
        digits = np.char.zfill((codes % CASE_SEQUENCE_LIMIT).astype(str), 7).astype(object)
        return (prefix_table[codes // CASE_SEQUENCE_LIMIT] + digits).tolist()

    return convert


def _nullable_ids(values: np.ndarray) -> list[int | None]:
    """Center ids with -1 as NULL."""
    objects = values.astype(object)
    objects[values < 0] = None
    return objects.tolist()


def _rows(columns: list[tuple[np.ndarray, Converter]], count: int) -> Iterator[tuple]:
    """Row tuples, converted to Python values one slice at a time (bounded memory)."""
    for start in range(0, count, ROW_SLICE):
        part = slice(start, min(start + ROW_SLICE, count))
        yield from zip(*(convert(values[part]) for values, convert in columns), strict=True)


def generate_chunk(
    ctx: Context, district_index: int, year: int, first_case_id: int, first_event_id: int
) -> Chunk:
    """All cases accepted in one district in one year (up to `until`), and their events."""
    structure = ctx.structure
    district_code = structure.district_codes[district_index]
    rng = _generator(ctx.seed, district_index, year, STREAM_CASES)
    fix_rng = _generator(ctx.seed, district_index, year, STREAM_FIXUPS)
    counts = kind_counts(district_code, year, ctx.scale)
    accepted_total = int(counts.sum())
    extra_rejected = round_half_up(REJECTED_SHARE * accepted_total)
    extra_void = round_half_up(VOID_SHARE * accepted_total)

    # --- who, when: kinds and acceptance times, then everything in time order
    kinds = np.concatenate(
        [
            np.repeat(np.arange(len(KINDS)), counts),
            rng.choice(len(KINDS), size=extra_rejected + extra_void, p=KIND_SHARES),
        ]
    )
    exclusion = np.concatenate(  # status for the excluded extras, -1 for accepted cases
        [
            np.full(accepted_total, -1),
            np.full(extra_rejected, STATUS["rejected"]),
            np.full(extra_void, STATUS["void"]),
        ]
    )
    n = len(kinds)
    accepted_s = np.empty(n, dtype=np.int64)
    for kind in range(len(KINDS)):
        rows = np.flatnonzero(kinds == kind)
        days, probs = ctx.calendar.intake_days(kind, year)
        day = days[rng.choice(len(days), size=len(rows), p=probs)]
        time_of_day = (
            _office_time(rng, len(rows))
            if PROFILES[kind].office_hours
            else _hotline_time(rng, len(rows))
        )
        accepted_s[rows] = day.astype(np.int64) * DAY + time_of_day
    order = np.argsort(accepted_s, kind="stable")
    kinds, exclusion, accepted_s = kinds[order], exclusion[order], accepted_s[order]
    is_accepted = exclusion < 0

    # --- where: village (weighted), source, category, warning level
    villages_here = np.flatnonzero(structure.village_district == district_index)
    village = villages_here[
        rng.choice(
            len(villages_here), size=n, p=_normalised(structure.village_weight[villages_here])
        )
    ]
    source = np.empty(n, dtype=np.int64)
    category = np.empty(n, dtype=np.int64)
    handling_level = np.empty(n, dtype=np.int64)
    grid_share = np.empty(n)
    grid_level_share = np.empty(n)
    for kind, profile in PROFILES.items():
        rows = np.flatnonzero(kinds == kind)
        source[rows] = profile.source_codes[
            rng.choice(len(profile.source_codes), size=len(rows), p=profile.source_probs)
        ]
        category[rows] = CATEGORY_OFFSET[kind] + rng.choice(
            len(profile.category_probs), size=len(rows), p=profile.category_probs
        )
        handling_level[rows] = rng.choice(4, size=len(rows), p=profile.handling_levels)
        grid_share[rows] = profile.grid_share
        grid_level_share[rows] = profile.grid_level_share
    warning = rng.choice(len(WARNING_LEVELS), size=n, p=WARNING_PROBS)

    # --- grid: grid-member reports always have one; others sometimes
    grid_count = structure.village_grid_count[village]
    has_grid = ((source == SOURCE["grid_report"]) | (rng.random(n) < grid_share)) & (grid_count > 0)
    grid_index = structure.village_grid_start[village] + (rng.random(n) * grid_count).astype(
        np.int64
    )
    grid_code = np.where(has_grid, structure.grid_codes[np.where(has_grid, grid_index, 0)], None)

    # --- centers: who handles (by level), who received it (by source)
    village_center = structure.village_center[village]
    township_handler = structure.village_township_handler[village]
    district_center = structure.village_district_center[village]
    city_center = structure.city_center
    handler = np.select(
        [handling_level == L_VILLAGE, handling_level == L_TOWNSHIP, handling_level == L_DISTRICT],
        [village_center, township_handler, district_center],
        city_center,
    )
    effective_level = np.where(
        handling_level == L_TOWNSHIP, structure.village_township_level[village], handling_level
    )
    assigning = np.select(  # 上级交办: the level above the handler
        [effective_level == L_VILLAGE, effective_level == L_TOWNSHIP],
        [township_handler, district_center],
        city_center,
    )
    receiver = np.select(
        [
            source == SOURCE["grid_report"],
            source == SOURCE["hotline_12345"],
            source == SOURCE["app"],
            source == SOURCE["court_referral"],
            source == SOURCE["petition_referral"],
            source == SOURCE["police_referral"],
            source == SOURCE["assigned"],
        ],
        [
            village_center,
            np.full(n, city_center),
            district_center,
            district_center,
            district_center,
            township_handler,
            assigning,
        ],
        handler,  # walk-in: at the handling center's door
    )

    deadline_s = _deadlines(ctx.calendar, kinds, warning, accepted_s)

    # --- the parties: names, phones, summaries; petitioners from the district's pool
    party_name = _names(rng, n)
    party_phone = _phones(rng, n)
    template = np.array(SUMMARY_OFFSET)[category] + (
        rng.random(n) * np.array(SUMMARY_COUNT)[category]
    ).astype(np.int64)
    summary = (
        structure.village_short_names[village] + np.array(SUMMARY_TEXTS, dtype=object)[template]
    )
    petitioner_key = np.full(n, None, dtype=object)
    named_petition = np.flatnonzero(
        (kinds == K_PETITION) & (rng.random(n) >= ANONYMOUS_PETITION_SHARE)
    )
    if len(named_petition):
        pool = ctx.pool(district_index)
        person = rng.choice(len(pool.keys), size=len(named_petition), p=pool.probs)
        petitioner_key[named_petition] = pool.keys[person]
        party_name[named_petition] = pool.names[person]
        party_phone[named_petition] = pool.phones[person]

    # --- closure: natural durations, a few never closed
    closed_s = accepted_s + _durations(rng, kinds, warning)
    closed_s = _snap_to_office(rng, closed_s, accepted_s)
    closed_s[rng.random(n) < NEVER_CLOSED_SHARE] = NEVER
    closed_s[~is_accepted] = NEVER
    resolved = (
        rng.random(n) < np.array([PROFILES[k].resolved_share for k in range(len(KINDS))])[kinds]
    )
    grid_settled = rng.random(n) < grid_level_share
    visit_day_offset = rng.integers(1, 11, size=n)
    visit_time = _office_time(rng, n)
    rated = rng.random(n) < VISIT_RATED_SHARE
    satisfaction_draw = rng.random(n)
    dispatch_delay = np.minimum(np.exp(rng.normal(np.log(40 * 60), 1.0, n)), 2 * DAY).astype(
        np.int64
    )
    handle_delay = np.minimum(np.exp(rng.normal(np.log(4 * HOUR), 1.0, n)), 5 * DAY).astype(
        np.int64
    )
    end_delay = rng.integers(600, 2 * DAY, size=n)  # rejection / voiding after acceptance
    note_draw = rng.integers(0, 6, size=(n, 4))

    year_end_s = _epoch_seconds(datetime(year, 12, 31, 23, 59, 59))
    year_complete = year_end_s <= ctx.until_s
    if year_complete:
        _apply_published_figures(
            fix_rng,
            ctx.scale,
            district_code,
            year,
            year_end_s,
            kinds,
            is_accepted,
            accepted_s,
            closed_s,
            resolved,
        )

    # --- observe at `until`: later closures and visits have not happened yet
    closed_s[closed_s > ctx.until_s] = NEVER
    closed = closed_s < NEVER
    visited_s = np.where(closed, (closed_s // DAY + visit_day_offset) * DAY + visit_time, NEVER)
    visited_s[visited_s > ctx.until_s] = NEVER
    visited = visited_s < NEVER
    has_rating = visited & rated
    satisfaction = np.full(n, NO_RATING)
    when_resolved = np.select(
        [satisfaction_draw < 0.87, satisfaction_draw < 0.985],
        [SATISFIED, BASICALLY_SATISFIED],
        DISSATISFIED,
    )
    when_unresolved = np.select(
        [satisfaction_draw < 0.55, satisfaction_draw < 0.80],
        [SATISFIED, BASICALLY_SATISFIED],
        DISSATISFIED,
    )
    satisfaction[has_rating] = np.where(resolved, when_resolved, when_unresolved)[has_rating]
    if district_code == QINGSHAN and year == 2024 and year_complete:
        _fix_satisfaction(fix_rng, satisfaction, resolved, is_accepted, closed_s, year_end_s)

    # --- derived fields
    resolved_level = np.where(
        (effective_level == L_VILLAGE) & grid_settled & has_grid,
        RESOLVED_LEVEL["grid"],
        effective_level + 1,  # village..city follow grid in RESOLVED_LEVELS
    )
    resolved_level = np.where(closed, resolved_level, -1)
    outcome = np.where(closed, np.where(resolved, 0, 1), -1)
    dispatch_s = np.where(
        closed,
        accepted_s + np.minimum(dispatch_delay, (closed_s - accepted_s) // 4),
        accepted_s + dispatch_delay,
    )
    handle_s = np.where(
        closed,
        dispatch_s + np.minimum(handle_delay, (closed_s - dispatch_s) // 2),
        dispatch_s + handle_delay,
    )
    archived = closed & (closed_s < ctx.until_s - ARCHIVE_AFTER_DAYS * DAY)
    status = np.select(
        [~is_accepted, archived, closed, dispatch_s > ctx.until_s, handle_s > ctx.until_s],
        [exclusion, STATUS["archived"], STATUS["closed"], STATUS["accepted"], STATUS["dispatched"]],
        STATUS["in_progress"],
    )
    end_s = np.minimum(accepted_s + end_delay, ctx.until_s)  # the reject / void moment

    # --- cases accepted after `until` don't exist yet (the year in progress)
    kept = np.flatnonzero(accepted_s <= ctx.until_s)
    n = len(kept)
    case_id = np.full(len(accepted_s), -1, dtype=np.int64)
    case_id[kept] = np.arange(first_case_id, first_case_id + n)
    sequence = np.zeros(len(accepted_s), dtype=np.int64)  # within the kind, in time order
    for kind in range(len(KINDS)):
        rows = kept[kinds[kept] == kind]
        sequence[rows] = np.arange(1, len(rows) + 1)
    case_number_prefixes = [
        f"{PROFILES[k].case_prefix}{district_code}{year}" for k in range(len(KINDS))
    ]
    case_columns: list[tuple[np.ndarray, Converter]] = [
        (case_id[kept], _as_list),
        (kinds[kept] * CASE_SEQUENCE_LIMIT + sequence[kept], _case_numbers(case_number_prefixes)),
        (kinds[kept], _labels_of(KINDS)),
        (source[kept], _labels_of(SOURCES)),
        (category[kept], _labels_of(CATEGORY_LABELS)),
        (warning[kept], _labels_of(WARNING_LEVELS)),
        (structure.village_codes[village[kept]], _as_list),
        (grid_code[kept], _as_list),
        (handler[kept], _as_list),
        (status[kept], _labels_of(STATUSES)),
        (accepted_s[kept], format_seconds),
        (deadline_s[kept], format_seconds),
        (closed_s[kept], format_seconds),
        (outcome[kept], _labels_of(("resolved", "unresolved"))),
        (resolved_level[kept], _labels_of(RESOLVED_LEVELS)),
        (satisfaction[kept], _labels_of(SATISFACTIONS)),
        (visited_s[kept], format_seconds),
        (petitioner_key[kept], _as_list),
        (party_name[kept], _as_list),
        (party_phone[kept], _as_list),
        (summary[kept], _as_list),
    ]

    # --- the flow log (受理 → 分流 → 办理 → 办结 → 回访), only what happened by `until`
    present = np.zeros(len(accepted_s), dtype=bool)
    present[kept] = True
    live = present & is_accepted
    no_center = np.full(len(accepted_s), -1)
    steps = (  # action, which cases, at, from center, to center, note texts, note choice
        (A_ACCEPT, present, accepted_s, no_center, receiver, EVENT_NOTES[A_ACCEPT], note_draw[:, 0]),
        (A_DISPATCH, live & (dispatch_s <= ctx.until_s), dispatch_s, receiver, handler,
         EVENT_NOTES[A_DISPATCH], note_draw[:, 1]),
        (A_HANDLE, live & (handle_s <= ctx.until_s), handle_s, handler, no_center,
         EVENT_NOTES[A_HANDLE], note_draw[:, 2]),
        (A_CLOSE, present & closed, closed_s, handler, no_center, CLOSE_NOTES, outcome),
        (A_VISIT, present & visited, visited_s, handler, no_center, VISIT_NOTES,
         np.where(satisfaction < 0, len(VISIT_NOTES) - 1, satisfaction)),
        (A_REJECT, present & (exclusion == STATUS["rejected"]), end_s, receiver, no_center,
         EVENT_NOTES[A_REJECT], note_draw[:, 3]),
        (A_VOID, present & (exclusion == STATUS["void"]), end_s, receiver, no_center,
         EVENT_NOTES[A_VOID], note_draw[:, 3]),
    )  # fmt: skip
    event_case, event_action, event_at, event_from, event_to, event_note = [], [], [], [], [], []
    note_texts: list[str] = []
    for action, mask, at, from_center, to_center, texts, choice in steps:
        rows = np.flatnonzero(mask)
        event_case.append(rows)
        event_action.append(np.full(len(rows), action))
        event_at.append(at[rows])
        event_from.append(from_center[rows])
        event_to.append(to_center[rows])
        event_note.append(len(note_texts) + choice[rows] % len(texts))
        note_texts.extend(texts)
    order = np.argsort(np.concatenate(event_case), kind="stable")  # per case, in flow order
    m = len(order)
    event_columns: list[tuple[np.ndarray, Converter]] = [
        (np.arange(first_event_id, first_event_id + m), _as_list),
        (case_id[np.concatenate(event_case)[order]], _as_list),
        (np.concatenate(event_at)[order], format_seconds),
        (np.concatenate(event_action)[order], _labels_of(EVENT_ACTIONS)),
        (np.concatenate(event_from)[order], _nullable_ids),
        (np.concatenate(event_to)[order], _nullable_ids),
        (np.concatenate(event_note)[order], _labels_of(note_texts)),
    ]
    return Chunk(n, m, _rows(case_columns, n), _rows(event_columns, m))


@lru_cache(maxsize=8)
def city_resolution_targets(scale: float) -> dict[str, int]:
    """Resolved 2022 disputes per district: exactly round(99% × the city's total) in all.

    Counts per district-year come from a formula (no randomness), so every chunk can
    compute its share of the city target on its own.
    """
    year = 2022
    districts = list(DISTRICT_WEIGHTS)
    disputes = np.array([kind_counts(code, year, scale)[K_DISPUTE] for code in districts])
    total = round_half_up(int(disputes.sum()) * CITY_2022_DISPUTE_RESOLUTION)
    shares = apportion(total, disputes.astype(float)) if total else np.zeros(len(districts), int)
    return {
        code: int(min(share, count))
        for code, share, count in zip(districts, shares, disputes, strict=True)
    }


def _apply_published_figures(
    rng: np.random.Generator,
    scale: float,
    district_code: str,
    year: int,
    year_end_s: int,
    kinds: np.ndarray,
    is_accepted: np.ndarray,
    accepted_s: np.ndarray,
    closed_s: np.ndarray,
    resolved: np.ndarray,
) -> None:
    """Closure and outcome fix-ups for the cohorts METRICS.md publishes (in place).

    Called for a year that has ended by `until`; its cohort is observed at the year end.
    """
    if district_code == KUNDULUN and year == 2024:
        members = np.flatnonzero(is_accepted)
        target = round_half_up(len(members) * KUNDULUN_2024_CLOSED / KUNDULUN_2024_ACCEPTED)
        _fix_closed_count(rng, accepted_s, closed_s, members, target, year_end_s)
    if district_code == QINGSHAN and year == 2024:
        petitions = np.flatnonzero(is_accepted & (kinds == K_PETITION))
        target = round_half_up(len(petitions) * QINGSHAN_2024_PETITION_CLOSURE)
        _fix_closed_count(rng, accepted_s, closed_s, petitions, target, year_end_s)
        disputes = np.flatnonzero(is_accepted & (kinds == K_DISPUTE))
        closed_disputes = disputes[closed_s[disputes] <= year_end_s]
        target = round_half_up(len(closed_disputes) * QINGSHAN_2024_MEDIATION_SUCCESS)
        _fix_flag_count(rng, resolved, closed_disputes, target)
    if year == 2022:
        # City-wide resolution 99%: round(99% × the city's 2022 disputes) shared out over
        # the districts (each near 99%), so the sum is exact. A few stay closed-unresolved.
        disputes = np.flatnonzero(is_accepted & (kinds == K_DISPUTE))
        target = city_resolution_targets(scale)[district_code]
        wanted_closed = min(len(disputes), target + max(1, round_half_up(0.004 * len(disputes))))
        if int((closed_s[disputes] <= year_end_s).sum()) < wanted_closed:
            _fix_closed_count(rng, accepted_s, closed_s, disputes, wanted_closed, year_end_s)
        closed_disputes = disputes[closed_s[disputes] <= year_end_s]
        _fix_flag_count(rng, resolved, closed_disputes, target)


def _fix_satisfaction(
    rng: np.random.Generator,
    satisfaction: np.ndarray,
    resolved: np.ndarray,
    is_accepted: np.ndarray,
    closed_s: np.ndarray,
    year_end_s: int,
) -> None:
    """Qingshan 2024: exactly round(98.2% × rated) rated satisfied or basically satisfied."""
    rated = np.flatnonzero(is_accepted & (closed_s <= year_end_s) & (satisfaction >= 0))
    good = satisfaction != DISSATISFIED
    target = round_half_up(len(rated) * QINGSHAN_2024_SATISFACTION)
    current = int(good[rated].sum())
    if current < target:
        # Unhappy but resolved cases are the likeliest to have been won over.
        pool = rated[~good[rated]]
        pool = pool[np.lexsort((rng.random(len(pool)), ~resolved[pool]))]
        satisfaction[pool[: target - current]] = SATISFIED
    elif current > target:
        pool = rated[good[rated]]
        pool = pool[np.lexsort((rng.random(len(pool)), resolved[pool]))]
        satisfaction[pool[: current - target]] = DISSATISFIED


# ---------------------------------------------------------------- loading
def demo_signature(seed: int, scale: float, until: datetime) -> str:
    return f"seed={seed};scale={scale};until={until.date()}"


def _normalise_until(until: datetime | date | None) -> datetime:
    if until is None:
        # The start of today: the same data all day long (the signature keeps only the
        # date), and never a case dated in the future.
        return datetime.combine(date.today(), datetime.min.time())
    if not isinstance(until, datetime):  # a date means that day's end
        return datetime(until.year, until.month, until.day, 23, 59, 59)
    return until.replace(microsecond=0, tzinfo=None)


def _count(conn: Connection, column: Any) -> int:
    return int(conn.execute(select(func.count(column))).scalar_one())


def _summary(conn: Connection) -> dict[str, int]:
    return {
        "regions": _count(conn, Region.code),
        "districts": int(
            conn.execute(select(func.count()).where(Region.level == "district")).scalar_one()
        ),
        "villages": int(
            conn.execute(select(func.count()).where(Region.level == "village")).scalar_one()
        ),
        "centers": _count(conn, Center.id),
        "grids": _count(conn, Grid.code),
        "grid_members": int(
            conn.execute(select(func.coalesce(func.sum(Grid.member_count), 0))).scalar_one()
        ),
        "cases": _count(conn, Case.id),
        "events": _count(conn, CaseEvent.id),
    }


def _begin_sqlite_transaction(conn: Connection) -> None:
    """pysqlite only opens a transaction before DML: open it now so the DDL of the load
    (index drops) is part of it too and a failure leaves the database as it was."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        if not raw.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def load_demo(
    engine: Engine,
    *,
    seed: int = 2024,
    scale: float = 1.0,
    until: datetime | None = None,
    progress: bool = True,
) -> dict:
    """Load the Baotou demo into `engine`'s database (idempotent) and refresh the rollups.

    Returns counts of what the database holds, `seconds` taken and `skipped` (True when
    this exact demo — same seed, scale and `until` day — was already loaded). Replaces
    a different demo; refuses (ValueError) to touch a database holding real data.
    """
    started = time.perf_counter()
    scale = float(scale)
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    until = _normalise_until(until)
    if until < datetime(FIRST_YEAR, 1, 1):
        raise ValueError(f"until must be on or after {FIRST_YEAR}-01-01, got {until}")
    signature = demo_signature(seed, scale, until)

    Base.metadata.create_all(engine)
    with engine.connect() as conn, sorts_on_disk(conn), conn.begin():
        _begin_sqlite_transaction(conn)
        state = conn.execute(select(DataState).where(DataState.id == 1)).first()
        current = state.demo_signature if state else None
        if current == signature:
            return {
                "skipped": True,
                "signature": signature,
                **_summary(conn),
                "seconds": round(time.perf_counter() - started, 2),
            }
        holds_data = any(
            conn.execute(select(column).limit(1)).first() is not None
            for column in (Case.id, Center.id, Grid.code)
        )
        if current is None and holds_data:
            raise ValueError(
                "the database already holds cases, centers or grids that are not demo data"
                " (data_state.demo_signature is empty); refusing to overwrite them."
                " Use an empty database for the demo."
            )
        load_regions(conn)
        with bulk_load(conn, (Case, CaseEvent)):
            if current is not None:
                _delete_demo(conn)
            _load_demo_rows(conn, seed, scale, until, progress)
            if progress:
                print("demo: building indexes, checking constraints ...", file=sys.stderr)
            reset_id_sequence(conn, Case)
            reset_id_sequence(conn, CaseEvent)
            reset_id_sequence(conn, Center)
        if state is None:
            conn.execute(insert(DataState).values(id=1, data_version=0, demo_signature=signature))
        else:
            conn.execute(
                update(DataState).where(DataState.id == 1).values(demo_signature=signature)
            )
        summary = _summary(conn)

    # Imported here: the rollups are the last step of a load, not a dependency of it.
    from .rollups import refresh_rollups

    if progress:
        print("demo: refreshing rollups ...", file=sys.stderr)
    refresh_rollups(engine)
    return {
        "skipped": False,
        "signature": signature,
        **summary,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _delete_demo(conn: Connection) -> None:
    """Remove a previous demo's centers, grids, cases and events (regions stay)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("TRUNCATE case_events, cases, grids, centers")
        return
    for table in (CaseEvent, Case, Grid, Center):
        conn.execute(delete(table))


def _expected_cases(structure: Structure, scale: float, until: datetime) -> int:
    """For the progress bar: cases to generate (the current year pro rata)."""
    total = 0.0
    for code in structure.district_codes:
        for year in range(FIRST_YEAR, until.year + 1):
            accepted = int(kind_counts(code, year, scale).sum())
            extras = round_half_up(REJECTED_SHARE * accepted) + round_half_up(VOID_SHARE * accepted)
            share = 1.0 if year < until.year else until.timetuple().tm_yday / 365
            total += (accepted + extras) * share
    return int(total)


def _load_demo_rows(
    conn: Connection, seed: int, scale: float, until: datetime, progress: bool
) -> None:
    structure = build_structure(seed)
    bulk_insert(
        conn, Center, ("id", "name", "level", "region_code", "staff_count"), structure.center_rows
    )
    bulk_insert(conn, Grid, ("code", "village_code", "name", "member_count"), structure.grid_rows)
    calendar = WorkCalendar(date(FIRST_YEAR, 1, 1), date(until.year + 1, 3, 31))
    context = Context(
        seed=seed,
        scale=scale,
        until_s=_epoch_seconds(until),
        structure=structure,
        calendar=calendar,
        hash_key=get_settings().petitioner_hash_key.encode(),
    )
    chunks = [
        (d, year)
        for d in range(len(structure.district_codes))
        for year in range(FIRST_YEAR, until.year + 1)
    ]
    next_case_id, next_event_id = 1, 1
    with tqdm(
        total=_expected_cases(structure, scale, until),
        unit="case",
        unit_scale=True,
        desc="demo cases",
        disable=not progress,
    ) as bar:
        for district_index, year in chunks:
            chunk = generate_chunk(context, district_index, year, next_case_id, next_event_id)
            bulk_insert(conn, Case, CASE_COLUMNS, chunk.case_rows)
            bulk_insert(conn, CaseEvent, EVENT_COLUMNS, chunk.event_rows)
            next_case_id += chunk.cases
            next_event_id += chunk.events
            bar.update(chunk.cases)
            bar.set_postfix(events=next_event_id - 1)
        bar.total = bar.n  # the estimate for the current year was approximate
