"""Tags managed like a library: rename (a parent renames its nested tags too), merge, delete, colour.

Every operation returns nothing but can be undone: `snapshot()` records the affected tags (name, colour,
which stories carry them) and `restore()` puts a snapshot back, so the window's undo stack stores the
before and after snapshots of an operation and swaps between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.store.fields import FieldError, parse_tag
from journal.store.models import StoryTag, Tag, new_id, utcnow

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PARKED = "\ufffeparked:"  # a name no one types (a Unicode noncharacter), held for a moment mid-rename


class TagExistsError(FieldError):
    """Renaming onto a tag that exists already: the window offers to merge them instead."""

    def __init__(self, name: str) -> None:
        super().__init__(f"There is already a tag called “{name}”. Merge the two instead?")
        self.name = name


@dataclass(frozen=True)
class TagState:
    name: str
    color: str | None
    story_ids: frozenset[str]


Snapshot = dict[str, TagState | None]  # tag id -> its state, or None where the tag does not exist


def _subtree(name: str, *, session: Session) -> list[Tag]:
    """The tag called `name` and every tag nested under it."""
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    statement = select(Tag).where(sa.or_(col(Tag.name) == name, col(Tag.name).like(escaped + "/%", escape="\\")))
    return list(session.exec(statement).all())


def affected_ids(names: Iterable[str], *, session: Session) -> set[str]:
    """Ids of the tags an operation on these names touches (with their nested tags)."""
    return {tag.id for name in names for tag in _subtree(name, session=session)}


def snapshot(tag_ids: Iterable[str], *, session: Session) -> Snapshot:
    result: Snapshot = {}
    for tag_id in tag_ids:
        tag = session.get(Tag, tag_id)
        if tag is None:
            result[tag_id] = None
            continue
        story_ids = session.exec(select(StoryTag.story_id).where(col(StoryTag.tag_id) == tag_id)).all()
        result[tag_id] = TagState(tag.name, tag.color, frozenset(story_ids))
    return result


def restore(state: Snapshot, *, session: Session) -> None:
    """Make the tags in `state` exactly as recorded (created, renamed, recoloured, relinked or deleted)."""
    connection = session.connection()
    existing = {tag_id for tag_id in state if session.get(Tag, tag_id) is not None}
    session.flush()
    # Park the names first, so that swapping two names never trips the unique constraint.
    for tag_id in existing:
        connection.execute(sa.update(Tag).where(col(Tag.id) == tag_id).values(name=_PARKED + tag_id))
    for tag_id, tag_state in state.items():
        if tag_state is None:
            connection.execute(sa.delete(Tag).where(col(Tag.id) == tag_id))
            continue
        if tag_id in existing:
            values = {"name": tag_state.name, "color": tag_state.color}
            connection.execute(sa.update(Tag).where(col(Tag.id) == tag_id).values(**values))
        else:
            connection.execute(
                sa.insert(Tag).values(id=tag_id, name=tag_state.name, color=tag_state.color, created_at=utcnow())
            )
        connection.execute(sa.delete(StoryTag).where(col(StoryTag.tag_id) == tag_id))
        if tag_state.story_ids:
            connection.execute(
                sa.insert(StoryTag), [{"story_id": story, "tag_id": tag_id} for story in sorted(tag_state.story_ids)]
            )
    session.expire_all()


def rename(old: str, new: str, *, merge: bool = False, session: Session) -> None:
    """Rename a tag and the tags nested under it (`industry` -> `sector` also makes `sector/retail`).

    Where a new name is taken already, raise TagExistsError, or with merge=True merge into that tag.
    """
    new = parse_tag(new)
    if not new:
        raise FieldError("A tag needs a name.")
    moved = _subtree(old, session=session)
    if not moved:
        if old.casefold() == new.casefold():
            return
        raise FieldError(f"There is no tag called “{old}”.")
    moving = {tag.id for tag in moved}
    plan: list[tuple[Tag, str, Tag | None]] = []
    for tag in sorted(moved, key=lambda item: len(item.name)):
        target_name = new + tag.name[len(old) :]
        target = session.exec(select(Tag).where(col(Tag.name) == target_name)).first()
        if target is not None and target.id not in moving:
            if not merge:
                raise TagExistsError(target_name)
            plan.append((tag, target_name, target))
        else:
            plan.append((tag, target_name, None))
    for tag, _name, _target in plan:  # park the names, so a case-only rename or a shuffle never collides
        tag.name = _PARKED + tag.id
    session.flush()
    for tag, target_name, target in plan:
        if target is None:
            tag.name = target_name
        else:
            _merge_into(tag, target, session=session)
    session.flush()


def merge(source: str, target: str, *, session: Session) -> None:
    """Give every story tagged `source` the tag `target` instead, and remove `source`."""
    source_tag = session.exec(select(Tag).where(col(Tag.name) == source)).first()
    target_tag = session.exec(select(Tag).where(col(Tag.name) == target)).first()
    if source_tag is None or target_tag is None:
        raise FieldError(f"There is no tag called “{source if source_tag is None else target}”.")
    if source_tag.id != target_tag.id:
        _merge_into(source_tag, target_tag, session=session)
        session.flush()


def _merge_into(source: Tag, target: Tag, *, session: Session) -> None:
    connection = session.connection()
    session.flush()
    already = select(StoryTag.story_id).where(col(StoryTag.tag_id) == target.id)
    connection.execute(
        sa.update(StoryTag)
        .where(col(StoryTag.tag_id) == source.id, col(StoryTag.story_id).not_in(already))
        .values(tag_id=target.id)
    )
    connection.execute(sa.delete(Tag).where(col(Tag.id) == source.id))
    session.expire_all()


def delete(name: str, *, session: Session) -> None:
    """Remove a tag and the tags nested under it from every story. The stories stay."""
    connection = session.connection()
    for tag in _subtree(name, session=session):
        connection.execute(sa.delete(Tag).where(col(Tag.id) == tag.id))
    session.expire_all()


def set_color(name: str, color: str | None, *, session: Session) -> None:
    if color is not None and not COLOR.match(color):
        raise FieldError(f"'{color}' is not a colour; use #rrggbb.")
    tag = session.exec(select(Tag).where(col(Tag.name) == name)).first()
    if tag is None:
        tag = Tag(id=new_id(), name=parse_tag(name))  # a parent shown in the tree may not exist as a tag yet
        session.add(tag)
    tag.color = color
    session.flush()


def colors(*, session: Session) -> dict[str, str]:
    rows = session.exec(select(Tag.name, Tag.color).where(col(Tag.color).is_not(None)))
    return {name: color for name, color in rows if color}
