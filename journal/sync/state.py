"""A journal's team membership and sync bookkeeping, kept in the journal file itself: the server's address,
who signed in, the device, the pull cursor and the last sync (in `journal_meta`, keys `team.*`), and what the
server is known to hold of each story and case study (`sync_base`). No secrets: the token is elsewhere
(journal/sync/credentials.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from journal.store import versioning

PREFIX = "team."
KEYS = ("server", "email", "role", "team", "device_id", "token_store", "cursor", "last_sync", "revoked")


@dataclass(frozen=True)
class Membership:
    server: str
    email: str
    role: str
    team: str
    device_id: str
    token_store: str
    cursor: int
    last_sync: dt.datetime | None
    revoked: bool


def membership(connection: sa.Connection) -> Membership | None:
    rows = connection.exec_driver_sql("SELECT key, value FROM journal_meta WHERE key LIKE 'team.%'").all()
    values = {str(key).removeprefix(PREFIX): str(value) for key, value in rows}
    if not values.get("server") or not values.get("device_id"):
        return None
    last = values.get("last_sync")
    return Membership(
        server=values["server"],
        email=values.get("email", ""),
        role=values.get("role", ""),
        team=values.get("team", ""),
        device_id=values["device_id"],
        token_store=values.get("token_store", ""),
        cursor=int(values.get("cursor", "0") or 0),
        last_sync=dt.datetime.fromisoformat(last) if last else None,
        revoked=values.get("revoked") == "1",
    )


def save(connection: sa.Connection, **values: Any) -> None:
    for key, value in values.items():
        assert key in KEYS, key
        text = (
            value.isoformat()
            if isinstance(value, dt.datetime)
            else str(int(value) if isinstance(value, bool) else value)
        )
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO journal_meta (key, value) VALUES (?, ?)", (PREFIX + key, text)
        )


def forget_team(connection: sa.Connection) -> None:
    """Leave the team: the membership and what the server was known to hold go; every story stays."""
    connection.exec_driver_sql("DELETE FROM journal_meta WHERE key LIKE 'team.%'")
    connection.exec_driver_sql("DELETE FROM sync_base")
    connection.exec_driver_sql("DELETE FROM sync_waiting")


def forget_base(connection: sa.Connection) -> None:
    """Before reading everything again: nothing is taken as known to the server until it says so."""
    connection.exec_driver_sql("DELETE FROM sync_base")
    save(connection, cursor=0)


@dataclass(frozen=True)
class Base:
    version: dict[str, int]
    deleted: bool
    view: str | None = None  # a story's view the server last sent (journal/sync/wire.py VIEWS), if it said


def bases(connection: sa.Connection, kind: str, ids: Iterable[str]) -> dict[str, Base]:
    wanted = list(ids)
    found: dict[str, Base] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = connection.exec_driver_sql(
            f"SELECT id, version, deleted, server_view FROM sync_base WHERE kind = ? AND id IN ({marks})",
            (kind, *chunk),
        ).all()
        for item_id, version, deleted, view in rows:
            found[item_id] = Base(versioning.loads(version), bool(deleted), view)
    return found


def set_base(
    connection: sa.Connection,
    kind: str,
    item_id: str,
    known: Mapping[str, int],
    deleted: bool,
    view: str | None = None,
) -> None:
    """What the server holds of it; `view`: the view it was last sent in (None keeps the one known, if any)."""
    connection.exec_driver_sql(SET_BASE, (kind, item_id, versioning.dumps(known), int(deleted), view))


SET_BASE = """
    INSERT INTO sync_base (kind, id, version, deleted, server_view) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted,
        server_view = coalesce(excluded.server_view, sync_base.server_view)
"""
