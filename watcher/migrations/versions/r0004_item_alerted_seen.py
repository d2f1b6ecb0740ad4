"""An index on item (alerted, seen_at): every ingest that has a match reads the alerted items of
the story window (copies join their story), and without it that read walks every item seen in
the window, alerted or not.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "ix_item_alerted_seen" not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("item")}:
        op.create_index("ix_item_alerted_seen", "item", ["alerted", "seen_at"])


def downgrade() -> None:
    op.drop_index("ix_item_alerted_seen", table_name="item")
