"""What the radar keeps of an entry's text: its HTML made safe with nh3, its plain text, bounded lengths, an
excerpt around the matched words, and those words marked for display.

A feed's HTML is whatever its author (or an attacker) wrote: scripts, event handlers, `javascript:` links.
Only a few harmless tags and http/https/mailto links survive `safe_html`; `plain_text` keeps no tag at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable

from journal.store.search import folded_terms

SAFE_TAGS = frozenset({"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "q", "code", "pre"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
READ_AT_MOST = 256 * 1024  # characters of one entry's HTML that are looked at, however long it is
SUMMARY_MAX = 16_000  # characters of safe HTML kept per entry
TEXT_MAX = 8_000  # characters of plain text kept per entry (what matching reads)
TITLE_MAX = 300
EXCERPT_WIDTH = 280

_BLOCK = re.compile(r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|blockquote|pre|section|article)\b[^>]*>", re.I)


def safe_html(markup: str) -> str:
    """`markup` with only harmless tags and links left (nh3), at most SUMMARY_MAX characters of input."""
    import nh3  # imported when an entry is read, not with the window

    return nh3.clean(
        markup[:SUMMARY_MAX],
        tags=set(SAFE_TAGS),
        attributes={"a": {"href", "title"}},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(markup: str, limit: int = TEXT_MAX) -> str:
    """The words of some HTML (or text), without any tag, script or style, whitespace made single."""
    import nh3

    spaced = _BLOCK.sub(" ", markup[:READ_AT_MOST])
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return bounded(" ".join(text.split()), limit)


def bounded(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def one_line(text: str, limit: int = TITLE_MAX) -> str:
    return bounded(" ".join(plain_text(text, limit * 4).split()), limit)


def title_key(title: str, published: dt.datetime | None = None) -> str:
    """A hash of a title (folded, whitespace made single) and the day it carries, for one source's entries."""
    text = " ".join(folded_terms(title)) + "|" + (published.date().isoformat() if published else "")
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({word for word in words if word.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in ordered) + r")(?!\w)", re.IGNORECASE)


def excerpt(text: str, words: Iterable[str], width: int = EXCERPT_WIDTH) -> str:
    """About `width` characters of `text` around the first of `words` found in it (else its start)."""
    pattern = _pattern(words)
    found = pattern.search(text) if pattern else None
    if found is None or found.start() < width // 3:
        return bounded(text, width)
    start = text.rfind(" ", 0, found.start() - width // 3) + 1
    return "…" + bounded(text[start:], width)


def marked(text: str, words: Iterable[str]) -> list[tuple[str, bool]]:
    """`text` in pieces, each saying whether it is one of `words` (to show in bold); case does not matter."""
    pattern = _pattern(words)
    if pattern is None:
        return [(text, False)] if text else []
    pieces: list[tuple[str, bool]] = []
    position = 0
    for found in pattern.finditer(text):
        if found.start() > position:
            pieces.append((text[position : found.start()], False))
        pieces.append((found.group(0), True))
        position = found.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
