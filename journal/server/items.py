"""What the server holds of each story and case study (table `item`), read and written as one row each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from journal.store import versioning

_COLUMNS = "kind, id, seq, version, record, deleted_at, by, conflicts, author_id"


@dataclass
class Item:
    kind: str
    id: str
    seq: int
    version: dict[str, int]
    record: dict[str, Any] | None  # wire record; None when deleted
    deleted_at: str | None = None
    by: str = ""
    # Versions kept in conflicts with the current one: {"version", "record" | None, "deleted_at", "by"}.
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    author_id: str | None = None

    @property
    def deleted(self) -> bool:
        return self.record is None

    def known(self) -> dict[str, int]:
        """The merge of every version held: what a laptop's version must be covered by to be here already."""
        vector = dict(self.version)
        for conflict in self.conflicts:
            vector = versioning.merged(vector, conflict["version"])
        return vector


def _item(row: tuple[Any, ...]) -> Item:
    kind, item_id, seq, version, record, deleted_at, by, conflicts, author = row
    return Item(
        kind=kind,
        id=str(item_id),
        seq=int(seq),
        version=dict(version),
        record=record,
        deleted_at=None if deleted_at is None else deleted_at.isoformat(),
        by=by,
        conflicts=list(conflicts),
        author_id=None if author is None else str(author),
    )


def ask(
    connection: psycopg.Connection[Any], team_id: str, keys: Iterable[tuple[str, str]]
) -> Callable[[], dict[tuple[str, str], Item]]:
    """Sends the query for these items now and reads its answer when called: in a pipeline, the query travels
    with the statements around it (journal/server/push.py)."""
    wanted = set(keys)
    cursor = connection.execute(
        f"SELECT {_COLUMNS} FROM item WHERE team_id = %s AND kind = ANY(%s) AND id = ANY(%s::uuid[])",
        (team_id, sorted({kind for kind, _id in wanted}), sorted({item_id for _kind, item_id in wanted})),
    )

    def answer() -> dict[tuple[str, str], Item]:
        found = (_item(row) for row in cursor.fetchall())
        return {(item.kind, item.id): item for item in found if (item.kind, item.id) in wanted}

    return answer


def page(connection: psycopg.Connection[Any], team_id: str, after: int, limit: int) -> list[Item]:
    rows = connection.execute(
        f"SELECT {_COLUMNS} FROM item WHERE team_id = %s AND seq > %s ORDER BY seq LIMIT %s",
        (team_id, after, limit),
    ).fetchall()
    return [_item(row) for row in rows]


# The changed items written by ONE statement (one message to PostgreSQL, whatever their number), from one JSON
# parameter (`rows`: what `rows` below returns); `%(team)s` is the team's id. journal/server/push.py sends it
# together with the rest of a push's writes.
SAVE = """INSERT INTO item
       (team_id, kind, id, seq, version, record, deleted_at, by, conflicts, author_id, changed_at)
     SELECT %(team)s, r.kind, r.id, r.seq, r.version, r.record, r.deleted_at, r."by", r.conflicts, r.author_id, now()
     FROM jsonb_to_recordset(%(rows)s) AS r(kind text, id uuid, seq bigint, version jsonb, record jsonb,
                                            deleted_at timestamptz, "by" text, conflicts jsonb, author_id uuid)
     ON CONFLICT (team_id, kind, id) DO UPDATE SET
       seq = EXCLUDED.seq, version = EXCLUDED.version, record = EXCLUDED.record,
       deleted_at = EXCLUDED.deleted_at, by = EXCLUDED.by, conflicts = EXCLUDED.conflicts,
       author_id = EXCLUDED.author_id, changed_at = now()"""


def rows(changed: Iterable[Item]) -> Jsonb:
    """The `rows` parameter of SAVE. A deletion's record, None, is JSON null here and SQL NULL in the table
    (jsonb_to_recordset makes every JSON null an SQL NULL)."""
    return Jsonb(
        [
            {
                "kind": item.kind,
                "id": item.id,
                "seq": item.seq,
                "version": item.version,
                "record": item.record,
                "deleted_at": item.deleted_at,
                "by": item.by,
                "conflicts": item.conflicts,
                "author_id": item.author_id,
            }
            for item in changed
        ]
    )


def texts(connection: psycopg.Connection[Any], team_id: str, digests: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(digests))
    if not wanted:
        return {}
    rows = connection.execute(
        "SELECT sha256, text FROM snapshot WHERE team_id = %s AND sha256 = ANY(%s)", (team_id, wanted)
    ).fetchall()
    return {row[0]: row[1] for row in rows}
