"""Backups: verified copies made with SQLite's backup API, the rotation, and restores that keep the current file."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from journal.store import backups
from journal.store.backups import BackupInfo, list_backups, make_backup, newest_good_backup, restore, to_delete
from journal.store.database import open_journal
from journal.store.errors import JournalError
from tests.damage import digest, flip_bytes, make_journal


def titles(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM story ORDER BY title")]


def test_a_backup_is_verified_complete_and_listed(journal_path: Path) -> None:
    make_journal(journal_path, 30)
    before = digest(journal_path)
    info = make_backup(journal_path)
    assert info.stories == 30 and info.label == "manual"
    assert info.path.parent == journal_path.with_name("test.journal.backups")
    assert backups.quick_check(info.path) == ""
    assert titles(info.path) == titles(journal_path)
    assert [entry.path for entry in list_backups(journal_path)] == [info.path]
    assert list(info.path.parent.iterdir()) == [info.path], "no temporary file is left behind"
    assert digest(journal_path) == before, "backing up does not change the journal"


def test_a_backup_of_an_open_journal_holds_its_latest_commits(journal_path: Path) -> None:
    make_journal(journal_path, 5)
    journal = open_journal(journal_path)  # WAL: the new story is in the -wal file, not the main file
    from journal.store.stories import StoryCreate, create_story

    with journal.write() as session:
        create_story(StoryCreate(title="Written just now"), session=session)
    info = make_backup(journal_path)
    journal.close()
    assert info.stories == 6
    assert "Written just now" in titles(info.path)


def test_a_damaged_journal_gives_no_backup_and_a_plain_error(journal_path: Path) -> None:
    make_journal(journal_path)
    flip_bytes(journal_path)
    before = digest(journal_path)
    with pytest.raises(JournalError, match=r"did not check out|could not be backed up"):
        make_backup(journal_path)
    assert list_backups(journal_path) == []
    assert not any(backups.backup_folder(journal_path).iterdir()), "no partial copy is left"
    assert digest(journal_path) == before


def _fake(path: Path, created: dt.datetime, label: str = "daily") -> BackupInfo:
    return BackupInfo(path / f"{created:%Y%m%d%H%M}-{label}", created, label, 1, 1)


# Days and weeks are the user's own (local) ones; the rotation must hold in any time zone, including ones far
# from UTC on either side and one with a daylight-saving change inside the 60 days below.
TIME_ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "America/St_Johns"]


@pytest.fixture(params=TIME_ZONES)
def local_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not Path("/usr/share/zoneinfo", request.param).exists() and request.param != "UTC":
        pytest.fail(f"time zone {request.param} missing: install the tzdata package")
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_rotation_keeps_seven_days_four_weeks_recent_migrations_and_the_newest(local_zone: str) -> None:
    now = dt.datetime(2026, 11, 23, 12).astimezone()  # noon, local time
    folder = Path("/nowhere")
    daily = [_fake(folder, now - dt.timedelta(days=day, hours=hour)) for day in range(60) for hour in (0, 5)]
    migrations = [_fake(folder, now - dt.timedelta(days=days), "before-0005") for days in (2, 40, 90)]
    deleted = {info.path for info in to_delete([*daily, *migrations], now)}
    kept = [info for info in [*daily, *migrations] if info.path not in deleted]
    kept_daily = sorted((info.created for info in kept if info.label == "daily"), reverse=True)
    # The newest of each of the last 7 days, and of each of the last 4 weeks (some weeks share a day).
    assert kept_daily[:7] == [now - dt.timedelta(days=day) for day in range(7)]
    weeks = {info.astimezone().isocalendar()[:2] for info in kept_daily}
    assert len(weeks) == 4 and len(kept_daily) <= 7 + 4
    assert {info.created for info in kept if info.label != "daily"} == {now - dt.timedelta(days=2)}
    # Alone, the only (old) migration copy is kept.
    assert to_delete([migrations[-1]], now) == []


def test_prune_deletes_real_files_beyond_the_rotation(journal_path: Path) -> None:
    make_journal(journal_path, 3)
    first = make_backup(journal_path, "daily")
    folder = first.path.parent
    for days in range(1, 20):
        stamp = (first.created - dt.timedelta(days=days)).strftime("%Y%m%dT%H%M%S%fZ")
        shutil.copy(first.path, folder / f"test-{stamp}-daily.journal")
    deleted = backups.prune(journal_path)
    remaining = list_backups(journal_path)
    assert remaining[0].path == first.path
    assert len(remaining) + len(deleted) == 20
    assert 7 <= len(remaining) <= 11


def test_restore_puts_the_backup_in_place_and_keeps_the_current_file(journal_path: Path) -> None:
    make_journal(journal_path, 4)
    info = make_backup(journal_path)
    journal = open_journal(journal_path)
    from journal.store.stories import StoryCreate, create_story

    with journal.write() as session:
        create_story(StoryCreate(title="After the backup"), session=session)
    journal.close()
    aside = restore(journal_path, info.path)
    assert aside is not None and aside.name.startswith("test.before-restore-") and aside.suffix == ".journal"
    assert "After the backup" in titles(aside), "the file that was replaced is kept, with everything in it"
    assert "After the backup" not in titles(journal_path)
    assert len(titles(journal_path)) == 4
    assert not journal_path.with_name("test.journal-wal").exists()
    reopened = open_journal(journal_path)
    reopened.close()
    replica = "SELECT value FROM journal_meta WHERE key = 'replica_id'"
    with closing(sqlite3.connect(info.path)) as old, closing(sqlite3.connect(journal_path)) as new:
        assert old.execute(replica).fetchone() != new.execute(replica).fetchone(), "a put-back journal gets a new id"


def test_a_damaged_backup_is_refused_and_nothing_changes(journal_path: Path) -> None:
    make_journal(journal_path)
    info = make_backup(journal_path)
    flip_bytes(info.path)
    before = digest(journal_path)
    with pytest.raises(JournalError, match=r"damaged|cannot be read"):
        restore(journal_path, info.path)
    assert digest(journal_path) == before
    assert sorted(p.name for p in journal_path.parent.iterdir() if p.is_file()) == ["test.journal"]


def test_the_newest_good_backup_skips_a_damaged_newer_one(journal_path: Path) -> None:
    make_journal(journal_path)
    good = make_backup(journal_path)
    bad = make_backup(journal_path)
    flip_bytes(bad.path)
    found = newest_good_backup(journal_path)
    assert found is not None and found.path == good.path


def test_a_daily_backup_is_made_once_a_day(journal_path: Path) -> None:
    make_journal(journal_path, 2)
    first = backups.daily_backup(journal_path)
    assert first is not None and first.label == "daily"
    assert backups.daily_backup(journal_path) is None
    assert len(list_backups(journal_path)) == 1
