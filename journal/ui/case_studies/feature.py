"""Case studies in the main window: View ▸ Case studies opens the case-study window; Edit ▸ Add to case study
(also in the story list's right-click menu); File ▸ Export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from journal.store.errors import JournalError
from journal.ui.case_studies.export_dialogs import Exporter, show_error
from journal.ui.shell.actions import Act
from journal.ui.shell.menus import Menu
from journal.ui.shell.seam import Shell

if TYPE_CHECKING:  # the window (its editor, preview and Markdown) is built when first opened
    from journal.ui.case_studies.window import CaseStudyWindow


class CaseStudiesFeature(QObject):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.service = shell.services.case_studies
        self.window: CaseStudyWindow | None = None
        self.exporter = Exporter(shell.widget, self.service, shell.settings, shell.say)

        self.open_action = shell.action(Act.CASE_STUDIES)
        self.open_action.triggered.connect(self.show_window)
        self.add_menu = shell.menu(Menu.ADD_TO_CASE_STUDY)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        self.export_story_action = shell.action(Act.EXPORT_STORY)
        self.export_story_action.triggered.connect(self.export_story)
        shell.action(Act.EXPORT_CASE_STUDY).triggered.connect(self.show_window)
        self.export_site_action = shell.action(Act.EXPORT_SITE)
        self.export_site_action.triggered.connect(self.export_site)
        shell.when_closing(self._close_window)

    # ------------------------------------------------------------ the window
    def show_window(self) -> CaseStudyWindow:
        if self.window is None:
            from journal.ui.case_studies.window import CaseStudyWindow

            self.window = CaseStudyWindow(self.service, self.shell.settings, self.shell.widget)
            self.shell.services.team.arriving.connect(self.window.editor.flush)  # before a sync's changes show
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def _close_window(self) -> bool:
        """The main window closes: the case-study window saves and closes first (or both stay open)."""
        return self.window is None or self.window.close()

    # ------------------------------------------------------------ adding stories
    def _fill_add_menu(self) -> None:
        self.add_menu.clear()
        story_id = self.shell.current_story()
        try:
            summaries = self.service.summaries()
        except JournalError as error:
            show_error(self.shell.widget, error)
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
        story_id = self.shell.current_story()
        if story_id is None:
            return 0
        self.shell.save_story()
        try:
            present = story_id in self._ids(case_study_id)
            added = 0 if present else self.service.place(case_study_id, [story_id], None)
            title = self.service.study(case_study_id).title
        except JournalError as error:
            show_error(self.shell.widget, error)
            return 0
        story = self.shell.current_title()
        self.shell.say(f"Added “{story}” to “{title}”." if added else f"“{story}” is already in “{title}”.")
        return added

    def _ids(self, case_study_id: str) -> set[str]:
        return {entry.story_id for entry in self.service.entries(case_study_id)}

    def add_to_new(self) -> str | None:
        story_id = self.shell.current_story()
        if story_id is None:
            return None
        title, ok = QInputDialog.getText(self.shell.widget, "New case study", "Title of the new case study:")
        if not ok or not title.strip():
            return None
        try:
            case_study_id = self.service.create(title.strip(), [story_id])
        except JournalError as error:
            show_error(self.shell.widget, error)
            return None
        self.shell.say(f"Made the case study “{title.strip()}” with “{self.shell.current_title()}” in it.")
        return case_study_id

    # ------------------------------------------------------------ exports
    def export_story(self) -> None:
        story_id = self.shell.current_story()
        if story_id is None:
            self.shell.say("Choose a story to export first.")
            return
        self.shell.save_story()
        self.exporter.story_markdown(story_id)

    def export_site(self) -> None:
        self.shell.save_story()
        if self.window is not None:
            self.window.editor.flush()
        self.exporter.site_folder()
