"""Journal files written at an earlier schema revision, for the tests that upgrade them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from journal.store import migrate
from journal.store.database import APPLICATION_ID, _make_engine


def revisions_oldest_first() -> list[str]:
    return [script.revision for script in reversed(list(migrate.script_directory().walk_revisions()))]


def journal_at(path: Path, revision: str | None, *statements: str) -> None:
    """A journal at `revision` (None: a new, empty journal file) with `statements` run in it, as that revision's
    app would have written them."""
    sqlite3.connect(path).close()
    engine = _make_engine(path, read_only=False)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        if revision is not None:
            migrate.upgrade(connection, revision)
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()
