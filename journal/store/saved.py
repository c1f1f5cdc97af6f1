"""Saved searches ("smart lists"): a name and a StoryQuery, kept in the journal."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.store.fields import FieldError
from journal.store.listing import StoryQuery
from journal.store.models import SavedSearch, utcnow


def _clean(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise FieldError("A saved search needs a name.")
    if len(name) > 120:
        raise FieldError("Keep the name of a saved search under 120 characters.")
    return name


def _taken(name: str, *, session: Session, besides: str | None = None) -> bool:
    found = session.exec(select(SavedSearch).where(sa.func.lower(SavedSearch.name) == name.lower())).first()
    return found is not None and found.id != besides


def all_saved(*, session: Session) -> list[tuple[str, str, StoryQuery]]:
    """(id, name, query) of every saved search, in the sidebar's order."""
    rows = session.exec(select(SavedSearch).order_by(col(SavedSearch.position), sa.func.lower(SavedSearch.name)))
    return [(row.id, row.name, StoryQuery.from_json(row.query)) for row in rows]


def save(name: str, query: StoryQuery, *, session: Session, search_id: str | None = None) -> str:
    name = _clean(name)
    if _taken(name, session=session, besides=search_id):
        raise FieldError(f"There is already a saved search called “{name}”; choose another name.")
    position = session.exec(select(sa.func.coalesce(sa.func.max(SavedSearch.position), -1))).one() + 1
    row = SavedSearch(name=name, query=query.to_json(), position=position)
    if search_id is not None:
        row.id = search_id
    session.add(row)
    session.flush()
    return row.id


def rename(search_id: str, name: str, *, session: Session) -> None:
    name = _clean(name)
    if _taken(name, session=session, besides=search_id):
        raise FieldError(f"There is already a saved search called “{name}”; choose another name.")
    row = session.get(SavedSearch, search_id)
    if row is None:
        raise FieldError("That saved search was deleted.")
    row.name = name


def get(search_id: str, *, session: Session) -> tuple[str, StoryQuery] | None:
    row = session.get(SavedSearch, search_id)
    return None if row is None else (row.name, StoryQuery.from_json(row.query))


def delete(search_id: str, *, session: Session) -> None:
    row = session.get(SavedSearch, search_id)
    if row is not None:
        session.delete(row)


SavedRows = list[tuple[str, str, str, int]]  # id, name, query JSON, position


def snapshot(*, session: Session) -> SavedRows:
    """Every saved search as it is now (there are few), for undo."""
    rows = session.exec(select(SavedSearch).order_by(col(SavedSearch.position)))
    return [(row.id, row.name, row.query, row.position) for row in rows]


def restore(rows: SavedRows, *, session: Session) -> None:
    connection = session.connection()
    session.flush()
    connection.execute(sa.delete(SavedSearch))
    if rows:
        connection.execute(
            sa.insert(SavedSearch),
            [
                {"id": i, "name": name, "query": query, "position": position, "created_at": utcnow()}
                for i, name, query, position in rows
            ],
        )
    session.expire_all()
