"""The main window's actions for case studies: the case-study window, adding stories to case studies,
and the exports (File ▸ Export)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu

from journal.store.errors import JournalError
from journal.ui.case_studies.export_dialogs import Exporter, show_error
from journal.ui.case_studies.window import CaseStudyWindow

if TYPE_CHECKING:
    from journal.ui.shell.main_window import MainWindow


class CaseStudyActions(QObject):
    """What install() adds to the main window, kept on `window.case_studies`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.service = window.services.case_studies
        self.window: CaseStudyWindow | None = None
        self.exporter = Exporter(window, self.service, window.settings, self._say)

        self.open_action = QAction("&Case studies", window)
        self.open_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.open_action.triggered.connect(self.show_window)
        window.view_menu.addSeparator()
        window.view_menu.addAction(self.open_action)
        window.addAction(self.open_action)

        self.add_menu = QMenu("&Add to case study", window)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        window.edit_menu.addSeparator()
        window.edit_menu.addMenu(self.add_menu)
        window.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        window.list_view.addAction(self.add_menu.menuAction())

        self.export_menu = QMenu("&Export", window)
        self.export_story_action = self.export_menu.addAction("Story as &Markdown…", self.export_story)
        self.export_menu.addAction("&Case study (Markdown, HTML, clipboard)…", self.show_window)
        self.export_site_action = self.export_menu.addAction("&All case studies to a folder…", self.export_site)
        window.file_menu.insertMenu(window.quit_separator, self.export_menu)
        window.installEventFilter(self)

    def _say(self, sentence: str) -> None:
        self.main.statusBar().showMessage(sentence, 15000)

    # ------------------------------------------------------------ the window
    def show_window(self) -> CaseStudyWindow:
        if self.window is None:
            self.window = CaseStudyWindow(self.service, self.main.settings, self.main)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The main window closes: the case-study window saves and closes first (or both stay open)."""
        closing = watched is self.main and event.type() == QEvent.Type.Close
        if closing and self.window is not None and not self.window.close():
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ adding stories
    def _fill_add_menu(self) -> None:
        self.add_menu.clear()
        story_id = self.main.editor.story_id
        try:
            summaries = self.service.summaries()
        except JournalError as error:
            show_error(self.main, error)
            return
        for summary in summaries:
            action = self.add_menu.addAction(summary.title.replace("&", "&&"))
            action.setEnabled(story_id is not None)
            action.triggered.connect(lambda _checked=False, sid=summary.id: self.add_current_story(sid))
        if summaries:
            self.add_menu.addSeparator()
        new = self.add_menu.addAction("&New case study…", self.add_to_new)
        new.setEnabled(story_id is not None)

    def add_current_story(self, case_study_id: str) -> int:
        story_id = self.main.editor.story_id
        if story_id is None:
            return 0
        self.main.editor.flush()
        try:
            present = story_id in self._ids(case_study_id)
            added = 0 if present else self.service.place(case_study_id, [story_id], None)
            title = self.service.study(case_study_id).title
        except JournalError as error:
            show_error(self.main, error)
            return 0
        story = self.main.editor.title.text()
        self._say(f"Added “{story}” to “{title}”." if added else f"“{story}” is already in “{title}”.")
        return added

    def _ids(self, case_study_id: str) -> set[str]:
        return {entry.story_id for entry in self.service.entries(case_study_id)}

    def add_to_new(self) -> str | None:
        story_id = self.main.editor.story_id
        if story_id is None:
            return None
        title, ok = QInputDialog.getText(self.main, "New case study", "Title of the new case study:")
        if not ok or not title.strip():
            return None
        try:
            case_study_id = self.service.create(title.strip(), [story_id])
        except JournalError as error:
            show_error(self.main, error)
            return None
        self._say(f"Made the case study “{title.strip()}” with “{self.main.editor.title.text()}” in it.")
        return case_study_id

    # ------------------------------------------------------------ exports
    def export_story(self) -> None:
        story_id = self.main.editor.story_id
        if story_id is None:
            self._say("Choose a story to export first.")
            return
        self.main.editor.flush()
        self.exporter.story_markdown(story_id)

    def export_site(self) -> None:
        self.main.editor.flush()
        if self.window is not None:
            self.window.editor.flush()
        self.exporter.site_folder()


def install(window: MainWindow) -> None:
    """Add this feature's actions and menus to `window` (kept on `window.case_studies`)."""
    window.case_studies = CaseStudyActions(window)  # type: ignore[attr-defined]
