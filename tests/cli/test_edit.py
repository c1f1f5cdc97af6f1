"""`journal edit` changes only what is given; `journal delete` deletes for good with a tombstone."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.__main__ import main
from journal.store import stories
from journal.store.database import open_journal


def run(path: Path, *args: str) -> int:
    return main(["--journal", str(path), *args])


def test_edit_changes_only_the_options_given(journal_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(journal_path, "add", "--title", "Late return", "--outcome", "A blog post", "--tag", "retail") == 0
    story_id = capsys.readouterr().out.strip()
    assert run(journal_path, "edit", story_id[:8], "--situation", "She asked for time", "--tag", "kids") == 0
    assert "situation, tags" in capsys.readouterr().out
    assert run(journal_path, "edit", story_id[:8], "--situation", "She asked for time") == 0
    assert "Nothing changed" in capsys.readouterr().out
    journal = open_journal(journal_path)
    with journal.session() as session:
        story = stories.get_story(story_id, session=session)
    journal.close()
    assert (story.title, story.situation, story.outcome, story.tags) == (
        "Late return",
        "She asked for time",
        "A blog post",
        ["kids"],
    )


def test_edit_refuses_what_add_refuses(journal_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(journal_path, "add", "--title", "Late return")
    story_id = capsys.readouterr().out.strip()
    with pytest.raises(SystemExit) as refused:
        run(journal_path, "edit", story_id, "--occurred", "yesterday")
    assert refused.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err
    assert run(journal_path, "edit", story_id, "--cost", "12") == 2
    assert "--currency" in capsys.readouterr().err
    assert run(journal_path, "edit", "ffffffff", "--title", "x") == 1
    assert "No story has the id" in capsys.readouterr().err


def test_delete_keeps_a_tombstone(journal_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(journal_path, "add", "--title", "Gone soon")
    story_id = capsys.readouterr().out.strip()
    assert run(journal_path, "delete", story_id) == 0
    assert "for good" in capsys.readouterr().out
    journal = open_journal(journal_path)
    with journal.session() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("SELECT count(*) FROM story").scalar() == 0
        assert connection.exec_driver_sql("SELECT story_id FROM tombstone").scalar() == story_id
    journal.close()
