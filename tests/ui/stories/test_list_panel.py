"""Searching and filtering in the real window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from journal.store.search import SNIPPET_START
from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.list_model import SnippetRole
from journal.ui.stories.snippet_delegate import extract_runs
from tests.ui.helpers import Launch, sample_window, titles


def test_ctrl_f_then_typing_narrows_the_list_as_you_type(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    everything = window.model.rowCount()
    qtbot.keyClick(window.list_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    field = window.list_panel.search_field
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, "floris")
    qtbot.waitUntil(lambda: window.model.rowCount() < everything)
    found = titles(window)
    assert any("Zappos" in title for title in found)
    assert not any("Southwest" in title for title in found)
    snippet = window.model.index(0, 0).data(SnippetRole)
    assert SNIPPET_START in snippet
    runs = extract_runs(snippet)
    assert any(matched and text.lower().startswith("florist") for text, matched in runs)
    assert SNIPPET_START not in "".join(text for text, _matched in runs)
    # The extract under the title is painted in the view's font, also after the font changes (the delegate
    # keeps its plain and bold faces per font): a bigger font draws the same extract wider.
    small = _extract_width(window, QFont(window.list_view.font().family(), 6))
    assert 0 < small < _extract_width(window, QFont(window.list_view.font().family(), 12))
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.model.rowCount() == everything)


def test_no_match_shows_a_message_not_the_first_run_page(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    window.focus_search()
    field = window.list_panel.search_field
    qtbot.keyClicks(field, 'ver1.1" NEAR( ')
    field.insert("😀 顧客 ")  # QTest cannot type characters outside the BMP; insert them as an input method would
    qtbot.keyClicks(field, "zzzzqqq")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    assert window.pages.currentWidget() is window.splitter, "not the empty-journal welcome"
    assert window.list_panel.results.currentWidget() is window.list_panel.no_results
    assert "No story matches" in window.list_panel.no_results.text()


def test_filters_combine_with_search_and_sort(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    panel = window.list_panel
    qtbot.mouseClick(panel.filter_button, Qt.MouseButton.LeftButton)
    assert panel.filters.isVisible()
    panel.filters.status.setCurrentIndex(panel.filters.status.findData("approved"))
    approved = titles(window)
    assert approved and all(window.model.index(r, 2).data() == "Approved" for r in range(len(approved)))
    assert panel.filter_button.text() == "Filters (1)"
    qtbot.keyClicks(panel.filters.tags, "industry/retail")
    qtbot.waitUntil(lambda: len(titles(window)) == 2)
    assert {t.split()[0] for t in titles(window)} == {"Zappos", "Sainsbury's"}
    panel.search_field.setText("flowers")
    panel.apply()
    assert [t.split()[0] for t in titles(window)] == ["Zappos"]
    panel.filters.date_from.setText("2008-01-01")
    assert titles(window) == []
    panel.filters.date_from.setText("not a date")
    assert "YYYY-MM-DD" in panel.filters.date_message.text()
    panel.filters.clear_button.click()
    panel.search_field.clear()
    panel.apply()
    assert panel.filter_button.text() == "Filters"
    panel.sort_combo.setCurrentText("Oldest first")
    assert titles(window)[0].startswith("Southwest")
    panel.sort_combo.setCurrentText("Title A–Z")
    assert titles(window) == sorted(titles(window), key=str.lower)


def test_typing_a_search_keeps_the_focus_in_the_search_field(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    window.focus_search()
    field = window.list_panel.search_field
    for letter in "courier":
        qtbot.keyClick(field, letter)
        qtbot.wait(150)  # longer than the search delay: every letter runs a search and reloads the list
        assert QApplication.focusWidget() is field
    assert field.text() == "courier"
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.list_view


def _extract_width(window: MainWindow, font: QFont) -> int:
    """How far right the first row's extract (the lower half of its cell) is painted, in a wide cell."""
    delegate = window.list_view.itemDelegateForColumn(0)
    index = window.model.index(0, 0)
    image = QImage(4000, 80, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    option = QStyleOptionViewItem()
    option.initFrom(window.list_view)
    option.font = font
    option.fontMetrics = QFontMetrics(font)
    option.rect = QRect(0, 0, 4000, 80)
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    dark = [x for x in range(4000) for y in range(44, 78) if QColor(image.pixel(x, y)).lightness() < 128]
    return max(dark, default=0)
