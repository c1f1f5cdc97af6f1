"""What the team window's tests share: joining, syncing from the window and waiting for it, the sync state
in the status bar, a second laptop, what the team server holds."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from journal.store.database import Journal, open_journal
from journal.store.stories import StoryCreate, create_story
from journal.sync import engine
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from journal.ui.team.feature import TeamFeature
from tests.server.conftest import PASSWORD, Server, add_user, sql
from tests.ui.helpers import feature, new_story, saved, type_into

SYNC_WITHIN_MS = 60_000


def team(window: MainWindow) -> TeamFeature:
    return feature(window, TeamFeature)


def sync_state(window: MainWindow) -> QLabel:
    label = window.findChild(QLabel, "teamSyncState")
    assert isinstance(label, QLabel)
    return label


def shown_state(window: MainWindow) -> str:
    label = sync_state(window)
    return label.text() if label.isVisible() else ""


def idle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait for the sync running now (the one at start, or after an edit) to end."""
    service = window.services.team
    qtbot.waitUntil(lambda: service.state.status is not None and not service.running, timeout=SYNC_WITHIN_MS)


def sync_now(qtbot: QtBot, window: MainWindow) -> Any:
    """File ▸ Sync now, and what came of it (a SyncResult, or the error that stopped it)."""
    idle(qtbot, window)
    with qtbot.waitSignal(window.services.team.finished, timeout=SYNC_WITHIN_MS) as finished:
        window.action(Act.SYNC_NOW).trigger()
    return finished.args[0]


def write_story(qtbot: QtBot, window: MainWindow, title: str) -> None:
    """File ▸ New story, a title typed, saved."""
    new_story(qtbot, window)
    type_into(qtbot, window.editor.title, title)
    saved(qtbot, window)


def no_pop_up() -> bool:
    return not any(
        isinstance(widget, QMessageBox | QDialog) and widget.isVisible() for widget in QApplication.topLevelWidgets()
    )


def join(journal: Journal, server_url: str, email: str) -> None:
    """Join as the command line does (the dialog has tests of its own)."""
    engine.join(journal, server_url, email, PASSWORD, device=Path(str(journal.path)).stem)


def anna_joins(journal_path: Path, server: Server, email: str = "anna@example.com", role: str = "rep") -> str:
    """Anna's journal joins the team (before her window opens); its device id."""
    add_user(server.db_url, email, role=role)
    with closing(open_journal(journal_path)) as anna:
        join(anna, server.url, email)
        return engine.team_status(anna).device_id


def add_story(journal: Journal, title: str, **fields: Any) -> str:
    with journal.write() as session:
        return create_story(StoryCreate(title=title, **fields), session=session).id


def server_titles(db_url: str) -> list[str]:
    """The titles of the live stories the team server holds, sorted."""
    rows = sql(db_url, "SELECT record->'fields'->>'title' FROM item WHERE kind = 'story' AND record IS NOT NULL")
    return sorted(str(row[0]) for row in rows)
