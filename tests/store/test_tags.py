"""Tag library operations and saved searches on a real journal, with their undo snapshots."""

from __future__ import annotations

import pytest

from journal.store import listing, saved, stories, tags
from journal.store.database import Journal
from journal.store.fields import FieldError
from journal.store.listing import StoryQuery
from journal.store.stories import StoryCreate


def create(journal: Journal, title: str, *names: str) -> str:
    with journal.write() as session:
        return stories.create_story(StoryCreate(title=title, tags=list(names)), session=session).id


def story_tags(journal: Journal, story_id: str) -> list[str]:
    with journal.session() as session:
        return stories.get_story(story_id, session=session).tags


def counts(journal: Journal) -> dict[str, int]:
    with journal.session() as session:
        return dict(listing.tag_counts(session=session))


def test_renaming_a_parent_renames_its_nested_tags_and_search_follows(journal: Journal) -> None:
    shoes = create(journal, "Shoes", "industry/retail", "kids")
    planes = create(journal, "Planes", "industry/airline")
    with journal.write() as session:
        tags.rename("industry", "sector", session=session)
    assert story_tags(journal, shoes) == ["kids", "sector/retail"]
    assert story_tags(journal, planes) == ["sector/airline"]
    with journal.session() as session:
        assert [r.title for r in listing.list_rows(session=session, query=StoryQuery(text="sector"))] != []
        assert listing.list_rows(session=session, query=StoryQuery(text="industry")) == []


def test_renaming_onto_an_existing_tag_offers_a_merge(journal: Journal) -> None:
    one = create(journal, "One", "viral")
    two = create(journal, "Two", "went-viral", "viral")
    with pytest.raises(tags.TagExistsError, match="already a tag called “went-viral”"), journal.write() as session:
        tags.rename("viral", "went-viral", session=session)
    assert counts(journal) == {"viral": 2, "went-viral": 1}, "a refused rename changes nothing"
    with journal.write() as session:
        tags.rename("viral", "went-viral", merge=True, session=session)
    assert counts(journal) == {"went-viral": 2}
    assert story_tags(journal, one) == ["went-viral"] and story_tags(journal, two) == ["went-viral"]


def test_case_only_rename_and_colour_and_delete(journal: Journal) -> None:
    story = create(journal, "One", "Kids", "kids/toys")
    with journal.write() as session:
        tags.rename("Kids", "kids", session=session)
        tags.set_color("kids", "#ff8800", session=session)
    with journal.session() as session:
        assert tags.colors(session=session) == {"kids": "#ff8800"}
    with pytest.raises(FieldError, match="#rrggbb"), journal.write() as session:
        tags.set_color("kids", "orange", session=session)
    with journal.write() as session:
        tags.delete("kids", session=session)
    assert story_tags(journal, story) == []
    with journal.session() as session:
        assert stories.get_story(story, session=session).title == "One", "deleting a tag keeps the story"


@pytest.mark.parametrize("operation", ["rename", "merge", "delete", "color"])
def test_snapshots_undo_and_redo_every_operation(journal: Journal, operation: str) -> None:
    a = create(journal, "A", "alpha", "alpha/one", "beta")
    b = create(journal, "B", "beta")
    names = ["alpha", "beta"]
    with journal.session() as session:
        ids = tags.affected_ids(names, session=session)
        before = tags.snapshot(ids, session=session)
    with journal.write() as session:
        if operation == "rename":
            tags.rename("alpha", "beta", merge=True, session=session)
        elif operation == "merge":
            tags.merge("beta", "alpha", session=session)
        elif operation == "delete":
            tags.delete("alpha", session=session)
        else:
            tags.set_color("beta", "#123456", session=session)
    with journal.session() as session:
        after = tags.snapshot(ids, session=session)
    changed = (story_tags(journal, a), story_tags(journal, b), counts(journal))
    with journal.write() as session:
        tags.restore(before, session=session)
    assert (story_tags(journal, a), story_tags(journal, b)) == (["alpha", "alpha/one", "beta"], ["beta"])
    with journal.session() as session:
        assert tags.snapshot(ids, session=session) == before
        assert [r.title for r in listing.list_rows(session=session, query=StoryQuery(text="alpha"))] == ["A"]
    with journal.write() as session:
        tags.restore(after, session=session)
    assert (story_tags(journal, a), story_tags(journal, b), counts(journal)) == changed


def test_saved_searches_keep_their_query(journal: Journal) -> None:
    query = StoryQuery(text="late return", tags=("industry",), statuses=("approved",))
    with journal.write() as session:
        first = saved.save("Approved retail", query, session=session)
        saved.save("Everything", StoryQuery(), session=session)
    with pytest.raises(FieldError, match="already a saved search"), journal.write() as session:
        saved.save("approved RETAIL", StoryQuery(), session=session)
    with journal.write() as session:
        saved.rename(first, "Retail, approved", session=session)
    with journal.session() as session:
        assert [(name, q) for _id, name, q in saved.all_saved(session=session)] == [
            ("Retail, approved", query),
            ("Everything", StoryQuery()),
        ]
    with journal.write() as session:
        saved.delete(first, session=session)
    with journal.session() as session:
        assert [name for _id, name, _q in saved.all_saved(session=session)] == ["Everything"]
