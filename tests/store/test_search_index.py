"""The search index derived from the journal (journal/store/search_index.py): it finds what FTS5 finds, ranks a
title above a body, catches up from the change log, survives a kill at any moment, and is rebuilt when it is
another journal's."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journal.store import listing, search, stories
from journal.store.database import Journal, open_journal
from journal.store.listing import StoryQuery
from journal.store.models import CoverageLinkBase
from journal.store.search_index import STATE_FILE, SearchIndex, folder_of
from journal.store.stories import StoryCreate

VOCABULARY = [
    "courier",
    "return",
    "flowers",
    "mother",
    "shoes",
    "refund",
    "apology",
    "giraffe",
    "bread",
    "letter",
    "seating",
    "airline",
    "hotel",
    "booking",
    "receive",
    "received",
    "receipt",
    "recipe",
    "bakery",
    "birthday",
    "cancelled",
    "cancellation",
    "wedding",
    "engagement",
    "delivery",
    "delivered",
    "driver",
    "snow",
    "storm",
    "replacement",
    "minifigure",
    "customer",
    "manager",
    "pickup",
    "parcel",
    "ticket",
    "upgrade",
]
TAGS = ("bereavement", "industry/retail", "industry/airline", "kids", "went-viral", "small-gesture")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(low, high)))


def fill(journal: Journal, count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    with journal.write() as session:
        return [
            stories.create_story(
                StoryCreate(
                    title=_sentence(rng, 2, 6).capitalize(),
                    organization=rng.choice(["Zappos", "Southwest Airlines", "LEGO", "Sainsbury's", "Café Crème"]),
                    situation=_sentence(rng, 5, 30),
                    outcome=_sentence(rng, 0, 20),
                    tags=rng.sample(TAGS, rng.randint(0, 3)),
                    links=[
                        CoverageLinkBase(url=f"https://example.com/{n}/{k}", title=_sentence(rng, 2, 5))
                        for k in range(rng.randint(0, 2))
                    ],
                    occurred=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(3000)),
                ),
                session=session,
            ).id
            for n in range(count)
        ]


def fts5_ids(journal: Journal, text: str) -> list[str]:
    with journal.session() as session:
        return [row.id for row in listing.list_rows(session=session, query=StoryQuery(text=text), limit=-1)]


def index_ids(journal: Journal, index: SearchIndex, text: str) -> list[str]:
    with journal.session() as session:
        return [
            row.id for row in listing.list_rows(session=session, query=StoryQuery(text=text), limit=-1, index=index)
        ]


QUERIES = [
    "co",
    "cou",
    "courier",
    "cour ret",
    "mother shoes",
    "giraf",
    "receiv",
    "rec",
    "zappos",
    "cafe",
    "café crè",
    "airline",
    "industry",
    "went viral",
    "Southwest deliv",
    "nothing-like-this",
    "x",
    "7",
    "😀",
    '"NEAR( courier',
]


def test_the_index_finds_exactly_what_fts5_finds(journal: Journal) -> None:
    fill(journal, 300)
    index = SearchIndex(journal.path)
    assert not index.ready and index.needs_rebuild()
    assert index.rebuild() == 300
    for text in QUERIES:
        expected = fts5_ids(journal, text)
        found = index_ids(journal, index, text)
        assert sorted(found) == sorted(expected), text
        assert len(found) == len(set(found)), text
        with journal.session() as session:
            assert listing.count_stories(session=session, query=StoryQuery(text=text), index=index) == len(expected)
    assert len(fts5_ids(journal, "cou")) > 50, "the corpus has broad prefixes too"


def test_pages_of_the_index_follow_one_order(journal: Journal) -> None:
    fill(journal, 120)
    index = SearchIndex(journal.path)
    index.rebuild()
    everything = index_ids(journal, index, "co")
    with journal.session() as session:
        paged = []
        for offset in range(0, len(everything), 25):
            page = listing.list_rows(session=session, query=StoryQuery(text="co"), limit=25, offset=offset, index=index)
            paged += [row.id for row in page]
        assert paged == everything
        for story_id in everything[::17]:
            assert listing.row_of(story_id, session=session, query=StoryQuery(text="co"), index=index) == (
                everything.index(story_id)
            )


def test_a_title_match_ranks_above_a_body_match(journal: Journal) -> None:
    with journal.write() as session:
        for number in range(20):
            stories.create_story(
                StoryCreate(title=f"Something else {number}", situation="The courier was late."), session=session
            )
        stories.create_story(StoryCreate(title="The courier who waited"), session=session)
    index = SearchIndex(journal.path)
    index.rebuild()
    titles = [row.title for row in _rows(journal, index, "courier")]
    assert titles[0] == "The courier who waited" and len(titles) == 21


def _rows(journal: Journal, index: SearchIndex, text: str) -> list[listing.StoryRow]:
    with journal.session() as session:
        return listing.list_rows(session=session, query=StoryQuery(text=text), index=index)


def test_the_index_serves_old_results_until_it_catches_up(journal: Journal) -> None:
    ids = fill(journal, 50)
    index = SearchIndex(journal.path)
    index.rebuild()
    assert index.behind() == 0
    with journal.write() as session:
        stories.update_story(ids[0], {"title": "Parachute on the hotel roof"}, session=session)
        stories.delete_story(ids[1], session=session)
        new = stories.create_story(StoryCreate(title="A parachute lesson"), session=session).id
        session.connection().exec_driver_sql("UPDATE tag SET name = 'heartwarming' WHERE name = 'kids'")
    assert index.behind() >= 3
    assert index_ids(journal, index, "parachute") == [], "old results meanwhile"
    assert sorted(fts5_ids(journal, "parachute")) == sorted([ids[0], new]), "the journal's own index is current"
    index.catch_up()
    assert index.behind() == 0
    for text in ("parachute", "heartwarming", "kids", "co", "cou ret"):
        assert sorted(index_ids(journal, index, text)) == sorted(fts5_ids(journal, text)), text
    assert ids[1] not in index_ids(journal, index, "co")
    with journal.write() as session:
        stories.restore_story(ids[1], session=session)
        link = stories.add_link(
            ids[2], CoverageLinkBase(url="https://example.com/z", title="Zeppelin"), session=session
        )
    index.catch_up()
    assert index_ids(journal, index, "zeppelin") == [ids[2]]
    with journal.write() as session:
        stories.remove_link(link.id, session=session)
        stories.purge_deleted(session=session)
    index.catch_up()
    assert index_ids(journal, index, "zeppelin") == []
    assert sorted(index_ids(journal, index, "co")) == sorted(fts5_ids(journal, "co"))


def test_a_bulk_write_with_the_triggers_dropped_is_caught_up_too(journal: Journal) -> None:
    """As a bundle import writes: triggers dropped for the transaction, then refresh_stories()."""
    ids = fill(journal, 20)
    index = SearchIndex(journal.path)
    index.rebuild()
    with journal.write() as session:
        connection = session.connection()
        search.drop_triggers(connection)
        connection.exec_driver_sql("UPDATE story SET title = 'Kangaroo courier' WHERE id = ?", (ids[3],))
        search.refresh_stories(connection, [ids[3]])
        search.install_triggers(connection)
    index.catch_up()
    assert index_ids(journal, index, "kangaroo") == [ids[3]]


CHILD = """
import sys, time
from pathlib import Path
from journal.store.database import open_journal
from journal.store import stories
from journal.store.search_index import SearchIndex
path = Path(sys.argv[1])
journal = open_journal(path)
index = SearchIndex(path)
print("ready", flush=True)
number = 0
while True:
    number += 1
    with journal.write() as session:
        stories.create_story(stories.StoryCreate(title=f"Lighthouse keeper {number}"), session=session)
    index.catch_up()
"""


@pytest.mark.slow
def test_a_kill_at_any_moment_leaves_the_index_behind_never_wrong(journal_path: Path, tmp_path: Path) -> None:
    journal = open_journal(journal_path)
    fill(journal, 40)
    SearchIndex(journal_path).rebuild()
    journal.close()
    rng = random.Random(5)
    for _kill in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(journal_path)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        index = SearchIndex(journal_path)
        journal = open_journal(journal_path)
        assert not index.needs_rebuild()
        with journal.session() as session:
            newest = session.connection().exec_driver_sql("SELECT max(seq) FROM search_change").scalar()
        assert index.watermark <= newest, "the watermark is never ahead of the journal"
        held = set(index_ids(journal, index, "lighthouse"))
        assert held <= set(fts5_ids(journal, "lighthouse")), "what the index holds is in the journal"
        index.catch_up()
        assert sorted(index_ids(journal, index, "lighthouse")) == sorted(fts5_ids(journal, "lighthouse"))
        assert len(fts5_ids(journal, "lighthouse")) > 0
        index.close()
        journal.close()


def test_an_index_of_another_journal_or_of_its_future_is_rebuilt(journal: Journal, tmp_path: Path) -> None:
    fill(journal, 10)
    index = SearchIndex(journal.path)
    index.rebuild()
    # A backup put back: the journal is behind the index's watermark.
    state = json.loads((folder_of(journal.path) / STATE_FILE).read_text())
    (folder_of(journal.path) / STATE_FILE).write_text(json.dumps({**state, "watermark": state["watermark"] + 99}))
    assert SearchIndex(journal.path).needs_rebuild()
    # Another journal's index beside this file.
    (folder_of(journal.path) / STATE_FILE).write_text(json.dumps({**state, "replica": "someone-else"}))
    assert SearchIndex(journal.path).needs_rebuild()
    # A damaged or half-deleted folder.
    shutil.rmtree(folder_of(journal.path))
    folder_of(journal.path).mkdir()
    (folder_of(journal.path) / STATE_FILE).write_text("{not json")
    fresh = SearchIndex(journal.path)
    assert not fresh.ready and fresh.needs_rebuild()
    fresh.catch_up()  # rebuilds
    assert sorted(index_ids(journal, fresh, "co")) == sorted(fts5_ids(journal, "co"))
    assert not list(tmp_path.glob("*.building-*")) and not list(tmp_path.glob("*.old-*"))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Zapos", "zappos"), ("recieve", "receive"), ("bithday", "birthday"), ("cancellaton", "cancellation")],
)
def test_one_typo_in_a_long_word_is_corrected(journal: Journal, typed: str, meant: str) -> None:
    fill(journal, 200)
    assert fts5_ids(journal, typed) == []
    with journal.session() as session:
        fixed = listing.corrected_query(StoryQuery(text=f"{typed} shoes"), session=session)
    assert fixed is not None and fixed.text == f"{meant} shoes"
    assert fts5_ids(journal, fixed.text), "the corrected words find stories"


@pytest.mark.parametrize("typed", ["Zapo", "giraff", "courier", "qqqqqqqq", "😀"])
def test_short_words_words_found_and_hopeless_words_are_left_alone(journal: Journal, typed: str) -> None:
    fill(journal, 50)
    with journal.session() as session:
        assert listing.corrected_query(StoryQuery(text=typed), session=session) is None


def test_extracts_mark_the_matched_words_in_the_story_text(journal: Journal) -> None:
    with journal.write() as session:
        story = stories.create_story(
            StoryCreate(
                title="Courier pickup",
                situation="Her mother died before she could send the shoes back to the café. " * 3,
                organization="Zappos",
            ),
            session=session,
        )
    index = SearchIndex(journal.path)
    index.rebuild()
    for text, marked in (("shoe", "shoes"), ("cafe", "café"), ("zap", "Zappos")):
        (row,) = _rows(journal, index, text)
        assert f"{search.SNIPPET_START}{marked}{search.SNIPPET_END}" in row.snippet, (text, row.snippet)
        assert row.id == story.id
    (row,) = _rows(journal, index, "pickup")
    assert row.snippet.startswith("Her mother died") and search.SNIPPET_START not in row.snippet


def test_the_count_of_stories_is_kept_with_them(journal: Journal) -> None:
    """The list's count of every story comes from a row the triggers keep (no story is read at start-up)."""

    def kept_and_counted() -> tuple[int, int]:
        with journal.session() as session:
            connection = session.connection()
            counted = connection.exec_driver_sql("SELECT count(*) FROM story WHERE deleted_at IS NULL").scalar()
            return search.live_stories(connection), int(counted or 0)

    ids = fill(journal, 12)
    assert kept_and_counted() == (12, 12)
    with journal.write() as session:
        stories.delete_story(ids[0], session=session)
        stories.delete_story(ids[1], session=session)
        stories.restore_story(ids[1], session=session)
        stories.update_story(ids[2], {"title": "Still here"}, session=session)
    assert kept_and_counted() == (11, 11)
    with journal.write() as session:
        stories.purge_deleted(session=session)
        session.connection().exec_driver_sql("DELETE FROM story WHERE id = ?", (ids[3],))
    assert kept_and_counted() == (10, 10)
    with journal.write() as session:  # a bulk write with the triggers dropped, as a bundle import does
        connection = session.connection()
        search.drop_triggers(connection)
        connection.exec_driver_sql("DELETE FROM story WHERE id = ?", (ids[4],))
        search.refresh_stories(connection, [ids[5]])
        search.install_triggers(connection)
    assert kept_and_counted() == (9, 9)
    with journal.session() as session:
        assert listing.count_stories(session=session) == 9
