"""The case database (canonical schema of DESIGN.md) and govdash's own rollup tables.

Typed SQLAlchemy 2.x models. Enumerations are stored as short strings with CHECK
constraints (not native enums) so that SQLite and PostgreSQL share one schema and a
platform can expose its own tables as views with the same columns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# ---------------------------------------------------------------- enumerations
REGION_LEVELS = ("city", "district", "township", "village")
CENTER_LEVELS = REGION_LEVELS
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
WARNING_LEVELS = ("red", "orange", "yellow", "green")
STATUSES = ("accepted", "dispatched", "in_progress", "closed", "archived", "rejected", "void")
ALL_KINDS = "all"  # the rollups' kind for rows that sum every kind
EXCLUDED_STATUSES = ("rejected", "void")  # 不予受理 / 作废: outside every metric
LATE_COVER_COLUMNS = (
    "deadline_at",
    "village_code",
    "accepted_at",
    "closed_at",
    "status",
    "kind",
    "warning_level",
    "source",
    "category",
    "center_id",
    "grid_code",
)
LATE_OR_OPEN = "closed_at IS NULL OR closed_at > deadline_at"
OPEN_NOW_EXTRA_COLUMNS = ("status", "source", "category", "accepted_at", "grid_code")
# The columns of `cases` that the metric queries read besides scope and accepted_at
# (see measures.py and metrics.py): the village index carries them all.
METRIC_COLUMNS = (
    "status",
    "kind",
    "warning_level",
    "source",
    "category",
    "center_id",
    "grid_code",
    "closed_at",
    "deadline_at",
    "outcome",
    "resolved_level",
    "satisfaction",
    "petitioner_key",
)
OUTCOMES = ("resolved", "unresolved")
RESOLVED_LEVELS = ("grid", "village", "township", "district", "city")
SATISFACTIONS = ("satisfied", "basically_satisfied", "dissatisfied")
EVENT_ACTIONS = ("accept", "dispatch", "transfer", "handle", "close", "visit", "reject", "void")

# Second precision everywhere: SQLite stores the same text that datetime() returns,
# so comparisons between stored values and SQL-computed bounds are exact.
_SQLITE_DATETIME = sqlite.DATETIME(
    storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d",
    regexp=r"(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)",
)
Timestamp = DateTime().with_variant(_SQLITE_DATETIME, "sqlite")
# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    allowed = ", ".join(f"'{v}'" for v in values)
    clause = f"{column} IN ({allowed})"
    return f"({column} IS NULL OR {clause})" if nullable else clause


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# ---------------------------------------------------------------- reference tables
class Region(Base):
    """GB/T 2260 division: 6-digit city/district, 9-digit township, 12-digit village."""

    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)

    __table_args__ = (
        CheckConstraint(_in("level", REGION_LEVELS), name="level"),
        CheckConstraint(
            "(level IN ('city', 'district') AND length(code) = 6)"
            " OR (level = 'township' AND length(code) = 9)"
            " OR (level = 'village' AND length(code) = 12)",
            name="code_length",
        ),
    )


class Grid(Base):
    """网格: code = the 12-digit village code + a 3-digit sequence."""

    __tablename__ = "grids"
    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    member_count: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("length(code) = 15", name="code_length"),
        CheckConstraint("substr(code, 1, 12) = village_code", name="code_in_village"),
        CheckConstraint("member_count >= 0", name="member_count"),
    )


class Center(Base):
    """综治中心 at one level, attached to the region it serves."""

    __tablename__ = "centers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    staff_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint(_in("level", CENTER_LEVELS), name="level"),
        CheckConstraint("staff_count >= 0", name="staff_count"),
    )


# ---------------------------------------------------------------- cases
class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    warning_level: Mapped[str] = mapped_column(String(6))
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    status: Mapped[str] = mapped_column(String(12))
    accepted_at: Mapped[datetime] = mapped_column(Timestamp)
    deadline_at: Mapped[datetime] = mapped_column(Timestamp)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    outcome: Mapped[str | None] = mapped_column(String(10))
    resolved_level: Mapped[str | None] = mapped_column(String(10))
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    visited_at: Mapped[datetime | None] = mapped_column(Timestamp)
    petitioner_key: Mapped[str | None] = mapped_column(String(64))
    party_name: Mapped[str] = mapped_column(String(50), default="")
    party_phone: Mapped[str] = mapped_column(String(20), default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("source", SOURCES), name="source"),
        CheckConstraint(_in("warning_level", WARNING_LEVELS), name="warning_level"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("outcome", OUTCOMES, nullable=True), name="outcome"),
        CheckConstraint(
            _in("resolved_level", RESOLVED_LEVELS, nullable=True), name="resolved_level"
        ),
        CheckConstraint(_in("satisfaction", SATISFACTIONS, nullable=True), name="satisfaction"),
        CheckConstraint("length(village_code) = 12", name="village_code_length"),
        CheckConstraint(
            "grid_code IS NULL OR substr(grid_code, 1, 12) = village_code", name="grid_in_village"
        ),
        CheckConstraint("deadline_at >= accepted_at", name="deadline_after_accepted"),
        CheckConstraint(
            "closed_at IS NULL OR closed_at >= accepted_at", name="closed_after_accepted"
        ),
        # An outcome, a settling level or a follow-up only exist for a closed case.
        CheckConstraint(
            "closed_at IS NOT NULL OR (outcome IS NULL AND resolved_level IS NULL"
            " AND satisfaction IS NULL AND visited_at IS NULL)",
            name="closure_fields_need_closed",
        ),
        CheckConstraint(
            "visited_at IS NULL OR visited_at >= closed_at", name="visited_after_closed"
        ),
        CheckConstraint(
            "status NOT IN ('closed', 'archived') OR closed_at IS NOT NULL", name="closed_status"
        ),
        # Access paths of the metric queries (see data_access/metrics.py).
        # Villages (and ranges of them) read the cases table: this index holds every
        # column the metric queries touch, so they never visit the table's rows, which
        # lie scattered across it (cases are stored in the order they arrive).
        Index("ix_cases_village_cover", "village_code", "accepted_at", *METRIC_COLUMNS),
        Index("ix_cases_grid_accepted", "grid_code", "accepted_at"),
        # Large scopes read whole months from the rollups and the rest from the cases
        # table: a partial month by accepted_at, and the closures of as_of's month by
        # closed_at. Both carry the metric columns too, for the same reason.
        Index("ix_cases_accepted_cover", "accepted_at", "village_code", *METRIC_COLUMNS),
        Index(
            "ix_cases_closed_cover",
            "closed_at",
            "village_code",
            "accepted_at",
            *(c for c in METRIC_COLUMNS if c != "closed_at"),
            sqlite_where=text("closed_at IS NOT NULL"),
            postgresql_where=text("closed_at IS NOT NULL"),
        ),
        Index("ix_cases_center", "center_id"),
        # The repeat-petition check (an earlier petition by the same key) from the index.
        Index(
            "ix_cases_petitioner",
            "petitioner_key",
            "accepted_at",
            "kind",
            "status",
            sqlite_where=text("petitioner_key IS NOT NULL"),
            postgresql_where=text("petitioner_key IS NOT NULL"),
        ),
        # The cases open, or closed after they fell due, by deadline_at: a snapshot
        # inside a month starts from the month end before and counts those falling due
        # in between (metrics._snapshot_changes, which repeats LATE_OR_OPEN).
        Index(
            "ix_cases_late_cover",
            *LATE_COVER_COLUMNS,
            sqlite_where=text(LATE_OR_OPEN),
            postgresql_where=text(LATE_OR_OPEN),
        ),
        # The open cases "now", read by the snapshot metrics past the data horizon: every
        # column they filter or group on, so the table itself is not read.
        Index(
            "ix_cases_open_now",
            "deadline_at",  # first: the open cases falling due in a few days' window
            "village_code",
            "kind",
            "warning_level",
            "center_id",
            *OPEN_NOW_EXTRA_COLUMNS,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )


class CaseEvent(Base):
    """The flow log: 受理 → 分流 → 办理 → 办结 → 回访."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(Timestamp)
    action: Mapped[str] = mapped_column(String(10))
    from_center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    to_center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(_in("action", EVENT_ACTIONS), name="action"),
        Index("ix_case_events_case_at", "case_id", "at"),
    )


# ---------------------------------------------------------------- govdash's own tables
class RollupCohort(Base):
    """Cohort measures by acceptance period, region, kind and closing month.

    `grain` 'M' rows hold one calendar month of accepted cases, one row per closing
    month (`close_month`: first day of the month the cases closed in, NULL if open at
    refresh), so any month-end `as_of` is answered as `close_month <= month(as_of)`.

    'Y' rows hold one calendar year and are cumulative: each row of a group (year,
    region, kind, dim, dim_value) carries the closed-case measures of every case of the
    group closed by its `close_month`, and is the group's row for the as_of months in
    [close_month, close_until) (`close_until` NULL: open-ended). A query reads one row
    per group and sums plain columns. Year rows are read only when as_of is at or after
    the year's end, so closures inside the year are kept in the first row, whose
    `close_month` is the year's first day (every group has one, even if nothing closed).
    The cohort counts (cases, petitions, repeat_petitions) are the group's totals on
    every Y row.

    'D' (day) rows are month rows of one day of acceptance (`period_start` that day):
    with them a period of custom dates reads its edge months' days from the rollups.
    'C' (closing-day) rows hold the closed cases by month of acceptance
    (`period_start`) and day of closing, which on these rows is what `close_month`
    holds: the closures inside as_of's month up to (or after) as_of, when as_of lies
    inside a month. Both exist for townships, districts and the city, dim 'all'; the
    city's day rows also by level, source and category (kpis' mixes).

    `dim`/`dim_value` carry one optional breakdown dimension ('all', 'source', 'level',
    'category', 'center'); 'center' rows exist at township level only, village rows for
    dim 'all' only. Grid rows (`region_level` 'grid', dim 'all') are year rows only, for
    a village's breakdown by grid over whole years; a village's cases without a grid
    are kept under the village's own code. Besides one row set per kind, `kind` = 'all' rows sum the kinds, so
    a question without a kind filter reads a third as many rows; `petitions` counts the
    petitions among a row's cases, `closed` and `petitions_closed` the closed ones.
    """

    __tablename__ = "rollup_cohort"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    grain: Mapped[str] = mapped_column(String(1))
    period_start: Mapped[date] = mapped_column(Date)
    # A region code, or a grid code on grid rows (15 digits).
    region_code: Mapped[str] = mapped_column(String(15))
    region_level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(12))
    close_month: Mapped[date | None] = mapped_column(Date)
    # Y rows: the first as_of month the row no longer answers (NULL: open-ended; always
    # NULL on the other rows).
    close_until: Mapped[date | None] = mapped_column(Date)
    # Month in which the case turns overdue: month of (deadline_at + 1 s), so that
    # "deadline_at < month end" is exactly "due_month <= that month". NULL where it
    # can't matter (see rollups._cohort_from_cases), and on year, day and closing-day
    # rows (the open snapshots are built from the month rows).
    due_month: Mapped[date | None] = mapped_column(Date)
    dim: Mapped[str] = mapped_column(String(10))
    dim_value: Mapped[str] = mapped_column(String(40))
    cases: Mapped[int] = mapped_column(Integer)
    petitions: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    petitions_closed: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    rated: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    satisfied_strict: Mapped[int] = mapped_column(Integer)
    village_contained: Mapped[int] = mapped_column(Integer)
    township_contained: Mapped[int] = mapped_column(Integer)
    repeat_petitions: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        # One scope's own rows: region first, then the periods. The closing months
        # last: a year row's validity test runs on the index entry, so only the one
        # row per group that answers is read from the table.
        Index(
            "ix_rollup_cohort_lookup",
            "dim",
            "grain",
            "region_level",
            "kind",
            "region_code",
            "period_start",
            "close_month",
            "close_until",
        ),
        # A range of regions (every township of a city, for its centers): periods
        # first, so only the period's rows are read.
        Index(
            "ix_rollup_cohort_period",
            "dim",
            "grain",
            "region_level",
            "kind",
            "period_start",
            "region_code",
            "close_month",
            "close_until",
        ),
    )


class RollupOpen(Base):
    """Open and overdue cases at each month end (as_of = last day 23:59:59).

    Derived from the month rows of rollup_cohort; `snapshot_month` is the first day
    of the month whose end the snapshot is taken at. Same dims as rollup_cohort.
    """

    __tablename__ = "rollup_open"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    snapshot_month: Mapped[date] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(String(12))
    region_level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(12))
    dim: Mapped[str] = mapped_column(String(10))
    dim_value: Mapped[str] = mapped_column(String(40))
    open: Mapped[int] = mapped_column(Integer)
    overdue_open: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_rollup_open_lookup", "snapshot_month", "dim", "region_level", "region_code"),
    )


class RollupRepeat(Base):
    """The repeat petitions (METRICS.md repeat_petitions), found once per refresh: their
    ids, and the columns the repeat-petitioner list selects and groups them by
    (caselist.repeat_petitioners reads a city's year of them here, by time, instead of
    looking for each petition's earlier one among all the cases)."""

    __tablename__ = "rollup_repeat"
    case_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    petitioner_key: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(Timestamp)
    village_code: Mapped[str] = mapped_column(String(12))
    grid_code: Mapped[str | None] = mapped_column(String(15))
    source: Mapped[str] = mapped_column(String(20))
    warning_level: Mapped[str] = mapped_column(String(6))
    category: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_rollup_repeat_accepted", "accepted_at", "village_code"),)

    # The cases' columns copied here, in this order (rollups.refresh_rollups).
    COPIED = (
        "petitioner_key",
        "accepted_at",
        "village_code",
        "grid_code",
        "source",
        "warning_level",
        "category",
    )


class CalendarMonth(Base):
    """One row per month the rollups cover; joined to find the month ends a case spans."""

    __tablename__ = "calendar_months"
    month_start: Mapped[date] = mapped_column(Date, primary_key=True)


class DataState(Base):
    """One row: the data version caches key on, and the horizon the rollups cover."""

    __tablename__ = "data_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Latest accepted_at / closed_at in the cases table when the rollups were built.
    max_accepted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    max_event_at: Mapped[datetime | None] = mapped_column(Timestamp)
    rollup_first_month: Mapped[date | None] = mapped_column(Date)
    rollup_last_month: Mapped[date | None] = mapped_column(Date)
    refreshed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The data version whose refresh built the day and closing-day rows: a query reads
    # them only while it equals data_version (a refresh by code that builds no such
    # rows changes the version and leaves this one behind).
    day_rows_version: Mapped[int | None] = mapped_column(BigInteger)
    # Set by `govdash demo` ("seed=..;scale=..;until=..") so a second run is a no-op.
    demo_signature: Mapped[str | None] = mapped_column(String(100))


# Predicates shared by every query: the accepted population.
def accepted_population():
    return Case.status.not_in(EXCLUDED_STATUSES)
