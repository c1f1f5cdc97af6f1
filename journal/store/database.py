"""Opening a journal file safely.

Before anything is written, the file is inspected through a read-only connection: a file that is not
SQLite, an SQLite file of another program, or a journal from a newer Story Journal is refused untouched.
Then the file is opened read-write (WAL, foreign keys, busy timeout, BEGIN IMMEDIATE for writes), a
backup copy is made with SQLite's backup API if a migration is due, and Alembic upgrades it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from journal.inputs import InputFileError, kind_of, open_regular, storable_parameters
from journal.store.errors import (
    JournalError,
    JournalReadOnlyError,
    JournalTooNewError,
    JournalUnreadableError,
    NotAJournalError,
)
from journal.store.revision import SCHEMA_HEAD

if TYPE_CHECKING:
    from journal.store.search_index import SearchIndex

# Written into the SQLite header (PRAGMA application_id) so a journal can be told from other databases.
APPLICATION_ID = int.from_bytes(b"SJnl", "big")
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
LOCK_RETRY_PAUSES = (0.5, 1.0, 2.0)  # seconds between further tries after a busy timeout, for writers
AUTOCHECKPOINT_PAGES = 1000  # SQLite's own: a commit copies the WAL into the file once it holds this many pages
# The newest schema revision (journal/store/revision.py), so that opening an up-to-date journal does not import
# Alembic (a tenth of a second at start-up); tests/store/test_migrations.py checks it against the scripts.


@dataclass(frozen=True)
class FileState:
    exists: bool
    revision: str | None  # the Alembic revision, None for a new (empty) file


def inspect_file(path: Path) -> FileState:
    """Read-only look at `path`: raises a JournalError for anything that must not be opened."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return FileState(exists=False, revision=None)
    except OSError as exc:
        raise JournalUnreadableError(path, f"{path} cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise JournalUnreadableError(path, f"{path} is a folder, not a journal file. Give the path of a .journal file.")
    if not stat.S_ISREG(mode):
        # A device (/dev/null) or a named pipe: SQLite would write a -journal file beside it, and a pipe
        # blocks whoever opens it. Refused before anything is opened or created.
        raise JournalUnreadableError(
            path, f"{path} is {kind_of(mode)}, not a journal file. Give the path of a .journal file."
        )
    try:
        with open_regular(path, "journal file") as handle:
            header = handle.read(100)
    except InputFileError as error:
        raise JournalUnreadableError(path, str(error)) from None
    except OSError as exc:
        raise JournalUnreadableError(path, f"{path} cannot be read ({exc.strerror}).") from None
    if not header:
        return FileState(exists=True, revision=None)  # an empty file: nothing to lose, becomes a journal
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise NotAJournalError(
            path,
            f"{path} is not a Story Journal file (it is not a database). Choose another journal file.",
        )
    try:
        with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise NotAJournalError(
            path,
            f"{path} is damaged or is not a Story Journal file ({exc}). Restore a backup of it "
            "(`journal backups` lists them), or choose another journal file; this file was not changed.",
        ) from None
    if app_id != APPLICATION_ID:
        if tables:
            raise NotAJournalError(
                path,
                f"{path} is a database of another program, not a Story Journal. "
                "Choose another journal file; this file was not changed.",
            )
        return FileState(exists=True, revision=None)
    if revision not in (None, SCHEMA_HEAD) and not _migrate().is_known_revision(revision):
        raise JournalTooNewError(
            path,
            f"{path} was saved by a newer version of Story Journal (schema {revision}). "
            "Update Story Journal to open it; the file was not changed.",
        )
    return FileState(exists=True, revision=revision)


def _read_only_uri(path: Path) -> str:
    """With no -wal file beside it, the main file holds everything: read it as immutable, which needs and
    creates no -wal or -shm file (so a read-only folder works and nothing appears beside the file).
    Otherwise (the journal is open elsewhere, or was not closed cleanly) read it through the WAL."""
    wal = path.with_name(path.name + "-wal")
    return f"{path.as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")


def _check_writable(path: Path, state: FileState) -> None:
    folder = path.parent
    if state.exists and not os.access(path, os.W_OK):
        raise JournalReadOnlyError(
            path,
            f"{path} is read-only. Make it writable, or copy it somewhere you can write, and open the copy.",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise JournalReadOnlyError(
            path,
            f"The folder {folder} is read-only, and a journal needs to write beside its file. "
            "Move the journal to a folder you can write to.",
        )


def backup_file(path: Path, label: str) -> Path:
    """A verified copy of the journal with SQLite's online backup API, in `<file>.backups/`."""
    from journal.store.backups import make_backup

    return make_backup(path, label).path


def _make_engine(path: Path, *, read_only: bool) -> sa.Engine:
    uri = _read_only_uri(path) if read_only else f"{path.as_uri()}?mode=rw"
    engine = sa.create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False),
        # A file, not memory: a queue of connections, each used by one thread at a time (the window reads
        # on pool threads). The "sqlite://" URL alone would pick the in-memory pool, which closes other
        # threads' connections when it has too many.
        poolclass=sa.pool.QueuePool,
        pool_size=4,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _storable(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> tuple[str, Any]:
        # Whoever writes (the window, the command line, an import, a fetched page), no NUL character and no
        # undecodable byte reaches the file: exports and bundles can then never carry one.
        return statement, storable_parameters(parameters)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Writers take the lock up front, so two processes never deadlock upgrading a read lock.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Journal:
    """One open journal file. Read with `session()`, write with `write()`."""

    def __init__(self, path: Path, engine: sa.Engine, *, read_only: bool) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        # The derived index for searching as you type (journal.store.search_index), once whoever opened the
        # journal has opened it: the window after its first paint, the command line before a search.
        self.search_index: SearchIndex | None = None
        # Whether a commit may copy the WAL into the file when it has grown (SQLite's automatic checkpoint, which
        # syncs the file: tens of milliseconds now and then, on the committing thread). The window turns it off
        # and checkpoints on a pool thread after saves (checkpoint()); commands keep SQLite's own.
        self.checkpoints_on_commit = True

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        if self.read_only:
            raise JournalReadOnlyError(self.path, f"{self.path} is open read-only; nothing can be changed.")
        session, transaction = self._begin_writing()
        with session, transaction:
            yield session

    def _begin_writing(self) -> tuple[Session, SessionTransaction]:
        """BEGIN IMMEDIATE now, before the block runs: another process writing (the command line beside the
        window) is waited for (the busy timeout), then tried again after a growing pause, not reported at once."""
        for pause in (*LOCK_RETRY_PAUSES, None):
            session = Session(self._writer, expire_on_commit=False)
            transaction = session.begin()
            try:
                connection = session.connection()
                # Set each time: the connection may have been used while the other setting held.
                automatic = AUTOCHECKPOINT_PAGES if self.checkpoints_on_commit else 0
                connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {automatic}")
                return session, transaction
            except sa.exc.OperationalError as exc:
                session.close()
                if pause is None or "locked" not in str(exc.orig):
                    raise
                time.sleep(pause)
        raise AssertionError("unreachable")

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the file, without waiting for readers or blocking writers (PASSIVE)."""
        if self.read_only:
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        if self.search_index is not None:
            self.search_index.close()
        self.engine.dispose()


def open_journal(path: Path, *, read_only_ok: bool = False, create: bool = True) -> Journal:
    """Open (and if needed create or migrate) the journal at `path`; its folder must exist.

    read_only_ok: a journal that cannot be written is opened read-only instead of refused (for commands
    that only read). It is never migrated then, so it must already be at the current schema.
    create: make a new journal when there is no file; without it a missing file is an error.
    """
    path = path.absolute()
    state = inspect_file(path)
    if not state.exists and not create:
        raise JournalUnreadableError(
            path, f"There is no journal at {path}. Check the path; `journal add` or the window creates one."
        )
    if not state.exists and not path.parent.is_dir():
        raise JournalUnreadableError(
            path, f"The folder {path.parent} does not exist. Create it first, or choose another path."
        )
    if read_only_ok and state.revision == SCHEMA_HEAD and not _writable(path):
        return Journal(path, _make_engine(path, read_only=True), read_only=True)
    _check_writable(path, state)
    if not state.exists:
        sqlite3.connect(path).close()  # create the file so the read-write URI can open it
    engine = _make_engine(path, read_only=False)
    try:
        if state.revision != SCHEMA_HEAD:
            if state.revision is not None:
                backup_file(path, f"before-{SCHEMA_HEAD}")
            _run_migrations(engine, path)
    except JournalError:
        engine.dispose()
        raise
    except (sqlite3.Error, sa.exc.DBAPIError) as exc:
        engine.dispose()
        reason = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        raise JournalError(path, f"{path} could not be prepared ({reason}); it was not changed.") from None
    return Journal(path, engine, read_only=False)


def _run_migrations(engine: sa.Engine, path: Path) -> None:
    """Upgrade to the head revision in one transaction, with foreign keys off so that a migration may
    rebuild a table (SQLite's documented procedure); any dangling reference rolls the whole upgrade back."""
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction, so before BEGIN
        try:
            with connection.begin():
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                _migrate().upgrade(connection)
                dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if dangling:
                    raise JournalError(
                        path, f"{path} could not be upgraded: {len(dangling)} broken references; it was not changed."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _migrate() -> ModuleType:
    from journal.store import migrate

    return migrate


def _writable(path: Path) -> bool:
    return (not path.exists() or os.access(path, os.W_OK)) and os.access(path.parent, os.W_OK | os.X_OK)
