"""The sources the radar watches, as a table: each one's name, its state in words (read, waiting for the
network, refused and why, when it is tried next), when it was last read, and how many entries it gave."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle

from journal.radar.sources import MAIL_FOLDER, SourceRead
from journal.ui.widgets.table_model import FlatTableModel, Index

NAME, STATE, LAST_READ, ENTRIES, SAID = range(5)
SourceIdRole = Qt.ItemDataRole.UserRole + 1
_Icon = QStyle.StandardPixmap


def local_time(value: dt.datetime | None) -> str:
    """A moment as the person reads it: their own clock, the date left out when it is today."""
    if value is None:
        return ""
    local = value.astimezone()
    return f"{local:%H:%M}" if local.date() == dt.datetime.now().astimezone().date() else f"{local:%Y-%m-%d %H:%M}"


def source_state(source: SourceRead) -> tuple[str, _Icon | None]:
    """The state in a few words, and its icon."""
    later = f" · next try {local_time(source.retry_at)}" if source.retry_at else ""
    if source.state == "ok":
        return "Read", _Icon.SP_DialogApplyButton
    if source.state == "waiting":
        if not source.retry_at:
            return "Waiting for the network", _Icon.SP_BrowserReload
        return f"Waiting{later}", _Icon.SP_BrowserReload
    if source.state == "failed":
        return f"Refused{later}", _Icon.SP_MessageBoxWarning
    return "Not read yet", None


class SourceModel(FlatTableModel):
    headers = ("Source", "State", "Last read", "Entries", "What was said")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sources: list[SourceRead] = []

    def row_total(self) -> int:
        return len(self._sources)

    def set_sources(self, sources: list[SourceRead]) -> None:
        self.beginResetModel()
        self._sources = list(sources)
        self.endResetModel()

    def source(self, row: int) -> SourceRead | None:
        return self._sources[row] if 0 <= row < len(self._sources) else None

    def row_of(self, source_id: str) -> int | None:
        return next((number for number, source in enumerate(self._sources) if source.id == source_id), None)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        source = self.source(index.row()) if index.isValid() else None
        if source is None or not 0 <= index.column() < len(self.headers):
            return None
        column = index.column()
        if role == SourceIdRole:
            return source.id
        if role == Qt.ItemDataRole.DisplayRole:
            state = source_state(source)[0]
            read = local_time(source.fetched_at) or "never"
            return (source.name, state, read, f"{source.entries:,}", source.message)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = "A folder of saved alert e-mails" if source.kind == MAIL_FOLDER else "A feed"
            said = source.message or source_state(source)[0]
            return (f"{kind}: {source.address}", said, None, None, said)[column]
        if role == Qt.ItemDataRole.DecorationRole and column == STATE:
            icon = source_state(source)[1]
            style = QApplication.style()
            return style.standardIcon(icon) if icon is not None and style is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ENTRIES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
