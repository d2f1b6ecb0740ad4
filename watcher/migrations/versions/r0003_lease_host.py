"""A source lease names its source's host, so that an instance claims sources host by host: each
instance then talks to fewer hosts and keeps its connections to them busy.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "host" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("source_lease")}:
        with op.batch_alter_table("source_lease") as batch:
            batch.add_column(sa.Column("host", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("source_lease") as batch:
        batch.drop_column("host")
