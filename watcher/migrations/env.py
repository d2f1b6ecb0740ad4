"""Alembic's entry point: runs the revisions in versions/ on the connection `migrations.upgrade`
hands over (never an alembic.ini: watcher's own config names the database)."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from watcher.store import schema  # noqa: F401  # the tables, registered on SQLModel.metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True,
                  transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
