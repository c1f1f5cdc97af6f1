"""The window fetches coverage pages in the background from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from journal.ui.coverage.feature import CoverageFeature
from journal.ui.coverage.model import STATE_COLUMN
from journal.ui.coverage.snapshot_dialog import SnapshotDialog
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from tests.coverage.pages import PageServer, closed_port_url, serve
from tests.ui.helpers import Launch, feature, new_story, saved, type_into

FETCHED_TITLE = "How the hotel saved our wedding"


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with serve() as server:
        yield server


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def cell(window: MainWindow, row: int, column: int) -> str:
    return str(window.editor.coverage.model.index(row, column).data() or "")


def no_message_box() -> bool:
    return not any(isinstance(widget, QMessageBox) and widget.isVisible() for widget in QApplication.topLevelWidgets())


def test_a_pasted_link_is_fetched_in_the_background_and_its_copy_can_be_read(
    qtbot: QtBot, launch: Launch, journal_path: Path, pages: PageServer
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    QGuiApplication.clipboard().setText(pages.url("/blog"))
    coverage.table.setFocus()
    qtbot.keyClick(coverage.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert coverage.model.rowCount() == 1 and cell(window, 0, 0) == pages.url("/blog")
    qtbot.waitUntil(lambda: cell(window, 0, 1) == FETCHED_TITLE, timeout=10_000)
    assert (cell(window, 0, 2), cell(window, 0, 3), cell(window, 0, 6)) == ("Jane's Travel Blog", "Jane Doe", "42")
    assert cell(window, 0, STATE_COLUMN) == "Fetched"
    assert rows(journal_path, "SELECT title, fetch_state, health FROM coverage_link") == [
        (FETCHED_TITLE, "fetched", "ok")
    ]

    coverage.table.selectRow(0)
    assert coverage.read_button.isEnabled()
    qtbot.mouseClick(coverage.read_button, Qt.MouseButton.LeftButton)
    dialog = coverage.findChild(SnapshotDialog)
    assert dialog is not None and dialog.isVisible()
    assert "ballroom" in dialog.text.toPlainText() and FETCHED_TITLE in dialog.heading.text()
    assert pages.url("/blog") in dialog.details.text()
    dialog.close()


def test_values_typed_in_the_table_while_the_page_loads_are_kept(
    qtbot: QtBot, launch: Launch, journal_path: Path, pages: PageServer
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    type_into(qtbot, coverage.url_input, pages.url("/slow-blog"))  # the page takes a second to come
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    table = coverage.table
    table.setFocus()
    table.setCurrentIndex(coverage.model.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit) and field is not table
    qtbot.keyClicks(field, "Typed while")
    # The page arrives while the cell is open: what is typed so far stays, and typing goes on.
    qtbot.waitUntil(
        lambda: rows(journal_path, "SELECT fetch_state FROM coverage_link") == [("fetched",)], timeout=10_000
    )
    qtbot.wait(100)
    assert QApplication.focusWidget() is field and field.text() == "Typed while"
    qtbot.keyClicks(field, " it loaded")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(window, 0, 3) == "Jane Doe")
    assert cell(window, 0, 1) == "Typed while it loaded"
    assert rows(journal_path, "SELECT title, author, typed_fields FROM coverage_link") == [
        ("Typed while it loaded", "Jane Doe", "title")
    ]
    saved(qtbot, window)
    story_id = window.editor.story_id
    window.close()
    again = launch(journal_path)
    again.select_story(str(story_id))
    qtbot.waitUntil(lambda: again.editor.coverage.model.rowCount() == 1)
    assert cell(again, 0, 1) == "Typed while it loaded" and cell(again, 0, 3) == "Jane Doe"


def test_offline_a_link_waits_quietly_and_is_fetched_when_the_network_is_back(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = launch(journal_path)
    feature(window, CoverageFeature).fetcher.retry_delays_ms = (300,)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    url = closed_port_url("/blog")
    type_into(qtbot, coverage.url_input, url)
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    waiting = feature(window, CoverageFeature).status.waiting
    qtbot.waitUntil(lambda: waiting.isVisible(), timeout=10_000)
    assert waiting.text() == "1 link waiting to be fetched (offline)"
    assert cell(window, 0, STATE_COLUMN) == "To fetch" and no_message_box()
    assert not coverage.message.isVisible(), "being offline is not an error of the person's"
    assert rows(journal_path, "SELECT fetch_state FROM coverage_link") == [("to_fetch",)]
    with serve(port=urlsplit(url).port or 0):  # the network is back
        qtbot.waitUntil(lambda: cell(window, 0, 1) == FETCHED_TITLE, timeout=10_000)
        qtbot.waitUntil(lambda: not waiting.isVisible())
    assert rows(journal_path, "SELECT fetch_state FROM coverage_link") == [("fetched",)]
    assert no_message_box()


def test_check_links_marks_a_dead_link_and_its_saved_copy_stays_readable(
    qtbot: QtBot, launch: Launch, journal_path: Path, pages: PageServer
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    for path in ("/blog", "/moved"):
        type_into(qtbot, coverage.url_input, pages.url(path))
        qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(window, 1, 1) == FETCHED_TITLE and cell(window, 0, 1) == FETCHED_TITLE, timeout=10_000)
    with sqlite3.connect(journal_path) as raw:  # the first page is taken down since
        raw.execute("UPDATE coverage_link SET url = ? WHERE url = ?", (pages.url("/gone"), pages.url("/blog")))
    window.select_story(str(window.editor.story_id))
    window.editor.load(window.editor.story_id)
    links = feature(window, CoverageFeature)
    with qtbot.waitSignal(links.fetcher.check_finished, timeout=10_000) as finished:
        links.check_action.trigger()
        assert links.status.progress.isVisible()
    assert finished.args == ["Checked 2 links: 0 OK, 1 moved, 1 dead."]
    assert window.statusBar().currentMessage() == "Checked 2 links: 0 OK, 1 moved, 1 dead."
    qtbot.waitUntil(lambda: cell(window, 0, STATE_COLUMN) == "Dead — saved copy")
    assert cell(window, 1, STATE_COLUMN) == "Moved"
    assert not links.status.progress.isVisible()
    coverage.table.selectRow(0)
    dialog = coverage.read_selected()
    assert dialog is not None
    assert "ballroom" in dialog.text.toPlainText() and "gone now" in dialog.details.text()
    dialog.close()


def test_undoing_a_removal_brings_back_the_link_with_its_saved_copy_and_readings(
    qtbot: QtBot, launch: Launch, journal_path: Path, pages: PageServer
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    type_into(qtbot, coverage.url_input, pages.url("/blog"))
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(window, 0, 1) == FETCHED_TITLE, timeout=10_000)
    before = rows(journal_path, "SELECT id, title, fetch_state, health, typed_fields FROM coverage_link")
    copy = rows(journal_path, "SELECT link_id, text FROM link_snapshot")
    assert len(copy) == 1 and rows(journal_path, "SELECT value FROM reading") == [(42,)]
    coverage.table.selectRow(0)
    qtbot.mouseClick(coverage.remove_button, Qt.MouseButton.LeftButton)
    assert rows(journal_path, "SELECT count(*) FROM link_snapshot") == [(0,)] and coverage.model.rowCount() == 0
    window.action(Act.UNDO).trigger()
    assert rows(journal_path, "SELECT id, title, fetch_state, health, typed_fields FROM coverage_link") == before
    assert rows(journal_path, "SELECT link_id, text FROM link_snapshot") == copy
    assert rows(journal_path, "SELECT value, source FROM reading") == [(42, "fetched")]
    assert cell(window, 0, 1) == FETCHED_TITLE and cell(window, 0, STATE_COLUMN) == "Fetched"


def test_a_link_check_can_be_cancelled_while_a_site_does_not_answer(
    qtbot: QtBot, launch: Launch, journal_path: Path, pages: PageServer
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    for path in ("/never", "/never?again", "/blog"):
        type_into(qtbot, coverage.url_input, pages.url(path))
        qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    links = feature(window, CoverageFeature)
    status = links.status
    links.check_action.trigger()
    assert status.cancel.isVisible() and status.progress.isVisible()
    qtbot.wait(300)
    with qtbot.waitSignal(links.fetcher.check_finished, timeout=5_000) as finished:
        qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
    assert str(finished.args[0]).startswith("Link check cancelled:")
    assert not status.cancel.isVisible() and not status.progress.isVisible() and no_message_box()
