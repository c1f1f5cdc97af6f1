"""When a journal cannot be used (damaged, truncated, not a journal, missing): say what is wrong and offer
the newest good backup. Nothing is ever deleted or overwritten: a restore keeps the file beside it."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from journal import APP_NAME
from journal.store.backups import BackupInfo


class Choice(Enum):
    RESTORE = "restore"
    OTHER = "other"
    NEW = "new"
    CLOSE = "close"


def ask_recovery(
    parent: QWidget | None,
    problem: str,
    backup: BackupInfo | None,
    *,
    offer_new: bool = False,
    window_open: bool = False,
) -> Choice:
    """The dialog; returns what the person chose."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"The journal needs attention — {APP_NAME}", problem, parent=parent)
    box.setObjectName("recoveryDialog")
    buttons: dict[object, Choice] = {}
    if backup is not None:
        button = box.addButton(f"Open the newest good backup ({backup.describe()})", QMessageBox.ButtonRole.AcceptRole)
        buttons[button] = Choice.RESTORE
        box.setDefaultButton(button)
        box.setInformativeText(
            "The file as it is now is kept beside the restored journal (named …before-restore…); nothing is deleted."
        )
    else:
        box.setInformativeText("There is no good backup of this journal.")
    buttons[box.addButton("Open another journal…", QMessageBox.ButtonRole.ActionRole)] = Choice.OTHER
    if offer_new:
        buttons[box.addButton("Start a new, empty journal", QMessageBox.ButtonRole.ActionRole)] = Choice.NEW
    box.addButton(QMessageBox.StandardButton.Cancel if window_open else QMessageBox.StandardButton.Close)
    box.exec()
    return buttons.get(box.clickedButton(), Choice.CLOSE)
