"""A one-row count of the changes that can make something wait to be sent to the team server, kept by SQLite
triggers whoever writes (the window, the command line, an import, a pull), so a sync with nothing new does not
read every story to find that out.

`change_mark.changes` grows with every insert, delete, new version or bin move of a story, a case study or a
tombstone, every write to what the server is known to hold (`sync_base`), and a new replica id (a story
without a vector counts as {replica id: 1}). The team sync's outbox (journal/sync/outbox.py) still decides
what waits by comparing versions; when that comparison finds nothing, it writes down the count it was made
at (`clean_at`), and while the count is still the same, nothing can be waiting. The mark is only ever a
shortcut to "nothing": a missed bump would hide a change, so every writer's table has a trigger here and
nothing drops them. A batch rebuild of one of these tables drops its triggers: such a migration calls
install_triggers() after.
"""

from __future__ import annotations

import sqlalchemy as sa

from journal.store.versioning import REPLICA_KEY

TABLE = "change_mark"
_BUMP = f"UPDATE {TABLE} SET changes = changes + 1;"

# (table, event, condition): every change the outbox's comparison reads.
_WATCHED = (
    ("story", "INSERT", ""),
    ("story", "DELETE", ""),
    ("story", "UPDATE OF version, deleted_at", ""),
    ("case_study", "INSERT", ""),
    ("case_study", "DELETE", ""),
    ("case_study", "UPDATE OF version", ""),
    ("tombstone", "INSERT", ""),
    ("tombstone", "DELETE", ""),
    ("tombstone", "UPDATE", ""),
    ("case_study_tombstone", "INSERT", ""),
    ("case_study_tombstone", "DELETE", ""),
    ("case_study_tombstone", "UPDATE", ""),
    ("sync_base", "INSERT", ""),
    ("sync_base", "DELETE", ""),
    ("sync_base", "UPDATE", ""),
    ("journal_meta", "INSERT", f"WHEN NEW.key = '{REPLICA_KEY}'"),
    ("journal_meta", "UPDATE", f"WHEN NEW.key = '{REPLICA_KEY}'"),
)


def _name(table: str, event: str) -> str:
    return f"change_mark_{table}_{event.split()[0].lower()}"


def install(connection: sa.Connection) -> None:
    """The table (its one row counting from 0, nothing marked clean) and its triggers; idempotent."""
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "changes INTEGER NOT NULL, clean_at INTEGER)"
    )
    connection.exec_driver_sql(f"INSERT OR IGNORE INTO {TABLE} (id, changes, clean_at) VALUES (1, 0, NULL)")
    install_triggers(connection)


def install_triggers(connection: sa.Connection) -> None:
    for table, event, condition in _WATCHED:
        name = _name(table, event)
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE TRIGGER {name} AFTER {event} ON {table} {condition} BEGIN {_BUMP} END")


def uninstall(connection: sa.Connection) -> None:
    for table, event, _condition in _WATCHED:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def changes(connection: sa.Connection) -> tuple[int, bool]:
    """The count now, and whether the outbox was found empty at exactly this count."""
    row = connection.exec_driver_sql(f"SELECT changes, clean_at FROM {TABLE} WHERE id = 1").one()
    return int(row[0]), row[1] is not None and int(row[1]) == int(row[0])


def mark_clean(connection: sa.Connection, at: int) -> None:
    """Nothing was waiting when the count was `at` (read in the transaction that found nothing): noted only if
    nothing changed since, so a change made between that read and this write is never hidden."""
    connection.exec_driver_sql(f"UPDATE {TABLE} SET clean_at = changes WHERE id = 1 AND changes = ?", (at,))
