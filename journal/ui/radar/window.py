"""The coverage radar's window (View ▸ Coverage radar): the inbox of suggestions and the sources.

Inbox: the posts the radar found about your stories, newest first, and the chosen one in full beside them
(SuggestionView). Enter links it to its story (a coverage link, fetched like a pasted one), Delete dismisses it
(never suggested again), Another story… picks the story it is really about, New story from this makes a
draft and shows it in the main window's editor. Every decision is undone with Ctrl+Z (the window's own
QUndoStack). The Show box lists what was linked or dismissed (Take back reopens one), and the entries that
matched no story (a story nobody wrote down yet?).

Sources: journal/ui/radar/sources_page.py. Reading them runs in the background (RadarPoller), with progress
and Cancel in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME
from journal.ui.radar.commands import refusal
from journal.ui.radar.decisions import Decisions, show_in_main_window
from journal.ui.radar.detail import SuggestionView
from journal.ui.radar.inbox_model import DATE, ENTRY, SOURCE, STORY, SUGGESTION, TITLE, InboxModel, InboxRow
from journal.ui.radar.poller import RadarPoller
from journal.ui.radar.sources_page import SourcesPage
from journal.ui.radar.status import RadarStatus
from journal.ui.radar.story_picker import StoryPicker
from journal.ui.services.background import run_in_background
from journal.ui.shell.seam import Shell
from journal.words import counted

SHOWN_AT_MOST = 1000  # rows of one view (the newest); a person decides about a few at a time
RELOAD_DELAY_MS = 100


@dataclass(frozen=True)
class View:
    label: str  # in the Show box
    states: tuple[str, ...] | None  # the suggestions' states; None: the entries that matched no story
    summary: Callable[[int], str]  # "3 new suggestions"
    empty: str = ""  # what an empty view says (the inbox of new ones says more: see _show_empty)


VIEWS = (
    View("New suggestions", ("new",), lambda n: counted(n, "new suggestion", grouped=True)),
    View(
        "Linked",
        ("linked",),
        lambda n: f"{n:,} linked",
        "Nothing linked yet. A suggestion you link (Enter) becomes a coverage link of its story.",
    ),
    View(
        "Dismissed",
        ("dismissed",),
        lambda n: f"{n:,} dismissed",
        "Nothing dismissed. A suggestion you dismiss (Delete) is never suggested again.",
    ),
    View(
        "Entries about no story",
        None,
        lambda n: counted(n, "entry", "entries", grouped=True) + " that matched none of your stories",
        "Every entry read so far was suggested for a story, or nothing has been read yet.",
    ),
)
INBOX = VIEWS[0]


class RadarWindow(QMainWindow):
    def __init__(self, shell: Shell, poller: RadarPoller, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("radarWindow")
        self.setWindowTitle(f"Coverage radar — {APP_NAME}")
        self.shell = shell
        self.service = shell.services.radar
        self.poller = poller
        self.settings = shell.settings
        self.undo_stack = QUndoStack(self)
        self._asked = self._answered = 0
        self._new_count = 0

        # ---------------------------------------------------------------- the inbox
        self.view_box = QComboBox()
        self.view_box.setObjectName("radarView")
        self.view_box.setAccessibleName("Show")
        self.view_box.addItems([view.label for view in VIEWS])
        self.summary = QLabel()
        self.summary.setObjectName("radarSummary")
        self.model = InboxModel(self)
        self.decisions = Decisions(shell, self.undo_stack, self.model, self.say)
        self.table = QTableView()
        self.table.setObjectName("radarInbox")
        self.table.setAccessibleName("Suggestions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for number, width in ((SOURCE, 150), (DATE, 92), (STORY, 230)):
            self.table.setColumnWidth(number, width)
        self.detail = SuggestionView()
        self.empty_text = QLabel()
        self.empty_text.setObjectName("radarEmpty")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setMaximumWidth(620)  # a few lines to read, not one across the window
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("radarEmptyButton")

        self._build_actions()

        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.view_box)
        top.addWidget(self.summary, 1)
        decisions = QHBoxLayout()
        decisions.setContentsMargins(0, 0, 0, 0)
        self.buttons = {
            action: self._button(action)
            for action in (
                self.link_action,
                self.another_action,
                self.new_story_action,
                self.dismiss_action,
                self.reopen_action,
            )
        }
        for button in self.buttons.values():
            decisions.addWidget(button)
        decisions.addStretch(1)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.detail, 1)
        column.addLayout(decisions)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("radarSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        empty_page = QWidget()
        column = QVBoxLayout(empty_page)
        column.addStretch(1)
        column.addWidget(self.empty_text, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        self.inbox_pages = QStackedWidget()
        self.inbox_pages.addWidget(self.splitter)
        self.inbox_pages.addWidget(empty_page)
        inbox = QWidget()
        column = QVBoxLayout(inbox)
        column.addLayout(top)
        column.addWidget(self.inbox_pages, 1)

        # ---------------------------------------------------------------- sources, tabs, status bar
        self.sources = SourcesPage(self.service)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("radarTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(inbox, "&Inbox")
        self.tabs.addTab(self.sources, "&Sources")
        self.setCentralWidget(self.tabs)
        self.status = RadarStatus(poller)
        self.statusBar().addPermanentWidget(self.status)

        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._stale = False  # something changed while the window was closed: read the inbox when it shows
        self.service.inbox_changed.connect(self._changed)
        self.service.sources_changed.connect(self._changed)  # the empty inbox's words change
        self.service.stories.stories_changed.connect(self._changed)  # a story binned, or back
        self.service.stories.story_updated.connect(lambda _story_id: self._changed())  # a story's title
        self.view_box.currentIndexChanged.connect(lambda _index: self._view_changed())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_in_browser())
        self.model.modelReset.connect(self._rows_changed)
        self.model.rowsRemoved.connect(self._rows_changed)
        self.detail.choose_requested.connect(self.choose_story)
        self.detail.story_requested.connect(self._show_story)
        self.sources.said.connect(self.say)
        self.sources.added.connect(lambda ids: self.poller.read_now(source_ids=ids, asked=True))
        self.sources.model.modelReset.connect(self._rows_changed)
        self.empty_button.clicked.connect(self._empty_clicked)
        poller.finished.connect(self._read)
        self._restore_settings()
        self._update_actions()
        self.reload()

    # ------------------------------------------------------------ building
    def _build_actions(self) -> None:
        def action(
            text: str, slot: Callable[[], object], keys: QKeySequence | list[QKeySequence] | None = None, tip: str = ""
        ) -> QAction:
            made = QAction(text, self)
            if isinstance(keys, list):
                made.setShortcuts(keys)
            elif keys is not None:
                made.setShortcut(keys)
            made.setStatusTip(tip)
            made.triggered.connect(lambda _checked=False: slot())
            return made

        standard = QKeySequence.StandardKey
        self.link_action = action(
            "&Link to the story",
            self.link_current,
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)],
            "Make the post a coverage link of the suggested story (its page is fetched and saved)",
        )
        self.dismiss_action = action(
            "&Dismiss", self.dismiss_current, QKeySequence(standard.Delete), "Never suggest this post again"
        )
        for inbox_only in (self.link_action, self.dismiss_action):
            # Enter and Delete act on the inbox only: in the feed address field they mean what they always do.
            inbox_only.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.table.addAction(inbox_only)
        self.another_action = action(
            "&Another story…", lambda: self.choose_story(), tip="Suggest another story for this post"
        )
        self.new_story_action = action(
            "&New story from this",
            self.new_story_from_current,
            QKeySequence("Ctrl+Shift+N"),
            "A draft story with this post's title, date, address and excerpt",
        )
        self.reopen_action = action(
            "&Take back", self.reopen_current, tip="Put the post back in the inbox (a link it made is removed)"
        )
        self.open_action = action("&Open the post in the browser", self.open_in_browser)
        self.read_action = action(
            "&Read feeds now", self.read_now, QKeySequence(standard.Refresh), "Read every source now"
        )
        self.add_feed_action = action("Add &feed…", self._add_feed)
        self.import_action = action("&Import OPML…", lambda: self._on_sources(self.sources.import_opml))
        self.folder_action = action("Add &e-mail folder…", lambda: self._on_sources(self.sources.add_mail_folder))
        self.close_action = action("&Close", self.close, QKeySequence(standard.Close))
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(standard.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence(standard.Redo))

        radar = self.menuBar().addMenu("&Radar")
        radar.addAction(self.read_action)
        radar.addSeparator()
        radar.addActions([self.add_feed_action, self.import_action, self.folder_action])
        radar.addSeparator()
        radar.addAction(self.close_action)
        edit = self.menuBar().addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        suggestion = self.menuBar().addMenu("&Suggestion")
        suggestion.addActions([self.link_action, self.another_action, self.new_story_action, self.dismiss_action])
        suggestion.addSeparator()
        suggestion.addActions([self.reopen_action, self.open_action])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for item in (self.another_action, self.new_story_action, self.reopen_action, self.open_action):
            self.table.addAction(item)

    @staticmethod
    def _button(action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{action.statusTip()} ({keys})" if keys else action.statusTip())
        return button

    # ------------------------------------------------------------ showing
    @property
    def view(self) -> View:
        return VIEWS[max(0, self.view_box.currentIndex())]

    @property
    def busy(self) -> bool:
        """The inbox is being read in the background (or will be in a moment)."""
        return self._asked != self._answered or self._reload_timer.isActive() or self.sources.busy

    def say(self, sentence: str, timeout_ms: int = 15_000) -> None:
        self.statusBar().showMessage(sentence, timeout_ms)

    def _changed(self) -> None:
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def reload(self) -> None:
        """Read the rows of the view off the GUI thread; the newest answer wins."""
        self._reload_timer.stop()
        self._stale = False
        self._asked += 1
        asked, service, states = self._asked, self.service, self.view.states

        def work() -> tuple[list[InboxRow], int]:
            if states is None:
                rows = [InboxRow.of_entry(entry) for entry in service.unmatched(SHOWN_AT_MOST)]
            else:
                rows = [InboxRow.of_suggestion(read) for read in service.suggestions(states, SHOWN_AT_MOST)]
            return rows, service.count_new()

        def done(result: tuple[list[InboxRow], int] | None, error: BaseException | None) -> None:
            if asked != self._asked:
                return  # a newer read is on its way
            self._answered = asked
            if error is not None or result is None:
                self.say(f"The inbox could not be read ({refusal(error) if error else 'no answer'}); try again.")
                return
            self._show_rows(*result)

        run_in_background(self, work, done)

    def _show_rows(self, rows: list[InboxRow], new_count: int) -> None:
        current = self.current_row()
        number = self.table.currentIndex().row()
        self._new_count = new_count
        self.model.set_rows(rows)
        row = self.model.row_of(current.id) if current is not None else None
        if row is None and self.model.rowCount():
            row = min(max(number, 0), self.model.rowCount() - 1)
        if row is not None:
            self.table.selectRow(row)
        self._rows_changed()

    def _rows_changed(self) -> None:
        view, shown = self.view, self.model.rowCount()
        self.tabs.setTabText(0, f"&Inbox ({self._new_count:,})" if self._new_count else "&Inbox")
        newest = f" (the newest {SHOWN_AT_MOST:,})" if shown >= SHOWN_AT_MOST else ""
        self.summary.setText(view.summary(shown) + newest)
        self.inbox_pages.setCurrentIndex(0 if shown else 1)
        if not shown:
            self._show_empty(view)
        if not self.table.selectionModel().hasSelection():
            self.detail.show_row(None)
        self._update_actions()

    def _show_empty(self, view: View) -> None:
        sources = self.sources.model.rowCount()
        self.empty_button.setVisible(view is INBOX and not self.service.read_only)
        if view is not INBOX:
            self.empty_text.setText(view.empty)
        elif not sources:
            self.empty_text.setText(
                "The radar watches feeds for posts about your stories: a customer's blog, a news or search alert "
                "delivered as a feed, a review site. Add their feeds under Sources; the posts about your stories "
                "arrive here."
            )
            self.empty_button.setText("Add a feed…")
        else:
            minutes = self.poller.interval_ms // 60_000
            self.empty_text.setText(
                f"Nothing new. The radar reads your {counted(sources, 'source')} every {minutes} minutes while "
                "Story Journal is open; posts about your stories arrive here."
            )
            self.empty_button.setText("Read feeds now")

    def _empty_clicked(self) -> None:
        if self.sources.model.rowCount():
            self.read_now()
        else:
            self._add_feed()

    def _view_changed(self) -> None:
        self.model.set_rows([])
        self.reload()

    def current_row(self) -> InboxRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.inbox_row(rows[0].row()) if rows else None

    def select(self, row_id: str) -> bool:
        row = self.model.row_of(row_id)
        if row is not None:
            self.table.selectRow(row)
        return row is not None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.detail.show_row(self.current_row())
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.current_row()
        writable = not self.service.read_only
        new = writable and row is not None and row.kind == SUGGESTION and row.state == "new"
        for action in (self.link_action, self.another_action, self.dismiss_action):
            action.setEnabled(new)
        self.new_story_action.setEnabled(new or (writable and row is not None and row.kind == ENTRY))
        self.reopen_action.setEnabled(writable and row is not None and row.kind == SUGGESTION and row.state != "new")
        self.open_action.setEnabled(row is not None and row.link.lower().startswith(("http://", "https://")))
        for action in (self.read_action, self.add_feed_action, self.import_action, self.folder_action):
            action.setEnabled(writable)
        view = self.view
        for action, button in self.buttons.items():
            if view is INBOX:
                button.setVisible(action is not self.reopen_action)
            elif view.states is None:
                button.setVisible(action is self.new_story_action)
            else:
                button.setVisible(action is self.reopen_action)

    # ------------------------------------------------------------ deciding (journal/ui/radar/decisions.py)
    def link_current(self) -> None:
        if (row := self.current_row()) is not None:
            self.decisions.link(row)

    def dismiss_current(self) -> None:
        if (row := self.current_row()) is not None:
            self.decisions.dismiss(row)

    def choose_story(self, story_id: str | None = None) -> bool:
        """Suggest another story for the post: `story_id`, or the one chosen in the story picker."""
        row = self.current_row()
        if row is None or not self.decisions.can_decide(row):
            return False
        chosen = story_id or self.pick_story(row)
        return chosen is not None and self.decisions.choose(row, chosen)

    def pick_story(self, row: InboxRow) -> str | None:
        """The story picker, as a modal dialog (tests answer it themselves)."""
        picker = StoryPicker(self.service.stories, row.title, row.alternatives, exclude=row.story_id, parent=self)
        picker.setModal(True)
        chosen = picker.chosen_id if picker.exec() else None
        picker.deleteLater()
        return chosen

    def new_story_from_current(self) -> str | None:
        """A draft story of the post, shown in the main window's editor; returns its id."""
        row = self.current_row()
        return None if row is None else self.decisions.new_story(row)

    def reopen_current(self) -> None:
        if (row := self.current_row()) is not None:
            self.decisions.reopen(row)

    def open_in_browser(self) -> None:
        row = self.current_row()
        if row is not None and row.link.lower().startswith(("http://", "https://")):
            QDesktopServices.openUrl(QUrl(row.link))

    def _show_story(self, story_id: str) -> None:
        if not show_in_main_window(self.shell, story_id):
            self.say("That story is hidden by the story list's search or filters; clear them to see it.")

    # ------------------------------------------------------------ sources and reading
    def _add_feed(self) -> None:
        self.tabs.setCurrentWidget(self.sources)
        self.sources.focus_address()

    def _on_sources(self, slot: Callable[[], object]) -> None:
        self.tabs.setCurrentWidget(self.sources)
        slot()

    def read_now(self) -> None:
        if self.poller.read_now(force=True):
            self.say("Reading the radar's sources…", 5000)

    def _read(self, _report: object, sentence: str, asked: bool) -> None:
        if asked and self.isVisible():
            self.say(sentence)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
        if self.tabs.currentIndex() == 0:
            self.table.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # Enter links, Delete dismisses

    # ------------------------------------------------------------ settings and closing
    def _restore_settings(self) -> None:
        geometry = self.settings.value("radar/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1000, 720)
        splitter = self.settings.value("radar/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([280, 400])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("radar/geometry", self.saveGeometry())
        self.settings.setValue("radar/splitter", self.splitter.saveState())
        event.accept()
