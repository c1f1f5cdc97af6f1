"""Pulling: every change of the caller's team after a cursor, a page at a time, as the caller may see it.

A page is read in one statement, so it is one consistent moment of the table; pushes number their changes
under the team's lock (journal/server/push.py), so a change is never committed below a number a reader
has passed. A cursor older than the last forgotten tombstone (`journal-server tombstones purge`) cannot be
served deletions it has missed: the answer says to resync from the start.
"""

from __future__ import annotations

from typing import Any

import psycopg

from journal.server import items, privacy
from journal.server.accounts import Caller
from journal.server.items import Item
from journal.sync.wire import STORY


class ResyncNeeded(Exception):
    """The cursor is older than the tombstones the server still keeps."""


def changes(connection: psycopg.Connection[Any], caller: Caller, after: int, limit: int) -> dict[str, Any]:
    with connection.transaction():
        row = connection.execute("SELECT purged_seq FROM team WHERE id = %s", (caller.team_id,)).fetchone()
        assert row is not None
        if 0 < after < int(row[0]):
            raise ResyncNeeded()
        found = items.page(connection, caller.team_id, after, limit + 1)
        more = len(found) > limit
        found = found[:limit]
        texts = items.texts(connection, caller.team_id, _digests_to_hide(caller, found))

    def text_of(digest: str) -> str:
        return texts.get(digest, "")

    result = [_change(item, caller, text_of) for item in found]
    return {"changes": result, "next": found[-1].seq if found else after, "more": more}


def _digests_to_hide(caller: Caller, found: list[Item]) -> list[str]:
    """The snapshot texts a marketer's page needs, to hide a customer's name in them."""
    if caller.role != "marketer":
        return []
    wanted = []
    for item in found:
        if item.kind != STORY or privacy.view_of(caller, item.author_id) == privacy.View.FULL:
            continue
        for record in [item.record, *(c.get("record") for c in item.conflicts)]:
            if record is not None:
                wanted += [link["snapshot"]["sha256"] for link in record["links"] if "snapshot" in link]
    return wanted


def _version(record: Any, version: dict[str, int], deleted_at: str | None, by: str) -> dict[str, Any]:
    return {"version": version, "record": record, "deleted_at": None if record is not None else deleted_at, "by": by}


def _change(item: Item, caller: Caller, text_of: privacy.TextOf) -> dict[str, Any]:
    view = privacy.view_of(caller, item.author_id) if item.kind == STORY else privacy.View.FULL

    def shown(record: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if record is None else privacy.redact(record, view, text_of)

    conflicts = [] if item.kind != STORY else item.conflicts
    return {
        "kind": item.kind,
        "id": item.id,
        "seq": item.seq,
        "view": view.value,  # what the versions below leave out (journal/sync/views.py)
        "current": _version(shown(item.record), item.version, item.deleted_at or _EPOCH, item.by),
        "conflicts": [
            _version(shown(c.get("record")), c["version"], c.get("deleted_at") or _EPOCH, c.get("by", ""))
            for c in conflicts
        ],
    }


_EPOCH = "1970-01-01T00:00:00+00:00"
