"""Saving as you type, as both editors do (the story editor and the case-study editor).

Changes are written SAVE_DELAY_MS after the last one, and at once when the editor is asked (another story
is chosen, the window closes). When a write fails (disk full, an I/O error, the journal locked by another
program), what was typed stays in the fields, a red line says why, and saving is tried again after
RETRY_DELAY_MS, doubling up to MAX_RETRY_DELAY_MS, and after the next change.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from journal import APP_NAME
from journal.store.errors import JournalError, write_problem
from journal.ui.widgets.inline_message import InlineMessage

SAVE_DELAY_MS = 500
RETRY_DELAY_MS = 3000  # after a failed save: doubled each time, up to the maximum
MAX_RETRY_DELAY_MS = 60_000


class Autosave(QObject):
    """The timing and the failures of one editor's saving. `write()` saves the editor's changes and returns
    what to say ("Saved"); it raises what SQLAlchemy or the journal raise when nothing could be written."""

    state_changed = Signal(str)  # a short sentence for the status bar

    def __init__(self, write: Callable[[], str], parent: QObject) -> None:
        super().__init__(parent)
        self._write = write
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.flush)
        self._retry_ms = RETRY_DELAY_MS
        self.problem = InlineMessage()  # why the last save failed; the editor places it
        self.problem.setObjectName("saveProblem")

    @property
    def dirty(self) -> bool:
        return self._dirty

    def changed(self) -> None:
        """Something was typed: save after a pause."""
        self._dirty = True
        self._timer.start()
        self.state_changed.emit("Editing…")

    def forget(self) -> None:
        """Another story (or none) is shown: nothing of the old one is left to save."""
        self._dirty = False

    def flush(self) -> bool:
        """Save now. False if it could not be written (the text stays in the window, and saving is retried)."""
        self._timer.stop()
        self._retry.stop()
        if not self._dirty:
            return True
        try:
            said = self._write()
        except (sa.exc.DBAPIError, JournalError) as error:
            self._failed(error.orig if isinstance(error, sa.exc.DBAPIError) else error)
            return False
        self._dirty = False
        self._retry_ms = RETRY_DELAY_MS
        self.problem.clear()
        self.state_changed.emit(said)
        return True

    def _failed(self, reason: object) -> None:
        seconds = self._retry_ms // 1000
        self.problem.show_error(
            f"Not saved yet: {write_problem(reason)}. Your text is kept here; saving is tried again in "
            f"{seconds} s and after your next change."
        )
        self.state_changed.emit("Not saved yet; retrying")
        self._retry.start(self._retry_ms)
        self._retry_ms = min(self._retry_ms * 2, MAX_RETRY_DELAY_MS)


def may_close(parent: QWidget, saved: bool, unsaved: str) -> bool:
    """A window closes after its editor saved (`saved`); if that failed, ask whether to close anyway and lose
    the last changes (`unsaved` says which). True: close."""
    if saved:
        return True
    answer = QMessageBox.warning(
        parent,
        APP_NAME,
        f"{unsaved} Close anyway and lose them?",
        QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Close
