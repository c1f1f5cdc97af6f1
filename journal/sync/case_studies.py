"""Case studies as the team sync carries them (journal/sync/wire.py): read from the journal, and written
back as they arrive, with their version vectors as given (the caller drops the version triggers).

A case study may arrive before some of its stories (they come later in the same pull, or in a later one):
its places for stories not here yet wait in `sync_waiting` and are filled in as the stories arrive.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from journal.bundles.records import to_json
from journal.store import versioning
from journal.store.models import CaseStudy, CaseStudyStory, Story
from journal.store.team_models import CaseStudyTombstone, SyncWaiting
from journal.sync.wire import CASE_STUDY_FIELDS

STUDY = CaseStudy.__table__  # type: ignore[attr-defined]
ENTRY = CaseStudyStory.__table__  # type: ignore[attr-defined]
STORY = Story.__table__  # type: ignore[attr-defined]
GRAVE = CaseStudyTombstone.__table__  # type: ignore[attr-defined]
WAITING = SyncWaiting.__table__  # type: ignore[attr-defined]


def records(connection: sa.Connection, ids: list[str]) -> list[dict[str, Any]]:
    replica = versioning.replica_id(connection)
    found = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        entries: dict[str, list[dict[str, Any]]] = {study_id: [] for study_id in chunk}
        for row in connection.execute(
            sa.select(ENTRY).where(ENTRY.c.case_study_id.in_(chunk)).order_by(ENTRY.c.position, ENTRY.c.story_id)
        ):
            entries[row.case_study_id].append(
                {
                    "story_id": row.story_id,
                    "position": row.position,
                    "headline": row.headline,
                    "include_coverage": bool(row.include_coverage),
                }
            )
        waiting = {
            row.case_study_id: json.loads(row.record)
            for row in connection.execute(sa.select(WAITING).where(WAITING.c.case_study_id.in_(chunk)))
        }
        for row in connection.execute(sa.select(STUDY).where(STUDY.c.id.in_(chunk)).order_by(STUDY.c.id)):
            vector = versioning.loads(row.version) or {replica: 1}
            held = entries[row.id]
            record = waiting.get(row.id)
            if record is not None and record["version"] == vector:
                held = record["entries"]  # still waiting for some stories: the places as they came
            found.append(
                {
                    "id": row.id,
                    "created_at": to_json(row.created_at),
                    "updated_at": to_json(row.updated_at),
                    "version": vector,
                    "fields": {name: getattr(row, name) for name in CASE_STUDY_FIELDS},
                    "entries": held,
                }
            )
    return found


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def write(connection: sa.Connection, record: dict[str, Any]) -> None:
    """Make the case study exactly `record`; places for stories not here yet wait for them."""
    values = {
        **{name: record["fields"][name] for name in CASE_STUDY_FIELDS},
        "created_at": _time(record["created_at"]),
        "updated_at": _time(record["updated_at"]),
        "version": versioning.dumps(record["version"]),
    }
    exists = connection.execute(sa.select(STUDY.c.id).where(STUDY.c.id == record["id"])).first() is not None
    if exists:
        connection.execute(STUDY.update().where(STUDY.c.id == record["id"]).values(**values))
    else:
        connection.execute(STUDY.insert().values(id=record["id"], **values))
    _place(connection, record)


def _place(connection: sa.Connection, record: dict[str, Any]) -> None:
    connection.execute(ENTRY.delete().where(ENTRY.c.case_study_id == record["id"]))
    wanted = [entry["story_id"] for entry in record["entries"]]
    present = (
        set(connection.execute(sa.select(STORY.c.id).where(STORY.c.id.in_(wanted))).scalars()) if wanted else set()
    )
    rows = [{"case_study_id": record["id"], **entry} for entry in record["entries"] if entry["story_id"] in present]
    if rows:
        connection.execute(ENTRY.insert(), rows)
    connection.execute(WAITING.delete().where(WAITING.c.case_study_id == record["id"]))
    if len(rows) < len(record["entries"]):
        connection.execute(WAITING.insert().values(case_study_id=record["id"], record=json.dumps(record)))


def fill_waiting(connection: sa.Connection) -> None:
    """Places whose stories have arrived since are filled in (the case studies' vectors stay as they came)."""
    for row in connection.execute(sa.select(WAITING)).all():
        record = json.loads(row.record)
        current = connection.execute(sa.select(STUDY.c.version).where(STUDY.c.id == row.case_study_id)).scalar()
        if current is None or versioning.loads(current) != record["version"]:
            connection.execute(WAITING.delete().where(WAITING.c.case_study_id == row.case_study_id))
            continue
        _place(connection, record)


def delete(connection: sa.Connection, study_id: str, vector: dict[str, int], deleted_at: dt.datetime) -> None:
    """Delete for good, with a tombstone holding the larger of the vectors."""
    current = connection.execute(sa.select(STUDY.c.version).where(STUDY.c.id == study_id)).scalar()
    if current is not None:
        vector = versioning.merged(versioning.loads(current), vector)
        connection.execute(STUDY.delete().where(STUDY.c.id == study_id))
    note_grave(connection, study_id, vector, deleted_at)


def note_grave(connection: sa.Connection, study_id: str, vector: dict[str, int], deleted_at: dt.datetime) -> None:
    old = connection.execute(sa.select(GRAVE.c.version).where(GRAVE.c.case_study_id == study_id)).scalar()
    if old is not None:
        vector = versioning.merged(versioning.loads(old), vector)
    connection.execute(GRAVE.delete().where(GRAVE.c.case_study_id == study_id))
    connection.execute(
        GRAVE.insert().values(case_study_id=study_id, deleted_at=deleted_at, version=versioning.dumps(vector))
    )
    connection.execute(WAITING.delete().where(WAITING.c.case_study_id == study_id))
