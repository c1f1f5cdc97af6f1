"""The radar window's Sources page and reading in the background: refused addresses, OPML, a folder of alert
e-mails, removing a source, the organisation's own sites, each source's state, progress and Cancel."""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from journal.app import JournalApp
from journal.radar.api import Radar
from journal.store.database import open_journal
from journal.ui.radar.feature import RadarFeature
from journal.ui.radar.window import RadarWindow
from journal.ui.shell.actions import Act
from tests.radar.conftest import about_the_stories
from tests.radar.feeds import Answer, rss, serve
from tests.ui.case_studies.helpers import Dialogs
from tests.ui.helpers import Launch, feature, type_into
from tests.ui.radar.helpers import (
    JOSHIE,
    ZAPPOS,
    badge_is,
    no_message_box,
    open_radar,
    rows,
    sample_journal,
    select,
    settled,
    titles,
    write_feeds,
)


def sources_shown(radar: RadarWindow) -> dict[str, tuple[str, str]]:
    """name -> (state, what was said)"""
    model = radar.sources.model
    return {
        model.index(row, 0).data(): (model.index(row, 1).data(), model.index(row, 4).data())
        for row in range(model.rowCount())
    }


def add(qtbot: QtBot, radar: RadarWindow, text: str) -> None:
    radar.tabs.setCurrentWidget(radar.sources)
    radar.sources.address.clear()
    type_into(qtbot, radar.sources.address, text)
    qtbot.mouseClick(radar.sources.add_button, Qt.MouseButton.LeftButton)


def press(label: str, said: list[str]) -> object:
    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        button = box.button(QMessageBox.StandardButton.Yes if label == "Yes" else QMessageBox.StandardButton.Cancel)
        button.click()

    return answer


def test_an_address_that_is_no_feed_is_refused_in_red_and_nothing_is_added(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    radar = open_radar(launch(sample_journal(journal_path)))
    message = radar.sources.message
    for text, said in (
        ("", "Paste the address of a feed"),
        ("ftp://example.com/feed.xml", "http"),
        ("not an address", "cannot contain spaces"),
    ):
        add(qtbot, radar, text)
        assert message.isVisible() and said in message.text(), message.text()
        assert radar.sources.address.text() == text  # what was typed stays, to be corrected
    type_into(qtbot, radar.sources.address, "x")
    assert not message.isVisible()  # typing again clears the message
    add(qtbot, radar, "https://blog.example/feed.xml")
    assert not message.isVisible() and radar.sources.address.text() == ""
    add(qtbot, radar, "https://blog.example/feed.xml")
    assert "already watched" in message.text()
    settled(qtbot, radar)
    assert rows(journal_path, "SELECT address FROM radar_source") == [("https://blog.example/feed.xml",)]
    assert no_message_box()


def test_opml_an_email_folder_and_removing_a_source(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>My feeds</title></head><body>'
        '<outline text="Service"><outline text="A blog" type="rss" xmlUrl="https://blog.example/feed.xml"/>'
        '<outline text="News" type="rss" xmlUrl="https://news.example/atom"/></outline>'
        '<outline text="Podcast" type="rss" xmlUrl="ftp://files.example/pod"/></body></opml>',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline", encoding="utf-8")
    alerts = tmp_path / "alerts"
    alerts.mkdir()
    window = launch(sample_journal(journal_path))
    radar = open_radar(window)
    page = radar.sources

    page.ask_opml_path = lambda: broken  # type: ignore[method-assign]
    radar.import_action.trigger()
    assert page.message.isVisible() and "not well-formed" in page.message.text()
    page.ask_opml_path = lambda: opml  # type: ignore[method-assign]
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert not page.message.isVisible()
    assert radar.statusBar().currentMessage() == (
        "Imported 2 feeds from feeds.opml; 1 outline without a web address left out."
    )
    page.ask_mail_folder = lambda: tmp_path / "no such folder"  # type: ignore[method-assign]
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    assert "is not a folder" in page.message.text()
    page.ask_mail_folder = lambda: alerts  # type: ignore[method-assign]
    radar.folder_action.trigger()
    settled(qtbot, radar)
    shown = sources_shown(radar)
    assert set(shown) == {"A blog", "News", "Alert e-mails in alerts"}
    assert shown["Alert e-mails in alerts"][0] == "Read"  # an empty folder is read at once

    page.table.selectRow(list(shown).index("News"))
    page.table.setFocus()
    said: list[str] = []
    answers = Dialogs(press("Cancel", said))
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert answers.done and "Stop watching “News”?" in said[0]
    settled(qtbot, radar)
    assert "News" in sources_shown(radar)
    answers = Dialogs(press("Yes", said))
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert answers.done
    settled(qtbot, radar)
    assert set(sources_shown(radar)) == {"A blog", "Alert e-mails in alerts"}
    assert radar.statusBar().currentMessage() == "No longer watching News."
    assert rows(journal_path, "SELECT count(*) FROM radar_source") == [(2,)]


def test_a_refused_feed_says_why_and_when_it_is_tried_again(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    with serve(tmp_path / "site") as server:
        server.answers["/gone.xml"] = Answer(404)
        server.write("/page.xml", "<html><body>Just a web page, no feed.</body></html>")
        server.types["/page.xml"] = "text/html"
        radar = open_radar(launch(sample_journal(journal_path)))
        add(qtbot, radar, server.url("/gone.xml"))
        add(qtbot, radar, server.url("/page.xml"))
        settled(qtbot, radar)
        qtbot.waitUntil(lambda: all(state != "Not read yet" for state, _said in sources_shown(radar).values()))
        shown = sources_shown(radar)
        gone, page = shown[server.url("/gone.xml")], shown[server.url("/page.xml")]
        assert gone[0].startswith("Refused · next try ") and "404" in gone[1]
        assert page[0].startswith("Refused · next try ") and page[1]
        assert no_message_box()
        assert "refused (see Sources)" in radar.statusBar().currentMessage()


def test_pages_on_the_organisations_own_sites_are_never_suggested(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    with serve(tmp_path / "site") as server:
        addresses = write_feeds(server.folder, server.base)
        window = launch(sample_journal(journal_path))
        radar = open_radar(window)
        add(qtbot, radar, addresses[0])
        add(qtbot, radar, addresses[1])
        settled(qtbot, radar)
        assert sorted(titles(radar)) == sorted([ZAPPOS, JOSHIE])
        badge_is(qtbot, window, "Coverage radar (2)")
        page = radar.sources

        type_into(qtbot, page.domain, "not a domain")
        qtbot.keyClick(page.domain, Qt.Key.Key_Return)
        assert page.domain_message.isVisible() and "is not a domain" in page.domain_message.text()
        page.domain.clear()
        type_into(qtbot, page.domain, "https://www.127.0.0.1.example/")  # an address on the site is fine too
        qtbot.keyClick(page.domain, Qt.Key.Key_Return)
        settled(qtbot, radar)
        assert [page.domains.item(row).text() for row in range(page.domains.count())] == ["127.0.0.1.example"]
        assert radar.statusBar().currentMessage() == "Pages on 127.0.0.1.example are never suggested."
        page.domains.setCurrentRow(0)
        qtbot.mouseClick(page.include_button, Qt.MouseButton.LeftButton)
        settled(qtbot, radar)
        assert page.domains.count() == 0

        page.domain.clear()
        type_into(qtbot, page.domain, "127.0.0.1")  # where the posts are: their waiting suggestions go at once
        qtbot.mouseClick(page.exclude_button, Qt.MouseButton.LeftButton)
        settled(qtbot, radar)
        assert not page.domain_message.isVisible() and titles(radar) == []
        assert radar.statusBar().currentMessage() == (
            "Pages on 127.0.0.1 are never suggested (2 suggestions waiting in the inbox went)."
        )
        badge_is(qtbot, window, "Coverage radar")


class SlowFeeds:
    """A server on 127.0.0.1 whose /slow.xml answers only when released; the other feeds at once."""

    def __init__(self, body: bytes) -> None:
        self.release = threading.Event()
        self.asked = threading.Event()
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                del format, args

            def do_GET(self) -> None:
                if self.path == "/slow.xml":
                    state.asked.set()
                    state.release.wait(20)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    @contextlib.contextmanager
    def running(self) -> Iterator[SlowFeeds]:
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self.server.shutdown()
            self.server.server_close()
            thread.join(5)


def test_reading_shows_progress_in_the_status_bar_and_cancel_stops_it(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    slow = SlowFeeds(rss(about_the_stories("https://blog.example")[:1]))
    with slow.running():
        window = launch(sample_journal(journal_path))
        radar_feature = feature(window, RadarFeature)
        service = radar_feature.service
        for path in ("/fast.xml", "/slow.xml"):
            service.add_feed(slow.base + path)
        status = radar_feature.status
        window.action(Act.READ_FEEDS).trigger()  # Coverage ▸ Read Radar Feeds Now
        assert radar_feature.poller.running
        qtbot.waitUntil(lambda: status.progress.isVisible() and slow.asked.is_set(), timeout=10_000)
        assert status.progress.text().startswith("Reading feeds 1/2") and status.cancel.isVisible()
        qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not radar_feature.poller.running, timeout=10_000)  # not waiting for the slow site
        report = radar_feature.poller.last_report
        assert report is not None and report.cancelled
        assert not status.progress.isVisible() and not status.cancel.isVisible()
        assert "Cancelled; 1 source waits for the next read." in window.statusBar().currentMessage()
        states = dict(rows(journal_path, "SELECT address, state FROM radar_source"))
        assert states == {slow.base + "/fast.xml": "ok", slow.base + "/slow.xml": "new"}
        assert rows(journal_path, "SELECT count(*) FROM radar_entry") == [(1,)]
        assert no_message_box()


def test_a_read_only_journal_shows_the_inbox_and_changes_nothing(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    """As root (here), file permissions do not stop writes; a read-only filesystem does."""
    source = tmp_path / "source"
    source.mkdir()
    with serve(tmp_path / "site") as server:
        radar_core = Radar(open_journal(sample_journal(source / "ro.journal")))
        radar_core.add_feed(write_feeds(server.folder, server.base)[0])
        radar_core.fetch()
        radar_core.journal.close()
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(mount)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount read-only here ({done.stderr.decode().strip()})")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=False)
        before = hashlib.sha256((source / "ro.journal").read_bytes()).hexdigest()
        app = JournalApp(settings)
        assert app.open(mount / "ro.journal") and app.window is not None
        window = app.window
        qtbot.addWidget(window)
        assert window.services.radar.read_only
        radar = open_radar(window)
        settled(qtbot, radar)
        assert titles(radar) == [ZAPPOS]
        select(radar, ZAPPOS)
        assert "mentions Zappos" in radar.detail.toPlainText()
        for action in (radar.link_action, radar.dismiss_action, radar.another_action, radar.new_story_action):
            assert not action.isEnabled()
        assert not radar.read_action.isEnabled() and not window.action(Act.READ_FEEDS).isEnabled()
        assert not radar.sources.address.isEnabled() and not radar.sources.remove_button.isEnabled()
        qtbot.keyClick(radar.table, Qt.Key.Key_Return)
        qtbot.keyClick(radar.table, Qt.Key.Key_Delete)
        assert not feature(window, RadarFeature).poller.read_now()
        assert titles(radar) == [ZAPPOS]
        app.close()
        assert hashlib.sha256((source / "ro.journal").read_bytes()).hexdigest() == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
