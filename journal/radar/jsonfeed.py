"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1), read strictly with the json module.

feedparser does not read JSON Feed, and no JSON Feed package is as well kept as the json module, so this is
small and strict: the document must be UTF-8 JSON, an object with a JSON Feed `version` and a list of
`items`. An item that is not an object, or has no `id` or no web address, is left out and counted; a
value of the wrong type is treated as absent. Entries are bounded like RSS and Atom ones.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from journal.radar.addresses import web_address
from journal.radar.document import MAX_ENTRIES, FeedEntry, FeedRefused, ParsedFeed, keep_first, make_entry
from journal.radar.text import TITLE_MAX, one_line

VERSION_PREFIX = "https://jsonfeed.org/version/"


def read(body: bytes, address: str = "") -> ParsedFeed:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedRefused(
            f"The JSON feed is not UTF-8 text (byte {error.start}), as JSON Feed requires; it was not read."
        ) from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise FeedRefused("The JSON feed is nested too deeply to be a feed; it was not read.") from None
    except ValueError as error:
        raise FeedRefused(f"The JSON feed is not valid JSON ({error}); it was not read.") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(VERSION_PREFIX):
        raise FeedRefused("This JSON is not a JSON Feed (it has no https://jsonfeed.org/version/ …); it was not read.")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedRefused("The JSON feed has no list of items; it was not read.")
    notes: list[str] = []
    if len(items) > MAX_ENTRIES:
        notes.append(f"The feed has {len(items):,} items; only the first {MAX_ENTRIES} (the newest) were read.")
    base = _text(document.get("home_page_url")) or address
    entries: list[FeedEntry] = []
    left_out = 0
    for item in items[:MAX_ENTRIES]:
        entry = _entry(item, base) if isinstance(item, dict) else None
        if entry is None:
            left_out += 1
        else:
            entries.append(entry)
    if left_out:
        notes.append(f"{left_out:,} of the items had no id or no web address, or were not items; left out.")
    return ParsedFeed(
        title=one_line(_text(document.get("title")), TITLE_MAX), entries=keep_first(entries, notes), notes=notes
    )


def _entry(item: dict[str, Any], base: str) -> FeedEntry | None:
    raw_id = item.get("id")
    guid = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    link = web_address(_text(item.get("url")), base) or web_address(_text(item.get("external_url")), base)
    if not guid.strip() or link is None:
        return None
    return make_entry(
        guid=guid,
        link=link,
        title=_text(item.get("title")),
        markup=_text(item.get("content_html")) or _text(item.get("summary")),
        plain=_text(item.get("content_text")),
        author=_author(item),
        published=_date(_text(item.get("date_published")) or _text(item.get("date_modified"))),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _author(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    people = authors if isinstance(authors, list) else [item.get("author")]
    names = [_text(person.get("name")) for person in people if isinstance(person, dict)]
    return ", ".join(name for name in names if name)


def _date(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
