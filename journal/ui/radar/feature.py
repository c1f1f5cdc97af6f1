"""The coverage radar in the main window: View ▸ Coverage radar (Ctrl+Shift+R) opens the radar's window (the
inbox of suggestions and the sources); the sidebar's "Coverage radar (3)" counts the suggestions waiting and
opens it too; Coverage ▸ Read Radar Feeds Now. The sources are read in the background every few minutes while
the journal is open (RadarPoller), with progress and Cancel in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from journal.ui.radar.poller import RadarPoller
from journal.ui.radar.status import RadarStatus
from journal.ui.services.background import run_in_background
from journal.ui.shell.actions import Act
from journal.ui.shell.seam import Shell

if TYPE_CHECKING:
    from journal.radar.progress import FetchReport
    from journal.ui.radar.window import RadarWindow

SIDEBAR_KEY = "coverageRadar"
SIDEBAR_TEXT = "Coverage radar"
COUNT_DELAY_MS = 300  # decisions and fetches come in bursts: count once they settle


def badge_text(count: int) -> str:
    return f"{SIDEBAR_TEXT} ({count:,})" if count else SIDEBAR_TEXT


class RadarFeature(QObject):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.service = shell.services.radar
        self.window: RadarWindow | None = None
        self.count: int | None = None  # suggestions waiting, as the sidebar shows it (None: not counted yet)
        self.poller = RadarPoller(self.service, shell.settings, self)
        self.status = RadarStatus(self.poller)
        shell.add_status_widget(self.status)
        shell.add_sidebar_entry(SIDEBAR_KEY, SIDEBAR_TEXT, self._open_window)
        shell.action(Act.COVERAGE_RADAR).triggered.connect(self.show_window)
        self.read_action = shell.action(Act.READ_FEEDS)
        self.read_action.triggered.connect(self.read_now)
        self.poller.finished.connect(self._read)
        self._asked = self._answered = 0
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.recount)
        self.service.inbox_changed.connect(self._count_timer.start)
        self.service.stories.stories_changed.connect(self._count_timer.start)  # stories in the bin hide theirs
        shell.when_closed(self._closed)
        if self.service.read_only:
            self.read_action.setEnabled(False)
        else:
            self.poller.start()
        QTimer.singleShot(0, self, self.recount)

    # ------------------------------------------------------------ the window
    def show_window(self) -> RadarWindow:
        """Made when first asked for: the radar's modules load only then."""
        from journal.ui.radar.window import RadarWindow

        if self.window is None:
            self.window = RadarWindow(self.shell, self.poller, self.shell.widget)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def _open_window(self) -> None:
        self.show_window()

    def read_now(self) -> None:
        """Coverage ▸ Read Radar Feeds Now: every source, even one waiting after failing."""
        self.poller.read_now(force=True)

    def _read(self, report: FetchReport | None, sentence: str, asked: bool) -> None:
        if asked or report is None or report.suggested:
            self.shell.say(sentence)

    # ------------------------------------------------------------ the sidebar's count
    @property
    def busy(self) -> bool:
        """The count is being read in the background."""
        return self._asked != self._answered or self._count_timer.isActive()

    def recount(self) -> None:
        """Count the suggestions waiting off the GUI thread; the newest answer wins."""
        self._count_timer.stop()
        self._asked += 1
        asked = self._asked

        def done(count: int | None, error: BaseException | None) -> None:
            if asked != self._asked:
                return
            self._answered = asked
            if error is None and count is not None:
                self.count = count
                self.shell.set_sidebar_entry(SIDEBAR_KEY, badge_text(count), strong=count > 0)

        run_in_background(self, self.service.count_new, done)

    def _closed(self) -> None:
        self.poller.close()
        if self.window is not None:
            self.window.close()
