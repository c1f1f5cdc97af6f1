"""What the radar window's tests share: a journal with the sample stories, three feeds about them written to
a folder a real HTTP server on 127.0.0.1 serves (tests/radar/feeds.py), and waiting for the window's reads."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from journal.store.database import open_journal
from journal.store.sample import fill_with_sample
from journal.ui.radar.feature import SIDEBAR_KEY, RadarFeature
from journal.ui.radar.inbox_model import TITLE
from journal.ui.radar.window import RadarWindow
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.sidebar import KeyRole
from tests.radar.conftest import about_nothing, about_the_stories
from tests.radar.feeds import FeedServer, Item, atom, json_feed, rss
from tests.ui.helpers import feature, type_into

ZAPPOS = "Zappos sent flowers when my mother died"
JOSHIE = "Joshie the giraffe's extra holiday at the Ritz-Carlton"
MORTONS = "Morton's meets Peter Shankman at Newark with a porterhouse"
FEEDS = ("/blog.xml", "/news.atom", "/reviews.json")


def sample_journal(path: Path) -> Path:
    """The six sample stories (Zappos, Southwest, Ritz-Carlton, Morton's, LEGO, Sainsbury's)."""
    journal = open_journal(path)
    fill_with_sample(journal)
    journal.close()
    return path


def write_feeds(folder: Path, base: str, round_number: int | None = None) -> list[str]:
    """Three feeds, one of each kind, each with a post about a sample story (and two about nothing); pages for
    the posts (so linking fetches them). `round_number`: every GUID and tracking parameter changed."""
    about, nothing = about_the_stories(base), about_nothing(base)
    for item in about[1:]:
        item.published = "2012-05-28T09:00:00Z"  # RFC 3339, for Atom and JSON Feed
    if round_number is not None:
        for item in [*about, *nothing]:
            item.guid = f"{item.guid}-{round_number}"
            item.link = f"{item.link}{'&' if '?' in item.link else '?'}utm_campaign={round_number}"
    documents = {
        FEEDS[0]: rss([about[0], nothing[0]], title="A daughter's blog"),
        FEEDS[1]: atom([about[1], nothing[1]], title="Travel news"),
        FEEDS[2]: json_feed([about[2]], title="Steakhouse reviews"),
    }
    for path, body in documents.items():
        (folder / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (folder / path.lstrip("/")).write_bytes(body)
    for item in about:
        page = folder / item.link.split("?")[0].removeprefix(base).lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<!doctype html><html><head><title>{item.title}</title>"
            f'<meta property="og:site_name" content="A blog"></head>'
            f"<body><article><h1>{item.title}</h1><p>{item.summary}</p></article></body></html>",
            encoding="utf-8",
        )
    return [base + path for path in FEEDS]


def extra_item(base: str) -> Item:
    return Item(
        "LEGO sends a new Ninjago minifigure to a boy who lost his",
        f"{base}/posts/lego",
        guid="lego-1",
        summary="<p>Luka lost his Ninjago minifigure Jay; LEGO sent a new one with advice from Sensei Wu.</p>",
    )


@dataclass
class Inbox:
    """The `inbox` fixture: a feed server, the main window, the radar's window with three suggestions."""

    server: FeedServer
    window: MainWindow
    radar: RadarWindow


def add_feeds(qtbot: QtBot, radar: RadarWindow, addresses: list[str]) -> None:
    """Type each address on the Sources page and press Enter (each is read at once)."""
    radar.tabs.setCurrentWidget(radar.sources)
    for address in addresses:
        type_into(qtbot, radar.sources.address, address)
        qtbot.keyClick(radar.sources.address, Qt.Key.Key_Return)
        assert radar.sources.address.text() == "" and not radar.sources.message.isVisible()


def open_radar(window: MainWindow) -> RadarWindow:
    """View ▸ Coverage radar; the radar's window comes to the front (keys go to it)."""
    window.action(Act.COVERAGE_RADAR).trigger()
    radar = feature(window, RadarFeature).window
    assert radar is not None
    active(radar)
    return radar


def active(widget: QWidget) -> None:
    """Bring the window to the front (after any other window asked for it), so that keys go to it."""
    QApplication.processEvents()
    widget.activateWindow()
    deadline = time.monotonic() + 5
    while QApplication.activeWindow() is not widget:
        assert time.monotonic() < deadline, "the window must be active for its shortcuts"
        QTest.qWait(10)


def settled(qtbot: QtBot, radar: RadarWindow, timeout: int = 15_000) -> None:
    """Wait until no read of the sources runs and the window has shown what the journal holds."""
    qtbot.waitUntil(lambda: not radar.poller.running and not radar.busy, timeout=timeout)


def titles(radar: RadarWindow) -> list[str]:
    return [radar.model.index(row, TITLE).data() for row in range(radar.model.rowCount())]


def select(radar: RadarWindow, title: str) -> None:
    """Choose the row of this title in the inbox (on the Inbox tab), keyboard focus on the inbox."""
    radar.tabs.setCurrentIndex(0)
    assert title in titles(radar), titles(radar)
    radar.table.selectRow(titles(radar).index(title))
    radar.table.setFocus(Qt.FocusReason.OtherFocusReason)


def badge(window: MainWindow) -> str:
    model = window.sidebar.model
    found = model.match(model.index(0, 0), KeyRole, SIDEBAR_KEY, 1, Qt.MatchFlag.MatchExactly)
    assert found, "no radar entry in the sidebar"
    return str(found[0].data())


def badge_is(qtbot: QtBot, window: MainWindow, text: str) -> None:
    qtbot.waitUntil(lambda: badge(window) == text, timeout=5000)


def rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql, args).fetchall()


def story_of(path: Path, start: str) -> str:
    (found,) = rows(path, "SELECT id FROM story WHERE title LIKE ? AND deleted_at IS NULL", start + "%")
    return str(found[0])


def no_message_box() -> bool:
    return not any(isinstance(widget, QMessageBox) and widget.isVisible() for widget in QApplication.topLevelWidgets())
