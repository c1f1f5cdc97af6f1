"""The hostile-input corpus through the window's import dialogs (File ▸ Import spreadsheet…, Import bundle…):
each input is refused in plain words with the journal unchanged (no Import button to press), or the
Import button imports exactly the stories it should; the encoding and the row problems are shown."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from journal.store import stories
from journal.store.database import open_journal
from journal.ui.bundles.csv_dialog import CsvImportDialog
from journal.ui.bundles.dialogs import ImportBundleDialog
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from tests.bundles.helpers import file_hash
from tests.hostile import corpus
from tests.ui.helpers import Launch, settle


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the dialogs' warning boxes say (a modal box would wait for a click)."""
    said: list[str] = []
    monkeypatch.setattr("journal.ui.bundles.dialogs.QMessageBox.warning", lambda _p, _t, text: said.append(text))
    return said


def seeded(journal_path: Path) -> Path:
    journal = open_journal(journal_path)
    with journal.write() as session:
        stories.create_story(stories.StoryCreate(title="Already here"), session=session)
    journal.close()
    return journal_path


def chosen_in_window(
    launch: Launch, journal_path: Path, chosen: Path, monkeypatch: pytest.MonkeyPatch, action: Act
) -> tuple[MainWindow, str]:
    """The window on a journal with one story, and the file chosen in the File menu's import `action`."""
    seeded(journal_path)
    window = launch(journal_path)
    before = file_hash(journal_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(chosen), ""))
    window.action(action).trigger()
    return window, before


def titles(path: Path) -> list[str]:
    with sqlite3.connect(path) as raw:
        return sorted(row[0] for row in raw.execute("SELECT title FROM story"))


def shown_text(dialog: CsvImportDialog) -> str:
    cells = [
        dialog.preview.item(row, column).text()
        for row in range(dialog.preview.rowCount())
        for column in range(dialog.preview.columnCount())
        if dialog.preview.item(row, column) is not None
    ]
    return "\n".join([dialog.note.text(), dialog.summary.text(), *cells])


@pytest.mark.parametrize("case", corpus.cases("csv"), ids=lambda case: case.name)
def test_the_spreadsheet_dialog_with_the_corpus(
    launch: Launch,
    journal_path: Path,
    tmp_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    warnings: list[str],
    case: corpus.Case,
) -> None:
    window, before = chosen_in_window(launch, journal_path, case.make(tmp_path), monkeypatch, Act.IMPORT_SPREADSHEET)
    dialog = window.findChild(CsvImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.sheet is not None or bool(warnings), timeout=20_000)
    if dialog.sheet is None:  # refused while reading: the sentence, and nothing to import
        assert case.refused and case.refused in warnings[0], warnings
        assert case.refused in dialog.note.text()
        assert not dialog.import_button.isEnabled()
        window.close()
        assert file_hash(journal_path) == before
        return
    text = shown_text(dialog)
    for words in case.mentions:
        assert re.sub(r"^lines? \d+: ", "", words) in text, text
    if case.refused:  # every row has a problem, shown on its line
        assert not dialog.import_button.isEnabled() and "0 good rows" in dialog.summary.text()
        window.close()
        assert file_hash(journal_path) == before
        return
    assert dialog.import_button.text().startswith(f"Import {len(case.imports)} ")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)
    QApplication.processEvents()
    settle(window)
    window.close()
    assert titles(journal_path) == sorted(["Already here", *case.imports])


@pytest.mark.parametrize("case", corpus.cases("bundle"), ids=lambda case: case.name)
def test_the_bundle_dialog_with_the_corpus(
    launch: Launch,
    journal_path: Path,
    tmp_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    warnings: list[str],
    case: corpus.Case,
) -> None:
    window, before = chosen_in_window(launch, journal_path, case.make(tmp_path), monkeypatch, Act.IMPORT_BUNDLE)
    dialog = window.findChild(ImportBundleDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled() or bool(warnings), timeout=20_000)
    if case.refused:
        assert warnings and case.refused in warnings[0], warnings
        assert "Something went wrong" not in warnings[0], "a plain sentence, not a wrapped exception"
        assert not dialog.import_button.isEnabled()
        window.close()
        assert file_hash(journal_path) == before
        return
    assert not warnings, warnings
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(window)
    window.close()
    assert titles(journal_path) == sorted(["Already here", *case.imports])
