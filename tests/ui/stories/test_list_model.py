"""The story list's model, checked by Qt's own model tester and against the journal it reads."""

from __future__ import annotations

import datetime as dt

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.store import stories
from journal.store.database import Journal
from journal.store.listing import StoryQuery
from journal.store.stories import StoryCreate
from journal.ui.services.stories import StoryService
from journal.ui.stories.list_model import FIRST_SNIPPETS, PAGE_SIZE, SnippetRole, StoryIdRole, StoryListModel


def fill(journal: Journal, count: int) -> list[str]:
    with journal.write() as session:
        return [
            stories.create_story(
                StoryCreate(
                    title=f"Story {n:04d}",
                    occurred=dt.date(2000, 1, 1) + dt.timedelta(days=n),
                    tags=[f"t{n % 3}"],
                ),
                session=session,
            ).id
            for n in range(count)
        ]


def test_story_list_model_passes_the_model_tester(qtmodeltester: ModelTester, journal: Journal) -> None:
    fill(journal, 30)
    model = StoryListModel(StoryService(journal))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 30
    assert model.index(0, 0).data() == "Story 0029"


def test_story_list_reads_pages_on_demand(journal: Journal) -> None:
    ids = fill(journal, PAGE_SIZE * 2 + 15)
    service = StoryService(journal)
    model = StoryListModel(service)
    assert model.rowCount() == len(ids)
    assert model._pages == {}, "nothing is read before the view asks"
    last = model.index(model.rowCount() - 1, 0)
    assert last.data() == "Story 0000"
    assert list(model._pages) == [2], "only the page holding the row was read"
    # row_of finds a story without reading the pages before it
    assert model.row_of(ids[PAGE_SIZE + 10]) == len(ids) - 1 - (PAGE_SIZE + 10)
    assert model.index(model.row_of(ids[5]) or 0, 0).data(StoryIdRole) == ids[5]


def test_story_list_follows_the_service(journal: Journal) -> None:
    fill(journal, 3)
    service = StoryService(journal)
    model = StoryListModel(service)
    model.index(0, 0).data()
    new_id = service.create_story("Fresh one")
    assert model.rowCount() == 4
    service.save(new_id, {"title": "Renamed"}, ["went-viral"])
    row = model.row_of(new_id)
    assert row is not None
    assert model.index(row, 0).data() == "Renamed"
    assert model.index(row, 4).data() == "went-viral"
    service.delete_story(new_id)
    assert model.rowCount() == 3


def test_a_search_reads_extracts_for_the_rows_shown_only(qtbot: QtBot, journal: Journal) -> None:
    with journal.write() as session:
        for number in range(FIRST_SNIPPETS + 20):
            stories.create_story(
                StoryCreate(title=f"Story {number}", situation=f"The courier came back {number} times."),
                session=session,
            )
    model = StoryListModel(StoryService(journal))
    model.set_query(StoryQuery(text="courier"))
    qtbot.waitUntil(lambda: not model.searching)
    assert model.rowCount() == FIRST_SNIPPETS + 20
    first = model._pages[0]
    assert all(row.snippet for row in first[:FIRST_SNIPPETS])
    assert not any(row.snippet for row in first[FIRST_SNIPPETS:]), "the rest wait until they are shown"
    last = model.index(model.rowCount() - 1, 0)
    assert last.data(SnippetRole) == ""  # asks for it
    qtbot.waitUntil(lambda: bool(last.data(SnippetRole)))
    assert "courier" in last.data(SnippetRole)
