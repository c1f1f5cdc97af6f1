"""The main window composes the story list, the editor and the empty state, makes the actions and the menu
bar (actions.py, menus.py), and is the Shell the features receive (seam.py). It knows no feature."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QItemSelection, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME
from journal.ui.services.all import Services
from journal.ui.shell.about import AboutDialog
from journal.ui.shell.actions import ACTIONS, Act, apply_spec
from journal.ui.shell.empty_state import EmptyState
from journal.ui.shell.menus import STORY_LIST_MENU, Menu, build_menus, fill_widget
from journal.ui.shell.settings_keys import journal_setting
from journal.ui.stories.commands import DeleteStoryCommand, NewStoryCommand, StoryFocus
from journal.ui.stories.editor import StoryEditor
from journal.ui.stories.list_model import TITLE, StoryIdRole, StoryListModel
from journal.ui.stories.list_panel import StoryListPanel
from journal.ui.stories.sidebar import Sidebar
from journal.ui.widgets.autosave import may_close


class MainWindow(QMainWindow):
    open_sample_requested = Signal()
    open_journal_requested = Signal()  # ask for a file
    open_default_requested = Signal()

    def __init__(self, services: Services, settings: QSettings, *, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.settings = settings
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setObjectName("mainWindow")
        self._last_story_key = journal_setting(services.stories.path, "last_story")
        self._read_only = False
        self._close_guards: list[Callable[[], bool]] = []
        self._on_closed: list[Callable[[], None]] = []

        self.undo_stack = QUndoStack(self)
        self.focus = StoryFocus(self)
        self.model = StoryListModel(services.stories, self)
        self.list_panel = StoryListPanel(self.model)
        self.list_view = self.list_panel.list_view
        self.editor = StoryEditor(services, self.undo_stack)
        self.empty_state = EmptyState()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.sidebar = Sidebar(services.stories, self.undo_stack, self.focus)
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
        central = QWidget()
        self._central = QVBoxLayout(central)  # banners (add_banner) above the pages
        self._central.setContentsMargins(0, 0, 0, 0)
        self._central.setSpacing(0)
        self._central.addWidget(self.pages)
        self.setCentralWidget(central)
        self.save_state = QLabel()
        self.statusBar().addPermanentWidget(self.save_state)

        self._actions = self._build_actions()
        self._menus = build_menus(self, self.menuBar(), self._actions)
        # Delete acts on the list only; in a text field the key deletes text, in the coverage table a link.
        self.action(Act.DELETE_STORY).setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        fill_widget(self.list_view, STORY_LIST_MENU, self._actions, self._menus)
        self._connect()

    def start(self) -> None:
        """Once the features are attached: the window's size, the story last open, the first page."""
        self._restore_settings()
        self._update_page()

    # ------------------------------------------------------------ building
    def _build_actions(self) -> dict[Act, QAction]:
        made = {
            Act.UNDO: self.undo_stack.createUndoAction(self, ACTIONS[Act.UNDO].text),
            Act.REDO: self.undo_stack.createRedoAction(self, ACTIONS[Act.REDO].text),
        }
        return {name: apply_spec(made.get(name) or QAction(self), spec, self) for name, spec in ACTIONS.items()}

    def _connect(self) -> None:
        for name, slot in (
            (Act.NEW_STORY, self.new_story),
            (Act.DELETE_STORY, self.delete_current_story),
            (Act.OPEN_JOURNAL, self.open_journal_requested),
            (Act.OPEN_SAMPLE, self.open_sample_requested),
            (Act.OPEN_MY_JOURNAL, self.open_default_requested),
            (Act.QUIT, self.close),
            (Act.FOCUS_LIST, self.list_view.setFocus),
            (Act.SAVE_SEARCH, self.save_search),
            (Act.FIND, self.focus_search),
            (Act.ABOUT, self._about),
        ):
            self.action(name).triggered.connect(slot)
        self.sidebar.query_chosen.connect(self.list_panel.show_query)
        self.services.stories.library_changed.connect(self._reload_editor)
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

    # ------------------------------------------------------------ the Shell (seam.py)
    @property
    def widget(self) -> QWidget:
        return self

    @property
    def story_list(self) -> StoryListModel:
        return self.model

    def action(self, name: Act) -> QAction:
        return self._actions[name]

    def menu(self, name: Menu) -> QMenu:
        return self._menus[name]

    def say(self, sentence: str, timeout_ms: int = 15_000) -> None:
        self.statusBar().showMessage(sentence, timeout_ms)

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def add_banner(self, widget: QWidget) -> None:
        self._central.insertWidget(self._central.count() - 1, widget)

    def add_sidebar_entry(self, key: str, text: str, activated: Callable[[], None]) -> None:
        self.sidebar.add_feature_entry(key, text, activated)

    def set_sidebar_entry(self, key: str, text: str, *, strong: bool = False) -> None:
        self.sidebar.set_feature_entry(key, text, strong=strong)

    def set_read_only(self) -> None:
        self._read_only = True
        self.editor.set_read_only()
        self.sidebar.set_read_only()
        self.empty_state.new_button.setEnabled(False)
        for name in (Act.NEW_STORY, Act.DELETE_STORY, Act.SAVE_SEARCH):
            self.action(name).setEnabled(False)

    def current_story(self) -> str | None:
        return self.editor.story_id

    def current_title(self) -> str:
        return self.editor.title.text()

    def save_story(self) -> bool:
        return self.editor.flush()

    def show_story(self, story_id: str) -> bool:
        return self.select_story(story_id)

    def add_editor_banner(self, widget: QWidget) -> None:
        self.editor.add_banner(widget)

    def withhold_fields(self, names: Collection[str], why: str) -> None:
        self.editor.withhold(names, why)

    def when_story_shown(self, slot: Callable[[str | None], None]) -> None:
        self.editor.loaded.connect(slot)

    def when_closing(self, may_close: Callable[[], bool]) -> None:
        self._close_guards.append(may_close)

    def when_closed(self, closed: Callable[[], None]) -> None:
        self._on_closed.append(closed)

    def when_read_failed(self, slot: Callable[[str], None]) -> None:
        self.model.search_failed.connect(slot)

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

    def select_story(self, story_id: str) -> bool:
        """Select the story in the list (which opens it); False when it is not in the list as filtered now."""
        row = self.model.row_of(story_id)
        if row is not None:
            self.select_row(row)
        return row is not None

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
        row = None if current is None else self.model.row_on_first_page(current)
        if row is not None:
            self.select_row(row)  # among the rows just read: it is there, no need to ask the journal
        elif current is None or self.services.stories.row(current) is None:
            self.select_row(0)  # no story in the editor, or it was deleted (or undone)

    def _update_page(self) -> None:
        empty = self.model.rowCount() == 0 and not self.model.query.is_filtered()
        was_empty = self.pages.currentWidget() is self.empty_state
        self.pages.setCurrentWidget(self.empty_state if empty else self.splitter)
        self.action(Act.DELETE_STORY).setEnabled(not empty and not self._read_only)
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
        last = self.settings.value(self._last_story_key)
        if isinstance(last, str) and self.model.rowCount():
            self.select_story(last)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        if self.editor.story_id:
            self.settings.setValue(self._last_story_key, self.editor.story_id)
        else:
            self.settings.remove(self._last_story_key)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not all(may_close() for may_close in self._close_guards):
            event.ignore()
            return
        if not may_close(self, self.editor.flush(), "The last changes could not be saved to the journal file."):
            event.ignore()
            return
        self.save_settings()
        for closed in self._on_closed:
            closed()
        event.accept()
