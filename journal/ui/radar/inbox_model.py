"""The radar's inbox as a table: one row per suggestion (or per entry that matched no story), newest first:
the entry's title, its source, its date and the story it is suggested for. The rows are read on a pool thread
by the window (RadarService) and handed over whole; a decision takes its row out at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from journal.radar.inbox import Alternative, EntryRead, SuggestionRead
from journal.ui.widgets.table_model import FlatTableModel, Index

SUGGESTION, ENTRY = "suggestion", "entry"
TITLE, SOURCE, DATE, STORY = range(4)
RowIdRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class InboxRow:
    """What the inbox shows of a suggestion, or of an entry that matched no story (`kind` ENTRY)."""

    id: str  # the suggestion's id; an entry's id for ENTRY
    kind: str
    state: str  # new | linked | dismissed ("new" for an entry)
    title: str
    link: str
    source: str
    published: dt.datetime | None
    found_at: dt.datetime
    excerpt: str
    matched: tuple[str, ...] = ()
    explanation: str = ""
    story_id: str = ""
    story_title: str = ""
    comment_count: int | None = None
    alternatives: tuple[Alternative, ...] = ()
    decided_at: dt.datetime | None = None
    linked_story_id: str | None = None
    drafted: bool = False

    @classmethod
    def of_suggestion(cls, read: SuggestionRead) -> InboxRow:
        return cls(
            read.id,
            SUGGESTION,
            read.state,
            read.title,
            read.link,
            read.source,
            read.published,
            read.found_at,
            read.excerpt,
            tuple(read.matched),
            read.explanation,
            read.story_id,
            read.story_title,
            read.comment_count,
            tuple(read.alternatives),
            read.decided_at,
            read.linked_story_id,
            read.drafted,
        )

    @classmethod
    def of_entry(cls, read: EntryRead) -> InboxRow:
        return cls(
            read.id, ENTRY, "new", read.title, read.link, read.source, read.published, read.found_at, read.excerpt
        )

    @property
    def day(self) -> str:
        """The entry's date (when its feed gave none, the day it was found), as the journal writes dates."""
        return (self.published or self.found_at).date().isoformat()


class InboxModel(FlatTableModel):
    headers = ("Title", "Source", "Date", "Story")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[InboxRow] = []

    def row_total(self) -> int:
        return len(self._rows)

    def set_rows(self, rows: list[InboxRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def inbox_row(self, row: int) -> InboxRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: str) -> int | None:
        return next((number for number, row in enumerate(self._rows) if row.id == row_id), None)

    def take(self, row_id: str) -> int | None:
        """Take a decided row out at once (the next read of the inbox agrees); returns where it was."""
        number = self.row_of(row_id)
        if number is not None:
            self.beginRemoveRows(QModelIndex(), number, number)
            del self._rows[number]
            self.endRemoveRows()
        return number

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.inbox_row(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(self.headers):
            return None
        if role == RowIdRole:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, row.source, row.day, row.story_title if row.kind == SUGGESTION else "—")[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == DATE and row.published is None:
                return "The feed gave no date: the day the radar found it"
            if index.column() == TITLE:
                return f"{row.title}\n{row.link}"
            if index.column() == STORY and row.kind == SUGGESTION:
                return f"{row.story_title}\n{row.explanation}"
            return (None, row.source, None, "It matched none of your stories")[index.column()]
        return None
