"""Conflicts left by a merge, and resolving them: field by field, or all of one side.

The result is written with the merge of both vectors plus one change of this journal's own, so it
dominates both versions: exporting it settles the conflict in the other journal too.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from journal.bundles.merge import CONFLICT, STORY, delete_story, received_from, write_record
from journal.bundles.records import story_records, to_json
from journal.store import versioning
from journal.store.errors import StoryNotFoundError
from journal.store.models import EDITABLE_FIELDS

# What a person chooses between: every editable field, the tags, and the coverage (links with their
# snapshots and readings, which travel together).
CHOICES: tuple[str, ...] = (*EDITABLE_FIELDS, "tags", "links")
MINE, THEIRS = "mine", "theirs"


@dataclass(frozen=True)
class Conflict:
    id: str
    story_id: str
    source: str
    received_at: dt.datetime
    mine: dict[str, Any]  # the story record here
    theirs: dict[str, Any] | None  # the bundle's record; None when the bundle deleted the story

    def differing(self) -> list[str]:
        """The choices where the two sides differ (all of them when the bundle deleted the story)."""
        if self.theirs is None:
            return []
        return [name for name in CHOICES if value_of(self.mine, name) != value_of(self.theirs, name)]


def value_of(record: dict[str, Any], name: str) -> Any:
    if name == "tags":
        return sorted(tag["name"] for tag in record["tags"])
    if name == "links":
        return [{k: v for k, v in link.items() if k != "snapshot"} for link in record["links"]]
    return record["fields"][name]


def conflicted_ids(session: Session, story_ids: list[str] | None = None) -> set[str]:
    query = sa.select(CONFLICT.c.story_id).distinct()
    if story_ids is not None:
        query = query.where(CONFLICT.c.story_id.in_(story_ids))
    return set(session.execute(query).scalars())


def conflicts_of(session: Session, story_id: str) -> list[Conflict]:
    rows = session.execute(
        sa.select(CONFLICT).where(CONFLICT.c.story_id == story_id).order_by(CONFLICT.c.received_at, CONFLICT.c.id)
    ).all()
    if not rows:
        return []
    records, texts = story_records(session, [story_id])
    mine = records[0]
    for link in mine["links"]:
        if "snapshot" in link:
            link["snapshot"]["text"] = texts[link["id"]]
    found = []
    for row in rows:
        incoming = json.loads(row.incoming)
        found.append(
            Conflict(
                id=row.id,
                story_id=story_id,
                source=row.source,
                received_at=row.received_at,
                mine=mine,
                theirs=incoming.get("record"),
            )
        )
    return found


def resolve(session: Session, conflict_id: str, choices: dict[str, str]) -> None:
    """Settle one conflict: `choices` maps names in CHOICES to MINE or THEIRS (missing ones stay MINE); for a
    deletion from the bundle, {"story": THEIRS} deletes the story and anything else keeps it."""
    row = session.execute(sa.select(CONFLICT).where(CONFLICT.c.id == conflict_id)).first()
    if row is None:
        raise StoryNotFoundError("That conflict was already resolved.")
    incoming = json.loads(row.incoming)
    story_id = row.story_id
    current = versioning.loads(session.execute(sa.select(STORY.c.version).where(STORY.c.id == story_id)).scalar_one())
    vector = versioning.merged(current, incoming["version"])
    session.execute(CONFLICT.delete().where(CONFLICT.c.id == conflict_id))
    if "deleted" in incoming:
        if choices.get("story") == THEIRS:
            delete_story(session, story_id, vector)
            return
        result, texts = _mine(session, story_id)
    else:
        result, texts = _mine(session, story_id)
        theirs = incoming["record"]
        for name in EDITABLE_FIELDS:
            if choices.get(name) == THEIRS:
                result["fields"][name] = theirs["fields"][name]
        if choices.get("tags") == THEIRS:
            result["tags"] = theirs["tags"]
        if choices.get("links") == THEIRS:
            result["links"] = theirs["links"]
            result["readings"] = theirs["readings"]
            texts = {}  # their snapshots carry their text inline
    replica = versioning.replica_id(session.connection())
    result["version"] = versioning.bumped(vector, replica)
    result["updated_at"] = to_json(dt.datetime.now(dt.UTC))
    write_record(session, result, texts, origin=received_from(row.source))


def _mine(session: Session, story_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    records, texts = story_records(session, [story_id])
    return records[0], texts
