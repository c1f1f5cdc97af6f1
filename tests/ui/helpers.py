"""What the window tests share: the launch fixture's type, waiting for background reads, a window's features."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

from journal.ui.shell.main_window import MainWindow

F = TypeVar("F", bound=QObject)


def feature(window: MainWindow, kind: type[F]) -> F:
    """The feature of this kind that app.py attached to the window (features are the window's children)."""
    found = window.findChild(kind)
    assert isinstance(found, kind), f"no {kind.__name__} on the window"
    return found
