"""Reading real feeds from a real HTTP server on 127.0.0.1: the three formats, conditional requests, backoff,
being offline, moved feeds, and suggestions made once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from journal.radar.api import Radar
from journal.radar.fetching import Progress
from journal.store.database import Journal
from tests.radar.conftest import about_nothing, about_the_stories, story_id
from tests.radar.feeds import Answer, FeedServer, Item, atom, free_port, json_feed, rss, serve


def rows(journal: Journal, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(journal.path) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_each_format_is_read_and_its_posts_about_stories_are_suggested(
    radar: Radar, sample: Journal, server: FeedServer, kind: str
) -> None:
    write = {"rss": rss, "atom": atom, "json": json_feed}[kind]
    items = about_the_stories(server.base) + about_nothing(server.base)
    if kind != "rss":  # RFC 3339 dates in Atom and JSON Feed
        items[0].published = "2007-07-14T10:00:00Z"
    address = server.write(f"/feed.{ {'rss': 'xml', 'atom': 'atom', 'json': 'json'}[kind] }", write(items))
    radar.add_feed(address)

    report = radar.fetch()

    assert [(result.state, result.new_entries) for result in report.sources] == [("read", 5)]
    assert report.suggested == 3 and not report.offline
    suggestions = {suggestion.title: suggestion for suggestion in radar.suggestions()}
    assert set(suggestions) == {item.title for item in items[:3]}
    zappos = suggestions["Zappos sent flowers when my mother died"]
    assert zappos.story_id == story_id(sample, "Zappos books")
    assert zappos.explanation.startswith("mentions Zappos and ")
    assert "'flowers'" in zappos.explanation
    assert zappos.link == f"{server.base}/posts/zappos-flowers"  # the tracking parameter is gone
    assert zappos.published is not None and zappos.published.date().isoformat() == "2007-07-14"
    assert "Zappos" in zappos.matched and "Zappos" in zappos.excerpt
    assert zappos.source in ("A blog about service", "An Atom feed", "A JSON feed")
    assert suggestions["Joshie the giraffe's extra holiday at the Ritz-Carlton"].story_id == story_id(sample, "Ritz")
    assert suggestions["Morton's meets Peter Shankman at Newark with a porterhouse"].story_id == story_id(
        sample, "Morton"
    )
    assert {entry.title for entry in radar.unmatched()} == {item.title for item in items[3:]}
    assert radar.count_new() == 3


def test_the_comment_count_a_feed_states_is_read(radar: Radar, server: FeedServer) -> None:
    items = about_the_stories(server.base)[:1]
    radar.add_feed(server.write("/rss.xml", rss(items)))
    second = Item(**{**items[0].__dict__, "link": f"{server.base}/elsewhere", "published": "2007-07-14T10:00:00Z"})
    radar.add_feed(server.write("/atom.atom", atom([second])))
    radar.fetch()
    assert sorted(suggestion.comment_count for suggestion in radar.suggestions()) == [143, 143]  # slash, thr:total


def test_an_unchanged_feed_answers_304_and_is_not_read_again(radar: Radar, server: FeedServer) -> None:
    radar.add_feed(server.write("/feed.xml", rss(about_the_stories(server.base))))
    radar.fetch()
    first = server.headers_of_last("/feed.xml")
    assert "if-none-match" not in first and "application/rss+xml" in first["accept"]

    again = radar.fetch()

    sent = server.headers_of_last("/feed.xml")
    assert sent["if-none-match"].startswith('"') and sent["if-modified-since"].endswith("GMT")
    assert [(result.state, result.message) for result in again.sources] == [
        ("unchanged", "Not changed since it was last read.")
    ]
    assert again.suggested == 0 and radar.count_new() == 3


def test_nothing_is_suggested_twice_however_the_feed_changes_its_guids(radar: Radar, server: FeedServer) -> None:
    """A feed that hands out new GUIDs (and new tracking parameters) on every fetch, and the same post in a
    second feed: no new entry, no new suggestion."""
    items = about_the_stories(server.base)
    address = server.write("/feed.xml", rss(items))
    radar.add_feed(address)
    assert radar.fetch().suggested == 3
    for round_number in range(3):
        churned = [
            Item(
                **{
                    **item.__dict__,
                    "guid": f"{item.guid}-{round_number}",
                    "link": f"{item.link}?utm_medium={round_number}",
                }
            )
            for item in items
        ]
        server.write("/feed.xml", rss(churned))
        report = radar.fetch()
        assert [(result.new_entries, result.known_entries) for result in report.sources] == [(0, 3)]
        assert report.suggested == 0
    radar.add_feed(server.write("/other.atom", atom(items, title="Someone else's feed")))
    assert radar.fetch().suggested == 0
    assert radar.count_new() == 3


def test_a_dismissed_post_is_never_suggested_again_even_after_its_source_is_removed_and_added_back(
    radar: Radar, server: FeedServer
) -> None:
    address = server.write("/feed.xml", rss(about_the_stories(server.base)))
    source = radar.add_feed(address)
    radar.fetch()
    first = radar.suggestions()[0]
    radar.dismiss(first.id)
    radar.remove_source(source.id)
    assert radar.suggestions() == []  # the undecided ones went with their source

    radar.add_feed(address)
    report = radar.fetch()

    assert report.sources[0].new_entries == 0 and report.suggested == 0
    assert [suggestion.id for suggestion in radar.suggestions(("dismissed",))] == [first.id]


def test_offline_the_sources_wait_quietly_and_are_read_when_the_network_is_back(radar: Radar, tmp_path: Path) -> None:
    port = free_port()
    addresses = [f"http://127.0.0.1:{port}/feed-{number}.xml" for number in range(3)]
    for address in addresses:
        radar.add_feed(address)

    offline = radar.fetch()

    assert offline.offline
    assert [source.state for source in radar.sources()] == ["waiting"] * 3
    assert all(source.retry_at is None and source.failures == 0 for source in radar.sources()), "no backoff offline"
    with serve(tmp_path / "site", port=port) as server:
        server.write("/feed-0.xml", rss(about_the_stories(server.base)[:1]))
        server.write("/feed-1.xml", atom(about_the_stories(server.base)[1:2]))
        server.write("/feed-2.xml", json_feed(about_nothing(server.base)))
        online = radar.fetch()
    assert not online.offline
    assert [source.state for source in radar.sources()] == ["ok"] * 3
    assert online.suggested == 2 and radar.count_new() == 2


def test_a_failing_feed_backs_off_and_a_refused_one_longer(radar: Radar, server: FeedServer) -> None:
    radar.add_feed(server.url("/broken.xml"))
    radar.add_feed(server.url("/missing.xml"))
    radar.add_feed(server.url("/busy.xml"))
    server.answers["/broken.xml"] = Answer(503)
    server.answers["/busy.xml"] = Answer(429, {"Retry-After": "7200"})

    report = radar.fetch()

    by_address = {source.address.rsplit("/", 1)[-1]: source for source in radar.sources()}
    assert by_address["broken.xml"].state == "waiting" and by_address["broken.xml"].failures == 1
    assert by_address["missing.xml"].state == "failed" and "404" in by_address["missing.xml"].message
    waits = {name: source.retry_at - source.fetched_at for name, source in by_address.items()}  # type: ignore[operator]
    assert waits["broken.xml"].total_seconds() == pytest.approx(15 * 60, abs=1)
    assert waits["missing.xml"].total_seconds() == pytest.approx(3600, abs=1)
    assert waits["busy.xml"].total_seconds() == pytest.approx(7200, abs=1)  # the site's Retry-After
    assert not report.offline

    again = radar.fetch()  # within the backoff: not asked at all
    assert again.sources == [] and len(again.backing_off) == 3
    assert server.hits("/broken.xml") == 1

    del server.answers["/broken.xml"]
    server.write("/broken.xml", rss(about_nothing(server.base)))
    forced = radar.fetch(force=True)
    assert {result.name.rsplit("/", 1)[-1]: result.state for result in forced.sources}["A blog about service"] == "read"
    assert server.hits("/broken.xml") == 2
    assert by_address["broken.xml"].id in {source.id for source in radar.sources() if source.failures == 0}


def test_a_feed_that_moved_for_good_is_followed_there_from_then_on(radar: Radar, server: FeedServer) -> None:
    server.write("/new-home.xml", rss(about_nothing(server.base)))
    server.answers["/old.xml"] = Answer(301, {"Location": server.url("/new-home.xml")})
    radar.add_feed(server.url("/old.xml"))
    radar.fetch()
    assert [source.address for source in radar.sources()] == [server.url("/new-home.xml")]


def test_a_web_page_that_names_its_feed_is_replaced_by_the_feed(radar: Radar, server: FeedServer) -> None:
    server.write("/feeds/posts.atom", atom(about_the_stories(server.base)))
    server.write(
        "/blog.html",
        '<!doctype html><html><head><title>A blog</title><link rel="alternate" type="application/atom+xml" '
        'href="/feeds/posts.atom"></head><body>Posts</body></html>',
    )
    radar.add_feed(server.url("/blog.html"))
    report = radar.fetch()
    assert report.sources[0].new_entries == 3
    assert [source.address for source in radar.sources()] == [server.url("/feeds/posts.atom")]


def test_progress_is_reported_and_cancel_stops_between_sources(radar: Radar, server: FeedServer) -> None:
    for number in range(6):
        radar.add_feed(server.write(f"/feed-{number}.xml", rss(about_nothing(server.base)[:1], title=f"Feed {number}")))
    seen: list[Progress] = []
    cancel = threading.Event()

    def progress(step: Progress) -> None:
        seen.append(step)
        cancel.set()  # after the first source is written

    report = radar.fetch(progress=progress, cancel=cancel, concurrency=1)

    assert report.cancelled
    assert [step.phase for step in seen] == ["reading"]
    assert seen[0].total == 6 and seen[0].done == 1 and seen[0].source is not None
    assert len(report.sources) == 1 and report.not_tried == 5
    assert sum(source.state == "new" for source in radar.sources()) == 5  # untouched, read next time
    finished: list[Progress] = []
    radar.fetch(progress=finished.append)
    assert [step.phase for step in finished][-1] == "matching"
    assert [step.done for step in finished if step.phase == "reading"] == [1, 2, 3, 4, 5, 6]


def test_the_suggestions_survive_a_restart(sample: Journal, server: FeedServer) -> None:
    from journal.store.database import open_journal

    Radar(sample).add_feed(server.write("/feed.xml", rss(about_the_stories(server.base))))
    Radar(sample).fetch()
    sample.close()
    reopened = open_journal(sample.path)
    try:
        assert Radar(reopened).count_new() == 3
        assert rows(reopened, "SELECT count(*) FROM radar_entry") == [(3,)]
    finally:
        reopened.close()
