"""The window's way to the team journal (journal/sync, no Qt): joining, leaving, where things stand, and
syncing, on a thread of the service's own so that a slow network never holds up a search or the window.

One thing at a time runs there (a sync, a sign-in, a sign-out), in the order asked. While a sync pulls, each
page it applied is announced on the GUI thread through StoryService and CaseStudyService (the only emitters
of their signals): the list, the open editor and the conflict banner show it as it arrives. The engine
applies every batch and page whole, so cancelling, or closing the window, anywhere loses nothing; `close()`
asks the sync to stop at the next batch and waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from journal.store.errors import JournalError, write_problem
from journal.ui.services.background import run_in_background
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.services.stories import StoryService

if TYPE_CHECKING:
    from journal.store.database import Journal
    from journal.sync.engine import Joined, Left, Progress, SyncResult, TeamStatus

CLOSE_WAIT_MS = 20_000  # closing the window waits this long at most for the batch on its way


class Phase(StrEnum):
    UNKNOWN = "unknown"  # not read yet
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"  # the server cannot be reached: changes wait, nothing to worry about
    REVOKED = "revoked"  # an admin signed this laptop out: nothing is sent any more
    TOO_OLD = "too old"  # this program and the server speak different protocols
    FAILED = "failed"  # refused, or the journal could not be written: `problem` says why
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SyncState:
    status: TeamStatus | None = None  # from the journal file (no network); None until first read
    phase: Phase = Phase.UNKNOWN
    problem: str = ""  # the sentence of what stopped the last sync
    progress: Progress | None = None  # while syncing: the last step

    @property
    def joined(self) -> bool:
        return self.status is not None and self.status.joined

    @property
    def signed_out(self) -> bool:
        return self.phase == Phase.REVOKED or (self.status is not None and self.status.revoked)


Done = Callable[[Any, BaseException | None], None]


class TeamSyncService(QObject):
    state_changed = Signal(object)  # SyncState
    finished = Signal(object)  # SyncResult, or the exception that stopped the sync
    # Each step of a sync (journal.sync.engine.Progress), emitted on the service's thread: queued to the GUI
    # thread for slots living there (the service itself announces pulled pages from it).
    progressed = Signal(object)
    # A pulled page is about to be announced: the editors save what is being typed now, over the version it
    # was typed on (a change or a deletion the page brought is kept beside it: journal/bundles/edits.py),
    # before the lists and the editors move on.
    arriving = Signal()

    def __init__(self, stories: StoryService, case_studies: CaseStudyService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stories = stories
        self.case_studies = case_studies
        self._journal = stories.journal
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one network conversation at a time, in the order asked
        self._cancel = threading.Event()
        self.progressed.connect(self._step, Qt.ConnectionType.QueuedConnection)
        self._state = SyncState()
        self._closed = False
        self.announcing = False  # true while a pulled page is being announced (not an edit made here)

    # ------------------------------------------------------------ where things stand
    @property
    def state(self) -> SyncState:
        return self._state

    @property
    def running(self) -> bool:
        return self._state.phase == Phase.SYNCING

    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def withheld(self, story_id: str) -> tuple[str, ...]:
        """The fields of this story the team server did not send to this laptop (journal/sync/views.py)."""
        from journal.sync import state, views
        from journal.sync.wire import STORY

        status = self._state.status
        if status is None or not status.joined or status.role == "admin":
            return ()
        with self._journal.session() as session:
            connection = session.connection()
            row = connection.exec_driver_sql(
                f"SELECT consent, {', '.join((views.NAME, *views.PRIVATE))} FROM story WHERE id = ?", (story_id,)
            ).one_or_none()
            if row is None:
                return ()
            base = state.bases(connection, STORY, [story_id]).get(story_id)
            link_notes = connection.exec_driver_sql(
                "SELECT EXISTS (SELECT 1 FROM coverage_link WHERE story_id = ? AND notes != '')", (story_id,)
            ).scalar()
        fields = dict(zip(("consent", views.NAME, *views.PRIVATE), row, strict=True))
        return views.withheld(status.role, fields, base is not None, bool(link_notes), base.view if base else None)

    def read_status(self) -> None:
        """Read the membership, the last sync and the changes waiting from the journal (no network)."""
        from journal.sync import engine

        journal = self._journal

        def done(status: TeamStatus | None, error: BaseException | None) -> None:
            if status is not None and not self._closed:
                phase = self._state.phase
                if phase == Phase.UNKNOWN:
                    phase = Phase.REVOKED if status.revoked else Phase.IDLE
                self._set(replace(self._state, status=status, phase=phase))
            del error  # unreadable just now: the next sync reads it again

        run_in_background(self, lambda: engine.team_status(journal), done)

    def _set(self, state: SyncState) -> None:
        self._state = state
        self.state_changed.emit(state)

    # ------------------------------------------------------------ joining and leaving
    def join(self, url: str, email: str, password: str, done: Done) -> None:
        """Sign in (on the service's thread); `done(Joined, None)` or `done(None, error)` on the GUI thread. The
        password is used for this one request and kept nowhere."""
        from journal.sync import engine

        self._membership(lambda journal: engine.join(journal, url, email, password), done)

    def leave(self, done: Done) -> None:
        """Stop syncing and leave the team: signed out at the server when it can be reached; every story stays.
        `done(Left, None)` or `done(None, error)` on the GUI thread."""
        from journal.sync import engine

        self._cancel.set()  # a running sync stops at its next batch; the leaving waits behind it
        self._membership(engine.leave, done)

    def _membership(self, change: Callable[[Journal], Joined | Left], done: Done) -> None:
        """Join or leave on the service's thread; then the state, read after it, and `done`."""
        from journal.sync import engine

        journal = self._journal

        def work() -> tuple[Joined | Left, TeamStatus]:
            return change(journal), engine.team_status(journal)

        def finished(result: tuple[Joined | Left, TeamStatus] | None, error: BaseException | None) -> None:
            if result is None:
                done(None, error)
                return
            self._set(SyncState(result[1], Phase.IDLE))
            done(result[0], None)

        run_in_background(self, work, finished, pool=self._pool)

    # ------------------------------------------------------------ syncing
    def sync(self) -> bool:
        """Start a sync in the background; False when one is running, or this journal cannot sync."""
        from journal.sync import engine
        from journal.sync.client import SyncError

        state = self._state
        if self._closed or self.running or not state.joined or state.signed_out or self.stories.read_only:
            return False
        self._cancel.clear()
        journal, cancel = self._journal, self._cancel

        def work() -> tuple[SyncResult | BaseException, TeamStatus | None]:
            outcome: SyncResult | BaseException
            try:
                outcome = engine.sync_once(journal, progress=self.progressed.emit, cancel=cancel.is_set)
            except (SyncError, sa.exc.DBAPIError, JournalError) as error:
                outcome = error
            try:
                status: TeamStatus | None = engine.team_status(journal)
            except (sa.exc.DBAPIError, JournalError):
                status = None
            return outcome, status

        self._set(replace(state, phase=Phase.SYNCING, progress=None))
        run_in_background(self, work, self._synced, pool=self._pool)
        return True

    def cancel(self) -> None:
        """Stop the sync at its next batch or page (what was sent or received stays)."""
        self._cancel.set()

    def _step(self, progress: Progress) -> None:
        if self._closed:
            return
        if progress.stage == "pull":
            self.arriving.emit()
            self.announcing = True
            try:
                self.stories.stories_pulled(progress.stories, came_or_went=progress.stories_came_or_went)
                self.case_studies.studies_pulled(progress.case_studies)
            finally:
                self.announcing = False
        self._set(replace(self._state, progress=progress))

    def _synced(self, result: tuple[Any, TeamStatus | None] | None, error: BaseException | None) -> None:
        if self._closed:
            return
        outcome: Any = error if result is None else result[0]
        status = self._state.status if result is None or result[1] is None else result[1]
        phase, problem = _phase(outcome)
        self._set(SyncState(status, phase, problem))
        self.finished.emit(outcome)

    def close(self) -> None:
        """The window closes: the sync stops at its next batch (nothing is lost), and is waited for, so the
        journal is never closed under it."""
        self._closed = True
        self._cancel.set()
        self._pool.waitForDone(CLOSE_WAIT_MS)


def _phase(outcome: Any) -> tuple[Phase, str]:
    from journal.sync.client import Offline, Revoked, SyncError, TooOld
    from journal.sync.engine import NotJoined, SyncResult

    if isinstance(outcome, SyncResult):
        return (Phase.CANCELLED if outcome.cancelled else Phase.IDLE), ""
    if isinstance(outcome, Offline):
        return Phase.OFFLINE, str(outcome)
    if isinstance(outcome, Revoked):
        return Phase.REVOKED, str(outcome)
    if isinstance(outcome, TooOld):
        return Phase.TOO_OLD, str(outcome)
    if isinstance(outcome, NotJoined):
        return Phase.IDLE, ""
    if isinstance(outcome, SyncError):
        return Phase.FAILED, str(outcome)
    if isinstance(outcome, sa.exc.DBAPIError):
        return Phase.FAILED, f"The sync could not write to the journal: {write_problem(outcome.orig)}."
    return Phase.FAILED, f"The sync stopped ({outcome}); nothing was lost, and it is tried again later."
