"""The main window composes the story list, the editor, the empty state, actions and menus."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QItemSelection, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from journal import APP_NAME
from journal.ui.bundles.feature import install as install_bundles
from journal.ui.case_studies.feature import install as install_case_studies
from journal.ui.coverage.feature import install_links as install_coverage
from journal.ui.reach.feature import install as install_reach
from journal.ui.safety.feature import install as install_safety
from journal.ui.services.all import Services
from journal.ui.shell.about import AboutDialog
from journal.ui.shell.empty_state import EmptyState
from journal.ui.stories.commands import DeleteStoryCommand, NewStoryCommand, StoryFocus
from journal.ui.stories.editor import StoryEditor
from journal.ui.stories.list_model import TITLE, StoryIdRole, StoryListModel
from journal.ui.stories.list_panel import StoryListPanel
from journal.ui.stories.sidebar import Sidebar


def _action(text: str, parent: QWidget, shortcut: QKeySequence | QKeySequence.StandardKey) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(shortcut)
    return action


class MainWindow(QMainWindow):
    open_sample_requested = Signal()
    open_journal_requested = Signal()  # ask for a file
    open_default_requested = Signal()

    def __init__(self, services: Services, settings: QSettings, *, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        service = services.stories
        self.settings = settings
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setObjectName("mainWindow")
        self._journal_key = hashlib.sha1(str(service.path).encode()).hexdigest()[:16]

        self.undo_stack = QUndoStack(self)
        self.focus = StoryFocus(self)
        self.model = StoryListModel(service, self)
        self.list_panel = StoryListPanel(self.model)
        self.list_view = self.list_panel.list_view
        self.editor = StoryEditor(services, self.undo_stack)
        self.empty_state = EmptyState()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.sidebar = Sidebar(service, self.undo_stack, self.focus)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setChildrenCollapsible(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_state)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)
        self.save_state = QLabel()
        self.statusBar().addPermanentWidget(self.save_state)

        self._build_actions()
        self._connect()
        # Features in their own modules add their actions, menus and docks to the window.
        for install in (install_case_studies, install_coverage, install_safety, install_bundles, install_reach):
            install(self)
        self._restore_settings()
        self._update_page()

    # ------------------------------------------------------------ building
    def _build_actions(self) -> None:
        self.new_action = _action("&New story", self, QKeySequence.StandardKey.New)
        self.delete_action = _action("&Delete story", self, QKeySequence.StandardKey.Delete)
        # Delete acts on the list only; in a text field the key deletes text, in the coverage table a link.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.list_view.addAction(self.delete_action)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.open_action = _action("&Open journal…", self, QKeySequence.StandardKey.Open)
        self.sample_action = QAction("Open the &sample journal", self)
        self.default_action = QAction("Open &my journal", self)
        self.quit_action = _action("&Quit", self, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.focus_list_action = _action("Go to the story &list", self, QKeySequence("Ctrl+L"))
        self.find_action = _action("&Find…", self, QKeySequence.StandardKey.Find)
        self.save_search_action = QAction("&Save search…", self)
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        self.file_menu = self.menuBar().addMenu("&File")
        self.file_menu.addActions([self.new_action, self.open_action, self.sample_action, self.default_action])
        self.file_menu.addSeparator()
        self.quit_separator = self.file_menu.addSeparator()  # features add their File items before this one
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.delete_action)
        self.view_menu = self.menuBar().addMenu("&View")
        self.view_menu.addActions([self.find_action, self.focus_list_action, self.save_search_action])
        self.help_menu = self.menuBar().addMenu("&Help")
        self.help_menu.addAction(self.about_action)
        for action in (
            self.find_action,
            self.new_action,
            self.undo_action,
            self.redo_action,
            self.open_action,
            self.quit_action,
            self.focus_list_action,
        ):
            self.addAction(action)

    def _connect(self) -> None:
        self.new_action.triggered.connect(self.new_story)
        self.delete_action.triggered.connect(self.delete_current_story)
        self.open_action.triggered.connect(self.open_journal_requested)
        self.sample_action.triggered.connect(self.open_sample_requested)
        self.default_action.triggered.connect(self.open_default_requested)
        self.quit_action.triggered.connect(self.close)
        self.focus_list_action.triggered.connect(self.list_view.setFocus)
        self.save_search_action.triggered.connect(self.save_search)
        self.sidebar.query_chosen.connect(self.list_panel.show_query)
        self.services.stories.library_changed.connect(self._reload_editor)
        self.find_action.triggered.connect(self.focus_search)
        self.about_action.triggered.connect(self._about)
        self.empty_state.new_story_clicked.connect(self.new_story)
        self.empty_state.open_sample_clicked.connect(self.open_sample_requested)
        self.list_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._update_page)
        self.focus.select_story.connect(self.select_story)
        self.focus.about_to_change.connect(self.editor.flush)
        self.editor.save_state_changed.connect(self.save_state.setText)
        self.model.search_failed.connect(
            lambda reason: self.statusBar().showMessage(f"The search could not be run ({reason}); try again.", 8000)
        )

    # ------------------------------------------------------------ stories
    def new_story(self) -> None:
        self.undo_stack.push(NewStoryCommand(self.services.stories, self.focus))
        self.editor.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.title.selectAll()

    def delete_current_story(self) -> None:
        story_id = self.editor.story_id
        if story_id is None:
            return
        row = self.model.row_of(story_id) or 0
        title = self.editor.title.text() or "story"
        self.undo_stack.push(DeleteStoryCommand(self.services.stories, self.focus, story_id, title))
        if self.model.rowCount():
            self.select_row(min(row, self.model.rowCount() - 1))
        undo_keys = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
        self.statusBar().showMessage(f"Deleted “{title}”. Undo with {undo_keys}.", 8000)

    def select_story(self, story_id: str) -> None:
        row = self.model.row_of(story_id)
        if row is not None:
            self.select_row(row)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, TITLE)
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        story_id = indexes[0].data(StoryIdRole) if indexes else None
        if story_id != self.editor.story_id and not self.editor.load(story_id) and self.editor.story_id:
            self.select_story(self.editor.story_id)  # the story could not be saved: it stays in view

    def save_search(self) -> None:
        """Keep the current search and filters as a named smart list in the sidebar."""
        query = self.list_panel.query()
        suggestion = query.text.strip() or "My stories"
        name, ok = QInputDialog.getText(self, "Save search", "Name of the saved search:", text=suggestion)
        if ok and name.strip():
            self.sidebar.save_search(name.strip(), query)

    def _reload_editor(self) -> None:
        """Tags were renamed or merged: show the story's tags as they are now (so autosave keeps them)."""
        self.editor.load(self.editor.story_id)

    def focus_search(self) -> None:
        self.pages.setCurrentWidget(self.splitter)
        self.list_panel.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.list_panel.search_field.selectAll()

    def _keep_the_story_in_view(self) -> None:
        """After the list changed: the story in the editor stays there while the person searches (a search
        must not swap what they are writing); it is highlighted when it is on the first page of results.
        Only when there is no story left in the editor does the first one open."""
        if self.list_view.selectionModel().hasSelection():
            return
        current = self.editor.story_id
        if current is not None and self.services.stories.row(current) is None:
            current = None  # deleted (or undone)
        if current is None:
            self.select_row(0)
            return
        row = self.model.row_on_first_page(current)
        if row is not None:
            self.select_row(row)

    def _update_page(self) -> None:
        empty = self.model.rowCount() == 0 and not self.model.query.is_filtered()
        was_empty = self.pages.currentWidget() is self.empty_state
        self.pages.setCurrentWidget(self.empty_state if empty else self.splitter)
        self.delete_action.setEnabled(not empty)
        if empty:
            self.editor.load(None)
            self.empty_state.new_button.setFocus()
        else:
            self._keep_the_story_in_view()
            if was_empty or self.focusWidget() is None:
                self.list_view.setFocus()  # arrow keys move through the stories, Tab goes to the editor

    def _about(self) -> None:
        AboutDialog(self.services.stories.path, self).exec()

    # ------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1200, int(screen.width() * 0.9)), min(780, int(screen.height() * 0.9)))
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([170, 520, 460])
        last = self.settings.value(f"journals/{self._journal_key}/last_story")
        if isinstance(last, str) and self.model.rowCount():
            self.select_story(last)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        key = f"journals/{self._journal_key}/last_story"
        if self.editor.story_id:
            self.settings.setValue(key, self.editor.story_id)
        else:
            self.settings.remove(key)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.editor.flush():
            answer = QMessageBox.warning(
                self,
                APP_NAME,
                "The last changes could not be saved to the journal file. Close anyway and lose them?",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Close:
                event.ignore()
                return
        self.save_settings()
        event.accept()
