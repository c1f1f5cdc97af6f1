"""Turning new entries into suggestions: every entry not matched yet is matched against the stories
(journal.radar.matching), a batch at a time, and each batch written in one short transaction.

An entry is matched once: afterwards it has a suggestion (the best story, with the next best as
alternatives) or nothing, and either way it is never matched, nor suggested, again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journal.radar.entries import entries_by_id, unmatched_ids
from journal.radar.matching import EntryText, Matcher, StoryMatch
from journal.radar.progress import Progress
from journal.radar.sources import excluded_domains
from journal.radar.text import excerpt

if TYPE_CHECKING:
    from journal.store.database import Journal

BATCH = 200


@dataclass
class MatchRun:
    entries: int = 0
    suggested: int = 0
    cancelled: bool = False


def match_pending(
    journal: Journal,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    matcher: Matcher | None = None,
) -> MatchRun:
    """Match every entry not matched yet; `progress` gets journal.radar.progress.Progress("matching", ...)."""

    with journal.session() as session:
        total = _unmatched_count(session)
        matcher = matcher or Matcher(excluded_domains(session=session))
    run = MatchRun()
    while not (cancel is not None and cancel.is_set()):
        with journal.session() as session:
            ids = unmatched_ids(session=session, limit=BATCH)
            if not ids:
                break
            entries = [EntryText(row.id, row.link, row.title, row.text) for row in entries_by_id(ids, session=session)]
            connection = session.connection()
            found = [(entry, _matches(matcher, entry, connection)) for entry in entries]
        with journal.write() as session:
            run.suggested += store_matches(found, session=session)
        run.entries += len(found)
        if progress is not None:
            progress(Progress("matching", run.entries, max(total, run.entries)))
    run.cancelled = cancel is not None and cancel.is_set()
    return run


def _matches(matcher: Matcher, entry: EntryText, connection: Any) -> list[StoryMatch]:
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    try:
        return matcher.match(entry, connection)
    except (DBAPIError, sqlite3.Error):
        raise  # the journal's trouble (locked, damaged, disk): said by the caller, the entry stays unmatched
    except Exception:  # an entry no matching copes with must not stop the others (it is marked matched)
        return []


def store_matches(found: list[tuple[EntryText, list[StoryMatch]]], *, session: Any) -> int:
    """Mark the entries matched and add a suggestion for each that matched a story; returns how many."""
    from journal.store.models import utcnow
    from journal.store.radar_models import RadarEntry, RadarSuggestion

    now = utcnow()
    added = 0
    for entry, matches in found:
        row = session.get(RadarEntry, entry.id)
        if row is None or row.matched_at is not None:  # removed, or matched by another run meanwhile
            continue
        row.matched_at = now
        session.add(row)
        if not matches:
            continue
        best, *others = matches
        session.add(
            RadarSuggestion(
                entry_id=entry.id,
                story_id=best.story_id,
                score=round(best.score, 2),
                explanation=best.explanation,
                matched=json.dumps(best.matched, ensure_ascii=False),
                excerpt=excerpt(entry.text or entry.title, best.matched),
                alternatives=json.dumps([other.record() for other in others], ensure_ascii=False),
                created_at=now,
            )
        )
        added += 1
    session.flush()
    return added


def _unmatched_count(session: Any) -> int:
    import sqlalchemy as sa
    from sqlmodel import col, select

    from journal.store.radar_models import RadarEntry

    query = select(sa.func.count()).select_from(RadarEntry).where(col(RadarEntry.matched_at).is_(None))
    return int(session.exec(query).one())
