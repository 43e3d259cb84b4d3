"""Grid activity: how many cases each grid under a region reported in a period, and
which grids were silent (none), per child region. Same cohort rule as metrics.py
(accepted in P, seen at as_of; rejected/void left out); the same filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select

from .measures import accepted_population
from .metrics import _connect, _meta, resolve_query
from .models import Case, Grid

__all__ = ["grid_activity"]


def grid_activity(
    bind: Engine | Connection,
    region: str,
    date_from: date,
    date_to: date,
    as_of: datetime | date | None = None,
    *,
    kind: str | None = None,
    source: str | None = None,
    warning_level: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every grid under `region` with its count of accepted cases in the period
    (zero included), and per child region: grids, silent grids, cases.

    Returns {"grids": [{code, name, village_code, member_count, accepted}],
    "by_child": [{key, name, grids, silent_grids, accepted}], "meta"} — grids sorted by
    code, children in code order (for a village the children are its grids); meta as
    metrics' (its as_of: the moment the counts were read at).
    """
    with _connect(bind) as conn:
        state, ref, q = resolve_query(
            conn, region, date_from, date_to, as_of, kind=kind, source=source,
            warning_level=warning_level, now=now,
        )  # fmt: skip
        scope = q.scope
        if scope.level == "grid":
            grid_filter = Grid.code == scope.code
        elif scope.level == "village":
            grid_filter = Grid.village_code == scope.code
        else:
            low, high = scope.village_range
            grid_filter = Grid.village_code.between(low, high)
        case_conditions = [
            Case.grid_code == Grid.code,
            accepted_population(),
            Case.accepted_at.between(q.start, q.end),
        ]
        if kind:
            case_conditions.append(Case.kind == kind)
        if source:
            case_conditions.append(Case.source == source)
        if warning_level:
            case_conditions.append(Case.warning_level == warning_level)
        query = (
            select(
                Grid.code,
                Grid.name,
                Grid.village_code,
                Grid.member_count,
                func.count(Case.id).label("accepted"),
            )
            .select_from(Grid.__table__.outerjoin(Case.__table__, and_(*case_conditions)))
            .where(grid_filter)
            .group_by(Grid.code, Grid.name, Grid.village_code, Grid.member_count)
            .order_by(Grid.code)
        )
        grids = [
            {
                "code": row.code,
                "name": row.name,
                "village_code": row.village_code,
                "member_count": int(row.member_count or 0),
                "accepted": int(row.accepted or 0),
            }
            for row in conn.execute(query)
        ]
        digits = {"city": 6, "district": 9, "township": 12}.get(scope.level)
        by_child: dict[str, dict[str, Any]] = {}
        for child in ref.regions.child_codes(scope.code) if scope.level != "grid" else []:
            by_child[child] = {
                "key": child,
                "name": ref.regions.name(child),
                "grids": 0,
                "silent_grids": 0,
                "accepted": 0,
            }
        for grid in grids:
            key = grid["village_code"][:digits] if digits else grid["code"]
            entry = by_child.setdefault(
                key,
                {
                    "key": key,
                    "name": ref.regions.name(key),
                    "grids": 0,
                    "silent_grids": 0,
                    "accepted": 0,
                },
            )
            entry["grids"] += 1
            entry["silent_grids"] += grid["accepted"] == 0
            entry["accepted"] += grid["accepted"]
        return {
            "grids": grids,
            "by_child": [by_child[k] for k in sorted(by_child)],
            "meta": _meta(q, state, ref),
        }
