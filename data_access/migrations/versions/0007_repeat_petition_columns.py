"""rollup_repeat carries the columns of its repeat petitions, with a time index.

The repeat-petitioner list (caselist.repeat_petitioners) groups a period's repeat
petitions by petitioner. Searching each petition's earlier one among the cases took
10 s (PostgreSQL) to 28 s (SQLite) for a city's year at 10M cases; with the key, time,
place and filter columns here it reads those rows by time. The rows already stored
get their columns from the cases table (no rollup rebuild).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import sqlite

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not imported from models) so this migration never changes later:
# (name, type, nullable).
COLUMNS = [
    ("petitioner_key", sa.String(length=64), False),
    ("accepted_at", sa.DateTime().with_variant(sqlite.DATETIME(), "sqlite"), False),
    ("village_code", sa.String(length=12), False),
    ("grid_code", sa.String(length=15), True),
    ("source", sa.String(length=20), False),
    ("warning_level", sa.String(length=6), False),
    ("category", sa.String(length=40), False),
]
INDEX = ("ix_rollup_repeat_accepted", ["accepted_at", "village_code"])


def upgrade() -> None:
    with op.batch_alter_table("rollup_repeat", schema=None) as batch_op:
        for name, type_, _nullable in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    names = [name for name, _type, _nullable in COLUMNS]
    # UPDATE … FROM: PostgreSQL, and SQLite since 3.33.
    op.execute(
        "UPDATE rollup_repeat SET "
        + ", ".join(f"{name} = cases.{name}" for name in names)
        + " FROM cases WHERE cases.id = rollup_repeat.case_id"
    )
    with op.batch_alter_table("rollup_repeat", schema=None) as batch_op:
        for name, type_, nullable in COLUMNS:
            if not nullable:
                batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.create_index(*INDEX)


def downgrade() -> None:
    with op.batch_alter_table("rollup_repeat", schema=None) as batch_op:
        batch_op.drop_index(INDEX[0])
        for name, _type, _nullable in reversed(COLUMNS):
            batch_op.drop_column(name)
