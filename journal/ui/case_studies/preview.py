"""The rendered case study beside its editor, and what the export will leave out.

The document is made by the exporter (journal.export) exactly as a file would be, rendered with
Python-Markdown and sanitised with nh3 (journal.export.html.render_html). The browser itself is shut
tight as well: it follows no link on its own, loads no resource (no file: or remote images), and hands
only http, https and mailto links to the system browser through `open_url`, which a test may replace.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from journal.export.html import render_html
from journal.export.markdown import Export
from journal.export.text import SAFE_SCHEMES
from journal.ui.services.background import run_in_background
from journal.ui.services.case_studies import CaseStudyService
from journal.words import counted

PREVIEW_DELAY_MS = 300


def is_safe_link(url: QUrl) -> bool:
    return url.isValid() and url.scheme().lower() in SAFE_SCHEMES and bool(url.toString().strip())


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that navigates nowhere and loads nothing; safe links go to `open_url`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.anchorClicked.connect(self.follow)

    def follow(self, url: QUrl) -> bool:
        """Open a clicked link in the system browser if it is http, https or mailto. Returns whether it did."""
        if not is_safe_link(url):
            return False
        self.open_url(url)
        return True

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        return None  # no images or style sheets from disk or network


class CaseStudyPreview(QWidget):
    """A notice of what is left out and why, above the rendered document; re-rendered after each change."""

    rendered = Signal()  # a new rendering is shown (tests wait for it)

    def __init__(self, service: CaseStudyService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._case_study_id: str | None = None
        self._generation = 0
        self._busy = False
        self.export: Export | None = None
        self.html = ""
        self.notice = QLabel()
        self.notice.setObjectName("previewNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setOpenExternalLinks(False)
        self.notice.setVisible(False)
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setMargin(6)
        self.notice.setAccessibleName("What the export leaves out")
        self.browser = SafeBrowser()
        self.browser.setObjectName("casePreview")
        self.browser.setAccessibleName("Preview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.browser, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        service.study_changed.connect(self._study_changed)
        service.stories.story_updated.connect(lambda _story_id: self.schedule())
        service.stories.stories_changed.connect(self.schedule)
        service.stories.links_changed.connect(lambda _story_id: self.schedule())

    @property
    def busy(self) -> bool:
        """A rendering is waiting or running (what is shown may be older than the journal)."""
        return self._busy or self._timer.isActive()

    def set_case_study(self, case_study_id: str | None) -> None:
        self._case_study_id = case_study_id
        self.refresh()

    def _study_changed(self, case_study_id: str) -> None:
        if case_study_id == self._case_study_id:
            self.schedule()

    def schedule(self) -> None:
        if self._case_study_id is not None:
            self._timer.start()

    def refresh(self) -> None:
        """Export and render the case study off the GUI thread; a newer request wins over an older one."""
        self._timer.stop()
        self._generation += 1
        generation, case_study_id, service = self._generation, self._case_study_id, self._service
        if case_study_id is None:
            self._show(None, "", None)
            return
        self._busy = True

        def work() -> tuple[Export, str]:
            export = service.export(case_study_id)
            return export, render_html(export.markdown)

        def done(result: tuple[Export, str] | None, error: BaseException | None) -> None:
            if generation != self._generation:
                return
            self._busy = False
            if result is None:
                self._show(None, "", f"The preview could not be made ({error}).")
            else:
                self._show(*result, None)

        run_in_background(self, work, done)

    def _show(self, export: Export | None, body: str, problem: str | None) -> None:
        self.export, self.html = export, body
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(body)
        self.browser.verticalScrollBar().setValue(scroll)  # keep the reader's place while they edit
        lines = [html.escape(problem)] if problem else []
        if export is not None:
            if export.left_out:
                count = len(export.left_out)
                lines.append(
                    f"<b>{counted(count, 'story is', 'stories are')} left out:</b> "
                    + "; ".join(f"“{html.escape(item.title)}” — {html.escape(item.reason)}" for item in export.left_out)
                )
            lines += [html.escape(note) for note in export.notes]
            if export.findings:
                count = len(export.findings)
                lines.append(
                    f"{counted(count, 'passage looks', 'passages look')} confidential "
                    "(you are asked before anything is exported): "
                    + "; ".join(html.escape(finding.sentence()) for finding in export.findings[:5])
                    + (" …" if count > 5 else "")
                )
        self.notice.setText("<br>".join(lines))
        self.notice.setVisible(bool(lines))
        self.rendered.emit()
