"""The left side of the window: search field, sort order, filters and the story list.

Typing searches as you go (a short pause after the last key, so a fast typist does not run a query per
letter); every other control applies at once. The panel only builds a StoryQuery; the model asks SQL.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.store.listing import SORT_ORDERS, StoryQuery
from journal.store.search import match_expression
from journal.ui.stories.columns import COLUMN_WIDTHS, TITLE
from journal.ui.stories.filter_panel import FilterPanel
from journal.ui.stories.list_model import StoryListModel
from journal.ui.stories.snippet_delegate import SnippetDelegate

SEARCH_DELAY_MS = 120
SORTS = tuple(SORT_ORDERS.values())


class _SearchField(QLineEdit):
    """Escape clears the search; Down moves into the results."""

    leave_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if event.key() == Qt.Key.Key_Down:
            self.leave_down.emit()
            return
        super().keyPressEvent(event)


class StoryListPanel(QWidget):
    def __init__(self, model: StoryListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search_field = _SearchField()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search stories, tags, people, coverage…")
        self.search_field.setAccessibleName("Search")
        self.search_field.setClearButtonEnabled(True)
        self.sort_combo = QComboBox()
        self.sort_combo.setAccessibleName("Sort order")
        for label, _sort, _descending in SORTS:
            self.sort_combo.addItem(label)
        self.filter_button = QToolButton()
        self.filter_button.setText("Filters")
        self.filter_button.setCheckable(True)
        self.filter_button.setAccessibleName("Show filters")
        self.filters = FilterPanel()
        self.filters.setVisible(False)
        self.list_view = self._build_list()
        self.no_results = QLabel()
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results.setWordWrap(True)
        self.no_results.setEnabled(False)
        self.corrected = QLabel()  # "Showing results for “zappos”": the words as typed found nothing
        self.corrected.setObjectName("correctedSearch")
        self.corrected.setWordWrap(True)
        self.corrected.setVisible(False)
        self.results = QStackedWidget()
        self.results.addWidget(self.list_view)
        self.results.addWidget(self.no_results)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)

        top = QHBoxLayout()
        top.addWidget(self.search_field, 1)
        top.addWidget(self.sort_combo)
        top.addWidget(self.filter_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.corrected)
        layout.addWidget(self.results, 1)

        self.search_field.textChanged.connect(lambda _text: self._timer.start())
        self.search_field.returnPressed.connect(self.apply)
        self.search_field.leave_down.connect(self.list_view.setFocus)
        self._timer.timeout.connect(self.apply)
        self.sort_combo.currentIndexChanged.connect(self.apply)
        self.filters.changed.connect(self.apply)
        self.filter_button.toggled.connect(self.filters.setVisible)
        self.model.modelReset.connect(self._update_results)
        self.model.query_applied.connect(self._show_new_rows)
        self._fit_rows()
        self.apply()

    def _build_list(self) -> QTableView:
        view = QTableView()
        view.setObjectName("storyList")
        view.setAccessibleName("Stories")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setTabKeyNavigation(False)
        view.setDragEnabled(True)  # stories are dragged into case studies (copied, never moved out)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setItemDelegateForColumn(TITLE, SnippetDelegate(view))
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never ResizeToContents on big views
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)  # the title takes what is left
        header.setHighlightSections(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        return view

    def query(self) -> StoryQuery:
        _label, sort, descending = SORTS[max(0, self.sort_combo.currentIndex())]
        return self.filters.apply_to(StoryQuery(text=self.search_field.text(), sort=sort, descending=descending))

    def apply(self) -> None:
        """Show what the controls ask for now."""
        self._timer.stop()
        query = self.query()
        count = self.filters.active_count()
        self.filter_button.setText(f"Filters ({count})" if count else "Filters")
        self.model.set_query(query)

    def _fit_rows(self) -> None:
        """Two lines a row for a search's results (the title, and the extract under it), one otherwise."""
        line = self.list_view.fontMetrics().height()
        searching = match_expression(self.model.query.text) is not None
        self.list_view.verticalHeader().setDefaultSectionSize(2 * line + 12 if searching else line + 10)

    def _show_new_rows(self) -> None:
        """The rows of a new search or filter are in: their height, and the list starts at its best match. (Not
        when the search is asked for: the old rows, still shown, would be re-laid out at another height, and
        the rows now under the scroll position, read for nothing, deep in the list.)"""
        self._fit_rows()
        self.list_view.scrollToTop()

    def show_query(self, query: StoryQuery) -> None:
        """Set every control from a (saved) query and apply it."""
        self.search_field.blockSignals(True)
        self.search_field.setText(query.text)
        self.search_field.blockSignals(False)
        for number, (_label, sort, descending) in enumerate(SORTS):
            if (sort, descending) == (query.sort, query.descending):
                self.sort_combo.blockSignals(True)
                self.sort_combo.setCurrentIndex(number)
                self.sort_combo.blockSignals(False)
        self.filters.show_query(dataclasses.replace(query))
        if self.filters.active_count():
            self.filter_button.setChecked(True)
        self.apply()

    def _update_results(self) -> None:
        corrected = self.model.corrected
        if corrected:
            typed = self.model.query.text.strip()
            self.corrected.setText(f"Showing results for “{corrected}”: nothing matches “{typed}”.")
        self.corrected.setVisible(bool(corrected))
        empty = self.model.rowCount() == 0 and self.model.query.is_filtered()
        if empty:
            what = f"“{self.model.query.text.strip()}”" if self.model.query.text.strip() else "these filters"
            self.no_results.setText(f"No story matches {what}.\nTry fewer words, or clear the filters.")
        self.results.setCurrentWidget(self.no_results if empty else self.list_view)
