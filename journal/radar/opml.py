"""The feed addresses in an OPML file (what feed readers export: outlines with an `xmlUrl`, in folders).

OPML is XML, so the same rule as feeds holds: a file declaring its own entities is refused before the XML
parser sees it. Outlines without a web address are counted, not fatal.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from journal.inputs import InputFileError, open_regular, read_bounded
from journal.radar.addresses import web_address
from journal.radar.feeds import FeedRefused, refuse_entities
from journal.radar.text import one_line

MAX_OPML_BYTES = 4 * 1024 * 1024
MAX_FEEDS = 2000


class OpmlError(Exception):
    """The file is not an OPML file that can be read; `str(error)` says why and what to do."""


@dataclass
class OpmlFeeds:
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (address, title)
    skipped: int = 0  # outlines with an xmlUrl that is not a web address


def read_opml(path: Path) -> OpmlFeeds:
    try:
        with open_regular(path, "OPML file") as handle:
            data = read_bounded(handle, MAX_OPML_BYTES)
    except InputFileError as refused:
        raise OpmlError(f"{refused} Give the OPML file your feed reader exported.") from None
    except OSError as error:
        raise OpmlError(f"{path} cannot be read ({error.strerror}).") from None
    if data is None:
        raise OpmlError(f"{path} is larger than {MAX_OPML_BYTES // (1024 * 1024)} MB; that is not a list of feeds.")
    try:
        refuse_entities(data, what=str(path))
    except FeedRefused as refused:
        raise OpmlError(str(refused)) from None
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise OpmlError(f"{path} is not well-formed XML ({error}); export the feeds again as OPML.") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"{path} is not an OPML file (its root is <{root.tag}>); export the feeds as OPML.")
    found = OpmlFeeds()
    seen: set[str] = set()
    for outline in root.iter("outline"):
        raw = outline.get("xmlUrl") or outline.get("xmlurl")
        if raw is None:
            continue  # a folder
        address = web_address(raw)
        if address is None:
            found.skipped += 1
        elif address not in seen and len(found.feeds) < MAX_FEEDS:
            seen.add(address)
            found.feeds.append((address, one_line(outline.get("title") or outline.get("text") or "")))
    return found
