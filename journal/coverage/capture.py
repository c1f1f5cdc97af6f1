"""Capturing a coverage link: fetch the page, fill the fields the person did not type, keep a readable
snapshot, record a stated comment count as a reading.

`fetch_page` only talks to the network (no journal); `store_capture` writes one result in one short
transaction, reading the link afresh inside it, so a value typed while the page was on its way still wins.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from journal.coverage.fetch import GONE, FetchError, FetchSettings, Response, describe_status, get, title_from_url
from journal.coverage.metadata import PageMetadata, decode, extract

if TYPE_CHECKING:
    import httpx
    from sqlmodel import Session

# Fields a fetch may fill; a field named in the link's typed_fields is never overwritten.
FETCHED_FIELDS: tuple[str, ...] = (
    "title",
    "outlet",
    "author",
    "published",
    "description",
    "canonical_url",
    "comment_count",
)
TO_FETCH, FETCHED, FAILED = "to_fetch", "fetched", "failed"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Reading pages is pure Python work that holds the interpreter lock: one page at a time, however many requests
# wait on the network, so the window's thread never queues behind several readers for the lock.
_EXTRACTING = threading.Lock()


@dataclass
class Capture:
    """What fetching one address found (nothing written yet)."""

    url: str
    state: str  # FETCHED, FAILED, or TO_FETCH (try again later)
    error: str = ""
    offline: bool = False  # the network or the host could not be reached
    private: bool = False  # not fetched: the address is on a private network (a person may allow it)
    metadata: PageMetadata = field(default_factory=PageMetadata)
    status: int | None = None
    final_url: str = ""
    health: str | None = None  # ok | moved | dead when the answer says so
    content_type: str = ""
    snapshot: bool = False  # a snapshot (text, possibly empty for a PDF) is to be kept
    truncated: bool = False


def typed_names(typed_fields: str) -> set[str]:
    return {name for name in (part.strip() for part in typed_fields.split(",")) if name}


def with_typed(typed_fields: str, names: Iterable[str]) -> str:
    """`typed_fields` with `names` added (sorted, comma-separated)."""
    return ",".join(sorted(typed_names(typed_fields) | set(names)))


def health_of(response: Response) -> str | None:
    if response.status in GONE:
        return "dead"
    if 200 <= response.status < 300:
        return "moved" if response.moved_permanently else "ok"
    return None  # a server error or a refusal says nothing lasting about the page


def fetch_page(url: str, settings: FetchSettings, client: httpx.Client) -> Capture:
    """Fetch `url` and read what it says about itself. Never raises for network or page trouble."""
    try:
        response = get(url, settings, client)
    except FetchError as error:
        state = TO_FETCH if error.transient else FAILED
        return Capture(url, state, str(error), offline=error.offline, private=error.private)
    capture = Capture(
        url,
        FETCHED,
        status=response.status,
        final_url=response.final_url,
        health=health_of(response),
        content_type=response.content_type,
        truncated=response.truncated,
    )
    if response.status >= 400:
        capture.state = TO_FETCH if response.status == 429 or response.status >= 500 else FAILED
        capture.error = describe_status(response.status)
        return capture
    if not 200 <= response.status < 300:
        capture.state, capture.error = FAILED, describe_status(response.status)
        return capture
    capture.snapshot = True
    if response.is_html:
        try:
            with _EXTRACTING:
                capture.metadata = extract(decode(response.body, response.charset), response.final_url)
        except Exception as error:  # a page no reader copes with must not stop the others
            capture.state, capture.snapshot = FAILED, False
            capture.error = f"The page could not be read ({type(error).__name__}); open it in a browser instead."
    elif response.content_type.startswith("text/"):
        text = decode(response.body, response.charset).strip()
        capture.metadata = PageMetadata(title=response.filename or title_from_url(response.final_url), text=text)
    else:
        # A PDF, an image, a video: no text to keep here, but a name and the fact that it is there.
        capture.metadata = PageMetadata(title=response.filename or title_from_url(response.final_url))
    return capture


def describe_content(content_type: str) -> str:
    if content_type == "application/pdf":
        return "a PDF document"
    return f"a {content_type} file" if content_type else "a file that is not a web page"


@dataclass
class Stored:
    """What store_capture did, for the window and the command line."""

    link_id: str
    story_id: str
    state: str
    error: str = ""
    offline: bool = False
    title: str = ""
    changed: list[str] = field(default_factory=list)  # the fields a fetched value filled
    private: bool = False  # refused: a private address (the person who added the link may allow it)
    received: bool = False  # the link came from elsewhere (a bundle): a private address is never allowed


def store_capture(link_id: str, capture: Capture, *, session: Session) -> Stored | None:
    """Write `capture` to the link (unless it was removed, or its address changed, meanwhile)."""
    from journal.store.models import CoverageLink, LinkSnapshot, Reading, utcnow

    link = session.get(CoverageLink, link_id)
    if link is None or link.url != capture.url:
        return None
    now = utcnow()
    stored = Stored(link.id, link.story_id, capture.state, capture.error, capture.offline)
    stored.private, stored.received = capture.private, bool(link.origin)
    typed = typed_names(link.typed_fields)
    if capture.state == FETCHED:
        for name in FETCHED_FIELDS:
            value: Any = getattr(capture.metadata, name)
            if value in (None, "") or name in typed or getattr(link, name) == value:
                continue
            setattr(link, name, value)
            stored.changed.append(name)
        link.fetched_at = now
        if capture.metadata.comment_count is not None:
            session.add(
                Reading(
                    story_id=link.story_id,
                    link_id=link.id,
                    metric="comments",
                    value=capture.metadata.comment_count,
                    taken_at=now,
                    source="fetched",
                )
            )
    if capture.snapshot:
        session.merge(
            LinkSnapshot(
                link_id=link.id,
                fetched_at=now,
                url=capture.final_url or capture.url,
                content_type=capture.content_type,
                title=capture.metadata.title,
                text=capture.metadata.text,
            )
        )
    link.fetch_state = capture.state
    link.fetch_error = capture.error
    if capture.status is not None:
        record_health(link, capture.health, capture.status, capture.final_url, now)
    if stored.changed:
        link.updated_at = now
    stored.title = link.title
    return stored


def record_health(link: Any, health: str | None, status: int | None, final_url: str, when: dt.datetime) -> None:
    """An answer from the site: its status and final address; the health only when the answer tells it."""
    if health is not None:
        link.health = health
    link.http_status = status
    link.final_url = final_url if final_url and final_url != link.url else ""
    link.checked_at = when


def _pending(*columns: Any, received: bool) -> Any:
    """SELECT columns of the links still to be fetched (links of stories in the bin wait until restored). Only links
    added on this laptop, unless `received`: a link from someone else is fetched only when a person asks."""
    from sqlmodel import col, select

    from journal.store.models import CoverageLink, Story

    query = (
        select(*columns)
        .select_from(CoverageLink)
        .join(Story, col(Story.id) == col(CoverageLink.story_id))
        .where(col(CoverageLink.fetch_state) == TO_FETCH, col(Story.deleted_at).is_(None))
    )
    return query if received else query.where(col(CoverageLink.origin) == "")


def count_pending(*, session: Session, received: bool = False) -> int:
    """How many links are still to be fetched (see `_pending` for `received`)."""
    import sqlalchemy as sa

    return int(session.exec(_pending(sa.func.count(), received=received)).one())


def pending_ids(
    *, session: Session, story_id: str | None = None, received: bool = False, limit: int | None = None
) -> list[str]:
    """Links still to be fetched, oldest first; the oldest `limit` of them when given (see `_pending` for
    `received`)."""
    from sqlmodel import col

    from journal.store.models import CoverageLink

    query = _pending(col(CoverageLink.id), received=received).order_by(col(CoverageLink.created_at))
    if story_id is not None:
        query = query.where(col(CoverageLink.story_id) == story_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def link_target(link_id: str, *, session: Session) -> tuple[str, bool] | None:
    """The link's address, and whether it may be fetched from a private network (a person here allowed it)."""
    from journal.store.models import CoverageLink

    link = session.get(CoverageLink, link_id)
    return None if link is None else (link.url, link.private_ok and not link.origin)


def snapshot_of(link_id: str, *, session: Session) -> Any:
    """The link's saved readable copy (a LinkSnapshot), or None."""
    from journal.store.models import LinkSnapshot

    return session.get(LinkSnapshot, link_id)
