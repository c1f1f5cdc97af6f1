"""The story list: a table model that reads pages of rows from SQL as the view asks for them.

It never loads the whole journal: rowCount() is one COUNT query, data() fills a page of PAGE_SIZE rows
on first touch, and at most MAX_PAGES pages are kept. Sorting and filtering belong to the SQL.

A page read on first touch is read on the GUI thread (the view needs its rows now), which takes a few
milliseconds deep in a 100,000-story list. So once the person scrolls into pages not read yet, the pages on
either side of the one shown are read ahead on a pool thread: the next screenful is there before it is shown.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import QMimeData, QModelIndex, Qt, QTimer, Signal

from journal.store.fields import status_label
from journal.store.listing import ALL, StoryQuery, StoryRow
from journal.ui.services.background import run_in_background
from journal.ui.services.stories import FirstPage, StoryService
from journal.ui.stories.columns import COLUMNS, COVERAGE, DATE, PAGE_SIZE, STATUS, TAGS, TITLE
from journal.ui.stories.mime import STORY_IDS_MIME, story_ids_mime
from journal.ui.widgets.table_model import FlatTableModel, Index

FIRST_SNIPPETS = 20  # extracts read with a search's first page (a screen of two-line rows); the rest as rows are shown
MAX_PAGES = 50
StoryIdRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2  # the matched extract, marked with search.SNIPPET_START/END


class StoryListModel(FlatTableModel):
    headers = COLUMNS
    search_failed = Signal(str)
    query_applied = Signal()  # the rows of a new search or filter are in

    def __init__(self, service: StoryService, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._query = ALL  # what was asked for
        self._shown = ALL  # what the rows answer: the query, or it with a mistyped word corrected
        self.corrected: str | None = None  # the corrected words, while the rows are for them
        self._pending: StoryQuery | None = None
        self._asked_snippets: set[int] = set()  # full-text rows whose extract was asked for
        self._snippet_batch: set[int] = set()
        self._count = service.count(self._query)
        self._pages: OrderedDict[int, list[StoryRow]] = OrderedDict()
        self._generation = 0  # moves whenever the pages are forgotten: a page read ahead for older rows is dropped
        self._reading_ahead: set[int] = set()  # pages being read on a pool thread
        self._read_ahead: set[int] = set()  # pages read ahead and not shown yet
        service.stories_changed.connect(self.reload)
        service.story_updated.connect(self.refresh_story)

    # ------------------------------------------------------------ Qt model interface
    def row_total(self) -> int:
        return self._count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        row = self.story_row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == StoryIdRole:
            return row.id
        if role == SnippetRole:
            if not row.snippet and row.document is not None and row.document not in self._asked_snippets:
                self._want_snippet(row.document)
            return row.snippet
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (TITLE, TAGS):
            return row.title if column == TITLE else row.tags
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COVERAGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.title}, {row.status}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [STORY_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Stories dragged out of the list (into a case study) carry their ids."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        story_ids = [self.data(self.index(row, TITLE), StoryIdRole) for row in rows]
        return story_ids_mime([story_id for story_id in story_ids if story_id])

    @staticmethod
    def _display(row: StoryRow, column: int) -> Any:
        if column == TITLE:
            return row.title
        if column == DATE:
            return row.occurred.isoformat() if row.occurred else ""
        if column == TAGS:
            return row.tags
        if column == COVERAGE:
            return row.coverage or ""
        if column == STATUS:
            return status_label(row.status)
        return None

    # ------------------------------------------------------------ paging
    def story_row(self, row: int) -> StoryRow | None:
        page_number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            try:
                page = self._service.rows(page_number * PAGE_SIZE, PAGE_SIZE, self._shown, with_snippets=0)
            except sa.exc.DBAPIError as error:  # a damaged page: said once (the window offers a backup)
                page = []
                self.search_failed.emit(str(error.orig))
            self._keep(page_number, page)
            self._read_around(page_number)
        else:
            self._pages.move_to_end(page_number)
            if page_number in self._read_ahead:  # the person keeps scrolling that way
                self._read_ahead.discard(page_number)
                self._read_around(page_number)
        return page[offset] if offset < len(page) else None

    def _keep(self, page_number: int, page: list[StoryRow]) -> None:
        self._pages[page_number] = page
        while len(self._pages) > MAX_PAGES:
            self._read_ahead.discard(self._pages.popitem(last=False)[0])

    def _forget_pages(self) -> None:
        self._pages.clear()
        self._read_ahead.clear()
        self._drop_reads_in_flight()

    def _drop_reads_in_flight(self) -> None:
        """Pages being read ahead may hold rows older than what was just saved: they are not kept."""
        self._generation += 1
        self._reading_ahead.clear()

    def _read_around(self, page_number: int) -> None:
        """Read the pages before and after `page_number` on a pool thread, unless they are in or on their way."""
        for number in (page_number + 1, page_number - 1):
            wanted = number >= 0 and number * PAGE_SIZE < self._count
            if wanted and number not in self._pages and number not in self._reading_ahead:
                self._read_page_ahead(number)

    def _read_page_ahead(self, page_number: int) -> None:
        self._reading_ahead.add(page_number)
        generation, query, service = self._generation, self._shown, self._service

        def work() -> list[StoryRow]:
            return service.rows(page_number * PAGE_SIZE, PAGE_SIZE, query, with_snippets=0)

        def done(page: list[StoryRow] | None, error: BaseException | None) -> None:
            if generation != self._generation:
                return  # the rows changed meanwhile (a new search, stories added or removed)
            self._reading_ahead.discard(page_number)
            if error is None and page is not None and page_number not in self._pages:
                self._keep(page_number, page)
                self._read_ahead.add(page_number)
            # on an error nothing is kept: the page is read when shown, which says what went wrong

        run_in_background(self, work, done)

    def row_on_first_page(self, story_id: str) -> int | None:
        """The story's row if it is among the first PAGE_SIZE (the page the view shows first anyway)."""
        for offset in range(min(self._count, PAGE_SIZE)):
            row = self.story_row(offset)
            if row is not None and row.id == story_id:
                return offset
        return None

    def row_of(self, story_id: str) -> int | None:
        for page_number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == story_id:
                    return page_number * PAGE_SIZE + offset
        return self._service.row_of(story_id, self._shown)

    @property
    def query(self) -> StoryQuery:
        return self._query

    @property
    def searching(self) -> bool:
        """A query is running in the background; the rows shown are still the previous query's."""
        return self._pending is not None

    def set_query(self, query: StoryQuery) -> None:
        """Show the stories this search and these filters select, in its order.

        The count and the first page are read on a pool thread, so typing never waits for the journal;
        when a newer query has been asked for meanwhile, the older answer is dropped."""
        if query == (self._pending or self._query):
            return
        self._pending = query
        service = self._service

        def work() -> FirstPage:
            return service.first_page(query, PAGE_SIZE, FIRST_SNIPPETS)

        def done(result: FirstPage | None, error: BaseException | None) -> None:
            if query != self._pending:
                return  # a newer query is on its way
            self._pending = None
            if error is not None or result is None:
                self.search_failed.emit(str(error))
                return
            self.beginResetModel()
            self._query, self._shown, self.corrected = query, result.shown, result.corrected
            self._count = result.count
            self._forget_pages()
            self._pages[0] = result.rows
            self._asked_snippets.clear()
            self.endResetModel()
            self.query_applied.emit()

        run_in_background(self, work, done)

    def _want_snippet(self, document: int) -> None:
        """Collect the rows being painted, then read their extracts together on a pool thread."""
        self._asked_snippets.add(document)
        if not self._snippet_batch:
            QTimer.singleShot(0, self._fetch_snippets)
        self._snippet_batch.add(document)

    def _fetch_snippets(self) -> None:
        documents, self._snippet_batch = sorted(self._snippet_batch), set()
        query, service = self._shown, self._service

        def done(found: dict[int, str] | None, error: BaseException | None) -> None:
            if error is not None or not found or query != self._shown:
                return
            for page_number, page in self._pages.items():
                for offset, row in enumerate(page):
                    if row.document in found:
                        page[offset] = dataclasses.replace(row, snippet=found[row.document])
                        number = page_number * PAGE_SIZE + offset
                        self.dataChanged.emit(self.index(number, TITLE), self.index(number, TITLE), [SnippetRole])

        run_in_background(self, lambda: service.snippets(documents, query), done)

    def reload(self) -> None:
        """Stories were added or removed, or the query changed: count again and forget the cached pages."""
        self.beginResetModel()
        self._forget_pages()
        self._count = self._service.count(self._shown)
        self.endResetModel()

    def refresh_story(self, story_id: str) -> None:
        """One story changed: re-read its row in place (it moves to its sorted place on the next reload)."""
        self._drop_reads_in_flight()
        for page_number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == story_id:
                    # A story edited so that it no longer matches stays in place until the next reload:
                    # it must not vanish from under the person typing into it.
                    fresh = self._service.row(story_id, self._shown) or self._service.row(story_id)
                    if fresh is None:
                        self.reload()
                        return
                    page[offset] = fresh
                    number = page_number * PAGE_SIZE + offset
                    self.dataChanged.emit(self.index(number, 0), self.index(number, len(COLUMNS) - 1))
                    return
