"""Undo for the radar's window: each decision about a suggestion (link, dismiss, another story, new story) is a
command on the window's QUndoStack. It is made before it is pushed (so a refusal is said and nothing is
pushed); undo takes it back (RadarService.reopen, or the story chosen before), redo makes it again."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from PySide6.QtGui import QUndoCommand

from journal.radar.errors import RadarError
from journal.store.errors import JournalError, write_problem
from journal.store.fields import FieldError

REFUSALS = (RadarError, JournalError, FieldError, sa.exc.DBAPIError)


def refusal(error: BaseException) -> str:
    """What to tell the person about a refused or failed write (one of REFUSALS)."""
    if isinstance(error, sa.exc.DBAPIError):
        return f"Not saved: {write_problem(error.orig)}."
    return str(error)


class DecisionCommand(QUndoCommand):
    def __init__(
        self, text: str, redo: Callable[[], object], undo: Callable[[], object], failed: Callable[[str], None]
    ) -> None:
        super().__init__(text)
        self._redo = redo
        self._undo = undo
        self._failed = failed
        self._made = True  # the first redo() (the push) does nothing: the decision is made already

    def redo(self) -> None:
        if self._made:
            self._made = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def _run(self, change: Callable[[], object], verb: str) -> None:
        try:
            change()
        except REFUSALS as error:  # decided otherwise meanwhile (the command line), or the journal is busy
            self.setObsolete(True)  # the stack drops it: trying again cannot work either
            self._failed(f"Could not {verb} “{self.text()}”: {refusal(error)}")
