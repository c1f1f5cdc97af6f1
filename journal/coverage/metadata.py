"""What a fetched page says about itself: title, outlet, author, date, description, canonical address, comment
count, and its readable text.

trafilatura reads the metadata (Open Graph, JSON-LD, Dublin Core, the usual meta tags, with fallbacks to
<title> and headings) and the article's main text; extruct reads the structured data (JSON-LD, microdata,
Open Graph) for what trafilatura does not keep: the comment count. w3lib decides the text's encoding
(header, byte-order mark, <meta charset>), charset_normalizer guesses when the page says nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MAX_TEXT_CHARS = 200_000  # the readable text kept for one page (a long article is ~50,000)
MAX_EXTRACT_BYTES = 2 * 1024 * 1024  # the main text is looked for in the first 2 MB of markup
COMMENT_COUNT_KEYS = ("commentcount", "comment_count", "comments_count", "article:comment_count")


@dataclass
class PageMetadata:
    title: str = ""
    outlet: str = ""
    author: str = ""
    published: dt.date | None = None
    description: str = ""
    canonical_url: str = ""
    comment_count: int | None = None
    text: str = ""


def decode(body: bytes, charset: str = "") -> str:
    """The page's text: the charset the server names, else a byte-order mark or <meta charset>, else a
    guess; bytes that do not fit become U+FFFD instead of failing."""
    from w3lib.encoding import html_to_unicode

    header = f"text/html; charset={charset}" if charset else None
    _encoding, text = html_to_unicode(header, body, default_encoding="utf-8", auto_detect_fun=_guess_encoding)
    return text


def _guess_encoding(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536]).best()
    return best.encoding if best is not None else None


def warm_up() -> None:
    """Import the extraction libraries (a second or so, once) before the first page needs them."""
    import extruct  # noqa: F401
    import trafilatura  # noqa: F401
    import w3lib.encoding  # noqa: F401


def extract(html: str, url: str) -> PageMetadata:
    """Metadata and readable text of an HTML page (possibly cut short); empty fields where it has none."""
    _quiet_libraries()
    import trafilatura
    from trafilatura.metadata import extract_metadata

    found = PageMetadata()
    if not html.strip():
        return found
    date_config = {"original_date": True, "extensive_search": False, "url": url}
    document = extract_metadata(html, default_url=url, date_config=date_config, extensive=True)
    if document is not None:
        found.title = _clean(document.title)
        found.outlet = _outlet(_clean(document.sitename), url)
        found.author = _clean(document.author)
        found.description = _clean(document.description)
        found.canonical_url = _clean(document.url) if _clean(document.url) != url else ""
        found.published = _date(document.date)
    structured = _structured(html, url)
    found.comment_count = _comment_count(structured)
    text = trafilatura.extract(
        html[:MAX_EXTRACT_BYTES],
        url=url,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        date_extraction_params=date_config,
    )
    found.text = (text or "").strip()[:MAX_TEXT_CHARS]
    return found


def _structured(html: str, url: str) -> dict[str, list[Any]]:
    import extruct

    try:
        data: dict[str, list[Any]] = extruct.extract(
            html, base_url=url, syntaxes=["json-ld", "microdata", "opengraph"], uniform=True, errors="ignore"
        )
    except Exception:  # broken markup or JSON in one page must not stop the capture of the rest
        return {}
    return data


def _comment_count(structured: dict[str, list[Any]]) -> int | None:
    """The largest comment count any structured data states (schema.org commentCount, an
    InteractionCounter for CommentAction, or an Open Graph-like comment_count property)."""
    counts: list[int] = []
    for item in _walk(list(structured.values())):
        for key, value in item.items():
            if key.lower().rsplit(":", 1)[-1] in COMMENT_COUNT_KEYS or key.lower() in COMMENT_COUNT_KEYS:
                counts.extend(_numbers(value))
        kind = item.get("interactionType")
        if isinstance(kind, dict):
            kind = kind.get("@type", "")
        if isinstance(kind, str) and kind.rstrip("/").rsplit("/", 1)[-1] == "CommentAction":
            counts.extend(_numbers(item.get("userInteractionCount")))
    return max(counts) if counts else None


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _walk(inner)


def _numbers(value: Any) -> list[int]:
    if isinstance(value, list | tuple):
        return [number for inner in value for number in _numbers(inner)]
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [int(value)] if value >= 0 else []
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "")
        return [int(cleaned)] if cleaned.isdigit() else []
    return []


def _outlet(sitename: str, url: str) -> str:
    """The site's name; where the page names none, its host without port or "www." (not "host:8080")."""
    parts = urlsplit(url)
    if sitename and sitename.lower() not in (parts.netloc.lower(), (parts.hostname or "").lower()):
        return sitename
    host = parts.hostname or ""
    return host.removeprefix("www.")


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _quiet_libraries() -> None:
    """trafilatura and htmldate log every page they find hard to read; that is not the person's concern."""
    for name in ("trafilatura", "htmldate", "courlan", "extruct", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
