"""The sidebar: saved searches and the tag library, through the real window, with undo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.store.database import open_journal
from journal.store.listing import StoryQuery
from journal.store.sample import fill_with_sample
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.sidebar import KeyRole, KindRole
from tests.ui.helpers import Launch, settle


def sample_window(launch: Launch, journal_path: Path) -> MainWindow:
    journal = open_journal(journal_path)
    fill_with_sample(journal)
    journal.close()
    return launch(journal_path)


def entries(window: MainWindow, kind: str) -> dict[str, str]:
    """key -> shown text of every sidebar entry of this kind."""
    settle(window)
    model = window.sidebar.model
    found = model.match(model.index(0, 0), KindRole, kind, -1, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    return {index.data(KeyRole): index.data() for index in found}


def click_entry(qtbot: QtBot, window: MainWindow, kind: str, key: str) -> None:
    settle(window)
    model = window.sidebar.model
    found = model.match(model.index(0, 0), KeyRole, key, -1, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    index = next(i for i in found if i.data(KindRole) == kind)
    window.sidebar.tree.scrollTo(index)
    rect = window.sidebar.tree.visualRect(index)
    qtbot.mouseClick(window.sidebar.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def answer_next_dialog(handle: Callable[[object], None]) -> None:
    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, run)
            return
        handle(dialog)

    QTimer.singleShot(0, run)


def titles(window: MainWindow) -> list[str]:
    settle(window)
    return [window.model.index(row, 0).data() for row in range(window.model.rowCount())]


def test_the_sidebar_model_is_sound(qtmodeltester: ModelTester, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    qtmodeltester.check(window.sidebar.model)


def test_tags_show_as_a_tree_with_counts_and_filter_the_list(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    assert entries(window, "all") == {"": "All stories (6)"}
    tag_entries = entries(window, "tag")
    assert tag_entries["industry"] == "industry"  # a parent that is not a tag itself
    assert tag_entries["industry/retail"] == "retail (2)"
    click_entry(qtbot, window, "tag", "industry/retail")
    assert sorted(t.split()[0] for t in titles(window)) == ["Sainsbury's", "Zappos"]
    assert window.list_panel.filters.tags.text() == "industry/retail"
    click_entry(qtbot, window, "all", "")
    assert len(titles(window)) == 6


def test_save_a_search_choose_rename_delete_and_undo(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    window.list_panel.search_field.setText("blog")
    window.list_panel.apply()
    found = len(titles(window))

    def name_it(dialog: object) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Blogged about")
        dialog.accept()

    answer_next_dialog(name_it)
    window.action(Act.SAVE_SEARCH).trigger()
    (search_id,) = entries(window, "saved")
    assert entries(window, "saved")[search_id] == f"Blogged about ({found})"
    window.list_panel.show_query(StoryQuery())
    assert len(titles(window)) == 6
    click_entry(qtbot, window, "saved", search_id)
    assert len(titles(window)) == found and window.list_panel.search_field.text() == "blog"

    window.sidebar.delete_current()
    assert entries(window, "saved") == {}
    window.action(Act.UNDO).trigger()
    assert list(entries(window, "saved").values()) == [f"Blogged about ({found})"]


def test_rename_merge_and_undo_tags_keeps_the_editor_in_step(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = sample_window(launch, journal_path)
    click_entry(qtbot, window, "tag", "industry/retail")
    settle(window)
    window.select_row(0)
    assert "industry/retail" in window.editor.tags.tags()
    assert window.sidebar.rename_tag("industry", "sector")
    assert "sector/retail" in entries(window, "tag")
    assert "industry/retail" not in entries(window, "tag")
    assert "sector/retail" in window.editor.tags.tags(), "the editor shows the new name, so autosave keeps it"
    window.action(Act.UNDO).trigger()
    assert "industry/retail" in entries(window, "tag") and "sector" not in entries(window, "tag")

    def merge_yes(dialog: object) -> None:
        assert isinstance(dialog, QMessageBox) and "already a tag" in dialog.text()
        dialog.button(QMessageBox.StandardButton.Yes).click()

    answer_next_dialog(merge_yes)
    assert window.sidebar.rename_tag("kids", "went-viral")
    assert "kids" not in entries(window, "tag")
    window.action(Act.UNDO).trigger()
    assert entries(window, "tag")["kids"].startswith("kids (")
    window.action(Act.REDO).trigger()
    assert "kids" not in entries(window, "tag")
