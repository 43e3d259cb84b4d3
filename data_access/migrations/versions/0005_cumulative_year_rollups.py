"""Cumulative year rows in rollup_cohort; year rows per grid.

A year row ('Y') now carries the closed-case measures of every case of its group
closed by its `close_month`, and answers the as_of months up to `close_until`: a
query reads one row per group and sums plain columns (no CASE per measure). Every
row gets `closed` and `petitions_closed` for that; both lookup indexes end with the
closing months, so the validity test runs on the index entry. Year rows also exist
per grid (region_level 'grid'), so `region_code` takes a 15-digit grid code. The
rollups are emptied and marked stale here; `govdash init-db` rebuilds them right
after.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not imported from models) so this migration never changes later.
OLD_ROLLUP_INDEXES = {
    "ix_rollup_cohort_lookup": [
        "dim",
        "grain",
        "region_level",
        "kind",
        "region_code",
        "period_start",
    ],
    "ix_rollup_cohort_period": [
        "dim",
        "grain",
        "region_level",
        "kind",
        "period_start",
        "region_code",
    ],
}
ROLLUP_INDEXES = {
    name: [*columns, "close_month", "close_until"] for name, columns in OLD_ROLLUP_INDEXES.items()
}
NEW_COUNTS = ("closed", "petitions_closed")


def _empty_rollups() -> None:
    """The rollups change shape: empty them and mark them stale (init-db rebuilds)."""
    if op.get_bind().dialect.name == "postgresql":
        # DELETE would leave the old rows' space to VACUUM, after the rebuild that
        # follows: at 10M cases the table would come out twice its size.
        op.execute("TRUNCATE rollup_open, rollup_cohort")
    else:
        op.execute("DELETE FROM rollup_open")
        op.execute("DELETE FROM rollup_cohort")
    op.execute(
        "UPDATE data_state SET max_event_at = NULL, rollup_first_month = NULL,"
        " rollup_last_month = NULL"
    )


def upgrade() -> None:
    _empty_rollups()
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("close_until", sa.Date(), nullable=True))
        for name in NEW_COUNTS:
            # The table is empty: the default only satisfies SQLite's ADD COLUMN rule.
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        for name in NEW_COUNTS:
            batch_op.alter_column(name, server_default=None)
        batch_op.alter_column(
            "region_code", type_=sa.String(length=15), existing_type=sa.String(length=12)
        )
        for name, columns in ROLLUP_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns)


def downgrade() -> None:
    _empty_rollups()
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        for name, columns in OLD_ROLLUP_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns)
        for name in (*NEW_COUNTS, "close_until"):
            batch_op.drop_column(name)
        batch_op.alter_column(
            "region_code", type_=sa.String(length=12), existing_type=sa.String(length=15)
        )
