"""A sync with nothing new reads no story (journal/store/change_mark.py), and every kind of change made after
one is still sent: an edit from another program, tags renamed in the library, the bin, a deletion for good,
a case study, and forgetting what the server holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from journal.store import case_studies, stories, tags
from journal.sync import engine, state
from tests.server.conftest import Laptop, Server, add_user
from tests.server.test_sync import add, story, titles


@contextmanager
def statements(laptop: Laptop) -> Iterator[list[str]]:
    """The SQL the laptop's journal runs meanwhile."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(laptop.journal.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(laptop.journal.engine, "before_cursor_execute", note)


def reads_stories(seen: list[str]) -> bool:
    return any(" FROM story s LEFT JOIN sync_base" in line or " FROM tombstone t" in line for line in seen)


def test_a_sync_with_nothing_new_reads_no_story_and_every_later_change_is_still_sent(
    server: Server, laptops: dict[str, Laptop]
) -> None:
    add_user(server.db_url, "anna@example.com")
    add_user(server.db_url, "ben@example.com")
    anna, ben = laptops["anna"], laptops["ben"]
    anna.join(server.url, "anna@example.com")
    first, second, third = (add(anna, title, tags=["shoes"]) for title in ("Courier", "Flowers", "Refund"))
    assert anna.sync().pushed == 3

    assert anna.sync().pushed == 0  # found nothing waiting, once more, and noted it
    with statements(anna) as seen:
        assert anna.sync().pushed == 0
    assert seen and not reads_stories(seen)
    assert not any(line.startswith("UPDATE change_mark") for line in seen)  # nor marks again what is marked

    def sends(expected: int) -> None:
        with statements(anna) as seen:
            assert anna.sync().pushed == expected
        assert reads_stories(seen)

    # Another program edits the file directly: the version triggers move the mark too.
    with sqlite3.connect(anna.path) as direct:
        direct.execute("UPDATE story SET title = 'Courier pickup' WHERE id = ?", (first,))
    direct.close()
    sends(1)
    anna.sync()
    # A tag renamed in the library changes its stories' versions without touching their rows' text.
    with anna.journal.write() as session:
        tags.rename("shoes", "footwear", session=session)
    sends(3)
    anna.sync()
    # The bin, then a deletion for good (a tombstone).
    with anna.journal.write() as session:
        stories.delete_story(second, session=session)
        stories.purge_deleted(session=session)
    sends(1)
    anna.sync()
    with anna.journal.write() as session:
        case_studies.create_case_study("Above and beyond", session=session, story_ids=[first, third])
    sends(1)
    anna.sync()
    # Forgetting what the server holds makes everything wait again (a resync sends what the server lacks).
    with anna.journal.write() as session:
        state.forget_base(session.connection())
    assert engine.team_status(anna.journal).waiting == 4  # two stories, a deletion, a case study
    anna.sync()
    assert engine.team_status(anna.journal).waiting == 0

    ben.join(server.url, "ben@example.com")
    ben.sync()
    assert titles(ben) == {"Courier pickup", "Refund"}
    assert story(ben, first).tags == story(ben, third).tags == ["footwear"]
    with ben.journal.session() as session:
        assert [s.title for s in case_studies.list_case_studies(session=session)] == ["Above and beyond"]
