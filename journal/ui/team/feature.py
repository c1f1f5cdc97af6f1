"""The team journal in the main window: File ▸ Join a team…, Sync now (F5) and Leave the team…; the sync
state in the status bar; syncing in the background (SyncScheduler says when, TeamSyncService runs it). Being
offline is a state, never a pop-up; a conflict arrives as from a bundle (the banner and Resolve…)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from journal import APP_NAME
from journal.ui.services.team import Phase, SyncState
from journal.ui.shell.actions import Act
from journal.ui.shell.seam import Shell
from journal.ui.team.join_dialog import JoinDialog
from journal.ui.team.scheduler import SyncScheduler
from journal.ui.team.status import SyncStatus
from journal.words import counted

if TYPE_CHECKING:
    from journal.sync.engine import Joined, Left, SyncResult


class TeamFeature(QObject):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.service = shell.services.team
        self.service.arriving.connect(shell.save_story)
        self.join_action = shell.action(Act.JOIN_TEAM)
        self.sync_action = shell.action(Act.SYNC_NOW)
        self.leave_action = shell.action(Act.LEAVE_TEAM)
        self.status = SyncStatus(shell, self.service)
        self.scheduler = SyncScheduler(shell.services, shell.save_story, self)
        self.join_dialog: JoinDialog | None = None
        self.leave_box: QMessageBox | None = None
        self._asked = False  # the running sync was asked for with Sync now: say what it did
        self._conflicts: int | None = None  # stories with a conflict after the last sync
        self.join_action.triggered.connect(self.ask_join)
        self.sync_action.triggered.connect(self.sync_now)
        self.leave_action.triggered.connect(self.ask_leave)
        self.service.state_changed.connect(self._state)
        self.service.finished.connect(self._finished)
        shell.when_closed(self._closed)
        shell.when_story_shown(self._show_withheld)
        self.shell.services.stories.story_updated.connect(
            lambda story_id: self._show_withheld(story_id) if story_id == shell.current_story() else None
        )
        self._state(self.service.state)
        self.service.read_status()

    # ------------------------------------------------------------ actions
    def _state(self, state: SyncState) -> None:
        writable = not self.shell.services.stories.read_only
        known = state.status is not None
        self.join_action.setEnabled(writable and known and not state.joined)
        self.leave_action.setEnabled(writable and state.joined)
        self.sync_action.setEnabled(writable and state.joined and not state.signed_out)
        if state.status is not None and self._conflicts is None:
            self._conflicts = state.status.conflicts
        if state.phase != Phase.SYNCING:  # joined, left, or synced: the role, or what the server holds, changed
            self._show_withheld(self.shell.current_story())

    def _show_withheld(self, story_id: str | None) -> None:
        """What of the story in the editor the team server does not send this laptop (sync/views.py): shown so."""
        from journal.sync.views import WHY

        self.shell.withhold_fields(self.service.withheld(story_id) if story_id else (), WHY)

    def ask_join(self) -> JoinDialog:
        if self.join_dialog is None:
            self.join_dialog = JoinDialog(self.shell)
            self.join_dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.join_dialog.joined.connect(self._joined)
            self.join_dialog.finished.connect(self._join_closed)
        self.join_dialog.show()
        self.join_dialog.raise_()
        return self.join_dialog

    def _join_closed(self, _result: int) -> None:
        if self.join_dialog is not None:
            self.join_dialog.deleteLater()
            self.join_dialog = None

    def _joined(self, joined: Joined) -> None:
        self.shell.say(
            f"Joined the team {joined.team} as {joined.email} ({joined.role}); the first sync starts now. "
            f"The device token is kept in {joined.token_kept}; your password is not kept.",
            30_000,
        )

    def sync_now(self) -> None:
        self._asked = True
        if not self.scheduler.sync_now() and not self.service.running:
            self._asked = False

    def ask_leave(self) -> QMessageBox | None:
        status = self.service.state.status
        if status is None or not status.joined:
            return None
        unsent = (
            f" {counted(status.waiting, 'change')} made here {'has' if status.waiting == 1 else 'have'} not been "
            "sent yet; they stay in this journal only."
            if status.waiting and not status.revoked
            else ""
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Leave the team — {APP_NAME}",
            f"Leave the team {status.team} at {status.server}?",
            QMessageBox.StandardButton.Cancel,
            self.shell.widget,
        )
        box.setInformativeText(
            "This laptop signs out and stops syncing. Every story stays in this journal; the team keeps its "
            f"copy.{unsent}"
        )
        leave = box.addButton("Leave the team", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(lambda button: self._leave() if button is leave else None)
        box.finished.connect(lambda _result: setattr(self, "leave_box", None))
        self.leave_box = box
        box.open()
        return box

    def _leave(self) -> None:
        self.shell.say("Leaving the team…", 0)
        self.service.leave(self._left)

    def _left(self, left: Left | None, error: BaseException | None) -> None:
        if left is None:
            self.shell.say(f"Could not leave the team ({error}); nothing was changed.", 15_000)
        elif left.signed_out:
            self.shell.say(f"Left the team at {left.server}; every story stays in this journal.", 15_000)
        else:
            self.shell.say(
                f"Left the team at {left.server}, which could not be reached: ask an admin to revoke this "
                "device. Every story stays in this journal.",
                30_000,
            )

    # ------------------------------------------------------------ what a sync did
    def _finished(self, outcome: Any) -> None:
        from journal.sync.engine import SyncResult

        asked, self._asked = self._asked, False
        state = self.service.state
        if isinstance(outcome, SyncResult):
            self._done(outcome, asked)
        elif state.phase == Phase.OFFLINE:
            if asked:  # said in the status bar only, and only when asked for: offline is a normal state
                self.shell.say("The team server cannot be reached just now; the changes wait here.", 8000)
        elif state.phase in (Phase.REVOKED, Phase.TOO_OLD, Phase.FAILED):
            self.shell.say(state.problem, 30_000)

    def _done(self, result: SyncResult, asked: bool) -> None:
        new_conflicts = result.conflicts > (self._conflicts or 0)
        self._conflicts = result.conflicts
        if new_conflicts:
            self.shell.say(
                f"Synced: {counted(result.conflicts, 'story has', 'stories have')} a conflict to resolve "
                "(Edit ▸ Next conflict to resolve).",
                30_000,
            )
        elif asked or result.cancelled:
            summary = result.summary()
            self.shell.say(summary[0].upper() + summary[1:] + ".", 10_000)

    def _closed(self) -> None:
        self.scheduler.stop()
        self.service.close()
