"""A laptop's first sync writes the stories it has never had many rows at a time, with the journal's triggers
dropped for each page, then indexes them. The journal it leaves must be the one the author wrote story by story
through the triggers: every row as stored, the FTS5 rows, what a search finds (FTS5, and the derived index caught
up from the change log), and the count of stories. Real server, real PostgreSQL, real journal files."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.store import search, stories
from journal.store.database import Journal
from journal.store.models import LinkSnapshot, Reading
from journal.store.search_index import SearchIndex
from journal.sync import engine
from tests.bundles.helpers import dump
from tests.server.conftest import Laptop, Server, add_user
from tests.store.test_search_index import QUERIES, fill, fts5_ids, index_ids

FTS_ROWS = f"""SELECT d.story_id, f.title, f.tags, f.people, f.body, f.coverage
    FROM {search.FTS_TABLE} f JOIN {search.DOC_TABLE} d ON d.id = f.rowid ORDER BY d.story_id"""


def fts_rows(journal: Journal) -> list[tuple[object, ...]]:
    """Each story's FTS5 row; its tags' words sorted (SQLite concatenates a story's tags in no set order)."""
    with journal.session() as session:
        rows = session.connection().exec_driver_sql(FTS_ROWS)
        return [(story_id, title, sorted((tags or "").split()), *rest) for story_id, title, tags, *rest in rows]


def live_count(journal: Journal) -> int:
    with journal.session() as session:
        return search.live_stories(session.connection())


def write_stories(laptop: Laptop) -> list[str]:
    """Stories with tags, links, coverage snapshots (one fetched on a whole second), readings, dates and costs."""
    ids = fill(laptop.journal, 23)
    with laptop.journal.write() as session:
        for number, story_id in enumerate(ids[:9]):
            link = stories.add_link(
                story_id,
                stories.CoverageLinkBase(url=f"https://news.example.com/{number}", title=f"Zeppelin report {number}"),
                session=session,
            )
            fetched = dt.datetime(2026, 1, 2, 3, 4, 5 + number, 0 if number == 0 else 123456 + number, tzinfo=dt.UTC)
            text = f"Café crème for the courier № {number}. " * (1 + number * 50)
            session.add(LinkSnapshot(link_id=link.id, url=link.url, fetched_at=fetched, title="Report", text=text))
            session.add(Reading(story_id=story_id, link_id=link.id, metric="comments", value=40 + number))
            stories.update_story(story_id, {"cost_cents": 1250 * number, "currency": "EUR"}, session=session)
    return ids


def test_a_first_sync_in_bulk_leaves_the_authors_journal_and_search(
    server: Server, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PULL_PAGE", 5)  # several pages, each applied on its own
    add_user(server.db_url, "anna@example.com")
    anna, new_laptop = laptops["anna"], laptops["anna-new-laptop"]
    anna.join(server.url, "anna@example.com")
    ids = write_stories(anna)
    assert anna.sync().pushed == len(ids)

    new_laptop.join(server.url, "anna@example.com")
    index = SearchIndex(new_laptop.path)
    index.rebuild()  # empty, and watching the change log from here on
    result = new_laptop.sync()
    assert (result.pulled, result.conflicts) == (len(ids), 0)

    assert dump(new_laptop.journal, with_tag_ids=False) == dump(anna.journal, with_tag_ids=False)
    assert fts_rows(new_laptop.journal) == fts_rows(anna.journal)
    assert len(fts_rows(new_laptop.journal)) == len(ids)
    assert live_count(new_laptop.journal) == live_count(anna.journal) == len(ids)
    index.catch_up()
    for text in [*QUERIES, "zeppelin", "crème courier", "EUR"]:
        found = fts5_ids(new_laptop.journal, text)
        assert found == fts5_ids(anna.journal, text), text
        assert sorted(index_ids(new_laptop.journal, index, text)) == sorted(found), text
    assert fts5_ids(new_laptop.journal, "zeppelin")  # the searches above found something
