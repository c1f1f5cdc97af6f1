"""Opening journal files: new, existing, and every kind of file that must be refused untouched."""

from __future__ import annotations

import ctypes
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from journal.store import migrate, stories
from journal.store.database import APPLICATION_ID, backup_file, open_journal
from journal.store.errors import (
    JournalTooNewError,
    JournalUnreadableError,
    NotAJournalError,
)
from journal.store.stories import StoryCreate


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_story(journal, title: str = "Courier pickup") -> str:  # type: ignore[no-untyped-def]
    with journal.write() as session:
        return stories.create_story(StoryCreate(title=title), session=session).id


def test_a_new_journal_is_a_wal_sqlite_file_marked_as_a_journal(journal_path: Path) -> None:
    journal = open_journal(journal_path)
    add_story(journal)
    with journal.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert migrate.current_revision(connection) == migrate.head_revision()
    journal.close()
    with sqlite3.connect(journal_path) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("SELECT title FROM story").fetchall() == [("Courier pickup",)]


def test_reopening_keeps_the_stories(journal_path: Path) -> None:
    first = open_journal(journal_path)
    story_id = add_story(first)
    first.close()
    again = open_journal(journal_path)
    with again.session() as session:
        assert stories.get_story(story_id, session=session).title == "Courier pickup"
    again.close()
    assert not journal_path.with_name(journal_path.name + ".backups").exists(), "no migration, no backup"


def test_writes_take_the_lock_up_front(journal_path: Path) -> None:
    journal = open_journal(journal_path)
    with journal.write() as session:
        add_story_in = stories.create_story(StoryCreate(title="x"), session=session)
        assert add_story_in.id
        # While a write transaction is open, another writer cannot start one.
        other = sqlite3.connect(journal_path, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    journal.close()


@pytest.mark.parametrize(
    "content",
    [
        b"Dear diary,\nthis is a text file.\n",
        bytes(range(256)) * 40,
        b"SQLite format 3\x00" + b"\xff" * 10,  # truncated header
        b"%PDF-1.7\n" + b"0" * 5000,
    ],
    ids=["text", "binary", "truncated-sqlite", "pdf"],
)
def test_a_file_that_is_not_a_journal_is_refused_untouched(journal_path: Path, content: bytes) -> None:
    journal_path.write_bytes(content)
    before = digest(journal_path)
    with pytest.raises(NotAJournalError, match="not a Story Journal") as raised:
        open_journal(journal_path)
    assert str(journal_path) in str(raised.value)
    assert digest(journal_path) == before
    assert sorted(p.name for p in journal_path.parent.iterdir()) == [journal_path.name]


def test_another_programs_database_is_refused_untouched(journal_path: Path) -> None:
    with sqlite3.connect(journal_path) as other:
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        other.execute("INSERT INTO invoices (total) VALUES (12.5)")
    before = digest(journal_path)
    with pytest.raises(NotAJournalError, match="another program"):
        open_journal(journal_path)
    assert digest(journal_path) == before


def test_a_journal_from_a_newer_version_is_refused_untouched(journal_path: Path) -> None:
    journal = open_journal(journal_path)
    add_story(journal)
    with journal.write() as session:
        session.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    journal.close()
    files_before = {p.name: digest(p) for p in journal_path.parent.iterdir()}
    with pytest.raises(JournalTooNewError, match="newer version of Story Journal") as raised:
        open_journal(journal_path)
    assert "not changed" in str(raised.value)
    assert {p.name: digest(p) for p in journal_path.parent.iterdir()} == files_before


def test_a_folder_or_a_missing_folder_gets_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(JournalUnreadableError, match="is a folder"):
        open_journal(tmp_path)
    with pytest.raises(JournalUnreadableError, match="does not exist"):
        open_journal(tmp_path / "no-such-folder" / "x.journal")


def _without_root_override() -> None:
    """Root ignores file permissions; drop the capabilities that let it, so read-only means read-only."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_without_permission_override(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    preexec = _without_root_override if os.geteuid() == 0 else None
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=folder,
        check=False,
        preexec_fn=preexec,
    )


def test_a_read_only_journal_is_not_written_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "team.journal"
    journal = open_journal(path)
    add_story(journal, "Read me")
    journal.close()
    for name in os.listdir(folder):
        os.chmod(folder / name, 0o444)
    os.chmod(folder, 0o555)
    before = digest(path)
    code = (
        "from pathlib import Path\n"
        "from journal.store.database import open_journal\n"
        "from journal.store.errors import JournalReadOnlyError\n"
        "from journal.store import listing\n"
        f"path = Path({str(path)!r})\n"
        "try:\n"
        "    open_journal(path)\n"
        "except JournalReadOnlyError as error:\n"
        "    print('REFUSED', error)\n"
        "j = open_journal(path, read_only_ok=True)\n"
        "with j.session() as s:\n"
        "    print('TITLES', [r.title for r in listing.list_rows(session=s)])\n"
        "try:\n"
        "    with j.write() as s: pass\n"
        "except JournalReadOnlyError as error:\n"
        "    print('WRITE REFUSED', error)\n"
    )
    try:
        result = run_without_permission_override(code, tmp_path)
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 0, result.stderr
    assert "REFUSED" in result.stdout and "read-only" in result.stdout
    assert "TITLES ['Read me']" in result.stdout
    assert "WRITE REFUSED" in result.stdout
    assert digest(path) == before


def test_backup_is_a_complete_consistent_copy(journal_path: Path) -> None:
    journal = open_journal(journal_path)
    for number in range(25):
        add_story(journal, f"Story {number}")
    copy = backup_file(journal_path, "manual")
    journal.close()
    assert copy.parent == journal_path.with_name("test.journal.backups")
    with sqlite3.connect(copy) as raw:
        assert raw.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT count(*) FROM story").fetchone()[0] == 25
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_an_empty_file_becomes_a_journal(journal_path: Path) -> None:
    journal_path.touch()
    journal = open_journal(journal_path)
    add_story(journal)
    journal.close()
    with sqlite3.connect(journal_path) as raw:
        assert raw.execute("SELECT count(*) FROM story").fetchone()[0] == 1


def test_read_only_open_of_a_missing_journal_still_creates_nothing_unasked(tmp_path: Path) -> None:
    # `journal list` on a journal that does not exist yet creates it (the folder is writable).
    path = tmp_path / "fresh.journal"
    journal = open_journal(path, read_only_ok=True)
    assert not journal.read_only
    journal.close()
    assert path.exists()


def test_an_unreadable_journal_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "secret.journal"
    journal = open_journal(path)
    add_story(journal)
    journal.close()
    os.chmod(path, 0o000)
    before_mode = path.stat().st_mode
    code = (
        "from pathlib import Path\n"
        "from journal.store.database import open_journal\n"
        "from journal.store.errors import JournalUnreadableError\n"
        "try:\n"
        f"    open_journal(Path({str(path)!r}))\n"
        "except JournalUnreadableError as error:\n"
        "    print('REFUSED', error)\n"
    )
    try:
        result = run_without_permission_override(code, tmp_path)
    finally:
        os.chmod(path, 0o644)
    assert result.returncode == 0, result.stderr
    assert "REFUSED" in result.stdout and "permission denied" in result.stdout
    assert before_mode & 0o777 == 0
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM story").fetchone()[0] == 1
