"""Merging a bundle into a journal by story id, decided by version vectors (journal/store/versioning.py).

plan_import() says what an import would do without writing; apply_import() does it in ONE write
transaction (any error rolls everything back). New stories are added; a story changed only on the bundle's
side is updated; unchanged ones are skipped; a story changed on both sides is kept as it is here and the
bundle's version is stored whole in `story_conflict` for a person to resolve. A story is deleted only by an
explicit tombstone whose vector covers the local one; a story edited after that deletion becomes a
conflict instead. Taking a version that has not seen this journal's own last change to a story (one deleted
here comes back) gives the journal a new replica id, so its next change is plainly new (decide.breaks_line).
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from journal.bundles.decide import Action, Held, breaks_line, decide_grave, decide_story, needs_record
from journal.bundles.format import BundleError
from journal.bundles.read import Bundle
from journal.bundles.records import LINK_COLUMNS, READING_COLUMNS, SNAPSHOT_COLUMNS, column_kind, story_records
from journal.store import search, versioning
from journal.store.database import Journal
from journal.store.models import (
    EDITABLE_FIELDS,
    CoverageLink,
    LinkSnapshot,
    Reading,
    Story,
    StoryTag,
    Tag,
    new_id,
    table_of,
    utcnow,
)
from journal.store.sync_models import StoryConflict, Tombstone
from journal.store.versioning import Order, compare
from journal.words import counted

__all__ = ["Action", "Plan", "Step", "apply_import", "delete_story", "plan_import", "write_record"]

STORY = table_of(Story)
LINK = table_of(CoverageLink)
SNAPSHOT = table_of(LinkSnapshot)
READING = table_of(Reading)
TAG = table_of(Tag)
STORY_TAG = table_of(StoryTag)
CONFLICT = table_of(StoryConflict)
TOMBSTONE = table_of(Tombstone)


@dataclass
class Step:
    action: Action
    story_id: str
    title: str
    record: dict[str, Any] | None = None  # the bundle's story, or None for a tombstone
    grave: dict[str, Any] | None = None


@dataclass
class Plan:
    source: str
    steps: list[Step] = field(default_factory=list)
    # A story comes back (or is updated) with a version that has not seen this journal's own last change to it
    # (a deletion made here, say): the journal takes a new replica id, as the team sync does (decide.breaks_line).
    renew_replica: bool = False

    def count(self, action: Action) -> int:
        return sum(1 for step in self.steps if step.action == action)

    @property
    def changes(self) -> list[Step]:
        return [step for step in self.steps if step.action not in (Action.UNCHANGED,)]

    def counts(self) -> dict[str, int]:
        return {
            "new": self.count(Action.NEW),
            "updated": self.count(Action.UPDATE) + self.count(Action.AUTOMERGE),
            "unchanged": self.count(Action.UNCHANGED) + self.count(Action.ABSORB),
            "conflicts": self.count(Action.CONFLICT),
            "deletions": self.count(Action.DELETE),
        }

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{counted(c['conflicts'], 'conflict')}, {counted(c['deletions'], 'deletion')}"
        )


def plan_import(journal: Journal, bundle: Bundle) -> Plan:
    with journal.session() as session:
        return _plan(session, bundle)


def apply_import(journal: Journal, bundle: Bundle, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Import everything or nothing; the plan is made again inside the transaction, so it is exact."""
    with journal.write() as session:
        plan = _plan(session, bundle)
        changes = plan.changes
        # Stories are written with the search triggers off (each would index the story again for every tag
        # and link row) and indexed once each at the end; in the same transaction, so a failure undoes all.
        rewrites = (Action.NEW, Action.UPDATE, Action.AUTOMERGE)
        written = [step for step in changes if step.action in rewrites]
        others = [step for step in changes if step.action not in rewrites]
        connection = session.connection()
        tags = TagCache(session)
        batch = NewStories(session, tags, received_from(bundle.source))
        # Versions are written as they come: a deletion that arrives is not one made here (no change of mine).
        versioning.drop_triggers(connection)
        try:
            for done, step in enumerate([*others, *written], start=1):
                if written and step is written[0]:
                    search.drop_triggers(connection)
                    versioning.drop_triggers(connection)
                if step.action == Action.NEW:
                    assert step.record is not None
                    batch.add(step.record, bundle.texts)
                else:
                    _apply(session, step, bundle, tags)
                if progress is not None:
                    progress(done, len(changes))
            batch.flush()
            if plan.renew_replica:
                versioning.renew_replica_id(connection)
        except sa.exc.IntegrityError:
            raise BundleError(
                "The bundle gives an id that already belongs to another story, link or reading in this journal."
            ) from None
        if written:
            search.refresh_stories(connection, [step.story_id for step in written])
            search.install_triggers(connection)
        versioning.install_triggers(connection)
    return plan


class TagCache:
    """Tag ids by name, under the rule the `tag.name` column's NOCASE collation uses (ASCII letters fold)."""

    _FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tags = {self.key(row.name): [row.id, row.color] for row in session.execute(sa.select(TAG))}

    def key(self, name: str) -> str:
        return name.translate(self._FOLD)

    def id_for(self, tag: dict[str, Any]) -> str:
        found = self.tags.get(self.key(tag["name"]))
        if found is None:
            found = self.tags[self.key(tag["name"])] = [new_id(), tag["color"]]
            self.session.execute(
                TAG.insert().values(id=found[0], name=tag["name"], color=tag["color"], created_at=utcnow())
            )
        elif found[1] is None and tag["color"] is not None:
            found[1] = tag["color"]
            self.session.execute(TAG.update().where(TAG.c.id == found[0]).values(color=tag["color"]))
        return str(found[0])


class NewStories:
    """Stories this journal has never had, inserted many rows per statement (an import's or a first sync's new
    stories: the cost per story is what a first sync of a whole team journal is made of)."""

    SIZE = 500

    def __init__(self, session: Session, tags: TagCache, origin: str) -> None:
        self.session = session
        self.tags = tags
        self.origin = origin
        dialect = session.connection().dialect
        # In the order of the foreign keys.
        self.story = _Rows(STORY, ("id", "created_at", "updated_at", "version"), EDITABLE_FIELDS, dialect)
        self.story_tag = _Rows(STORY_TAG, ("story_id", "tag_id"), (), dialect)
        self.link = _Rows(LINK, ("story_id", "origin"), LINK_COLUMNS, dialect)
        self.snapshot = _Rows(SNAPSHOT, ("link_id", "text"), SNAPSHOT_COLUMNS, dialect)
        self.reading = _Rows(READING, ("story_id",), READING_COLUMNS, dialect)
        self.time = _converter(STORY.c.created_at, dialect)
        self.count = 0

    def add(self, record: dict[str, Any], texts: dict[str, str]) -> None:
        story_id = record["id"]
        time = self.time
        self.story.add(
            (story_id, time(record["created_at"]), time(record["updated_at"]), versioning.dumps(record["version"])),
            record["fields"],
        )
        for tag in record["tags"]:
            self.story_tag.add((story_id, self.tags.id_for(tag)))
        for link in record["links"]:
            self.link.add((story_id, self.origin), link)
            if "snapshot" in link:
                snapshot = link["snapshot"]
                self.snapshot.add((link["id"], snapshot.get("text", texts.get(link["id"], ""))), snapshot)
        for reading in record["readings"]:
            self.reading.add((story_id,), reading)
        self.count += 1
        if self.count % self.SIZE == 0:
            self.flush()

    def flush(self) -> None:
        connection = self.session.connection()
        for rows in (self.story, self.story_tag, self.link, self.snapshot, self.reading):
            rows.flush(connection)


class _Rows:
    """One table's new rows, as SQLite takes them: the given values first, then the named columns of a record,
    each converted once the way SQLAlchemy converts it for this column (its type's bind processor), and written
    with one executemany (no statement built per batch, no dictionary per row)."""

    def __init__(self, table: sa.Table, given: tuple[str, ...], names: tuple[str, ...], dialect: sa.Dialect) -> None:
        columns = (*given, *names)
        self.sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        self.steps = [(name, _converter(table.c[name], dialect)) for name in names]
        self.rows: list[tuple[Any, ...]] = []

    def add(self, given: tuple[Any, ...], record: dict[str, Any] | None = None) -> None:
        if record is None:
            self.rows.append(given)
        else:
            self.rows.append((*given, *[convert(record[name]) for name, convert in self.steps]))

    def flush(self, connection: sa.Connection) -> None:
        if self.rows:
            connection.exec_driver_sql(self.sql, self.rows)
            self.rows = []


def _same(value: Any) -> Any:
    return value


def _converter(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """A bundle's value of `column` (journal/bundles/records.py column_kind) -> what SQLAlchemy would hand SQLite."""
    kind = column_kind(column)
    process = column.type.dialect_impl(dialect).bind_processor(dialect) or _same
    if kind == "datetime":
        return lambda value: None if value is None else process(_time(value))
    if kind == "date":
        return lambda value: None if value is None else process(dt.date.fromisoformat(value))
    if kind == "bool":
        return lambda value: None if value is None else process(value)
    return process


# ---------------------------------------------------------------- planning


def _rows(session: Session, table: sa.Table, key: sa.Column[Any], ids: list[str], *columns: Any) -> list[Any]:
    found: list[Any] = []
    for start in range(0, len(ids), 500):
        found += session.execute(sa.select(*columns).where(key.in_(ids[start : start + 500]))).all()
    return found


def _plan(session: Session, bundle: Bundle) -> Plan:
    ids = [record["id"] for record in bundle.stories] + [grave["story_id"] for grave in bundle.tombstones]
    local = {row.id: row for row in _rows(session, STORY, STORY.c.id, ids, STORY.c.id, STORY.c.version, STORY.c.title)}
    graves = {
        row.story_id: versioning.loads(row.version)
        for row in _rows(session, TOMBSTONE, TOMBSTONE.c.story_id, ids, TOMBSTONE.c.story_id, TOMBSTONE.c.version)
    }
    pending: dict[str, list[dict[str, int]]] = {}
    for row in _rows(session, CONFLICT, CONFLICT.c.story_id, ids, CONFLICT.c.story_id, CONFLICT.c.incoming):
        pending.setdefault(row.story_id, []).append(versioning.loads(json.dumps(json.loads(row.incoming)["version"])))
    plan = Plan(source=bundle.source)
    replica = versioning.replica_id(session.connection())

    def held(story_id: str) -> Held:
        mine = local.get(story_id)
        return Held(
            version=None if mine is None else versioning.loads(mine.version),
            grave=graves.get(story_id),
            pending=pending.get(story_id, []),
        )

    # The decision is made by vectors alone except for stories changed on both sides: their whole records
    # are read (all at once) only for those.
    wanted = [record["id"] for record in bundle.stories if needs_record(record["version"], held(record["id"]))]
    mine_records, mine_texts = story_records(session, wanted) if wanted else ([], {})
    by_id = {record["id"]: record for record in mine_records}
    for record in bundle.stories:
        story_id = record["id"]
        mine = local.get(story_id)
        state = held(story_id)
        if story_id in by_id:
            state = Held(state.version, state.grave, state.pending, by_id[story_id], mine_texts)
        decision = decide_story(record, bundle.texts, state)
        title = mine.title if mine is not None else record["fields"]["title"]
        if decision.action == Action.UPDATE:
            title = record["fields"]["title"]
        if decision.action in (Action.NEW, Action.UPDATE):
            own = state.version if state.version is not None else state.grave
            plan.renew_replica |= breaks_line(own, record["version"], replica)
        plan.steps.append(Step(decision.action, story_id, title, decision.merged or record))
    for tomb in bundle.tombstones:
        grave_id: str = tomb["story_id"]
        mine = local.get(grave_id)
        decision = decide_grave(tomb["version"], held(grave_id))
        plan.steps.append(Step(decision.action, grave_id, "" if mine is None else mine.title, grave=tomb))
    return plan


# ---------------------------------------------------------------- applying


def _apply(session: Session, step: Step, bundle: Bundle, tags: TagCache) -> None:
    if step.action in (Action.NEW, Action.UPDATE):
        assert step.record is not None
        write_record(session, step.record, bundle.texts, tags, origin=received_from(bundle.source))
    elif step.action == Action.AUTOMERGE:
        assert step.record is not None
        current = session.execute(sa.select(STORY.c.version).where(STORY.c.id == step.story_id)).scalar_one()
        vector = versioning.merged(versioning.loads(current), step.record["version"])
        replica = versioning.replica_id(session.connection())
        record = {**step.record, "version": versioning.bumped(vector, replica)}
        write_record(session, record, {}, tags, origin=received_from(bundle.source))
    elif step.action == Action.ABSORB:
        assert step.record is not None
        current = session.execute(sa.select(STORY.c.version).where(STORY.c.id == step.story_id)).scalar_one()
        vector = versioning.merged(versioning.loads(current), step.record["version"])
        session.execute(STORY.update().where(STORY.c.id == step.story_id).values(version=versioning.dumps(vector)))
    elif step.action == Action.CONFLICT:
        _store_conflict(session, step, bundle)
    elif step.action == Action.DELETE:
        assert step.grave is not None
        delete_story(session, step.story_id, step.grave["version"])
    elif step.action == Action.FORGET:
        assert step.grave is not None
        note_grave(session, step.story_id, step.grave["version"], _time(step.grave["deleted_at"]))


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def note_grave(session: Session, story_id: str, vector: dict[str, int], deleted_at: dt.datetime) -> None:
    current = session.execute(sa.select(TOMBSTONE.c.version).where(TOMBSTONE.c.story_id == story_id)).scalar()
    if current is not None:
        vector = versioning.merged(versioning.loads(current), vector)
        session.execute(TOMBSTONE.delete().where(TOMBSTONE.c.story_id == story_id))
    session.execute(
        TOMBSTONE.insert().values(story_id=story_id, deleted_at=deleted_at, version=versioning.dumps(vector))
    )


def delete_story(session: Session, story_id: str, vector: dict[str, int]) -> None:
    """Delete for good (the trigger writes a tombstone), keeping the larger of the two vectors on it."""
    current = session.execute(sa.select(STORY.c.version).where(STORY.c.id == story_id)).scalar_one()
    session.execute(STORY.delete().where(STORY.c.id == story_id))
    note_grave(session, story_id, versioning.merged(versioning.loads(current), vector), utcnow())


def _store_conflict(session: Session, step: Step, bundle: Bundle) -> None:
    if step.record is not None:
        record = json.loads(json.dumps(step.record))
        for link in record["links"]:
            if "snapshot" in link:
                link["snapshot"]["text"] = bundle.texts[link["id"]]
        incoming: dict[str, Any] = {"version": step.record["version"], "record": record}
    else:
        assert step.grave is not None
        incoming = {"version": step.grave["version"], "deleted": step.grave}
    # A conflict this one supersedes (an older version from the same side) is replaced, not piled up.
    for row in session.execute(
        sa.select(CONFLICT.c.id, CONFLICT.c.incoming).where(CONFLICT.c.story_id == step.story_id)
    ).all():
        if compare(json.loads(row.incoming)["version"], incoming["version"]) == Order.BEFORE:
            session.execute(CONFLICT.delete().where(CONFLICT.c.id == row.id))
    keep_conflict(session.connection(), step.story_id, incoming, bundle.source)


def keep_conflict(connection: sa.Connection, story_id: str, incoming: dict[str, Any], source: str) -> None:
    """Keep another version of the story beside it, to be resolved: `incoming` is {"version", "record"} or, for
    a deletion, {"version", "deleted"}; `source` names where it came from ("the team (ben@example.com)")."""
    connection.execute(
        CONFLICT.insert().values(
            id=new_id(),
            story_id=story_id,
            incoming=json.dumps(incoming, ensure_ascii=False),
            received_at=utcnow(),
            source=source,
        )
    )


def _value(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column_kind(column)
    if kind == "datetime":
        return _time(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def _values(table: sa.Table, record: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: _value(table.c[name], record[name]) for name in names}


def _story_row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **_values(STORY, record["fields"], EDITABLE_FIELDS),
        "created_at": _time(record["created_at"]),
        "updated_at": _time(record["updated_at"]),
        "version": versioning.dumps(record["version"]),
    }


def _snapshot_row(link: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    text = link["snapshot"].get("text", texts.get(link["id"], ""))
    return {"link_id": link["id"], "text": text, **_values(SNAPSHOT, link["snapshot"], SNAPSHOT_COLUMNS)}


def received_from(source: str) -> str:
    """coverage_link.origin of a link that arrived in the bundle file `source`."""
    return f"bundle {source}"


def write_record(
    session: Session, record: dict[str, Any], texts: dict[str, str], tags: TagCache | None = None, *, origin: str
) -> None:
    """Make the story exactly `record` (fields, tags, links, snapshots, readings), with its vector. A link
    new here, or whose address the record changes, gets `origin` (where it came from): it is then not
    fetched without a person asking (journal.coverage.capture.pending_ids)."""
    story_id = record["id"]
    row = _story_row(record)
    exists = session.execute(sa.select(STORY.c.id).where(STORY.c.id == story_id)).first() is not None
    if exists:
        session.execute(STORY.update().where(STORY.c.id == story_id).values(**row))
    else:
        session.execute(STORY.insert().values(id=story_id, **row))
    _write_tags(session, story_id, record["tags"], tags or TagCache(session))
    _write_links(session, story_id, record["links"], texts, origin)
    _write_readings(session, story_id, record["readings"])


def _write_tags(session: Session, story_id: str, tags: list[dict[str, Any]], cache: TagCache) -> None:
    session.execute(STORY_TAG.delete().where(STORY_TAG.c.story_id == story_id))
    rows = [{"story_id": story_id, "tag_id": cache.id_for(tag)} for tag in tags]
    if rows:
        session.execute(STORY_TAG.insert(), rows)


def _write_links(
    session: Session, story_id: str, links: list[dict[str, Any]], texts: dict[str, str], origin: str
) -> None:
    wanted = {link["id"] for link in links}
    owners = dict(_rows(session, LINK, LINK.c.id, sorted(wanted), LINK.c.id, LINK.c.story_id))
    addresses = dict(_rows(session, LINK, LINK.c.id, sorted(wanted), LINK.c.id, LINK.c.url))
    stolen = [link_id for link_id, owner in owners.items() if owner != story_id]
    if stolen:
        raise BundleError(f"The bundle gives the coverage link {stolen[0]} to another story than this journal does.")
    session.execute(LINK.delete().where(LINK.c.story_id == story_id, LINK.c.id.not_in(sorted(wanted))))
    for link in links:
        values = _values(LINK, link, LINK_COLUMNS)
        if link["id"] in owners:
            if addresses[link["id"]] != link["url"]:  # someone else's address now: not ours to fetch unasked
                values |= {"origin": origin, "private_ok": False}
            session.execute(LINK.update().where(LINK.c.id == link["id"]).values(**values))
        else:
            session.execute(LINK.insert().values(story_id=story_id, origin=origin, **values))
        session.execute(SNAPSHOT.delete().where(SNAPSHOT.c.link_id == link["id"]))
        if "snapshot" in link:
            session.execute(SNAPSHOT.insert(), [_snapshot_row(link, texts)])


def _write_readings(session: Session, story_id: str, readings: list[dict[str, Any]]) -> None:
    session.execute(READING.delete().where(READING.c.story_id == story_id))
    ids = sorted(reading["id"] for reading in readings)
    if _rows(session, READING, READING.c.id, ids, READING.c.id):
        raise BundleError("The bundle gives a reach reading to another story than this journal does.")
    for reading in readings:
        session.execute(READING.insert().values(story_id=story_id, **_values(READING, reading, READING_COLUMNS)))
