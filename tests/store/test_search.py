"""Full-text search, filters and sorting against a real journal file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from journal.store import listing, search, stories
from journal.store.database import Journal, open_journal
from journal.store.listing import CoverageFilter, Sort, StoryQuery, TagMode
from journal.store.models import CoverageLinkBase
from journal.store.search_index import SearchIndex
from journal.store.stories import StoryCreate
from tests.store.old_journals import journal_at, revisions_oldest_first


def create(journal: Journal, title: str, **fields) -> str:  # type: ignore[no-untyped-def]
    with journal.write() as session:
        return stories.create_story(StoryCreate(title=title, **fields), session=session).id


def titles(journal: Journal, query: StoryQuery) -> list[str]:
    with journal.session() as session:
        return [row.title for row in listing.list_rows(session=session, query=query)]


def find(journal: Journal, text: str, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    return titles(journal, StoryQuery(text=text, **filters))


@pytest.fixture
def shoes(journal: Journal) -> Journal:
    create(
        journal,
        "Courier pickup for a late return",
        organization="Zappos",
        employees="Customer loyalty team",
        situation="Her mother died before she could send the shoes back.",
        policy="Returns within 15 days.",
        action="A courier collected the shoes; flowers were sent.",
        outcome="She blogged it and the post went viral.",
        tags=["bereavement", "industry/retail"],
        links=[CoverageLinkBase(url="https://example.com/a", title="I heart Zappos", outlet="Her blog")],
        occurred=dt.date(2007, 7, 14),
        status="approved",
        consent="named",
    )
    create(
        journal,
        "Open seating kept after blog comments",
        organization="Southwest Airlines",
        situation="Readers of the company blog argued against assigned seating: a late night of comments.",
        tags=["customer-feedback", "industry/airline"],
        occurred=dt.date(2007, 9, 20),
        status="ready",
        channel="blog",
    )
    create(journal, "Replacement part driven through the snow", situation="Version ver1.1 of the part was late.")
    return journal


def test_prefixes_of_words_find_stories_while_typing(shoes: Journal) -> None:
    assert find(shoes, "cou") == ["Courier pickup for a late return"]
    assert find(shoes, "couri") == ["Courier pickup for a late return"]
    assert set(find(shoes, "lat")) == {
        "Courier pickup for a late return",
        "Open seating kept after blog comments",
        "Replacement part driven through the snow",
    }
    assert find(shoes, "late ret") == ["Courier pickup for a late return"]


def test_every_field_the_issue_names_is_searched(shoes: Journal) -> None:
    assert find(shoes, "zappos") == ["Courier pickup for a late return"]  # organisation and coverage title
    assert find(shoes, "loyalty") == ["Courier pickup for a late return"]  # employee
    assert find(shoes, "bereavement") == ["Courier pickup for a late return"]  # tag
    assert find(shoes, "airline") == ["Open seating kept after blog comments"]  # nested tag part
    assert find(shoes, "heart") == ["Courier pickup for a late return"]  # coverage title
    assert find(shoes, "fifteen 15") == []
    assert find(shoes, "15 days") == ["Courier pickup for a late return"]  # policy


def test_a_title_match_ranks_above_a_body_match(journal: Journal) -> None:
    create(journal, "Something else", situation="The courier was late.")
    create(journal, "The courier who waited")
    assert find(journal, "courier") == ["The courier who waited", "Something else"]


def test_snippets_mark_the_matched_words(shoes: Journal) -> None:
    with shoes.session() as session:
        (row,) = listing.list_rows(session=session, query=StoryQuery(text="flow"))
    assert f"{search.SNIPPET_START}flowers{search.SNIPPET_END}" in row.snippet


HOSTILE = [
    '"',
    '""',
    'ver1.1"',
    "ver1.1",
    "*",
    "a*",
    "-",
    "-courier",
    "AND",
    "OR",
    "NOT",
    "courier AND",
    "NEAR(",
    "NEAR(courier late, 2)",
    "title:courier",
    "{title body}: courier",
    "^courier",
    "(",
    ")",
    "courier)",
    "'; DROP TABLE story; --",
    "\\",
    "%",
    "_",
    "😀",
    "😀 courier",
    "顧客サービス",
    "Ünïcödé",
    "\x00",
    "courier " * 2000,
    "x" * 10_000,
    "",
    "   ",
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:20]))
def test_anything_a_person_can_type_is_a_valid_search(shoes: Journal, text: str) -> None:
    query = StoryQuery(text=text)
    with shoes.session() as session:
        rows = listing.list_rows(session=session, query=query)
        assert listing.count_stories(session=session, query=query) == len(rows)
        for row in rows:
            assert listing.row_of(row.id, session=session, query=query) is not None


def test_quoted_syntax_is_just_words(shoes: Journal) -> None:
    assert find(shoes, "ver1.1") == ["Replacement part driven through the snow"]
    assert find(shoes, 'ver1.1"') == ["Replacement part driven through the snow"]
    assert find(shoes, "courier OR seating") == [], "OR is a word to find, not an operator"
    assert find(shoes, "-courier") == ["Courier pickup for a late return"], "a dash is not NOT"
    assert find(shoes, "😀") == [], "nothing searchable: nothing found"
    assert len(find(shoes, "c")) == 3, "one letter waits for the next before searching"


def test_search_combines_with_filters(shoes: Journal) -> None:
    assert find(shoes, "late", statuses=("approved",)) == ["Courier pickup for a late return"]
    assert set(find(shoes, "late", tags=("industry",))) == {
        "Courier pickup for a late return",
        "Open seating kept after blog comments",
    }
    assert find(shoes, "late", tags=("industry",), coverage=CoverageFilter.WITH) == ["Courier pickup for a late return"]
    assert find(shoes, "late", coverage=CoverageFilter.WITHOUT, date_from=dt.date(2007, 8, 1)) == [
        "Open seating kept after blog comments"
    ]
    assert find(shoes, "", channels=("blog",)) == ["Open seating kept after blog comments"]
    assert find(shoes, "", consents=("named",), organization="zapp") == ["Courier pickup for a late return"]
    assert find(shoes, "", employee="LOYALTY") == ["Courier pickup for a late return"]
    assert find(shoes, "", date_from=dt.date(2007, 7, 1), date_to=dt.date(2007, 7, 31)) == [
        "Courier pickup for a late return"
    ]
    assert find(shoes, "", tags=("bereavement", "customer-feedback"), tag_mode=TagMode.ANY) == [
        "Open seating kept after blog comments",
        "Courier pickup for a late return",
    ]
    assert find(shoes, "", tags=("bereavement", "customer-feedback"), tag_mode=TagMode.ALL) == []


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_agrees_with_row_of(journal: Journal, sort: Sort, descending: bool) -> None:
    for number in range(12):
        create(
            journal,
            f"Story {number % 4} courier",
            occurred=dt.date(2020, 1, 1 + number % 5) if number % 3 else None,
            links=[CoverageLinkBase(url=f"https://example.com/{n}") for n in range(number % 3)],
            situation="courier " * (number % 4),
        )
    query = StoryQuery(text="courier" if sort == Sort.RELEVANCE else "", sort=sort, descending=descending)
    with journal.session() as session:
        rows = listing.list_rows(session=session, query=query)
        assert len(rows) == 12
        assert [listing.row_of(row.id, session=session, query=query) for row in rows] == list(range(12))
    if sort == Sort.TITLE:
        names = [row.title for row in rows]
        assert names == sorted(names, reverse=descending)
    if sort == Sort.COVERAGE:
        counts = [row.coverage for row in rows]
        assert counts == sorted(counts, reverse=descending)


def test_the_index_follows_every_change(journal: Journal) -> None:
    story_id = create(journal, "Plain title")
    with journal.write() as session:
        stories.update_story(story_id, {"outcome": "Featured on breakfast television"}, session=session)
    assert find(journal, "breakfast") == ["Plain title"]
    with journal.write() as session:
        stories.set_story_tags(story_id, ["heartwarming"], session=session)
        link = stories.add_link(
            story_id, CoverageLinkBase(url="https://example.com", title="Morning show"), session=session
        )
    assert find(journal, "heartwarming") == ["Plain title"] and find(journal, "morning") == ["Plain title"]
    with journal.write() as session:
        session.connection().exec_driver_sql("UPDATE tag SET name = 'uplifting' WHERE name = 'heartwarming'")
        stories.remove_link(link.id, session=session)
    assert find(journal, "heartwarming") == [] and find(journal, "uplifting") == ["Plain title"]
    assert find(journal, "morning") == []
    with journal.write() as session:
        stories.delete_story(story_id, session=session)
    assert find(journal, "breakfast") == [], "deleted stories are not found"
    with journal.write() as session:
        stories.purge_deleted(session=session)
    with journal.session() as session:
        fts_rows = session.connection().exec_driver_sql(f"SELECT count(*) FROM {search.FTS_TABLE}").scalar()
    assert fts_rows == 0


@pytest.mark.parametrize("start", revisions_oldest_first()[:-1])
def test_search_finds_stories_added_before_and_after_upgrading_from(journal_path: Path, start: str) -> None:
    journal_at(
        journal_path,
        start,
        "INSERT INTO story (id, title, situation, created_at, updated_at)"
        " VALUES ('old', 'Written before', 'a kangaroo', '2020-01-01', '2020-01-01')",
    )
    journal = open_journal(journal_path)
    index = SearchIndex(journal_path)  # the search index's change log gets its notes from the same triggers' events
    index.rebuild()
    create(
        journal,
        "Written after",
        situation="another kangaroo",
        tags=["marsupial"],
        links=[CoverageLinkBase(url="https://example.com", title="Wombat weekly")],
    )
    assert sorted(find(journal, "kangar")) == ["Written after", "Written before"]
    with journal.write() as session:  # every trigger works after the upgrade, not only the insert one
        session.connection().exec_driver_sql("UPDATE tag SET name = 'pouch' WHERE name = 'marsupial'")
        session.connection().exec_driver_sql("UPDATE coverage_link SET title = 'Koala courier'")
    assert find(journal, "pouch") == ["Written after"] and find(journal, "marsupial") == []
    assert find(journal, "koala") == ["Written after"] and find(journal, "wombat") == []
    assert index.behind() == 1, "the new story, its tag and link, the renamed tag, the changed link: one story"
    index.catch_up()
    for text in ("kangar", "pouch", "marsupial", "koala", "wombat"):
        with journal.session() as session:
            rows = listing.list_rows(session=session, query=StoryQuery(text=text), index=index)
        assert sorted(row.title for row in rows) == sorted(find(journal, text)), text
    journal.close()


def test_saved_queries_round_trip_through_json() -> None:
    query = StoryQuery(
        text="late return",
        tags=("industry/retail", "kids"),
        tag_mode=TagMode.ANY,
        date_from=dt.date(2007, 1, 1),
        statuses=("approved",),
        coverage=CoverageFilter.WITH,
        sort=Sort.TITLE,
        descending=False,
    )
    assert StoryQuery.from_json(query.to_json()) == query
    assert StoryQuery.from_json("{}") == StoryQuery()
    assert not StoryQuery(sort=Sort.TITLE).is_filtered() and query.is_filtered()


def test_the_extract_comes_from_the_text_not_the_title(shoes: Journal) -> None:
    with shoes.session() as session:
        (courier,) = listing.list_rows(session=session, query=StoryQuery(text="pickup"))  # in the title only
        (heart,) = listing.list_rows(session=session, query=StoryQuery(text="heart"))  # in a coverage title
    assert courier.snippet.startswith("Her mother died") and search.SNIPPET_START not in courier.snippet
    assert f"{search.SNIPPET_START}heart{search.SNIPPET_END}" in heart.snippet
