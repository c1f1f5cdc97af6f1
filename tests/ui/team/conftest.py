"""The team window against a real PostgreSQL and real `journal-server run` processes: the fixtures of
tests/server (a cluster for the session, a fresh database and a server per test, tokens in 0600 files)."""

from __future__ import annotations

from tests.server.conftest import db_url, no_system_keyring, postgres, server

__all__ = ["db_url", "no_system_keyring", "postgres", "server"]
