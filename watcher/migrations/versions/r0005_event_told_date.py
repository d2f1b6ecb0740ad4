"""An event keeps the date its reports give it (events.told_date): two rounds of one company
told years apart are two events, however alike their sums.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "told_date" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("event")}:
        with op.batch_alter_table("event") as batch:
            batch.add_column(sa.Column("told_date", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("told_date")
