"""NUL characters: removed wherever text enters the journal (typed, imported, fetched, received), removed from
journals that earlier versions let store them (migration 0007), and so never exported."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from journal.store import migrate, search
from journal.store.database import APPLICATION_ID, _make_engine, open_journal
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate, add_link, create_story, update_story
from tests.cli.helpers import run, succeeded, user_env

OLD = "0006"
STORY = "00000000-0000-4000-8000-000000000001"


def every_text_with_nul(path: Path) -> list[tuple[str, str]]:
    found = []
    with sqlite3.connect(path) as raw:
        tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in [name for name in tables if not name.startswith(search.OWN_TABLES)]:  # FTS keeps binary
            columns = raw.execute(f'PRAGMA table_info("{table}")').fetchall()
            for column in [row[1] for row in columns if "BLOB" not in str(row[2]).upper()]:
                sql = f'SELECT count(*) FROM "{table}" WHERE instr(CAST("{column}" AS BLOB), X\'00\') > 0'
                if raw.execute(sql).fetchone()[0]:
                    found.append((table, column))
    return found


def test_text_written_through_the_store_loses_its_nul_characters(journal_path: Path) -> None:
    journal = open_journal(journal_path)
    with journal.write() as session:
        story = create_story(StoryCreate(title="Caf\x00e", situation="a\x00b", tags=["t\x00ag"]), session=session)
        add_link(story.id, CoverageLinkBase(url="https://example.com/\x00x", title="T\x00"), session=session)
        update_story(story.id, {"outcome": "\x00done\x00"}, session=session)
    journal.close()
    assert every_text_with_nul(journal_path) == []
    with sqlite3.connect(journal_path) as raw:
        assert raw.execute("SELECT title, situation, outcome FROM story").fetchall() == [("Cafe", "ab", "done")]
        assert raw.execute("SELECT name FROM tag").fetchall() == [("tag",)]


def test_a_journal_that_stored_nul_characters_is_cleaned_when_opened_and_exports_none(tmp_path: Path) -> None:
    path = tmp_path / "old.journal"
    sqlite3.connect(path).close()
    engine = _make_engine(path, read_only=False)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate.upgrade(connection, OLD)
    engine.dispose()
    with sqlite3.connect(path) as raw:  # as an earlier version wrote them, past today's checks
        raw.execute(
            "INSERT INTO story (id, title, situation, status, consent, created_at, updated_at) "
            "VALUES (?, ?, ?, 'approved', 'named', '2020-01-01', '2020-01-01')",
            (STORY, "Caf\x00e cr\x00eme", "The \x00waiter"),
        )
        raw.execute(
            "INSERT INTO coverage_link (id, story_id, url, title, created_at, updated_at) "
            "VALUES (?, ?, 'https://example.com/a', ?, '2020-01-01', '2020-01-01')",
            ("00000000-0000-4000-8000-000000000002", STORY, "Po\x00st"),
        )
    assert every_text_with_nul(path) != []
    env = user_env(tmp_path / "home")
    listed = succeeded(run(["--journal", str(path), "list", "--search", "waiter"], env=env, cwd=tmp_path))
    assert "Cafe creme" in listed
    assert every_text_with_nul(path) == []
    markdown = succeeded(run(["--journal", str(path), "export-story", "00000000"], env=env, cwd=tmp_path))
    assert "\x00" not in markdown and "Cafe creme" in markdown
    bundle = tmp_path / "out.sjbundle"
    succeeded(run(["--journal", str(path), "bundle", "export", str(bundle)], env=env, cwd=tmp_path))
    with zipfile.ZipFile(bundle) as archive:
        document = archive.read("bundle.json")
    assert b"\x00" not in document and b"\\u0000" not in document and b"Cafe creme" in document
