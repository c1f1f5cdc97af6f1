"""The window when things go wrong: a full disk, a read-only file, a damaged or missing journal, restores."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from journal.app import JournalApp
from journal.store.backups import list_backups, make_backup
from journal.ui.safety.feature import SafetyFeature
from journal.ui.safety.restore_dialog import RestoreDialog
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.editor import StoryEditor
from tests.damage import digest, flip_bytes, make_journal, truncate, zero_header
from tests.ui.helpers import Launch, feature, settle


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(sql).fetchall()


def answer_next_dialog(handle: Callable[[Any], None]) -> None:
    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, run)
            return
        handle(dialog)

    QTimer.singleShot(0, run)


def click_button(text_start: str, seen: list[str]) -> Callable[[Any], None]:
    def handle(box: Any) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text().startswith(text_start))
        button.click()

    return handle


def paste(editor: StoryEditor, text: str) -> None:
    """Select all, then Ctrl+V: the text arrives in one piece, in place of what was there."""
    editor.situation.setFocus()
    editor.situation.selectAll()
    editor.situation.insertPlainText(text)


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 3 MB filesystem (tmpfs), where the journal runs out of space for real."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({done.stderr.decode().strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    return filler


def wait_for_the_failed_save(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.editor.save_problem.isVisible(), timeout=5000)
    message = window.editor.save_problem.text()
    assert message.startswith("Not saved yet: the disk is full"), message
    assert "Your text is kept here" in message
    assert window.editor.has_unsaved_changes()


def test_a_full_disk_keeps_the_edit_says_so_and_saves_when_there_is_room(
    qtbot: QtBot, launch: Launch, small_disk: Path
) -> None:
    path = small_disk / "full.journal"
    make_journal(path, 3)
    window = launch(path)
    settle(window)
    story_id = window.editor.story_id
    filler = fill(small_disk)
    text = "The whole refund story, pasted from an e-mail. " * 800
    try:
        paste(window.editor, text)
        wait_for_the_failed_save(qtbot, window)
        assert window.editor.situation.toPlainText() == text, "nothing typed is dropped"
        # Choosing another story does not drop the edit either: the editor stays on it.
        window.select_row(1)
        assert window.editor.story_id == story_id and window.editor.situation.toPlainText() == text
    finally:
        filler.unlink()  # room again: the next automatic retry saves
    qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=10_000)
    assert not window.editor.save_problem.isVisible()
    assert rows(path, f"SELECT situation FROM story WHERE id = '{story_id}'") == [(text,)]
    window.close()
    again = launch(path)
    again.select_story(story_id or "")
    assert again.editor.situation.toPlainText() == text


def test_a_database_size_limit_gives_a_real_sqlite_full_and_the_edit_waits(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    """Where no filesystem can be mounted: SQLite's own page limit returns SQLITE_FULL just the same."""
    make_journal(journal_path, 3)
    window = launch(journal_path)
    settle(window)
    story_id = window.editor.story_id
    engine = window.services.stories.journal.engine
    pages = rows(journal_path, "PRAGMA page_count")[0][0]

    def limit(connection: sqlite3.Connection, _record: object) -> None:
        connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", limit)
    engine.dispose()  # the pool's connections are made again, with the limit
    text = "A long outcome. " * 3000
    paste(window.editor, text)
    wait_for_the_failed_save(qtbot, window)
    qtbot.keyClicks(window.editor.title, "Edited ")  # the next change also tries again, and keeps it all
    wait_for_the_failed_save(qtbot, window)
    event.remove(engine, "connect", limit)
    engine.dispose()
    qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=15_000)
    assert rows(journal_path, f"SELECT title, situation FROM story WHERE id = '{story_id}'") == [
        (window.editor.title.text(), text)
    ]
    assert window.editor.title.text().startswith("Edited Story")


# ---------------------------------------------------------------- read-only


def test_a_read_only_journal_opens_read_only_with_a_banner(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    make_journal(journal_path, 4)
    journal_path.chmod(0o444)
    before = digest(journal_path)
    try:
        if os.access(journal_path, os.W_OK):
            pytest.skip("running as root: permissions do not stop writes")
        window = launch(journal_path)
    finally:
        journal_path.chmod(0o644)
    assert window.services.stories.journal.read_only
    banner = window.findChild(QFrame, "readOnlyBanner")
    assert banner is not None and banner.isVisible()
    assert "This journal is read-only" in banner.label.text()
    assert window.editor.title.isReadOnly() and not window.action(Act.NEW_STORY).isEnabled()
    assert digest(journal_path) == before


def test_a_read_only_folder_opens_read_only_with_a_banner_and_nothing_is_written(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    """As root (here), file permissions do not stop writes; a read-only filesystem does."""
    source = tmp_path / "source"
    source.mkdir()
    make_journal(source / "ro.journal", 4)
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(mount)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount read-only here ({done.stderr.decode().strip()})")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=False)
        before = digest(source / "ro.journal")
        app = JournalApp(settings)
        assert app.open(mount / "ro.journal")
        window = app.window
        assert window is not None
        qtbot.addWidget(window)
        settle(window)
        assert window.model.rowCount() == 4
        banner = window.findChild(QFrame, "readOnlyBanner")
        assert banner is not None and "This journal is read-only" in banner.label.text()
        assert window.editor.title.isReadOnly() and not window.action(Act.NEW_STORY).isEnabled()
        assert not window.action(Act.DELETE_STORY).isEnabled(), "not even after the list has loaded its stories"
        assert window.editor.situation.isReadOnly() and not window.editor.coverage.isEnabled()
        app.close()
        assert digest(source / "ro.journal") == before
        assert sorted(p.name for p in source.iterdir()) == ["ro.journal"]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# ---------------------------------------------------------------- damaged and missing journals


@pytest.mark.parametrize("damage", [truncate, zero_header, flip_bytes], ids=["truncated", "zeroed-header", "flipped"])
def test_a_damaged_journal_is_offered_its_newest_good_backup(
    qtbot: QtBot, settings: QSettings, journal_path: Path, damage: Callable[[Path], None]
) -> None:
    make_journal(journal_path, 300)
    make_backup(journal_path)
    damage(journal_path)
    damaged = digest(journal_path)
    seen: list[str] = []
    answer_next_dialog(click_button("Open the newest good backup", seen))
    app = JournalApp(settings)
    assert app.open(journal_path)
    window = app.window
    assert window is not None
    if damage is flip_bytes:  # the header is fine: a page of the list that cannot be read finds it, then the dialog
        settle(window)
        model = window.model
        for row in range(0, model.rowCount(), 10):  # the person scrolls down the list: every page is read
            if seen:
                break
            window.list_view.scrollTo(model.index(row, 0))
            qtbot.wait(5)
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        qtbot.waitUntil(lambda: app.window is not window, timeout=10_000)
        window = app.window  # the first window is replaced (and deleted): only this one is left to close
        assert window is not None
    qtbot.addWidget(window)
    assert seen and str(journal_path) in seen[0]
    assert "damaged" in seen[0] or "not a Story Journal" in seen[0]
    settle(window)
    assert window.model.rowCount() == 300
    kept = [p for p in journal_path.parent.iterdir() if p.name.startswith("test.before-restore-")]
    assert len(kept) == 1 and digest(kept[0]) == damaged, "the damaged file is kept beside, byte for byte"
    app.close()


def test_a_damaged_journal_without_backups_is_refused_untouched(
    qtbot: QtBot, settings: QSettings, journal_path: Path
) -> None:
    make_journal(journal_path, 50)
    truncate(journal_path)
    before = digest(journal_path)
    seen: list[str] = []

    def close(box: Any) -> None:
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Close).click()

    answer_next_dialog(close)
    app = JournalApp(settings)
    assert not app.open(journal_path)
    app.close()
    assert seen and "damaged" in seen[0]
    assert digest(journal_path) == before


def test_a_missing_journal_that_existed_is_not_replaced_by_an_empty_one(
    qtbot: QtBot, launch: Launch, settings: QSettings, journal_path: Path
) -> None:
    make_journal(journal_path, 2)
    window = launch(journal_path)  # remembered in the settings as opened before
    window.close()
    moved = journal_path.with_name("moved.journal")
    journal_path.rename(moved)
    seen: list[str] = []

    def close(box: Any) -> None:
        seen.append(box.text())
        assert "Start a new, empty journal" in [b.text() for b in box.buttons()], "offered, never done silently"
        box.button(QMessageBox.StandardButton.Close).click()

    answer_next_dialog(close)
    app = JournalApp(settings)
    assert not app.open(journal_path)
    app.close()
    assert seen and "is missing" in seen[0] and "moved your data folder" in seen[0]
    assert not journal_path.exists()


def test_a_missing_journal_with_backups_is_offered_the_newest(
    qtbot: QtBot, settings: QSettings, journal_path: Path
) -> None:
    make_journal(journal_path, 7)
    make_backup(journal_path)
    journal_path.unlink()
    seen: list[str] = []
    answer_next_dialog(click_button("Open the newest good backup", seen))
    app = JournalApp(settings)
    assert app.open(journal_path)
    assert app.window is not None
    qtbot.addWidget(app.window)
    settle(app.window)
    assert app.window.model.rowCount() == 7
    app.close()


# ---------------------------------------------------------------- backups from the window


def test_back_up_now_then_restore_from_the_dialog(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    make_journal(journal_path, 5)
    window = launch(journal_path)
    safety = feature(window, SafetyFeature)
    safety.backup_action.trigger()
    qtbot.waitUntil(lambda: len(list_backups(journal_path)) >= 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Backed up" in window.statusBar().currentMessage(), timeout=10_000)
    window.action(Act.NEW_STORY).trigger()
    qtbot.waitUntil(lambda: window.editor.story_id is not None)
    qtbot.keyClicks(window.editor.title, " after the backup")
    seen: list[int] = []

    def choose(dialog: Any) -> None:
        assert isinstance(dialog, RestoreDialog)
        seen.append(dialog.table.topLevelItemCount())
        assert dialog.table.topLevelItem(0).text(1) == "5"
        dialog.restore_button.click()

    answer_next_dialog(choose)
    app_window_before = window
    safety.restore_action.trigger()
    restored = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
    qtbot.addWidget(restored)
    assert restored is not app_window_before
    settle(restored)
    assert restored.model.rowCount() == 5
    assert "kept as test.before-restore-" in restored.statusBar().currentMessage()
    kept = next(p for p in journal_path.parent.iterdir() if p.name.startswith("test.before-restore-"))
    assert rows(kept, "SELECT count(*) FROM story WHERE title LIKE '%after the backup'") == [(1,)]


def test_the_first_start_of_a_day_makes_a_verified_backup(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    make_journal(journal_path, 3)
    window = launch(journal_path)
    qtbot.waitUntil(lambda: len(list_backups(journal_path)) == 1, timeout=10_000)
    assert list_backups(journal_path)[0].label == "daily" and list_backups(journal_path)[0].stories == 3
    window.close()
    again = launch(journal_path)
    qtbot.wait(2500)
    assert len(list_backups(journal_path)) == 1, "one a day"
    again.close()


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE story SET title = title")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def test_autosave_waits_for_another_process_writing(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    """The command line (or any process) holds the write lock for 3 s while the window saves: no error."""
    make_journal(journal_path, 2)
    window = launch(journal_path)
    settle(window)
    story_id = window.editor.story_id
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(journal_path), "3"], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        window.editor.outcome.setFocus()
        qtbot.keyClicks(window.editor.outcome, "Saved after the other writer")
        qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=20_000)
        assert holder.wait(timeout=30) == 0
    assert not window.editor.save_problem.isVisible()
    assert rows(journal_path, f"SELECT outcome FROM story WHERE id = '{story_id}'") == [
        ("Saved after the other writer",)
    ]


def test_check_the_journal_from_the_file_menu(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    make_journal(journal_path, 6)
    window = launch(journal_path)
    seen: list[str] = []

    def read(box: Any) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    answer_next_dialog(read)
    feature(window, SafetyFeature).check_action.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=15_000)
    assert "is sound: 6 stories" in seen[0]
