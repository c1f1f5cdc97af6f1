"""Coverage menu items for fetching and link health, and their quiet status-bar reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QProgressBar, QPushButton

from journal.ui.link_fetcher import LinkFetcher
from journal.ui.private_links import PrivateLinkPrompt

if TYPE_CHECKING:
    from journal.ui.main_window import MainWindow


def coverage_menu(window: MainWindow) -> QMenu:
    """The window's Coverage menu (before Help), made by whichever coverage feature asks first."""
    found = window.menuBar().findChild(QMenu, "coverageMenu")
    if isinstance(found, QMenu):
        return found
    menu = QMenu("&Coverage", window.menuBar())
    menu.setObjectName("coverageMenu")
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    return menu


class _StopOnClose(QObject):
    def __init__(self, fetcher: LinkFetcher) -> None:
        super().__init__(fetcher)
        self._fetcher = fetcher

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self._fetcher.close()
        return False


class LinkStatus(QObject):
    """The status-bar side: how many links wait, and the link check's progress with a Cancel button."""

    def __init__(self, window: MainWindow, fetcher: LinkFetcher) -> None:
        super().__init__(window)
        self._window = window
        self.fetcher = fetcher
        self.waiting = QLabel()
        self.waiting.setObjectName("linksWaiting")
        self.waiting.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("linkCheckProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("Checking links %v/%m")
        self.progress.setVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelLinkCheck")
        self.cancel.setVisible(False)
        bar = window.statusBar()
        bar.addPermanentWidget(self.waiting)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel)
        self.cancel.clicked.connect(fetcher.cancel_check)
        fetcher.waiting_changed.connect(self._waiting)
        fetcher.fetch_progress.connect(self._fetching)
        fetcher.check_progress.connect(self._progress)
        fetcher.check_finished.connect(self._finished)

    def _waiting(self, count: int, offline: bool) -> None:
        if not count:
            self.waiting.setVisible(False)
            return
        noun = "link" if count == 1 else "links"
        self.waiting.setText(f"{count} {noun} waiting to be fetched" + (" (offline)" if offline else ""))
        self.waiting.setToolTip("They are fetched when the network is back; Coverage ▸ Fetch Waiting Links tries now.")
        self.waiting.setVisible(True)

    def _fetching(self, done: int, total: int) -> None:
        self.waiting.setText(f"Fetching links {done}/{total}…")
        self.waiting.setToolTip("Titles, dates and readable copies are filled in as pages arrive.")
        self.waiting.setVisible(True)

    def started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel.setVisible(True)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _finished(self, summary: str) -> None:
        self.progress.setVisible(False)
        self.cancel.setVisible(False)
        self._window.statusBar().showMessage(summary, 15_000)


def install_links(window: MainWindow) -> None:
    fetcher = LinkFetcher(window.service, parent=window)
    status = LinkStatus(window, fetcher)
    fetch_action = QAction("&Fetch Waiting Links", window)
    fetch_action.setStatusTip("Fetch the pages of links saved while offline")
    received_action = QAction("Fetch &Received Links", window)
    received_action.setStatusTip("Fetch the pages of links that came in bundles (never fetched unless you ask)")
    check_action = QAction("&Check Links", window)
    check_action.setStatusTip("Ask every link's site whether the page is still there")
    menu = coverage_menu(window)
    menu.addActions([fetch_action, received_action, check_action])
    fetch_action.triggered.connect(fetcher.retry_now)
    received_action.triggered.connect(fetcher.fetch_received)
    window.private_link_prompt = PrivateLinkPrompt(window, fetcher)  # type: ignore[attr-defined]

    def check() -> None:
        if fetcher.check_links():
            status.started()
        else:
            window.statusBar().showMessage("The links are being checked already.", 5000)

    check_action.triggered.connect(check)
    stopper = _StopOnClose(fetcher)
    window.installEventFilter(stopper)
    window.link_fetcher = fetcher  # type: ignore[attr-defined]
    window.link_status = status  # type: ignore[attr-defined]
    window.fetch_links_action = fetch_action  # type: ignore[attr-defined]
    window.fetch_received_action = received_action  # type: ignore[attr-defined]
    window.check_links_action = check_action  # type: ignore[attr-defined]
    QTimer.singleShot(0, fetcher.retry_now)  # links saved while offline, or by the command line
