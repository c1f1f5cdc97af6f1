"""Case studies in the store: ordering, adding twice, names, and stories deleted to the bin."""

from __future__ import annotations

import pytest

from journal.store import case_studies as cs
from journal.store.database import Journal
from journal.store.fields import FieldError
from journal.store.stories import StoryCreate, create_story, delete_story


def make(journal: Journal, *titles: str) -> list[str]:
    with journal.write() as session:
        return [create_story(StoryCreate(title=title), session=session).id for title in titles]


def order(journal: Journal, study: str) -> list[str]:
    with journal.session() as session:
        return [entry.title for entry in cs.entries(study, session=session)]


def test_add_reorder_remove_and_resolve(journal: Journal) -> None:
    a, b, c = make(journal, "A", "B", "C")
    with journal.write() as session:
        study = cs.create_case_study("Best", session=session, story_ids=[a, b]).id
        assert cs.add_stories(study, [c, a], session=session, at=0) == 1  # A is already in it
        assert cs.resolve_case_study("best", session=session) == study
        assert cs.resolve_case_study(study[:6], session=session) == study
        with pytest.raises(cs.CaseStudyNotFoundError, match="case-study list"):
            cs.resolve_case_study("worst", session=session)
    assert order(journal, study) == ["C", "A", "B"]
    with journal.write() as session:
        cs.reorder(study, [b, c, a], session=session)
        cs.remove_story(study, c, session=session)
    assert order(journal, study) == ["B", "A"]
    with journal.session() as session:
        assert [s.stories for s in cs.list_case_studies(session=session)] == [2]


def test_reorder_takes_the_shown_stories_and_keeps_binned_ones_for_undo(journal: Journal) -> None:
    a, b, c = make(journal, "A", "B", "C")
    with journal.write() as session:
        study = cs.create_case_study("Best", session=session, story_ids=[a, b, c]).id
        delete_story(b, session=session)  # in the bin: not shown, still in the case study
        cs.reorder(study, [c, a], session=session)
        with pytest.raises(FieldError):
            cs.reorder(study, [c, a, b], session=session)
    assert order(journal, study) == ["C", "A"]
    with journal.write() as session:
        from journal.store.stories import restore_story

        restore_story(b, session=session)
    assert order(journal, study) == ["C", "A", "B"]


def test_an_empty_title_is_refused(journal: Journal) -> None:
    with journal.write() as session, pytest.raises(FieldError):
        cs.create_case_study("  ", session=session)
