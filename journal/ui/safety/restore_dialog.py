"""File ▸ Restore from backup…: the journal's backups with their date, story count and size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME
from journal.store.backups import BackupInfo

KIND_LABELS = {"daily": "Daily", "manual": "Made by hand", "before-restore": "Before a restore"}


def kind_label(label: str) -> str:
    if label.startswith("before-") and label not in KIND_LABELS:
        return f"Before upgrading to schema {label.removeprefix('before-')}"
    return KIND_LABELS.get(label, label)


def size_label(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1000))} kB"


class RestoreDialog(QDialog):
    def __init__(self, journal: Path, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Restore from backup — {APP_NAME}")
        self.setObjectName("restoreDialog")
        self._backups = backups
        intro = QLabel(
            "Choose the copy to go back to. The journal as it is now is kept beside it "
            f"(as {journal.stem}.before-restore-….journal); nothing is deleted."
            if backups
            else "There are no backups of this journal yet. File ▸ Back up now makes one; Story Journal also "
            "makes one on the first start of each day."
        )
        intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["Date", "Stories", "Size", "Kind"])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for info in backups:
            stories = "unreadable" if info.stories is None else str(info.stories)
            item = QTreeWidgetItem([info.local_time, stories, size_label(info.size), kind_label(info.label)])
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, str(info.path))
            self.table.addTopLevelItem(item)
        for column in range(3):
            self.table.resizeColumnToContents(column)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self.chosen() is not None and self.chosen_readable())
        )
        self.table.itemDoubleClicked.connect(self._double_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.resize(560, 360)
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)

    def _double_clicked(self, *_args: object) -> None:
        if self.restore_button.isEnabled():
            self.accept()

    def chosen(self) -> BackupInfo | None:
        items = self.table.selectedItems()
        return self._backups[self.table.indexOfTopLevelItem(items[0])] if items else None

    def chosen_readable(self) -> bool:
        chosen = self.chosen()
        return chosen is not None and chosen.stories is not None
