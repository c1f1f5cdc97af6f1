"""Alembic environment of the team server: runs on the connection journal/server/database.py opened."""

from __future__ import annotations

from alembic import context

from journal.server.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("The team server's migrations run through `journal-server init`.")

context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
