"""Help ▸ About, opened through the real window's action: version, folders and licence are there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from journal import __version__
from journal.paths import default_journal_path, settings_path
from journal.ui.shell.about import AboutDialog, licence_text
from journal.ui.shell.actions import Act
from tests.ui.helpers import Launch


def test_about_shows_version_folders_and_licence(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    seen: dict[str, object] = {}

    def inspect() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, AboutDialog)
            seen["labels"] = "\n".join(label.text() for label in dialog.findChildren(QLabel))
            seen["licence hidden at first"] = not dialog.licence_text.isVisible()
            dialog.licence_button.click()
            seen["licence shown on click"] = dialog.licence_text.isVisible()
            seen["licence"] = dialog.licence_text.toPlainText()
            seen["icon"] = any(not label.pixmap().isNull() for label in dialog.findChildren(QLabel))
        finally:
            if dialog is not None:
                dialog.close()

    QTimer.singleShot(0, inspect)
    window.action(Act.ABOUT).trigger()  # modal: returns once `inspect` has closed it

    labels = str(seen["labels"])
    assert f"Story Journal {__version__}" in labels
    assert str(journal_path) in labels
    assert str(default_journal_path().parent) in labels
    assert str(settings_path()) in labels
    assert "MIT licence" in labels
    assert seen["icon"], "the application icon is drawn in the box"
    assert seen["licence hidden at first"] and seen["licence shown on click"]
    licence = str(seen["licence"])
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in licence
    assert QApplication.activeModalWidget() is None


def test_the_licence_is_the_repository_licence_file() -> None:
    repository_licence = Path(__file__).resolve().parents[3] / "LICENSE"
    assert licence_text() == repository_licence.read_text(encoding="utf-8")
