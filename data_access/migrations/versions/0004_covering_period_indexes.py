"""Covering indexes for partial months, closures inside a month and open cases now.

Large scopes read whole months from the rollups; a partial month (by accepted_at),
the closures of as_of's month up to as_of (by closed_at) and the open cases at the
data horizon come from the cases table. These indexes carry every column those
queries read, so the table's scattered rows are not visited.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
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
OLD_OPEN_NOW = ["village_code", "kind", "warning_level", "deadline_at", "center_id"]
OPEN_NOW = ["deadline_at", "village_code", "kind", "warning_level", "center_id"]
OPEN_NOW_EXTRA = ["status", "source", "category", "accepted_at", "grid_code"]
IS_OPEN = sa.text("closed_at IS NULL")
IS_CLOSED = sa.text("closed_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_accepted")
        batch_op.drop_index("ix_cases_open_now")
        batch_op.create_index(
            "ix_cases_accepted_cover", ["accepted_at", "village_code", *METRIC_COLUMNS]
        )
        batch_op.create_index(
            "ix_cases_closed_cover",
            ["closed_at", "village_code", "accepted_at"]
            + [c for c in METRIC_COLUMNS if c != "closed_at"],
            sqlite_where=IS_CLOSED,
            postgresql_where=IS_CLOSED,
        )
        batch_op.create_index(
            "ix_cases_open_now",
            OPEN_NOW + OPEN_NOW_EXTRA,
            sqlite_where=IS_OPEN,
            postgresql_where=IS_OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_open_now")
        batch_op.drop_index("ix_cases_closed_cover")
        batch_op.drop_index("ix_cases_accepted_cover")
        batch_op.create_index(
            "ix_cases_open_now", OLD_OPEN_NOW, sqlite_where=IS_OPEN, postgresql_where=IS_OPEN
        )
        batch_op.create_index("ix_cases_accepted", ["accepted_at"])
