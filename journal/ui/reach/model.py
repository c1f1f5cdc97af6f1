"""The readings of one story as a table, newest first. Date, search and value are edited in place; the edit is
validated here and handed on as a change (the panel writes it, undoably)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal

from journal.store.fields import FieldError
from journal.store.readings import METRICS, ReadingRead, check, parse_day, parse_value
from journal.ui.widgets.table_model import FlatTableModel, Index

DATE, METRIC, ON, QUERY, VALUE, SOURCE = range(6)
EDITABLE_COLUMNS = (DATE, QUERY, VALUE)
ReadingIdRole = Qt.ItemDataRole.UserRole + 1


def day_of(moment: dt.datetime) -> str:
    return moment.astimezone().date().isoformat()


class ReadingsModel(FlatTableModel):
    headers = ("Date", "Reading", "On", "Search", "Value", "Source")

    reading_edited = Signal(str, dict)  # reading id, {field: new value}
    invalid_input = Signal(str)  # a sentence saying what to type instead

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._readings: list[ReadingRead] = []
        self._link_titles: dict[str, str] = {}

    def set_readings(self, readings: list[ReadingRead], link_titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._readings = list(readings)
        self._link_titles = dict(link_titles)
        self.endResetModel()

    def readings(self) -> list[ReadingRead]:
        return list(self._readings)

    def link_titles(self) -> dict[str, str]:
        return dict(self._link_titles)

    def reading(self, row: int) -> ReadingRead:
        return self._readings[row]

    def row_total(self) -> int:
        return len(self._readings)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        ranked = self._readings[index.row()].metric == "search_rank"
        if index.column() in EDITABLE_COLUMNS and (index.column() != QUERY or ranked):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _text(self, reading: ReadingRead, column: int) -> str:
        if column == DATE:
            return day_of(reading.taken_at)
        if column == METRIC:
            return METRICS.get(reading.metric, reading.metric)
        if column == ON:
            if reading.link_id is None:
                return "The story"
            return self._link_titles.get(reading.link_id, "A coverage link")
        if column == QUERY:
            return reading.query
        if column == VALUE:
            return f"{reading.value:,}"
        return "Fetched" if reading.source == "fetched" else "Typed"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._readings) or not 0 <= index.column() < 6:
            return None
        reading = self._readings[index.row()]
        if role == ReadingIdRole:
            return reading.id
        if role == Qt.ItemDataRole.EditRole:
            return str(reading.value) if index.column() == VALUE else self._text(reading, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(reading, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == ON and reading.link_id:
            return self._text(reading, ON)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in EDITABLE_COLUMNS:
            return False
        reading = self._readings[index.row()]
        text = str(value)
        try:
            if index.column() == DATE:
                if text.strip() == day_of(reading.taken_at):
                    return True
                changes: dict[str, Any] = {"taken_at": parse_day(text)}
            elif index.column() == VALUE:
                changes = {"value": parse_value(text, reading.metric)}
            else:
                changes = {"query": " ".join(text.split())}
            merged: dict[str, Any] = {
                "metric": reading.metric,
                "value": reading.value,
                "query": reading.query,
                "taken_at": reading.taken_at,
            } | changes
            check(**merged)
        except FieldError as error:
            self.invalid_input.emit(f"{self.headers[index.column()]}: {error}")
            return False
        if all(getattr(reading, name) == new for name, new in changes.items()):
            return True
        self.reading_edited.emit(reading.id, changes)
        return True
