"""Reading every source, then matching what is new: what `journal radar fetch` and the window's radar run.

The network part is the coverage code's: journal.coverage.fetch.get (its timeouts, redirect limit, size cap
and address checks) in journal.coverage.batch.run_batch (a few sources at a time, each result written in its
own short transaction; a network that is down ends the run early and the sources not tried simply wait).
On top of that, per source:

- conditional requests: the ETag and Last-Modified a feed sent are sent back, and 304 means "not changed";
- backoff: a source that fails is not asked again for a while (15 minutes, doubling up to 12 hours; a feed
  that is refused, from 1 hour up to a day; a Retry-After the site gives is followed); being offline is
  not a failure: the source is asked again as soon as there is a network;
- a feed that moved for good (301, 308) is followed there from then on; a web page that names its feed in a
  <link rel="alternate"> is replaced by that feed;
- a refused document changes nothing already saved: only the source's state and message say why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from journal.coverage.batch import DEFAULT_CONCURRENCY, run_batch
from journal.coverage.fetch import FetchError, FetchSettings, describe_status, get
from journal.radar.feeds import MAX_DOCUMENT_BYTES, FeedRefused, ParsedFeed, read_document
from journal.radar.mail import FolderMissing, read_folder
from journal.radar.progress import FAILED, READ, UNCHANGED, WAITING, FetchReport, Progress, SourceResult
from journal.radar.sources import MAIL_FOLDER

if TYPE_CHECKING:
    import httpx
    from sqlmodel import Session

    from journal.store.database import Journal

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
USER_AGENT = "StoryJournal/1 (+coverage radar; reads this feed at most every few minutes)"
TRANSIENT_BACKOFF = (dt.timedelta(minutes=15), dt.timedelta(hours=12))
REFUSED_BACKOFF = (dt.timedelta(hours=1), dt.timedelta(days=1))
RETRY_AFTER_BOUNDS = (dt.timedelta(minutes=1), dt.timedelta(days=1))
# feedparser is pure Python holding the interpreter lock: one document at a time, so the window's thread
# never waits behind several of them.
_PARSING = threading.Lock()


@dataclass(frozen=True)
class Target:
    """What reading a source needs (no journal)."""

    id: str
    kind: str
    address: str
    etag: str
    last_modified: str


@dataclass
class Found:
    """What reading one source found (nothing written yet)."""

    state: str  # READ, UNCHANGED, WAITING (try again later) or FAILED (refused)
    message: str = ""
    offline: bool = False
    parsed: ParsedFeed | None = None
    etag: str = ""
    last_modified: str = ""
    moved_to: str = ""  # the address to use from now on
    retry_after: dt.timedelta | None = None


def fetch_sources(
    journal: Journal,
    settings: FetchSettings | None = None,
    *,
    source_ids: list[str] | None = None,
    force: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> FetchReport:
    """Read every source (or `source_ids`) not waiting out a backoff (`force` reads those too), then match
    the new entries against the stories. Blocks: run it off the window's thread. `cancel` stops it between
    requests (a request on its way is abandoned, nothing half-written)."""
    from sqlmodel import col, select

    from journal.radar.suggesting import match_pending
    from journal.store.models import utcnow
    from journal.store.radar_models import RadarSource

    now = utcnow()
    report = FetchReport()
    with journal.session() as session:
        rows = session.exec(select(RadarSource).order_by(col(RadarSource.created_at), col(RadarSource.id))).all()
    due = []
    for row in rows:
        if source_ids is not None and row.id not in source_ids:
            continue
        if not force and row.retry_at is not None and row.retry_at > now:
            report.backing_off.append((row.title or row.address, row.retry_at))
        else:
            due.append(row.id)
    cancel = cancel or threading.Event()

    def reading(done: int, total: int, result: SourceResult) -> None:
        if progress is not None:
            progress(Progress("reading", done, total, result))

    run = run_batch(
        journal,
        due,
        read_source,
        store_found,
        feed_settings(settings),
        concurrency,
        reading,
        cancel,
        address=source_target,
    )
    report.sources, report.not_tried = run.results, run.skipped
    report.offline, report.cancelled = run.offline, run.cancelled
    if not cancel.is_set():
        matched = match_pending(journal, progress=progress, cancel=cancel)
        report.matched, report.suggested = matched.entries, matched.suggested
        report.cancelled = report.cancelled or matched.cancelled
    return report


def feed_settings(settings: FetchSettings | None) -> FetchSettings:
    """The coverage fetching settings, with room for a whole feed and the radar's own name."""
    return dataclasses.replace(settings or FetchSettings(), max_bytes=MAX_DOCUMENT_BYTES, user_agent=USER_AGENT)


def source_target(source_id: str, *, session: Session) -> tuple[Target, bool] | None:
    """The source to read, and False: a feed is read from public addresses only (journal.coverage.destinations)."""
    from journal.store.radar_models import RadarSource

    row = session.get(RadarSource, source_id)
    return None if row is None else (Target(row.id, row.kind, row.address, row.etag, row.last_modified), False)


# ---------------------------------------------------------------- reading (no journal)


def read_source(target: Target, settings: FetchSettings, client: httpx.Client) -> Found:
    """Read one source. Never raises for network or document trouble."""
    if target.kind == MAIL_FOLDER:
        try:
            with _PARSING:
                return Found(READ, parsed=read_folder(Path(target.address)))
        except FolderMissing as missing:
            return Found(WAITING, str(missing))
    return _read_feed(target, settings, client, follow_page=True)


def _read_feed(target: Target, settings: FetchSettings, client: httpx.Client, *, follow_page: bool) -> Found:
    headers = {"Accept": FEED_ACCEPT}
    if target.etag:
        headers["If-None-Match"] = target.etag
    if target.last_modified:
        headers["If-Modified-Since"] = target.last_modified
    try:
        response = get(target.address, settings, client, headers=headers)
    except FetchError as error:
        return Found(WAITING if error.transient else FAILED, str(error), offline=error.offline)
    if response.status == 304:
        return Found(UNCHANGED, "Not changed since it was last read.")
    if not 200 <= response.status < 300:
        transient = response.status in (408, 429) or response.status >= 500
        found = Found(WAITING if transient else FAILED, describe_status(response.status))
        found.retry_after = _retry_after(response.headers.get("retry-after", ""))
        return found
    if response.truncated:
        return Found(FAILED, f"The feed is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB; it was not read.")
    moved_to = response.final_url if response.moved_permanently else ""
    try:
        with _PARSING:
            parsed = read_document(
                response.body,
                content_type=response.content_type,
                charset=response.charset,
                address=response.final_url,
            )
    except FeedRefused as refused:
        if refused.feed_address and follow_page:
            page = dataclasses.replace(target, address=refused.feed_address, etag="", last_modified="")
            found = _read_feed(page, settings, client, follow_page=False)
            if found.state in (READ, UNCHANGED):
                found.moved_to = found.moved_to or refused.feed_address
            return found
        return Found(FAILED, str(refused))
    except Exception as error:  # a document no reader copes with must not stop the other sources
        return Found(FAILED, f"The feed could not be read ({type(error).__name__}); it was not read.")
    return Found(
        READ,
        parsed=parsed,
        etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""),
        moved_to=moved_to,
    )


def _retry_after(header: str) -> dt.timedelta | None:
    header = header.strip()
    if not header:
        return None
    if header.isdigit():
        wait = dt.timedelta(seconds=int(header))
    else:
        try:
            wait = parsedate_to_datetime(header) - dt.datetime.now(dt.UTC)
        except (TypeError, ValueError, IndexError):
            return None
    low, high = RETRY_AFTER_BOUNDS
    return min(max(wait, low), high)


# ---------------------------------------------------------------- writing one source's result


def backoff(failures: int, bounds: tuple[dt.timedelta, dt.timedelta]) -> dt.timedelta:
    first, longest = bounds
    return min(first * 2 ** max(0, min(failures - 1, 20)), longest)


def store_found(source_id: str, found: Found, *, session: Session) -> SourceResult | None:
    """Write what reading a source found: new entries (journal.radar.entries), and the source's state."""
    from sqlmodel import col, select

    from journal.radar.entries import store_entries
    from journal.store.models import utcnow
    from journal.store.radar_models import RadarSource

    source = session.get(RadarSource, source_id)
    if source is None:  # removed meanwhile
        return None
    now = utcnow()
    source.fetched_at = now
    if found.moved_to and found.moved_to != source.address:
        taken = session.exec(select(RadarSource.id).where(col(RadarSource.address) == found.moved_to)).first()
        if taken is None:
            source.address = found.moved_to
    result = SourceResult(source.id, source.title or source.address, found.state, found.message, found.offline)
    if found.state in (READ, UNCHANGED):
        source.state, source.failures, source.retry_at, source.succeeded_at = "ok", 0, None, now
    if found.state == READ and found.parsed is not None:
        stored = store_entries(source.id, found.parsed.entries, session=session, now=now)
        result.new_entries, result.known_entries = len(stored.new), stored.known
        source.etag, source.last_modified = found.etag[:1000], found.last_modified[:200]
        source.title = source.title or found.parsed.title
        result.name = source.title or source.address
        result.message = " ".join([_entries_said(len(stored.new), stored.known), *found.parsed.notes])
    elif found.state == WAITING and found.offline:
        source.state = "waiting"  # no backoff: it is asked again as soon as there is a network
    elif found.state in (WAITING, FAILED):
        source.failures += 1
        wait = found.retry_after or backoff(
            source.failures, TRANSIENT_BACKOFF if found.state == WAITING else REFUSED_BACKOFF
        )
        source.state = "waiting" if found.state == WAITING else "failed"
        source.retry_at = result.retry_at = now + wait
    source.message = result.message
    session.add(source)
    return result


def _entries_said(new: int, known: int) -> str:
    said = "No new entries." if not new else "1 new entry." if new == 1 else f"{new:,} new entries."
    return said[:-1] + f" ({known:,} already seen)." if known else said
