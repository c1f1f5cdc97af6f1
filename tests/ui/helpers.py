"""What the window tests share: the launch fixture's type, waiting for background reads and saves, typing,
a window's features, a long journal and the pages the window reads on its GUI thread."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from journal.store import stories
from journal.store.database import open_journal
from journal.store.sample import fill_with_sample
from journal.store.stories import StoryCreate
from journal.ui.shell.main_window import MainWindow

Launch = Callable[[Path], MainWindow]  # the `launch` fixture: the real window on a journal file
F = TypeVar("F", bound=QObject)
SAVED_WITHIN_MS = 1000


def settle(window: MainWindow, timeout: float = 10.0) -> None:
    """Let a search that runs off the GUI thread deliver its rows (the window shows the old rows meanwhile)."""
    deadline = time.monotonic() + timeout
    while window.model.searching or window.sidebar.busy:
        assert time.monotonic() < deadline, "the search did not finish"
        QApplication.processEvents()
        time.sleep(0.002)


def saved(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=SAVED_WITHIN_MS + 500)


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def new_story(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.story_id is not None)


def feature(window: MainWindow, kind: type[F]) -> F:
    """The feature of this kind that app.py attached to the window (features are the window's children)."""
    found = window.findChild(kind)
    assert isinstance(found, kind), f"no {kind.__name__} on the window"
    return found


def sample_window(launch: Launch, journal_path: Path) -> MainWindow:
    """The real window on a journal filled with the sample stories."""
    journal = open_journal(journal_path)
    fill_with_sample(journal)
    journal.close()
    return launch(journal_path)


def titles(window: MainWindow) -> list[str]:
    """The titles the story list shows, once its search has delivered."""
    settle(window)
    return [window.model.index(row, 0).data() for row in range(window.model.rowCount())]


def long_journal(path: Path, count: int) -> Path:
    """A journal of `count` stories titled "Story 0000"…, one a day from 2000-01-01 (so newest first, row r
    shows "Story {count - 1 - r}"), each with "refund" in its situation."""
    journal = open_journal(path, create=True)
    try:
        with journal.write() as session:
            for n in range(count):
                day = dt.date(2000, 1, 1) + dt.timedelta(days=n)
                story = StoryCreate(title=f"Story {n:04d}", occurred=day, situation=f"A refund, case {n}.")
                stories.create_story(story, session=session)
    finally:
        journal.close()
    return path


@contextmanager
def pages_read_on_gui_thread(window: MainWindow) -> Iterator[list[str]]:
    """The story list's pages (LIMIT … OFFSET statements) the window reads on the GUI thread meanwhile."""
    read: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if threading.current_thread() is threading.main_thread() and "OFFSET" in statement:
            read.append(statement)

    engine = window.services.stories.journal.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield read
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
