"""An editor's save over the version it was shown (journal/bundles/edits.py), on a real journal file: only what
the person typed is written; a version the journal took meanwhile is never erased, and the two become a
conflict whose vectors say so (neither has seen the other), as a sync or a bundle would keep them."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from journal.bundles.conflicts import THEIRS, conflicts_of, resolve
from journal.bundles.edits import CASE_STUDY_TOMBSTONE, ELSEWHERE, Shown, read_shown, revive_case_study, save_typed
from journal.bundles.merge import TOMBSTONE
from journal.store import case_studies, listing, stories, versioning
from journal.store.database import Journal
from journal.store.errors import StoryNotFoundError
from journal.store.listing import StoryQuery
from journal.store.models import CoverageLinkBase, Story
from journal.store.stories import StoryCreate
from journal.store.versioning import Order, compare


@pytest.fixture
def story_id(journal: Journal) -> str:
    with journal.write() as session:
        return stories.create_story(
            StoryCreate(title="Boots for Jane Doe", policy="30 days.", tags=["retail"]), session=session
        ).id


def shown(journal: Journal, story_id: str) -> Shown:
    with journal.session() as session:
        return read_shown(story_id, session=session)[1]


def vector(journal: Journal, story_id: str) -> dict[str, int]:
    return versioning.loads(shown(journal, story_id).version)


def save(journal: Journal, story_id: str, seen: Shown, **typed: object) -> bool:
    """What the editor sends: every field as the editor holds it (what it was shown, and what was typed)."""
    with journal.write() as session:
        return save_typed(story_id, seen, {**seen.fields, **typed}, list(seen.tags), session=session).kept_conflict


def elsewhere(journal: Journal, story_id: str, **changes: object) -> None:
    """Another writer (a sync, the command line) changes the story."""
    with journal.write() as session:
        stories.update_story(story_id, changes, session=session)


def test_nothing_changed_meanwhile_writes_what_was_typed(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    before = vector(journal, story_id)
    assert not save(journal, story_id, seen, outcome="She blogged about it.")
    story = stories_of(journal, story_id)
    assert (story.policy, story.outcome) == ("30 days.", "She blogged about it.")
    assert compare(vector(journal, story_id), before) == Order.AFTER
    with journal.session() as session:
        assert conflicts_of(session, story_id) == []


def test_what_the_editor_does_not_show_changing_meanwhile_is_no_conflict(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    with journal.write() as session:  # a link added (and its page fetched) while the person typed
        stories.add_link(story_id, CoverageLinkBase(url="https://blog.example/boots"), session=session)
    assert not save(journal, story_id, seen, outcome="She blogged about it.")
    story = stories_of(journal, story_id)
    assert story.outcome == "She blogged about it." and [link.url for link in story.links] == [
        "https://blog.example/boots"
    ]


def test_a_version_taken_meanwhile_is_kept_beside_what_was_typed(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    elsewhere(journal, story_id, policy="30 days, no exceptions.", title="Boots, and flowers")
    theirs = vector(journal, story_id)
    assert save(journal, story_id, seen, policy="30 days. We made one.")

    story = stories_of(journal, story_id)  # what the person sees stays current, as they typed it
    assert (story.title, story.policy) == ("Boots for Jane Doe", "30 days. We made one.")
    with journal.session() as session:
        [conflict] = conflicts_of(session, story_id)
    assert conflict.source == ELSEWHERE and conflict.theirs is not None
    assert conflict.theirs["fields"]["policy"] == "30 days, no exceptions."
    assert set(conflict.differing()) == {"title", "policy"}
    mine = vector(journal, story_id)
    assert compare(mine, theirs) == Order.CONCURRENT  # neither has seen the other
    # The other version used this journal's next count: the typed one is counted under a new replica id.
    assert set(mine) - set(theirs)

    # Resolved like any conflict, the result has seen both.
    with journal.write() as session:
        resolve(session, conflict.id, {"title": THEIRS})
    assert stories_of(journal, story_id).title == "Boots, and flowers"
    resolved = vector(journal, story_id)
    assert compare(resolved, mine) == Order.AFTER and compare(resolved, theirs) == Order.AFTER


def test_nothing_typed_leaves_the_version_taken_meanwhile_alone(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    elsewhere(journal, story_id, policy="30 days, no exceptions.")
    after_elsewhere = vector(journal, story_id)
    assert not save(journal, story_id, seen)
    assert stories_of(journal, story_id).policy == "30 days, no exceptions."
    assert vector(journal, story_id) == after_elsewhere


def test_typing_what_arrived_meanwhile_is_no_conflict(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    elsewhere(journal, story_id, policy="60 days.")
    assert not save(journal, story_id, seen, policy="60 days.")
    with journal.session() as session:
        assert conflicts_of(session, story_id) == []


def test_a_story_deleted_meanwhile_is_said(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    with journal.write() as session:
        stories.delete_story(story_id, session=session)
    with pytest.raises(StoryNotFoundError):
        save(journal, story_id, seen, policy="Too late.")


def delete_for_good(journal: Journal, story_id: str) -> dict[str, int]:
    """As a colleague's deletion that a sync brought, or `journal delete`: gone, a tombstone left; its vector."""
    with journal.write() as session:
        session.delete(session.get(Story, story_id))
    with journal.session() as session:
        return versioning.loads(session.execute(sa.select(TOMBSTONE.c.version)).scalar_one())


def test_a_story_deleted_for_good_while_typing_comes_back_with_the_deletion_as_a_conflict(
    journal: Journal, story_id: str
) -> None:
    seen = shown(journal, story_id)
    deleted = delete_for_good(journal, story_id)
    with journal.write() as session:
        saved = save_typed(
            story_id, seen, {**seen.fields, "policy": "30 days. We made one."}, ["retail", "boots"], session=session
        )
    assert saved.revived and saved.kept_conflict and saved.shown.fields["policy"] == "30 days. We made one."

    story = stories_of(journal, story_id)  # back as the person sees it
    assert (story.title, story.policy, story.tags) == (
        "Boots for Jane Doe",
        "30 days. We made one.",
        ["boots", "retail"],
    )
    assert compare(vector(journal, story_id), deleted) == Order.CONCURRENT  # neither has seen the other
    with journal.session() as session:
        [conflict] = conflicts_of(session, story_id)
        assert session.execute(sa.select(TOMBSTONE)).all() == []  # a live story has no tombstone
        found = [row.id for row in listing.list_rows(session=session, query=StoryQuery(text="made one"))]
    assert conflict.theirs is None and conflict.source == ELSEWHERE  # the deletion, to be resolved
    assert found == [story_id]  # and it is found again

    # Resolve… with the deletion: gone again, for good, and the tombstone has seen the person's version too.
    with journal.write() as session:
        resolve(session, conflict.id, {"story": THEIRS})
    with journal.session() as session:
        assert session.get(Story, story_id) is None
        grave = versioning.loads(session.execute(sa.select(TOMBSTONE.c.version)).scalar_one())
    assert compare(grave, deleted) == Order.AFTER


def test_a_story_deleted_for_good_with_nothing_typed_stays_deleted(journal: Journal, story_id: str) -> None:
    seen = shown(journal, story_id)
    delete_for_good(journal, story_id)
    with pytest.raises(StoryNotFoundError):
        save(journal, story_id, seen)
    with journal.session() as session:
        assert session.get(Story, story_id) is None


def test_a_case_study_deleted_for_good_while_typing_comes_back_as_a_later_change(
    journal: Journal, story_id: str
) -> None:
    with journal.write() as session:
        other = stories.create_story(StoryCreate(title="A courier on a Sunday"), session=session).id
        study = case_studies.create_case_study("Kindness", session=session, story_ids=[story_id, other]).id
    with journal.write() as session:
        session.delete(session.get(Story, other))
        session.delete(case_studies.get_case_study(study, session=session))
    with journal.session() as session:
        deleted = versioning.loads(session.execute(sa.select(CASE_STUDY_TOMBSTONE.c.version)).scalar_one())

    fields = {"title": "Kindness", "audience": "", "introduction": "Three stories.", "closing": "", "show_costs": True}
    shown = [(story_id, "Boots", True), (other, "Courier", False)]
    with journal.write() as session:
        assert revive_case_study(study, fields, shown, session=session)
    with journal.session() as session:
        back = case_studies.get_case_study(study, session=session)
        entries = case_studies.entries(study, session=session)
        assert session.execute(sa.select(CASE_STUDY_TOMBSTONE)).all() == []
    assert (back.title, back.introduction) == ("Kindness", "Three stories.")
    assert [(e.story_id, e.headline, e.include_coverage) for e in entries] == [(story_id, "Boots", True)]
    assert compare(versioning.loads(back.version), deleted) == Order.AFTER  # a change made after the deletion

    # Not deleted for good (it is there, or never was): nothing to bring back.
    with journal.write() as session:
        assert not revive_case_study(study, fields, shown, session=session)
        assert not revive_case_study(str(uuid.uuid4()), fields, shown, session=session)


def stories_of(journal: Journal, story_id: str) -> stories.StoryRead:
    with journal.session() as session:
        return stories.get_story(story_id, session=session)


def test_what_a_save_says_is_stored_is_what_the_journal_holds(journal: Journal, story_id: str) -> None:
    """The editor's next save compares with what the last one returned (read back only when tags changed, else
    made from the row just written): it must be exactly what reading the story again gives, or a later save
    would see a change that never happened, or miss one."""
    seen = shown(journal, story_id)
    edits: list[tuple[dict[str, object], list[str] | None]] = [
        ({"outcome": "  She blogged about it.  ", "cost_cents": 4500}, None),
        ({}, ["Retail", "gifts"]),  # "Retail": the tag the journal already has is named "retail"
        ({"title": "Boots for Jane", "occurred": None}, ["gifts"]),
        ({"policy": "30 days."}, None),  # nothing new: nothing written
    ]
    for typed, tags in edits:
        with journal.write() as session:
            saved = save_typed(
                story_id, seen, {**seen.fields, **typed}, list(seen.tags) if tags is None else tags, session=session
            )
        assert saved.shown == shown(journal, story_id)
        seen = saved.shown
    elsewhere(journal, story_id, channel="phone")  # then a save over a version taken meanwhile: both kept
    with journal.write() as session:
        saved = save_typed(
            story_id, seen, {**seen.fields, "outcome": "Flowers sent."}, list(seen.tags), session=session
        )
    assert saved.kept_conflict and saved.shown == shown(journal, story_id)
