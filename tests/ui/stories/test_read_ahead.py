"""A long list in the real window: what is read on the GUI thread while a person scrolls and starts a search."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.columns import PAGE_SIZE, TITLE
from tests.ui.helpers import Launch, long_journal, pages_read_on_gui_thread, settle

STORIES = PAGE_SIZE * 5 + 20


def _show(qtbot: QtBot, window: MainWindow, row: int) -> None:
    """Scroll to the row and paint, as a person scrolling sees it; then let the pages read meanwhile on the
    pool reach the GUI thread."""
    window.list_view.scrollTo(window.model.index(row, TITLE))
    window.list_view.viewport().repaint()
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(20)


def test_scrolling_down_shows_pages_read_ahead_off_the_gui_thread(qtbot: QtBot, launch: Launch, tmp_path: Path) -> None:
    window = launch(long_journal(tmp_path / "long.journal", STORIES))
    model = window.model
    qtbot.waitUntil(lambda: model.rowCount() == STORIES)
    with pages_read_on_gui_thread(window) as read:
        # The second page: read when shown, or ahead if the first page was itself read when shown (that depends
        # on how the first page arrived: with the start's query, or painted before it).
        _show(qtbot, window, PAGE_SIZE + 50)
        # Then page by page down to the last row: each page was read ahead while the one before it was shown.
        for row in (PAGE_SIZE * 2 + 50, PAGE_SIZE * 3 + 50, PAGE_SIZE * 4 + 50, STORIES - 1):
            read.clear()
            _show(qtbot, window, row)
            assert read == [], f"row {row} was read on the GUI thread, not ahead"
            assert model.index(row, TITLE).data() == f"Story {STORIES - 1 - row:04d}"  # newest first
        # After the pages are forgotten (stories added elsewhere), a page nobody read ahead is read when shown.
        _show(qtbot, window, PAGE_SIZE // 2)
        model.reload()
        read.clear()
        _show(qtbot, window, PAGE_SIZE * 3)
        assert read, "a page nobody read ahead is read when shown"
        assert model.index(PAGE_SIZE * 3, TITLE).data() == f"Story {STORIES - 1 - PAGE_SIZE * 3:04d}"


def test_a_search_typed_deep_in_the_list_reads_no_old_pages_and_starts_at_the_top(
    qtbot: QtBot, launch: Launch, tmp_path: Path
) -> None:
    count = PAGE_SIZE * 20
    window = launch(long_journal(tmp_path / "long.journal", count))
    view, model = window.list_view, window.model
    qtbot.waitUntil(lambda: model.rowCount() == count)
    _show(qtbot, window, count - 100)
    one_line = view.rowHeight(0)
    window.focus_search()
    with pages_read_on_gui_thread(window) as read:
        qtbot.keyClicks(window.list_panel.search_field, "refund")
        qtbot.waitUntil(lambda: model.query.text == "refund" and not model.searching)
        settle(window)
        view.viewport().repaint()
    # Before: the rows grew to two lines as the search was asked for, so the old rows still shown were laid out
    # again and those now under the scroll position (~60% up the list) were read, on the GUI thread, for nothing.
    assert read == []
    assert view.rowAt(0) == 0, "a search's results start at the best match"
    assert view.rowHeight(0) > one_line * 1.5, "a result shows its extract under its title"
    assert model.rowCount() == count
    qtbot.keyClick(window.list_panel.search_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: model.query.text == "" and not model.searching)
    assert view.rowHeight(0) == one_line
