"""Long work (imports) on a pool thread with a progress signal delivered on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from journal.ui.services.background import Done, run_in_background


class Progress(QObject):
    """Created on the GUI thread; `step` emitted from the worker is queued to it."""

    step = Signal(int, int)  # done, total


def run_with_progress(
    owner: QObject, work: Callable[[Callable[[int, int], None]], Any], on_step: Callable[[int, int], None], done: Done
) -> Progress:
    progress = Progress(owner)
    progress.step.connect(on_step)

    def report(count: int, total: int) -> None:
        # About two hundred updates in all: a signal per row of a 100,000-row import would flood the GUI.
        if count == total or count % max(1, total // 200) == 0:
            progress.step.emit(count, total)

    run_in_background(owner, lambda: work(report), done)
    return progress
