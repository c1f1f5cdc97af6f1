"""Saving as you type (journal.ui.widgets.autosave), in the case-study editor: a save that fails keeps the
text, says why under the title, and is tried again later, waiting longer each time, until it succeeds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import event

from tests.ui.case_studies.helpers import start
from tests.ui.helpers import Launch


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def test_a_failed_case_study_save_is_kept_explained_and_retried(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    _ids, window, studies = start(qtbot, launch, journal_path, "Going beyond")
    editor = studies.editor
    # SQLite's own page limit: the next write that needs more room fails with a real SQLITE_FULL.
    engine = window.services.stories.journal.engine
    pages = rows(journal_path, "PRAGMA page_count")[0][0]

    def limit(connection: sqlite3.Connection, _record: object) -> None:
        connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", limit)
    engine.dispose()
    text = "Why going beyond the returns policy pays. " * 2000
    editor.introduction.setPlainText(text)
    qtbot.waitUntil(editor.save_problem.isVisible, timeout=5000)
    assert editor.save_problem.text().startswith("Not saved yet: the disk is full"), editor.save_problem.text()
    assert "tried again in 3 s" in editor.save_problem.text()
    assert editor.has_unsaved_changes() and editor.introduction.toPlainText() == text
    qtbot.waitUntil(lambda: "tried again in 6 s" in editor.save_problem.text(), timeout=10_000)  # it waits longer

    event.remove(engine, "connect", limit)
    engine.dispose()
    qtbot.waitUntil(lambda: not editor.has_unsaved_changes(), timeout=15_000)
    assert not editor.save_problem.isVisible()
    assert rows(journal_path, "SELECT title, introduction FROM case_study") == [("Going beyond", text)]
