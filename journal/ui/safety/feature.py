"""Safety in the main window: backups, restore, checks and the read-only banner.

File ▸ Back up now, File ▸ Restore from backup…, File ▸ Check the journal. On the first start of a day a
verified backup is made off the GUI thread (which also finds a damaged file); a page that cannot be read
while the list loads says the same. Either way SafetyFeature emits `damaged`, and the app offers the
newest good backup. A journal that cannot be written opens read-only, with a banner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from journal import APP_NAME
from journal.store.backups import BackupInfo, daily_backup, list_backups, make_backup, prune, quick_check
from journal.store.errors import JournalError
from journal.ui.safety.restore_dialog import RestoreDialog
from journal.ui.services.background import run_in_background
from journal.ui.shell.actions import Act
from journal.ui.shell.seam import Shell

DAILY_BACKUP_DELAY_MS = 1500  # after the window shows, so the start is not slowed
DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


class SafetyFeature(QObject):
    """One per window; the app listens to its signals (it owns opening and closing journals)."""

    restore_requested = Signal(object)  # Path of the backup to put in place of the open journal
    damaged = Signal(str)  # what is wrong with the open journal, in plain words

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.path = shell.services.stories.path
        self._damage_said = False
        self.backup_action = shell.action(Act.BACK_UP)
        self.restore_action = shell.action(Act.RESTORE_BACKUP)
        self.check_action = shell.action(Act.CHECK_JOURNAL)
        self.backup_action.triggered.connect(self.back_up_now)
        self.restore_action.triggered.connect(self.choose_backup)
        self.check_action.triggered.connect(self.check_now)
        shell.when_read_failed(self._read_failed)
        if shell.services.stories.read_only:
            shell.add_banner(ReadOnlyBanner(self.path))
            shell.set_read_only()
            self.backup_action.setEnabled(False)  # its backups folder cannot be written either
            self.restore_action.setEnabled(False)
        else:
            QTimer.singleShot(DAILY_BACKUP_DELAY_MS, self, self.start_daily_backup)

    def _status(self, text: str) -> None:
        self.shell.say(text, 15_000)

    # ------------------------------------------------------------ backups
    def back_up_now(self) -> None:
        self.backup_action.setEnabled(False)
        self._status("Backing up…")
        path = self.path

        def work() -> BackupInfo:
            info = make_backup(path)
            prune(path)
            return info

        def done(info: BackupInfo | None, error: BaseException | None) -> None:
            self.backup_action.setEnabled(True)
            if info is not None:
                self._status(f"Backed up {info.describe()} to {info.path}.")
            else:
                self._said_plainly("The backup could not be made", error)

        run_in_background(self, work, done)

    def start_daily_backup(self) -> None:
        path = self.path

        def work() -> tuple[BackupInfo | None, str]:
            try:
                return daily_backup(path), ""
            except JournalError:
                problem = quick_check(path)
                if not problem:
                    raise
                return None, problem

        def done(result: tuple[BackupInfo | None, str] | None, error: BaseException | None) -> None:
            if error is not None:
                self._said_plainly("Today's backup could not be made", error)
            elif result is not None and result[1]:
                self._report_damage(result[1])
            elif result is not None and result[0] is not None:
                self._status(f"Today's backup is made ({result[0].describe()}).")

        run_in_background(self, work, done)

    def choose_backup(self) -> None:
        dialog = RestoreDialog(self.path, list_backups(self.path), self.shell.widget)
        if dialog.exec() and (chosen := dialog.chosen()) is not None:
            self.restore_requested.emit(chosen.path)

    # ------------------------------------------------------------ checks
    def check_now(self) -> None:
        self._status("Checking the journal…")
        path = self.path

        def work() -> Any:
            from journal.store.integrity import check_journal

            return check_journal(path)

        def done(report: Any, error: BaseException | None) -> None:
            if report is None:
                self._said_plainly("The check could not be run", error)
            elif report.sound:
                QMessageBox.information(self.shell.widget, f"Check — {APP_NAME}", report.summary())
            else:
                self._report_damage("\n".join(report.problems))

        run_in_background(self, work, done)

    def _read_failed(self, reason: str) -> None:
        if any(word in reason for word in DAMAGE_WORDS):
            self._report_damage(reason)

    def _report_damage(self, problem: str) -> None:
        if self._damage_said:
            return  # once per window: the person has chosen already
        self._damage_said = True
        message = f"{self.path} is damaged ({problem}). Stories in it may be missing or unreadable."
        # Later, from the event loop: this may be called while the list paints, no place for a dialog.
        QTimer.singleShot(0, self, lambda: self.damaged.emit(message))

    def _said_plainly(self, what: str, error: BaseException | None) -> None:
        QMessageBox.warning(self.shell.widget, APP_NAME, f"{what}: {error}")


# ---------------------------------------------------------------- read-only journals


class ReadOnlyBanner(QFrame):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        self.path = path
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        self.setStyleSheet(
            "#readOnlyBanner { background: %s; border-bottom: 1px solid %s; }"
            % (("#4a3f12", "#7a6a20") if dark else ("#fff4c2", "#e0c860"))
        )
        self.label = QLabel(
            f"This journal is read-only: {path} cannot be written (check its permissions, or the disk). "
            "Changes cannot be saved. Save a copy to work on it."
        )
        self.label.setWordWrap(True)
        self.copy_button = QPushButton("Save a copy…")
        self.copy_button.clicked.connect(self.save_copy)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.copy_button)

    def save_copy(self) -> None:
        start = str(Path.home() / f"{self.path.stem} copy.journal")
        chosen, _ = QFileDialog.getSaveFileName(self, "Save a copy of the journal", start, "Story journals (*.journal)")
        if not chosen:
            return
        target = Path(chosen)
        try:
            info = make_backup(self.path, target=target.with_suffix(".journal"))
        except JournalError as error:
            QMessageBox.warning(self, APP_NAME, str(error))
            return
        QMessageBox.information(
            self, APP_NAME, f"Saved a copy with {info.describe()} as {info.path}. Open it with File ▸ Open journal…."
        )
