"""Deciding about suggestions: link (a coverage link waiting to be fetched, a comments reading), another story,
dismiss, a new draft story, undo; and what is never suggested (excluded domains, coverage already linked)."""

from __future__ import annotations

import pytest

from journal.coverage.batch import fetch_pending
from journal.radar.api import Radar
from journal.radar.errors import RadarError
from journal.store.database import Journal
from journal.store.readings import history
from journal.store.stories import get_story
from tests.radar.conftest import about_nothing, about_the_stories, story_id
from tests.radar.feeds import FeedServer, Item, rss


@pytest.fixture
def suggested(radar: Radar, server: FeedServer) -> Radar:
    radar.add_feed(server.write("/feed.xml", rss(about_the_stories(server.base) + about_nothing(server.base))))
    radar.fetch()
    return radar


def by_title(radar: Radar, start: str, states: tuple[str, ...] = ("new",)) -> str:
    return next(s.id for s in radar.suggestions(states) if s.title.startswith(start))


def test_linking_makes_a_coverage_link_fetched_as_usual_with_a_dated_comments_reading(
    suggested: Radar, sample: Journal, server: FeedServer
) -> None:
    zappos = by_title(suggested, "Zappos")
    story = story_id(sample, "Zappos books")
    server.write(
        "/posts/zappos-flowers",
        "<html><head><title>Flowers from Zappos | A daughter's blog</title>"
        '<meta property="og:site_name" content="A daughter\'s blog"></head>'
        "<body><article><p>When my mother died, Zappos sent flowers and arranged a courier for the shoes. "
        "I will never forget what they did for us.</p></article></body></html>",
    )

    linked = suggested.link(zappos)

    assert linked.story_id == story and linked.reading_id is not None and not linked.already
    with sample.session() as session:
        link = next(link for link in get_story(story, session=session).links if link.id == linked.link_id)
        readings = [r for r in history(story, session=session) if r.link_id == link.id]
    assert link.url == f"{server.base}/posts/zappos-flowers"
    assert link.fetch_state == "to_fetch" and link.typed_fields == ""  # a fetch may fill every field
    assert link.title == "Zappos sent flowers when my mother died" and link.comment_count == 143
    assert [(r.metric, r.value, r.source) for r in readings] == [("comments", 143, "fetched")]
    assert suggested.suggestion(zappos).state == "linked" and suggested.count_new() == 2

    run = fetch_pending(sample, link_ids=[linked.link_id])  # the coverage capture, as for a pasted link

    assert [result.state for result in run.results] == ["fetched"]
    with sample.session() as session:
        link = next(link for link in get_story(story, session=session).links if link.id == linked.link_id)
    assert link.outlet == "A daughter's blog" and link.title.startswith("Flowers from Zappos")


def test_another_story_can_be_chosen_then_linked(suggested: Radar, sample: Journal) -> None:
    mortons = by_title(suggested, "Morton's")
    lego = story_id(sample, "LEGO")
    suggested.choose_story(mortons, lego)
    chosen = suggested.suggestion(mortons)
    assert chosen.story_id == lego and chosen.explanation == "chosen by hand"
    assert [other.story_id for other in chosen.alternatives] == [story_id(sample, "Morton's meets")]

    linked = suggested.link(mortons)

    assert linked.story_id == lego
    with sample.session() as session:
        assert any(link.id == linked.link_id for link in get_story(lego, session=session).links)


def test_linking_to_another_story_directly(suggested: Radar, sample: Journal) -> None:
    joshie = by_title(suggested, "Joshie")
    sainsburys = story_id(sample, "Sainsbury")
    linked = suggested.link(joshie, sainsburys)
    assert linked.story_id == sainsburys and suggested.suggestion(joshie).story_id == sainsburys


def test_a_decided_suggestion_cannot_be_linked_again(suggested: Radar) -> None:
    zappos = by_title(suggested, "Zappos")
    suggested.link(zappos)
    with pytest.raises(RadarError, match="already linked"):
        suggested.link(zappos)
    with pytest.raises(RadarError, match="already linked"):
        suggested.dismiss(zappos)


def test_dismiss_and_undo(suggested: Radar) -> None:
    zappos = by_title(suggested, "Zappos")
    suggested.dismiss(zappos)
    assert zappos not in {s.id for s in suggested.suggestions()}
    assert suggested.suggestion(zappos).state == "dismissed"
    suggested.reopen(zappos)
    assert suggested.suggestion(zappos).state == "new" and suggested.count_new() == 3


def test_undoing_a_link_removes_the_link_and_its_reading(suggested: Radar, sample: Journal) -> None:
    zappos = by_title(suggested, "Zappos")
    story = story_id(sample, "Zappos books")
    with sample.session() as session:
        links_before = len(get_story(story, session=session).links)
    suggested.link(zappos)
    suggested.reopen(zappos)
    with sample.session() as session:
        assert len(get_story(story, session=session).links) == links_before
        assert history(story, session=session) == []
    assert suggested.suggestion(zappos).state == "new"


def test_a_new_draft_story_from_a_suggestion_and_from_an_unmatched_entry(suggested: Radar, sample: Journal) -> None:
    zappos = by_title(suggested, "Zappos")
    made = suggested.new_story(zappos)
    with sample.session() as session:
        story = get_story(made.story_id, session=session)
    assert story.title == "Zappos sent flowers when my mother died"
    assert story.status == "draft" and story.occurred is not None and story.occurred.isoformat() == "2007-07-14"
    assert story.organization == "Zappos"  # the entry names the suggested story's organisation
    assert story.situation.startswith("> I asked Zappos for more time")
    assert [link.url for link in story.links] == [suggested.suggestion(zappos).link]
    assert suggested.suggestion(zappos).linked_story_id == made.story_id
    assert suggested.suggestion(zappos).drafted

    (bread,) = [entry for entry in suggested.unmatched() if entry.title.startswith("How to bake")]
    drafted = suggested.new_story(bread.id, kind="entry")
    with sample.session() as session:
        assert get_story(drafted.story_id, session=session).organization == ""
    assert bread.id not in {entry.id for entry in suggested.unmatched()}

    suggested.reopen(zappos)  # undo: the draft goes to the bin
    with sample.session() as session:
        from journal.store.models import Story

        assert session.get(Story, made.story_id).deleted_at is not None  # type: ignore[union-attr]

    suggested.reopen(drafted.suggestion_id)  # the draft of an unmatched entry: the entry is unmatched again
    with sample.session() as session:
        assert session.get(Story, drafted.story_id).deleted_at is not None  # type: ignore[union-attr]
    assert bread.id in {entry.id for entry in suggested.unmatched()}
    assert suggested.new_story(bread.id, kind="entry").story_id != drafted.story_id  # and can be drafted again


def test_an_address_already_linked_to_a_story_is_not_suggested(
    radar: Radar, sample: Journal, server: FeedServer
) -> None:
    from journal.store.models import CoverageLinkBase
    from journal.store.stories import add_link

    items = about_the_stories(server.base)[:1]
    with sample.write() as session:  # pasted by hand earlier, in another form (https, www, a trailing slash)
        address = items[0].link.split("?")[0].replace("http://", "https://www.") + "/"
        add_link(story_id(sample, "Zappos books"), CoverageLinkBase(url=address.replace("www.", "")), session=session)
    radar.add_feed(server.write("/feed.xml", rss(items)))
    report = radar.fetch()
    assert report.sources[0].new_entries == 1 and report.suggested == 0


def test_excluded_domains_are_never_suggested(radar: Radar, server: FeedServer) -> None:
    items = about_the_stories(server.base)
    items[0].link = "https://shop.zappos.com/blog/flowers"
    radar.add_feed(server.write("/feed.xml", rss(items)))
    radar.exclude_domain("zappos.com")
    assert radar.excluded_domains() == ["zappos.com"]
    radar.fetch()
    assert "Zappos sent flowers when my mother died" not in {s.title for s in radar.suggestions()}

    # Excluding a domain later removes its undecided suggestions.
    assert radar.exclude_domain("127.0.0.1") == 2
    assert radar.suggestions() == []
    assert radar.include_domain("127.0.0.1") and not radar.include_domain("127.0.0.1")


def test_a_post_on_the_site_of_a_storys_own_coverage_counts(radar: Radar, sample: Journal, server: FeedServer) -> None:
    """The customer's blog again: on the same site as the story's coverage, and naming the organisation."""
    from journal.store.models import CoverageLinkBase
    from journal.store.stories import add_link

    lego = story_id(sample, "LEGO")
    with sample.write() as session:
        add_link(lego, CoverageLinkBase(url=f"{server.base}/lukas-dad/first-post"), session=session)
    item = Item("A year on, Luka still plays with the figure LEGO sent", f"{server.base}/lukas-dad/a-year-on", "y1")
    radar.add_feed(server.write("/feed.xml", rss([item])))
    radar.fetch()
    (suggestion,) = radar.suggestions()
    assert suggestion.story_id == lego
    assert suggestion.explanation.startswith("mentions LEGO")
    assert suggestion.explanation.endswith(f"is on {server.base.removeprefix('http://')}, where its coverage is")


def test_stories_in_the_bin_are_not_suggested_and_their_suggestions_hidden(suggested: Radar, sample: Journal) -> None:
    from journal.store.stories import delete_story

    with sample.write() as session:
        delete_story(story_id(sample, "Zappos books"), session=session)
    assert "Zappos sent flowers when my mother died" not in {s.title for s in suggested.suggestions()}
    assert suggested.count_new() == 2
