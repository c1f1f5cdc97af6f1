"""The radar's suggestions, and what a person decides about each: link it to its story (or another one), make
a new draft story of it, dismiss it, or take the decision back.

Linking makes the entry's address a coverage link of the story, waiting to be fetched like any link the
person pastes (journal.coverage captures it); a comment count the feed stated becomes a dated comments
reading of that link. A dismissed entry stays in the journal, so it is never suggested again.

Every function takes the session by keyword; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.radar.addresses import link_key
from journal.radar.errors import NotFound, RadarError
from journal.radar.matching import mentions_organisation
from journal.radar.text import bounded, excerpt
from journal.store.models import CoverageLink, CoverageLinkBase, Story, utcnow
from journal.store.radar_models import RadarEntry, RadarSource, RadarSuggestion

NEW, LINKED, DISMISSED = "new", "linked", "dismissed"
STATES = (NEW, LINKED, DISMISSED)


@dataclass(frozen=True)
class Alternative:
    """Another story the entry could be about."""

    story_id: str
    story_title: str
    score: float
    explanation: str
    matched: list[str]


@dataclass(frozen=True)
class SuggestionRead:
    id: str
    state: str  # new | linked | dismissed
    entry_id: str
    title: str
    link: str
    source_id: str | None
    source: str  # the source's title, or its address
    published: dt.datetime | None
    found_at: dt.datetime
    excerpt: str  # plain text around the matched words
    matched: list[str]  # the words and phrases to show in bold (journal.radar.text.marked)
    explanation: str  # "mentions Zappos and 'flowers' and 'UPS pickup'"
    score: float
    story_id: str  # the suggested (or chosen) story
    story_title: str
    comment_count: int | None
    alternatives: list[Alternative] = field(default_factory=list)
    decided_at: dt.datetime | None = None
    link_id: str | None = None  # the coverage link linking made
    linked_story_id: str | None = None  # where that link is (the draft story, for "new story from this")
    drafted: bool = False


@dataclass(frozen=True)
class EntryRead:
    """An entry that matched no story (a story nobody wrote down yet, perhaps)."""

    id: str
    title: str
    link: str
    source: str
    published: dt.datetime | None
    found_at: dt.datetime
    excerpt: str


@dataclass(frozen=True)
class Linked:
    suggestion_id: str
    story_id: str
    link_id: str
    reading_id: str | None  # the comments reading, when the feed stated a count
    already: bool = False  # the story already had this address: nothing was added


# ---------------------------------------------------------------- reading


def _titles(ids: set[str], session: Session) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.exec(select(Story.id, Story.title).where(col(Story.id).in_(sorted(ids)))).all()
    return dict(rows)


def list_suggestions(
    *, session: Session, states: tuple[str, ...] = (NEW,), limit: int | None = None, offset: int = 0
) -> list[SuggestionRead]:
    """Suggestions in these states, newest entry first. Suggestions for stories in the bin are left out."""
    query = (
        select(RadarSuggestion, RadarEntry, RadarSource)
        .join(RadarEntry, col(RadarEntry.id) == col(RadarSuggestion.entry_id))
        .outerjoin(RadarSource, col(RadarSource.id) == col(RadarEntry.source_id))
        .join(Story, col(Story.id) == col(RadarSuggestion.story_id))
        .where(col(RadarSuggestion.state).in_(states), col(Story.deleted_at).is_(None))
        .order_by(
            sa.func.coalesce(col(RadarEntry.published), col(RadarEntry.found_at)).desc(),
            col(RadarSuggestion.created_at).desc(),
            col(RadarSuggestion.id),
        )
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.exec(query).all()
    return _reads(rows, session)


def count_new(*, session: Session) -> int:
    """How many suggestions wait for a decision (the sidebar's badge)."""
    query = (
        select(sa.func.count())
        .select_from(RadarSuggestion)
        .join(Story, col(Story.id) == col(RadarSuggestion.story_id))
        .where(col(RadarSuggestion.state) == NEW, col(Story.deleted_at).is_(None))
    )
    return int(session.exec(query).one())


def get_suggestion(suggestion_id: str, *, session: Session) -> SuggestionRead:
    row = session.exec(
        select(RadarSuggestion, RadarEntry, RadarSource)
        .join(RadarEntry, col(RadarEntry.id) == col(RadarSuggestion.entry_id))
        .outerjoin(RadarSource, col(RadarSource.id) == col(RadarEntry.source_id))
        .where(col(RadarSuggestion.id) == suggestion_id)
    ).first()
    if row is None:
        raise NotFound(f"No suggestion has the id {suggestion_id}. `journal radar list` shows them.")
    return _reads([row], session)[0]


def _reads(rows: Any, session: Session) -> list[SuggestionRead]:
    alternatives = {row[0].id: json.loads(row[0].alternatives or "[]") for row in rows}
    link_ids = [row[0].link_id for row in rows if row[0].link_id]
    linked = dict(
        session.exec(select(CoverageLink.id, CoverageLink.story_id).where(col(CoverageLink.id).in_(link_ids))).all()
    )
    story_ids = {row[0].story_id for row in rows} | {
        item["story_id"] for items in alternatives.values() for item in items
    }
    titles = _titles(story_ids | set(linked.values()), session)
    reads = []
    for suggestion, entry, source in rows:
        reads.append(
            SuggestionRead(
                id=suggestion.id,
                state=suggestion.state,
                entry_id=entry.id,
                title=entry.title,
                link=entry.link,
                source_id=entry.source_id,
                source=(source.title or source.address) if source is not None else "a source no longer watched",
                published=entry.published,
                found_at=entry.found_at,
                excerpt=suggestion.excerpt,
                matched=json.loads(suggestion.matched or "[]"),
                explanation=suggestion.explanation,
                score=suggestion.score,
                story_id=suggestion.story_id,
                story_title=titles.get(suggestion.story_id, ""),
                comment_count=entry.comment_count,
                alternatives=[
                    Alternative(
                        item["story_id"],
                        titles.get(item["story_id"], ""),
                        float(item["score"]),
                        str(item["explanation"]),
                        list(item["matched"]),
                    )
                    for item in alternatives[suggestion.id]
                    if item["story_id"] in titles
                ],
                decided_at=suggestion.decided_at,
                link_id=suggestion.link_id,
                linked_story_id=linked.get(suggestion.link_id or ""),
                drafted=suggestion.drafted,
            )
        )
    return reads


def list_unmatched(*, session: Session, limit: int = 50) -> list[EntryRead]:
    """Entries read and matched against the stories, that matched none: newest first."""
    query = (
        select(RadarEntry, RadarSource)
        .outerjoin(RadarSource, col(RadarSource.id) == col(RadarEntry.source_id))
        .outerjoin(RadarSuggestion, col(RadarSuggestion.entry_id) == col(RadarEntry.id))
        .where(col(RadarEntry.matched_at).is_not(None), col(RadarSuggestion.id).is_(None))
        .order_by(sa.func.coalesce(col(RadarEntry.published), col(RadarEntry.found_at)).desc(), col(RadarEntry.id))
        .limit(limit)
    )
    return [
        EntryRead(
            entry.id,
            entry.title,
            entry.link,
            (source.title or source.address) if source is not None else "a source no longer watched",
            entry.published,
            entry.found_at,
            excerpt(entry.text, []),
        )
        for entry, source in session.exec(query).all()
    ]


def resolve(text: str, *, session: Session) -> tuple[str, str]:
    """("suggestion" or "entry", its id), from an id or the start of one (at least 4 characters)."""
    text = text.strip().lower()
    if len(text) < 4:
        raise NotFound(f"'{text}' is too short to name a suggestion; give at least 4 characters of its id.")
    for kind, column in (("suggestion", RadarSuggestion.id), ("entry", RadarEntry.id)):
        ids = session.exec(select(column).where(col(column).startswith(text)).limit(2)).all()
        if len(ids) > 1:
            raise NotFound(f"More than one {kind}'s id starts with {text}; give more of the id.")
        if ids:
            return kind, ids[0]
    raise NotFound(f"No suggestion or entry has the id {text}. `journal radar list` shows them.")


# ---------------------------------------------------------------- deciding


def _suggestion(suggestion_id: str, session: Session) -> RadarSuggestion:
    row = session.get(RadarSuggestion, suggestion_id)
    if row is None:
        raise NotFound(f"No suggestion has the id {suggestion_id}. `journal radar list` shows them.")
    return row


def _live_story(story_id: str, session: Session) -> Story:
    story = session.get(Story, story_id)
    if story is None or story.deleted_at is not None:
        raise NotFound(f"No story has the id {story_id}. `journal list` shows the stories.")
    return story


def _decided(row: RadarSuggestion, what: str) -> None:
    if row.state == LINKED:
        raise RadarError(f"That suggestion is already linked; {what} is not possible (undo the link first).")


def choose_story(suggestion_id: str, story_id: str, *, session: Session) -> None:
    """Suggest another story for the entry (the person's choice); its explanation comes along when the matcher
    had it as an alternative."""
    row = _suggestion(suggestion_id, session)
    _decided(row, "choosing another story")
    _live_story(story_id, session)
    if story_id == row.story_id:
        return
    alternatives = json.loads(row.alternatives or "[]")
    chosen = next((item for item in alternatives if item["story_id"] == story_id), None)
    previous = {"story_id": row.story_id, "score": row.score, "explanation": row.explanation}
    previous["matched"] = json.loads(row.matched or "[]")
    alternatives = [previous, *(item for item in alternatives if item["story_id"] != story_id)]
    row.story_id = story_id
    row.score = float(chosen["score"]) if chosen else 0.0
    row.explanation = str(chosen["explanation"]) if chosen else "chosen by hand"
    row.matched = json.dumps(chosen["matched"] if chosen else [])
    row.alternatives = json.dumps(alternatives)
    session.add(row)
    session.flush()


def link(suggestion_id: str, story_id: str | None = None, *, session: Session) -> Linked:
    """Make the entry a coverage link of its suggested story (or of `story_id`, which becomes the suggestion's
    story). A dismissed suggestion can still be linked: the person changed their mind."""
    row = _suggestion(suggestion_id, session)
    _decided(row, "linking it again")
    if story_id is not None and story_id != row.story_id:
        choose_story(suggestion_id, story_id, session=session)
    entry = session.get(RadarEntry, row.entry_id)
    assert entry is not None  # the suggestion goes with its entry
    made = _add_link(entry, row.story_id, session)
    row.state, row.decided_at, row.link_id = LINKED, utcnow(), made.link_id
    session.add(row)
    session.flush()
    return Linked(row.id, row.story_id, made.link_id, made.reading_id, made.already)


@dataclass(frozen=True)
class _Made:
    link_id: str
    reading_id: str | None
    already: bool


def _add_link(entry: RadarEntry, story_id: str, session: Session) -> _Made:
    from journal.store.readings import add_reading
    from journal.store.stories import add_link

    story = _live_story(story_id, session)
    key = link_key(entry.link)
    for existing in story.links:
        if key in {link_key(existing.url), link_key(existing.canonical_url or existing.url)}:
            return _Made(existing.id, None, already=True)
    made = add_link(story_id, CoverageLinkBase(url=entry.link), session=session)
    row = session.get(CoverageLink, made.id)
    assert row is not None
    # What the feed said fills the link until its page is fetched; not typed, so the page's own values win.
    row.title = entry.title
    row.published = entry.published.date() if entry.published else None
    row.comment_count = entry.comment_count
    session.add(row)
    reading = None
    if entry.comment_count is not None:
        reading = add_reading(
            story_id,
            metric="comments",
            value=entry.comment_count,
            link_id=row.id,
            taken_at=entry.found_at,
            source="fetched",
            session=session,
        ).id
    session.flush()
    return _Made(row.id, reading, already=False)


def dismiss(suggestion_id: str, *, session: Session) -> None:
    """Never suggest this entry again."""
    row = _suggestion(suggestion_id, session)
    _decided(row, "dismissing it")
    row.state, row.decided_at = DISMISSED, utcnow()
    session.add(row)
    session.flush()


def reopen(suggestion_id: str, *, session: Session) -> None:
    """Take a decision back (the window's Undo): a dismissed suggestion is new again; a linked one loses the
    coverage link it made (with its readings), and a draft story made from it goes to the bin (a draft made
    from an entry that matched no story: the entry is back among the unmatched)."""
    from journal.store.stories import delete_story, remove_link

    row = _suggestion(suggestion_id, session)
    if row.state == LINKED and row.link_id:
        link_row = session.get(CoverageLink, row.link_id)
        owner = link_row.story_id if link_row is not None else None
        remove_link(row.link_id, session=session)
        if row.drafted and owner is not None:
            delete_story(owner, session=session)
        if row.drafted and owner == row.story_id:
            # Made for the draft itself (an entry that matched no story): the entry is unmatched again.
            session.delete(row)
            session.flush()
            return
    row.state, row.decided_at, row.link_id, row.drafted = NEW, None, None, False
    session.add(row)
    session.flush()


def new_story(target_id: str, *, session: Session, kind: str = "suggestion") -> Linked:
    """A draft story from an entry (`kind` "suggestion" or "entry"): its title, date, address as coverage
    and excerpt filled in; the organisation too when the entry named the suggested story's organisation."""
    from journal.store.stories import StoryCreate, create_story

    row = _suggestion(target_id, session) if kind == "suggestion" else None
    entry = session.get(RadarEntry, row.entry_id if row is not None else target_id)
    if entry is None:
        raise NotFound(f"No entry has the id {target_id}. `journal radar list --unmatched` shows them.")
    if row is None:
        row = session.exec(select(RadarSuggestion).where(col(RadarSuggestion.entry_id) == entry.id)).first()
    if row is not None:
        _decided(row, "making a new story of it")
    organisation = ""
    suggested = session.get(Story, row.story_id) if row is not None else None
    if suggested is not None and mentions_organisation(suggested.organization, f"{entry.title} {entry.text}"):
        organisation = suggested.organization
    source = session.get(RadarSource, entry.source_id) if entry.source_id else None
    quote = "\n".join(f"> {line}" for line in bounded(entry.text or entry.title, 1500).splitlines() or [""])
    found_in = f"\n\n(Found by the coverage radar in {source.title or source.address}.)" if source else ""
    story = create_story(
        StoryCreate(
            title=bounded(entry.title, 300),
            occurred=entry.published.date() if entry.published else None,
            organization=organisation,
            situation=quote + found_in,
        ),
        session=session,
    )
    made = _add_link(entry, story.id, session)
    if row is None:
        row = RadarSuggestion(entry_id=entry.id, story_id=story.id, explanation="made into a new story")
    row.state, row.decided_at, row.link_id, row.drafted = LINKED, utcnow(), made.link_id, True
    session.add(row)
    session.flush()
    return Linked(row.id, story.id, made.link_id, made.reading_id)
