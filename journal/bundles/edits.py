"""A person's edit, saved over the version of the story they were shown.

The window's editor shows a story, and a moment later saves what is in its fields. Meanwhile the journal may
have taken another version of that story: a team sync pulled a colleague's edit, a bundle was imported, the
command line changed it. Writing the editor's fields over that version would erase it without anyone
seeing it. So the editor keeps what it was shown (`Shown`: the story's vector, its fields and its tags) and
saves with `save_typed`, in one write transaction:

- when the journal still holds what the person was shown (in the fields and tags the editor shows; links,
  fetches and readings written meanwhile are not the editor's business), the edit is written on top, as
  every save is;
- when it holds something else, the person's edit and that version were made without seeing each other:
  both are kept, exactly as a sync or a bundle keeps concurrent versions. The person's version stays
  current (it is what they are looking at) with a vector of the version they were shown plus one change
  of this journal's, and the other is kept beside it as a conflict, to be settled with Resolve…. The next
  sync sends the person's version, and the team server keeps both, so every laptop shows the same choice;
- when the story was deleted for good meanwhile (a colleague's deletion that a sync brought), and the person
  typed something, the story comes back as they see it (its fields and tags; its coverage went with the
  deletion) with the deletion kept beside it as a conflict, exactly as an edit made elsewhere without seeing
  a deletion comes back from a sync or a bundle. Resolve… then deletes it or keeps it.

A case study deleted for good while the person typed in it comes back too (`revive_case_study`): its text as
they see it and its stories still in the journal, as a change made after the deletion. Case studies keep no
conflicts; the team sync already lets an edit outlive a deletion of a case study, and this is that edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from journal.bundles.merge import STORY, TOMBSTONE, keep_conflict
from journal.bundles.records import story_records
from journal.store import stories, versioning
from journal.store.errors import StoryNotFoundError
from journal.store.models import EDITABLE_FIELDS, CaseStudy, CaseStudyStory, Story, table_of, utcnow
from journal.store.stories import StoryRead
from journal.store.team_models import CaseStudyTombstone
from journal.store.versioning import Order, compare

CASE_STUDY = table_of(CaseStudy)
CASE_STUDY_TOMBSTONE = table_of(CaseStudyTombstone)

# How such a conflict names the other version ("This story was also changed in another copy, while you were typing.")
ELSEWHERE = "another copy, while you were typing"


@dataclass(frozen=True)
class Shown:
    """What an editor showed of a story: its vector (as stored) and its fields and tags."""

    version: str
    fields: dict[str, Any]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Saved:
    changed: bool  # something was written
    kept_conflict: bool  # the journal held another version meanwhile: both are kept
    shown: Shown  # what the journal holds now, for the editor's next save
    revived: bool = False  # it had been deleted for good meanwhile: it is back, with the deletion as a conflict


def _tags(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=str.casefold))


def shown(story: StoryRead, version: str) -> Shown:
    return Shown(version, story.model_dump(include=set(EDITABLE_FIELDS)), _tags(story.tags))


def read_shown(story_id: str, *, session: Session) -> tuple[StoryRead, Shown]:
    """The story, and what an editor showing it has been shown, read together."""
    story = stories.get_story(story_id, session=session)
    version = session.execute(sa.select(STORY.c.version).where(STORY.c.id == story_id)).scalar_one()
    return story, shown(story, version)


def save_typed(
    story_id: str, seen: Shown, changes: dict[str, Any], tags: Sequence[str] | None, *, session: Session
) -> Saved:
    """Save the editor's fields (`changes`: the fields that parse; `tags`: None when they did not) over the
    version it was shown. Raises StoryNotFoundError when the story is gone."""
    story = session.get(Story, story_id)
    if story is None:
        return _revive(session, story_id, seen, changes, tags)
    if story.deleted_at is not None:
        raise StoryNotFoundError(f"No story has the id {story_id}.")
    typed = {name: value for name, value in changes.items() if value != seen.fields.get(name)}
    typed_tags = None if tags is None or _tags(tags) == seen.tags else _tags(tags)
    if story.version == seen.version:
        # Every change moves the vector (journal/store/versioning.py), so the journal still holds exactly what
        # the editor was shown: nothing to compare, and its tags need not be read.
        if not typed and typed_tags is None:
            return Saved(False, False, seen)
        held_fields, held_tags = seen.fields, seen.tags
    else:
        held_fields = {name: getattr(story, name) for name in EDITABLE_FIELDS}
        held_tags = _tags([tag.name for tag in story.tags])
        if not typed and typed_tags is None:
            return Saved(False, False, read_shown(story_id, session=session)[1])  # what the journal holds stays
    mine_fields = {**seen.fields, **typed}
    mine_tags = seen.tags if typed_tags is None else typed_tags
    elsewhere = (held_fields, held_tags) != (seen.fields, seen.tags)
    if elsewhere and (mine_fields, mine_tags) != (held_fields, held_tags):
        theirs = versioning.loads(story.version)
        if compare(theirs, versioning.loads(seen.version)) in (Order.AFTER, Order.CONCURRENT):
            _keep_both(session, story_id, seen, theirs, mine_fields, mine_tags)
            return Saved(True, True, read_shown(story_id, session=session)[1])
    # Only what the person typed: a field they did not touch keeps whatever the journal holds.
    changed = stories.update_story(story_id, typed, session=session)
    if typed_tags is not None:
        changed = stories.set_story_tags(story_id, typed_tags, session=session) or changed
    session.flush()
    if typed_tags is not None:
        return Saved(changed, False, read_shown(story_id, session=session)[1])  # tags as the library names them
    # What is stored now: the fields as just written on the row this session holds, the tags as they were,
    # and the vector the triggers moved (read, as the statement's triggers set it).
    version = session.execute(sa.select(STORY.c.version).where(STORY.c.id == story_id)).scalar_one()
    return Saved(changed, False, Shown(version, {name: getattr(story, name) for name in EDITABLE_FIELDS}, held_tags))


def _revive(session: Session, story_id: str, seen: Shown, changes: dict[str, Any], tags: Sequence[str] | None) -> Saved:
    """Deleted for good while the person typed: back as they see it, the deletion kept as a conflict."""
    grave = session.execute(
        sa.select(TOMBSTONE.c.version, TOMBSTONE.c.deleted_at).where(TOMBSTONE.c.story_id == story_id)
    ).first()
    typed = {name: value for name, value in changes.items() if value != seen.fields.get(name)}
    typed_tags = None if tags is None or _tags(tags) == seen.tags else _tags(tags)
    if grave is None or (not typed and typed_tags is None):
        raise StoryNotFoundError(f"No story has the id {story_id}.")
    deleted = versioning.loads(grave.version)
    connection = session.connection()
    mine = _sibling(connection, versioning.loads(seen.version), deleted)
    session.add(Story(id=story_id, **{**seen.fields, **typed}, version=versioning.dumps(mine)))
    session.flush()
    stories.set_story_tags(story_id, list(seen.tags if typed_tags is None else typed_tags), session=session)
    session.flush()  # the tag triggers counted these writes; the vector set below replaces what they counted
    connection.execute(STORY.update().where(STORY.c.id == story_id).values(version=versioning.dumps(mine)))
    connection.execute(TOMBSTONE.delete().where(TOMBSTONE.c.story_id == story_id))
    when = grave.deleted_at.astimezone(dt.UTC).isoformat() if grave.deleted_at else utcnow().isoformat()
    grave_record = {"story_id": story_id, "deleted_at": when, "version": deleted}
    keep_conflict(connection, story_id, {"version": deleted, "deleted": grave_record}, ELSEWHERE)
    return Saved(True, True, read_shown(story_id, session=session)[1], revived=True)


def revive_case_study(
    case_study_id: str, fields: dict[str, Any], entries: Sequence[tuple[str, str, bool]], *, session: Session
) -> bool:
    """A case study deleted for good (a tombstone) while the person typed: back with `fields` (title, audience,
    introduction, closing, show_costs) and `entries` ((story id, headline, include coverage), in order; stories
    no longer in the journal are left out). False, changing nothing, when there is no such deletion."""
    grave = session.execute(
        sa.select(CASE_STUDY_TOMBSTONE.c.version).where(CASE_STUDY_TOMBSTONE.c.case_study_id == case_study_id)
    ).scalar()
    if grave is None or session.get(CaseStudy, case_study_id) is not None:
        return False
    connection = session.connection()
    after = versioning.dumps(versioning.bumped(versioning.loads(grave), versioning.replica_id(connection)))
    session.add(CaseStudy(id=case_study_id, **fields, version=after))
    session.flush()
    live = set(session.execute(sa.select(STORY.c.id).where(STORY.c.id.in_([e[0] for e in entries]))).scalars())
    kept = [entry for entry in entries if entry[0] in live]
    for position, (story_id, headline, include_coverage) in enumerate(kept):
        session.add(
            CaseStudyStory(
                case_study_id=case_study_id,
                story_id=story_id,
                position=position,
                headline=headline,
                include_coverage=include_coverage,
            )
        )
    session.flush()  # the entry triggers counted these writes; the vector set below replaces what they counted
    connection.execute(CASE_STUDY.update().where(CASE_STUDY.c.id == case_study_id).values(version=after))
    connection.execute(CASE_STUDY_TOMBSTONE.delete().where(CASE_STUDY_TOMBSTONE.c.case_study_id == case_study_id))
    return True


def _sibling(connection: sa.Connection, base: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    """The vector of a version made here on top of `base`, concurrent with `other`: one more change of this
    journal's (under a new replica id when `other` already counted that change, so no count means two things)."""
    replica = versioning.replica_id(connection)
    if other.get(replica, 0) > base.get(replica, 0):
        replica = versioning.renew_replica_id(connection)
    return versioning.bumped(base, replica)


def _keep_both(
    session: Session,
    story_id: str,
    seen: Shown,
    theirs: dict[str, int],
    mine_fields: dict[str, Any],
    mine_tags: tuple[str, ...],
) -> None:
    """The journal's version goes beside the story as a conflict; the person's becomes current, as a sibling
    of it: the vector they were shown plus one change of this journal's (under a new replica id when this
    journal already counted that change for the other version, so no count means two things)."""
    connection = session.connection()
    records, texts = story_records(session, [story_id])
    record = records[0]
    for link in record["links"]:
        if "snapshot" in link:
            link["snapshot"]["text"] = texts[link["id"]]
    keep_conflict(connection, story_id, {"version": record["version"], "record": record}, ELSEWHERE)
    mine = _sibling(connection, versioning.loads(seen.version), theirs)
    stories.update_story(story_id, mine_fields, session=session)
    stories.set_story_tags(story_id, list(mine_tags), session=session)
    session.flush()  # the triggers count these writes; the vector set below replaces what they counted
    connection.execute(STORY.update().where(STORY.c.id == story_id).values(version=versioning.dumps(mine)))
