"""The composition root: opens journals; for each, builds the services, the main window and the features
(each feature receives the window as its Shell: journal/ui/shell/seam.py). No globals."""

from __future__ import annotations

import signal
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from journal import APP_NAME
from journal.instance import InstanceServer, ask_running_window
from journal.paths import default_journal_path, settings_path
from journal.store.backups import list_backups, newest_good_backup, restore
from journal.store.database import Journal, open_journal
from journal.store.errors import JournalError, JournalReadOnlyError, JournalTooNewError, JournalUnreadableError
from journal.store.sample import fill_with_sample
from journal.ui.bundles.feature import BundlesFeature
from journal.ui.case_studies.feature import CaseStudiesFeature
from journal.ui.coverage.feature import CoverageFeature
from journal.ui.radar.feature import RadarFeature
from journal.ui.reach.feature import ReachFeature
from journal.ui.safety.feature import SafetyFeature
from journal.ui.safety.recovery_dialog import Choice, ask_recovery
from journal.ui.services.all import Services
from journal.ui.services.background import wait_for_background_work
from journal.ui.services.bundles import BundleService
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.services.conflicts import ConflictService
from journal.ui.services.links import LinkService
from journal.ui.services.radar import RadarService
from journal.ui.services.reach import ReachService
from journal.ui.services.search_index import SearchIndexer
from journal.ui.services.stories import StoryService
from journal.ui.services.team import TeamSyncService
from journal.ui.shell.collector import MainThreadCollector
from journal.ui.shell.first_paint import FirstWindow, set_up_application
from journal.ui.shell.main_window import MainWindow
from journal.ui.shell.settings_keys import journal_setting
from journal.ui.team.feature import TeamFeature

SAMPLE_JOURNAL_NAME = "sample.journal"
AFTER_FIRST_PAINT_MS = 200  # background work of the start waits this long, so the rows are painted first


def sample_journal_path() -> Path:
    return default_journal_path().with_name(SAMPLE_JOURNAL_NAME)


class JournalApp(QObject):
    """Owns the open journal and its window; switching journals replaces both."""

    def __init__(self, settings: QSettings, *, first: FirstWindow | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._first = first  # the first paint, until the full window has its rows
        self.window: MainWindow | None = None
        self.journal: Journal | None = None
        self._title = ""
        self._collector = MainThreadCollector(self)
        self._collector.start()
        self._instance = InstanceServer(self)
        self._instance.raise_requested.connect(self._bring_to_front)

    def open(self, path: Path, *, title: str | None = None) -> bool:
        """Open `path` in a window (replacing the current one). On failure, say why and keep what is open;
        a damaged or missing journal is offered its newest good backup, never replaced by an empty one."""
        path = path.absolute()
        if not path.exists() and (self._known(path) or list_backups(path)):
            return self._recover(
                path,
                title,
                f"The journal {path} is missing. If you moved your data folder, open the journal where it is now.",
                missing=True,
            )
        try:
            journal = open_journal(path, read_only_ok=True)
        except (JournalTooNewError, JournalUnreadableError, JournalReadOnlyError) as error:
            return self._cannot_open(str(error))
        except JournalError as error:  # damaged, truncated, not a journal
            return self._recover(path, title, str(error))
        return self._show(journal, title or path.stem)

    def _recover(self, path: Path, title: str | None, problem: str, *, missing: bool = False) -> bool:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # backups are checked before one is offered
        try:
            backup = newest_good_backup(path)
        finally:
            QApplication.restoreOverrideCursor()
        if backup is None and not missing:
            return self._cannot_open(problem)
        choice = ask_recovery(
            self.window, problem, backup, offer_new=missing and backup is None, window_open=self.window is not None
        )
        if choice is Choice.OTHER:
            return self.choose_and_open()
        if choice is Choice.NEW:
            try:
                return self._show(open_journal(path), title or path.stem)
            except JournalError as error:
                return self._cannot_open(str(error))
        if choice is Choice.RESTORE and backup is not None:
            return self._restore_closed(path, backup.path, title)
        return False

    def _restore_closed(self, path: Path, backup: Path, title: str | None) -> bool:
        """Put `backup` in place of the journal at `path`, which no window has open, and open it."""
        try:
            aside = restore(path, backup)
        except JournalError as error:
            return self._cannot_open(str(error))
        if not self.open(path, title=title):
            return False
        assert self.window is not None
        kept = f" The file as it was is kept as {aside.name}." if aside else ""
        self.window.statusBar().showMessage(f"Restored the backup {backup.name}.{kept}", 30_000)
        return True

    def restore_backup(self, backup: Path) -> bool:
        """File ▸ Restore from backup…: close the open journal (saving the last edit), restore, reopen."""
        if self.journal is None or self.window is None or not self.window.close():
            return False
        path, title = self.journal.path, self._title
        wait_for_background_work()
        self.journal.close()
        self.journal = None
        return self._restore_closed(path, backup, title)

    def recover_open_journal(self, problem: str) -> None:
        """The open journal turned out damaged (the daily check, or a page that cannot be read)."""
        if self.journal is None:
            return
        backup = newest_good_backup(self.journal.path)
        choice = ask_recovery(self.window, problem, backup, window_open=True)
        if choice is Choice.RESTORE and backup is not None:
            self.restore_backup(backup.path)
        elif choice is Choice.OTHER:
            self.choose_and_open()

    def _known(self, path: Path) -> bool:
        """This journal was opened here before (so a missing file is news, not a first start)."""
        return self.settings.value(journal_setting(path, "path")) is not None

    def _bring_to_front(self) -> None:
        if self.window is not None:
            self.window.showNormal() if self.window.isMinimized() else self.window.show()
            self.window.raise_()
            self.window.activateWindow()

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
        services = build_services(journal)
        if not journal.read_only:
            services.stories.purge_deleted()  # deletions of the last session can no longer be undone
        window = MainWindow(services, self.settings, title=title)
        window.open_sample_requested.connect(self.open_sample)
        window.open_default_requested.connect(self.open_default)
        window.open_journal_requested.connect(self.choose_and_open)
        CaseStudiesFeature(window)
        CoverageFeature(window)
        safety = SafetyFeature(window)
        safety.restore_requested.connect(self.restore_backup)
        safety.damaged.connect(self.recover_open_journal)
        BundlesFeature(window)
        ReachFeature(window)
        RadarFeature(window)
        TeamFeature(window)
        window.start()
        indexer = SearchIndexer(services.stories, window)
        indexer.start_checkpointing()
        indexer.progress.connect(window.say)
        window.when_closed(indexer.close)
        QTimer.singleShot(AFTER_FIRST_PAINT_MS, indexer.start)  # opened (or built) once the rows are painted
        QTimer.singleShot(AFTER_FIRST_PAINT_MS, self._collector.settle)
        old = self.window
        self.window, self.journal, self._title = window, journal, title
        self.settings.setValue(journal_setting(journal.path, "path"), str(journal.path))
        self._instance.listen(journal.path)
        self._show_window(window)
        if old is not None:
            old.deleteLater()
        return True

    def _show_window(self, window: MainWindow) -> None:
        """Show it, in place of the first paint (same place and size) when there was one."""
        first, self._first = self._first, None
        if first is not None:
            window.restoreGeometry(first.saveGeometry())
        window.show()
        if first is not None:
            first.close()
            first.deleteLater()

    def close(self) -> None:
        if self._first is not None:
            self._first.close()
        if self.window is not None:
            self.window.close()
        if self.journal is not None:
            wait_for_background_work()
            self.journal.close()
            self.journal = None
        self._instance.close()
        self._collector.stop()


def build_services(journal: Journal) -> Services:
    """Every service of one journal: the window and its features read and write only through these."""
    stories = StoryService(journal)
    case_studies = CaseStudyService(stories)
    return Services(
        stories=stories,
        case_studies=case_studies,
        reach=ReachService(stories),
        links=LinkService(stories),
        bundles=BundleService(stories),
        conflicts=ConflictService(stories),
        radar=RadarService(stories),
        team=TeamSyncService(stories, case_studies),
    )


def _close_on_terminate(qapp: QApplication) -> None:
    """SIGTERM and Ctrl+C close the window the normal way, so the last edit is saved."""
    signal.signal(signal.SIGTERM, lambda *_: qapp.closeAllWindows())
    signal.signal(signal.SIGINT, lambda *_: qapp.closeAllWindows())
    # Python runs signal handlers only when it gets control; a light timer gives it that in Qt's loop.
    timer = QTimer(qapp)
    timer.setInterval(300)
    timer.timeout.connect(lambda: None)
    timer.start()


def run_window(path: Path, *, is_default: bool, argv: list[str], first: FirstWindow | None = None) -> int:
    """The full window. `first`: the window's first paint (journal.ui.shell.first_paint), which this one
    replaces as soon as its list has its first page."""
    qapp = set_up_application(argv)
    settings = QSettings(str(settings_path()), QSettings.Format.IniFormat)
    if first is None and ask_running_window(path):
        return 0  # a window has this journal open already: it came to the front
    app = JournalApp(settings, first=first)
    opened = app.open_default() if is_default else app.open(path)
    if not opened:
        return 1
    _close_on_terminate(qapp)
    code = qapp.exec()
    app.close()
    return code
