"""Storing what a source gave: only entries never seen before, whichever way they come back.

An entry is already known when one of these matches an entry kept before (or an earlier one of the same
fetch): its source's GUID; its normalised address (journal.radar.addresses.link_key, across all sources, so
the same post from two feeds is one entry); or, within its source, the hash of its title and day (a feed
that hands out new GUIDs and tracking-laden addresses on every fetch). Known entries are left exactly as
they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from journal.radar.addresses import link_key
from journal.radar.document import FeedEntry
from journal.radar.text import title_key
from journal.store.models import utcnow
from journal.store.radar_models import RadarEntry

CHUNK = 500  # values per IN (...) list


@dataclass
class StoredEntries:
    new: list[str] = field(default_factory=list)  # ids of the entries added
    known: int = 0


def store_entries(
    source_id: str, entries: list[FeedEntry], *, session: Session, now: dt.datetime | None = None
) -> StoredEntries:
    now = now or utcnow()
    keyed = [(entry, link_key(entry.link), title_key(entry.title, entry.published)) for entry in entries]
    guids = _existing(session, RadarEntry.guid, [entry.guid for entry in entries], source_id)
    links = _existing(session, RadarEntry.link_key, [key for _entry, key, _title in keyed], None)
    titles = _existing(session, RadarEntry.title_key, [key for _entry, _link, key in keyed], source_id)
    stored = StoredEntries()
    for entry, link, title in keyed:
        if entry.guid in guids or link in links or title in titles:
            stored.known += 1
            continue
        guids.add(entry.guid)
        links.add(link)
        titles.add(title)
        row = RadarEntry(
            source_id=source_id,
            guid=entry.guid,
            link=entry.link,
            link_key=link,
            title_key=title,
            title=entry.title,
            author=entry.author,
            published=entry.published,
            summary=entry.summary,
            text=entry.text,
            comment_count=entry.comment_count,
            found_at=now,
        )
        session.add(row)
        stored.new.append(row.id)
    session.flush()
    return stored


def _existing(session: Session, column: Any, values: list[str], source_id: str | None) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(values))):
        query = select(column).where(col(column).in_(chunk))
        if source_id is not None:
            query = query.where(col(RadarEntry.source_id) == source_id)
        found.update(session.exec(query).all())
    return found


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def unmatched_ids(*, session: Session, limit: int = CHUNK) -> list[str]:
    """Entries not yet matched against the stories, oldest first."""
    query = select(RadarEntry.id).where(col(RadarEntry.matched_at).is_(None))
    return list(session.exec(query.order_by(col(RadarEntry.found_at), col(RadarEntry.id)).limit(limit)).all())


def entries_by_id(ids: Iterable[str], *, session: Session) -> list[RadarEntry]:
    rows: list[RadarEntry] = []
    for chunk in _chunks(list(ids)):
        rows += session.exec(select(RadarEntry).where(col(RadarEntry.id).in_(chunk))).all()
    return rows
