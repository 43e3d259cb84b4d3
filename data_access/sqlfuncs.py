"""The few date expressions whose SQL differs between SQLite and PostgreSQL.

Each is written once as a construct and compiled per dialect, so every query in
data_access is written once for both engines.
"""

from __future__ import annotations

from sqlalchemy import Date, DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class month_start(FunctionElement):  # noqa: N801 - reads like a SQL function
    """First day of the month of a timestamp, as a DATE."""

    type = Date()
    inherit_cache = True
    name = "month_start"


class day_start(FunctionElement):  # noqa: N801
    """The day of a timestamp, as a DATE."""

    type = Date()
    inherit_cache = True
    name = "day_start"


class year_start(FunctionElement):  # noqa: N801
    """First day of the year of a timestamp, as a DATE."""

    type = Date()
    inherit_cache = True
    name = "year_start"


class shift_seconds(FunctionElement):  # noqa: N801
    """A timestamp moved by a whole number of seconds (days: pass days * 86400)."""

    type = DateTime()
    # The offset is rendered inline, so it must be part of the statement cache key.
    _traverse_internals = FunctionElement._traverse_internals + [
        ("seconds", InternalTraversal.dp_plain_obj)
    ]
    inherit_cache = True
    name = "shift_seconds"

    def __init__(self, expr: ColumnElement, seconds: int) -> None:
        self.seconds = int(seconds)
        super().__init__(expr)


# SQLite stores timestamps as 'YYYY-MM-DD HH:MM:SS' text (models.Timestamp) and dates
# as 'YYYY-MM-DD': the month and the year are a prefix. substr() is several times
# cheaper than strftime(), and a rollup refresh evaluates these on every case a few
# times over. (NULL stays NULL either way.)
@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return f"(substr({compiler.process(element.clauses, **kw)}, 1, 7) || '-01')"


@compiles(month_start, "postgresql")
def _month_start_pg(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(day_start, "sqlite")
def _day_start_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(day_start, "postgresql")
def _day_start_pg(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(year_start, "sqlite")
def _year_start_sqlite(element, compiler, **kw):
    return f"(substr({compiler.process(element.clauses, **kw)}, 1, 4) || '-01-01')"


@compiles(year_start, "postgresql")
def _year_start_pg(element, compiler, **kw):
    return f"CAST(date_trunc('year', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(shift_seconds, "sqlite")
def _shift_seconds_sqlite(element, compiler, **kw):
    # Same text format as the stored timestamps ('YYYY-MM-DD HH:MM:SS').
    return f"datetime({compiler.process(element.clauses, **kw)}, '{element.seconds:+d} seconds')"


@compiles(shift_seconds, "postgresql")
def _shift_seconds_pg(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} + INTERVAL '{element.seconds:d} seconds')"
