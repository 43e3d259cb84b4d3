"""Drill-through: the cases behind any number on the dashboard, one case's flow log,
and downloads of a whole list.

Every list is the same question as a `metrics.kpis` figure (the scope, period, as_of
and filters are resolved by `metrics.make_query`, the case predicates are those of
`metrics`/`measures`), narrowed by a `status` naming which figure it is:

    all                 受理量      the cohort: accepted in the period (not rejected/void)
    closed              办结量      ... closed by as_of
    resolved            化解量      ... closed, outcome resolved
    unresolved          (办结 − 化解) closed, outcome not resolved
    on_time             按期办结     closed by the deadline
    late                (办结 − 按期) closed after the deadline
    rated               参评量      closed with a satisfaction rating
    satisfied           满意        rated satisfied (or basically; strict setting: satisfied only)
    dissatisfied        (参评 − 满意)
    repeat              重复信访量
    village_contained   小事不出村   closed, settled at grid/village level
    township_contained  大事不出镇   closed, settled at township level or below
    open                在办量      snapshot at as_of, whatever the period
    overdue             超期未办结   open at as_of and past the deadline
    open_in_time        (在办 − 超期) open at as_of and not yet past the deadline
    in_grid             网格内受理量 the cohort's cases placed in a grid (grids.grid_activity)

so `list_cases(..., status=s)["total"]` equals the matching `kpis(...)` count (for
in_grid: the sum of grid_activity's grids).
`center_id` narrows any list to one handling center (the center_load drill-through);
`petitioner` to one petitioner, named by the short label of their key (the repeat
petitioners' drill-through, see `repeat_petitioners`).

Paging and sorting run in SQL (LIMIT/OFFSET over a total order); exports stream the
rows in chunks. Personal data is masked here (see masking.py): no row that leaves
this module carries a full name, phone number or the petitioner key.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, not_, or_, select, union_all

from .labels import (
    CASE_COLUMN_LABELS,
    column_label,
    label,
    list_status_definition,
    list_status_label,
)
from .labels import LIST_STATUSES as _LIST_STATUS_TABLE
from .masking import mask_name, mask_phone, scrub_text
from .measures import (
    REPEAT_WINDOW_SECONDS,
    accepted_population,
    closed_by,
    closed_conditions,
    is_repeat_petition,
)
from .metrics import (
    Query,
    _case_filters,
    _case_scope,
    _connect,
    _meta,
    _open_conditions,
    _strict,
    resolve_query,
)
from .models import EXCLUDED_STATUSES, Case, CaseEvent, Center, Region, RollupRepeat
from .reference import Reference, load_reference
from .regions import UnknownRegion
from .rollups import State, read_state

__all__ = [
    "LIST_STATUSES",
    "SORTABLE_COLUMNS",
    "MAX_PAGE_SIZE",
    "EXPORT_MAX_ROWS",
    "EXPORT_FORMATS",
    "list_cases",
    "case_detail",
    "export_cases",
    "export_filename",
    "default_region",
    "repeat_petitioners",
    "petitioner_label",
    "is_petitioner_label",
    "PETITIONER_LABEL_LENGTH",
    "UnknownRegion",
]

LIST_STATUSES: tuple[str, ...] = tuple(_LIST_STATUS_TABLE)
SNAPSHOT_STATUSES = ("open", "overdue", "open_in_time")
# A petitioner is shown and linked by the first characters of their key: short, and
# (the key being a keyed hash) telling nothing about the person; 48 bits of it, so
# that two petitioners sharing a label is out of the question at a city's size.
PETITIONER_LABEL_LENGTH = 12
REPEAT_WINDOW_DAYS = REPEAT_WINDOW_SECONDS // 86400  # 365: the repeat petition's look-back
_PETITIONER_LABEL = re.compile(rf"[0-9A-Za-z_-]{{1,{PETITIONER_LABEL_LENGTH}}}")
MAX_PAGE_SIZE = 1000
EXPORT_MAX_ROWS = 100_000
EXPORT_FORMATS = ("csv", "xlsx")
_EXPORT_CHUNK = 2000

_LEVEL_RANK = case(
    {"green": 0, "yellow": 1, "orange": 2, "red": 3}, value=Case.warning_level, else_=-1
)
# colId (as AG Grid sends it) -> (SQL expression, nullable). Anything else is ignored.
SORTABLE_COLUMNS: dict[str, tuple[Any, bool]] = {
    "case_no": (Case.case_no, False),
    "kind": (Case.kind, False),
    "source": (Case.source, False),
    "category": (Case.category, False),
    "warning_level": (_LEVEL_RANK, False),  # by severity: desc = red first
    "village_code": (Case.village_code, False),
    "village_name": (Region.name, True),
    "grid_code": (Case.grid_code, True),
    "center_name": (Center.name, True),
    "status": (Case.status, False),
    "accepted_at": (Case.accepted_at, False),
    "deadline_at": (Case.deadline_at, False),
    "closed_at": (Case.closed_at, True),
    "outcome": (Case.outcome, True),
    "resolved_level": (Case.resolved_level, True),
    "satisfaction": (Case.satisfaction, True),
    "visited_at": (Case.visited_at, True),
}
DEFAULT_SORT = ({"colId": "accepted_at", "sort": "desc"},)

# Columns read from the cases table (petitioner_key is never read).
_CASE_COLUMNS = (
    Case.id,
    Case.case_no,
    Case.kind,
    Case.source,
    Case.category,
    Case.warning_level,
    Case.village_code,
    Case.grid_code,
    Case.center_id,
    Case.status,
    Case.accepted_at,
    Case.deadline_at,
    Case.closed_at,
    Case.outcome,
    Case.resolved_level,
    Case.satisfaction,
    Case.visited_at,
    Case.party_name,
    Case.party_phone,
    Case.summary,
)
# The keys of a returned row, in display order.
ROW_KEYS = (
    "case_no",
    "kind",
    "source",
    "category",
    "warning_level",
    "district_name",
    "township_name",
    "village_name",
    "village_code",
    "grid_code",
    "grid_name",
    "center_id",
    "center_name",
    "status",
    "accepted_at",
    "deadline_at",
    "closed_at",
    "outcome",
    "resolved_level",
    "satisfaction",
    "visited_at",
    "party_name",
    "party_phone",
    "summary",
    "open_at_as_of",
    "overdue_at_as_of",
)
_ENUM_FIELD = {
    "category": "category",
    "kind": "kind",
    "source": "source",
    "warning_level": "warning_level",
    "status": "status",
    "outcome": "outcome",
    "resolved_level": "resolved_level",
    "satisfaction": "satisfaction",
}
EXPORT_COLUMNS = tuple(c for c in CASE_COLUMN_LABELS if c != "grid_name")


# --------------------------------------------------------------------- the question
class _Resolved:
    """A resolved list question: the metrics Query plus status, center and reference."""

    def __init__(
        self,
        q: Query,
        status: str,
        center_id: int | None,
        state: State | None,
        ref: Reference,
        strict: bool,
        petitioner: str | None = None,
    ) -> None:
        self.q, self.status, self.center_id = q, status, center_id
        self.state, self.ref, self.strict = state, ref, strict
        self.petitioner = petitioner

    def conditions(self) -> list:
        """WHERE conditions selecting exactly the cases the matching kpis figure counts."""
        q = self.q
        center = [] if self.center_id is None else [Case.center_id == self.center_id]
        if self.petitioner is not None:
            center.append(_petitioner_is(self.petitioner))
        if self.status in SNAPSHOT_STATUSES:
            # 在办 at as_of over the scope, whatever the period: the kpis snapshot rule.
            conditions = _open_conditions(q, self.state) + center
            if self.status == "overdue":
                conditions.append(Case.deadline_at < q.as_of)
            elif self.status == "open_in_time":
                conditions.append(Case.deadline_at >= q.as_of)
            return conditions
        conditions = _case_filters(q) + center
        # The cohort: accepted in the period (up to as_of), observed at as_of.
        conditions.append(Case.accepted_at.between(q.start, q.end))
        closed = closed_by(q.as_of)
        by = closed_conditions(closed)
        satisfied_values = ("satisfied",) if self.strict else ("satisfied", "basically_satisfied")
        extra = {
            "all": None,
            "closed": by["closed"],
            "resolved": by["resolved"],
            "unresolved": and_(closed, or_(Case.outcome.is_(None), Case.outcome != "resolved")),
            "on_time": by["on_time"],
            "late": and_(closed, Case.closed_at > Case.deadline_at),
            "rated": by["rated"],
            "satisfied": by["satisfied_strict" if self.strict else "satisfied"],
            "dissatisfied": and_(by["rated"], not_(Case.satisfaction.in_(satisfied_values))),
            "repeat": is_repeat_petition(),
            "village_contained": by["village_contained"],
            "township_contained": by["township_contained"],
            "in_grid": Case.grid_code.is_not(None),
        }[self.status]
        if extra is not None:
            conditions.append(extra)
        return conditions

    def meta(self, total: int | None) -> dict[str, Any]:
        q = self.q
        center = self.ref.centers.get(self.center_id) if self.center_id is not None else None
        return {
            "region": q.scope.code,
            "region_name": q.scope.name,
            "region_level": q.scope.level,
            "from": q.date_from.isoformat(),
            "to": q.date_to.isoformat(),
            "as_of": q.as_of.isoformat(sep=" "),
            "status": self.status,
            "kind": q.kind,
            "source": q.source,
            "warning_level": q.warning_level,
            "category": q.category,
            "center_id": self.center_id,
            "center_name": center.name if center else None,
            "petitioner": self.petitioner,
            "strict_satisfaction": self.strict,
            "total": total,
            "data_version": self.state.data_version if self.state else 0,
        }


def _resolve(
    conn: Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None,
    *,
    kind: str | None,
    source: str | None,
    warning_level: str | None,
    category: str | None,
    status: str,
    center_id: int | None,
    strict_satisfaction: bool | None,
    now: datetime | None,
    petitioner: str | None = None,
) -> _Resolved:
    if status not in LIST_STATUSES:
        raise ValueError(f"unknown status {status!r} (expected one of: {', '.join(LIST_STATUSES)})")
    if center_id is not None:
        try:
            center_id = int(center_id)
        except (TypeError, ValueError):
            raise ValueError(f"not a center id: {center_id!r}") from None
    if petitioner is not None and not is_petitioner_label(petitioner):
        raise ValueError(f"not a petitioner label: {petitioner!r}")
    state, ref, q = resolve_query(
        conn, region, date_from, date_to, as_of, kind=kind, source=source,
        warning_level=warning_level, category=category, now=now,
    )  # fmt: skip
    return _Resolved(q, status, center_id, state, ref, _strict(strict_satisfaction), petitioner)


def _order_by(sort: Any) -> list:
    """ORDER BY from an AG Grid sortModel; unknown columns and directions are ignored.

    Always ends with the primary key, so the order is total and pages are disjoint.
    """
    if isinstance(sort, dict):
        sort = [sort]
    clauses, seen = [], set()
    for item in sort or ():
        if not isinstance(item, dict):
            continue
        column, direction = item.get("colId"), item.get("sort")
        if column not in SORTABLE_COLUMNS or direction not in ("asc", "desc") or column in seen:
            continue
        seen.add(column)
        expr, nullable = SORTABLE_COLUMNS[column]
        clause = expr.asc() if direction == "asc" else expr.desc()
        clauses.append(clause.nulls_last() if nullable else clause)
    if not clauses:
        clauses = [Case.accepted_at.desc()]
    clauses.append(Case.id.desc())
    return clauses


def _sort_used(sort: Any) -> list[dict[str, str]]:
    if isinstance(sort, dict):
        sort = [sort]
    used = [
        {"colId": s["colId"], "sort": s["sort"]}
        for s in (sort or ())
        if isinstance(s, dict)
        and s.get("colId") in SORTABLE_COLUMNS
        and s.get("sort") in ("asc", "desc")
    ]
    return used or [dict(s) for s in DEFAULT_SORT]


def _rows_statement(r: _Resolved, sort: Any):
    return (
        select(*_CASE_COLUMNS, Region.name.label("village_name"), Center.name.label("center_name"))
        .select_from(Case)
        .outerjoin(Region, Region.code == Case.village_code)
        .outerjoin(Center, Center.id == Case.center_id)
        .where(*r.conditions())
        .order_by(*_order_by(sort))
    )


def _count(conn: Connection, r: _Resolved) -> int:
    return int(conn.execute(select(func.count()).select_from(Case).where(*r.conditions())).scalar())


def _row_out(row: Any, ref: Reference, as_of: datetime) -> dict[str, Any]:
    """One case as plain data, personal fields masked."""
    village = row.village_code
    regions = ref.regions
    grid = regions.grids.get(row.grid_code) if row.grid_code else None
    is_open = row.accepted_at <= as_of and (row.closed_at is None or row.closed_at > as_of)
    return {
        "case_no": row.case_no,
        "kind": row.kind,
        "source": row.source,
        "category": row.category,
        "warning_level": row.warning_level,
        "district_name": regions.name(village[:6]) if village else "",
        "township_name": regions.name(village[:9]) if village else "",
        "village_name": row.village_name or regions.name(village),
        "village_code": village,
        "grid_code": row.grid_code,
        "grid_name": grid[0] if grid else None,
        "center_id": row.center_id,
        "center_name": row.center_name,
        "status": row.status,
        "accepted_at": row.accepted_at,
        "deadline_at": row.deadline_at,
        "closed_at": row.closed_at,
        "outcome": row.outcome,
        "resolved_level": row.resolved_level,
        "satisfaction": row.satisfaction,
        "visited_at": row.visited_at,
        "party_name": mask_name(row.party_name),
        "party_phone": mask_phone(row.party_phone),
        "summary": scrub_text(row.summary),
        "open_at_as_of": is_open,
        "overdue_at_as_of": is_open and row.deadline_at < as_of,
    }


# --------------------------------------------------------------------- public API
def list_cases(
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
    status: str = "all",
    center_id: int | None = None,
    petitioner: str | None = None,
    offset: int = 0,
    limit: int = 100,
    sort: Any = None,
    count: bool = True,
    strict_satisfaction: bool | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One page of the cases behind a figure: {"rows", "total", "meta"}.

    `sort` is an AG Grid sortModel ([{"colId": "accepted_at", "sort": "desc"}]);
    columns outside SORTABLE_COLUMNS are ignored. `limit` is capped at MAX_PAGE_SIZE.
    `count=False` skips the COUNT query (total None) for pages after the first.
    Raises UnknownRegion / ValueError for a bad scope, period, filter or status.
    """
    offset = max(0, int(offset or 0))
    limit = min(max(0, int(limit if limit is not None else 100)), MAX_PAGE_SIZE)
    with _connect(bind) as conn:
        r = _resolve(
            conn,
            region,
            date_from,
            date_to,
            as_of,
            kind=kind,
            source=source,
            warning_level=warning_level,
            category=category,
            status=status,
            center_id=center_id,
            strict_satisfaction=strict_satisfaction,
            now=now,
            petitioner=petitioner,
        )
        total = _count(conn, r) if count else None
        rows: list[dict[str, Any]] = []
        if limit and (total is None or offset < total):
            stmt = _rows_statement(r, sort).offset(offset).limit(limit)
            rows = [_row_out(row, r.ref, r.q.as_of) for row in conn.execute(stmt)]
        meta = r.meta(total)
        meta["sort"] = _sort_used(sort)
        return {"rows": rows, "total": total, "meta": meta}


def default_region(bind: Engine | Connection) -> str | None:
    """The top region of the database (the city), or None if there are no regions."""
    with _connect(bind) as conn:
        return load_reference(conn, read_state(conn)).regions.top_code()


# --------------------------------------------------------------------- repeat petitioners
def petitioner_label(key: str) -> str:
    """The short label a petitioner is shown and linked by: the key's first characters."""
    return key[:PETITIONER_LABEL_LENGTH]


def is_petitioner_label(text: str | None) -> bool:
    """Whether `text` can be a petitioner label (what a /cases URL may carry)."""
    return bool(text) and _PETITIONER_LABEL.fullmatch(str(text)) is not None


def _petitioner_is(label: str):
    """Cases of the petitioner whose key starts with `label` (an exact comparison of the
    key's first characters: no LIKE, so no wildcard in a label can widen it)."""
    return and_(
        Case.petitioner_key.is_not(None),
        func.substr(Case.petitioner_key, 1, PETITIONER_LABEL_LENGTH) == label,
    )


def repeat_petitioners(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    source: str | None = None,
    warning_level: str | None = None,
    category: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> dict[str, Any]:
    """重复信访人: the petitioners behind the period's repeat petitions (docs/METRICS.md).

    A repeat petitioner of (scope, period, filters) is the key of at least one petition
    that `repeat_petitions` counts there. Each row: the key's short label (never the
    key), the masked party name of the latest petition, `repeats` (their repeat
    petitions the figure counts), `petitions` with first and latest acceptance (every
    accepted petition of the key anywhere in the city from 365 days before the period
    starts to its end: the window every earlier petition of a repeat lies in, so at
    least 2), and the townships and centers of those petitions. Ordered by repeats,
    then the latest repeat, descending; at most `limit` rows (LIMIT in SQL), whose
    history alone is read.

    Returns {"rows", "total" (petitioners), "repeat_petitions" (the sum of `repeats`
    over all of them: the kpis figure), "window_from", "window_to", "meta"}.
    """
    limit = min(max(0, int(limit)), MAX_PAGE_SIZE)
    with _connect(bind) as conn:
        state, ref, q = resolve_query(
            conn, region, date_from, date_to, as_of, kind="petition", source=source,
            warning_level=warning_level, category=category, now=now,
        )  # fmt: skip
        found = _repeat_petitions(q, state, conn.dialect.name)
        repeats = (
            select(
                found.c.key,
                func.count().label("repeats"),
                func.max(found.c.accepted_at).label("latest_repeat"),
            )
            .group_by(found.c.key)
            .subquery("repeat_keys")
        )
        total, repeat_count = conn.execute(
            select(func.count(), func.coalesce(func.sum(repeats.c.repeats), 0))
        ).one()
        # The rows shown: the most repeats first (then the latest), their petition
        # history read for those keys only.
        shown = (
            select(repeats.c.key, repeats.c.repeats, repeats.c.latest_repeat)
            .order_by(repeats.c.repeats.desc(), repeats.c.latest_repeat.desc(), repeats.c.key)
            .limit(limit)
            .subquery("shown_keys")
        )
        window_from = q.date_from - timedelta(days=REPEAT_WINDOW_DAYS)
        in_window = [
            Case.kind == "petition",
            accepted_population(),
            Case.accepted_at.between(datetime.combine(window_from, time.min), q.end),
        ]
        petitions = func.count(Case.id).label("petitions")
        latest_at = func.max(Case.accepted_at).label("latest_at")
        history = conn.execute(
            select(
                shown.c.key,
                shown.c.repeats,
                petitions,
                func.min(Case.accepted_at).label("first_at"),
                latest_at,
            )
            .select_from(shown.join(Case, Case.petitioner_key == shown.c.key))
            .where(*in_window)
            .group_by(shown.c.key, shown.c.repeats, shown.c.latest_repeat)
            .order_by(shown.c.repeats.desc(), shown.c.latest_repeat.desc(), shown.c.key)
        ).all()
        keys = [row.key for row in history]
        places, names = _petitioner_details(conn, keys, in_window) if keys else ({}, {})
    regions = ref.regions
    rows = []
    for row in history:
        townships, centers = places.get(row.key, (set(), set()))
        rows.append(
            {
                "label": petitioner_label(row.key),
                "party_name": mask_name(names.get(row.key)),
                "repeats": int(row.repeats),
                "petitions": int(row.petitions),
                "first_at": row.first_at,
                "latest_at": row.latest_at,
                "townships": [
                    {"code": code, "name": regions.name(code)} for code in sorted(townships)
                ],
                "centers": [
                    {
                        "id": center_id,
                        "name": ref.centers[center_id].name
                        if center_id in ref.centers
                        else str(center_id),
                    }
                    for center_id in sorted(centers)
                ],
            }
        )
    meta = _meta(q, state, ref)
    return {
        "rows": rows,
        "total": int(total),
        "repeat_petitions": int(repeat_count),
        "window_from": window_from,
        "window_to": q.date_to,
        "meta": meta,
    }


def _repeat_petitions(q: Query, state: State | None, dialect: str):
    """The repeat petitions of `q` (its scope, period and filters) as (key,
    accepted_at): those the last refresh found, from rollup_repeat by time, and those
    accepted since, searched among the cases (none unless cases came in without a
    refresh); or all searched among the cases if the rollups were never built."""
    # Rollups marked stale (max_event_at emptied by a migration) are not read either.
    if state is None or state.max_accepted_at is None or state.max_event_at is None:
        return (
            select(Case.petitioner_key.label("key"), Case.accepted_at)
            .where(*_case_filters(q), is_repeat_petition())
            .where(Case.accepted_at.between(q.start, q.end))
            .subquery("repeats")
        )
    horizon = state.max_accepted_at
    stored = select(RollupRepeat.petitioner_key.label("key"), RollupRepeat.accepted_at).where(
        _case_scope(q.scope, table=RollupRepeat),
        RollupRepeat.accepted_at.between(q.start, min(q.end, horizon)),
        *(
            column == value
            for column, value in (
                (RollupRepeat.source, q.source),
                (RollupRepeat.warning_level, q.warning_level),
                (RollupRepeat.category, q.category),
            )
            if value
        ),
    )
    if q.end <= horizon:
        return stored.subquery("repeats")
    # Since the refresh: a short time range of the cases, read by time (SQLite's planner
    # would take the village index for a range of villages: every case of a city).
    since = select(Case.petitioner_key.label("key"), Case.accepted_at).where(
        *_case_filters(q, time_first=dialect == "sqlite"),
        is_repeat_petition(),
        Case.accepted_at > horizon,
        Case.accepted_at.between(q.start, q.end),
    )
    return union_all(stored, since).subquery("repeats")


def _petitioner_details(
    conn: Connection, keys: list[str], in_window: list
) -> tuple[dict[str, tuple[set[str], set[int]]], dict[str, str | None]]:
    """The townships and centers of each key's petitions in the window, and the party
    name of its latest one (unmasked: the caller masks it)."""
    places: dict[str, tuple[set[str], set[int]]] = {}
    township = func.substr(Case.village_code, 1, 9).label("township")
    for key, code, center_id in conn.execute(
        select(Case.petitioner_key, township, Case.center_id)
        .where(Case.petitioner_key.in_(keys), *in_window)
        .group_by(Case.petitioner_key, township, Case.center_id)
    ):
        townships, centers = places.setdefault(key, (set(), set()))
        townships.add(code)
        centers.add(int(center_id))
    latest = (
        select(Case.petitioner_key.label("key"), func.max(Case.accepted_at).label("at"))
        .where(Case.petitioner_key.in_(keys), *in_window)
        .group_by(Case.petitioner_key)
        .subquery("latest")
    )
    names: dict[str, tuple[str, str | None]] = {}
    for key, case_no, party_name in conn.execute(
        select(Case.petitioner_key, Case.case_no, Case.party_name)
        .join(latest, and_(Case.petitioner_key == latest.c.key, Case.accepted_at == latest.c.at))
        .where(*in_window)
    ):
        # Two petitions at the same second: the higher case number stands for the latest.
        if key not in names or case_no > names[key][0]:
            names[key] = (case_no, party_name)
    return places, {key: name for key, (_no, name) in names.items()}


def case_detail(bind: Engine | Connection, case_no: str) -> dict[str, Any] | None:
    """One case (masked) with its flow log ordered by time, or None if there is none."""
    case_no = (case_no or "").strip()
    if not case_no or len(case_no) > 40:
        return None
    with _connect(bind) as conn:
        state = read_state(conn)
        ref = load_reference(conn, state)
        row = conn.execute(
            select(
                *_CASE_COLUMNS,
                Region.name.label("village_name"),
                Center.name.label("center_name"),
            )
            .select_from(Case)
            .outerjoin(Region, Region.code == Case.village_code)
            .outerjoin(Center, Center.id == Case.center_id)
            .where(Case.case_no == case_no)
        ).first()
        if row is None:
            return None
        events = conn.execute(
            select(
                CaseEvent.at,
                CaseEvent.action,
                CaseEvent.from_center_id,
                CaseEvent.to_center_id,
                CaseEvent.note,
            )
            .where(CaseEvent.case_id == row.id)
            .order_by(CaseEvent.at, CaseEvent.id)
        ).all()
    detail = _row_out(row, ref, datetime.now().replace(microsecond=0))
    del detail["open_at_as_of"], detail["overdue_at_as_of"]
    center = ref.centers.get(row.center_id)
    detail["center_level"] = center.level if center else None
    detail["in_population"] = row.status not in EXCLUDED_STATUSES
    detail["deadline_passed_open"] = row.closed_at is None and row.deadline_at < datetime.now()
    try:
        path = ref.regions.path(row.village_code)
    except UnknownRegion:
        path = []
    detail["region_path"] = [{"code": s.code, "name": s.name, "level": s.level} for s in path]

    def center_name(center_id: int | None) -> str | None:
        if center_id is None:
            return None
        info = ref.centers.get(center_id)
        return info.name if info else str(center_id)

    detail["events"] = [
        {
            "at": event.at,
            "action": event.action,
            "action_label": label("action", event.action, "zh"),
            "action_label_en": label("action", event.action, "en"),
            "from_center_id": event.from_center_id,
            "from_center": center_name(event.from_center_id),
            "to_center_id": event.to_center_id,
            "to_center": center_name(event.to_center_id),
            "note": scrub_text(event.note),
        }
        for event in events
    ]
    return detail


# --------------------------------------------------------------------- exports
_META_LABELS = {
    "title": ("案件清单", "Case list"),
    "scope": ("范围", "Scope"),
    "period": ("统计期", "Period"),
    "as_of": ("统计时点", "As of"),
    "definition": ("口径", "Definition"),
    "filters": ("筛选条件", "Filters"),
    "sort": ("排序", "Sort"),
    "total": ("案件数", "Cases"),
    "exported": ("导出条数", "Rows exported"),
    "note": ("说明", "Note"),
    "exported_at": ("导出时间", "Exported at"),
    "none": ("无", "none"),
    "to": ("至", "to"),
    "masked": (
        "当事人姓名、联系电话已脱敏；口径见 METRICS.md。",
        "Party names and phone numbers are masked; definitions in METRICS.md.",
    ),
    "capped": (
        "仅导出前 {max:,} 条（共 {total:,} 条），请缩小范围后分批导出。",
        "Only the first {max:,} of {total:,} rows are exported; narrow the filters to get the rest.",
    ),
    "center": ("承办中心", "Handling center"),
    "petitioner": ("信访人", "Petitioner"),
    "asc": ("升序", "ascending"),
    "desc": ("降序", "descending"),
    "sheet_info": ("说明", "About"),
    "sheet_rows": ("案件", "Cases"),
}


def _t(key: str, lang: str) -> str:
    pair = _META_LABELS[key]
    return pair[1] if lang == "en" else pair[0]


def _meta_lines(
    meta: dict[str, Any], exported: int, max_rows: int, lang: str, now: datetime
) -> list[tuple[str, str]]:
    filters = []
    for name, field in (
        ("kind", "kind"),
        ("source", "source"),
        ("warning_level", "warning_level"),
    ):
        if meta.get(name):
            filters.append(f"{column_label(field, lang)}={label(field, meta[name], lang)}")
    if meta.get("category"):
        filters.append(
            f"{column_label('category', lang)}={label('category', meta['category'], lang)}"
        )
    if meta.get("center_id") is not None:
        filters.append(f"{_t('center', lang)}={meta.get('center_name') or meta['center_id']}")
    if meta.get("petitioner"):
        filters.append(f"{_t('petitioner', lang)}={meta['petitioner']}")
    status = meta["status"]
    sort = "; ".join(
        f"{column_label(s['colId'], lang)} {_t(s['sort'], lang)}" for s in meta["sort"]
    )
    lines = [
        (_t("title", lang), ""),
        (_t("scope", lang), f"{meta['region_name']} ({meta['region']})"),
        (_t("period", lang), f"{meta['from']} {_t('to', lang)} {meta['to']}"),
        (_t("as_of", lang), meta["as_of"]),
        (
            _t("definition", lang),
            f"{list_status_label(status, lang)} ({status}): {list_status_definition(status, lang)}",
        ),
        (_t("filters", lang), "; ".join(filters) if filters else _t("none", lang)),
        (_t("sort", lang), sort),
        (_t("total", lang), str(meta["total"])),
        (_t("exported", lang), str(exported)),
        (_t("note", lang), _t("masked", lang)),
    ]
    if meta["total"] > exported:
        lines.append(
            (_t("note", lang), _t("capped", lang).format(max=max_rows, total=meta["total"]))
        )
    lines.append((_t("exported_at", lang), now.isoformat(sep=" ")))
    return lines


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV/formula injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _export_values(row: dict[str, Any], lang: str) -> list[Any]:
    out: list[Any] = []
    for column in EXPORT_COLUMNS:
        value = row.get(column)
        if column in _ENUM_FIELD:
            value = label(_ENUM_FIELD[column], value, lang)
        if isinstance(value, str):
            value = _safe_text(value)
        out.append(value)
    return out


def _stream_rows(conn: Connection, r: _Resolved, sort: Any, limit: int) -> Iterator[list[dict]]:
    stmt = _rows_statement(r, sort).limit(limit)
    result = conn.execution_options(yield_per=_EXPORT_CHUNK).execute(stmt)
    try:
        for partition in result.partitions():
            yield [_row_out(row, r.ref, r.q.as_of) for row in partition]
    finally:
        result.close()


def _csv_bytes(
    meta_lines: list[tuple[str, str]], header: list[str], chunks: Iterable[list[dict]], lang: str
) -> bytes:
    out = io.BytesIO()
    out.write(codecs.BOM_UTF8)  # Excel then reads the file as UTF-8

    def emit(rows: Iterable[list[Any]]) -> None:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerows(rows)
        out.write(text.getvalue().encode("utf-8"))

    emit([[_safe_text(k), _safe_text(v)] for k, v in meta_lines] + [[]] + [header])
    for chunk in chunks:
        emit(
            [
                [
                    v.isoformat(sep=" ") if isinstance(v, datetime) else ("" if v is None else v)
                    for v in _export_values(row, lang)
                ]
                for row in chunk
            ]
        )
    return out.getvalue()


def _xlsx_bytes(
    meta_lines: list[tuple[str, str]], header: list[str], chunks: Iterable[list[dict]], lang: str
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    info = workbook.create_sheet(_t("sheet_info", lang))
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 100
    bold = Font(bold=True)
    for key, value in meta_lines:
        key_cell = WriteOnlyCell(info, value=key)
        key_cell.font = bold
        info.append([key_cell, _safe_text(value)])

    sheet = workbook.create_sheet(_t("sheet_rows", lang))
    widths = {
        "case_no": 22,
        "summary": 60,
        "accepted_at": 19,
        "deadline_at": 19,
        "closed_at": 19,
        "visited_at": 19,
        "center_name": 24,
        "village_name": 24,
        "township_name": 16,
        "grid_code": 17,
        "village_code": 14,
    }
    for index, column in enumerate(EXPORT_COLUMNS):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(column, 12)
    sheet.freeze_panes = "A2"
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    date_columns = {
        i
        for i, c in enumerate(EXPORT_COLUMNS)
        if c in ("accepted_at", "deadline_at", "closed_at", "visited_at")
    }
    for chunk in chunks:
        for row in chunk:
            values = _export_values(row, lang)
            cells = []
            for i, value in enumerate(values):
                if i in date_columns and value is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def export_cases(
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
    status: str = "all",
    center_id: int | None = None,
    petitioner: str | None = None,
    sort: Any = None,
    fmt: str = "csv",
    lang: str = "zh",
    max_rows: int = EXPORT_MAX_ROWS,
    strict_satisfaction: bool | None = None,
    now: datetime | None = None,
) -> bytes:
    """The whole filtered list as a file: CSV (UTF-8 with BOM) or XLSX.

    Both start with what the list is (scope, period, as_of, 口径, filters, counts):
    the first lines of the CSV (then a blank line, then the header row), the first
    sheet of the workbook. At most `max_rows` rows; a note says when rows were left out.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (expected csv or xlsx)")
    lang = "en" if lang == "en" else "zh"
    max_rows = max(1, int(max_rows))
    with _connect(bind) as conn:
        r = _resolve(
            conn,
            region,
            date_from,
            date_to,
            as_of,
            kind=kind,
            source=source,
            warning_level=warning_level,
            category=category,
            status=status,
            center_id=center_id,
            strict_satisfaction=strict_satisfaction,
            now=now,
            petitioner=petitioner,
        )
        total = _count(conn, r)
        meta = r.meta(total)
        meta["sort"] = _sort_used(sort)
        exported = min(total, max_rows)
        lines = _meta_lines(
            meta, exported, max_rows, lang, (now or datetime.now()).replace(microsecond=0)
        )
        header = [column_label(c, lang) for c in EXPORT_COLUMNS]
        chunks = _stream_rows(conn, r, sort, exported) if exported else iter(())
        if fmt == "csv":
            return _csv_bytes(lines, header, chunks, lang)
        return _xlsx_bytes(lines, header, chunks, lang)


def export_filename(meta: dict[str, Any], fmt: str, lang: str = "zh") -> str:
    """A file name naming the list: 案件清单_昆都仑区_2024-01-01_2024-12-31_closed.xlsx."""
    title = _t("title", lang).replace(" ", "_")
    name = "".join(ch for ch in str(meta.get("region_name") or meta["region"]) if ch.isalnum())
    return f"{title}_{name}_{meta['from']}_{meta['to']}_{meta['status']}.{fmt}"
