"""The composition root: opens journals, builds the service and the main window for each. No globals."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from journal import APP_NAME, __version__
from journal.paths import default_journal_path, settings_path
from journal.store.database import Journal, open_journal
from journal.store.errors import JournalError
from journal.store.sample import fill_with_sample
from journal.ui.background import wait_for_background_work
from journal.ui.collector import MainThreadCollector
from journal.ui.icon import APP_ID, app_icon
from journal.ui.main_window import MainWindow
from journal.ui.service import StoryService
from journal.ui.theme import THEME_ENV, apply_theme

SAMPLE_JOURNAL_NAME = "sample.journal"


def sample_journal_path() -> Path:
    return default_journal_path().with_name(SAMPLE_JOURNAL_NAME)


class JournalApp(QObject):
    """Owns the open journal and its window; switching journals replaces both."""

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.window: MainWindow | None = None
        self.journal: Journal | None = None
        self._collector = MainThreadCollector(self)
        self._collector.start()

    def open(self, path: Path, *, title: str | None = None) -> bool:
        """Open `path` in a window (replacing the current one). On failure, say why and keep what is open."""
        try:
            journal = open_journal(path)
        except JournalError as error:
            return self._cannot_open(str(error))
        return self._show(journal, title or path.stem)

    def _cannot_open(self, message: str) -> bool:
        """Say why; at start-up (no window yet) offer to open another journal instead of just quitting."""
        box = QMessageBox(QMessageBox.Icon.Critical, f"Cannot open the journal — {APP_NAME}", message)
        box.setParent(self.window, box.windowFlags())
        other = box.addButton("Open another journal…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel if self.window else QMessageBox.StandardButton.Close)
        box.exec()
        return box.clickedButton() is other and self.choose_and_open()

    def open_sample(self) -> bool:
        path = sample_journal_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            journal = open_journal(path)
            fill_with_sample(journal)
        except (JournalError, OSError) as error:
            QMessageBox.critical(self.window, f"Cannot open the sample journal — {APP_NAME}", str(error))
            return False
        return self._show(journal, "Sample journal")

    def open_default(self) -> bool:
        path = default_journal_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return self.open(path, title="My journal")

    def choose_and_open(self) -> bool:
        start = str(self.journal.path.parent) if self.journal else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Open a journal", start, "Story journals (*.journal);;All files (*)"
        )
        return bool(chosen) and self.open(Path(chosen))  # a failure asks again, until the person cancels

    def _show(self, journal: Journal, title: str) -> bool:
        if self.window is not None and not self.window.close():
            journal.close()
            return False
        if self.journal is not None:
            wait_for_background_work()
            self.journal.close()
        service = StoryService(journal)
        service.purge_deleted()  # deletions of the last session can no longer be undone
        window = MainWindow(service, self.settings, title=title)
        window.open_sample_requested.connect(self.open_sample)
        window.open_default_requested.connect(self.open_default)
        window.open_journal_requested.connect(self.choose_and_open)
        old = self.window
        self.window, self.journal = window, journal
        window.show()
        if old is not None:
            old.deleteLater()
        return True

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
        if self.journal is not None:
            wait_for_background_work()
            self.journal.close()
            self.journal = None
        self._collector.stop()


def _close_on_terminate(qapp: QApplication) -> None:
    """SIGTERM and Ctrl+C close the window the normal way, so the last edit is saved."""
    signal.signal(signal.SIGTERM, lambda *_: qapp.closeAllWindows())
    signal.signal(signal.SIGINT, lambda *_: qapp.closeAllWindows())
    # Python runs signal handlers only when it gets control; a light timer gives it that in Qt's loop.
    timer = QTimer(qapp)
    timer.setInterval(300)
    timer.timeout.connect(lambda: None)
    timer.start()


def run_window(path: Path, *, is_default: bool, argv: list[str]) -> int:
    qapp = QApplication.instance() or QApplication(argv)
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName(APP_ID)  # resources/<APP_ID>.desktop: the task bar finds its name and icon
    qapp.setWindowIcon(app_icon())
    apply_theme(qapp, os.environ.get(THEME_ENV, ""))
    settings = QSettings(str(settings_path()), QSettings.Format.IniFormat)
    app = JournalApp(settings)
    opened = app.open_default() if is_default else app.open(path)
    if not opened:
        return 1
    _close_on_terminate(qapp)
    code = qapp.exec()
    app.close()
    return code
