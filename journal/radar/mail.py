"""A folder of saved alert e-mails (.eml files: news and search alerts a person saves from their mail program)
read as entries.

An alert e-mail lists several articles: each link with a headline (an anchor of a few words) is one entry,
with the text that follows it up to the next link as its excerpt. Links that are the alert's own machinery
(unsubscribe, settings, "see more results") and links with a word or two are passed over. Search engines'
redirect links are unwrapped (journal.radar.addresses.unwrap). Only the newest MAX_FILES files are read, each
of at most MAX_FILE_BYTES; anything else is left out and said in the notes.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from journal.radar.addresses import link_key, web_address
from journal.radar.document import MAX_ENTRIES, FeedEntry, ParsedFeed, keep_first, make_entry

MAX_FILES = 200
MAX_FILE_BYTES = 16 * 1024 * 1024
MIN_HEADLINE_WORDS = 3
_MACHINERY = re.compile(
    r"unsubscribe|view (?:it |this )?(?:in|on) (?:your |a )?browser|see (?:more|all) results|edit this alert|"
    r"flag as irrelevant|manage (?:your )?(?:alerts|subscriptions|preferences)|privacy|terms of service|"
    r"help center|send feedback",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"']+")


class FolderMissing(Exception):
    """The folder is not there (a disconnected disk, a renamed folder); reading waits for it."""


def read_folder(folder: Path) -> ParsedFeed:
    """Entries from the newest .eml files in `folder` (not its sub-folders)."""
    if not folder.is_dir():
        raise FolderMissing(f"The folder {folder} is not there (is its disk connected?); it will be read when it is.")
    try:
        files = [path for path in folder.iterdir() if path.suffix.lower() == ".eml" and path.is_file()]
    except OSError as error:
        raise FolderMissing(f"The folder {folder} cannot be read ({error.strerror}); it will be tried again.") from None
    files.sort(key=lambda path: (path.stat().st_mtime_ns, path.name), reverse=True)
    notes: list[str] = []
    if len(files) > MAX_FILES:
        notes.append(f"The folder has {len(files):,} e-mails; only the newest {MAX_FILES} were read.")
    entries: list[FeedEntry] = []
    for path in files[:MAX_FILES]:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                notes.append(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; it was left out.")
                continue
            entries += _entries_of(path.read_bytes())
        except OSError as error:
            notes.append(f"{path.name} could not be read ({error.strerror}); it was left out.")
        except Exception as error:  # one damaged e-mail must not stop the others
            notes.append(f"{path.name} could not be read as an e-mail ({type(error).__name__}); it was left out.")
    if len(entries) > MAX_ENTRIES:
        notes.append(f"The e-mails list {len(entries):,} articles; only the first {MAX_ENTRIES} were read.")
    return ParsedFeed(
        title=f"Alert e-mails in {folder.name}", entries=keep_first(entries[:MAX_ENTRIES], notes), notes=notes
    )


def _entries_of(raw: bytes) -> list[FeedEntry]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    message_id = str(message.get("message-id", "")).strip() or str(message.get("subject", ""))
    try:
        sent: dt.datetime | None = parsedate_to_datetime(str(message.get("date", "")))
    except (TypeError, ValueError, IndexError):
        sent = None
    articles = _articles(message)
    return [
        make_entry(
            guid=f"{message_id}#{link_key(article.link)}",
            link=article.link,
            title=article.headline,
            markup=html.escape(article.text),
            published=sent,
        )
        for article in articles
    ]


@dataclass
class _Article:
    link: str
    headline: str
    text: str = ""


def _articles(message: EmailMessage) -> list[_Article]:
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return []
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset: read it as Latin-1, byte for byte
        payload = part.get_payload(decode=True)
        content = payload.decode("latin-1") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return []
    found = _from_html(content) if part.get_content_subtype() == "html" else _from_text(content)
    seen: set[str] = set()
    articles = []
    for article in found:
        key = link_key(article.link)
        headline = len(article.headline.split()) >= MIN_HEADLINE_WORDS and not _MACHINERY.search(article.headline)
        if key not in seen and headline:
            seen.add(key)
            articles.append(article)
    return articles


class _Anchors(HTMLParser):
    """Each <a href> with its words, and the words after it up to the next link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.articles: list[_Article] = []
        self._in_link: _Article | None = None
        self._after: _Article | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "a":
            link = web_address(dict(attrs).get("href") or "")
            self._in_link = _Article(link, "") if link else None
            self._after = None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._in_link is not None:
            self._in_link.headline = " ".join(self._in_link.headline.split())
            self.articles.append(self._in_link)
            self._after, self._in_link = self._in_link, None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_link is not None:
            self._in_link.headline += data
        elif self._after is not None and len(self._after.text) < 2000:
            self._after.text = " ".join(f"{self._after.text} {data}".split())


def _from_html(content: str) -> list[_Article]:
    parser = _Anchors()
    parser.feed(content[: 2 * 1024 * 1024])
    parser.close()
    return parser.articles


def _from_text(content: str) -> list[_Article]:
    """A plain-text alert: the line before an address is its headline, the lines after it its excerpt."""
    lines = [line.strip() for line in content[: 2 * 1024 * 1024].splitlines()]
    articles: list[_Article] = []
    for number, line in enumerate(lines):
        for url in _URL.findall(line):
            link = web_address(url.rstrip(".,;)>"))
            if link is None:
                continue
            headline = line.replace(url, "").strip(" -:<>") or (lines[number - 1] if number else "")
            following = []
            for after in lines[number + 1 : number + 6]:
                if not after or _URL.search(after):
                    break
                following.append(after)
            articles.append(_Article(link, headline, " ".join(following)))
    return articles
