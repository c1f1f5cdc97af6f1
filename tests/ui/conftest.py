"""The `launch` fixture: the real window on a journal file, closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.app import JournalApp
from journal.ui.shell.main_window import MainWindow
from tests.ui.helpers import Launch


@pytest.fixture
def launch(qtbot: QtBot, settings: QSettings) -> Iterator[Launch]:
    """Open the real window on a journal file, as `journal --journal PATH` does; close everything after."""
    apps: list[JournalApp] = []

    def start(path: Path) -> MainWindow:
        app = JournalApp(settings)
        assert app.open(path)
        assert app.window is not None
        qtbot.addWidget(app.window)
        app.window.activateWindow()
        assert QTest.qWaitForWindowActive(app.window), "the window must be active for keyboard focus"
        apps.append(app)
        return app.window

    yield start
    for app in apps:
        app.close()
