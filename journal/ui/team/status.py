"""The sync state in the status bar: a few words ("Synced 12:04", "3 changes waiting — offline"), and while a
long sync runs (a first sync, a journal away for long) its progress with a Cancel button, as the link check
shows its own."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from journal.sync import wire
from journal.ui.services.team import Phase, SyncState, TeamSyncService
from journal.ui.shell.seam import Shell
from journal.ui.team.wording import describe

LONG_MS = 1500  # a sync still running after this long shows its progress and Cancel


class SyncStatus(QObject):
    def __init__(self, shell: Shell, service: TeamSyncService) -> None:
        super().__init__(shell.widget)
        self.service = service
        self.label = QLabel()
        self.label.setObjectName("teamSyncState")
        self.label.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("teamSyncProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelTeamSync")
        self.cancel.setToolTip("Stop the sync; what was sent or received stays, and the next sync carries on")
        self.cancel.setVisible(False)
        for widget in (self.label, self.progress, self.cancel):
            shell.add_status_widget(widget)
        self._long = QTimer(self, singleShot=True, interval=LONG_MS)
        self._long.timeout.connect(self._show_progress)
        self.cancel.clicked.connect(self._cancel)
        service.state_changed.connect(self.show_state)

    def show_state(self, state: SyncState) -> None:
        words, tooltip = describe(state)
        self.label.setText(words)
        self.label.setToolTip(tooltip)
        self.label.setVisible(bool(words))
        if state.phase != Phase.SYNCING:
            self._long.stop()
            self.progress.setVisible(False)
            self.cancel.setVisible(False)
            return
        if not self._long.isActive() and not self.progress.isVisible():
            self._long.start()
        step = state.progress
        if step is None:
            self.progress.setRange(0, 0)
            return
        if step.stage == "push" and step.total:
            self.progress.setRange(0, step.total)
            self.progress.setValue(step.done)
            self.progress.setFormat("Sending %v/%m")
            if step.total > wire.MAX_BATCH:
                self._show_progress()
        else:
            if step.total:  # about how many changes there are (the team's sequence)
                self.progress.setRange(0, step.total)
                self.progress.setValue(step.done)
                self.progress.setFormat("Received %v of about %m")
            else:
                self.progress.setRange(0, 0)
                self.progress.setFormat(f"Received {step.done}")
            if step.done >= wire.PAGE_SIZE:
                self._show_progress()

    def _show_progress(self) -> None:
        if self.service.running:
            self.progress.setVisible(True)
            self.cancel.setVisible(True)
            self.cancel.setEnabled(not self.service.cancel_requested())

    def _cancel(self) -> None:
        self.service.cancel()
        self.cancel.setEnabled(False)
        self.label.setText("Stopping…")
