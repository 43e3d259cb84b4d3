"""Index the cohort rollup by period before region, for queries over many regions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rollup_cohort_period",
            ["dim", "grain", "region_level", "period_start", "region_code"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("rollup_cohort", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_cohort_period")
