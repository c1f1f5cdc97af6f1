"""Story records as bundles carry them: built from the journal's tables, generically from the columns, so a
column added to coverage_link or reading later travels without a change here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from journal.store import versioning
from journal.store.models import (
    EDITABLE_FIELDS,
    LOCAL_LINK_COLUMNS,
    CoverageLink,
    LinkSnapshot,
    Reading,
    Story,
    StoryTag,
    Tag,
    UTCDateTime,
    table_of,
)

# Who added a link and whether it may be fetched from a private network are this laptop's business only.
LINK_COLUMNS = tuple(c.name for c in table_of(CoverageLink).columns if c.name not in LOCAL_LINK_COLUMNS)
READING_COLUMNS = tuple(c.name for c in table_of(Reading).columns if c.name != "story_id")
SNAPSHOT_COLUMNS = tuple(c.name for c in table_of(LinkSnapshot).columns if c.name not in ("link_id", "text"))


def to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def story_records(session: Session, story_ids: list[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The records of these stories, and the snapshot texts by link id."""
    records: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start : start + 500]
        records += _records(session, chunk, texts)
    return records, texts


def _records(session: Session, ids: list[str], texts: dict[str, str]) -> list[dict[str, Any]]:
    story_t = table_of(Story)
    link_t = table_of(CoverageLink)
    reading_t = table_of(Reading)
    snap_t = table_of(LinkSnapshot)
    tags: dict[str, list[dict[str, Any]]] = {story_id: [] for story_id in ids}
    tag_rows = session.execute(
        sa.select(StoryTag.story_id, Tag.name, Tag.color)  # type: ignore[call-overload]
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(col(StoryTag.story_id).in_(ids))
    ).all()
    for story_id, name, color in tag_rows:
        tags[story_id].append({"name": name, "color": color})
    snapshots = {
        row.link_id: row
        for row in session.execute(
            sa.select(snap_t).where(snap_t.c.link_id.in_(sa.select(link_t.c.id).where(link_t.c.story_id.in_(ids))))
        )
    }
    links: dict[str, list[dict[str, Any]]] = {story_id: [] for story_id in ids}
    for row in session.execute(sa.select(link_t).where(link_t.c.story_id.in_(ids)).order_by(link_t.c.position)):
        record = {name: to_json(getattr(row, name)) for name in LINK_COLUMNS}
        snapshot = snapshots.get(row.id)
        if snapshot is not None:
            record["snapshot"] = {name: to_json(getattr(snapshot, name)) for name in SNAPSHOT_COLUMNS}
            texts[row.id] = snapshot.text
        links[row.story_id].append(record)
    readings: dict[str, list[dict[str, Any]]] = {story_id: [] for story_id in ids}
    for row in session.execute(sa.select(reading_t).where(reading_t.c.story_id.in_(ids)).order_by(reading_t.c.id)):
        readings[row.story_id].append({name: to_json(getattr(row, name)) for name in READING_COLUMNS})
    records = []
    replica = versioning.replica_id(session.connection())
    for row in session.execute(
        sa.select(story_t).where(story_t.c.id.in_(ids)).order_by(story_t.c.created_at, story_t.c.id)
    ):
        records.append(
            {
                "id": row.id,
                "created_at": to_json(row.created_at),
                "updated_at": to_json(row.updated_at),
                # A story written past the triggers (a bulk load) has no vector yet: one change, here.
                "version": versioning.loads(row.version) or {replica: 1},
                "fields": {name: to_json(getattr(row, name)) for name in EDITABLE_FIELDS},
                "tags": sorted(tags[row.id], key=lambda tag: str(tag["name"]).casefold()),
                "links": links[row.id],
                "readings": readings[row.id],
            }
        )
    return records


def content(record: dict[str, Any], texts: dict[str, str]) -> Any:
    """What a person sees of a story: equal content means nothing to merge, whatever the vectors say."""
    links = [
        {**link, "snapshot_text": texts.get(link["id"]) if "snapshot" in link else None} for link in record["links"]
    ]
    tags = sorted((str(tag["name"]).casefold(), tag["name"]) for tag in record["tags"])
    readings = sorted(record["readings"], key=lambda reading: str(reading["id"]))
    return (record["fields"], tags, links, readings, record["created_at"])


def column_kind(column: Any) -> str:
    """datetime, date, int, bool or text: how a column's value is written in a bundle."""
    kind = column.type
    if isinstance(kind, UTCDateTime | sa.DateTime):
        return "datetime"
    if isinstance(kind, sa.Date):
        return "date"
    if isinstance(kind, sa.Boolean):
        return "bool"
    if isinstance(kind, sa.Integer):
        return "int"
    return "text"
