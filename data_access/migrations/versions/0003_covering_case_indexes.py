"""Covering indexes for the village path; rollup rows summed over the kinds.

- The village index now carries every column the metric queries read, so a village's
  figures come from the index alone; the petitioner index carries kind and status and
  leaves out cases without a petitioner key.
- rollup_cohort gets a `petitions` measure and rows with kind = 'all'. The rollups are
  emptied and marked stale here (the metrics read the cases table meanwhile, exact but
  slower); `govdash init-db` rebuilds them right after this migration.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not imported from models) so this migration never changes later.
METRIC_COLUMNS = [
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
]
ROLLUP_INDEXES = {
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
OLD_ROLLUP_INDEXES = {
    "ix_rollup_cohort_lookup": ["dim", "grain", "region_level", "region_code", "period_start"],
    "ix_rollup_cohort_period": ["dim", "grain", "region_level", "period_start", "region_code"],
}
HAS_KEY = sa.text("petitioner_key IS NOT NULL")


def _empty_rollups() -> None:
    """The rollups change shape: empty them and mark them stale (init-db rebuilds)."""
    op.execute("DELETE FROM rollup_open")
    op.execute("DELETE FROM rollup_cohort")
    op.execute(
        "UPDATE data_state SET max_event_at = NULL, rollup_first_month = NULL,"
        " rollup_last_month = NULL"
    )


def upgrade() -> None:
    _empty_rollups()
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        # The table is empty: the default only satisfies SQLite's ADD COLUMN rule.
        batch_op.add_column(
            sa.Column("petitions", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        batch_op.alter_column("petitions", server_default=None)
        # Every rollup query now names its kind ('all' or one kind).
        for name, columns in ROLLUP_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_village_accepted")
        batch_op.drop_index("ix_cases_petitioner")
        batch_op.create_index(
            "ix_cases_village_cover", ["village_code", "accepted_at", *METRIC_COLUMNS]
        )
        batch_op.create_index(
            "ix_cases_petitioner",
            ["petitioner_key", "accepted_at", "kind", "status"],
            sqlite_where=HAS_KEY,
            postgresql_where=HAS_KEY,
        )


def downgrade() -> None:
    _empty_rollups()
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        for name, columns in OLD_ROLLUP_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns)
        batch_op.drop_column("petitions")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_petitioner")
        batch_op.drop_index("ix_cases_village_cover")
        batch_op.create_index("ix_cases_petitioner", ["petitioner_key", "accepted_at"])
        batch_op.create_index("ix_cases_village_accepted", ["village_code", "accepted_at"])
