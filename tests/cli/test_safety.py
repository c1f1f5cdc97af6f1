"""`journal backup | backups | restore | check` end to end, on real journals and real damaged files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.helpers import one_line_error, run, succeeded, user_env
from tests.damage import DAMAGES, NOT_JOURNALS, digest, make_journal


def journal_cmd(tmp_path: Path, path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(["--journal", str(path), *args], env=user_env(tmp_path / "home"), cwd=tmp_path)


def test_backup_list_restore_and_check(tmp_path: Path, journal_path: Path) -> None:
    make_journal(journal_path, 8)
    out = succeeded(journal_cmd(tmp_path, journal_path, "backup"))
    assert out.startswith("Backed up 8 stories to ") and "(verified)" in out
    copy = tmp_path / "elsewhere.journal"
    assert f"to {copy}" in succeeded(journal_cmd(tmp_path, journal_path, "backup", str(copy)))
    succeeded(journal_cmd(tmp_path, journal_path, "add", "--title", "Written after the backup"))
    listed = json.loads(succeeded(journal_cmd(tmp_path, journal_path, "backups", "--json")))
    assert [(entry["number"], entry["stories"], entry["label"]) for entry in listed] == [(1, 8, "manual")]
    assert "8 stories" in succeeded(journal_cmd(tmp_path, journal_path, "backups"))

    out = succeeded(journal_cmd(tmp_path, journal_path, "restore", "1"))
    aside = Path(out.split("kept as ")[1].strip().rstrip("."))
    with closing(sqlite3.connect(aside)) as conn:
        assert conn.execute("SELECT count(*) FROM story WHERE title = 'Written after the backup'").fetchone() == (1,)
    assert "Written after the backup" not in succeeded(journal_cmd(tmp_path, journal_path, "list"))
    assert "is sound: 8 stories" in succeeded(journal_cmd(tmp_path, journal_path, "check"))


def test_backup_and_restore_refuse_plainly(tmp_path: Path, journal_path: Path) -> None:
    make_journal(journal_path, 2)
    error = one_line_error(journal_cmd(tmp_path, journal_path, "restore", "3"), 1)
    assert error == "journal: There is no backup number 3; `journal backups` lists 0."
    existing = tmp_path / "taken.journal"
    existing.write_text("mine")
    error = one_line_error(journal_cmd(tmp_path, journal_path, "backup", str(existing)), 1)
    assert "already exists" in error and existing.read_text() == "mine"
    error = one_line_error(journal_cmd(tmp_path, tmp_path / "none.journal", "backup"), 1)
    assert "There is no journal at" in error
    assert "No backups of" in succeeded(journal_cmd(tmp_path, journal_path, "backups"))


@pytest.mark.parametrize("damage", list(DAMAGES.values()), ids=list(DAMAGES))
def test_damaged_files_get_plain_words_and_stay_as_they_are(
    tmp_path: Path, journal_path: Path, damage: Callable[[Path], None]
) -> None:
    make_journal(journal_path)
    damage(journal_path)
    before = digest(journal_path)
    checked = journal_cmd(tmp_path, journal_path, "check")
    assert checked.returncode == 1 and checked.stdout == ""
    assert "damaged" in checked.stderr or "not a Story Journal" in checked.stderr
    listed = journal_cmd(tmp_path, journal_path, "list")
    error = one_line_error(listed, 1)
    assert "damaged" in error or "not a Story Journal" in error
    for result in (checked, listed):
        assert "Traceback" not in result.stderr
    assert digest(journal_path) == before
    assert sorted(p.name for p in journal_path.parent.iterdir() if p.name.startswith("test")) == ["test.journal"]


@pytest.mark.parametrize("make", list(NOT_JOURNALS.values()), ids=list(NOT_JOURNALS))
def test_other_files_are_named_as_such(tmp_path: Path, journal_path: Path, make: Callable[[Path], None]) -> None:
    make(journal_path)
    before = digest(journal_path)
    for command in ("check", "list", "backup"):
        result = journal_cmd(tmp_path, journal_path, command)
        assert result.returncode == 1 and "is not a Story Journal file" in result.stderr, result.stderr
    assert digest(journal_path) == before


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE story SET title = title")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@pytest.mark.slow
def test_a_writer_waits_for_another_process_instead_of_failing(tmp_path: Path, journal_path: Path) -> None:
    """Another process holds the write lock longer than the busy timeout (10 s): `journal add` retries."""
    make_journal(journal_path, 1)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(journal_path), "11"], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        added = journal_cmd(tmp_path, journal_path, "add", "--title", "Waited for the lock")
        assert holder.wait(timeout=30) == 0
    assert succeeded(added).strip()
    assert time.monotonic() - started > 10, "the lock really was held while the command waited"
    assert "Waited for the lock" in succeeded(journal_cmd(tmp_path, journal_path, "list"))
