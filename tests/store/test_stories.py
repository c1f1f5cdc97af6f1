"""Stories, tags and links against a real journal file."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from journal.store import listing, stories
from journal.store.database import Journal
from journal.store.errors import StoryNotFoundError
from journal.store.listing import StoryQuery
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate


def tagged(*names: str) -> StoryQuery:
    return StoryQuery(tags=names)


def create(journal: Journal, title: str, **fields) -> str:  # type: ignore[no-untyped-def]
    with journal.write() as session:
        return stories.create_story(StoryCreate(title=title, **fields), session=session).id


def test_a_full_story_round_trips(journal: Journal) -> None:
    story_id = create(
        journal,
        "Courier pickup and flowers",
        occurred=dt.date(2007, 7, 14),
        organization="Zappos",
        employees="Customer loyalty team",
        channel="phone",
        customer_name="Zaz",
        customer_contact="zaz@example.com",
        consent="named",
        situation="Her mother died.",
        policy="15-day returns.",
        action="Free courier; flowers.",
        cost_cents=7500,
        currency="USD",
        outcome="100+ comments.",
        internal_notes="Estimate.",
        status="approved",
        tags=["bereavement", "industry/retail"],
        links=[
            CoverageLinkBase(url="https://example.com/post", title="Her post", kind="customer_post", comment_count=120)
        ],
    )
    with journal.session() as session:
        story = stories.get_story(story_id, session=session)
    assert story.organization == "Zappos" and story.cost_cents == 7500 and story.consent == "named"
    assert story.tags == ["bereavement", "industry/retail"]
    assert [(link.url, link.kind, link.comment_count) for link in story.links] == [
        ("https://example.com/post", "customer_post", 120)
    ]
    assert story.created_at.tzinfo is dt.UTC


def test_update_moves_updated_at_only_when_something_changed(journal: Journal) -> None:
    story_id = create(journal, "First")
    with journal.session() as session:
        before = stories.get_story(story_id, session=session).updated_at
    with journal.write() as session:
        assert not stories.update_story(story_id, {"title": "First"}, session=session)
    with journal.write() as session:
        assert stories.update_story(story_id, {"title": "Second", "situation": "x"}, session=session)
    with journal.session() as session:
        after = stories.get_story(story_id, session=session)
    assert after.title == "Second" and after.updated_at > before


def test_tags_are_created_once_and_shared_case_insensitively(journal: Journal) -> None:
    one = create(journal, "One", tags=["Went-Viral"])
    two = create(journal, "Two")
    with journal.write() as session:
        stories.set_story_tags(two, ["went-viral", "kids"], session=session)
    with journal.session() as session:
        assert stories.tag_names(session=session) == ["kids", "Went-Viral"]
        assert stories.get_story(two, session=session).tags == ["kids", "Went-Viral"]
        assert {r.id for r in listing.list_rows(session=session, query=tagged("went-viral"))} == {
            one,
            two,
        }


def test_a_parent_tag_finds_its_nested_tags(journal: Journal) -> None:
    retail = create(journal, "Retail", tags=["industry/retail"])
    create(journal, "Airline", tags=["industry/airline"])
    create(journal, "Other", tags=["industry-news"])
    with journal.session() as session:
        assert len(listing.list_rows(session=session, query=tagged("industry"))) == 2
        assert [r.id for r in listing.list_rows(session=session, query=tagged("industry/retail"))] == [retail]
        assert listing.count_stories(session=session, query=tagged("industry", "nope")) == 0


def test_list_is_newest_first_with_undated_last_and_row_of_agrees(journal: Journal) -> None:
    ids = {
        "old": create(journal, "old", occurred=dt.date(2001, 1, 1)),
        "undated": create(journal, "undated"),
        "new": create(journal, "new", occurred=dt.date(2020, 1, 1)),
        "mid": create(journal, "mid", occurred=dt.date(2010, 1, 1)),
    }
    with journal.session() as session:
        rows = listing.list_rows(session=session)
        assert [r.title for r in rows] == ["new", "mid", "old", "undated"]
        assert [listing.row_of(r.id, session=session) for r in rows] == [0, 1, 2, 3]
        page = listing.list_rows(session=session, offset=1, limit=2)
        assert [r.title for r in page] == ["mid", "old"]
        assert listing.row_of(ids["undated"], session=session, query=tagged("none")) is None


def test_links_are_added_edited_and_removed_in_order(journal: Journal) -> None:
    story_id = create(journal, "Links")
    with journal.write() as session:
        first = stories.add_link(story_id, CoverageLinkBase(url="https://a.example/1"), session=session)
        stories.add_link(story_id, CoverageLinkBase(url="https://a.example/2"), session=session)
    with journal.write() as session:
        assert stories.update_link(first.id, {"title": "First", "comment_count": 4}, session=session)
    with journal.session() as session:
        links = stories.get_story(story_id, session=session).links
        assert [(link.url, link.title) for link in links] == [
            ("https://a.example/1", "First"),
            ("https://a.example/2", ""),
        ]
        assert listing.list_rows(session=session)[0].coverage == 2
    with journal.write() as session:
        stories.remove_link(first.id, session=session)
    with journal.session() as session:
        assert [link.url for link in stories.get_story(story_id, session=session).links] == ["https://a.example/2"]


def test_delete_hides_restore_brings_back_purge_removes_for_good(journal: Journal) -> None:
    story_id = create(journal, "Gone", tags=["x"], links=[CoverageLinkBase(url="https://a.example")])
    with journal.write() as session:
        stories.delete_story(story_id, session=session)
    with journal.session() as session:
        assert listing.count_stories(session=session) == 0
        with pytest.raises(StoryNotFoundError):
            stories.get_story(story_id, session=session)
    with journal.write() as session:
        stories.restore_story(story_id, session=session)
    with journal.session() as session:
        assert stories.get_story(story_id, session=session).links[0].url == "https://a.example"
    with journal.write() as session:
        stories.delete_story(story_id, session=session)
    with journal.write() as session:
        assert stories.purge_deleted(session=session) == 1
    with journal.session() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("SELECT count(*) FROM coverage_link").scalar() == 0
        assert connection.exec_driver_sql("SELECT count(*) FROM story_tag").scalar() == 0


def test_ids_can_be_given_by_a_unique_prefix(journal: Journal) -> None:
    story_id = create(journal, "Prefix")
    with journal.session() as session:
        assert stories.resolve_id(story_id[:8].upper(), session=session) == story_id
        with pytest.raises(StoryNotFoundError, match="at least 4"):
            stories.resolve_id("ab", session=session)
        with pytest.raises(StoryNotFoundError, match="No story"):
            stories.resolve_id("zzzzzzzz", session=session)
        with pytest.raises(StoryNotFoundError, match="No story"):
            stories.resolve_id("%%%%", session=session)


def test_the_file_refuses_values_outside_the_vocabulary(journal: Journal) -> None:
    story_id = create(journal, "Checked")
    with pytest.raises(sa.exc.IntegrityError), journal.write() as session:
        stories.update_story(story_id, {"consent": "maybe"}, session=session)
    with journal.session() as session:
        assert stories.get_story(story_id, session=session).consent == "unknown"


def test_stories_share_a_tag_with_letters_beyond_ascii(journal: Journal) -> None:
    with journal.write() as session:
        first = stories.create_story(StoryCreate(title="a", tags=["Ôpéra", "kids"]), session=session).id
        second = stories.create_story(StoryCreate(title="b", tags=["Ôpéra", "KIDS"]), session=session).id
    with journal.session() as session:
        assert stories.get_story(first, session=session).tags == ["kids", "Ôpéra"]
        assert stories.get_story(second, session=session).tags == ["kids", "Ôpéra"]
        assert len(stories.tag_names(session=session)) == 2
