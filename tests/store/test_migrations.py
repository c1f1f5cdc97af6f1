"""Every Alembic revision runs on a real file, from empty, and the result matches the SQLModel tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from journal.store import case_studies, change_mark, listing, migrate, search, stories
from journal.store.database import SCHEMA_HEAD, _make_engine, open_journal
from journal.store.stories import StoryCreate
from tests.store.old_journals import journal_at, revisions_oldest_first

OLD_STORY = (
    "INSERT INTO story (id, title, created_at, updated_at) VALUES ('a', 'Old story', '2020-01-01', '2020-01-01')"
)


def test_the_head_the_store_expects_is_the_newest_script() -> None:
    assert migrate.head_revision() == SCHEMA_HEAD


def test_every_revision_upgrades_from_empty_one_step_at_a_time(journal_path: Path) -> None:
    sqlite3.connect(journal_path).close()
    engine = _make_engine(journal_path, read_only=False)
    for revision in revisions_oldest_first():
        with engine.begin() as connection:
            migrate.upgrade(connection, revision)
            assert migrate.current_revision(connection) == revision
    engine.dispose()


def test_the_migrated_schema_is_exactly_the_models(journal_path: Path) -> None:
    open_journal(journal_path).close()
    engine = _make_engine(journal_path, read_only=False)
    with engine.connect() as connection:
        # The search index and the change mark are raw SQLite (tables kept by triggers, journal/store/search.py,
        # journal/store/change_mark.py), not SQLModel tables.
        def ours(name: str | None, type_: str, _parents: object) -> bool:
            return not (type_ == "table" and name and name.startswith((*search.OWN_TABLES, change_mark.TABLE)))

        context = MigrationContext.configure(connection, opts={"include_name": ours})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_nothing_and_up_again(journal_path: Path) -> None:
    open_journal(journal_path).close()
    engine = _make_engine(journal_path, read_only=False)
    with engine.begin() as connection:
        migrate.downgrade(connection, "base")
        tables = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").scalars().all()
        assert set(tables) <= {"alembic_version"}
        migrate.upgrade(connection)
    engine.dispose()
    journal = open_journal(journal_path)
    with journal.write() as session:
        stories.create_story(StoryCreate(title="After the round trip"), session=session)
    journal.close()


@pytest.mark.parametrize("start", [None, *revisions_oldest_first()[:-1]], ids=lambda r: f"from-{r or 'empty'}")
def test_opening_a_journal_from_any_earlier_revision_brings_it_to_head_keeping_its_stories(
    journal_path: Path, start: str | None
) -> None:
    written = (
        (
            OLD_STORY,
            "INSERT INTO tag (id, name, created_at) VALUES ('t', 'kept-tag', '2020-01-01')",
            "INSERT INTO story_tag (story_id, tag_id) VALUES ('a', 't')",
            "INSERT INTO coverage_link (id, story_id, url, created_at, updated_at)"
            " VALUES ('l', 'a', 'https://example.com', '2020-01-01', '2020-01-01')",
        )
        if start is not None
        else ()
    )
    journal_at(journal_path, start, *written)
    titles = ["Old story"] if start is not None else []
    journal = open_journal(journal_path)
    with journal.session() as session:
        assert [row.title for row in listing.list_rows(session=session)] == titles
        assert migrate.current_revision(session.connection()) == migrate.head_revision()
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        if titles:  # rebuilding the story table must not cascade into its tags and links
            story = stories.get_story("a", session=session)
            assert story.tags == ["kept-tag"] and [link.url for link in story.links] == ["https://example.com"]
    journal.close()
    backups = journal_path.with_name(journal_path.name + ".backups")
    assert backups.exists() == (start is not None), "an upgrade of a journal with stories is backed up first"


@pytest.mark.parametrize("start", revisions_oldest_first()[:-1], ids=lambda r: f"from-{r}")
def test_after_upgrading_every_trigger_on_stories_still_fires(journal_path: Path, start: str) -> None:
    """Batch migrations drop triggers: after an upgrade from any revision, an edit still reaches the team sync's
    version vectors and tombstones, FTS5, the search index's change log and the count of stories."""
    journal_at(journal_path, start, OLD_STORY)
    journal = open_journal(journal_path)

    def one(sql: str) -> object:
        with journal.session() as session:
            return session.connection().exec_driver_sql(sql).scalar()

    replica = one("SELECT value FROM journal_meta WHERE key = 'replica_id'")
    mine = f"""SELECT json_extract(version, '$."{replica}"') FROM story WHERE id = 'a'"""
    noted = f"SELECT seq FROM {search.CHANGE_TABLE} WHERE story_id = 'a'"
    live = f"SELECT n FROM {search.COUNT_TABLE}"
    before, noted_before = one(mine) or 0, one(noted) or 0
    assert one(live) == 1
    with journal.write() as session:
        stories.update_story("a", {"title": "Edited after the upgrade"}, session=session)
    assert one(mine) == before + 1, "the version trigger counts the edit"
    assert one(noted) > noted_before, "the search index's change log notes the edit"
    with journal.session() as session:
        found = listing.list_rows(session=session, query=listing.StoryQuery(text="edited upgrade"))
    assert [row.title for row in found] == ["Edited after the upgrade"]
    with journal.write() as session:
        stories.set_story_tags("a", ["after"], session=session)
        study = case_studies.create_case_study("Study", session=session, story_ids=["a"])
    tagged = one(mine)
    assert isinstance(tagged, int) and tagged > before + 1, "a tag change counts too"
    assert one(f"SELECT version FROM case_study WHERE id = '{study.id}'") not in (None, "{}")
    with journal.write() as session:
        case_studies.delete_case_study(study.id, session=session)
        stories.delete_story("a", session=session)
    assert one(live) == 0, "the count follows the story into the bin"
    assert one(f"SELECT count(*) FROM case_study_tombstone WHERE case_study_id = '{study.id}'") == 1
    with journal.write() as session:
        stories.purge_deleted(session=session)
    tombstone = one(f"""SELECT json_extract(version, '$."{replica}"') FROM tombstone WHERE story_id = 'a'""")
    assert isinstance(tombstone, int) and tombstone > tagged, "deleting for good is a change of its own"
    journal.close()
