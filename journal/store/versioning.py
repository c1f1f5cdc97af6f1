"""Version vectors: how a merge tells "they changed it", "we changed it" and "both changed it" apart.

Each journal has a replica id (table `journal_meta`). Each story carries a vector {replica id: number of
changes made there} in `story.version`. SQLite triggers keep it, whoever writes (the window, the command
line, a script): a new story gets {me: 1}; an update that changes a field or `updated_at` (which the store
moves for tag and link changes too) adds one to my entry, unless the statement sets `version` itself;
so does a change of its tags made from the tag library (rename, merge, delete). Deleting a story for good
writes a tombstone with the vector it had plus one change of mine (a deletion is a change too). An import
writes versions as they come, with these triggers dropped for the length of its transaction.

Like the search triggers, these are dropped by a batch rebuild of `story`: such a migration calls
drop_triggers() before and install_triggers() after.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from enum import Enum

import sqlalchemy as sa

from journal.store.models import EDITABLE_FIELDS

Vector = dict[str, int]
REPLICA_KEY = "replica_id"
_REPLICA = f"(SELECT value FROM journal_meta WHERE key = '{REPLICA_KEY}')"
_CHANGED = " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in ("updated_at", *EDITABLE_FIELDS))

_BUMP = f"""version = json_set(version, '$."' || {_REPLICA} || '"',
    coalesce(json_extract(version, '$."' || {_REPLICA} || '"'), 0) + 1)"""

# For other tables that keep a vector in a `version` column (journal/store/case_study_versions.py).
REPLICA_SQL = _REPLICA
BUMP_SQL = _BUMP


def tombstone_sql(table: str, key: str) -> str:
    """The statement of a delete trigger: a tombstone with the row's vector plus one change of mine."""
    return f"""INSERT OR REPLACE INTO {table} ({key}, deleted_at, version)
            VALUES (OLD.id, strftime('%Y-%m-%d %H:%M:%f', 'now') || '000',  -- as SQLAlchemy writes
                json_set(OLD.version, '$."' || {_REPLICA} || '"',
                    coalesce(json_extract(OLD.version, '$."' || {_REPLICA} || '"'), 0) + 1));"""


_TRIGGERS = {
    "version_story_insert": f"""AFTER INSERT ON story WHEN NEW.version = '{{}}' BEGIN
        UPDATE story SET version = json_object({_REPLICA}, 1) WHERE id = NEW.id;
    END""",
    "version_story_update": f"""AFTER UPDATE ON story WHEN NEW.version IS OLD.version AND ({_CHANGED}) BEGIN
        UPDATE story SET {_BUMP} WHERE id = NEW.id;
    END""",
    # Tag changes made from the tag library (rename, merge, delete) do not touch the stories' rows.
    "version_story_tag_insert": f"""AFTER INSERT ON story_tag BEGIN
        UPDATE story SET {_BUMP} WHERE id = NEW.story_id;
    END""",
    "version_story_tag_delete": f"""AFTER DELETE ON story_tag BEGIN
        UPDATE story SET {_BUMP} WHERE id = OLD.story_id;
    END""",
    "version_tag_rename": f"""AFTER UPDATE OF name ON tag WHEN NEW.name IS NOT OLD.name BEGIN
        UPDATE story SET {_BUMP} WHERE id IN (SELECT story_id FROM story_tag WHERE tag_id = NEW.id);
    END""",
    # A deletion is a change of its own: the tombstone's vector is the story's plus one of mine, so an edit made
    # elsewhere without seeing the deletion is concurrent with it (never taken as having seen it).
    "version_story_delete": f"""AFTER DELETE ON story BEGIN
        {tombstone_sql("tombstone", "story_id")}
    END""",
}


def install_triggers(connection: sa.Connection, triggers: dict[str, str] = _TRIGGERS) -> None:
    for name, body in triggers.items():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")


def drop_triggers(connection: sa.Connection, triggers: dict[str, str] = _TRIGGERS) -> None:
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


class Order(Enum):
    EQUAL = "equal"
    BEFORE = "before"  # the first vector is older: the second has seen everything it has, and more
    AFTER = "after"  # the first vector is newer
    CONCURRENT = "concurrent"  # each has changes the other has not seen


def compare(a: Mapping[str, int], b: Mapping[str, int]) -> Order:
    less = any(a.get(key, 0) < b.get(key, 0) for key in b)
    more = any(a.get(key, 0) > b.get(key, 0) for key in a)
    if less and more:
        return Order.CONCURRENT
    if less:
        return Order.BEFORE
    if more:
        return Order.AFTER
    return Order.EQUAL


def merged(a: Mapping[str, int], b: Mapping[str, int]) -> Vector:
    return {key: max(a.get(key, 0), b.get(key, 0)) for key in sorted(set(a) | set(b))}


def bumped(vector: Mapping[str, int], replica: str) -> Vector:
    result = dict(vector)
    result[replica] = result.get(replica, 0) + 1
    return result


def loads(text: str) -> Vector:
    value = json.loads(text or "{}")
    return {str(key): int(count) for key, count in value.items()}


def dumps(vector: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(vector.items())), separators=(",", ":"))


def replica_id(connection: sa.Connection) -> str:
    row = connection.exec_driver_sql(f"SELECT value FROM journal_meta WHERE key = '{REPLICA_KEY}'").first()
    assert row is not None, "the journal has no replica id (migration 0006 makes one)"
    return str(row[0])


def renew_replica_id(connection: sa.Connection) -> str:
    """Give this journal a new replica id. Call it when a file takes the place of the journal (a backup put
    back, a copy opened as a second journal): its counters may repeat numbers other journals have already
    seen, and a new id keeps its next changes from being mistaken for those."""
    replica = str(uuid.uuid4())
    connection.exec_driver_sql("INSERT OR REPLACE INTO journal_meta (key, value) VALUES (?, ?)", (REPLICA_KEY, replica))
    return replica
