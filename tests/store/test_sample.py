"""The sample journal shipped in resources/ is valid and holds the stories the first run promises."""

from __future__ import annotations

from journal.store import listing
from journal.store.database import Journal
from journal.store.listing import StoryQuery
from journal.store.sample import fill_with_sample, read_sample


def test_the_sample_holds_the_shoe_retailer_and_the_airline() -> None:
    sample = read_sample()
    assert 5 <= len(sample) <= 10
    by_org = {story.organization: story for story in sample}
    shoes = by_org["Zappos"]
    assert "15" in shoes.policy and "courier" in shoes.title.lower() and "flowers" in shoes.title.lower()
    assert "florist" in shoes.action.lower() and "100 comments" in shoes.outcome
    assert {link.kind for link in shoes.links} >= {"customer_post", "blog"}
    airline = by_org["Southwest Airlines"]
    assert "seating" in airline.situation.lower() and airline.links
    for story in sample:
        assert story.tags and story.situation and story.action and story.outcome
        assert not story.customer_contact, "the sample holds no private contact details"


def test_filling_a_journal_adds_the_sample_once(journal: Journal) -> None:
    added = fill_with_sample(journal)
    assert added == len(read_sample())
    assert fill_with_sample(journal) == 0
    with journal.session() as session:
        assert listing.count_stories(session=session) == added
        assert listing.count_stories(session=session, query=StoryQuery(tags=("industry",))) >= 2
