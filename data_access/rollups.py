"""Rollup tables: built in SQL from the cases table, carrying a data version.

Sized to their callers: cohort month rows are month × township (plus district, city
and village copies) × kind × closing month × due month, with one breakdown dimension
at a time. Year rows are cumulative over the closing months (one row per group and
as_of month, see models.RollupCohort), built from the month rows with window
functions; grids have year rows only (for a village's breakdown by grid). Day rows
(day of acceptance × closing month) and closing-day rows (month of acceptance × day
of closing) of the townships, districts and city answer a period of custom dates and
an as_of inside a month without the cases table (dim 'all' only; the city's day rows
also by level, source and category, for the mixes). Large scopes read
these; villages and grids otherwise read the cases table through its indexes (see
metrics.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import Date as SqlDate
from sqlalchemy import String as SqlString

from .measures import accepted_population, closed_conditions, count_if, is_repeat_petition
from .models import (
    ALL_KINDS,
    CalendarMonth,
    Case,
    DataState,
    RollupCohort,
    RollupOpen,
    RollupRepeat,
)
from .sqlfuncs import day_start, month_start, shift_seconds, year_start

# Breakdown dimensions kept in the rollups, and the case column each one reads.
DIM_COLUMNS = {
    "source": Case.source,
    "level": Case.warning_level,
    "category": Case.category,
    "center": cast(Case.center_id, SqlString),
}
# Dimensions copied up to district and city rows ('center' stays per township).
AREA_DIMS = ("all", "source", "level", "category")
# Cohort counts: the same whatever as_of is (a year row carries its group's totals).
COHORT_COUNTS = ("cases", "petitions", "repeat_petitions")
# Counts of closed cases (a year row carries them cumulated over the closing months).
CLOSED_COUNTS = (
    "closed",
    "petitions_closed",
    "resolved",
    "on_time",
    "rated",
    "satisfied",
    "satisfied_strict",
    "village_contained",
    "township_contained",
)
ROLLUP_MEASURES = COHORT_COUNTS + CLOSED_COUNTS
_KEY_COLUMNS = (
    "grain",
    "period_start",
    "region_code",
    "region_level",
    "kind",
    "close_month",
    "due_month",
    "dim",
    "dim_value",
)
# The cohort rows are built here first, then copied into rollup_cohort sorted the way
# its lookup index reads them, so a query's rows lie side by side on disk (one scope's
# or one dimension's rows would otherwise be spread over the whole table).
_BUILD = Table(
    "rollup_cohort_build",
    MetaData(),
    *(
        Column(name, RollupCohort.__table__.c[name].type)
        for name in (*_KEY_COLUMNS, "close_until", *ROLLUP_MEASURES)
    ),
    prefixes=["TEMPORARY"],
)
# Grain of the grid rows' year buckets in the build table (never copied to rollup_cohort).
GRID_STAGING = "g"
# Grains of the day rows and the closing-day rows (models.RollupCohort).
DAY = "D"
CLOSING = "C"
# rollup_cohort is stored in the order its lookup index reads it (models.RollupCohort).
_STORAGE_ORDER = tuple(
    column.name
    for index in RollupCohort.__table__.indexes
    if index.name == "ix_rollup_cohort_lookup"
    for column in index.columns
)


def _cohort_from_cases(conn: Connection, region_level: str, dim: str, grain: str = "M") -> None:
    """Month rows (or day rows, `grain` DAY: of the townships by no dimension, of the
    city by one; or closing-day rows, CLOSING: of the townships by no dimension)
    straight from the cases table for one region level and dimension.

    At grid level (dim 'all' only) the rows are year buckets (grain 'g', staging only),
    the input of the grid year rows: a grid's month rows would outnumber every other
    level's, and no question reads them. Cases without a grid are kept under their
    village's code (the village breakdown's row "未划入网格")."""
    day_rows = (region_level == "township" and dim == "all") or (
        region_level == "city" and dim != "all"
    )
    if (grain == CLOSING and (region_level, dim) != ("township", "all")) or (
        grain == DAY and not day_rows
    ):
        raise ValueError(f"no {grain} rows of {region_level} by {dim}")
    closed = Case.closed_at.is_not(None)
    conditions = closed_conditions(closed)
    repeat = RollupRepeat.__table__
    dim_value = literal("") if dim == "all" else DIM_COLUMNS[dim]
    close_month = month_start(Case.closed_at)
    if region_level == "grid":
        grain = GRID_STAGING
        region_code = func.coalesce(Case.grid_code, Case.village_code)
        period = year_start(Case.accepted_at)
        # The bucket _cumulative_years makes of it: the year's start, or a later month.
        bucketed = case((year_start(Case.closed_at) > period, close_month), else_=period)
        keys = (period, region_code, Case.kind, bucketed, literal(None, type_=SqlDate), dim_value)
    elif grain in (DAY, CLOSING):
        if region_level == "city":  # (the city's day rows by a dimension)
            region_code = func.substr(Case.village_code, 1, 4).concat("00")
        else:  # townships (the districts' and the city's rows are summed from them)
            region_code = func.substr(Case.village_code, 1, 9)
        # No due month: these rows answer cohort questions only (the open snapshots
        # are built from the month rows).
        due_month = literal(None, type_=SqlDate)
        if grain == CLOSING:
            # Month of acceptance; close_month holds the day of closing on these rows.
            period, close_month = month_start(Case.accepted_at), day_start(Case.closed_at)
        else:
            period = day_start(Case.accepted_at)
        keys = (period, region_code, Case.kind, close_month, due_month, dim_value)
    else:
        region_code = func.substr(
            Case.village_code, 1, {"township": 9, "village": 12}[region_level]
        )
        accept_month = month_start(Case.accepted_at)
        # Overdue at a month end <=> deadline_at + 1 s falls in that month or earlier.
        due = month_start(shift_seconds(Case.deadline_at, 1))
        # The due month only matters while a case is open at a month end; for a case
        # that closes in its own month, or before it falls due, it is NULL, so these
        # (most) cases don't multiply the rows.
        due_month = case(
            (and_(closed, or_(close_month == accept_month, due >= close_month)), None),
            else_=due,
        )
        keys = (accept_month, region_code, Case.kind, close_month, due_month, dim_value)
    petition = Case.kind == "petition"
    measures = {
        "cases": func.count(),
        "petitions": count_if(petition),
        "repeat_petitions": count_if(repeat.c.case_id.is_not(None)),
        "petitions_closed": count_if(and_(petition, closed)),
        **{m: count_if(condition) for m, condition in conditions.items()},
    }
    query = (
        select(
            literal(grain),
            keys[0],
            keys[1],
            literal(region_level),
            keys[2],
            keys[3],
            keys[4],
            literal(dim),
            keys[5],
            *(measures[m] for m in ROLLUP_MEASURES),
        )
        .select_from(Case.__table__.outerjoin(repeat, repeat.c.case_id == Case.id))
        .where(accepted_population(), *((closed,) if grain == CLOSING else ()))
        .group_by(*keys)
    )
    conn.execute(insert(_BUILD).from_select(list(_KEY_COLUMNS + ROLLUP_MEASURES), query))


def _cohort_from_rollup(
    conn: Connection,
    *,
    source_level: str,
    target_level: str,
    region_code,
    dims: tuple[str, ...],
    grain: str = "M",
) -> None:
    """District and city rows of a grain (month, day or closing-day rows) summed from
    the township rows of that grain."""
    r = _BUILD
    keys = (
        r.c.period_start,
        region_code,
        r.c.kind,
        r.c.close_month,
        r.c.due_month,
        r.c.dim,
        r.c.dim_value,
    )
    query = (
        select(
            literal(grain),
            keys[0],
            keys[1],
            literal(target_level),
            *keys[2:],
            *(func.sum(r.c[m]) for m in ROLLUP_MEASURES),
        )
        .where(r.c.grain == grain, r.c.region_level == source_level, r.c.dim.in_(dims))
        .group_by(*keys)
    )
    conn.execute(insert(_BUILD).from_select(list(_KEY_COLUMNS + ROLLUP_MEASURES), query))


def _all_kinds(conn: Connection) -> None:
    """Month, day and closing-day rows (and grid year buckets) with kind = 'all':
    summed over the kinds."""
    r = _BUILD
    keys = [r.c[name] for name in _KEY_COLUMNS if name != "kind"]
    query = (
        select(
            *(literal(ALL_KINDS) if name == "kind" else r.c[name] for name in _KEY_COLUMNS),
            *(func.sum(r.c[m]) for m in ROLLUP_MEASURES),
        )
        .where(r.c.grain.in_(("M", DAY, CLOSING, GRID_STAGING)))
        .group_by(*keys)
    )
    conn.execute(insert(_BUILD).from_select(list(_KEY_COLUMNS + ROLLUP_MEASURES), query))


_GROUP_COLUMNS = ("period_start", "region_code", "region_level", "kind", "dim", "dim_value")


def _cumulative_years(conn: Connection) -> None:
    """Year rows from the month rows, for every level, dimension and kind at once.

    A year row answers every as_of month from its `close_month` to its `close_until`
    (see models.RollupCohort): its closed-case measures are cumulated over the group's
    closing months, its cohort counts are the group's totals. Year rows are read only
    when as_of is at or after the year's end, so the closures inside the year (and the
    open cases, which carry no closed measures) start the group's first row, at the
    year's first day.
    """
    r = _BUILD
    year = year_start(r.c.period_start)
    after_year = year_start(r.c.close_month) > year
    bucket = case((after_year, r.c.close_month), else_=year)
    group = [
        year.label("period_start"),
        *(r.c[name] for name in _GROUP_COLUMNS[1:]),
    ]
    # (The grid rows' staging buckets are bucketed already: the same again.)
    sources = r.c.grain.in_(("M", GRID_STAGING))
    month_rows = select(
        *group, bucket.label("close_month"), *(r.c[m] for m in ROLLUP_MEASURES)
    ).where(sources)
    # A group whose cases all close after the year still needs its first row at the
    # year's start (nothing closed yet): an empty bucket there.
    first_rows = select(
        *group,
        year.label("close_month"),
        *(literal(0).label(m) for m in ROLLUP_MEASURES),
    ).where(sources, after_year)
    rows = union_all(month_rows, first_rows).subquery()
    keys = [rows.c[name] for name in _GROUP_COLUMNS]
    buckets = (
        select(*keys, rows.c.close_month, *(func.sum(rows.c[m]).label(m) for m in ROLLUP_MEASURES))
        .group_by(*keys, rows.c.close_month)
        .subquery()
    )
    keys = [buckets.c[name] for name in _GROUP_COLUMNS]
    months = buckets.c.close_month
    query = select(
        literal("Y"),
        *keys[:4],
        months,
        func.lead(months).over(partition_by=keys, order_by=months),
        literal(None, type_=SqlDate),
        *keys[4:],
        # The whole group (ordered like the others, so one sort serves every window).
        *(
            func.sum(buckets.c[m]).over(partition_by=keys, order_by=months, rows=(None, None))
            for m in COHORT_COUNTS
        ),
        # (The default frame ends at the current row: closing months are unique per group.)
        *(func.sum(buckets.c[m]).over(partition_by=keys, order_by=months) for m in CLOSED_COUNTS),
    )
    columns = [
        "grain",
        *_GROUP_COLUMNS[:4],
        "close_month",
        "close_until",
        "due_month",
        *_GROUP_COLUMNS[4:],
        *COHORT_COUNTS,
        *CLOSED_COUNTS,
    ]
    conn.execute(insert(_BUILD).from_select(columns, query))


def _open_snapshots(conn: Connection, last_month: date) -> None:
    """Open/overdue at every month end, from the month rows: a cohort row is open at
    the end of month m when it was accepted in or before m and closes after m."""
    r = RollupCohort.__table__
    m = CalendarMonth.__table__
    after_last = date(last_month.year + (last_month.month == 12), last_month.month % 12 + 1, 1)
    keys = (m.c.month_start, r.c.region_code, r.c.region_level, r.c.kind, r.c.dim, r.c.dim_value)
    # `grain || ''` keeps SQLite from driving the join from the calendar (it would
    # otherwise rescan every rollup row once per month).
    query = (
        select(
            *keys,
            func.sum(r.c.cases),
            func.sum(
                case(
                    (and_(r.c.due_month.is_not(None), r.c.due_month <= m.c.month_start), r.c.cases),
                    else_=0,
                )
            ),
        )
        .select_from(
            r.join(
                m,
                and_(
                    m.c.month_start >= r.c.period_start,
                    m.c.month_start < func.coalesce(r.c.close_month, after_last),
                ),
            )
        )
        .where(
            r.c.grain.concat("") == "M",
            or_(r.c.close_month.is_(None), r.c.close_month > r.c.period_start),
        )
        .group_by(*keys)
        # Stored in the order of ix_rollup_open_lookup (see _STORAGE_ORDER).
        .order_by(m.c.month_start, r.c.dim, r.c.region_level, r.c.region_code)
    )
    columns = [
        "snapshot_month",
        "region_code",
        "region_level",
        "kind",
        "dim",
        "dim_value",
        "open",
        "overdue_open",
    ]
    conn.execute(insert(RollupOpen).from_select(columns, query))


def _months_between(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def refresh_rollups(bind: Engine | Connection) -> int:
    """Rebuild every rollup from the cases table in one transaction; return the new
    data version. Called by the demo loader and every write path."""
    if isinstance(bind, Connection):
        return _refresh(bind)
    with bind.begin() as conn:
        version = _refresh(conn)
    vacuum(bind)
    return version


def vacuum(engine: Engine) -> None:
    """PostgreSQL: VACUUM the cases (with ANALYZE) and rollups after a big write, so the
    visibility map lets the covering indexes answer without visiting the table (index-only
    scans); autovacuum would get there only later. Runs outside any transaction."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'VACUUM (ANALYZE) "{Case.__tablename__}"')
        # The rollups were analysed inside the refresh already.
        for table in (RollupCohort, RollupOpen, RollupRepeat):
            conn.exec_driver_sql(f'VACUUM "{table.__tablename__}"')


# Any constant: the key of the advisory lock that lets one refresh run at a time.
_REFRESH_LOCK = 0x60BDA54


def _refresh(conn: Connection) -> int:
    if conn.dialect.name == "postgresql":
        # Two refreshes at once (an import and a `govdash refresh`) would each empty and
        # refill the tables; the second waits for the first instead. SQLite's write lock
        # already serialises them.
        conn.execute(select(func.pg_advisory_xact_lock(_REFRESH_LOCK)))
    for table in (RollupOpen, RollupCohort, RollupRepeat, CalendarMonth):
        conn.execute(delete(table))

    population = accepted_population()
    max_accepted, min_accepted = conn.execute(
        select(func.max(Case.accepted_at), func.min(Case.accepted_at)).where(population)
    ).one()
    max_closed = conn.execute(select(func.max(Case.closed_at)).where(population)).scalar()

    conn.execute(
        insert(RollupRepeat).from_select(
            ["case_id", *RollupRepeat.COPIED],
            select(Case.id, *(getattr(Case, column) for column in RollupRepeat.COPIED)).where(
                population, is_repeat_petition()
            ),
        )
    )
    _BUILD.drop(conn, checkfirst=True)
    _BUILD.create(conn)
    for dim in ("all", *DIM_COLUMNS):
        _cohort_from_cases(conn, "township", dim)
    _cohort_from_cases(conn, "village", "all")
    _cohort_from_cases(conn, "grid", "all")
    _cohort_from_cases(conn, "township", "all", grain=DAY)
    _cohort_from_cases(conn, "township", "all", grain=CLOSING)
    for dim in AREA_DIMS[1:]:  # the mixes' edge days of the city
        _cohort_from_cases(conn, "city", dim, grain=DAY)

    r = _BUILD
    for grain, dims in (("M", AREA_DIMS), (DAY, ("all",)), (CLOSING, ("all",))):
        _cohort_from_rollup(
            conn,
            source_level="township",
            target_level="district",
            region_code=func.substr(r.c.region_code, 1, 6),
            dims=dims,
            grain=grain,
        )
        _cohort_from_rollup(
            conn,
            source_level="township",
            target_level="city",
            region_code=func.substr(r.c.region_code, 1, 4).concat("00"),
            dims=dims,
            grain=grain,
        )
    _all_kinds(conn)
    _cumulative_years(conn)
    columns = [*_KEY_COLUMNS, "close_until", *ROLLUP_MEASURES]
    conn.execute(
        insert(RollupCohort).from_select(
            columns,
            select(*(_BUILD.c[name] for name in columns))
            .where(_BUILD.c.grain != GRID_STAGING)
            .order_by(*(_BUILD.c[name] for name in _STORAGE_ORDER)),
        )
    )
    _BUILD.drop(conn)

    last_event = max(filter(None, (max_accepted, max_closed)), default=None)
    first_month = last_month = None
    if min_accepted is not None and last_event is not None:
        first_month = date(min_accepted.year, min_accepted.month, 1)
        last_month = date(last_event.year, last_event.month, 1)
        months = _months_between(first_month, last_month)
        conn.execute(insert(CalendarMonth), [{"month_start": m} for m in months])
        # Fresh statistics, so the planner drives the join from the rollup rows
        # (a stale estimate of an empty table makes PostgreSQL loop the other way).
        for table in (RollupCohort, CalendarMonth):
            conn.execute(text(f"ANALYZE {table.__tablename__}"))
        _open_snapshots(conn, last_month)
    for table in (RollupOpen, RollupRepeat):
        conn.execute(text(f"ANALYZE {table.__tablename__}"))

    return _bump_state(
        conn,
        max_accepted_at=max_accepted,
        max_event_at=last_event,
        rollup_first_month=first_month,
        rollup_last_month=last_month,
    )


def _bump_state(conn: Connection, **values) -> int:
    values["refreshed_at"] = datetime.now().replace(microsecond=0)
    current = conn.execute(select(DataState.data_version).where(DataState.id == 1)).scalar()
    # Milliseconds since the epoch, kept increasing: a rebuilt database never reuses an
    # older version, so no cache keyed on it can serve stale figures.
    version = max((current or 0) + 1, int(time.time() * 1000))
    values["day_rows_version"] = version  # built with the rest (see DataState)
    if current is None:
        conn.execute(insert(DataState).values(id=1, data_version=version, **values))
    else:
        conn.execute(
            update(DataState).where(DataState.id == 1).values(data_version=version, **values)
        )
    return version


@dataclass(frozen=True)
class State:
    """What a query needs to know about the rollups: their version and horizon."""

    data_version: int
    max_accepted_at: datetime | None
    max_event_at: datetime | None
    rollup_first_month: date | None
    rollup_last_month: date | None
    refreshed_at: datetime | None
    demo_signature: str | None
    day_rows_version: int | None = None

    @property
    def day_rows(self) -> bool:
        """Whether the day and closing-day rows are there, built with the rest."""
        return self.day_rows_version is not None and self.day_rows_version == self.data_version


def read_state(bind: Engine | Connection) -> State | None:
    """The data version and horizon (None before the first refresh)."""

    def read(conn: Connection) -> State | None:
        row = conn.execute(select(DataState.__table__).where(DataState.id == 1)).mappings().first()
        if row is None:
            return None
        return State(**{k: v for k, v in row.items() if k != "id"})

    if isinstance(bind, Connection):
        return read(bind)
    with bind.connect() as conn:
        return read(conn)
