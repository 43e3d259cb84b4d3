"""Fast bulk loading for SQLite and PostgreSQL (the demo generator, large imports).

`bulk_insert` streams rows into one table: COPY through psycopg 3 on PostgreSQL,
`executemany` on the raw sqlite3 cursor on SQLite. Both run inside the caller's
SQLAlchemy transaction, so a failed load rolls back with everything else.

`bulk_load` wraps a big load: it drops the secondary indexes (and, on PostgreSQL,
the foreign keys) of the tables being filled, recreates them afterwards in one pass
each, and runs ANALYZE; on SQLite it checks the CHECK constraints once at the end
instead of row by row. `reset_id_sequence` moves PostgreSQL's serial past explicitly
inserted ids; `sorts_on_disk` keeps SQLite's index builds out of memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Table,
)
from sqlalchemy.schema import AddConstraint, DropConstraint

# The text the models store on SQLite (see models._SQLITE_DATETIME): second precision.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SQLITE_DATE_FORMAT = "%Y-%m-%d"
BATCH_ROWS = 50_000


# SQLite page cache (KiB) of the loading connection while bulk_load runs.
BULK_SQLITE_CACHE_KIB = 65536


def as_table(table: Table | type) -> Table:
    """Accept a Table or a mapped class (`Case`)."""
    return table if isinstance(table, Table) else table.__table__  # type: ignore[attr-defined]


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _temporal_value(value: Any, is_datetime: bool, as_text: bool) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if not as_text:
            return value.replace(microsecond=0)
        return value.strftime(SQLITE_DATETIME_FORMAT if is_datetime else SQLITE_DATE_FORMAT)
    if isinstance(value, date) and as_text:
        return value.strftime("%Y-%m-%d 00:00:00" if is_datetime else SQLITE_DATE_FORMAT)
    return value


def _second_precision(
    batch: list[Sequence[Any]], temporal: list[tuple[int, bool]], as_text: bool
) -> list[Sequence[Any]]:
    """Datetimes to second precision (the models' rule), as the models' text on SQLite.

    Values already given as text pass unchanged, and a batch without datetime/date
    objects is returned as it is (one cheap scan).
    """
    if not temporal or not any(
        row[i] is not None and not isinstance(row[i], str) for row in batch for i, _ in temporal
    ):
        return batch
    converted = []
    for row in batch:
        values = list(row)
        for i, is_datetime in temporal:
            values[i] = _temporal_value(values[i], is_datetime, as_text)
        converted.append(values)
    return converted


def bulk_insert(
    conn: Connection,
    table: Table | type,
    column_names: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Insert `rows` (tuples in `column_names` order, Python scalars) into `table`.

    Values: None, int, float, str, datetime/date, or timestamps already written as
    'YYYY-MM-DD HH:MM:SS' text (the fast path: no per-value conversion). Datetimes are
    stored at second precision on both engines, as the models do. Rows are streamed in
    batches, never held all at once. Returns the number of rows written.
    """
    table = as_table(table)
    columns = [table.c[name] for name in column_names]  # KeyError on an unknown column
    dialect = conn.dialect.name
    temporal = [  # (position, is a timestamp) of the date/time columns
        (i, isinstance(c.type, DateTime))
        for i, c in enumerate(columns)
        if isinstance(c.type, DateTime | Date)
    ]
    written = 0
    if dialect == "postgresql":
        quoted = ", ".join(conn.dialect.identifier_preparer.quote(c.name) for c in columns)
        target = conn.dialect.identifier_preparer.format_table(table)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
                for batch in _batches(rows, BATCH_ROWS):
                    for row in _second_precision(batch, temporal, as_text=False):
                        copy.write_row(row)
                    written += len(batch)
        finally:
            cursor.close()
        return written
    if dialect == "sqlite":
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c.name}"' for c in columns)
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({placeholders})'
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            for batch in _batches(rows, BATCH_ROWS):
                cursor.executemany(statement, _second_precision(batch, temporal, as_text=True))
                written += len(batch)
        finally:
            cursor.close()
        return written
    raise NotImplementedError(f"bulk_insert does not support {dialect!r}")


def secondary_indexes(table: Table | type) -> list[Index]:
    """The table's declared Index objects (not the primary key or unique constraints)."""
    return sorted(as_table(table).indexes, key=lambda index: str(index.name))


def drop_indexes(conn: Connection, indexes: Iterable[Index]) -> None:
    for index in indexes:
        index.drop(conn, checkfirst=True)


def create_indexes(conn: Connection, indexes: Iterable[Index]) -> None:
    for index in indexes:
        index.create(conn, checkfirst=True)


def foreign_keys(table: Table | type) -> list[ForeignKeyConstraint]:
    return sorted(as_table(table).foreign_key_constraints, key=lambda fk: str(fk.name))


def analyze(conn: Connection, tables: Iterable[Table | type]) -> None:
    """Fresh planner statistics after a big load."""
    for table in tables:
        name = as_table(table).name
        conn.exec_driver_sql(f'ANALYZE "{name}"')


def reset_id_sequence(conn: Connection, table: Table | type, column: str = "id") -> None:
    """After explicit ids on PostgreSQL, move the serial sequence past the largest id."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues from max(rowid) by itself
    name = as_table(table).name
    conn.exec_driver_sql(
        f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'),"
        f' COALESCE((SELECT MAX("{column}") FROM "{name}"), 0) + 1, false)'
    )


def check_violations(conn: Connection, table: Table | type) -> dict[str, int]:
    """Rows breaking each CHECK constraint of `table` (only those with violations)."""
    table = as_table(table)
    checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
    if not checks:
        return {}
    # A CHECK fails only when its expression is false (NULL passes), as NOT (x) counts.
    counts = ", ".join(f"SUM(CASE WHEN NOT ({c.sqltext}) THEN 1 ELSE 0 END)" for c in checks)
    any_false = " OR ".join(f"NOT ({c.sqltext})" for c in checks)
    name = f'"{table.name}"'
    if conn.exec_driver_sql(f"SELECT 1 FROM {name} WHERE {any_false} LIMIT 1").first() is None:
        return {}
    row = conn.exec_driver_sql(f"SELECT {counts} FROM {name}").one()
    return {str(c.name): int(n or 0) for c, n in zip(checks, row, strict=True) if n}


@contextmanager
def bulk_load(conn: Connection, tables: Sequence[Table | type]) -> Iterator[None]:
    """Prepare `tables` for a big load and restore them afterwards.

    - Secondary indexes are dropped and rebuilt in one pass each at the end.
    - PostgreSQL: the foreign keys declared on these tables are dropped too (a COPY
      would otherwise fire one trigger per key per row) and re-added afterwards, which
      validates them with one join per key.
    - SQLite evaluates CHECK constraints with IN lists very slowly row by row (about
      10x the cost of the insert itself), so they are switched off during the load
      (`PRAGMA ignore_check_constraints`) and verified afterwards with one scan per
      table; a violation raises ValueError. Foreign keys stay on (SQLite cannot switch
      them off inside a transaction). See also `sorts_on_disk`.
    - ANALYZE runs on the tables at the end.

    The caller's transaction covers it all: on error the DDL rolls back with the rows.
    """
    resolved = [as_table(t) for t in tables]
    indexes = [index for table in resolved for index in secondary_indexes(table)]
    is_sqlite = conn.dialect.name == "sqlite"
    keys = (
        [fk for table in resolved for fk in foreign_keys(table)]
        if conn.dialect.name == "postgresql"
        else []
    )
    with _loading_cache(conn):
        drop_indexes(conn, indexes)
        for fk in keys:
            conn.execute(DropConstraint(fk))
        if is_sqlite:
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            if is_sqlite:
                conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
        if is_sqlite:
            for table in resolved:
                if violations := check_violations(conn, table):
                    raise ValueError(
                        f"bulk load broke CHECK constraints of {table.name}: {violations}"
                    )
        for fk in keys:
            conn.execute(AddConstraint(fk))
        create_indexes(conn, indexes)
        analyze(conn, resolved)


@contextmanager
def _loading_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a larger page cache for the loading connection while the block runs (the
    serving connections' cache is small, see data_access/engine.py; rebuilding an
    index wants more), then back to what it was."""
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


@contextmanager
def sorts_on_disk(conn: Connection) -> Iterator[None]:
    """SQLite: temp_store = FILE while the block runs, then back to what it was.

    Building an index sorts every row of the table; with the engine's temp_store =
    MEMORY (right for queries) that sort would have to fit in memory. SQLite only
    changes temp_store outside a transaction: enter this before `conn.begin()`.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA temp_store").scalar() or 0)
    conn.exec_driver_sql("PRAGMA temp_store = FILE")
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql(f"PRAGMA temp_store = {previous}")
        conn.commit()
