"""Several `watcher run` on one PostgreSQL: the instances, the lease each source is polled under,
and the instance that claimed an outbox row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from watcher.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    insp = sa.inspect(op.get_bind())
    if not insp.has_table("instance"):
        op.create_table(
            "instance",
            sa.Column("id", sa.String(), primary_key=True),
            sa.Column("host", sa.String(), nullable=False),
            sa.Column("pid", sa.Integer(), nullable=False),
            sa.Column("started", UTCDateTime(), nullable=False),
            sa.Column("heartbeat", UTCDateTime(), nullable=False),
            sa.Column("alive_until", UTCDateTime(), nullable=False),
            sa.Column("version", sa.String(), nullable=False, server_default=""),
        )
    if not insp.has_table("source_lease"):
        op.create_table(
            "source_lease",
            sa.Column("source", sa.String(), primary_key=True),
            sa.Column("holder", sa.String(), nullable=True),
            sa.Column("lease_until", UTCDateTime(), nullable=True),
        )
    if "claimed_instance" not in {c["name"] for c in insp.get_columns("outbox")}:
        with op.batch_alter_table("outbox") as batch:
            batch.add_column(sa.Column("claimed_instance", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_instance")
    op.drop_table("source_lease")
    op.drop_table("instance")
