"""Driving the real window as a person would, then checking the journal file itself."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from journal.app import JournalApp
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from tests.ui.helpers import Launch, new_story, saved, type_into


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def test_type_a_story_tag_it_link_it_close_reopen_find_it(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    assert window.pages.currentWidget() is window.empty_state
    assert window.empty_state.new_button.isVisible() and window.empty_state.sample_button.isVisible()
    intro = window.empty_state.intro
    assert intro.height() >= intro.heightForWidth(intro.width()), "the welcome text is shown whole"

    qtbot.mouseClick(window.empty_state.new_button, Qt.MouseButton.LeftButton)
    editor = window.editor
    assert window.pages.currentWidget() is window.splitter
    assert editor.title.hasFocus() and editor.title.selectedText() == "Untitled story"
    qtbot.keyClicks(editor.title, "Free courier pickup and flowers")  # replaces the selected placeholder
    type_into(qtbot, editor.organization, "Zappos")
    type_into(qtbot, editor.tags, "bereavement, went-viral")
    type_into(qtbot, editor.situation, "Her mother died before she could return the shoes.")
    type_into(qtbot, editor.policy, "Returns within 15 days.")
    type_into(qtbot, editor.action, "A courier collected them free; flowers were sent.")
    type_into(qtbot, editor.cost, "75")
    editor.currency.setCurrentText("USD")
    type_into(qtbot, editor.customer_contact, "zaz@example.com")

    coverage = editor.coverage
    type_into(qtbot, coverage.url_input, "ftp://example.com/nope")
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    assert coverage.message.isVisible() and "https://" in coverage.message.text()
    assert coverage.model.rowCount() == 0
    coverage.url_input.clear()
    type_into(qtbot, coverage.url_input, "https://example.com/i-heart-zappos")
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    assert not coverage.message.isVisible()
    assert coverage.model.rowCount() == 1

    saved(qtbot, window)
    assert rows(journal_path, "SELECT title, organization, cost_cents, currency, customer_contact FROM story") == [
        ("Free courier pickup and flowers", "Zappos", 7500, "USD", "zaz@example.com")
    ]
    assert sorted(rows(journal_path, "SELECT name FROM tag")) == [("bereavement",), ("went-viral",)]
    assert rows(journal_path, "SELECT url FROM coverage_link") == [("https://example.com/i-heart-zappos",)]
    assert window.model.index(0, 0).data() == "Free courier pickup and flowers"
    assert window.model.index(0, 3).data() == 1  # coverage count in the list

    window.close()
    again = launch(journal_path)
    assert again.pages.currentWidget() is again.splitter
    assert again.editor.title.text() == "Free courier pickup and flowers"
    assert again.editor.tags.tags() == ["bereavement", "went-viral"]
    assert again.editor.situation.toPlainText() == "Her mother died before she could return the shoes."
    assert again.editor.coverage.model.link(0).url == "https://example.com/i-heart-zappos"


def test_changes_are_saved_on_close_without_waiting(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    qtbot.keyClicks(window.editor.title, "Typed just before closing")
    assert window.editor.has_unsaved_changes()
    window.close()
    assert rows(journal_path, "SELECT title FROM story") == [("Typed just before closing",)]


def test_an_empty_title_is_refused_inline_and_the_rest_is_saved(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    editor = window.editor
    qtbot.keyClicks(editor.title, "A title")
    saved(qtbot, window)
    editor.title.selectAll()
    qtbot.keyClick(editor.title, Qt.Key.Key_Delete)
    type_into(qtbot, editor.outcome, "She blogged about it.")
    saved(qtbot, window)
    assert editor.title_message.isVisible() and "needs a title" in editor.title_message.text()
    assert rows(journal_path, "SELECT title, outcome FROM story") == [("A title", "She blogged about it.")]
    assert editor.outcome.toPlainText() == "She blogged about it."  # nothing typed was lost
    type_into(qtbot, editor.title, "A better title")
    saved(qtbot, window)
    assert not editor.title_message.isVisible()
    assert rows(journal_path, "SELECT title FROM story") == [("A better title",)]


def test_bad_values_are_refused_inline_under_their_field(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    editor = window.editor
    editor.occurred.clear()
    type_into(qtbot, editor.occurred, "14/07/2007")
    type_into(qtbot, editor.cost, "a lot")
    saved(qtbot, window)
    assert "YYYY-MM-DD" in editor.occurred_message.text() and editor.occurred_message.isVisible()
    assert "number" in editor.cost_message.text() and editor.cost_message.isVisible()
    assert editor.occurred.text() == "14/07/2007", "the typed text stays for the person to correct"
    assert "marked in red" in window.save_state.text()


def test_delete_a_story_and_undo_it(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    for title in ("First story", "Second story"):
        new_story(qtbot, window)
        qtbot.keyClicks(window.editor.title, title)
    window.editor.flush()
    window.list_view.setFocus()
    window.select_row(0)
    doomed = window.editor.story_id
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert window.model.rowCount() == 1
    assert rows(journal_path, "SELECT count(*) FROM story WHERE deleted_at IS NULL") == [(1,)]
    assert window.editor.story_id != doomed
    assert "Undo" in window.statusBar().currentMessage()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 2
    assert window.editor.story_id == doomed
    assert rows(journal_path, "SELECT count(*) FROM story WHERE deleted_at IS NULL") == [(2,)]
    # Delete the last story: the empty state comes back, and undo brings the story back from there too.
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert window.pages.currentWidget() is window.empty_state
    qtbot.keyClick(window.empty_state.new_button, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.splitter and window.model.rowCount() == 1


def test_deleted_stories_are_purged_on_the_next_start(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    window.delete_current_story()
    assert rows(journal_path, "SELECT count(*) FROM story") == [(1,)], "kept for undo"
    window.close()
    launch(journal_path)
    assert rows(journal_path, "SELECT count(*) FROM story") == [(0,)]


def test_removing_a_link_can_be_undone(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    type_into(qtbot, coverage.url_input, "https://example.com/post")
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    coverage.table.setFocus()
    coverage.table.selectRow(0)
    qtbot.keyClick(coverage.table, Qt.Key.Key_Delete)
    assert coverage.model.rowCount() == 0
    assert window.model.rowCount() == 1, "Delete in the coverage table removes the link, not the story"
    assert rows(journal_path, "SELECT count(*) FROM coverage_link") == [(0,)]
    window.action(Act.UNDO).trigger()
    assert coverage.model.rowCount() == 1
    assert rows(journal_path, "SELECT url FROM coverage_link") == [("https://example.com/post",)]


def test_window_size_splitter_and_last_story_are_restored(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    for title in ("Older", "Newer"):
        new_story(qtbot, window)
        qtbot.keyClicks(window.editor.title, title)
    # The offscreen screen is 800x600; the window's smallest size depends on the machine's fonts, so the size
    # asked for is never below it, and the restored size is compared with the size the window really had.
    window.resize(window.minimumSizeHint().expandedTo(QSize(720, 540)))
    window.splitter.setSizes([300, 600])
    window.select_row(1)
    chosen = window.editor.story_id
    sizes = window.splitter.sizes()
    size = window.size()
    assert size != window.sizeHint(), "the test needs a size the window would not take by itself"
    window.close()
    again = launch(journal_path)
    assert again.size() == size
    assert again.splitter.sizes() == sizes
    assert again.editor.story_id == chosen


def test_the_whole_form_is_reachable_with_tab(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    window.list_view.setFocus()
    visited: list[str] = []
    for _ in range(40):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        name = QApplication.focusWidget().accessibleName() if QApplication.focusWidget() else ""
        if name and name not in visited:
            visited.append(name)
    expected = [
        "Title",
        "When it happened",
        "Organisation",
        "Employees",
        "Channel",
        "Status",
        "Tags",
        "Situation",
        "Policy",
        "What was done",
        "Cost",
        "Currency",
        "Outcome",
        "Customer name",
        "Customer contact",
        "Consent to publish",
        "Internal notes",
        "New coverage link",
    ]
    assert [name for name in visited if name in expected] == expected


def test_the_sample_journal_opens_from_the_empty_state(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    app_windows_before = set(QApplication.topLevelWidgets())
    qtbot.mouseClick(window.empty_state.sample_button, Qt.MouseButton.LeftButton)
    sample = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible() and w not in app_windows_before
    )
    qtbot.addWidget(sample)
    assert sample.model.rowCount() >= 5
    titles = [sample.model.index(row, 0).data() for row in range(sample.model.rowCount())]
    assert any("Zappos" in title for title in titles) and any("Southwest" in title for title in titles)
    assert "Sample journal" in sample.windowTitle()
    assert rows(journal_path, "SELECT count(*) FROM story") == [(0,)], "the user's own journal is untouched"


def test_a_file_that_is_not_a_journal_gets_a_dialog_and_is_left_alone(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("groceries\n")
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Close).click()

    QTimer.singleShot(0, answer)
    app = JournalApp(settings)
    assert not app.open(notes)
    app.close()
    assert seen and "is not a Story Journal file" in seen[0] and str(notes) in seen[0]
    assert app.window is None
    assert notes.read_text() == "groceries\n"


def test_undoing_a_new_story_while_typing_then_redoing_keeps_what_was_typed(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    qtbot.keyClicks(window.editor.title, "Typed, not yet saved")
    window.action(Act.UNDO).trigger()
    assert window.pages.currentWidget() is window.empty_state
    assert rows(journal_path, "SELECT count(*) FROM story WHERE deleted_at IS NULL") == [(0,)]
    window.action(Act.REDO).trigger()
    assert window.editor.title.text() == "Typed, not yet saved"
    assert rows(journal_path, "SELECT title FROM story WHERE deleted_at IS NULL") == [("Typed, not yet saved",)]


def test_the_command_line_can_add_while_the_window_is_open(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    qtbot.keyClicks(window.editor.title, "From the window")
    saved(qtbot, window)
    added = subprocess.run(
        [sys.executable, "-m", "journal", "--journal", str(journal_path), "add", "--title", "From the terminal"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    qtbot.keyClicks(window.editor.title, ", edited after")
    saved(qtbot, window)
    assert sorted(rows(journal_path, "SELECT title FROM story")) == [
        ("From the terminal",),
        ("From the window, edited after",),
    ]


def test_coverage_cells_are_edited_in_place_and_bad_values_refused(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    coverage = window.editor.coverage
    type_into(qtbot, coverage.url_input, "https://example.com/post")
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)
    table = coverage.table

    def edit_cell(column: int, text: str) -> None:
        table.setFocus()
        table.setCurrentIndex(coverage.model.index(0, column))
        qtbot.keyClick(table, Qt.Key.Key_F2)
        field = QApplication.focusWidget()
        assert isinstance(field, QLineEdit) and field is not table
        field.selectAll()
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is table)  # the delegate commits on a queued call

    edit_cell(1, "I heart Zappos")
    edit_cell(6, "120")
    edit_cell(0, "javascript:alert(1)")
    assert coverage.message.isVisible() and "https://" in coverage.message.text()
    assert rows(journal_path, "SELECT url, title, comment_count FROM coverage_link") == [
        ("https://example.com/post", "I heart Zappos", 120)
    ]


def test_the_tag_field_completes_existing_tags_and_organisations(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = launch(journal_path)
    new_story(qtbot, window)
    type_into(qtbot, window.editor.tags, "went-viral")
    type_into(qtbot, window.editor.organization, "Zappos")
    window.editor.flush()
    new_story(qtbot, window)
    tags = window.editor.tags
    type_into(qtbot, tags, "kids, vir")
    completer = tags.completer()
    assert completer.completionCount() == 1 and completer.currentIndex().data() == "went-viral"
    assert completer.currentCompletion() == "kids, went-viral, ", "choosing it keeps the tags typed before"
    organization = window.editor.organization
    type_into(qtbot, organization, "Zap")
    assert organization.completer().currentCompletion() == "Zappos"
