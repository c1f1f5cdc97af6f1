"""The team window against a real PostgreSQL and real `journal-server run` processes: the fixtures of
tests/server (a cluster for the session, a fresh database and a server per test, tokens in 0600 files), and
Ben's laptop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.store.database import Journal, open_journal
from tests.server.conftest import Server, add_user, db_url, no_system_keyring, postgres, server
from tests.ui.team.helpers import join

__all__ = ["ben", "db_url", "no_system_keyring", "postgres", "server"]


@pytest.fixture
def ben(server: Server, tmp_path: Path) -> Iterator[Journal]:
    """Ben's laptop: a journal file in the team, synced through the engine (as `journal sync` does)."""
    add_user(server.db_url, "ben@example.com")
    journal = open_journal(tmp_path / "ben.journal")
    join(journal, server.url, "ben@example.com")
    yield journal
    journal.close()
