"""The sync engine (no Qt): join a team, sync once, say where things stand, leave.

    join(journal, url, email, password, device) -> Joined
    sync_once(journal, progress=None, cancel=None) -> SyncResult     (raises a client.SyncError subclass)
    team_status(journal) -> TeamStatus                               (reads the journal only, no network)
    leave(journal) -> Left

sync_once pushes everything waiting (journal/sync/outbox.py) in batches, then pulls the changes after the
cursor a page at a time (journal/sync/apply.py). Each batch and each page is all or nothing, so stopping
anywhere (cancel, a lost connection, a crash) loses nothing and the next sync carries on. `progress` is
called from the thread running sync_once with a Progress; `cancel` is polled between batches and pages (a
QThread worker passes `lambda: self.isInterruptionRequested()`).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import uuid
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from journal.bundles.format import BundleError
from journal.bundles.records import story_records
from journal.store.database import Journal
from journal.sync import apply, case_studies, credentials, outbox, state, wire
from journal.sync.client import MissingSnapshots, Refused, ResyncNeeded, Revoked, SyncError, TeamClient
from journal.sync.wire import CASE_STUDY, STORY
from journal.words import counted

MAX_BATCH_BYTES = 16 * 1024 * 1024
PULL_PAGE = wire.MAX_PAGE  # changes asked for in one page, as many as the protocol allows (two pages at most are
# in memory: one applied, one coming; a page is one transaction, and fewer pages cost fewer trigger rebuilds)
CHECKPOINT_PAGES = 8  # pages applied between two copies of the WAL into the journal file during a pull


class NotJoined(SyncError):
    """This journal is not part of a team."""


@dataclass(frozen=True)
class Progress:
    stage: str  # "push" or "pull"
    done: int  # changes sent, or received, so far
    total: int | None  # for a push, how many are waiting; for a pull, about how many changes there are
    message: str
    # For a page pulled: the stories and case studies it brought (changed, added, deleted, or a version kept in
    # conflict), and whether a story came or went (a list of stories must be read again, not just refreshed).
    stories: tuple[str, ...] = ()
    case_studies: tuple[str, ...] = ()
    stories_came_or_went: bool = False


@dataclass
class SyncResult:
    pushed: int = 0  # stories, case studies and deletions sent
    pulled: int = 0  # changes received and applied
    conflicts: int = 0  # stories holding unresolved conflicts after the sync
    resynced: bool = False  # the whole journal was read again (away longer than deletions are kept)
    cancelled: bool = False

    def summary(self) -> str:
        text = f"pushed {self.pushed}, pulled {self.pulled}, {counted(self.conflicts, 'conflict')}"
        if self.resynced:
            text += " (read the whole team journal again)"
        return text + (" — stopped before the end; the next sync carries on" if self.cancelled else "")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TeamStatus:
    joined: bool
    server: str = ""
    email: str = ""
    role: str = ""
    team: str = ""
    device_id: str = ""
    token_store: str = ""
    last_sync: dt.datetime | None = None
    waiting: int = 0  # changes here the server has not seen
    conflicts: int = 0
    revoked: bool = False

    def as_json(self) -> dict[str, Any]:
        found = asdict(self)
        found["last_sync"] = None if self.last_sync is None else self.last_sync.isoformat()
        return found


@dataclass(frozen=True)
class Joined:
    server: str
    email: str
    role: str
    team: str
    device_id: str
    token_kept: str  # where the token is, for a person


@dataclass(frozen=True)
class Left:
    server: str
    signed_out: bool  # the server revoked the token (False when it could not be reached)


# ---------------------------------------------------------------- membership


def join(journal: Journal, url: str, email: str, password: str, device: str | None = None) -> Joined:
    with journal.session() as session:
        current = state.membership(session.connection())
    if current is not None and not current.revoked:
        raise SyncError(
            f"This journal is already in the team at {current.server} as {current.email}; "
            "`journal team leave` first to join another."
        )
    with TeamClient(url) as client:
        client.hello()
        answer = client.sign_in(email, password, device or socket.gethostname())
    stored = credentials.store(str(answer["device_id"]), str(answer["token"]))
    with journal.write() as session:
        connection = session.connection()
        if current is not None:
            state.forget_team(connection)
        state.save(
            connection,
            server=client.server,
            email=str(answer["email"]),
            role=str(answer["role"]),
            team=str(answer["team"]),
            device_id=str(answer["device_id"]),
            token_store=stored.where,
            cursor=0,
            revoked=False,
        )
    return Joined(
        client.server,
        str(answer["email"]),
        str(answer["role"]),
        str(answer["team"]),
        str(answer["device_id"]),
        stored.description,
    )


def leave(journal: Journal) -> Left:
    with journal.session() as session:
        member = state.membership(session.connection())
    if member is None:
        raise NotJoined("This journal is not in a team.")
    token = credentials.load(member.device_id, member.token_store)
    signed_out = False
    if token and not member.revoked:
        try:
            with TeamClient(member.server, token) as client:
                client.sign_out()
            signed_out = True
        except SyncError:
            signed_out = False
    credentials.forget(member.device_id, member.token_store)
    with journal.write() as session:
        state.forget_team(session.connection())
    return Left(member.server, signed_out)


def team_status(journal: Journal) -> TeamStatus:
    with journal.session() as session:
        connection = session.connection()
        member = state.membership(connection)
        conflicts = _conflict_count(connection)
        if member is None:
            return TeamStatus(joined=False, conflicts=conflicts)
        waiting = outbox.waiting(connection).count()
    return TeamStatus(
        joined=True,
        server=member.server,
        email=member.email,
        role=member.role,
        team=member.team,
        device_id=member.device_id,
        token_store=member.token_store,
        last_sync=member.last_sync,
        waiting=waiting,
        conflicts=conflicts,
        revoked=member.revoked,
    )


def _conflict_count(connection: sa.Connection) -> int:
    return int(connection.exec_driver_sql("SELECT count(DISTINCT story_id) FROM story_conflict").scalar() or 0)


# ---------------------------------------------------------------- syncing


def sync_once(
    journal: Journal,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    client: TeamClient | None = None,
) -> SyncResult:
    with journal.session() as session:
        member = state.membership(session.connection())
    if member is None:
        raise NotJoined("This journal is not in a team; `journal team join URL --user EMAIL` joins one.")
    if member.revoked:
        raise Revoked(
            "An admin signed this laptop out of the team; nothing is sent any more. "
            "`journal team leave`, then `journal team join` again if they agree."
        )
    token = credentials.load(member.device_id, member.token_store)
    if token is None:
        raise SyncError("This laptop's team token is missing (keyring or file); `journal team leave`, then join again.")
    report = progress or (lambda _p: None)
    stop = cancel or (lambda: False)
    result = SyncResult()
    own = client is None
    client = client or TeamClient(member.server, token)
    try:
        try:
            _push(journal, client, result, report, stop)
            if not result.cancelled:
                _pull(journal, client, member.cursor, result, report, stop)
        except ResyncNeeded:
            with journal.write() as session:
                state.forget_base(session.connection())
            result.resynced = True
            _pull(journal, client, 0, result, report, stop)
            if not result.cancelled:
                _push(journal, client, result, report, stop)
        except Revoked:
            with journal.write() as session:
                state.save(session.connection(), revoked=True)  # never sends again, whatever happens next
            raise
        if not result.cancelled:
            # Changes applied by this sync may have left things to send (an automatic merge, a case study
            # written while its stories arrived): one more push sends them now rather than next time.
            _push(journal, client, result, report, stop)
            with journal.write() as session:
                state.save(session.connection(), last_sync=dt.datetime.now(dt.UTC))
    finally:
        if own:
            client.close()
    with journal.session() as session:
        result.conflicts = _conflict_count(session.connection())
    return result


def _push(
    journal: Journal,
    client: TeamClient,
    result: SyncResult,
    report: Callable[[Progress], None],
    stop: Callable[[], bool],
) -> None:
    with journal.session() as session:
        waiting = outbox.waiting(session.connection())
    total = waiting.count()
    if total == 0:
        if waiting.compared:  # the next sync with nothing new reads no story (and writes nothing either)
            with journal.write() as session:
                outbox.mark_clean(session.connection(), waiting)
        return
    sent = 0
    queue: list[tuple[str, Any]] = [
        *((STORY, story_id) for story_id in waiting.stories),
        *((CASE_STUDY, study_id) for study_id in waiting.case_studies),
        *(("story_grave", grave) for grave in waiting.graves),
        *(("case_study_grave", grave) for grave in waiting.case_study_graves),
    ]
    report(Progress("push", 0, total, f"Sending {total} changes…"))
    while queue:
        if stop():
            result.cancelled = True
            return
        batch, queue = queue[: wire.MAX_BATCH], queue[wire.MAX_BATCH :]
        push, texts = _build(journal, batch)
        if push.size():
            _send(journal, client, push, texts)
        sent += len(batch)
        result.pushed += push.size()
        report(Progress("push", sent, total, f"Sent {sent} of {total} changes"))


def _build(journal: Journal, batch: list[tuple[str, Any]]) -> tuple[wire.Push, dict[str, str]]:
    """A push of these things as they are now (a story deleted meanwhile simply is not in it)."""
    push = wire.Push(push_id=str(uuid.uuid4()))
    texts: dict[str, str] = {}
    story_ids = [value for kind, value in batch if kind == STORY]
    study_ids = [value for kind, value in batch if kind == CASE_STUDY]
    with journal.session() as session:
        records, by_link = story_records(session, story_ids) if story_ids else ([], {})
        size = 0
        for record in records:
            wired, by_hash = wire.to_wire(record, by_link)
            size += len(json.dumps(wired, ensure_ascii=False))
            if size > MAX_BATCH_BYTES and push.stories:
                break  # the rest waits for the next batch (still waiting, so the next sync sends it)
            push.stories.append(wired)
            texts.update(by_hash)
        push.case_studies = case_studies.records(session.connection(), study_ids) if study_ids else []
    push.graves = [value for kind, value in batch if kind == "story_grave"]
    push.case_study_graves = [value for kind, value in batch if kind == "case_study_grave"]
    return push, texts


def _send(journal: Journal, client: TeamClient, push: wire.Push, texts: dict[str, str]) -> None:
    if texts:
        missing = client.missing(sorted(texts))
        client.put_snapshots({digest: texts[digest] for digest in missing})
    try:
        answer = client.push(push.document())
    except MissingSnapshots as missing:  # e.g. forgotten by the server between the two requests
        for digest in missing.digests:
            if digest in texts:
                client.put_snapshot(digest, texts[digest])
        answer = client.push(push.document())
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise SyncError("The team server's answer to a push is not what the protocol says; nothing was lost.")
    with journal.write() as session:
        connection = session.connection()
        for item in results:
            try:
                kind, item_id = str(item["kind"]), str(item["id"])
                known = {str(k): int(v) for k, v in dict(item["known"]).items()}
                deleted = bool(item["deleted"])
            except (KeyError, TypeError, ValueError):
                raise SyncError("The team server's answer to a push is not what the protocol says.") from None
            if kind in (STORY, CASE_STUDY):
                state.set_base(connection, kind, item_id, known, deleted)


def _pull(
    journal: Journal,
    client: TeamClient,
    cursor: int,
    result: SyncResult,
    report: Callable[[Progress], None],
    stop: Callable[[], bool],
) -> None:
    total: int | None = None  # asked for only when there is more than one page (a sync with nothing new asks none)
    pages = _pages(journal, client, cursor)
    # A page's commit does not copy the WAL into the file each time (a checkpoint: every page's megabytes written
    # twice over and synced, most of a first sync's waiting); every few pages instead, and at the end.
    checkpoints = journal.checkpoints_on_commit
    journal.checkpoints_on_commit = False
    try:
        for number, (page, by_hash) in enumerate(pages, start=1):
            if checkpoints and number % CHECKPOINT_PAGES == 0:
                journal.checkpoint()
            if stop():
                result.cancelled = True
                return
            story_ids = tuple(change.id for change in page.changes if change.kind == STORY)
            study_ids = tuple(change.id for change in page.changes if change.kind == CASE_STUDY)
            before = _live(journal, story_ids)
            try:
                applied = apply.apply_page(journal, page, by_hash)
            except (sa.exc.IntegrityError, BundleError) as error:
                reason = (
                    error if isinstance(error, BundleError) else "it names an id this journal has for something else"
                )
                raise Refused(
                    f"A page from the team server could not be applied ({reason}); nothing was changed."
                ) from None
            result.pulled += len(page.changes) - applied.unchanged
            if total is None and page.more:
                # How many changes there are to read at most (the team's sequence counts every change ever
                # numbered; a story changed twice is read once): enough for a progress bar.
                total = max(int(client.status().get("seq", 0)) - cursor, 0)
            total = max(total or 0, result.pulled + (1 if page.more else 0))
            came_or_went = bool(applied.deleted) or any(story_id not in before for story_id in applied.written)
            message = f"Received {result.pulled} of about {total} changes"
            report(Progress("pull", result.pulled, total, message, story_ids, study_ids, came_or_went))
    finally:
        pages.close()
        journal.checkpoints_on_commit = checkpoints
        if checkpoints:
            journal.checkpoint()


def _pages(
    journal: Journal, client: TeamClient, cursor: int
) -> Generator[tuple[wire.Page, dict[str, str]], None, None]:
    """The pages after `cursor`, each checked whole, with the coverage texts they name; the next one is asked for
    (and checked, and its texts gathered) in a thread while the caller applies this one, so the server's work and
    the laptop's overlap. The cursor still moves only with an applied page: stopping anywhere loses nothing."""

    def fetch(after: int) -> tuple[wire.Page, dict[str, str]]:
        page = wire.check_page(client.changes(after, PULL_PAGE), after)
        return page, _snapshot_texts(journal, client, page)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as pool:
        coming: Future[tuple[wire.Page, dict[str, str]]] | None = pool.submit(fetch, cursor)
        while coming is not None:
            page, by_hash = coming.result()
            coming = pool.submit(fetch, page.next) if page.more else None
            yield page, by_hash


def _live(journal: Journal, story_ids: tuple[str, ...]) -> set[str]:
    """Which of these stories this journal holds (in its list or its bin)."""
    if not story_ids:
        return set()
    with journal.session() as session:
        connection = session.connection()
        return {
            row[0]
            for start in range(0, len(story_ids), 500)
            for row in connection.exec_driver_sql(
                f"SELECT id FROM story WHERE id IN ({', '.join('?' for _ in story_ids[start : start + 500])})",
                story_ids[start : start + 500],
            )
        }


def _snapshot_texts(journal: Journal, client: TeamClient, page: wire.Page) -> dict[str, str]:
    """The coverage texts a page names by hash: from this journal when it has them, else from the server."""
    wanted: dict[str, str] = {}  # digest -> link id
    for change in page.changes:
        if change.kind != STORY:
            continue
        for version in (change.current, *change.conflicts):
            if version.record is None:
                continue
            for link_id, (kind, value) in wire.snapshot_refs(version.record).items():
                if kind == "sha256":
                    wanted[value] = link_id
    if not wanted:
        return {}
    found: dict[str, str] = {}
    with journal.session() as session:
        rows = (
            session.connection()
            .exec_driver_sql(
                f"SELECT text FROM link_snapshot WHERE link_id IN ({', '.join('?' for _ in wanted)})",
                tuple(wanted.values()),
            )
            .all()
        )
    for (text,) in rows:
        digest = wire.text_hash(text)
        if digest in wanted:
            found[digest] = text
    absent = [digest for digest in wanted if digest not in found]
    if absent:
        found.update(client.get_snapshots(absent))
    return found
