"""Every metric of METRICS.md, computed in the database.

Each public function takes an engine (or connection), a region code, a period and
`as_of`, and returns plain data. Aggregation runs in SQL: large scopes read the
rollup tables where they answer the question exactly (whole months; `as_of` at a
month end or past the data horizon). Without a filter but the kind, a township,
district or the city reads the partial edge months from the day rows and the
closures of as_of's own month from the closing-day rows (`_closing_parts`). The rest
reads the cases table through its indexes: a partial edge month, or its complement
when the rollups give the whole month (the sums are additive), and the closures of
as_of's own month before or after as_of, whichever is shorter (see `_plan`).
`use_rollups=False` forces the straight path (tests and benchmarks compare the two).
"""

from __future__ import annotations

import calendar
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import astuple, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)

from .measures import (
    CLOSED_MEASURES,
    MEASURES,
    accepted_population,
    closed_by,
    closed_conditions,
    count_if,
    is_repeat_petition,
)
from .models import (
    ALL_KINDS,
    KINDS,
    LATE_OR_OPEN,
    SOURCES,
    WARNING_LEVELS,
    Case,
    RollupCohort,
    RollupOpen,
    RollupRepeat,
)
from .reference import Reference, load_reference
from .regions import Scope, UnknownRegion
from .rollups import CLOSING, COHORT_COUNTS, DAY, State, read_state
from .settings import COUNT_TARGETS, get_settings
from .shared_reads import SharedReads
from .sqlfuncs import day_start, month_start

GROUPS = ("child", "center", "source", "category", "level", "month")
RATE_KEYS = (
    "closure_rate",
    "resolution_rate",
    "mediation_success_rate",
    "on_time_rate",
    "satisfaction_rate",
    "rating_participation",
    "petition_closure_rate",
    "repeat_petition_rate",
    "village_contained_rate",
    "township_contained_rate",
)
COUNT_KEYS = (
    "accepted",
    "closed",
    "resolved",
    "on_time",
    "rated",
    "satisfied",
    "petitions",
    "petitions_closed",
    "repeat_petitions",
    "village_contained",
    "township_contained",
)
END_OF_DAY = time(23, 59, 59)
_DIM_OF_FILTER = {"source": "source", "warning_level": "level", "category": "category"}
_CASE_COLUMN_OF_DIM = {
    "source": Case.source,
    "level": Case.warning_level,
    "category": Case.category,
    "center": Case.center_id,
}

__all__ = [
    "GROUPS",
    "UnknownRegion",
    "kpis",
    "kpis_mixes",
    "kpis_snapshot",
    "breakdown",
    "compare",
    "ranking",
    "status_for",
    "derive",
    "Query",
]


# --------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Query:
    """One question: a scope, a cohort window and the moment it is observed at."""

    scope: Scope
    date_from: date
    date_to: date
    as_of: datetime
    kind: str | None = None
    source: str | None = None
    warning_level: str | None = None
    category: str | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min)

    @property
    def end(self) -> datetime:
        """Last accepted_at in the cohort: the period end, but nothing after as_of."""
        return min(datetime.combine(self.date_to, END_OF_DAY), self.as_of)

    @property
    def dims(self) -> dict[str, str]:
        """Active filters that are a rollup dimension, as {dim: value}."""
        return {
            _DIM_OF_FILTER[name]: value
            for name in _DIM_OF_FILTER
            if (value := getattr(self, name)) is not None
        }


def to_as_of(value: datetime | date | str | None) -> datetime | None:
    """A date D means D 23:59:59; datetimes are truncated to the second."""
    if value is None:
        return None
    if isinstance(value, str):
        value = (
            datetime.fromisoformat(value)
            if ("T" in value or " " in value)
            else date.fromisoformat(value)
        )
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    return datetime.combine(value, END_OF_DAY)


def _check_filter(name: str, value: str | None, allowed: Iterable[str] | None) -> None:
    if value is not None and allowed is not None and value not in allowed:
        raise ValueError(f"unknown {name} {value!r} (expected one of: {', '.join(allowed)})")


def make_query(
    ref: Reference,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    now: datetime | None = None,
) -> Query:
    if date_from > date_to:
        raise ValueError(f"the period starts ({date_from}) after it ends ({date_to})")
    _check_filter("kind", kind, KINDS)
    _check_filter("source", source, SOURCES)
    _check_filter("warning level", warning_level, WARNING_LEVELS)
    scope = ref.regions.scope(region)
    resolved_as_of = observed_at(date_to, as_of, now)
    return Query(scope, date_from, date_to, resolved_as_of, kind, source, warning_level, category)


def observed_at(
    date_to: date, as_of: datetime | date | None = None, now: datetime | None = None
) -> datetime:
    """The moment a question is observed at: `as_of` as given (a date D = D 23:59:59),
    else the period's end, or `now` while the period has not ended."""
    now = (now or datetime.now()).replace(microsecond=0)
    period_end = datetime.combine(date_to, END_OF_DAY)
    return to_as_of(as_of) or (period_end if period_end <= now else now)


def resolve_query(
    conn: Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    now: datetime | None = None,
) -> tuple[State | None, Reference, Query]:
    """The data state, the reference data and the validated question: the first step
    of every public data function."""
    state = read_state(conn)
    ref = load_reference(conn, state)
    q = make_query(
        ref, region, date_from, date_to, as_of, kind=kind, source=source,
        warning_level=warning_level, category=category, now=now,
    )  # fmt: skip
    return state, ref, q


# --------------------------------------------------------------------- months
def _month_first(day: date) -> date:
    return day.replace(day=1)


def _month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _is_month_end(moment: datetime) -> bool:
    return moment.time() == END_OF_DAY and moment.date() == _month_last(moment.date())


Window = tuple[datetime, datetime]  # inclusive bounds
Days = tuple[date, date]  # first and last day, inclusive
Mixes = dict[str, dict[str, int]]  # dimension -> value -> accepted cases


@dataclass(frozen=True)
class Plan:
    """How a cohort question is split: whole months from the rollups' month (and year)
    rows, the partial edge months from their day rows where those hold the question,
    else from the cases table.

    Read from the cases table, an edge month whose partial part is the larger part of
    it is read whole from the rollups, less its complement from the cases table (the
    sums are additive), so no window read from the cases table is longer than half a
    month."""

    rollup_months: tuple[date, date] | None  # first days of the first and last month
    straight: tuple[Window, ...]  # accepted_at windows added
    # as_of inside a month (before the data horizon): early in the month, the rollups
    # count as closed what closed before that month and the closures from the month's
    # first moment to as_of (`closing`, a closed_at window) are added; late in it, the
    # rollups count the whole month's closures and those after as_of (`closing_minus`)
    # are taken off. Either way of the cases accepted in what the rollups give.
    closing: Window | None = None
    # accepted_at windows taken off: the complements of edge months read whole.
    minus: tuple[Window, ...] = ()
    closing_minus: Window | None = None
    # Days of acceptance (first, last) read from the day rows: the edge months' parts.
    days: tuple[tuple[date, date], ...] = ()

    @property
    def from_rollups(self) -> bool:
        return self.rollup_months is not None or bool(self.days)

    @property
    def rollup_accepted(self) -> Window:
        """The acceptance window the rollup rows answer (months and days side by side)."""
        first = [datetime.combine(day, time.min) for day, _ in self.days]
        last = [datetime.combine(day, END_OF_DAY) for _, day in self.days]
        if self.rollup_months is not None:
            first.append(datetime.combine(self.rollup_months[0], time.min))
            last.append(datetime.combine(_month_last(self.rollup_months[1]), END_OF_DAY))
        return min(first), max(last)


def _month_window(month: date) -> Window:
    return datetime.combine(month, time.min), datetime.combine(_month_last(month), END_OF_DAY)


def _seconds(window: Window) -> int:
    return int((window[1] - window[0]).total_seconds()) + 1


def _complement(month: date, part: Window) -> list[Window]:
    """The parts of `month` outside the window `part` (which lies inside it)."""
    low, high = _month_window(month)
    out = []
    if part[0] > low:
        out.append((low, part[0] - timedelta(seconds=1)))
    if part[1] < high:
        out.append((part[1] + timedelta(seconds=1), high))
    return out


def _plan(q: Query, state: State | None, use_rollups: bool | None, group: str | None) -> Plan:
    whole = ((q.start, q.end),)
    if use_rollups is False or state is None or state.max_event_at is None:
        return Plan(None, whole)
    if not _rollups_answer(q, group):
        return Plan(None, whole)
    start, end = q.start, q.end
    if end < start:
        return Plan(None, ())
    first = _month_first(start.date()) if start.day == 1 else _next_month(start.date())
    # The last month counts as whole when the period reaches its end, or when no case
    # was accepted after the period's end (the data stops inside it).
    end_is_whole = _is_month_end(end) or (
        state.max_accepted_at is not None and end >= state.max_accepted_at
    )
    last = _month_first(end.date())
    if not end_is_whole:
        last = _month_first(last - timedelta(days=1))
    # The partial edge months and their part in the cohort (one, if both edges fall
    # in the same month).
    edges: dict[date, Window] = {}
    if first > _month_first(start.date()):
        month = _month_first(start.date())
        edges[month] = (start, min(end, _month_window(month)[1]))
    if not end_is_whole:
        month = _month_first(end.date())
        edges[month] = (max(start, _month_window(month)[0]), end)
    straight, minus, days = [], [], []
    months = (first, last) if first <= last else None
    by_day = _days_answer(q, group, state)
    for month, part in sorted(edges.items()):
        if by_day:
            # Whole days from the day rows; a day cut short by as_of, with cases
            # accepted later that day, from the cases table (a few hours).
            low, high = part
            last_day = high.date()
            if high.time() != END_OF_DAY and high < (state.max_accepted_at or high):
                last_day -= timedelta(days=1)
                straight.append((datetime.combine(high.date(), time.min), high))
            if last_day >= low.date():
                days.append((low.date(), last_day))
            continue
        complement = _complement(month, part)
        # A month row exists for every month of the horizon (none outside it: no case
        # was accepted then, and the straight window is empty).
        in_horizon = (
            state.rollup_first_month is not None
            and state.rollup_last_month is not None
            and state.rollup_first_month <= month <= state.rollup_last_month
        )
        if in_horizon and sum(map(_seconds, complement)) < _seconds(part):
            minus.extend(complement)
            low, high = months or (month, month)
            months = (min(low, month), max(high, month))
        else:
            straight.append(part)
    if months is None and not days:
        return Plan(None, whole)
    if q.scope.level == "village" and group == "child":
        years = _full_years(months, q.as_of)
        if not years or months != (date(years[0], 1, 1), date(years[-1], 12, 1)):
            return Plan(None, whole)
    # "Closed by as_of" reads the closing month: exact at a month end, or when as_of is
    # past every closure in the data; otherwise the closures of as_of's month before
    # as_of (early in the month) or after it (late in it) come from the cases table.
    closing = closing_minus = None
    if not (_is_month_end(q.as_of) or q.as_of >= state.max_event_at):
        low, high = _month_window(_month_first(q.as_of.date()))
        before, after = (low, q.as_of), (q.as_of + timedelta(seconds=1), high)
        if _seconds(after) < _seconds(before):
            closing_minus = after
        else:
            closing = before
    return Plan(months, tuple(straight), closing, tuple(minus), closing_minus, tuple(days))


def _days_answer(q: Query, group: str | None, state: State) -> bool:
    """Whether the day rows (and closing-day rows) hold this scope, filter and
    grouping: built with the rollups (State.day_rows), they exist for every township,
    district and the city (dim 'all': no filter but the kind), so a region's children
    have them down to a district's townships."""
    if not state.day_rows or q.dims or group not in (None, "month", "child"):
        return False
    levels = ("city", "district") if group == "child" else ("city", "district", "township")
    return q.scope.level in levels


def _rollups_answer(q: Query, group: str | None) -> bool:
    """Whether the rollup rows hold this scope, filter and grouping."""
    level = q.scope.level
    if level == "grid":
        return False
    dims = set(q.dims)
    if group in ("source", "category", "level", "center"):
        dims.add(group)
    if len(dims) > 1:
        return False
    if level == "village":
        # Village rows carry no breakdown dimension. A village's children are grids,
        # which have year rows only (see _plan).
        return not dims and group in (None, "month", "child")
    if group == "child":
        return not dims or (level != "township")
    return True


# --------------------------------------------------------------------- cohort sums
Sums = dict[str, int]
GroupedSums = dict[Any, Sums]  # group key -> measure sums


def _empty_sums() -> Sums:
    return dict.fromkeys(MEASURES, 0)


def _add(into: GroupedSums, key: Any, values: Iterable[int | None]) -> None:
    """Add one row of measure values, given in MEASURES order, to the group `key`.

    Rows are read as plain tuples: looking values up by name on ~1000 result rows
    (every center of a city) cost more than the query itself."""
    sums = into.get(key)
    if sums is None:
        # Every measure is a NOT NULL count or a COALESCEd sum: never None here.
        into[key] = dict(zip(MEASURES, map(int, values), strict=True))
        return
    for name, value in zip(MEASURES, values, strict=True):
        sums[name] += int(value)


def _case_scope(scope: Scope, *, time_first: bool = False, table: Any = Case):
    """The scope on the cases table (or another with its village_code and grid_code)."""
    if scope.level == "grid":
        return table.grid_code == scope.code
    if scope.level == "village":
        return table.village_code == scope.code
    low, high = scope.village_range
    # `|| ''` keeps SQLite's planner off the village index, which it prefers for any
    # range of villages: for a city that is a scan of every case.
    village = table.village_code.concat("") if time_first else table.village_code
    return village.between(low, high)


# A window of the cases table this short is read through its time index, not the
# village index (see _time_first): half a month, the longest edge window of a Plan.
SHORT_WINDOW = timedelta(days=16)


def _time_first(conn: Connection, window: Window | None = None) -> bool:
    """Whether a query of a short window (at most half a month: an edge month's part,
    a period inside one day or a few, or the closures of part of as_of's month; given
    as `window`, or known to be short) must steer the planner to the accepted_at or
    closed_at index: SQLite's, which has no statistics on ranges, takes the village
    index for a range scope, which for a city is a scan of every case (seen: 1.9 s at
    10M cases for the 13 hours of a month's first day, 20 ms through accepted_at)."""
    if conn.dialect.name != "sqlite":
        return False
    return window is None or window[1] - window[0] <= SHORT_WINDOW


def _case_filters(q: Query, *, time_first: bool = False) -> list:
    """The scope and filters on the cases table (`time_first`: see _time_first)."""
    conditions = [accepted_population(), _case_scope(q.scope, time_first=time_first)]
    if q.kind:
        conditions.append(Case.kind == q.kind)
    return conditions + _dimension_filters(q)


def _dimension_filters(q: Query, table: Any = Case) -> list:
    """The source, warning level and category filters on the cases table (or
    rollup_repeat, which has those columns)."""
    return [
        getattr(table, name) == value
        for name in ("source", "warning_level", "category")
        if (value := getattr(q, name))
    ]


def _case_group_key(q: Query, group: str | None, table: Any = Case):
    """The group key on the cases table (or rollup_repeat, which has its columns but
    the center's)."""
    if group is None:
        return literal("")
    if group == "month":
        return month_start(table.accepted_at)
    if group == "child":
        digits = {"city": 6, "district": 9, "township": 12}.get(q.scope.level)
        if digits is None:  # a village's children are its grids
            return func.coalesce(table.grid_code, "")
        return func.substr(table.village_code, 1, digits)
    return getattr(table, _CASE_COLUMN_OF_DIM[group].key)


# How a read of the cases table counts the repeat petitions (METRICS.md):
# SEARCH: each petition's earlier one is looked for among all the cases (the
# definition itself: measures.is_repeat_petition); STORED: its id is looked up in
# rollup_repeat (built with the rollups, so current whenever they are); APART:
# rollup_repeat's rows of the window are counted by the same keys in a read of their
# own, and the cases' read tests nothing per row (see `_repeats_read`).
SEARCH, STORED, APART = "search", "stored", "apart"


def _cohort_straight(
    conn: Connection,
    q: Query,
    group: str | None,
    window: Window,
    *,
    repeats: str = SEARCH,
    state: State | None = None,
) -> GroupedSums:
    """Measure sums straight from the cases table. `group="mix"` groups by
    (warning level, source, category) at once, so kpis needs one scan, not four.
    A short window is read by time (see `_time_first`); `repeats`: how the repeat
    petitions are counted (see `_repeats_read`). With the rollups' `state`, a window
    inside one month is read once for every grouping (see `_window_rows`)."""
    if _shares_window(q, group, window, state):
        return _collapse(group, window, _window_rows(conn, q, window, repeats, state))
    out: GroupedSums = {}
    width = 3 if group == "mix" else 1
    rows = conn.execute(_cohort_query(conn, q, _cohort_keys(q, group), window, repeats)).all()
    if repeats == APART:
        rows = _with_repeats(
            rows, _repeat_rows(conn, q, _cohort_keys(q, group, RollupRepeat), window)
        )
    for row in rows:
        key = tuple(row[:width]) if group == "mix" else _normalize_key(group, row[0])
        _add(out, key, row[width:])
    return out


def _cohort_keys(q: Query, group: str | None, table: Any = Case) -> list:
    """The keys `_cohort_straight` groups by: `group="mix"` by (warning level, source,
    category)."""
    if group == "mix":
        return [table.warning_level, table.source, table.category]
    return [_case_group_key(q, group, table)]


def _cohort_query(conn: Connection, q: Query, keys: list, window: Window, repeats: str):
    """SELECT keys, count, the measures … FROM cases WHERE the cohort window, GROUP BY
    keys (repeat_petitions 0 if `repeats` is APART: `_repeat_rows` counts them)."""
    closed = closed_by(q.as_of)
    conditions = closed_conditions(closed)
    petition = Case.kind == "petition"
    if repeats == APART:
        repeat_count = literal(0)
    elif repeats == STORED:
        repeat_count = count_if(and_(petition, exists().where(RollupRepeat.case_id == Case.id)))
    else:
        repeat_count = count_if(is_repeat_petition())
    return (
        select(
            *(key.label(f"key{i}") for i, key in enumerate(keys)),
            func.count().label("cases"),
            *(count_if(conditions[m]).label(m) for m in CLOSED_MEASURES),
            repeat_count.label("repeat_petitions"),
            count_if(petition).label("petitions"),
            count_if(and_(petition, closed)).label("petitions_closed"),
        )
        .where(
            *_case_filters(q, time_first=_time_first(conn, window)),
            Case.accepted_at.between(*window),
        )
        .group_by(*keys)
    )


REPEATS_AT = MEASURES.index("repeat_petitions")


def _repeat_rows(conn: Connection, q: Query, keys: list, window: Window) -> list[tuple]:
    """(*keys, count) of the repeat petitions accepted in `window` under the scope and
    filters, from rollup_repeat (keys on its columns: `_cohort_keys(..., RollupRepeat)`)."""
    if q.kind and q.kind != "petition":
        return []
    r = RollupRepeat
    conditions = [
        _case_scope(q.scope, table=r),
        *_dimension_filters(q, r),
        r.accepted_at.between(*window),
    ]
    labeled = [key.label(f"key{i}") for i, key in enumerate(keys)]
    return list(conn.execute(select(*labeled, func.count()).where(*conditions).group_by(*keys)))


def _with_repeats(rows, repeat_rows: list[tuple]) -> list[tuple]:
    """The cohort rows (keys, count, MEASURES…) with their repeat petitions set from
    `repeat_rows` (keys, count). A key found only there (a case gone from the cases
    table since the refresh) gets a row of its own, as a stored count would."""
    width = len(repeat_rows[0]) - 1 if repeat_rows else 0
    counts = {tuple(row[:width]): int(row[width]) for row in repeat_rows}
    out = []
    for row in rows:
        row = list(row)
        keys = tuple(row[: len(row) - len(MEASURES)])
        row[len(keys) + REPEATS_AT] = counts.pop(keys, 0)
        out.append(tuple(row))
    for keys, count in counts.items():
        values = [0] * len(MEASURES)
        values[REPEATS_AT] = count
        out.append((*keys, *values))
    return out


# ------------------------------------------------------- windows read once for all
# A page with custom dates asks for the same partial edge month once per grouping
# (its totals, its children and the month of its trend) and again for its
# comparisons (the 同比 trend ends where the 同比 period does, the ranking's earlier
# period is the 环比): at 10M cases each read takes 90-170 ms. The first read of such
# a window groups by child (as fast as one group); the others add up its rows.
FINE_GROUPS = frozenset({None, "child", "month"})
# A read of one window for one filter set: a row per child (a village's grids: a few
# hundred), a few KB; a page with custom dates reads about 8, 64 hold several pages.
WINDOW_READS = SharedReads(size=64)


def _shares_window(q: Query, group: str | None, window: Window, state: State | None) -> bool:
    """Whether this read goes through `_window_rows`: a window inside one calendar
    month (every edge window of a Plan), a grouping its rows hold, and the rollups'
    state to key it by (their refresh follows every change of the cases table)."""
    return (
        _keyed(state)
        and group in FINE_GROUPS
        and (window[0].year, window[0].month) == (window[1].year, window[1].month)
    )


def _keyed(state: State | None) -> bool:
    """Whether reads can be shared under this state: rollups built (refreshed)."""
    return state is not None and state.refreshed_at is not None


def _window_rows(
    conn: Connection, q: Query, window: Window, repeats: str, state: State
) -> tuple[tuple, ...]:
    """(child, *MEASURES) rows of the cohort cases accepted in `window`, seen at
    q.as_of; read once per process and data version for every grouping and thread
    that asks for it (WINDOW_READS)."""

    def read() -> tuple[tuple, ...]:
        rows = conn.execute(_cohort_query(conn, q, _fine_keys(q), window, repeats)).all()
        if repeats == APART:
            rows = _with_repeats(rows, _repeat_rows(conn, q, _fine_keys(q, RollupRepeat), window))
        return _fine_rows(rows)

    # What the rows depend on besides the scope and filters: not the period (the
    # window is given), but as_of (what counts as closed).
    return _shared_rows(conn, q, state, ("cohort", q.as_of, window, repeats), read)


def _shared_rows(
    conn: Connection, q: Query, state: State, detail: tuple, read: Callable[[], tuple[tuple, ...]]
) -> tuple[tuple, ...]:
    """The rows `read()` gives, read once per process for this database, data
    version, scope, filters and `detail` (what else they depend on), whichever thread
    asks first (WINDOW_READS)."""
    key = (
        conn.engine.url.render_as_string(hide_password=True),
        astuple(state),
        q.scope.code,
        (q.kind, q.source, q.warning_level, q.category),
        *detail,
    )
    return WINDOW_READS.get(key, read)


def _fine_rows(result) -> tuple[tuple, ...]:
    """Compact rows to keep: the child key interned, the measures as ints."""
    return tuple((sys.intern(str(row[0])), *map(int, row[1:])) for row in result)


def _fine_keys(q: Query, table: Any = Case) -> list:
    """The child: the totals, the children and the month of a window add up rows keyed
    so (a grid has no children). Grouping by the mixes' dimensions as well would make
    rows of every combination, and the read twice as slow (4,218 rows for a city's
    half month at 10M cases, against 10): the mixes keep their own read of counts."""
    return [_case_group_key(q, "child", table) if q.scope.level != "grid" else literal("")]


def _collapse(group: str | None, window: Window, rows: tuple[tuple, ...]) -> GroupedSums:
    """`_window_rows` added up by `group` (the keys `_cohort_straight` gives)."""
    if group == "child":
        return {child: dict(zip(MEASURES, values, strict=True)) for child, *values in rows}
    key = _normalize_key("month", window[0].date()) if group == "month" else ""
    out: GroupedSums = {}
    for _child, *values in rows:
        _add(out, key, values)
    return out


def _repeats_read(
    conn: Connection, q: Query, group: str | None, state: State | None, use_rollups: bool | None
) -> str:
    """How the cases-table reads count the repeat petitions (SEARCH, STORED, APART).

    With the rollups built (rollup_repeat is current whenever they are), a range of
    villages (a city, district or township) counts them APART: looking for each
    petition's earlier one among all the cases was half of such a read's time (at 10M
    cases, a city's half month on PostgreSQL: 137 ms against 63 ms, and 3 ms for
    rollup_repeat's rows). A village's or grid's few petitions are looked up one by
    one instead (rollup_repeat is read by time: a village's year would read the whole
    city's), and so are those of a grouping by center (rollup_repeat has no center):
    STORED on SQLite, a primary-key probe each (there every index holds the case id);
    SEARCH on PostgreSQL, whose covering indexes don't hold it. Without the rollups
    (or use_rollups=False), SEARCH: METRICS.md's definition itself."""
    if use_rollups is False or state is None or state.max_event_at is None:
        return SEARCH
    if q.scope.level in ("city", "district", "township") and group != "center":
        return APART
    return STORED if conn.dialect.name == "sqlite" else SEARCH


def _rollup_region_filter(table, q: Query, group: str | None, dialect: str) -> list:
    scope = q.scope
    # A range of regions is read through the period-first index. SQLite's planner
    # can't tell the two indexes apart and may walk every period of the range instead;
    # `region_code || ''` keeps it off the region-first one.
    region = table.c.region_code.concat("") if dialect == "sqlite" else table.c.region_code
    if group == "child" and scope.level == "village":
        # Its grids' rows, and its cases without a grid under the village's own code
        # (which sorts first). Few rows: the region-first index suits.
        return [
            table.c.region_level == "grid",
            table.c.region_code.between(scope.code, scope.code + "999"),
        ]
    if group == "child":
        child_level = scope.child_level
        width = {"district": 6, "township": 9, "village": 12}[child_level]
        prefix = _prefix(scope)
        return [
            table.c.region_level == child_level,
            region.between(prefix.ljust(width, "0"), prefix.ljust(width, "9")),
        ]
    if group == "center" and scope.level != "township":
        prefix = _prefix(scope)
        return [
            table.c.region_level == "township",
            region.between(prefix.ljust(9, "0"), prefix.ljust(9, "9")),
        ]
    if group == "center":
        return [table.c.region_level == "township", table.c.region_code == scope.code]
    return [table.c.region_level == scope.level, table.c.region_code == scope.code]


def _prefix(scope: Scope) -> str:
    return {"city": scope.code[:4], "district": scope.code[:6], "township": scope.code[:9]}.get(
        scope.level, scope.code
    )


def _rollup_dim(q: Query, group: str | None) -> tuple[str, str | None]:
    """(dim, value filter or None) to read, given filters and grouping."""
    if group in ("source", "category", "level", "center"):
        return group, q.dims.get(group)
    if q.dims:
        ((dim, value),) = q.dims.items()
        return dim, value
    return "all", None


def _cohort_rollup(
    conn: Connection,
    q: Query,
    group: str | None,
    months: tuple[date, date] | None,
    state: State,
    *,
    inside_month: bool = False,
    days: tuple[tuple[date, date], ...] = (),
) -> GroupedSums:
    """Sums of the rollup rows: month and year rows over `months`, day rows over
    `days` (see Plan)."""
    r = RollupCohort.__table__
    # Closed by as_of <=> closing month at or before as_of's month (as_of is a month
    # end, or past every closure); with as_of inside its month, closing month before
    # it (the closures of as_of's month up to as_of are added: see _rollup_parts).
    as_of_month = _month_first(q.as_of.date())
    closed_month = _month_first(as_of_month - timedelta(days=1)) if inside_month else as_of_month
    # (A NULL close_month compares as NULL, which CASE takes as false: no IS NOT NULL
    # test needed, one comparison per measure instead of two.)
    closed = r.c.close_month <= closed_month

    def closed_sum(column):
        return func.coalesce(func.sum(case((closed, column), else_=0)), 0)

    key, base = _rollup_key_and_base(conn, q, group)

    # Month rows: one row per closing month, summed where closed by as_of. Year rows are
    # cumulative: the one row per group valid at that month, summed as stored.
    by_grain = {
        "M": [
            func.sum(r.c.cases),
            *(closed_sum(r.c[m]) for m in CLOSED_MEASURES),
            func.sum(r.c.repeat_petitions),
            func.sum(r.c.petitions),
            closed_sum(r.c.petitions_closed),
        ],
        "Y": [func.sum(r.c[m]) for m in MEASURES],
    }
    # Day rows: one row per closing month too.
    by_grain[DAY] = by_grain["M"]
    valid = _year_row_valid(r, closed_month)
    period = None
    if group == "child" and q.scope.level == "village" and conn.dialect.name == "sqlite":
        # A village's grids lie side by side in the region-first index; SQLite would
        # take the period-first one and walk the periods of every grid of the city.
        period = r.c.period_start.op("||")(literal(""))
    selections = (
        []
        if months is None
        else _period_selections(r, months, q.as_of, by_month=group == "month", period=period)
    )
    selections += [(DAY, r.c.period_start.between(*span)) for span in days]
    out: GroupedSums = {}
    for grain, period_cond in selections:
        query = (
            select(key.label("key"), *by_grain[grain])
            .where(r.c.grain == grain, *base, period_cond, *(valid if grain == "Y" else ()))
            .group_by(key)
        )
        for key_value, *values in conn.execute(query):
            _add(out, _normalize_key(group, key_value), values)
    return out


def _rollup_key_and_base(conn: Connection, q: Query, group: str | None) -> tuple[Any, list]:
    """The group key and the conditions (dimension, region, kind) of a read of
    rollup_cohort for this question."""
    r = RollupCohort.__table__
    dim, dim_value = _rollup_dim(q, group)
    if group is None:
        key = literal("")
    elif group == "month":
        key = r.c.period_start
    elif group == "child" and q.scope.level == "village":
        # The village's own code holds its cases without a grid: the row keyed "".
        key = case((r.c.region_code == q.scope.code, literal("")), else_=r.c.region_code)
    elif group == "child":
        key = r.c.region_code
    else:
        key = r.c.dim_value
    base = [r.c.dim == dim, *_rollup_region_filter(r, q, group, conn.dialect.name)]
    if dim_value is not None:
        base.append(r.c.dim_value == dim_value)
    base.append(r.c.kind == (q.kind or ALL_KINDS))
    return key, base


def _closing_rollup(
    conn: Connection,
    q: Query,
    group: str | None,
    accepted_months: tuple[date, date],
    closing_days: tuple[date, date],
) -> GroupedSums:
    """The closed-case measures of the cases accepted in `accepted_months` (first days
    of the first and last) and closed on `closing_days`, from the closing-day rows."""
    r = RollupCohort.__table__
    key, base = _rollup_key_and_base(conn, q, group)
    sums = {m: func.coalesce(func.sum(r.c[m]), 0) for m in (*CLOSED_MEASURES, "petitions_closed")}
    query = (
        select(key.label("key"), *(sums.get(m, literal(0)) for m in MEASURES))
        .where(
            r.c.grain == CLOSING,
            *base,
            r.c.period_start.between(*accepted_months),
            # (On closing-day rows close_month holds the day of closing.)
            r.c.close_month.between(*closing_days),
        )
        .group_by(key)
    )
    out: GroupedSums = {}
    for key_value, *values in conn.execute(query):
        _add(out, _normalize_key(group, key_value), values)
    return out


def _year_row_valid(r, month: date) -> list:
    """The year row of each group that answers as_of month `month` (models.RollupCohort)."""
    return [r.c.close_month <= month, or_(r.c.close_until > month, r.c.close_until.is_(None))]


def _period_selections(
    r, months: tuple[date, date], as_of: datetime, *, by_month: bool, period=None
) -> list[tuple[str, Any]]:
    """(grain, period condition) pairs covering the months: whole calendar years seen
    at or after their end from the year rows (unless grouping by month), the rest from
    month rows. (A year whose December is the data's last month may be whole before
    the year ends; its year row can't tell a December closure before as_of from one
    after.) `period`: the expression to compare, if not the period_start column."""
    period = r.c.period_start if period is None else period
    first, last = months
    if by_month:
        return [("M", period.between(first, last))]
    full_years = _full_years(months, as_of)
    if not full_years:
        return [("M", period.between(first, last))]
    selections = [("Y", period.between(date(full_years[0], 1, 1), date(full_years[-1], 1, 1)))]
    if first < date(full_years[0], 1, 1):
        selections.append(("M", period.between(first, date(full_years[0] - 1, 12, 1))))
    if last > date(full_years[-1], 12, 1):
        selections.append(("M", period.between(date(full_years[-1] + 1, 1, 1), last)))
    return selections


def _full_years(months: tuple[date, date], as_of: datetime) -> list[int]:
    """The calendar years wholly inside the months and ended by as_of (in order)."""
    first, last = months
    return [
        y
        for y in range(first.year, last.year + 1)
        if date(y, 1, 1) >= first
        and date(y, 12, 1) <= last
        and as_of >= datetime.combine(date(y, 12, 31), END_OF_DAY)
    ]


def _mix_rollup(
    conn: Connection, q: Query, months: tuple[date, date] | None, days: tuple[Days, ...] = ()
) -> Mixes:
    """Accepted cases by warning level, source and category in one read per grain
    (kpis' mixes: counts only, no filter on a dimension): the months' month and year
    rows, and the city's day rows of `days`."""
    r = RollupCohort.__table__
    mixes: Mixes = {"level": {}, "source": {}, "category": {}}
    selections = [] if months is None else _period_selections(r, months, q.as_of, by_month=False)
    selections += [(DAY, r.c.period_start.between(*span)) for span in days]
    for grain, period_cond in selections:
        query = (
            select(r.c.dim, r.c.dim_value, func.sum(r.c.cases))
            .where(
                r.c.grain == grain,
                r.c.dim.in_(tuple(mixes)),
                *_rollup_region_filter(r, q, None, conn.dialect.name),
                r.c.kind == (q.kind or ALL_KINDS),
                period_cond,
                # Every year row carries its group's cohort counts: read the first one.
                *((r.c.close_month == r.c.period_start,) if grain == "Y" else ()),
            )
            .group_by(r.c.dim, r.c.dim_value)
        )
        for dim, value, count in conn.execute(query):
            mixes[dim][value] = mixes[dim].get(value, 0) + int(count or 0)
    return mixes


def _mix_straight(conn: Connection, q: Query, window: Window) -> dict[tuple[str, str, str], int]:
    """Accepted cases by (warning level, source, category) from the cases table: counts
    only, for a scope whose totals came from the rollups (a short window is read by
    time: see _time_first)."""
    keys = (Case.warning_level, Case.source, Case.category)
    time_first = _time_first(conn, window)
    query = (
        select(*keys, func.count())
        .where(*_case_filters(q, time_first=time_first), Case.accepted_at.between(*window))
        .group_by(*keys)
    )
    return {(level, source, category): int(n) for level, source, category, n in conn.execute(query)}


def _add_mix(mixes: dict[str, dict[str, int]], key: tuple[str, str, str], count: int) -> None:
    for dim, value in zip(("level", "source", "category"), key, strict=True):
        mixes[dim][value] = mixes[dim].get(value, 0) + count


def _normalize_key(group: str | None, key: Any) -> Any:
    if group == "month":
        if isinstance(key, str):
            key = date.fromisoformat(key[:10])
        return f"{key.year:04d}-{key.month:02d}"
    if group == "center":
        return int(key)
    return key


Part = tuple[int, GroupedSums]  # (sign, sums): sums added (1) or taken off (-1)


def _rollup_parts(
    conn: Connection, q: Query, group: str | None, plan: Plan, state: State
) -> list[Part]:
    """Sums over the plan's rollup months and days: the rollup rows, the complements of
    the edge months read whole taken off, and the closures inside as_of's month added
    or taken off when as_of lies inside one."""
    rows = _cohort_rollup(
        conn, q, group, plan.rollup_months, state, inside_month=plan.closing is not None,
        days=plan.days,
    )  # fmt: skip
    parts: list[Part] = [(1, rows)]
    for window in plan.minus:
        sums = _cohort_straight(
            conn, q, group, window, repeats=_repeats_read(conn, q, group, state, True), state=state
        )
        parts.append((-1, sums))
    accepted = plan.rollup_accepted
    for closing, sign in ((plan.closing, 1), (plan.closing_minus, -1)):
        if closing is None:
            continue
        if _days_answer(q, group, state):
            closed = _closing_parts(conn, q, group, accepted, closing, state)
            parts.extend((sign * part_sign, sums) for part_sign, sums in closed)
        else:
            parts.append((sign, _cohort_closing(conn, q, group, accepted, closing, state)))
    return parts


def _closing_parts(
    conn: Connection, q: Query, group: str | None, accepted: Window, closing: Window, state: State
) -> list[Part]:
    """The closed-case measures of the cases accepted in `accepted` (whole days) that
    closed in `closing` (a part of as_of's month), for a question the day rows hold.

    The whole days of `closing` come from the closing-day rows, by month of
    acceptance; a month only partly accepted in `accepted` is corrected by its other
    days, or its own days are read instead, whichever costs less (`_corner`); a day of
    closing cut short by as_of comes from the cases table (`_cohort_closing`)."""
    parts: list[Part] = [
        (1, _cohort_closing(conn, q, group, accepted, cut, state)) for cut in _cut_days(closing)
    ]
    low, high = closing
    first_day = low.date() if low.time() == time.min else low.date() + timedelta(days=1)
    last_day = high.date() if high.time() == END_OF_DAY else high.date() - timedelta(days=1)
    if first_day > last_day:
        return parts
    closing_days = (first_day, last_day)
    whole_months: list[date] = []
    first, last = accepted[0].date(), accepted[1].date()
    month = _month_first(first)
    while month <= last:
        days_in = (max(first, month), min(last, _month_last(month)))
        days_out = [
            (low.date(), high.date()) for low, high in _complement(month, _day_window(days_in))
        ]
        cost_out = sum(_corner_cost(days, closing_days) for days in days_out)
        if not days_out or cost_out < _corner_cost(days_in, closing_days):
            whole_months.append(month)
            for days in days_out:
                parts.append((-1, _corner(conn, q, group, days, closing_days, state)))
        else:
            parts.append((1, _corner(conn, q, group, days_in, closing_days, state)))
        month = _next_month(month)
    if whole_months:
        # (Only the first and the last month may be left out: the rest is one range.)
        months = (whole_months[0], whole_months[-1])
        parts.append((1, _closing_rollup(conn, q, group, months, closing_days)))
    return parts


def _day_window(days: Days) -> Window:
    return datetime.combine(days[0], time.min), datetime.combine(days[1], END_OF_DAY)


def _cut_days(window: Window) -> list[Window]:
    """The parts of `window` on a day it covers only partly (one at each end at most)."""
    low, high = window
    cuts = []
    if low.time() != time.min:
        cuts.append((low, min(high, datetime.combine(low.date(), END_OF_DAY))))
    if high.time() != END_OF_DAY and (low.time() == time.min or high.date() > low.date()):
        cuts.append((datetime.combine(high.date(), time.min), high))
    return cuts


def _corner_in_day_rows(accepted_days: Days, closing_days: Days) -> bool:
    """Whether every case accepted on `accepted_days` that closed by the end of the
    closing days' month closed on those days: accepted in that month, no earlier than
    the closing days, which run to the month's end. The day rows then answer."""
    month = _month_first(closing_days[0])
    return (
        _month_first(accepted_days[0]) == month == _month_first(accepted_days[1])
        and accepted_days[0] >= closing_days[0]
        and closing_days[1] == _month_last(month)
    )


def _corner_cost(accepted_days: Days, closing_days: Days) -> int:
    """Days of the cases table `_corner` reads (0: none, the rollups answer)."""
    if accepted_days[0] > closing_days[1] or _corner_in_day_rows(accepted_days, closing_days):
        return 0
    return (accepted_days[1] - accepted_days[0]).days + 1


def _corner(
    conn: Connection,
    q: Query,
    group: str | None,
    accepted_days: Days,
    closing_days: Days,
    state: State,
) -> GroupedSums:
    """The closed-case measures of the cases accepted on `accepted_days` (inside one
    month) that closed on `closing_days` (inside as_of's month)."""
    if accepted_days[0] > closing_days[1]:  # accepted after them: none closed on them
        return {}
    if _corner_in_day_rows(accepted_days, closing_days):
        # Closed by the month's end is closed on the days: the day rows at as_of's month.
        sums = _cohort_rollup(conn, q, group, None, state, days=(accepted_days,))
        for values in sums.values():
            values.update(dict.fromkeys(COHORT_COUNTS, 0))
        return sums
    accepted, closing = _day_window(accepted_days), _day_window(closing_days)
    if not _keyed(state):
        return _cohort_closing(conn, q, group, accepted, closing)

    def read() -> tuple[tuple, ...]:
        query = _closing_query(conn, q, _fine_keys(q), closing, accepted)
        return _fine_rows(conn.execute(query))

    rows = _shared_rows(conn, q, state, ("corner", accepted_days, closing_days), read)
    return _collapse(group, accepted, rows)


def _cohort_closing(
    conn: Connection,
    q: Query,
    group: str | None,
    accepted: Window,
    closing: Window,
    state: State | None = None,
) -> GroupedSums:
    """The closed-case measures of the cohort cases accepted in `accepted` (whole
    days) that closed in `closing` (a part of as_of's month): what the rollup rows
    leave out, or count too many, when as_of lies inside a month. Cohort counts
    (cases, petitions, repeats) are 0 here. With the rollups' `state`, read once for
    every period and grouping that asks for this closing window (`_closing_rows`)."""
    if _keyed(state) and group in FINE_GROUPS:
        # Whole months of acceptance (the month rows' closures) are told apart by
        # month: far fewer rows to keep than by day.
        by_day = not (accepted[0].day == 1 and _is_month_end(accepted[1]))
        width = 10 if by_day else 7
        first, last = (moment.date().isoformat()[:width] for moment in accepted)
        out: GroupedSums = {}
        for child, accepted_in, *values in _closing_rows(conn, q, closing, state, by_day):
            if first <= accepted_in <= last:
                key = child if group == "child" else accepted_in[:7] if group == "month" else ""
                _add(out, key, values)
        return out
    keys = [_case_group_key(q, group)]
    out = {}
    for key_value, *values in conn.execute(_closing_query(conn, q, keys, closing, accepted)):
        _add(out, _normalize_key(group, key_value), values)
    return out


def _closing_query(
    conn: Connection, q: Query, keys: list, closing: Window, accepted: Window | None = None
):
    """SELECT keys, the closed-case measures … FROM cases WHERE closed in `closing`
    (and accepted in `accepted`, if given), GROUP BY keys."""
    conditions = closed_conditions(Case.closed_at.is_not(None))
    accepted_in = () if accepted is None else (Case.accepted_at.between(*accepted),)
    return (
        select(
            *keys,
            literal(0),
            *(count_if(conditions[m]) for m in CLOSED_MEASURES),
            literal(0),
            literal(0),
            count_if(Case.kind == "petition"),
        )
        .where(
            *_case_filters(q, time_first=_time_first(conn)),
            Case.closed_at.between(*closing),
            *accepted_in,
        )
        .group_by(*keys)
    )


def _closing_rows(
    conn: Connection, q: Query, closing: Window, state: State, by_day: bool
) -> tuple[tuple, ...]:
    """(child, month "YYYY-MM" or with `by_day` day "YYYY-MM-DD" of acceptance,
    *MEASURES) of the cases closed in `closing`, whenever accepted: one read per
    process and data version for every period that needs these closures (a period, its
    trend and the ranking share as_of, so its month; each takes its own months or days
    of acceptance; WINDOW_READS)."""

    def read() -> tuple[tuple, ...]:
        accepted_in = day_start(Case.accepted_at) if by_day else month_start(Case.accepted_at)
        width = 10 if by_day else 7
        return tuple(
            (sys.intern(str(child)), sys.intern(str(accepted)[:width]), *map(int, values))
            for child, accepted, *values in conn.execute(
                _closing_query(conn, q, [*_fine_keys(q), accepted_in], closing)
            )
        )

    return _shared_rows(conn, q, state, ("closing", closing, by_day), read)


def cohort_sums(
    conn: Connection, q: Query, group: str | None, state: State | None, use_rollups: bool | None
) -> GroupedSums:
    plan = _plan(q, state, use_rollups, group)
    parts: list[Part] = []
    if plan.from_rollups:
        parts.extend(_rollup_parts(conn, q, group, plan, state))
    for window in plan.straight:
        sums = _cohort_straight(
            conn,
            q,
            group,
            window,
            repeats=_repeats_read(conn, q, group, state, use_rollups),
            # use_rollups=False: the straight path as it was, nothing shared
            state=state if use_rollups is not False else None,
        )
        parts.append((1, sums))
    if len(parts) == 1:
        return parts[0][1]
    return _combine(parts)


def _combine(parts: list[Part]) -> GroupedSums:
    out: GroupedSums = {}
    for sign, part in parts:
        for key, sums in part.items():
            _add(out, key, (sign * value for value in sums.values()))
    # A group whose cases all lie in a complement taken off is not in the cohort (the
    # straight path would not list it).
    return {key: sums for key, sums in out.items() if any(sums.values())}


# --------------------------------------------------------------------- snapshot sums
SnapshotSums = dict[Any, dict[str, int]]  # group key -> {"open", "overdue_open"}


def snapshot_sums(
    conn: Connection,
    q: Query,
    group: str | None,
    state: State | None,
    use_rollups: bool | None,
    *,
    by_level: bool = False,
) -> SnapshotSums:
    """Open and overdue cases at as_of (whatever the period), grouped.

    `group="mix"` returns keys ("total", ""), ("level", level) and ("center", id) —
    what kpis shows — in as few reads as the path allows.
    """
    if group == "mix":
        if _snapshot_rollup_usable(q, None, state, use_rollups, by_level=True) and (
            _snapshot_rollup_usable(q, "center", state, use_rollups)
        ):
            # Every case has a warning level: the level rows add up to the total.
            out: SnapshotSums = {("total", ""): _zero()}
            base = _snapshot_base(q, state)
            for level, values in _snapshot_rollup(conn, q, None, True, state, base).items():
                out[("level", level)] = values
            for center, values in _snapshot_rollup(conn, q, "center", False, state, base).items():
                out[("center", center)] = values
            if base.changes_since is not None:
                for (level, center), change in _changes_by(
                    conn, q, state, base.changes_since, ("level", "center")
                ).items():
                    _add_change(out, ("level", level), change)
                    _add_change(out, ("center", int(center)), change)
                _drop_empty(out)
            for (kind, _), values in out.items():
                if kind == "level":
                    for name in ("open", "overdue_open"):
                        out[("total", "")][name] += values[name]
            return out
        return _snapshot_mix_straight(conn, q, state)
    if _snapshot_rollup_usable(q, group, state, use_rollups, by_level=by_level):
        return _snapshot_rollup(conn, q, group, by_level, state)
    return _snapshot_straight(conn, q, group, by_level, state)


def _snapshot_key(group: str | None, by_level: bool, key_value: Any) -> Any:
    """A snapshot row's group key: center ids as ints, anything else as read."""
    return _normalize_key("center" if group == "center" and not by_level else None, key_value)


def _zero() -> dict[str, int]:
    return {"open": 0, "overdue_open": 0}


def _snapshot_rollup_usable(
    q: Query,
    group: str | None,
    state: State | None,
    use_rollups: bool | None,
    *,
    by_level: bool = False,
) -> bool:
    if use_rollups is False or state is None or state.max_event_at is None:
        return False
    dims = set(q.dims)
    if group in ("source", "category", "level", "center"):
        dims.add(group)
    if by_level:
        dims.add("level")
    inside_month = not _is_month_end(q.as_of) and q.as_of < state.max_event_at
    return (
        # Any moment: a month end's snapshot is read, that of the month end before
        # as_of plus what changed since, or the horizon's (see _snapshot_base); but a
        # village's few cases are read faster straight through its own index than a
        # month of the whole city's by time (measured at 10M cases: 30 ms against 48).
        state.rollup_first_month is not None
        and not (inside_month and q.scope.level == "village")
        and len(dims) <= 1
        and q.scope.level != "grid"
        and (q.scope.level != "village" or (not dims and group is None))
        and not (group == "child" and q.scope.level == "township" and dims)
    )


def _open_conditions(q: Query, state: State | None) -> list:
    conditions = _case_filters(q)
    if state is not None and state.max_event_at is not None and q.as_of >= state.max_event_at:
        # Past every recorded event, "open" is simply "not closed": the small partial
        # index of open cases answers it.
        conditions.append(Case.closed_at.is_(None))
    else:
        conditions += [
            Case.accepted_at <= q.as_of,
            or_(Case.closed_at.is_(None), Case.closed_at > q.as_of),
        ]
    return conditions


def _snapshot_mix_straight(conn: Connection, q: Query, state: State | None) -> SnapshotSums:
    query = (
        select(
            Case.warning_level, Case.center_id, func.count(), count_if(Case.deadline_at < q.as_of)
        )
        .where(*_open_conditions(q, state))
        .group_by(Case.warning_level, Case.center_id)
    )
    out: SnapshotSums = {("total", ""): _zero()}
    for level, center, open_count, overdue in conn.execute(query):
        for key in (("total", ""), ("level", level), ("center", int(center))):
            values = out.setdefault(key, _zero())
            values["open"] += int(open_count)
            values["overdue_open"] += int(overdue)
    return out


@dataclass(frozen=True)
class SnapshotBase:
    """Where a snapshot at as_of starts: the stored snapshot of `month`'s end, then
    (before the data horizon, as_of inside a month) the cases table's changes from that
    month end to as_of (`changes_since`: the month end before as_of, or after it)."""

    month: date
    changes_since: datetime | None = None
    after_horizon: bool = False


def _snapshot_base(q: Query, state: State) -> SnapshotBase:
    if q.as_of >= state.max_event_at:
        # After the data horizon nothing opens or closes any more: the open cases are
        # those open at the end of the horizon's month; only "overdue" moves on.
        return SnapshotBase(state.rollup_last_month, after_horizon=True)
    month = _month_first(q.as_of.date())
    if _is_month_end(q.as_of):
        return SnapshotBase(month)
    # Inside a month: the nearer month end, the one before or as_of's own, plus at most
    # half a month of changes (read through the time indexes, not a scan of every case
    # ever accepted).
    previous = _month_first(month - timedelta(days=1))
    before = datetime.combine(_month_last(previous), END_OF_DAY)
    after = datetime.combine(_month_last(month), END_OF_DAY)
    if after - q.as_of < q.as_of - before:
        return SnapshotBase(month, after)
    return SnapshotBase(previous, before)


def _snapshot_rollup(
    conn: Connection,
    q: Query,
    group: str | None,
    by_level: bool,
    state: State,
    base: SnapshotBase | None = None,
) -> SnapshotSums:
    """The snapshot at the end of `base.month` from the rollups, moved to as_of: past
    the horizon by the deadlines in between; inside a month, by the changes since the
    month end before, unless `base` is given (the caller adds them)."""
    add_changes = base is None
    base = base or _snapshot_base(q, state)
    out = _snapshot_rows(conn, q, group, by_level, state, base.month)
    if base.after_horizon:
        _shift_overdue(conn, q, group, by_level, out, base.month)
    elif add_changes and base.changes_since is not None:
        by = ("level",) if by_level else CHANGE_GROUPS.get(group)
        if by is not None and _keyed(state):
            changes = _changes_by(conn, q, state, base.changes_since, by)
        else:
            key = Case.warning_level if by_level else _case_group_key(q, group)
            changes = _snapshot_changes(conn, q, (key,), base.changes_since)
        for (key_value, *_), change in changes.items():
            _add_change(out, _snapshot_key(group, by_level, key_value), change)
        _drop_empty(out)
    return out


def _snapshot_rows(
    conn: Connection, q: Query, group: str | None, by_level: bool, state: State, month: date
) -> SnapshotSums:
    """Open and overdue at the end of `month`, from the rollups, grouped."""
    o = RollupOpen.__table__
    if month < state.rollup_first_month:  # before the first case
        return {}
    if by_level:
        dim, dim_value = "level", q.dims.get("level")
    else:
        dim, dim_value = _rollup_dim(q, group)
    if by_level or group in ("source", "category", "level", "center"):
        key = o.c.dim_value
    elif group == "child":
        key = o.c.region_code
    else:
        key = literal("")
    conditions = [
        o.c.snapshot_month == month,
        o.c.dim == dim,
        *_rollup_region_filter(o, q, group, conn.dialect.name),
    ]
    if dim_value is not None:
        conditions.append(o.c.dim_value == dim_value)
    conditions.append(o.c.kind == (q.kind or ALL_KINDS))
    query = (
        select(key.label("key"), func.sum(o.c.open), func.sum(o.c.overdue_open))
        .where(*conditions)
        .group_by(key)
    )
    out: SnapshotSums = {}
    for key_value, open_count, overdue in conn.execute(query):
        name = _snapshot_key(group, by_level, key_value)
        out[name] = {"open": int(open_count or 0), "overdue_open": int(overdue or 0)}
    return out


def _snapshot_changes(
    conn: Connection, q: Query, keys: tuple, since: datetime
) -> dict[tuple, tuple[int, int]]:
    """(open, overdue_open) at as_of less at `since` (a month end, at most a month
    before or after as_of), by `keys`, from three reads of the cases table between the
    two moments, `low` and `high`, each counted forward (taken off when `since` is the
    later one):
    - accepted after low and open at high: open at high, and overdue if due before it;
    - accepted by low and closed after it by high: open at low, overdue if it was;
    - accepted by low, open at high and falling due in between: overdue at high only.
    (A case is open at t when accepted by t and not closed by t; overdue when open and
    due before t, as the rollups count at a month end.)"""
    low, high = sorted((since, q.as_of))
    sign = 1 if since <= q.as_of else -1
    # SQLite: through the time indexes, not the village index (see _time_first).
    filters = _case_filters(q, time_first=_time_first(conn))
    open_at_high = or_(Case.closed_at.is_(None), Case.closed_at > high)
    reads = (
        select(*keys, func.count(), count_if(Case.deadline_at < high)).where(
            *filters, Case.accepted_at > low, Case.accepted_at <= high, open_at_high
        ),
        select(*keys, -func.count(), -count_if(Case.deadline_at < low)).where(
            *filters, Case.accepted_at <= low, Case.closed_at > low, Case.closed_at <= high
        ),
        select(*keys, literal(0), func.count()).where(
            *filters,
            # Cases open, or closed after they fell due: the only ones a deadline passing
            # can make overdue; the predicate of ix_cases_late_cover (so that the
            # planners see the partial index applies), in parentheses (an OR among ANDs).
            text(f"({LATE_OR_OPEN})"),
            Case.deadline_at >= low,
            Case.deadline_at < high,
            Case.accepted_at <= low,
            open_at_high,
        ),
    )
    out: dict[tuple, tuple[int, int]] = {}
    for read in reads:
        for *key, open_change, overdue_change in conn.execute(read.group_by(*keys)):
            before = out.get(tuple(key), (0, 0))
            out[tuple(key)] = (
                before[0] + sign * int(open_change),
                before[1] + sign * int(overdue_change),
            )
    return out


# The snapshot changes since a month end (as_of inside a month) are asked for by the
# totals and levels and centers (kpis) and by the children (the ranking), of the
# period and of its 同比/环比: read once by (child, level, center) and added up. A
# center belongs to one child (or is the scope's own), so the rows are hardly more
# than the (level, center) groups kpis reads anyway.
CHANGE_KEYS = ("child", "level", "center")
# snapshot_sums' groups these rows hold, and what each adds them up by (): the total).
CHANGE_GROUPS = {None: (), "child": ("child",), "level": ("level",), "center": ("center",)}


def _changes_by(
    conn: Connection, q: Query, state: State, since: datetime, by: tuple[str, ...]
) -> dict[tuple, tuple[int, int]]:
    """`_snapshot_changes` grouped by `by` (of CHANGE_KEYS; () for the total), added
    up from one read by all of CHANGE_KEYS, shared as the edge windows are."""
    keys = (*_fine_keys(q), Case.warning_level, Case.center_id)
    rows = _shared_rows(
        conn,
        q,
        state,
        ("changes", q.as_of, since),
        lambda: _change_rows(_snapshot_changes(conn, q, keys, since)),
    )
    positions = [CHANGE_KEYS.index(name) for name in by]
    out: dict[tuple, tuple[int, int]] = {}
    for *keys, open_change, overdue_change in rows:
        key = tuple(keys[i] for i in positions) or ("",)
        before = out.get(key, (0, 0))
        out[key] = (before[0] + open_change, before[1] + overdue_change)
    return out


def _change_rows(changes: dict[tuple, tuple[int, int]]) -> tuple[tuple, ...]:
    """Compact rows to keep: (child, level, center id, open change, overdue change)."""
    return tuple(
        (sys.intern(str(child)), sys.intern(level), int(center), *change)
        for (child, level, center), change in changes.items()
    )


def _add_change(out: SnapshotSums, name: Any, change: tuple[int, int]) -> None:
    values = out.setdefault(name, _zero())
    values["open"] += change[0]
    values["overdue_open"] += change[1]


def _drop_empty(out: SnapshotSums) -> None:
    """Leave out the groups with no open case left, as a straight read has none (a
    group whose cases all closed since, or that only moved between its changes)."""
    for name in [name for name, values in out.items() if values["open"] == 0]:
        if name != ("total", ""):
            del out[name]


def _shift_overdue(
    conn: Connection,
    q: Query,
    group: str | None,
    by_level: bool,
    out: SnapshotSums,
    month: date,
) -> None:
    """Overdue at as_of from overdue at the end of `month` (the horizon's month): the
    open cases falling due between that month end and as_of, counted from the cases
    table (a few days of deadlines) and added, or taken off when as_of is earlier."""
    month_end = datetime.combine(_month_last(month), END_OF_DAY)
    if q.as_of == month_end:
        return
    low, high, sign = (q.as_of, month_end, -1) if q.as_of < month_end else (month_end, q.as_of, 1)
    key = Case.warning_level if by_level else _case_group_key(q, group)
    query = (
        select(key, func.count())
        .where(
            *_case_filters(q),
            Case.closed_at.is_(None),
            Case.deadline_at >= low,
            Case.deadline_at < high,
        )
        .group_by(key)
    )
    for key_value, count in conn.execute(query):
        name = _snapshot_key(group, by_level, key_value)
        values = out.setdefault(name, _zero())
        values["overdue_open"] += sign * int(count)


def _snapshot_straight(
    conn: Connection, q: Query, group: str | None, by_level: bool, state: State | None
) -> SnapshotSums:
    if by_level:
        key = Case.warning_level
    else:
        key = _case_group_key(q, group) if group != "month" else literal("")
    query = (
        select(key.label("key"), func.count(), count_if(Case.deadline_at < q.as_of))
        .where(*_open_conditions(q, state))
        .group_by(key)
    )
    out: SnapshotSums = {}
    for key_value, open_count, overdue in conn.execute(query):
        name = _snapshot_key(group, by_level, key_value)
        out[name] = {"open": int(open_count), "overdue_open": int(overdue)}
    return out


# --------------------------------------------------------------------- derived metrics
def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def derive(total: Sums | None, strict_satisfaction: bool = False) -> dict[str, Any]:
    """The METRICS.md period metrics from measure sums."""
    total = total or _empty_sums()
    accepted, closed = total["cases"], total["closed"]
    satisfied = total["satisfied_strict"] if strict_satisfaction else total["satisfied"]
    return {
        "accepted": accepted,
        "closed": closed,
        "closure_rate": _ratio(closed, accepted),
        "resolved": total["resolved"],
        "resolution_rate": _ratio(total["resolved"], accepted),
        "mediation_success_rate": _ratio(total["resolved"], closed),
        "on_time": total["on_time"],
        "on_time_rate": _ratio(total["on_time"], closed),
        "rated": total["rated"],
        "satisfied": satisfied,
        "satisfaction_rate": _ratio(satisfied, total["rated"]),
        "rating_participation": _ratio(total["rated"], closed),
        "petitions": total["petitions"],
        "petitions_closed": total["petitions_closed"],
        "petition_closure_rate": _ratio(total["petitions_closed"], total["petitions"]),
        "repeat_petitions": total["repeat_petitions"],
        "repeat_petition_rate": _ratio(total["repeat_petitions"], total["petitions"]),
        "village_contained": total["village_contained"],
        "village_contained_rate": _ratio(total["village_contained"], closed),
        "township_contained": total["township_contained"],
        "township_contained_rate": _ratio(total["township_contained"], closed),
    }


def _strict(strict_satisfaction: bool | None) -> bool:
    if strict_satisfaction is None:
        return get_settings().strict_satisfaction
    return strict_satisfaction


# --------------------------------------------------------------------- public API
def _connect(bind: Engine | Connection):
    if isinstance(bind, Connection):
        return nullcontext(bind)
    return bind.connect()


def kpis(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    strict_satisfaction: bool | None = None,
    use_rollups: bool | None = None,
    now: datetime | None = None,
    detail: bool = True,
) -> dict[str, Any]:
    """All METRICS.md metrics for one scope, period and as_of.

    `detail=False` leaves out the mixes (by_level, by_source, by_category) and the
    snapshot (open, overdue_open, open_by_level, center_load): what 同比/环比 compare
    is the period metrics only, and the snapshot at an earlier as_of is the costly part.
    `kpis_mixes` and `kpis_snapshot` give those alone.
    """
    with _connect(bind) as conn:
        state, ref, q = resolve_query(
            conn, region, date_from, date_to, as_of, kind=kind, source=source,
            warning_level=warning_level, category=category, now=now,
        )  # fmt: skip
        strict = _strict(strict_satisfaction)
        plan = _plan(q, state, use_rollups, None)
        if plan.from_rollups or not detail:
            sums = cohort_sums(conn, q, None, state, use_rollups).get("") or _empty_sums()
            result = derive(sums, strict)
            if detail:
                result.update(_detail(conn, q, state, ref, use_rollups))
        else:
            # Straight from the cases table: one grouped scan gives the totals and the mixes.
            sums = _empty_sums()
            mixes: Mixes = {"level": {}, "source": {}, "category": {}}
            for window in plan.straight:
                repeats = _repeats_read(conn, q, "mix", state, use_rollups)
                for key, values in _cohort_straight(
                    conn, q, "mix", window, repeats=repeats
                ).items():
                    for name in MEASURES:
                        sums[name] += values[name]
                    _add_mix(mixes, key, values["cases"])
            result = derive(sums, strict)
            result.update(_mix_figures(mixes))
            result.update(_snapshot_figures(conn, q, state, ref, use_rollups))
        result["meta"] = _meta(q, state, ref)
        return result


def kpis_mixes(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    use_rollups: bool | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """kpis()' mixes alone (by_level, by_source, by_category), with meta. With
    kpis(detail=False) and kpis_snapshot() they make kpis(), and a caller can compute
    the three side by side."""
    with _connect(bind) as conn:
        state, ref, q = resolve_query(
            conn, region, date_from, date_to, as_of, kind=kind, source=source,
            warning_level=warning_level, category=category, now=now,
        )  # fmt: skip
        mixes = _mixes(conn, q, state, use_rollups)
        return {**_mix_figures(mixes), "meta": _meta(q, state, ref)}


def kpis_snapshot(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    use_rollups: bool | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """kpis()' snapshot alone (open, overdue_open, open_by_level, center_load), with
    meta (see kpis_mixes)."""
    with _connect(bind) as conn:
        state, ref, q = resolve_query(
            conn, region, date_from, date_to, as_of, kind=kind, source=source,
            warning_level=warning_level, category=category, now=now,
        )  # fmt: skip
        figures = _snapshot_figures(conn, q, state, ref, use_rollups)
        return {**figures, "meta": _meta(q, state, ref)}


def _detail(
    conn: Connection, q: Query, state: State | None, ref: Reference, use_rollups: bool | None
) -> dict[str, Any]:
    """What kpis() adds to the period metrics: the mixes and the snapshot."""
    return {
        **_mix_figures(_mixes(conn, q, state, use_rollups)),
        **_snapshot_figures(conn, q, state, ref, use_rollups),
    }


def _mixes(conn: Connection, q: Query, state: State | None, use_rollups: bool | None) -> Mixes:
    """Accepted cases by warning level, source and category: the rollups' whole months
    (their dimensions have no day rows, so the mixes' plan may read the edge months
    otherwise than the totals' plan) and the edge windows counted in the cases table."""
    plans = [_plan(q, state, use_rollups, dim) for dim in ("level", "source", "category")]
    mix_plan = plans[0]  # (where all three have rollup months, they are one)
    mixes: Mixes = {"level": {}, "source": {}, "category": {}}
    totals_plan = _plan(q, state, use_rollups, None)
    if q.scope.level == "city" and totals_plan.days:
        # The city's day rows carry the dimensions too: its edge days from them, and a
        # day cut short by as_of from the cases table.
        mixes = _mix_rollup(conn, q, totals_plan.rollup_months, totals_plan.days)
        windows = [(1, w) for w in totals_plan.straight]
    elif all(plan.rollup_months is not None for plan in plans):
        mixes = _mix_rollup(conn, q, mix_plan.rollup_months)
        # The partial edge months added, the complements of those read whole taken off.
        windows = [(1, w) for w in mix_plan.straight] + [(-1, w) for w in mix_plan.minus]
    elif q.end < q.start:
        windows = []
    else:  # e.g. a village: its rollup rows carry no dimension
        windows = [(1, (q.start, q.end))]
    for sign, window in windows:
        for key, count in _mix_straight(conn, q, window).items():
            _add_mix(mixes, key, sign * count)
    return mixes


def _mix_figures(mixes: Mixes) -> dict[str, Any]:
    """by_level (every level, 0 where none), by_source and by_category (most first)."""
    result: dict[str, Any] = {"by_level": dict.fromkeys(WARNING_LEVELS, 0)}
    result["by_level"].update({k: v for k, v in mixes["level"].items() if v})
    for dim, target in (("source", "by_source"), ("category", "by_category")):
        counts = {k: v for k, v in mixes[dim].items() if v}
        result[target] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return result


def _snapshot_figures(
    conn: Connection, q: Query, state: State | None, ref: Reference, use_rollups: bool | None
) -> dict[str, Any]:
    """Open and overdue at as_of: in all, by level and by center (center_load)."""
    open_by = snapshot_sums(conn, q, "mix", state, use_rollups)
    centers = {k[1]: v for k, v in open_by.items() if k[0] == "center"}
    return {
        "open": sum(v["open"] for k, v in open_by.items() if k[0] == "total"),
        "overdue_open": sum(v["overdue_open"] for k, v in open_by.items() if k[0] == "total"),
        "open_by_level": {
            level: open_by.get(("level", level), {}).get("open", 0) for level in WARNING_LEVELS
        },
        "center_load": _center_load(ref, centers),
    }


def _center_load(ref: Reference, snapshot: SnapshotSums) -> list[dict[str, Any]]:
    rows = []
    for center_id, values in snapshot.items():
        if not values["open"]:
            continue
        center = ref.centers.get(center_id)
        staff = center.staff_count if center else 0
        rows.append(
            {
                "center_id": center_id,
                "name": center.name if center else str(center_id),
                "level": center.level if center else None,
                "staff_count": staff,
                "open": values["open"],
                "overdue_open": values["overdue_open"],
                "open_per_staff": values["open"] / staff if staff else None,
            }
        )
    rows.sort(key=lambda row: (-row["open"], row["center_id"]))
    return rows


def _meta(q: Query, state: State | None, ref: Reference) -> dict[str, Any]:
    return {
        "region": q.scope.code,
        "region_name": q.scope.name,
        "region_level": q.scope.level,
        "from": q.date_from.isoformat(),
        "to": q.date_to.isoformat(),
        "as_of": q.as_of.isoformat(sep=" "),
        "kind": q.kind,
        "source": q.source,
        "warning_level": q.warning_level,
        "category": q.category,
        "data_version": state.data_version if state else 0,
    }


def breakdown(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    by: str,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    strict_satisfaction: bool | None = None,
    use_rollups: bool | None = None,
    now: datetime | None = None,
    snapshot: bool = True,
) -> list[dict[str, Any]]:
    """The period metrics per child region, center, source, category, level or month;
    with `snapshot` (not by month), open and overdue at as_of too (and a center's open
    per staff). Without it, rows carry the period metrics only: what a ranking's
    earlier period needs (its score reads rates), and the snapshot at an as_of inside
    a month is the costly part."""
    if by not in GROUPS:
        raise ValueError(f"unknown breakdown {by!r} (expected one of: {', '.join(GROUPS)})")
    strict = _strict(strict_satisfaction)
    with _connect(bind) as conn:
        state, ref, q = resolve_query(
            conn, region, date_from, date_to, as_of, kind=kind, source=source,
            warning_level=warning_level, category=category, now=now,
        )  # fmt: skip
        if by == "child" and q.scope.child_level is None:
            raise ValueError(f"{q.scope.code} is a grid: it has no child regions")
        sums = cohort_sums(conn, q, by, state, use_rollups)
        with_snapshot = snapshot and by != "month"
        open_by = snapshot_sums(conn, q, by, state, use_rollups) if with_snapshot else {}
        keys = _breakdown_keys(ref, q, by, sums, open_by)
        rows = []
        for key in keys:
            row = {"key": key, "name": _label(ref, by, key)}
            row.update(derive(sums.get(key), strict))
            if with_snapshot:
                row["open"] = open_by.get(key, {}).get("open", 0)
                row["overdue_open"] = open_by.get(key, {}).get("overdue_open", 0)
            if by == "center":
                center = ref.centers.get(key)
                row["level"] = center.level if center else None
                row["staff_count"] = center.staff_count if center else 0
                if with_snapshot:
                    row["open_per_staff"] = (
                        row["open"] / row["staff_count"] if row["staff_count"] else None
                    )
            rows.append(row)
        return rows


def _breakdown_keys(
    ref: Reference, q: Query, by: str, sums: GroupedSums, snapshot: SnapshotSums
) -> list:
    if by == "child":
        children = ref.regions.child_codes(q.scope.code)
        extra = sorted(k for k in set(sums) | set(snapshot) if k not in children and k != "")
        # A village's cases without a grid get a row of their own (key ""), last, so
        # the rows always add up to the village.
        no_grid = [""] if "" in sums or "" in snapshot else []
        return children + extra + no_grid
    if by == "month":
        months, month = [], _month_first(q.date_from)
        while month <= q.date_to:
            months.append(f"{month.year:04d}-{month.month:02d}")
            month = _next_month(month)
        return months
    keys = {k for k in set(sums) | set(snapshot) if k is not None}
    if by == "level":
        return list(WARNING_LEVELS) + sorted(keys - set(WARNING_LEVELS))
    if by == "source":
        ordered = [s for s in SOURCES if s in keys]
        return ordered + sorted(keys - set(SOURCES))
    if by == "center":
        return sorted(keys)
    return sorted(keys, key=lambda k: (-(sums.get(k) or {}).get("cases", 0), str(k)))


def _label(ref: Reference, by: str, key: Any) -> str:
    if by == "child":
        return ref.regions.name(key) if key else "未划入网格"
    if by == "center":
        center = ref.centers.get(key)
        return center.name if center else str(key)
    return str(key)


# --------------------------------------------------------------------- comparisons
def shift_years(day: date, years: int) -> date:
    """The same date `years` earlier/later (29 Feb -> 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """环比 period: the previous calendar month(s) for whole months, else the same length before."""
    if date_from.day == 1 and date_to == _month_last(date_to):
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        start = date_from
        for _ in range(months):
            start = _month_first(start - timedelta(days=1))
        return start, date_from - timedelta(days=1)
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def _shift_as_of(
    as_of: datetime, old_from: date, old_to: date, new_from: date, new_to: date
) -> datetime:
    """The moment the earlier period is observed at, for 同比/环比.

    While the current period runs (as_of before its end), the earlier one is seen
    the same time after its start (capped at its end): 本月 on 1 Dec 09:00 is
    compared with 1 Nov 00:00–09:00, not with a window measured back from the end,
    which for a shorter earlier month falls before it starts. Once the period has
    ended, the earlier one is seen the same time after its end (a month end stays a
    month end)."""
    old_start = datetime.combine(old_from, time.min)
    old_end = datetime.combine(old_to, END_OF_DAY)
    new_end = datetime.combine(new_to, END_OF_DAY)
    if as_of >= old_end:
        return new_end + (as_of - old_end)
    return min(datetime.combine(new_from, time.min) + (as_of - old_start), new_end)


def change(metric: str, current: Any, earlier: Any) -> dict[str, Any] | None:
    """A rate changes in percentage points; a count in percent of the earlier value."""
    if current is None or earlier is None:
        return None
    if metric in RATE_KEYS:
        return {"value": (current - earlier) * 100, "unit": "pp"}
    if earlier == 0:
        return None
    return {"value": (current - earlier) / earlier * 100, "unit": "%"}


def comparison_periods(
    date_from: date, date_to: date, current_as_of: datetime
) -> dict[str, tuple[date, date, datetime]]:
    """The earlier periods of 同比 (yoy) and 环比 (mom), each with the moment it is
    observed at: {"yoy": (from, to, as_of), "mom": (...)}."""
    mom_from, mom_to = previous_period(date_from, date_to)
    periods = {
        "yoy": (shift_years(date_from, -1), shift_years(date_to, -1)),
        "mom": (mom_from, mom_to),
    }
    return {
        name: (p_from, p_to, _shift_as_of(current_as_of, date_from, date_to, p_from, p_to))
        for name, (p_from, p_to) in periods.items()
    }


def comparison(current: dict[str, Any], earlier: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """compare()'s answer from the current kpis() and the earlier periods' kpis()
    (detail=False, observed as comparison_periods says), by name."""
    out: dict[str, Any] = {"current": current}
    for name, values in earlier.items():
        meta = values["meta"]
        out[name] = {
            "from": meta["from"],
            "to": meta["to"],
            "as_of": meta["as_of"],
            "values": values,
            "change": {
                key: change(key, current[key], values[key]) for key in COUNT_KEYS + RATE_KEYS
            },
        }
    return out


def compare(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """同比 (yoy) and 环比 (mom) of every metric. (govdash/data.py runs the same three
    kpis() side by side: comparison_periods, then comparison.)"""
    now = filters.pop("now", None)
    current = kpis(bind, region, date_from, date_to, as_of, now=now, **filters)
    current_as_of = datetime.fromisoformat(current["meta"]["as_of"])
    earlier = {
        name: kpis(bind, region, p_from, p_to, p_as_of, now=now, detail=False, **filters)
        for name, (p_from, p_to, p_as_of) in comparison_periods(
            date_from, date_to, current_as_of
        ).items()
    }
    return comparison(current, earlier)


# --------------------------------------------------------------------- targets & ranking
def status_for(metric: str, value: float | None, targets: dict | None = None) -> str | None:
    """red / amber / green against the target of METRICS.md (None: no target or no value)."""
    targets = targets if targets is not None else get_settings().targets
    if value is None or metric not in targets:
        return None
    green, amber = targets[metric]
    if metric in COUNT_TARGETS:
        return "green" if value <= green else "amber" if value <= amber else "red"
    return "green" if value >= green else "amber" if value >= amber else "red"


def composite_score(row: dict[str, Any], weights: dict[str, float]) -> float | None:
    """Weighted score on a 0–100 scale over the rates a unit has.

    Positive weights are renormalised over the rates that are not null (a unit with
    nothing rated is not punished for it); negative weights subtract their penalty.
    """
    positive = {k: w for k, w in weights.items() if w > 0 and row.get(k) is not None}
    if not positive:
        return None
    total = sum(positive.values())
    score = sum(w * row[k] for k, w in positive.items()) / total * 100
    for key, weight in weights.items():
        if weight < 0 and row.get(key) is not None:
            score += weight * row[key]
    return round(score, 4)


def _rank(rows: list[dict[str, Any]]) -> dict[Any, int]:
    """Competition ranking (1, 2, 2, 4) by score; units without a score are unranked."""
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: -r["score"])
    ranks: dict[Any, int] = {}
    previous_score, previous_rank = None, 0
    for position, row in enumerate(scored, start=1):
        rank = previous_rank if row["score"] == previous_score else position
        ranks[row["key"]] = rank
        previous_score, previous_rank = row["score"], rank
    return ranks


def ranking_period(
    date_from: date, date_to: date, as_of: datetime | date | None = None
) -> tuple[date, date, datetime | None]:
    """The period a ranking's rank changes compare with: the previous period, observed
    as `as_of` is shifted (or at its own default when no as_of is given)."""
    p_from, p_to = previous_period(date_from, date_to)
    current_as_of = to_as_of(as_of)
    if current_as_of is None:
        return p_from, p_to, None
    return p_from, p_to, _shift_as_of(current_as_of, date_from, date_to, p_from, p_to)


def rank_children(
    rows: list[dict[str, Any]],
    earlier_rows: list[dict[str, Any]],
    *,
    weights: dict[str, float] | None = None,
    targets: dict | None = None,
) -> list[dict[str, Any]]:
    """breakdown(by="child") rows of a period ranked by the composite score, with the
    rank change against `earlier_rows` (the ranking_period's) and red/amber/green per
    target. Works on copies: the rows given may be cached."""
    settings = get_settings()
    weights = weights if weights is not None else settings.weights
    targets = targets if targets is not None else settings.targets
    rows = [dict(row) for row in rows]
    earlier_rows = [dict(row) for row in earlier_rows]
    for batch in (rows, earlier_rows):
        for row in batch:
            row["score"] = composite_score(row, weights)
    ranks, earlier_ranks = _rank(rows), _rank(earlier_rows)
    for row in rows:
        row["rank"] = ranks.get(row["key"])
        row["previous_rank"] = earlier_ranks.get(row["key"])
        row["rank_change"] = (
            row["previous_rank"] - row["rank"]
            if row["rank"] is not None and row["previous_rank"] is not None
            else None
        )
        row["status"] = {metric: status_for(metric, row.get(metric), targets) for metric in targets}
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["key"]))
    return rows


def ranking(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    weights: dict[str, float] | None = None,
    targets: dict | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """The children of a region ranked by the composite score, with rank changes
    against the previous period and red/amber/green per target. (govdash/data.py runs
    the two breakdowns side by side: ranking_period, then rank_children.)"""
    rows = breakdown(bind, region, date_from, date_to, "child", as_of, **filters)
    p_from, p_to, earlier_as_of = ranking_period(date_from, date_to, as_of)
    earlier_rows = breakdown(bind, region, p_from, p_to, "child", earlier_as_of, **filters)
    return rank_children(rows, earlier_rows, weights=weights, targets=targets)
