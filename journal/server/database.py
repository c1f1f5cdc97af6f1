"""Reaching the team server's PostgreSQL database: its address, its schema (Alembic, `journal-server init`)
and a pool of connections for each server process."""

from __future__ import annotations

import os
import select
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DATABASE_VARIABLE = "JOURNAL_SERVER_DATABASE"
REPLICA_VARIABLE = "JOURNAL_SERVER_REPLICA"
# The schemas this server's code works with. Each migration is written so that servers keep running while
# `journal-server init` applies it, and a server can be upgraded before or after the database.
SERVES = ("s0001", "s0002")


class ServerError(Exception):
    """Something the person running the server must fix; the message says what, in plain words."""


def database_url(given: str | None) -> str:
    url = given or os.environ.get(DATABASE_VARIABLE, "")
    if not url:
        raise ServerError(
            f"Say which database to use: --database postgresql://USER@HOST:PORT/NAME, or set {DATABASE_VARIABLE}."
        )
    scheme = urlsplit(url).scheme
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ServerError(f"{url!r} is not a PostgreSQL address; write it as postgresql://USER@HOST:PORT/NAME.")
    return url


def libpq_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


def _sqlalchemy_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql+psycopg", *parts[1:]))


def _unreachable(url: str, error: Exception) -> ServerError:
    shown = urlunsplit(urlsplit(libpq_url(url))._replace(netloc=urlsplit(url).hostname or ""))
    reason = " ".join(str(error).split())
    return ServerError(f"Cannot reach the database {shown} ({reason}). Is PostgreSQL running there?")


def _create_database(url: str) -> None:
    """The database named in `url`, created when the PostgreSQL server does not have it yet."""
    parts = urlsplit(libpq_url(url))
    name = parts.path.lstrip("/")
    if not name:
        raise ServerError("The database address names no database; end it with /NAME.")
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10):
            return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise _unreachable(url, error) from None
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.errors.DuplicateDatabase:
        pass
    except psycopg.Error as error:
        raise ServerError(f"The database {name} does not exist and could not be created ({error}).") from None


def _alembic(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(_alembic(None)).get_current_head()  # type: ignore[arg-type]
    assert found is not None
    return found


def init(url: str) -> tuple[str | None, str]:
    """Create the database if needed and upgrade its schema to the newest; returns (before, after)."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    _create_database(url)
    engine = sa.create_engine(_sqlalchemy_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            # One `init` at a time, whichever machine runs it.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(8765001)")
            before = MigrationContext.configure(connection).get_current_revision()
            command.upgrade(_alembic(connection), "head")  # type: ignore[arg-type]
            after = MigrationContext.configure(connection).get_current_revision()
    except sa.exc.OperationalError as error:
        raise _unreachable(url, error.orig or error) from None
    finally:
        engine.dispose()
    assert after is not None
    return before, after


def check_schema(url: str) -> None:
    """Refuse to serve a database that `journal-server init` has not prepared (or a newer one)."""
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except psycopg.errors.UndefinedTable:
        row = None
    except psycopg.OperationalError as error:
        raise _unreachable(url, error) from None
    wanted = head()
    if row is None:
        raise ServerError("The database has no team journal yet; run `journal-server init --database URL` first.")
    if row[0] != wanted and row[0] not in SERVES:
        raise ServerError(
            f"The database's schema is {row[0]}, this server needs {wanted}: run `journal-server init` "
            "(or update the server if the database is newer)."
        )


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(libpq_url(url), connect_timeout=10, autocommit=True)
    except psycopg.OperationalError as error:
        raise _unreachable(url, error) from None


def shown(url: str) -> str:
    """A database address without its password, for logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit((parts.scheme, f"{where}:{parts.port}" if parts.port else where, parts.path, "", ""))


def check_connection(connection: psycopg.Connection[Any]) -> None:
    """Raises when a pooled connection no longer works, before a request uses it. An idle connection has
    nothing to read: PostgreSQL, stopping or restarting, sends a last message and closes it, which makes it
    readable. Only then (or when psycopg already knows it broken) is the database asked (psycopg_pool's own
    check, a round trip), so a request on a healthy connection costs no round trip for the check."""
    if connection.closed or connection.broken:
        ConnectionPool.check_connection(connection)
        return
    readable = select.poll()  # not select.select: a server with a thousand laptops connected has fds past 1024
    readable.register(connection.fileno(), select.POLLIN)
    if readable.poll(0):
        ConnectionPool.check_connection(connection)


def open_pool(url: str, *, size: int = 8, wait: bool = True) -> ConnectionPool:
    from journal.server import encoding  # orjson, only where a server runs

    pool = ConnectionPool(
        libpq_url(url),
        min_size=1,
        max_size=size,
        open=False,
        # A request waits at most this long for a connection, then answers 503 "cannot reach its database":
        # well inside the laptop's 30 s read timeout, so the laptop hears why instead of timing out.
        timeout=10,
        kwargs={"connect_timeout": 10, "autocommit": True},
        check=check_connection,  # a connection broken by a database restart is replaced
        configure=encoding.configure,
    )
    pool.open(wait=wait, timeout=30)
    return pool
