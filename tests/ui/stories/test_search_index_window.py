"""The window's search with the derived index: one typo forgiven and said so, the index opened after the first
rows and kept up to date as stories are saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from journal.ui.shell.main_window import MainWindow
from tests.ui.helpers import Launch, sample_window, settle, titles


def search_for(qtbot: QtBot, window: MainWindow, text: str) -> None:
    field = window.list_panel.search_field
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(window)


def test_a_mistyped_word_shows_the_results_for_the_word_meant_and_says_so(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = sample_window(launch, journal_path)
    search_for(qtbot, window, "Zapos")
    found = titles(window)
    assert len(found) == 1 and "Zappos" in found[0]
    label = window.list_panel.corrected
    assert label.isVisible() and "Showing results for “zappos”" in label.text() and "“Zapos”" in label.text()
    search_for(qtbot, window, "Zappos")
    assert titles(window) == found
    assert not label.isVisible(), "the words as typed found it: nothing to say"
    search_for(qtbot, window, "Zapp")
    assert titles(window) == found and not label.isVisible(), "a prefix is no typo"
    search_for(qtbot, window, "Zapo")
    assert titles(window) == [] and not label.isVisible(), "a word under five letters is not guessed at"
    search_for(qtbot, window, "qqqqqqq")
    assert titles(window) == [] and not label.isVisible()
    assert "No story matches" in window.list_panel.no_results.text()


def test_the_index_opens_after_the_first_rows_and_follows_each_save(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = sample_window(launch, journal_path)
    journal = window.services.stories.journal
    qtbot.waitUntil(lambda: journal.search_index is not None, timeout=20_000)
    index = journal.search_index
    assert index is not None
    qtbot.waitUntil(lambda: index.behind() == 0, timeout=10_000)  # the fetcher may have written links meanwhile
    story_id = window.services.stories.create_story("A walrus at the front desk")
    qtbot.waitUntil(lambda: index.behind() == 0, timeout=10_000)
    search_for(qtbot, window, "walrus")
    assert titles(window) == ["A walrus at the front desk"]
    window.services.stories.save(story_id, {"title": "A seal at the front desk"})
    qtbot.waitUntil(lambda: index.behind() == 0, timeout=10_000)
    assert [story for story, _doc in index.search("seal", limit=10).stories] == [story_id]
    assert index.search("walrus", limit=10).total == 0
