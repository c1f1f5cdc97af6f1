"""Long work (imports) on a pool thread with a progress signal delivered on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from journal.ui.background import Done, run_in_background


class Progress(QObject):
    """Created on the GUI thread; `step` emitted from the worker is queued to it."""

    step = Signal(int, int)  # done, total


def run_with_progress(
    owner: QObject, work: Callable[[Callable[[int, int], None]], Any], on_step: Callable[[int, int], None], done: Done
) -> Progress:
    progress = Progress(owner)
    progress.step.connect(on_step)
    run_in_background(owner, lambda: work(progress.step.emit), done)
    return progress
