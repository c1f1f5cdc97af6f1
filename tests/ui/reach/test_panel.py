"""The editor's reach section, driven as a person would, then checked in the journal file and after a restart."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.store import readings, stories
from journal.store.database import Journal
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate
from journal.ui.reach.model import QUERY, VALUE, ReadingsModel
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from tests.ui.helpers import Launch, settle


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def a_story(journal: Journal) -> str:
    with journal.write() as session:
        story = stories.create_story(
            StoryCreate(title="Courier pickup and flowers", organization="Zappos", cost_cents=7500, currency="USD"),
            session=session,
        )
        stories.add_link(
            story.id,
            CoverageLinkBase(url="https://example.com/flowers", title="Flowers from Zappos", author="Seth Godin"),
            session=session,
        )
        return story.id


def open_story(qtbot: QtBot, window: MainWindow) -> None:
    settle(window)
    window.select_row(0)
    qtbot.waitUntil(lambda: window.editor.story_id is not None)


def add(
    qtbot: QtBot, window: MainWindow, metric: str, value: str, *, on: str = "The story", query: str = "", day: str = ""
) -> None:
    panel = window.editor.reach
    panel.metric_input.setCurrentIndex(panel.metric_input.findData(metric))
    panel.on_input.setCurrentIndex(panel.on_input.findText(on))
    for line, text in ((panel.date_input, day), (panel.query_input, query), (panel.value_input, value)):
        line.clear()
        if text:
            qtbot.keyClicks(line, text)
    qtbot.keyClick(panel.value_input, Qt.Key.Key_Return)


def test_type_readings_see_them_at_a_glance_restart_they_are_kept(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path
) -> None:
    story_id = a_story(journal)
    window = launch(journal_path)
    open_story(qtbot, window)
    panel = window.editor.reach
    assert panel.glance.text().startswith("No readings yet")
    assert panel.impact.text().startswith("Cost $75.00 · earned 1 piece of coverage, 0 comments")

    add(qtbot, window, "comments", "90", on="Flowers from Zappos", day="2026-01-05")
    add(qtbot, window, "comments", "143", on="Flowers from Zappos")
    add(qtbot, window, "search_rank", "4th", query="Zappos customer service", day="2026-02-01")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    assert panel.glance.text() == "143 comments · 4th for “Zappos customer service”"
    assert panel.impact.text() == (
        "Cost $75.00 · earned 1 piece of coverage, 143 comments, best rank 4 for “Zappos customer service”, "
        "authors: Seth Godin"
    )
    saved = rows(journal_path, "SELECT metric, value, query, link_id IS NOT NULL, source FROM reading ORDER BY value")
    assert saved == [
        ("search_rank", 4, "Zappos customer service", 0, "typed"),
        ("comments", 90, "", 1, "typed"),
        ("comments", 143, "", 1, "typed"),
    ]
    assert rows(journal_path, "SELECT date(taken_at) FROM reading WHERE value = 90") == [("2026-01-05",)]

    window.close()
    window = launch(journal_path)
    open_story(qtbot, window)
    panel = window.editor.reach
    assert window.editor.story_id == story_id
    assert panel.model.rowCount() == 3
    assert panel.glance.text() == "143 comments · 4th for “Zappos customer service”"


def test_bad_readings_are_explained_and_nothing_is_written(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path
) -> None:
    a_story(journal)
    window = launch(journal_path)
    open_story(qtbot, window)
    panel = window.editor.reach
    add(qtbot, window, "search_rank", "3")
    assert "needs the search" in panel.message.text() and panel.message.isVisible()
    add(qtbot, window, "comments", "lots")
    assert "not a whole number" in panel.message.text()
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    add(qtbot, window, "comments", "5", day=future)
    assert "future" in panel.message.text()
    add(qtbot, window, "comments", "5", day="5 May")
    assert "YYYY-MM-DD" in panel.message.text()
    assert rows(journal_path, "SELECT count(*) FROM reading") == [(0,)]
    assert panel.value_input.text() == "5", "what was typed stays to be corrected"


def test_edit_in_place_remove_and_undo(qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path) -> None:
    a_story(journal)
    window = launch(journal_path)
    open_story(qtbot, window)
    panel = window.editor.reach
    add(qtbot, window, "shares", "30")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)

    value = panel.model.index(0, VALUE)
    assert panel.model.setData(value, "1,200")  # what the table's editor does when a cell is typed in
    qtbot.waitUntil(lambda: rows(journal_path, "SELECT value FROM reading") == [(1200,)])
    assert not panel.model.setData(value, "-3")
    assert "Value" in panel.message.text()
    assert not panel.model.flags(panel.model.index(0, QUERY)) & Qt.ItemFlag.ItemIsEditable  # shares have no search

    panel.table.selectRow(0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert rows(journal_path, "SELECT count(*) FROM reading") == [(0,)]
    window.action(Act.UNDO).trigger()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert rows(journal_path, "SELECT value FROM reading") == [(1200,)]
    window.action(Act.UNDO).trigger()  # the edit
    qtbot.waitUntil(lambda: rows(journal_path, "SELECT value FROM reading") == [(30,)])
    window.action(Act.UNDO).trigger()  # the addition
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert rows(journal_path, "SELECT count(*) FROM reading") == [(0,)]


def test_readings_model_passes_the_model_tester(qtmodeltester: ModelTester, journal: Journal) -> None:
    story_id = a_story(journal)
    with journal.write() as session:
        readings.add_reading(story_id, metric="comments", value=5, session=session)
        readings.add_reading(story_id, metric="search_rank", value=2, query="flowers", session=session)
        history = readings.history(story_id, session=session)
    model = ReadingsModel()
    model.set_readings(history, {})
    qtmodeltester.check(model, force_py=True)
    assert {model.index(row, 1).data() for row in range(2)} == {"Comments", "Search rank"}


def test_the_impact_line_follows_the_cost_typed_above(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path
) -> None:
    a_story(journal)
    window = launch(journal_path)
    open_story(qtbot, window)
    editor = window.editor
    editor.cost.selectAll()
    editor.cost.setFocus()
    qtbot.keyClicks(editor.cost, "120.50")
    qtbot.waitUntil(lambda: editor.reach.impact.text().startswith("Cost $120.50 · earned 1 piece"), timeout=3000)
    assert rows(journal_path, "SELECT cost_cents FROM story") == [(12050,)]


def test_a_fetched_reading_shows_when_the_story_is_announced_updated(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path
) -> None:
    story_id = a_story(journal)
    window = launch(journal_path)
    open_story(qtbot, window)
    panel = window.editor.reach
    with window.services.stories.journal.write() as session:  # what fetching a link's page writes
        link_id = stories.get_story(story_id, session=session).links[0].id
        readings.add_reading(story_id, metric="comments", value=77, link_id=link_id, source="fetched", session=session)
    window.services.stories.story_written(story_id)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert [panel.model.index(0, column).data() for column in range(6)][1:] == [
        "Comments",
        "Flowers from Zappos",
        "",
        "77",
        "Fetched",
    ]
    assert panel.glance.text() == "77 comments"
