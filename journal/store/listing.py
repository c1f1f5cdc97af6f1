"""Which stories, in what order: search, filters and sorting, all done in SQL a page at a time.

A `StoryQuery` describes what a person asked for (typed text, tags, dates, ...); it is plain data, so a
saved search is a StoryQuery stored as JSON and the command line builds one from its options.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.store import search
from journal.store.fields import SORT_ORDERS, Sort  # noqa: F401  (re-exported for callers)
from journal.store.models import CoverageLink, Story, StoryTag, Tag, UTCDateTime

if TYPE_CHECKING:
    from journal.store.search_index import SearchIndex


class TagMode(StrEnum):
    ALL = "all"
    ANY = "any"


class CoverageFilter(StrEnum):
    EITHER = "either"
    WITH = "with"
    WITHOUT = "without"


@dataclass(frozen=True)
class StoryQuery:
    text: str = ""
    tags: tuple[str, ...] = ()
    tag_mode: TagMode = TagMode.ALL
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    consents: tuple[str, ...] = ()
    coverage: CoverageFilter = CoverageFilter.EITHER
    organization: str = ""
    employee: str = ""
    sort: Sort = Sort.RELEVANCE
    descending: bool = True

    @property
    def effective_sort(self) -> Sort:
        """Relevance needs words to rank by; without them the list is by date."""
        if self.sort == Sort.RELEVANCE and search.match_expression(self.text) is None:
            return Sort.DATE
        return self.sort

    def is_filtered(self) -> bool:
        """Whether this hides any story (an empty journal and a search with no hits look different)."""
        return dataclasses.replace(self, sort=Sort.RELEVANCE, descending=True) != StoryQuery()

    def to_json(self) -> str:
        data = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return json.dumps(data, default=lambda value: value.isoformat(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StoryQuery:
        data = json.loads(text)
        known = {field.name for field in dataclasses.fields(cls)}
        data = {key: value for key, value in data.items() if key in known}
        for key in ("tags", "channels", "statuses", "consents"):
            data[key] = tuple(data.get(key) or ())
        for key in ("date_from", "date_to"):
            data[key] = dt.date.fromisoformat(data[key]) if data.get(key) else None
        return cls(
            **{
                **data,
                "tag_mode": TagMode(data.get("tag_mode", "all")),
                "coverage": CoverageFilter(data.get("coverage", "either")),
                "sort": Sort(data.get("sort", "relevance")),
            }
        )


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One line of the story list."""

    id: str
    title: str
    occurred: dt.date | None
    status: str
    tags: str
    coverage: int
    snippet: str = ""  # with search.SNIPPET_START/END around the matched words, when searching
    document: int | None = None  # the full-text row, while searching (to fetch the snippet later)


ALL = StoryQuery()

_fts = sa.table(search.FTS_TABLE, sa.column("rowid"), sa.column("rank"))
_doc = sa.table(search.DOC_TABLE, sa.column("id"), sa.column("story_id"))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _tag_matches(name: str) -> Any:
    """Story ids with this tag or one nested under it (`industry` matches `industry/retail`)."""
    prefix = _like(name)[1:]  # drop the leading %: a prefix match
    return (
        select(StoryTag.story_id)
        .join(Tag, col(Tag.id) == col(StoryTag.tag_id))
        .where(sa.or_(col(Tag.name) == name, col(Tag.name).like(prefix.removesuffix("%") + "/%", escape="\\")))
    )


def _coverage_count() -> Any:
    return (
        select(sa.func.count())
        .select_from(CoverageLink)
        .where(col(CoverageLink.story_id) == col(Story.id))
        .scalar_subquery()
    )


def _conditions(query: StoryQuery) -> list[Any]:
    conditions: list[Any] = [col(Story.deleted_at).is_(None)]
    tags = [tag for tag in query.tags if tag]
    if tags and query.tag_mode == TagMode.ALL:
        conditions += [col(Story.id).in_(_tag_matches(tag)) for tag in tags]
    elif tags:
        conditions.append(col(Story.id).in_(sa.union(*[_tag_matches(tag) for tag in tags])))
    if query.date_from:
        conditions.append(col(Story.occurred) >= query.date_from)
    if query.date_to:
        conditions.append(col(Story.occurred) <= query.date_to)
    for column, values in (
        (Story.channel, query.channels),
        (Story.status, query.statuses),
        (Story.consent, query.consents),
    ):
        if values:
            conditions.append(col(column).in_(values))
    has_coverage = sa.exists().where(col(CoverageLink.story_id) == col(Story.id))
    if query.coverage == CoverageFilter.WITH:
        conditions.append(has_coverage)
    elif query.coverage == CoverageFilter.WITHOUT:
        conditions.append(~has_coverage)
    if query.organization.strip():
        conditions.append(col(Story.organization).ilike(_like(query.organization.strip()), escape="\\"))
    if query.employee.strip():
        conditions.append(col(Story.employees).ilike(_like(query.employee.strip()), escape="\\"))
    return conditions


def select_matching(*columns: Any, query: StoryQuery = ALL) -> Any:
    """SELECT these columns FROM story, for the stories this query selects: the same search and filters as the
    list, for aggregates that follow it (the impact dashboard)."""
    statement, _ = _searched(sa.select(*columns).select_from(Story), query)
    return statement.where(*_conditions(query))


def _only_text(query: StoryQuery) -> bool:
    """A plain search with no filters: the full-text index alone answers it (deleted stories are not in it)."""
    return dataclasses.replace(query, text="", sort=Sort.RELEVANCE, descending=True) == ALL


def _searched(statement: Any, query: StoryQuery) -> tuple[Any, bool]:
    """Join the full-text index when there is something to search for. Returns (statement, searching)."""
    expression = search.match_expression(query.text)
    if expression is None:
        if query.text.strip() and not search.words(query.text):
            return statement.where(sa.false()), False  # only emoji or punctuation: no word can match
        return statement, False
    statement = (
        statement.join(_doc, _doc.c.story_id == col(Story.id))
        .join(_fts, _fts.c.rowid == _doc.c.id)
        .where(sa.literal_column(search.FTS_TABLE).op("MATCH")(expression))
    )
    return statement, True


def _sort_keys(query: StoryQuery) -> tuple[list[Any], bool]:
    """The ORDER BY columns, all in one direction, and whether descending. Plain columns, so that the
    indexes on (deleted_at, occurred, created_at, id) and (deleted_at, updated_at, id) give the order."""
    sort = query.effective_sort
    if sort == Sort.RELEVANCE:
        return [_fts.c.rank, col(Story.id)], False
    if sort == Sort.TITLE:
        return [sa.func.lower(col(Story.title)), col(Story.id)], query.descending
    if sort == Sort.UPDATED:
        return [col(Story.updated_at), col(Story.id)], query.descending
    if sort == Sort.COVERAGE:
        return [_coverage_count(), col(Story.occurred), col(Story.id)], query.descending
    return [col(Story.occurred), col(Story.created_at), col(Story.id)], query.descending


def _before(keys: list[Any], values: Sequence[Any], descending: bool) -> Any:
    """Rows that come before the row with these key values, in SQLite's order (NULL is lowest: last when
    descending, first when ascending). Written out column by column, since a row value holding NULL
    compares as unknown."""

    def literal(value: Any) -> Any:
        return sa.literal(value, type_=UTCDateTime()) if isinstance(value, dt.datetime) else sa.literal(value)

    condition: Any = sa.false()
    for key, value in reversed(list(zip(keys, values, strict=True))):
        if value is None:
            earlier = key.is_not(None) if descending else sa.false()
            same = key.is_(None)
        else:
            earlier = (key > literal(value)) if descending else sa.or_(key < literal(value), key.is_(None))
            same = key == literal(value)
        condition = sa.or_(earlier, sa.and_(same, condition))
    return condition


_DETAILS = """
    SELECT s.id, s.title, s.occurred, s.status,
        (SELECT group_concat(t.name, ', ') FROM story_tag st JOIN tag t ON t.id = st.tag_id WHERE st.story_id = s.id),
        (SELECT count(*) FROM coverage_link c WHERE c.story_id = s.id)
    FROM story s"""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _details(ids: Sequence[str], *, session: Session) -> dict[str, Any]:
    """The columns a list row shows, for a page of story ids (the per-story subqueries run only for them)."""
    found: dict[str, Any] = {}
    connection = session.connection()
    for start in range(0, len(ids), 10_000):  # SQLite takes at most 32,766 parameters in a statement
        chunk = tuple(ids[start : start + 10_000])
        # Plain SQL: compiling the SQLAlchemy statement for each new number of ids cost more than running it.
        rows = connection.exec_driver_sql(f"{_DETAILS} WHERE s.id IN ({', '.join('?' for _ in chunk)})", chunk)
        found.update((row[0], (*row[:2], _date(row[2]), *row[3:])) for row in rows)
    return found


def _to_row(r: Any, snippet: str = "", document: int | None = None) -> StoryRow:
    tags = ", ".join(sorted(r[4].split(", "), key=str.casefold)) if r[4] else ""
    return StoryRow(
        id=r[0], title=r[1], occurred=r[2], status=r[3], tags=tags, coverage=r[5], snippet=snippet, document=document
    )


def _by_index(query: StoryQuery, index: SearchIndex | None, *, ranked: bool = True) -> bool:
    """A plain search (no filters) in best-match order, and a built index to answer it: the derived index
    (journal.store.search_index) answers. Filters, other orders and journals without an index use FTS5."""
    return (
        index is not None
        and index.ready
        and search.match_expression(query.text) is not None
        and _only_text(query)
        and (query.effective_sort == Sort.RELEVANCE or not ranked)
    )


def count_stories(*, session: Session, query: StoryQuery = ALL, index: SearchIndex | None = None) -> int:
    if not query.is_filtered():  # every story: the count the journal keeps
        return search.live_stories(session.connection())
    if _by_index(query, index, ranked=False):
        assert index is not None
        return index.search(query.text, limit=0).total
    expression = search.match_expression(query.text)
    if expression is not None and _only_text(query):
        statement: Any = sa.select(sa.func.count()).select_from(_fts)
        statement = statement.where(sa.literal_column(search.FTS_TABLE).op("MATCH")(expression))
        return session.exec(statement).one()[0]
    statement, _ = _searched(sa.select(sa.func.count()).select_from(Story), query)
    return session.exec(statement.where(*_conditions(query))).one()[0]


def _page(query: StoryQuery, limit: int, offset: int) -> Any:
    """(story id, search row id) of one page, in order: ordering and paging come before any per-row work."""
    expression = search.match_expression(query.text)
    if expression is not None and _only_text(query) and query.effective_sort == Sort.RELEVANCE:
        # The full-text index answers alone; the story table is not read.
        return (
            sa.select(_doc.c.story_id, _doc.c.id)
            .select_from(_fts)
            .join(_doc, _doc.c.id == _fts.c.rowid)
            .where(sa.literal_column(search.FTS_TABLE).op("MATCH")(expression))
            .order_by(_fts.c.rank, _doc.c.story_id)
            .limit(limit)
            .offset(offset)
        )
    document = _doc.c.id if expression is not None else sa.literal(None)
    statement, _ = _searched(sa.select(col(Story.id), document).select_from(Story), query)
    keys, descending = _sort_keys(query)
    ordered = statement.where(*_conditions(query)).order_by(*[key.desc() if descending else key for key in keys])
    return ordered.limit(limit).offset(offset)


def snippets(document_ids: Sequence[int], query: StoryQuery, *, session: Session) -> dict[int, str]:
    """The matched extracts of some search rows (search.extract); the window asks only for the rows it shows."""
    expression = search.match_expression(query.text)
    if expression is None or not document_ids:
        return {}
    return search.extracts(session.connection(), list(document_ids), query.text)


def first_page(
    *, session: Session, query: StoryQuery, limit: int, with_snippets: int, index: SearchIndex | None = None
) -> tuple[int, list[StoryRow]]:
    """How many stories the query selects, and its first page (one look-up in the index when it answers)."""
    if _by_index(query, index):
        assert index is not None
        hits = index.search(query.text, limit=limit)
        return hits.total, _rows_of(hits.stories, query, with_snippets, session=session)
    total = count_stories(session=session, query=query)
    return total, list_rows(session=session, query=query, limit=limit, with_snippets=with_snippets)


def corrected_query(query: StoryQuery, *, session: Session) -> StoryQuery | None:
    """The query with its mistyped words corrected (search.corrected_text), or None when none looks mistyped."""
    if not query.text.strip():
        return None
    corrected = search.corrected_text(session.connection(), query.text)
    return None if corrected is None else dataclasses.replace(query, text=corrected)


def list_rows(
    *,
    session: Session,
    query: StoryQuery = ALL,
    limit: int = 200,
    offset: int = 0,
    with_snippets: int | None = None,
    index: SearchIndex | None = None,
) -> list[StoryRow]:
    """A page of the story list; when searching, the first `with_snippets` rows (default: all) come with
    their matched extract, the others with what `snippets()` needs to fetch it later."""
    if _by_index(query, index):
        assert index is not None
        stories = index.search(query.text, limit=limit, offset=offset).stories
        return _rows_of(stories, query, with_snippets, session=session)
    page = [(row[0], row[1]) for row in session.exec(_page(query, limit, offset))]
    return _rows_of(page, query, with_snippets, session=session)


def _rows_of(
    page: Sequence[tuple[str, int | None]], query: StoryQuery, with_snippets: int | None, *, session: Session
) -> list[StoryRow]:
    if not page:
        return []
    details = _details([story_id for story_id, _document in page], session=session)
    wanted = [document for _story, document in page[:with_snippets] if document is not None]
    extracts = snippets(wanted, query, session=session)
    return [
        _to_row(details[story], extracts.get(document, "") if document is not None else "", document)
        for story, document in page
        if story in details
    ]


def get_row(story_id: str, *, session: Session, query: StoryQuery = ALL) -> StoryRow | None:
    """One line of the story list, fresh from the journal (None if the story is gone or no longer matches)."""
    statement, searching = _searched(sa.select(col(Story.id)).select_from(Story), query)
    if searching:
        statement = statement.add_columns(sa.literal_column(search.snippet_sql()))
    found = session.exec(statement.where(*_conditions(query), col(Story.id) == story_id)).first()
    if found is None:
        return None
    details = _details([story_id], session=session)
    return _to_row(details[story_id], found[1] if searching else "") if story_id in details else None


def row_of(story_id: str, *, session: Session, query: StoryQuery = ALL, index: SearchIndex | None = None) -> int | None:
    """The row a story has in list_rows() order, counted in SQL without reading the rows before it."""
    if _by_index(query, index):
        assert index is not None
        return index.position(query.text, story_id)
    keys, descending = _sort_keys(query)
    base, _ = _searched(sa.select(*keys).select_from(Story), query)
    values = session.exec(base.where(*_conditions(query), col(Story.id) == story_id)).first()
    if values is None:
        return None
    counted, _ = _searched(sa.select(sa.func.count()).select_from(Story), query)
    return session.exec(counted.where(*_conditions(query), _before(keys, list(values), descending))).one()[0]


def tag_counts(*, session: Session) -> list[tuple[str, int]]:
    """Every tag with the number of (not deleted) stories that carry it, by name.

    Counted from the tag index alone, less the few deleted stories (found through their partial index),
    so that the stories themselves are never read."""
    linked = select(col(StoryTag.tag_id), sa.func.count().label("n")).group_by(col(StoryTag.tag_id)).subquery("linked")
    deleted_stories = select(col(Story.id)).where(col(Story.deleted_at).is_not(None))  # the partial index
    deleted = (
        select(col(StoryTag.tag_id), sa.func.count().label("n"))
        .where(col(StoryTag.story_id).in_(deleted_stories))
        .group_by(col(StoryTag.tag_id))
        .subquery("deleted")
    )
    statement = (
        select(col(Tag.name), sa.func.coalesce(linked.c.n, 0) - sa.func.coalesce(deleted.c.n, 0))
        .select_from(Tag)
        .outerjoin(linked, linked.c.tag_id == col(Tag.id))
        .outerjoin(deleted, deleted.c.tag_id == col(Tag.id))
        .order_by(sa.func.lower(col(Tag.name)))
    )
    return [(name, count) for name, count in session.exec(statement)]
