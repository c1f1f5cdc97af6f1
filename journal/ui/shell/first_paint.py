"""The window's first paint: the story list's first page, on screen before the rest of the app is loaded.

Importing SQLAlchemy, SQLModel and the window's thirty modules, opening the journal through them and building
the editor, the sidebar's counts and the features takes most of a second; a person should see their stories
first. So `start_window` shows the main window's frame at once (its saved size and splitter, the menu bar with
every action greyed out, the search field, and the list's first page read with plain sqlite3 in the list's
default order: newest first), then loads and builds the full window and puts it in the frame's place as soon
as its own list has its first page. Nothing here reads more than one page of rows, so it takes the same time
with a thousand stories or a million.

Only a journal that is already current is painted early (its schema at SCHEMA_HEAD, no migration due); any
other (new, old, damaged, not a journal) goes the ordinary way, through journal.app, which explains problems.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME, __version__
from journal.paths import settings_path
from journal.store.fields import status_label
from journal.store.revision import SCHEMA_HEAD
from journal.ui.shell.actions import ACTIONS, apply_spec
from journal.ui.shell.icon import APP_ID, app_icon
from journal.ui.shell.menus import build_menus
from journal.ui.shell.theme import THEME_ENV, apply_theme
from journal.ui.stories.columns import COLUMN_WIDTHS, COLUMNS, COVERAGE, PAGE_SIZE, TITLE

APPLICATION_ID = int.from_bytes(b"SJnl", "big")  # as journal.store.database writes it

# The list's default order (journal.store.listing, Sort.DATE descending) and a row's columns, in plain SQL.
FIRST_PAGE = f"""
    SELECT s.title, s.occurred, s.status,
        (SELECT count(*) FROM coverage_link c WHERE c.story_id = s.id),
        (SELECT group_concat(t.name, ', ') FROM story_tag st JOIN tag t ON t.id = st.tag_id WHERE st.story_id = s.id)
    FROM story s WHERE s.deleted_at IS NULL
    ORDER BY s.occurred DESC, s.created_at DESC, s.id DESC LIMIT {PAGE_SIZE}
"""


def first_page(path: Path) -> list[tuple[Any, ...]] | None:
    """The list's first page, or None when the journal is not one to paint early (missing, not current,
    not a journal, unreadable): journal.app then opens it the ordinary way and says what is wrong."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)) as db:
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return None
            if db.execute("SELECT version_num FROM alembic_version").fetchone() != (SCHEMA_HEAD,):
                return None
            rows = db.execute(FIRST_PAGE).fetchall()
    except sqlite3.Error:
        return None
    return [
        (title, occurred or "", status_label(status), coverage or "", _tags(tags))
        for (title, occurred, status, coverage, tags) in rows
    ]


def _tags(names: str | None) -> str:
    return ", ".join(sorted(names.split(", "), key=str.casefold)) if names else ""


class _Rows(QAbstractTableModel):
    def __init__(self, rows: list[tuple[Any, ...]], parent: QWidget) -> None:
        super().__init__(parent)
        self._rows = rows

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COVERAGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class FirstWindow(QMainWindow):
    """The main window's frame with the list's first page, all of it greyed out but the rows."""

    def __init__(self, title: str, rows: list[tuple[Any, ...]], settings: QSettings) -> None:
        super().__init__()
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setObjectName("mainWindow")
        actions = {name: apply_spec(QAction(self), spec, self) for name, spec in ACTIONS.items()}
        for action in actions.values():
            action.setEnabled(False)
        build_menus(self, self.menuBar(), actions)
        sidebar = QTreeWidget()
        sidebar.setHeaderHidden(True)
        for label in ("All stories", "Saved searches", "Tags"):
            QTreeWidgetItem(sidebar, [label])
        sidebar.setEnabled(False)
        search = QLineEdit()
        search.setPlaceholderText("Search stories, tags, people, coverage…")
        sort = QComboBox()
        sort.addItem("Best match")
        filters = QToolButton()
        filters.setText("Filters")
        for control in (search, sort, filters):
            control.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(search, 1)
        top.addWidget(sort)
        top.addWidget(filters)
        self.list_view = QTableView()
        self.list_view.setModel(_Rows(rows, self))
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setWordWrap(False)
        self.list_view.setShowGrid(False)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.verticalHeader().hide()
        self.list_view.verticalHeader().setDefaultSectionSize(self.list_view.fontMetrics().height() + 10)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.list_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for widget, stretch in ((sidebar, 0), (panel, 2), (QWidget(), 3)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage("Opening the journal…")
        self._restore(settings)

    def _restore(self, settings: QSettings) -> None:
        """The size and splitter the full window will restore (journal.ui.shell.main_window)."""
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1200, int(screen.width() * 0.9)), min(780, int(screen.height() * 0.9)))
        splitter = settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([170, 520, 460])


def set_up_application(argv: list[str]) -> QApplication:
    qapp = QApplication.instance() or QApplication(argv)
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName(APP_ID)  # resources/<APP_ID>.desktop: the task bar finds its name and icon
    qapp.setWindowIcon(app_icon())
    apply_theme(qapp, os.environ.get(THEME_ENV, ""))
    return qapp


def paint_first(path: Path, *, is_default: bool, argv: list[str]) -> FirstWindow | Literal[False] | None:
    """`journal` with no command, before journal.app is imported: the application, and the first paint when the
    journal is one to paint early. False when a window already has this journal open (it came to the front)."""
    from journal.instance import ask_running_window

    qapp = set_up_application(argv)
    if ask_running_window(path):
        return False
    rows = first_page(path.absolute())
    if not rows:
        return None
    settings = QSettings(str(settings_path()), QSettings.Format.IniFormat)
    first = FirstWindow("My journal" if is_default else path.stem, rows, settings)
    first.show()
    first.repaint()
    qapp.processEvents()
    return first
