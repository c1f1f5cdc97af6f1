"""The window asks before a link the person added is fetched from their own network.

Fetching refuses private, loopback and link-local addresses (journal.coverage.destinations). When that
happens to a link added on this laptop, the window asks once whether the page really lives on the person's
own network (an intranet page, a server in the office); yes lets that one link be fetched from there. A link
that came from a bundle is never offered this: only the laptop that added it may allow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from journal.coverage.capture import Stored
from journal.ui.coverage.fetcher import LinkFetcher

if TYPE_CHECKING:
    from journal.ui.shell.seam import Shell


class PrivateLinkPrompt(QObject):
    def __init__(self, shell: Shell, fetcher: LinkFetcher) -> None:
        super().__init__(shell.widget)
        self._shell = shell
        self._asked: set[str] = set()  # once per link and session: no is an answer too
        self.box: QMessageBox | None = None
        self._fetcher = fetcher
        fetcher.private_refused.connect(self.ask)

    def ask(self, stored: Stored) -> None:
        if stored.link_id in self._asked or (self.box is not None and self.box.isVisible()):
            return
        self._asked.add(stored.link_id)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Fetch from your own network?",
            f"{stored.error}\n\nDoes this page live on your own network (an intranet, a server in your office)? "
            "Fetch it from there only if you trust it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._shell.widget,
        )
        box.setObjectName("privateLinkQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText("Fetch from my network")
        box.button(QMessageBox.StandardButton.No).setText("Don't fetch")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _result: self._answered(stored, box))
        self.box = box
        box.open()

    def _answered(self, stored: Stored, box: QMessageBox) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            if self._shell.services.stories.allow_private(stored.story_id, stored.link_id):
                self._fetcher.fetch_again(stored.link_id)
            self._shell.say("Fetching the page from your network…", 5000)
