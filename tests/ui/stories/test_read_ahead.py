"""Scrolling a long list: the pages beside the one shown are read on a pool thread, not when they are shown."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from journal.store import stories
from journal.store.database import open_journal
from journal.store.stories import StoryCreate
from journal.ui.stories.columns import PAGE_SIZE, TITLE
from tests.ui.helpers import Launch

STORIES = PAGE_SIZE * 5 + 20


def _fill(path: Path) -> None:
    journal = open_journal(path, create=True)
    try:
        with journal.write() as session:
            for n in range(STORIES):
                day = dt.date(2000, 1, 1) + dt.timedelta(days=n)
                stories.create_story(StoryCreate(title=f"Story {n:04d}", occurred=day), session=session)
    finally:
        journal.close()


def test_scrolling_down_shows_pages_read_ahead_off_the_gui_thread(qtbot: QtBot, launch: Launch, tmp_path: Path) -> None:
    path = tmp_path / "long.journal"
    _fill(path)
    window = launch(path)
    view, model = window.list_view, window.model
    qtbot.waitUntil(lambda: model.rowCount() == STORIES)
    on_gui_thread: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if threading.current_thread() is threading.main_thread() and "FROM story" in statement:
            on_gui_thread.append(statement)

    engine = window.services.stories.journal.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:

        def show(row: int) -> None:
            view.scrollTo(model.index(row, TITLE))
            view.viewport().repaint()  # paint now, as a person scrolling sees it
            QThreadPool.globalInstance().waitForDone()  # the pages read meanwhile on the pool
            qtbot.wait(20)  # ... are handed back to the GUI thread

        # Page by page down to the last row: each page was read ahead while the one before it was shown.
        for row in (PAGE_SIZE + 50, PAGE_SIZE * 2 + 50, PAGE_SIZE * 3 + 50, PAGE_SIZE * 4 + 50, STORIES - 1):
            on_gui_thread.clear()
            show(row)
            assert on_gui_thread == [], f"row {row} was read on the GUI thread, not ahead"
            # what is shown is the journal's row there: newest first
            assert model.index(row, TITLE).data() == f"Story {STORIES - 1 - row:04d}"
        # A jump far away (the scroll bar dragged) reads that page when shown, as before.
        on_gui_thread.clear()
        show(PAGE_SIZE // 2)
        model.reload()  # stories added elsewhere: every page is read again
        show(PAGE_SIZE * 3)
        assert on_gui_thread, "a page nobody read ahead is read when shown"
        assert model.index(PAGE_SIZE * 3, TITLE).data() == f"Story {STORIES - 1 - PAGE_SIZE * 3:04d}"
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
