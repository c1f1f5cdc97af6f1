"""Every test gets its own journal file, data folder and settings; Qt runs offscreen."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from journal.locale_env import prefer_utf8_locale
from journal.store.database import Journal, open_journal

prefer_utf8_locale()  # as `journal` does, before any QApplication: under LC_ALL=C, Qt would warn on stderr


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs follows the XDG variables: the user's real journal and settings are never touched."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("STORY_JOURNAL", raising=False)
    # Tests talk only to 127.0.0.1: a coverage link to any other host waits as if offline (journal.coverage).
    monkeypatch.setenv("STORY_JOURNAL_LOOPBACK_ONLY", "1")
    return home


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "test.journal"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    opened = open_journal(journal_path)
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
