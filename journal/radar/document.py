"""What a feed document becomes once read: its entries (made safe and bounded), notes, or a refusal.

Shared by every reader (journal.radar.feeds for RSS and Atom, journal.radar.jsonfeed, journal.radar.mail), so
none of them imports another.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from journal.radar.addresses import without_tracking
from journal.radar.text import one_line, plain_text, safe_html
from journal.words import counted

MAX_ENTRIES = 500  # entries read from one document (the first ones: a feed lists its newest first)
MAX_COMMENTS = 10**9


@dataclass
class FeedEntry:
    guid: str
    link: str
    title: str
    author: str = ""
    published: dt.datetime | None = None
    summary: str = ""  # safe HTML
    text: str = ""  # plain text, bounded: what matching reads
    comment_count: int | None = None


@dataclass
class ParsedFeed:
    title: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class FeedRefused(Exception):
    """A document that is not read; `str(error)` says why, for people. `feed_address` is the feed a web page
    names in its <link rel="alternate">, when the address given was that page."""

    def __init__(self, message: str, *, feed_address: str = "") -> None:
        super().__init__(message)
        self.feed_address = feed_address


def published_at(value: dt.datetime | None) -> dt.datetime | None:
    """A date an entry gives, in UTC; None for one more than a day in the future (a wrong clock)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return None if value > dt.datetime.now(dt.UTC) + dt.timedelta(days=1) else value


def make_entry(
    *,
    guid: str,
    link: str,
    title: str,
    markup: str,
    plain: str = "",
    author: str = "",
    published: dt.datetime | None = None,
    comment_count: int | None = None,
) -> FeedEntry:
    """An entry with its text made safe and bounded; `markup` is its HTML, `plain` more text to match on."""
    text = plain_text(" ".join(part for part in (markup, plain) if part))
    return FeedEntry(
        guid=guid.strip()[:1000] or link,
        link=without_tracking(link),
        title=one_line(title) or one_line(text, 80) or link,
        author=one_line(author, 200),
        published=published_at(published),
        summary=safe_html(markup) if markup else html.escape(plain[:2000]),
        text=text,
        comment_count=comment_count if comment_count is None or 0 <= comment_count < MAX_COMMENTS else None,
    )


def keep_first(entries: list[FeedEntry], notes: list[str]) -> list[FeedEntry]:
    """Entries without the later ones that repeat an earlier one's GUID (said in `notes`)."""
    seen: set[str] = set()
    kept: list[FeedEntry] = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            kept.append(entry)
    repeated = len(entries) - len(kept)
    if repeated:
        repeats = counted(repeated, "entry", "entries", grouped=True)
        notes.append(f"{repeats} repeated the GUID of an earlier one; the first was kept.")
    return kept
