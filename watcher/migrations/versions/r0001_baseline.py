"""Baseline: the schema of the last watcher before migrations.

On an empty database it creates those tables; on a database an earlier watcher made it keeps every
row and brings it to the same point (columns added since, JSON lists moved into their tables), as
that watcher's own upgrade did. Later revisions start from here.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""
from __future__ import annotations

from alembic import op
from sqlmodel import SQLModel

from watcher.store import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LATER = ("instance", "source_lease")  # tables later revisions create


def upgrade() -> None:
    conn = op.get_bind()
    SQLModel.metadata.create_all(conn, tables=[t for t in SQLModel.metadata.sorted_tables if t.name not in LATER])
    schema.upgrade(conn, skip=LATER)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead")
