"""When the window syncs: a few seconds after the last change (saved), every few minutes, soon after it
opens, and again sooner after the server could not be reached; never while the laptop is signed out or too
old for the server. Changes announced by a sync itself are not edits; changes saved while a sync ran are
sent by the next one. Before each sync the editor saves what was typed, so it goes out with it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from journal.ui.services.all import Services
from journal.ui.services.team import Phase, SyncState

AFTER_EDIT_MS = 5_000
EVERY_MS = 5 * 60_000
AT_START_MS = 1_000
OFFLINE_RETRY_MS = (15_000, 60_000, 180_000)  # the last one repeats


class SyncScheduler(QObject):
    def __init__(self, services: Services, before_sync: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self.service = services.team
        self._before_sync = before_sync
        self.after_edit_ms = AFTER_EDIT_MS
        self.offline_retry_ms: tuple[int, ...] = OFFLINE_RETRY_MS
        self._retry_step = 0
        self._again = False  # asked while a sync ran: run once more when it ends
        self._followed_up = False
        self._started = False
        self._stopped = False
        self._phase = Phase.UNKNOWN
        self._after_edit = QTimer(self, singleShot=True)
        self._after_edit.timeout.connect(self.sync_now)
        self._every = QTimer(self, interval=EVERY_MS)
        self._every.timeout.connect(self.sync_now)
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self.sync_now)
        stories, studies = services.stories, services.case_studies
        for signal in (stories.stories_changed, stories.library_changed, studies.studies_changed):
            signal.connect(self.edited)
        for signal_with_id in (stories.story_updated, stories.links_changed, studies.study_changed):
            signal_with_id.connect(lambda _id: self.edited())
        self.service.state_changed.connect(self._state)

    @property
    def active(self) -> bool:
        state = self.service.state
        return not self._stopped and state.joined and not state.signed_out and state.phase != Phase.TOO_OLD

    def edited(self) -> None:
        """Something was saved here: sync a few seconds after the last change."""
        if self.service.announcing or not self.active:
            return
        self._followed_up = False
        self._after_edit.start(self.after_edit_ms)

    def sync_now(self) -> bool:
        """Save what is being typed, then sync; when a sync is running, once more after it."""
        if not self.active:
            return False
        self._after_edit.stop()
        self._retry.stop()
        self._before_sync()  # what could not be saved stays in the editor, and goes with a later sync
        if self.service.sync():
            return True
        self._again = self.service.running
        return False

    def _state(self, state: SyncState) -> None:
        ended = self._phase == Phase.SYNCING and state.phase != Phase.SYNCING
        self._phase = state.phase
        if not self.active:
            for timer in (self._after_edit, self._every, self._retry):
                timer.stop()
            self._started = False
            return
        if not self._started:  # opened, or joined: sync soon, then every few minutes
            self._started = True
            self._every.start()
            if not self.service.running:
                self._after_edit.start(AT_START_MS)
        if not ended:
            return
        if state.phase == Phase.OFFLINE:
            self._retry.start(self.offline_retry_ms[min(self._retry_step, len(self.offline_retry_ms) - 1)])
            self._retry_step += 1
            return
        self._retry_step = 0
        waiting = state.status is not None and state.status.waiting > 0
        if self._again or (state.phase == Phase.IDLE and waiting and not self._followed_up):
            # Asked for during the sync, or changes saved while it ran: once more, after the usual pause.
            self._again = False
            self._followed_up = True
            self._after_edit.start(self.after_edit_ms)

    def stop(self) -> None:
        self._stopped = True
        for timer in (self._after_edit, self._every, self._retry):
            timer.stop()
