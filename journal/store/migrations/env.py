"""Alembic environment: runs in-process on the connection the journal opened (journal/store/migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import journal.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Story Journal migrations run through journal.store.migrate, on an open journal.")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables (and drops triggers!)
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
