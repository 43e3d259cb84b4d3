"""Day rows and closing-day rows in rollup_cohort; data_state.day_rows_version.

Day rows ('D': cases by day of acceptance and month of closing) and closing-day rows
('C': closed cases by month of acceptance and day of closing) of every township,
district and the city let a period of custom dates, or one seen at a moment inside a
month, be answered from the rollups instead of reading the cases table around its
edges. `day_rows_version` is the data version of the refresh that built them: a query
reads them only while it is the current one. The rollups are emptied and marked
stale here; `govdash init-db` rebuilds them right after.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
    with op.batch_alter_table("data_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("day_rows_version", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # The older code reads only the month and year rows; its next refresh empties the
    # table of the others.
    with op.batch_alter_table("data_state", schema=None) as batch_op:
        batch_op.drop_column("day_rows_version")
