"""`inbox`: the real window on the sample journal, the radar's window open, three feeds about the sample stories
served from 127.0.0.1 added on its Sources page and read: three suggestions wait in the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.radar.feeds import serve
from tests.ui.helpers import Launch
from tests.ui.radar.helpers import Inbox, add_feeds, open_radar, sample_journal, settled, write_feeds


@pytest.fixture
def inbox(qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path) -> Iterator[Inbox]:
    with serve(tmp_path / "site") as server:
        addresses = write_feeds(server.folder, server.base)
        window = launch(sample_journal(journal_path))
        radar = open_radar(window)
        add_feeds(qtbot, radar, addresses)
        settled(qtbot, radar)
        yield Inbox(server, window, radar)
