"""Day rows and closing-day rows in rollup_cohort.

Day rows ('D': cases by day of acceptance and month of closing) and closing-day rows
('C': closed cases by month of acceptance and day of closing) of every township,
district and the city let a period of custom dates, or one seen at a moment inside a
month, be answered from the rollups instead of reading the cases table around its
edges. The table keeps its shape; the rollups are emptied and marked stale here, and
`govdash init-db` rebuilds them right after (a query on rollups without these rows
would count the edge days as empty).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _empty_rollups() -> None:
    """Empty the rollups and mark them stale (init-db rebuilds them)."""
    if op.get_bind().dialect.name == "postgresql":
        # DELETE would leave the old rows' space to VACUUM, after the rebuild.
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


def downgrade() -> None:
    # The older code reads only the month and year rows; its next refresh empties the
    # table of the others.
    pass
