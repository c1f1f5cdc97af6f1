"""`check_journal`: SQLite's and FTS5's integrity checks on real damaged files, never changing them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from journal.store.integrity import check_journal
from tests.damage import DAMAGES, NOT_JOURNALS, digest, make_journal


def test_a_sound_journal_passes(journal_path: Path) -> None:
    make_journal(journal_path, 12)
    report = check_journal(journal_path)
    assert report.sound, report.problems
    assert report.stories == 12
    assert "is sound: 12 stories" in report.summary()


@pytest.mark.parametrize("damage", list(DAMAGES.values()), ids=list(DAMAGES))
def test_damage_is_found_and_the_file_is_not_changed(journal_path: Path, damage: Callable[[Path], None]) -> None:
    make_journal(journal_path)
    damage(journal_path)
    before = digest(journal_path)
    report = check_journal(journal_path)
    assert not report.sound
    assert "damaged" in report.summary() or "not a Story Journal" in report.summary()
    assert "Traceback" not in report.summary()
    assert digest(journal_path) == before
    assert sorted(p.name for p in journal_path.parent.iterdir()) == ["test.journal"]


@pytest.mark.parametrize("make", list(NOT_JOURNALS.values()), ids=list(NOT_JOURNALS))
def test_another_kind_of_file_is_named_as_such(journal_path: Path, make: Callable[[Path], None]) -> None:
    make(journal_path)
    report = check_journal(journal_path)
    assert report.problems == [
        f"{journal_path} is not a Story Journal file (it is not a database). Choose another journal file."
    ]


def test_a_search_index_out_of_step_is_found(journal_path: Path) -> None:
    make_journal(journal_path, 20)
    with closing(sqlite3.connect(journal_path)) as conn:  # as a buggy tool would: behind the triggers' back
        conn.execute("DELETE FROM story_fts WHERE rowid IN (SELECT rowid FROM story_fts LIMIT 3)")
        conn.commit()
    report = check_journal(journal_path)
    assert len(report.problems) == 1 and "search index" in report.problems[0]
    assert "17 indexed, 20 stories" in report.problems[0]


def test_a_damaged_search_index_is_found(journal_path: Path) -> None:
    make_journal(journal_path, 50)
    with closing(sqlite3.connect(journal_path)) as conn:
        conn.execute("UPDATE story_fts_data SET block = zeroblob(length(block)) WHERE id > 10")
        conn.commit()
    before = digest(journal_path)
    report = check_journal(journal_path)
    assert any("search index" in problem for problem in report.problems), report.problems
    assert digest(journal_path) == before


def test_a_missing_file_is_said_plainly(tmp_path: Path) -> None:
    report = check_journal(tmp_path / "gone.journal")
    assert report.problems == [f"There is no file at {tmp_path / 'gone.journal'}. Check the path, or restore a backup."]
