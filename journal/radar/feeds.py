"""A feed document read into entries, within limits, or refused with a sentence that says why.

RSS and Atom are read by feedparser, which copes with the mistakes real feeds make (a stray `&`, a wrong
encoding); JSON Feed by the strict reader in journal.radar.jsonfeed. Before feedparser sees a document:

- a document that declares its own XML entities is refused (feeds never need them; it is how the "billion
  laughs" attack works);
- a document of more than MAX_ENTRIES entries is cut after the first MAX_ENTRIES (a feed lists its newest
  first), so a feed of 100,000 entries costs no more than one of 500;
- each entry's text is bounded (journal.radar.text), and its HTML made safe with nh3.

What was bounded or worked around is said in `ParsedFeed.notes`, one sentence each.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from typing import Any

from journal.radar.addresses import web_address
from journal.radar.document import (
    MAX_COMMENTS,
    MAX_ENTRIES,
    FeedEntry,
    FeedRefused,
    ParsedFeed,
    keep_first,
    make_entry,
)
from journal.radar.text import READ_AT_MOST, TITLE_MAX, one_line
from journal.words import counted

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # read this much of a feed at most; a longer one is refused
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")

_ENTRY_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_ROOT = re.compile(rb"<((?:[\w.-]+:)?)(rss|feed|RDF)[\s>]")
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def read_document(body: bytes, *, content_type: str = "", charset: str = "", address: str = "") -> ParsedFeed:
    """The entries of a feed document (RSS, Atom or JSON Feed); raises FeedRefused."""
    if not body.strip():
        raise FeedRefused("The answer was empty, not a feed.")
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FeedRefused(f"The feed is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB; it was not read.")
    if content_type in ("application/feed+json", "application/json") or body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        from journal.radar import jsonfeed

        return jsonfeed.read(body, address)
    return _read_xml(body, content_type, charset, address)


# ---------------------------------------------------------------- RSS and Atom


def _read_xml(body: bytes, content_type: str, charset: str, address: str) -> ParsedFeed:
    import feedparser

    refuse_entities(body)
    notes: list[str] = []
    body, total = _first_entries(body, MAX_ENTRIES)
    if total > MAX_ENTRIES:
        notes.append(f"The feed has {total:,} entries; only the first {MAX_ENTRIES} (the newest) were read.")
    headers = {"content-location": address} if address else {}
    if content_type:
        headers["content-type"] = content_type + (f"; charset={charset}" if charset else "")
    # A stream, never bytes: feedparser opens a bytes or str argument as a file name or an address.
    parsed: Any = feedparser.parse(
        io.BytesIO(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        _refuse_non_feed(body, address, problem)
    if isinstance(problem, feedparser.CharacterEncodingOverride):
        notes.append(f"The feed's text encoding is not the one it declares; it was read as {parsed.encoding}.")
    elif problem is not None and not isinstance(problem, feedparser.NonXMLContentType):
        notes.append(
            f"The feed is not well-formed XML ({_describe(problem)}); the entries that could be read were kept."
        )
    entries: list[FeedEntry] = []
    no_address = long = 0
    for item in parsed.entries:
        link = _entry_link(item, address)
        if link is None:
            no_address += 1
            continue
        markup, plain, size = _content(item)
        long += size > READ_AT_MOST
        entries.append(
            make_entry(
                guid=str(item.get("id") or ""),
                link=link,
                title=str(item.get("title") or ""),
                markup=markup,
                plain=plain,
                author=str(item.get("author") or ""),
                published=_when(item.get("published_parsed") or item.get("updated_parsed")),
                comment_count=_comments(item),
            )
        )
    if no_address:
        notes.append(
            f"{counted(no_address, 'entry has', 'entries have', grouped=True)} no web address and cannot be coverage; "
            "left out."
        )
    if long:
        notes.append(
            f"{counted(long, 'entry is', 'entries are', grouped=True)} longer than {READ_AT_MOST // 1024} KB; "
            "only the start was kept."
        )
    title = one_line(str(parsed.feed.get("title") or ""), TITLE_MAX)
    return ParsedFeed(title=title, entries=keep_first(entries, notes), notes=notes)


def refuse_entities(body: bytes, what: str = "The feed") -> None:
    """Raise FeedRefused when an XML document declares entities of its own (before its root element)."""
    head = body[: 1024 * 1024]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:64]:
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    root = _ROOT.search(head)
    if _ENTITY.search(head[: root.start() if root else len(head)]):
        raise FeedRefused(
            f"{what} declares XML entities of its own, which feeds never need and which is how the "
            "“billion laughs” attack works; it was not read."
        )


def _first_entries(body: bytes, limit: int) -> tuple[bytes, int]:
    """The document cut before its entry number limit+1 (and closed again), and how many entries it had."""
    starts = [found.start() for found in _ENTRY_START.finditer(body)]
    if len(starts) <= limit:
        return body, len(starts)
    root = _ROOT.search(body)
    prefix, name = (root.group(1), root.group(2)) if root else (b"", b"rss")
    closing = b"</channel></rss>" if name == b"rss" else b"</" + prefix + name + b">"
    return body[: starts[limit]] + closing, len(starts)


def _refuse_non_feed(body: bytes, address: str, problem: object) -> None:
    start = body[:2048].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        found = _feed_link(body, address)
        if found:
            raise FeedRefused(f"This address is a web page; its feed is {found}.", feed_address=found)
        raise FeedRefused("This address is a web page, not a feed, and the page names no feed; look for its RSS link.")
    if problem is not None:
        raise FeedRefused(f"This is not a feed that can be read: {_describe(problem)}.")
    raise FeedRefused("This is not a feed (RSS, Atom or JSON Feed).")


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        alternate = tag == "link" and "alternate" in values.get("rel", "").lower().split()
        if alternate and values.get("type", "").lower() in FEED_TYPES and values.get("href"):
            self.found.append(values["href"])


def _feed_link(body: bytes, address: str) -> str:
    finder = _FeedLinks()
    finder.feed(body[: 512 * 1024].decode("utf-8", errors="replace"))
    for href in finder.found:
        found = web_address(href, address)
        if found:
            return found
    return ""


def _entry_link(item: Any, address: str) -> str | None:
    candidates = [item.get("link")]
    candidates += [link.get("href") for link in item.get("links", []) if link.get("rel", "alternate") == "alternate"]
    if item.get("guidislink") or str(item.get("id", "")).startswith("http"):
        candidates.append(item.get("id"))
    for candidate in candidates:
        if candidate:
            found = web_address(str(candidate), address)
            if found:
                return found
    return None


def _content(item: Any) -> tuple[str, str, int]:
    """(HTML for the summary, more text to match on, the size of the longest text the entry carries)."""
    pieces = [item.get("summary_detail") or {}, *(item.get("content") or [])]
    markup = plain = ""
    size = 0
    for piece in pieces:
        value = str(piece.get("value") or "")
        size = max(size, len(value))
        if not value:
            continue
        if piece.get("type", "text/html") == "text/plain":
            plain = plain or value[:READ_AT_MOST]
        elif not markup or len(value) > len(markup):
            markup = value[:READ_AT_MOST]
    return markup, plain, size


def _when(parsed: Any) -> dt.datetime | None:
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = (int(value) for value in parsed[:6])
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _comments(item: Any) -> int | None:
    """The comment count an entry states: slash:comments, thr:total, or a replies link's thr:count."""
    values = [item.get("slash_comments"), item.get("thr_total")]
    values += [
        link.get("thr:count") or link.get("count") for link in item.get("links", []) if link.get("rel") == "replies"
    ]
    for value in values:
        text = str(value or "").strip().replace(",", "")
        if text.isdigit() and int(text) < MAX_COMMENTS:
            return int(text)
    return None


def _describe(problem: object) -> str:
    line = getattr(problem, "getLineNumber", lambda: None)()
    message = getattr(problem, "getMessage", lambda: str(problem))()
    return f"{message}, line {line}" if line else str(message)
