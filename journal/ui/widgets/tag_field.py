"""A comma-separated tag field whose completer offers existing tags for the word being typed.

Tags that do not exist yet are created when the story is saved, so typing a new name is enough.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from journal.store.fields import split_tags


class _LastTagCompleter(QCompleter):
    """Completes only the text after the last comma, and keeps the tags before it."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field)
        self._field = field
        self.setModel(QStringListModel(self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        chosen = str(index.data())
        typed = self._field.text()
        head = typed.rsplit(",", 1)[0] + ", " if "," in typed else ""
        return f"{head}{chosen}, "


class TagField(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Tags, separated by commas: beyond-policy, went-viral, industry/retail")
        self._completer = _LastTagCompleter(self)
        self.setCompleter(self._completer)

    def set_known_tags(self, names: Sequence[str]) -> None:
        model = self._completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(list(names))

    def tags(self) -> list[str]:
        return split_tags(self.text())

    def set_tags(self, names: Sequence[str]) -> None:
        self.setText(", ".join(names))
