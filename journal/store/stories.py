"""Reading and writing stories, their tags and coverage links. Every function takes the session by keyword."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, col, select

from journal.store.errors import StoryNotFoundError
from journal.store.fields import FieldError, parse_tag
from journal.store.models import (
    EDITABLE_FIELDS,
    LINK_FIELDS,
    CoverageLink,
    CoverageLinkBase,
    LinkSnapshot,
    Reading,
    Story,
    StoryBase,
    Tag,
    utcnow,
)


class LinkRead(CoverageLinkBase):
    id: str
    # What fetching and checking found (journal.coverage); read-only for the person.
    description: str = ""
    canonical_url: str = ""
    typed_fields: str = ""
    fetch_state: str = "to_fetch"
    fetched_at: dt.datetime | None = None
    fetch_error: str = ""
    health: str = "unknown"
    http_status: int | None = None
    final_url: str = ""
    checked_at: dt.datetime | None = None
    origin: str = ""  # "" when added on this laptop, else where it came from ("bundle anna.sjbundle")
    private_ok: bool = False


LINK_READ_FIELDS = frozenset(LinkRead.model_fields)


class StoryCreate(StoryBase):
    tags: list[str] = Field(default_factory=list)
    links: list[CoverageLinkBase] = Field(default_factory=list)


class StoryRead(StoryBase):
    id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    tags: list[str] = Field(default_factory=list)
    links: list[LinkRead] = Field(default_factory=list)


# ---------------------------------------------------------------- reading


def _live() -> Any:
    return col(Story.deleted_at).is_(None)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_id(text: str, *, session: Session) -> str:
    """A full id, or a unique prefix of one (as `journal list` shows them)."""
    text = text.strip().lower()
    if len(text) < 4:
        raise StoryNotFoundError(f"'{text}' is too short to name a story; give at least 4 characters of its id.")
    ids = session.exec(
        select(Story.id).where(col(Story.id).like(_like_prefix(text) + "%", escape="\\"), _live()).limit(2)
    ).all()
    if not ids:
        raise StoryNotFoundError(f"No story has the id {text}. `journal list` shows the ids.")
    if len(ids) > 1:
        raise StoryNotFoundError(f"More than one story's id starts with {text}; give more of the id.")
    return ids[0]


def _get_live(story_id: str, session: Session) -> Story:
    story = session.get(Story, story_id)
    if story is None or story.deleted_at is not None:
        raise StoryNotFoundError(f"No story has the id {story_id}.")
    return story


def get_story(story_id: str, *, session: Session) -> StoryRead:
    story = _get_live(story_id, session)
    return StoryRead(
        **story.model_dump(include=set(EDITABLE_FIELDS) | {"id", "created_at", "updated_at"}),
        tags=sorted((tag.name for tag in story.tags), key=str.casefold),
        links=[_link_read(link) for link in story.links],
    )


def _link_read(link: CoverageLink) -> LinkRead:
    return LinkRead(**link.model_dump(include=set(LINK_READ_FIELDS)))


def tag_names(*, session: Session) -> list[str]:
    return list(session.exec(select(Tag.name).order_by(sa.func.lower(Tag.name))).all())


def distinct_values(field: str, *, session: Session) -> list[str]:
    """Values already used in a free-text field (organisation, channel, ...), for autocomplete."""
    column = getattr(Story, field)
    query = select(column).where(column != "", _live()).distinct().order_by(column).limit(500)
    return list(session.exec(query).all())


# ---------------------------------------------------------------- writing


def _check_fields(changes: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "title" in changes and not str(changes["title"]).strip():
        raise FieldError("A story needs a title.")


def _apply(record: Story | CoverageLink, changes: dict[str, Any]) -> bool:
    """Set the fields that differ; returns whether any did."""
    changed = False
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def create_story(data: StoryCreate, *, session: Session) -> Story:
    _check_fields({"title": data.title}, EDITABLE_FIELDS)
    story = Story(**data.model_dump(include=set(EDITABLE_FIELDS)))
    session.add(story)
    set_tags(story, data.tags, session=session)
    for position, link in enumerate(data.links):
        session.add(
            CoverageLink(**link.model_dump(), story_id=story.id, position=position, typed_fields=typed_in(link))
        )
    session.flush()
    return story


def update_story(story_id: str, changes: dict[str, Any], *, session: Session) -> bool:
    """Apply field changes; returns whether anything differed (updated_at moves only then)."""
    _check_fields(changes, EDITABLE_FIELDS)
    story = _get_live(story_id, session)
    changed = _apply(story, changes)
    if changed:
        story.updated_at = utcnow()
    return changed


def set_tags(story: Story, names: Sequence[str], *, session: Session) -> bool:
    """Give the story exactly these tags, creating the ones that do not exist yet."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = parse_tag(raw)
        if name:
            wanted.setdefault(name.casefold(), name)
    current = {tag.name.casefold() for tag in story.tags}
    if current == set(wanted):
        return False
    # `name` has NOCASE collation: SQLite compares ASCII letters without case and others exactly (its lower()
    # would miss “Ô” for “ô” and a second “Ô” would break the unique index).
    found = session.exec(select(Tag).where(col(Tag.name).in_(list(wanted.values())))).all() if wanted else []
    existing = {tag.name.casefold(): tag for tag in found}
    story.tags = [existing.get(key) or Tag(name=name) for key, name in wanted.items()]
    story.updated_at = utcnow()
    return True


def set_story_tags(story_id: str, names: Sequence[str], *, session: Session) -> bool:
    return set_tags(_get_live(story_id, session), names, session=session)


def typed_in(data: CoverageLinkBase) -> str:
    """The names of the fields a person filled in a new link (its address aside), as `typed_fields` holds them:
    a fetch never overwrites them."""
    return _typed_names("", (name for name in LINK_FIELDS if getattr(data, name) != _LINK_DEFAULTS[name]))


def _typed_names(current: str, names: Iterable[str]) -> str:
    kept = {name for name in current.split(",") if name} | {name for name in names if name != "url"}
    return ",".join(sorted(kept))


_LINK_DEFAULTS: dict[str, Any] = {name: info.default for name, info in CoverageLinkBase.model_fields.items()}


def add_link(story_id: str, data: CoverageLinkBase, *, session: Session, private_ok: bool = False) -> LinkRead:
    """Add a link the person gave; the fields filled in `data` count as typed. `private_ok`: they confirmed that
    its address is on their own network, so it may be fetched from there."""
    story = _get_live(story_id, session)
    position = max((link.position for link in story.links), default=-1) + 1
    link = CoverageLink(
        **data.model_dump(), story_id=story_id, position=position, typed_fields=typed_in(data), private_ok=private_ok
    )
    session.add(link)
    story.updated_at = utcnow()
    session.flush()
    return _link_read(link)


def update_link(link_id: str, changes: dict[str, Any], *, session: Session) -> bool:
    """A person's edit: the fields changed count as typed from now on (a fetch leaves them alone). A new
    address is fetched and checked afresh."""
    _check_fields(changes, LINK_FIELDS)
    link = session.get(CoverageLink, link_id)
    if link is None:
        raise StoryNotFoundError(f"No coverage link has the id {link_id}.")
    differing = [name for name, value in changes.items() if getattr(link, name) != value]
    changed = _apply(link, changes)
    if changed:
        link.typed_fields = _typed_names(link.typed_fields, differing)
        link.updated_at = utcnow()
        link.story.updated_at = link.updated_at
    if "url" in differing:
        link.fetch_state, link.fetch_error, link.canonical_url = "to_fetch", "", ""
        link.health, link.http_status, link.final_url, link.checked_at = "unknown", None, "", None
        link.origin, link.private_ok = "", False  # typed here now; a private address needs asking again
    return changed


def allow_private_fetch(link_id: str, *, session: Session) -> bool:
    """The person who added this link here confirmed that its address is on their own network: fetch it from
    there (again). False for a link that came from elsewhere: only its own author's laptop may allow that."""
    link = session.get(CoverageLink, link_id)
    if link is None or link.origin:
        return False
    link.private_ok = True
    link.fetch_state, link.fetch_error = "to_fetch", ""
    return True


@dataclass(frozen=True)
class RemovedLink:
    """All a removed link took with it (its row, saved copy and readings), to put it back as it was."""

    link: dict[str, Any]
    snapshot: dict[str, Any] | None
    readings: list[dict[str, Any]]


def remove_link(link_id: str, *, session: Session) -> RemovedLink | None:
    link = session.get(CoverageLink, link_id)
    if link is None:
        return None
    snapshot = session.get(LinkSnapshot, link_id)
    readings = session.exec(select(Reading).where(col(Reading.link_id) == link_id)).all()
    removed = RemovedLink(
        link.model_dump(),
        None if snapshot is None else snapshot.model_dump(),
        [reading.model_dump() for reading in readings],
    )
    link.story.updated_at = utcnow()
    session.delete(link)
    return removed


def put_back_link(removed: RemovedLink, *, session: Session) -> None:
    """Undo remove_link: the same link (id, place, typed and fetched values, saved copy, readings)."""
    story = _get_live(removed.link["story_id"], session)
    session.add(CoverageLink(**removed.link))
    session.flush()
    if removed.snapshot is not None:
        session.add(LinkSnapshot(**removed.snapshot))
    session.add_all(Reading(**reading) for reading in removed.readings)
    story.updated_at = utcnow()


def delete_story(story_id: str, *, session: Session) -> None:
    """Move a story out of sight; restore_story() brings it back until purge_deleted() runs."""
    _get_live(story_id, session).deleted_at = utcnow()


def restore_story(story_id: str, *, session: Session) -> None:
    story = session.get(Story, story_id)
    if story is None:
        raise StoryNotFoundError(f"The story {story_id} was deleted for good and cannot be restored.")
    story.deleted_at = None


def purge_deleted(*, session: Session) -> int:
    """Remove for good the stories deleted before now (the window calls it on start, with an empty undo)."""
    doomed = session.exec(select(Story).where(col(Story.deleted_at).is_not(None))).all()
    for story in doomed:
        session.delete(story)
    return len(doomed)
