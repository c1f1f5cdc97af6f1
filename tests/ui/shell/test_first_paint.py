"""The window's first paint: the list's first page read with plain sqlite3, then the full window in its place."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from journal.app import JournalApp
from journal.store import listing, migrate, stories
from journal.store.database import APPLICATION_ID, Journal, _make_engine
from journal.store.stories import StoryCreate
from journal.ui.shell.first_paint import FirstWindow, first_page
from journal.ui.stories.columns import PAGE_SIZE


def fill(journal: Journal, count: int) -> None:
    with journal.write() as session:
        for number in range(count):
            stories.create_story(
                StoryCreate(
                    title=f"Story {number:04d}",
                    occurred=dt.date(2000, 1, 1) + dt.timedelta(days=number % 40) if number % 7 else None,
                    status=("draft", "ready", "approved")[number % 3],
                    tags=[f"tag-{number % 5}", "Zeta"] if number % 2 else [],
                ),
                session=session,
            )


def test_the_first_page_is_the_lists_first_page(journal: Journal) -> None:
    fill(journal, PAGE_SIZE + 50)
    rows = first_page(journal.path)
    assert rows is not None and len(rows) == PAGE_SIZE
    with journal.session() as session:
        expected = listing.list_rows(session=session, limit=PAGE_SIZE)
    assert [row[0] for row in rows] == [row.title for row in expected]
    assert [row[4] for row in rows] == [row.tags for row in expected]
    assert [row[1] for row in rows] == [row.occurred.isoformat() if row.occurred else "" for row in expected]


def test_only_a_current_journal_is_painted_early(tmp_path: Path) -> None:
    assert first_page(tmp_path / "missing.journal") is None
    text = tmp_path / "notes.journal"
    text.write_text("not a database")
    assert first_page(text) is None
    other = tmp_path / "other.journal"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    assert first_page(other) is None
    old = tmp_path / "old.journal"
    sqlite3.connect(old).close()
    engine = _make_engine(old, read_only=False)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate.upgrade(connection, "0005")
    engine.dispose()
    assert first_page(old) is None, "a journal due a migration opens the ordinary way (backup first)"


def test_the_full_window_takes_the_first_paints_place(
    qtbot: QtBot, journal: Journal, settings: QSettings, journal_path: Path
) -> None:
    fill(journal, 30)
    rows = first_page(journal_path)
    assert rows is not None
    first = FirstWindow("Test", rows, settings)
    qtbot.addWidget(first)
    first.move(40, 30)
    first.resize(700, 500)  # within the offscreen screen (800 x 600)
    first.show()
    assert first.list_view.model().rowCount() == 30
    assert first.list_view.model().index(0, 0).data() == rows[0][0]
    app = JournalApp(settings, first=first)
    try:
        assert app.open(journal_path)
        assert app.window is not None
        qtbot.addWidget(app.window)
        qtbot.waitUntil(lambda: not first.isVisible())
        assert app.window.isVisible() and app.window.size() == first.size()
        assert app.window.model.index(0, 0).data() == rows[0][0]
    finally:
        app.close()
