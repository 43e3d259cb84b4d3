"""Case-level SQL expressions shared by the straight queries and the rollup builds.

Writing each definition of METRICS.md once here is what keeps the rollup path and
the straight path giving the same figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import aliased

from .models import EXCLUDED_STATUSES, Case
from .sqlfuncs import shift_seconds

REPEAT_WINDOW_SECONDS = 365 * 86400

# Measures summed everywhere; every rate of METRICS.md is a ratio of two of them.
# `cases` counts the cohort; all others except repeat_petitions count closed cases.
MEASURES = (
    "cases",
    "closed",
    "resolved",
    "on_time",
    "rated",
    "satisfied",
    "satisfied_strict",
    "village_contained",
    "township_contained",
    "repeat_petitions",
    "petitions",
    "petitions_closed",
)


# The measures that count closed cases (each has a condition in closed_conditions).
CLOSED_MEASURES = (
    "closed",
    "resolved",
    "on_time",
    "rated",
    "satisfied",
    "satisfied_strict",
    "village_contained",
    "township_contained",
)


def accepted_population() -> ColumnElement[bool]:
    """Everything but 不予受理 (rejected) and 作废 (void)."""
    return Case.status.not_in(EXCLUDED_STATUSES)


def is_repeat_petition() -> ColumnElement[bool]:
    """A petition whose petitioner has another accepted petition in the 365 days before it.

    The window is [accepted_at - 365 days, accepted_at): the earlier petition must be
    strictly earlier. It may be anywhere in the city. A NULL key is never a repeat.
    """
    earlier = aliased(Case, name="earlier_petition")
    return and_(
        Case.kind == "petition",
        Case.petitioner_key.is_not(None),
        exists(
            select(earlier.id).where(
                earlier.petitioner_key == Case.petitioner_key,
                earlier.kind == "petition",
                earlier.status.not_in(EXCLUDED_STATUSES),
                earlier.accepted_at >= shift_seconds(Case.accepted_at, -REPEAT_WINDOW_SECONDS),
                earlier.accepted_at < Case.accepted_at,
            )
        ),
    )


def closed_conditions(closed: ColumnElement[bool]) -> dict[str, ColumnElement[bool]]:
    """The per-case condition of each closed-case measure, given what "closed" means."""
    return {
        "closed": closed,
        "resolved": and_(closed, Case.outcome == "resolved"),
        "on_time": and_(closed, Case.closed_at <= Case.deadline_at),
        "rated": and_(closed, Case.satisfaction.is_not(None)),
        "satisfied": and_(closed, Case.satisfaction.in_(("satisfied", "basically_satisfied"))),
        "satisfied_strict": and_(closed, Case.satisfaction == "satisfied"),
        "village_contained": and_(closed, Case.resolved_level.in_(("grid", "village"))),
        "township_contained": and_(
            closed, Case.resolved_level.in_(("grid", "village", "township"))
        ),
    }


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def closed_by(as_of: datetime) -> ColumnElement[bool]:
    return and_(Case.closed_at.is_not(None), Case.closed_at <= as_of)
