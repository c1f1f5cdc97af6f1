"""Backup copies of a journal: made with SQLite's online backup API, verified, rotated, restored.

A backup lives in `<journal>.backups/` beside the journal, named `<stem>-<UTC stamp>-<label>.journal`.
It is written to a hidden temporary name, checked with `PRAGMA quick_check`, flushed to the disk and only
then renamed into place: a file with a backup's name is always a complete, verified copy. A restore
never deletes the current journal: it is moved aside as `<stem>.before-restore-<stamp>.journal`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from journal.store.errors import JournalError
from journal.words import counted

DAILY, MANUAL, BEFORE_RESTORE = "daily", "manual", "before-restore"
KEEP_DAILY = 7  # the newest backup of each of the last 7 days with backups
KEEP_WEEKLY = 4  # and of each of the last 4 weeks
KEEP_MIGRATION_DAYS = 30  # pre-migration copies are kept a month (the newest one always)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<label>[a-z0-9-]+)\.journal$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime  # UTC
    label: str
    size: int
    stories: int | None  # None: the copy cannot be read

    @property
    def local_time(self) -> str:
        return self.created.astimezone().strftime("%Y-%m-%d %H:%M")

    def describe(self) -> str:
        """`2026-11-23 09:14, 42 stories` for dialogs and the command line."""
        count = "unreadable" if self.stories is None else counted(self.stories, "story", "stories")
        return f"{self.local_time}, {count}"


def backup_folder(journal: Path) -> Path:
    return journal.with_name(journal.name + ".backups")


def make_backup(journal: Path, label: str = MANUAL, *, target: Path | None = None) -> BackupInfo:
    """A verified copy of `journal` (default: into its backups folder). Raises JournalError, leaving no
    partial file, when the journal cannot be read, the copy cannot be written or does not check out."""
    now = dt.datetime.now(dt.UTC)
    if target is None:
        folder = backup_folder(journal)
        _make_folder(journal, folder)
        target = folder / f"{journal.stem}-{now.strftime(_STAMP)}-{label}.journal"
    folder = target.parent
    if not folder.is_dir():
        raise JournalError(journal, f"The folder {folder} does not exist; give one that does. Nothing was written.")
    if target.exists():
        raise JournalError(journal, f"{target} already exists. Give another file name; nothing was overwritten.")
    temporary = target.with_name(f".{target.name}{PARTIAL}")
    with _folder_lock(folder):
        sweep_partials(folder, only=None if folder == backup_folder(journal) else temporary)
        try:
            with (
                closing(sqlite3.connect(read_only_uri(journal), uri=True)) as source,
                closing(_connect_new(journal, temporary)) as copy,
            ):
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            problem = quick_check(temporary)
            if problem:
                raise JournalError(journal, f"The backup of {journal} did not check out ({problem}); it was not kept.")
            _fsync(temporary)
            os.replace(temporary, target)
            _fsync(target.parent)
        except sqlite3.Error as exc:
            raise JournalError(journal, f"{journal} could not be backed up ({exc}).") from None
        except OSError as exc:
            raise JournalError(journal, _unwritable(folder, exc)) from None
        finally:
            _remove_partial(temporary)
    return describe_backup(target, now, label)


PARTIAL = ".partial"  # a copy being written: `.<name>.partial`, renamed into place once verified


def _make_folder(journal: Path, folder: Path) -> None:
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:
        raise JournalError(
            journal,
            f"{folder} is a file, where the journal keeps its backups folder; move that file aside and try "
            "again. The journal was not changed.",
        ) from None
    except OSError as exc:
        raise JournalError(journal, _unwritable(folder.parent, exc)) from None


def _unwritable(folder: Path, exc: OSError) -> str:
    return (
        f"The backup cannot be written in {folder} ({exc.strerror or exc}); choose a folder you can write to "
        "(`journal backup FOLDER`). The journal was not changed."
    )


def _connect_new(journal: Path, path: Path) -> sqlite3.Connection:
    """A connection to a new, empty file at `path` (SQLite reports a folder it cannot write in only as
    "unable to open database file": the file is created here first, so the real reason is told)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as exc:
        raise JournalError(journal, _unwritable(path.parent, exc)) from None
    return sqlite3.connect(path)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One backup at a time writes into a folder (between processes too), so a `.partial` file found there
    while holding this lock belongs to a backup that was killed. An advisory lock on the folder itself
    (flock), so no lock file is left; where there is no flock (Windows) a file in use cannot be deleted."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        yield  # a folder that cannot be opened cannot be written either: the copy reports it
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def sweep_partials(folder: Path, *, only: Path | None = None) -> list[Path]:
    """Delete what killed backups left in `folder` (`.<name>.partial` and SQLite's files beside it), or only
    `only` and its companions. Call it holding _folder_lock(folder)."""
    removed = []
    candidates = [only] if only is not None else [p for p in folder.glob(f".*{PARTIAL}") if p.is_file()]
    for partial in candidates:
        for path in (partial, *(partial.with_name(partial.name + suffix) for suffix in _COMPANIONS)):
            with suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


_COMPANIONS = ("-journal", "-wal", "-shm")


def _remove_partial(partial: Path) -> None:
    for path in (partial, *(partial.with_name(partial.name + suffix) for suffix in _COMPANIONS)):
        path.unlink(missing_ok=True)


def quick_check(path: Path) -> str:
    """'' when SQLite's quick_check passes on `path`, else its first complaint."""
    try:
        with closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
            rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        return str(exc)
    return "" if rows == ["ok"] else rows[0]


def list_backups(journal: Path) -> list[BackupInfo]:
    """The journal's backups, newest first."""
    folder = backup_folder(journal)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            created = dt.datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=dt.UTC)
            found.append(describe_backup(path, created, match["label"]))
    return sorted(found, key=lambda info: info.created, reverse=True)


def describe_backup(path: Path, created: dt.datetime, label: str) -> BackupInfo:
    return BackupInfo(path, created, label, path.stat().st_size, count_stories(path))


def count_stories(path: Path) -> int | None:
    """Stories in a journal file (not counting deleted ones), read without changing it; None if unreadable."""
    try:
        with closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
            try:
                return int(conn.execute("SELECT count(*) FROM story WHERE deleted_at IS NULL").fetchone()[0])
            except sqlite3.OperationalError:
                return int(conn.execute("SELECT count(*) FROM story").fetchone()[0])
    except sqlite3.Error:
        return None


def newest_good_backup(journal: Path) -> BackupInfo | None:
    """The newest backup that passes quick_check (older ones are tried when a newer one is damaged)."""
    for info in list_backups(journal):
        if info.stories is not None and not quick_check(info.path):
            return info
    return None


def backup_due_today(journal: Path, today: dt.date | None = None) -> bool:
    """True when no backup was made on this (local) day: the first open of a day makes one."""
    today = today or dt.date.today()
    return not any(info.created.astimezone().date() == today for info in list_backups(journal))


def daily_backup(journal: Path) -> BackupInfo | None:
    """The first open of a day: a backup, then the rotation. None when one was already made today."""
    if not journal.exists() or not count_stories(journal) or not backup_due_today(journal):
        return None  # nothing to keep yet, or done today
    info = make_backup(journal, DAILY)
    prune(journal)
    return info


def to_delete(backups: Iterable[BackupInfo], now: dt.datetime | None = None) -> list[BackupInfo]:
    """Rotation: keep the newest backup of each of the last KEEP_DAILY days and KEEP_WEEKLY weeks, every
    pre-migration copy younger than KEEP_MIGRATION_DAYS, and always the newest backup of all."""
    now = now or dt.datetime.now(dt.UTC)
    ordered = sorted(backups, key=lambda info: info.created, reverse=True)
    keep: set[Path] = {ordered[0].path} if ordered else set()
    rotating = [info for info in ordered if not info.label.startswith("before-")]
    keep |= _newest_per(rotating, lambda info: info.created.astimezone().date().isoformat(), KEEP_DAILY)
    keep |= _newest_per(rotating, lambda info: str(info.created.astimezone().isocalendar()[:2]), KEEP_WEEKLY)
    migrations = [info for info in ordered if info.label.startswith("before-")]
    keep |= {info.path for info in migrations[:1]}
    keep |= {info.path for info in migrations if now - info.created < dt.timedelta(days=KEEP_MIGRATION_DAYS)}
    return [info for info in ordered if info.path not in keep]


def _newest_per(ordered: list[BackupInfo], period: Callable[[BackupInfo], str], count: int) -> set[Path]:
    kept: dict[str, Path] = {}
    for info in ordered:  # newest first, so the first of each period is its newest
        key = period(info)
        if key not in kept and len(kept) < count:
            kept[key] = info.path
    return set(kept.values())


def prune(journal: Path) -> list[Path]:
    """Delete the backups the rotation no longer keeps; returns what was deleted."""
    deleted = []
    for info in to_delete(list_backups(journal)):
        with suppress(OSError):
            info.path.unlink()
            deleted.append(info.path)
    return deleted


def restore(journal: Path, backup: Path) -> Path | None:
    """Put the copy `backup` in place of `journal`. The current file (with its -wal and -shm) is moved aside,
    never deleted; returns where it went (None when there was no journal). The journal must not be open."""
    stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
    incoming = journal.with_name(f".{journal.name}.restoring")
    try:
        with (
            closing(sqlite3.connect(read_only_uri(backup), uri=True)) as source,
            closing(sqlite3.connect(incoming)) as copy,
        ):
            source.backup(copy)
        problem = quick_check(incoming)
        if problem:
            raise JournalError(journal, f"The backup {backup} is damaged ({problem}); nothing was changed.")
        _new_replica(incoming)
        _fsync(incoming)
        aside = _move_aside(journal, f"{journal.stem}.before-restore-{stamp}.journal")
        os.replace(incoming, journal)
        _fsync(journal.parent)
    except sqlite3.Error as exc:
        raise JournalError(journal, f"The backup {backup} cannot be read ({exc}); nothing was changed.") from None
    except OSError as exc:
        raise JournalError(journal, f"The backup could not be put in place ({exc.strerror}).") from None
    finally:
        incoming.unlink(missing_ok=True)
    return aside


def _new_replica(path: Path) -> None:
    """A journal put back from a backup may repeat version numbers its bundles already handed out: it gets
    a new replica id, so its next changes are never taken for ones other journals have seen."""
    from journal.store.versioning import REPLICA_KEY

    with closing(sqlite3.connect(path)) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_meta'").fetchone():
            db.execute(
                "INSERT OR REPLACE INTO journal_meta (key, value) VALUES (?, ?)", (REPLICA_KEY, str(uuid.uuid4()))
            )
            db.commit()


def _move_aside(journal: Path, name: str) -> Path | None:
    """Move the journal and its -wal/-shm to `name` (they keep belonging together); after a checkpoint when
    the file opens, so the moved file holds everything on its own."""
    if not journal.exists():
        return None
    with suppress(sqlite3.Error), closing(sqlite3.connect(f"{journal.as_uri()}?mode=rw", uri=True)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    aside = journal.with_name(name)
    for suffix in ("-wal", "-shm"):
        companion = journal.with_name(journal.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    os.replace(journal, aside)
    return aside


def read_only_uri(path: Path) -> str:
    """Read without writing: immutable when no -wal file is beside it (nothing is created next to it)."""
    wal = path.with_name(path.name + "-wal")
    return f"{path.absolute().as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entry list) to the disk, so a crash after the rename keeps the copy."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
