"""A page of changes from the team server, applied to the journal in ONE write transaction together with the
cursor, so the cursor moves exactly when the page is in.

For each story the server sends what it holds: its current version (a record or a deletion) and the
versions kept in conflicts with it. When everything this laptop holds of the story has already reached the
server (its vector is covered by what the server was known to hold), the laptop takes the server's state as
it is: the current version, and the same conflicts, so every laptop shows the same thing. When the laptop
has changes the server has not seen yet (made since the last push), it decides as a bundle import does
(journal/bundles/decide.py): nothing of its own is overwritten, a concurrent version is kept as a conflict,
and its changes go out with the next push.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from journal.bundles.decide import Action, Held, breaks_line, covered, decide_grave, decide_story, needs_record
from journal.bundles.merge import (
    CONFLICT,
    STORY,
    TOMBSTONE,
    NewStories,
    TagCache,
    delete_story,
    keep_conflict,
    note_grave,
    write_record,
)
from journal.bundles.records import story_records
from journal.coverage.origin import SYNC_ORIGIN
from journal.store import case_study_versions, search, versioning
from journal.store.database import Journal
from journal.store.models import utcnow
from journal.store.versioning import Order, compare
from journal.sync import case_studies, state
from journal.sync.wire import CASE_STUDY, Change, Page, Version, bundle_form, snapshot_refs

SOURCE = "the team ({by})"


@dataclass
class Applied:
    stories: int = 0
    case_studies: int = 0
    unchanged: int = 0  # changes this journal already held exactly (its own, coming back)
    # A version was taken that has not seen this journal's last one of the story: this journal takes a new
    # replica id before its next change, so the change neither repeats a count nor claims to have seen it.
    renew_replica: bool = False
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    new: NewStories | None = None  # stories this journal never had, inserted many rows at a time


def texts_of(record: dict[str, Any], by_hash: Mapping[str, str]) -> dict[str, str]:
    """A wire record's snapshot texts by link id (sent inline, or by hash and fetched beforehand)."""
    return {
        link_id: value if kind == "text" else by_hash[value] for link_id, (kind, value) in snapshot_refs(record).items()
    }


def apply_page(journal: Journal, page: Page, by_hash: Mapping[str, str]) -> Applied:
    applied = Applied()
    with journal.write() as session:
        connection = session.connection()
        for drop in (search.drop_triggers, versioning.drop_triggers, case_study_versions.drop_triggers):
            drop(connection)
        tags = TagCache(session)
        applied.new = NewStories(session, tags, SYNC_ORIGIN)
        replica = versioning.replica_id(connection)
        unknown = _unknown_here(connection, page)
        bases: list[tuple[str, str, str, int, str | None]] = []
        for change in page.changes:
            if change.kind == CASE_STUDY:
                _case_study(connection, change)
                applied.case_studies += 1
            elif change.id in unknown and change.current.record is not None and not change.conflicts:
                # Never seen here (most of a first sync): written many rows at a time, nothing to decide.
                record = change.current.record
                applied.new.add(bundle_form(record), texts_of(record, by_hash))
                applied.written.append(change.id)
                bases.append(("story", change.id, versioning.dumps(change.current.version), 0, change.view))
                applied.stories += 1
            else:
                _story(session, change, by_hash, tags, replica, applied)
                applied.stories += 1
        applied.new.flush()
        if bases:
            connection.exec_driver_sql(state.SET_BASE, bases)
        case_studies.fill_waiting(connection)
        if applied.renew_replica:
            versioning.renew_replica_id(connection)
        if applied.written or applied.deleted:
            search.refresh_stories(connection, applied.written + applied.deleted)
            for start in range(0, len(applied.deleted), 500):
                chunk = applied.deleted[start : start + 500]
                connection.execute(
                    sa.text(f"DELETE FROM {search.DOC_TABLE} WHERE story_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": [i for i in chunk if not _exists(connection, i)]},
                )
        search.install_triggers(connection)
        versioning.install_triggers(connection)
        case_study_versions.install_triggers(connection)
        state.save(connection, cursor=page.next)
    return applied


def _unknown_here(connection: sa.Connection, page: Page) -> set[str]:
    """The page's stories this journal has never heard of: no story, deletion, base or conflict here."""
    ids = [change.id for change in page.changes if change.kind != CASE_STUDY]
    unknown = set(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for table, column in (
            ("story", "id"),
            ("tombstone", "story_id"),
            ("sync_base", "kind = 'story' AND id"),
            ("story_conflict", "story_id"),
        ):
            name = column.rsplit(" ", 1)[-1]
            rows = connection.exec_driver_sql(f"SELECT {name} FROM {table} WHERE {column} IN ({marks})", tuple(chunk))
            unknown.difference_update(row[0] for row in rows)
    return unknown


def _version(connection: sa.Connection, story_id: str) -> dict[str, int] | None:
    found = connection.execute(sa.select(STORY.c.version).where(STORY.c.id == story_id)).scalar()
    return None if found is None else versioning.loads(found)


def _grave(connection: sa.Connection, story_id: str) -> dict[str, int] | None:
    found = connection.execute(sa.select(TOMBSTONE.c.version).where(TOMBSTONE.c.story_id == story_id)).scalar()
    return None if found is None else versioning.loads(found)


def _exists(connection: sa.Connection, story_id: str) -> bool:
    return connection.execute(sa.select(STORY.c.id).where(STORY.c.id == story_id)).first() is not None


def _known(change: Change) -> tuple[dict[str, int], bool]:
    """What the server holds (every version's vector merged) and whether its current version is a deletion."""
    vector = dict(change.current.version)
    for conflict in change.conflicts:
        vector = versioning.merged(vector, conflict.version)
    return vector, change.current.record is None


def _holds_deletion(change: Change, grave: dict[str, int]) -> bool:
    """Does the server hold this deletion: as its current version, or kept in a conflict?"""
    return any(v.record is None and covered(grave, v.version) for v in (change.current, *change.conflicts))


def _when(text: str | None) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC) if text else utcnow()


# ---------------------------------------------------------------- stories


def _story(
    session: Session, change: Change, by_hash: Mapping[str, str], tags: TagCache, replica: str, applied: Applied
) -> None:
    connection = session.connection()
    story_id = change.id
    row = connection.execute(sa.select(STORY.c.version).where(STORY.c.id == story_id)).first()
    local = None if row is None else (versioning.loads(row.version) or {replica: 1})
    grave_row = connection.execute(sa.select(TOMBSTONE.c.version).where(TOMBSTONE.c.story_id == story_id)).first()
    grave = None if grave_row is None else versioning.loads(grave_row.version)
    base = state.bases(connection, "story", [story_id]).get(story_id)
    known, _deleted = _known(change)
    # Has this laptop anything the server does not hold? The change says what the server holds now.
    if local is not None:
        dirty = not covered(local, versioning.merged(base.version if base else {}, known))
    else:
        dirty = grave is not None and not _holds_deletion(change, grave)
    if dirty:
        _merge(session, change, by_hash, tags, replica, local, grave, applied)
    elif _already_here(connection, change, local):
        applied.unchanged += 1  # what this laptop sent, coming back
    else:
        _take(session, change, by_hash, tags, replica, applied, exists=local is not None)
    state.set_base(connection, "story", story_id, known, _deleted, change.view)


def _already_here(connection: sa.Connection, change: Change, local: dict[str, int] | None) -> bool:
    """What this laptop sent, coming back: the same version, no conflicts on either side."""
    return (
        local is not None
        and change.current.record is not None
        and local == change.current.version
        and not change.conflicts
        and not _pending(connection, change.id)
    )


def _take(
    session: Session,
    change: Change,
    by_hash: Mapping[str, str],
    tags: TagCache,
    replica: str,
    applied: Applied,
    *,
    exists: bool,
) -> None:
    """The server's state as it is: nothing here is newer. The version kept here as current must descend from
    this journal's own last version, or its next change would count from a vector that forgot its own
    earlier ones (version vectors need each replica's line unbroken): so it is the server's current version
    when that one has seen this journal's, else another version the server holds that has, else this
    journal's own version stays current, with the server's current one kept beside it."""
    connection = session.connection()
    current = change.current
    if current.record is None:
        if exists:
            delete_story(session, change.id, current.version)
            applied.deleted.append(change.id)
        else:
            note_grave(session, change.id, current.version, _when(current.deleted_at))
        return
    local = _version(connection, change.id)
    versions = [current, *change.conflicts]
    chosen: Version | None = current
    if local is not None and not covered(local, current.version):
        successor = next((v for v in change.conflicts if v.record is not None and covered(local, v.version)), None)
        if successor is not None:
            chosen = successor
        elif not any(covered(local, v.version) for v in change.conflicts):
            chosen = None  # this journal's own version is one the server keeps in conflict: it stays current
        # else only a deletion has seen this journal's version: the server's current one is taken
    if chosen is not None:
        assert chosen.record is not None
        own = local if local is not None else _grave(connection, change.id)
        applied.renew_replica |= breaks_line(own, chosen.version, replica)
        record, texts = bundle_form(chosen.record), texts_of(chosen.record, by_hash)
        applied.written.append(change.id)
        if not exists and own is None and not change.conflicts and applied.new is not None:
            applied.new.add(record, texts)  # the common case of a first sync: many rows per statement
            return
        write_record(session, record, texts, tags, origin=SYNC_ORIGIN)
    connection.execute(CONFLICT.delete().where(CONFLICT.c.story_id == change.id))
    for version in versions:
        if version is chosen or (chosen is None and local is not None and covered(version.version, local)):
            continue
        _keep_conflict(connection, change.id, version, by_hash, exact=True)


def _merge(
    session: Session,
    change: Change,
    by_hash: Mapping[str, str],
    tags: TagCache,
    replica: str,
    local: dict[str, int] | None,
    grave: dict[str, int] | None,
    applied: Applied,
) -> None:
    """This laptop changed the story since its last push: decide as a bundle import does."""
    connection = session.connection()
    pending = _pending(connection, change.id)
    held = Held(version=local, grave=grave, pending=pending)
    current = change.current
    if current.record is None:
        action = decide_grave(current.version, held).action
        if action == Action.DELETE:
            delete_story(session, change.id, current.version)
            applied.deleted.append(change.id)
        elif action == Action.FORGET:
            note_grave(session, change.id, current.version, _when(current.deleted_at))
        elif action == Action.CONFLICT:
            _keep_conflict(connection, change.id, current, by_hash)
        return
    record, texts = bundle_form(current.record), texts_of(current.record, by_hash)
    if needs_record(current.version, held):
        records, mine_texts = story_records(session, [change.id])
        held = Held(local, grave, pending, records[0], mine_texts)
    decision = decide_story(record, texts, held)
    if decision.action in (Action.NEW, Action.UPDATE):
        applied.renew_replica |= breaks_line(local if local is not None else grave, current.version, replica)
        write_record(session, record, texts, tags, origin=SYNC_ORIGIN)
        applied.written.append(change.id)
        _drop_covered(connection, change.id, current.version)
    elif decision.action == Action.ABSORB:
        assert local is not None
        vector = versioning.merged(local, current.version)
        connection.execute(STORY.update().where(STORY.c.id == change.id).values(version=versioning.dumps(vector)))
    elif decision.action == Action.AUTOMERGE:
        assert local is not None and decision.merged is not None
        vector = versioning.bumped(versioning.merged(local, current.version), replica)
        write_record(session, {**decision.merged, "version": vector}, {}, tags, origin=SYNC_ORIGIN)
        applied.written.append(change.id)
    elif decision.action == Action.CONFLICT:
        _keep_conflict(connection, change.id, current, by_hash)
    now = connection.execute(sa.select(STORY.c.version).where(STORY.c.id == change.id)).scalar()
    if now is None:
        return
    mine = versioning.loads(now)
    for conflict in change.conflicts:
        if not covered(conflict.version, mine) and not any(covered(conflict.version, seen) for seen in pending):
            _keep_conflict(connection, change.id, conflict, by_hash)


def _pending(connection: sa.Connection, story_id: str) -> list[dict[str, int]]:
    rows = connection.execute(sa.select(CONFLICT.c.incoming).where(CONFLICT.c.story_id == story_id)).scalars()
    return [versioning.loads(json.dumps(json.loads(text)["version"])) for text in rows]


def _drop_covered(connection: sa.Connection, story_id: str, vector: dict[str, int]) -> None:
    for row in connection.execute(sa.select(CONFLICT.c.id, CONFLICT.c.incoming).where(CONFLICT.c.story_id == story_id)):
        if covered(json.loads(row.incoming)["version"], vector):
            connection.execute(CONFLICT.delete().where(CONFLICT.c.id == row.id))


def _keep_conflict(
    connection: sa.Connection, story_id: str, version: Version, by_hash: Mapping[str, str], *, exact: bool = False
) -> None:
    """Keep `version` beside the story, as a bundle's conflict is kept (journal/bundles/conflicts.py reads it);
    an older version of the same line is replaced, not piled up, unless `exact` (the server's set, as it is)."""
    if not _exists(connection, story_id):
        return
    if version.record is None:
        incoming: dict[str, Any] = {
            "version": version.version,
            "deleted": {"story_id": story_id, "deleted_at": version.deleted_at, "version": version.version},
        }
    else:
        record = bundle_form(version.record)
        texts = texts_of(version.record, by_hash)
        for link in record["links"]:
            if "snapshot" in link:
                link["snapshot"]["text"] = texts[link["id"]]
        incoming = {"version": version.version, "record": record}
    for row in connection.execute(sa.select(CONFLICT.c.id, CONFLICT.c.incoming).where(CONFLICT.c.story_id == story_id)):
        order = compare(json.loads(row.incoming)["version"], version.version)
        if order == Order.EQUAL:
            return
        if order == Order.BEFORE and not exact:
            connection.execute(CONFLICT.delete().where(CONFLICT.c.id == row.id))
    keep_conflict(connection, story_id, incoming, SOURCE.format(by=version.by or "team server"))


# ---------------------------------------------------------------- case studies


def _case_study(connection: sa.Connection, change: Change) -> None:
    study_id = change.id
    row = connection.execute(sa.select(case_studies.STUDY.c.version).where(case_studies.STUDY.c.id == study_id)).first()
    local = None if row is None else versioning.loads(row.version)
    grave_row = connection.execute(
        sa.select(case_studies.GRAVE.c.version).where(case_studies.GRAVE.c.case_study_id == study_id)
    ).first()
    grave = None if grave_row is None else versioning.loads(grave_row.version)
    base = state.bases(connection, CASE_STUDY, [study_id]).get(study_id)
    current = change.current
    if local is not None:
        dirty = not covered(local, versioning.merged(base.version if base else {}, current.version))
    else:
        dirty = grave is not None and not (current.record is None and covered(grave, current.version))
    if current.record is None:
        if not dirty or (local is not None and covered(local, current.version)):
            case_studies.delete(connection, study_id, current.version, _when(current.deleted_at))
        # Changed here after it was deleted elsewhere: it stays, and goes out with the next push.
    elif not dirty:
        if local is not None and not covered(local, current.version):
            # This laptop's version became a copy on the server: the case study goes on from the server's
            # version, with a vector that remembers this laptop's line (its next change counts on from there).
            case_studies.write(connection, {**current.record, "version": versioning.merged(current.version, local)})
        else:
            case_studies.write(connection, current.record)
    elif local is None:
        if not covered(current.version, grave):
            case_studies.write(connection, current.record)
    elif compare(current.version, local) == Order.AFTER:
        case_studies.write(connection, current.record)
    # Concurrent: this laptop's version goes out with the next push, and the server keeps both.
    state.set_base(connection, CASE_STUDY, study_id, current.version, current.record is None)
