"""The window and the links it fetches without being asked: a link added here to this computer's own network
makes the window ask first (yes fetches it, no leaves it); a link that came in a bundle is never fetched
until the person asks (Coverage ▸ Fetch Received Links), and never asked about. Real servers on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from journal.bundles.merge import apply_import
from journal.bundles.read import read_bundle
from journal.coverage.capture import pending_ids
from journal.coverage.destinations import LOOPBACK_ONLY_ENV
from journal.store import stories
from journal.store.database import open_journal
from journal.store.models import CoverageLinkBase
from journal.ui.coverage.model import STATE_COLUMN
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from tests.coverage.hostile_servers import Server, echo
from tests.hostile import corpus
from tests.ui.helpers import Launch, new_story, type_into


@pytest.fixture
def server() -> Iterator[Server]:
    with echo() as running:
        yield running


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def question() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == "privateLinkQuestion" and widget.isVisible():
            return widget
    return None


def paste_link(qtbot: QtBot, window: MainWindow, url: str) -> None:
    new_story(qtbot, window)
    coverage = window.editor.coverage
    type_into(qtbot, coverage.url_input, url)
    qtbot.keyClick(coverage.url_input, Qt.Key.Key_Return)


def test_a_link_to_this_computer_is_fetched_only_after_the_person_says_yes(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LOOPBACK_ONLY_ENV)  # 127.0.0.1 is this computer, as for any user
    window = launch(journal_path)
    paste_link(qtbot, window, server.url("/intranet"))
    qtbot.waitUntil(lambda: question() is not None, timeout=10_000)
    box = question()
    assert box is not None and "127.0.0.1 is this computer's own address" in box.text()
    assert server.requests == 0, "nothing is requested before the answer"
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: rows(journal_path, "SELECT fetch_state, private_ok FROM coverage_link") == [("fetched", 1)],
        timeout=10_000,
    )
    assert server.requests == 1
    qtbot.waitUntil(lambda: window.editor.coverage.model.index(0, 1).data() == f"Seen as 127.0.0.1:{server.port}")


def test_no_leaves_the_link_unfetched_and_is_not_asked_again(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LOOPBACK_ONLY_ENV)
    window = launch(journal_path)
    paste_link(qtbot, window, server.url("/intranet"))
    qtbot.waitUntil(lambda: question() is not None, timeout=10_000)
    box = question()
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert rows(journal_path, "SELECT fetch_state, private_ok FROM coverage_link") == [("failed", 0)]
    model = window.editor.coverage.model
    qtbot.waitUntil(lambda: model.index(0, STATE_COLUMN).data() == "Not fetched")
    assert "not a public web site" in model.index(0, STATE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    with window.services.stories.journal.session() as session:
        assert pending_ids(session=session) == [], "a refused link does not wait to be fetched again"
    assert question() is None and server.requests == 0


def received_journal(journal_path: Path, tmp_path: Path, received_url: str, local_url: str) -> None:
    """A journal with one link added here (waiting) and one that came in a bundle (waiting too)."""
    record = corpus.good_record("Told by Anna")
    record["links"][0]["url"] = received_url
    bundle = tmp_path / "anna.sjbundle"
    bundle.write_bytes(corpus.bundle_bytes([record]))
    journal = open_journal(journal_path)
    apply_import(journal, read_bundle(bundle))
    with journal.write() as session:
        story = stories.create_story(stories.StoryCreate(title="Mine"), session=session)
        stories.add_link(story.id, CoverageLinkBase(url=local_url), session=session)
    journal.close()


def test_a_received_link_waits_until_the_person_asks(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path, server: Server
) -> None:
    received_journal(journal_path, tmp_path, server.url("/theirs"), server.url("/mine"))
    assert rows(journal_path, "SELECT origin FROM coverage_link ORDER BY origin") == [("",), ("bundle anna.sjbundle",)]
    window = launch(journal_path)
    # The window fetches what waits when it opens, in one pass: once the link added here is fetched, the
    # received one would have been too.
    qtbot.waitUntil(
        lambda: rows(journal_path, "SELECT fetch_state FROM coverage_link WHERE origin = ''") == [("fetched",)],
        timeout=10_000,
    )
    assert server.hosts == [f"127.0.0.1:{server.port}"]
    assert rows(journal_path, "SELECT fetch_state FROM coverage_link WHERE origin <> ''") == [("to_fetch",)]
    window.select_story(corpus.STORY_ID)
    qtbot.waitUntil(lambda: window.editor.coverage.model.rowCount() == 1)
    state = window.editor.coverage.model.index(0, STATE_COLUMN)
    assert state.data() == "Received" and "anna.sjbundle" in state.data(Qt.ItemDataRole.ToolTipRole)
    window.action(Act.FETCH_RECEIVED_LINKS).trigger()
    qtbot.waitUntil(
        lambda: rows(journal_path, "SELECT fetch_state FROM coverage_link WHERE origin <> ''") == [("fetched",)],
        timeout=10_000,
    )
    assert len(server.hosts) == 2 and question() is None


def test_a_received_link_to_a_private_address_is_never_fetched_nor_asked_about(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path, server: Server
) -> None:
    with echo("127.0.0.2") as intranet:
        received_journal(journal_path, tmp_path, intranet.url("/secret"), server.url("/mine"))
        window = launch(journal_path)
        window.action(Act.FETCH_RECEIVED_LINKS).trigger()
        qtbot.waitUntil(
            lambda: rows(journal_path, "SELECT fetch_state FROM coverage_link WHERE origin <> ''") == [("failed",)],
            timeout=10_000,
        )
        assert intranet.requests == 0 and question() is None
        assert rows(journal_path, "SELECT private_ok FROM coverage_link WHERE origin <> ''") == [(0,)]
