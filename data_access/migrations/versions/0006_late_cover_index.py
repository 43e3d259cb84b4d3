"""A covering index of the cases open or closed late, by deadline_at.

A snapshot (open, overdue) inside a month starts from the stored snapshot of the
month end before and adds what changed since; the cases falling due in between, still
open at as_of, come from this index (metrics._snapshot_changes) instead of a scan of
every case ever accepted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not imported from models) so this migration never changes later.
LATE_COVER = [
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
]
LATE_OR_OPEN = sa.text("closed_at IS NULL OR closed_at > deadline_at")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_late_cover",
            LATE_COVER,
            sqlite_where=LATE_OR_OPEN,
            postgresql_where=LATE_OR_OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_late_cover")
