"""The coverage links of one story as an editable table. Edits are validated here and written at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal

from journal.store.fields import (
    LINK_KIND_LABELS,
    FieldError,
    LinkKind,
    parse_comment_count,
    parse_date,
    parse_url,
)
from journal.store.stories import LinkRead
from journal.ui.coverage.link_state import link_state_data
from journal.ui.widgets.table_model import FlatTableModel, Index

# (field, header, parse typed text -> stored value)
COLUMNS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("url", "Link", parse_url),
    ("title", "Title", str.strip),
    ("outlet", "Outlet", str.strip),
    ("author", "Author", str.strip),
    ("published", "Published", parse_date),
    ("kind", "Kind", lambda text: LinkKind(text).value),
    ("comment_count", "Comments", parse_comment_count),
    ("notes", "Notes", str.strip),
)
KIND_COLUMN = next(i for i, column in enumerate(COLUMNS) if column[0] == "kind")
NOTES_COLUMN = next(i for i, column in enumerate(COLUMNS) if column[0] == "notes")
STATE_COLUMN = len(COLUMNS)  # read-only: fetched, to fetch, moved, dead (journal.ui.coverage.link_state)
LinkIdRole = Qt.ItemDataRole.UserRole + 1


class CoverageModel(FlatTableModel):
    headers = (*(header for _field, header, _parse in COLUMNS), "Status")

    link_edited = Signal(str, dict)  # link id, {field: new value}
    invalid_input = Signal(str)  # a sentence saying what to type instead

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._links: list[LinkRead] = []
        self._notes_withheld = ""  # why the links' notes cannot be seen or changed here (a team role), or ""

    def set_links(self, links: list[LinkRead]) -> None:
        if self._links and [link.id for link in links] == [link.id for link in self._links]:
            # The same links with new values (a fetch or check finished): update in place, so an open cell
            # editor keeps what the person is typing (a range change never rewrites an editor's text).
            self._links = list(links)
            last = self.index(len(links) - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._links = list(links)
        self.endResetModel()

    def withhold_notes(self, withheld: bool, why: str) -> None:
        """The links' notes were not sent to this laptop (journal/sync/views.py): read-only, saying why."""
        self._notes_withheld = why if withheld else ""
        if self._links:
            self.dataChanged.emit(self.index(0, NOTES_COLUMN), self.index(len(self._links) - 1, NOTES_COLUMN))

    def link(self, row: int) -> LinkRead:
        return self._links[row]

    def row_total(self) -> int:
        return len(self._links)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() == STATE_COLUMN or (index.column() == NOTES_COLUMN and self._notes_withheld):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._links):
            return None
        link = self._links[index.row()]
        if index.column() == STATE_COLUMN:
            return link_state_data(link, role)
        if not 0 <= index.column() < len(COLUMNS):
            return None
        field = COLUMNS[index.column()][0]
        value = getattr(link, field)
        if role == LinkIdRole:
            return link.id
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.DisplayRole:
            if field == "kind":
                return LINK_KIND_LABELS.get(LinkKind(value), value)
            return "" if value is None else str(value)
        if field == "url" and role == Qt.ItemDataRole.DecorationRole:  # the state at a glance, in view always
            return link_state_data(link, role)
        if field == "url" and role == Qt.ItemDataRole.ToolTipRole:
            return f"{value}\n{link_state_data(link, Qt.ItemDataRole.DisplayRole)}: {link_state_data(link, role)}"
        if role == Qt.ItemDataRole.ToolTipRole and field == "notes" and self._notes_withheld:
            return self._notes_withheld
        if role == Qt.ItemDataRole.ToolTipRole and field in ("title", "notes") and value:
            return str(value)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() >= len(COLUMNS):
            return False
        field, header, parse = COLUMNS[index.column()]
        try:
            parsed = parse(str(value))
        except (FieldError, ValueError) as error:
            self.invalid_input.emit(f"{header}: {error}")
            return False
        link = self._links[index.row()]
        if getattr(link, field) == parsed:
            return True
        self._links[index.row()] = link.model_copy(update={field: parsed})
        self.link_edited.emit(link.id, {field: parsed})
        self.dataChanged.emit(index, index)
        return True
