from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from journal.app import JournalApp
from journal.ui.shell.main_window import MainWindow

Launch = Callable[[Path], MainWindow]


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


def settle(window: MainWindow, timeout: float = 10.0) -> None:
    """Let a search that runs off the GUI thread deliver its rows (the window shows the old rows meanwhile)."""
    deadline = time.monotonic() + timeout
    while window.model.searching or window.sidebar.busy:
        assert time.monotonic() < deadline, "the search did not finish"
        QApplication.processEvents()
        time.sleep(0.002)
