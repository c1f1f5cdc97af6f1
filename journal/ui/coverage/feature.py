"""Coverage in the main window: pages of new links are fetched in the background (LinkFetcher), Coverage ▸
Fetch Waiting Links, Fetch Received Links and Check Links, quiet reports in the status bar, and the question
before a link added here is fetched from the person's own network (PrivateLinkPrompt)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from journal.ui.coverage.fetcher import LinkFetcher
from journal.ui.coverage.private_links import PrivateLinkPrompt
from journal.ui.shell.actions import Act
from journal.ui.shell.seam import Shell
from journal.words import counted


class LinkStatus(QObject):
    """The status-bar side: how many links wait, and the link check's progress with a Cancel button."""

    def __init__(self, shell: Shell, fetcher: LinkFetcher) -> None:
        super().__init__(shell.widget)
        self._shell = shell
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
        for widget in (self.waiting, self.progress, self.cancel):
            shell.add_status_widget(widget)
        self.cancel.clicked.connect(fetcher.cancel_check)
        fetcher.waiting_changed.connect(self._waiting)
        fetcher.fetch_progress.connect(self._fetching)
        fetcher.check_progress.connect(self._progress)
        fetcher.check_finished.connect(self._finished)

    def _waiting(self, count: int, offline: bool) -> None:
        if not count:
            self.waiting.setVisible(False)
            return
        self.waiting.setText(f"{counted(count, 'link')} waiting to be fetched" + (" (offline)" if offline else ""))
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
        self._shell.say(summary, 15_000)


class CoverageFeature(QObject):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.fetcher = LinkFetcher(shell.services.links, parent=self)
        self.status = LinkStatus(shell, self.fetcher)
        self.private_prompt = PrivateLinkPrompt(shell, self.fetcher)
        self.fetch_action = shell.action(Act.FETCH_LINKS)
        self.received_action = shell.action(Act.FETCH_RECEIVED_LINKS)
        self.check_action = shell.action(Act.CHECK_LINKS)
        self.fetch_action.triggered.connect(self.fetcher.retry_now)
        self.received_action.triggered.connect(self.fetcher.fetch_received)
        self.check_action.triggered.connect(self.check)
        shell.when_closed(self.fetcher.close)  # stop asking for pages; what is written stays written
        QTimer.singleShot(0, self.fetcher.retry_now)  # links saved while offline, or by the command line

    def check(self) -> None:
        if self.fetcher.check_links():
            self.status.started()
        else:
            self.shell.say("The links are being checked already.", 5000)
