"""Case studies: an ordered selection of stories with an introduction and a closing of their own.

Plain functions over a session, like journal.store.stories; the exporter (journal.export) reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from journal.store.errors import StoryNotFoundError
from journal.store.fields import FieldError, parse_title
from journal.store.models import CaseStudy, CaseStudyStory, Story, utcnow
from journal.store.stories import _like_prefix

TEXT_FIELDS = ("title", "audience", "introduction", "closing", "show_costs")


class CaseStudyNotFoundError(StoryNotFoundError):
    """No case study by that title or id (the message says what to do)."""


class EntryRead(BaseModel):
    """One story's place in a case study, with what the list needs to show it."""

    story_id: str
    position: int
    headline: str
    include_coverage: bool
    title: str
    status: str
    consent: str


class CaseStudySummary(BaseModel):
    id: str
    title: str
    audience: str
    stories: int
    updated_at: Any


def create_case_study(title: str, *, session: Session, story_ids: Sequence[str] = ()) -> CaseStudy:
    study = CaseStudy(title=parse_title(title))
    session.add(study)
    session.flush()
    add_stories(study.id, story_ids, session=session)
    return study


def get_case_study(case_study_id: str, *, session: Session) -> CaseStudy:
    study = session.get(CaseStudy, case_study_id)
    if study is None:
        raise CaseStudyNotFoundError(f"No case study has the id {case_study_id}.")
    return study


def resolve_case_study(text: str, *, session: Session) -> str:
    """A case study named by its exact title (any case), its id, or a unique id prefix of 4+ characters."""
    wanted = text.strip()
    by_title = session.exec(
        select(CaseStudy.id).where(sa.func.lower(CaseStudy.title) == wanted.casefold()).limit(2)
    ).all()
    if len(by_title) == 1:
        return by_title[0]
    if len(by_title) > 1:
        raise CaseStudyNotFoundError(f"More than one case study is called “{wanted}”; name it by its id instead.")
    if len(wanted) >= 4:
        ids = session.exec(
            select(CaseStudy.id).where(col(CaseStudy.id).like(_like_prefix(wanted.lower()) + "%", escape="\\")).limit(2)
        ).all()
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise CaseStudyNotFoundError(f"More than one case study's id starts with {wanted}; give more of it.")
    raise CaseStudyNotFoundError(
        f"No case study is called or has the id “{wanted}”. `journal case-study list` shows them."
    )


def list_case_studies(*, session: Session) -> list[CaseStudySummary]:
    counts = (
        select(CaseStudyStory.case_study_id, sa.func.count().label("n"))
        .join(Story, col(Story.id) == col(CaseStudyStory.story_id))
        .where(col(Story.deleted_at).is_(None))
        .group_by(col(CaseStudyStory.case_study_id))
        .subquery()
    )
    rows = session.exec(
        select(CaseStudy, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.case_study_id == col(CaseStudy.id))
        .order_by(sa.func.lower(CaseStudy.title), col(CaseStudy.id))
    ).all()
    return [
        CaseStudySummary(
            id=study.id, title=study.title, audience=study.audience, stories=count, updated_at=study.updated_at
        )
        for study, count in rows
    ]


def update_case_study(case_study_id: str, changes: dict[str, Any], *, session: Session) -> bool:
    unknown = set(changes) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "title" in changes:
        changes = {**changes, "title": parse_title(str(changes["title"]))}
    study = get_case_study(case_study_id, session=session)
    changed = False
    for name, value in changes.items():
        if getattr(study, name) != value:
            setattr(study, name, value)
            changed = True
    if changed:
        study.updated_at = utcnow()
    return changed


def delete_case_study(case_study_id: str, *, session: Session) -> None:
    session.delete(get_case_study(case_study_id, session=session))


def entries(case_study_id: str, *, session: Session) -> list[EntryRead]:
    """The case study's stories in order (deleted stories are skipped)."""
    rows = session.exec(
        select(CaseStudyStory, Story.title, Story.status, Story.consent)
        .join(Story, col(Story.id) == col(CaseStudyStory.story_id))
        .where(col(CaseStudyStory.case_study_id) == case_study_id, col(Story.deleted_at).is_(None))
        .order_by(col(CaseStudyStory.position), col(CaseStudyStory.story_id))
    ).all()
    return [
        EntryRead(
            story_id=entry.story_id,
            position=entry.position,
            headline=entry.headline,
            include_coverage=entry.include_coverage,
            title=title,
            status=status,
            consent=consent,
        )
        for entry, title, status, consent in rows
    ]


def _entry_rows(case_study_id: str, session: Session) -> list[CaseStudyStory]:
    return list(
        session.exec(
            select(CaseStudyStory)
            .where(col(CaseStudyStory.case_study_id) == case_study_id)
            .order_by(col(CaseStudyStory.position), col(CaseStudyStory.story_id))
        ).all()
    )


def _touch(case_study_id: str, session: Session) -> None:
    get_case_study(case_study_id, session=session).updated_at = utcnow()


def add_stories(case_study_id: str, story_ids: Sequence[str], *, session: Session, at: int | None = None) -> int:
    """Add stories (at position `at`, else at the end); ones already in it stay where they are.
    Returns how many were added."""
    rows = _entry_rows(case_study_id, session)
    present = {row.story_id for row in rows}
    new: list[str] = []
    for story_id in story_ids:
        story = session.get(Story, story_id)
        if story is None or story.deleted_at is not None:
            raise StoryNotFoundError(f"No story has the id {story_id}.")
        if story_id not in present and story_id not in new:
            new.append(story_id)
    if not new:
        return 0
    order = [row.story_id for row in rows]
    at = len(order) if at is None else max(0, min(at, len(order)))
    order[at:at] = new
    for story_id in new:
        session.add(CaseStudyStory(case_study_id=case_study_id, story_id=story_id))
    session.flush()
    _renumber(case_study_id, order, session)
    _touch(case_study_id, session)
    return len(new)


def remove_story(case_study_id: str, story_id: str, *, session: Session) -> None:
    entry = session.get(CaseStudyStory, (case_study_id, story_id))
    if entry is not None:
        session.delete(entry)
        session.flush()
        _renumber(case_study_id, [row.story_id for row in _entry_rows(case_study_id, session)], session)
        _touch(case_study_id, session)


def reorder(case_study_id: str, story_ids: Sequence[str], *, session: Session) -> None:
    """Put the stories in this order: each story `entries()` shows, once. Stories deleted to the bin (not
    shown) keep their places after them, ready for an undo."""
    shown = {entry.story_id for entry in entries(case_study_id, session=session)}
    if set(story_ids) != shown or len(story_ids) != len(shown):
        raise FieldError("The new order must list each story of the case study once.")
    hidden = [row.story_id for row in _entry_rows(case_study_id, session) if row.story_id not in shown]
    _renumber(case_study_id, [*story_ids, *hidden], session)
    _touch(case_study_id, session)


def _renumber(case_study_id: str, order: Sequence[str], session: Session) -> None:
    rows = {row.story_id: row for row in _entry_rows(case_study_id, session)}
    for position, story_id in enumerate(order):
        rows[story_id].position = position
    session.flush()


def update_entry(case_study_id: str, story_id: str, changes: dict[str, Any], *, session: Session) -> bool:
    """Change a story's headline override or whether its coverage is included."""
    unknown = set(changes) - {"headline", "include_coverage"}
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    entry = session.get(CaseStudyStory, (case_study_id, story_id))
    if entry is None:
        raise StoryNotFoundError("That story is not in the case study any more.")
    changed = False
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed = True
    if changed:
        _touch(case_study_id, session)
    return changed


def case_studies_of_story(story_id: str, *, session: Session) -> list[tuple[str, str]]:
    """(id, title) of the case studies a story is in."""
    rows = session.exec(
        select(CaseStudy.id, CaseStudy.title)
        .join(CaseStudyStory, col(CaseStudyStory.case_study_id) == col(CaseStudy.id))
        .where(col(CaseStudyStory.story_id) == story_id)
        .order_by(sa.func.lower(CaseStudy.title))
    ).all()
    return [(row[0], row[1]) for row in rows]
