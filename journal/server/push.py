"""A push: a batch of stories, case studies and deletions from one laptop, decided and stored in ONE
transaction.

The transaction first takes the lock of the team's row (`SELECT ... FOR NO KEY UPDATE`, which does not
hold back rows that merely refer to the team, such as coverage texts sent meanwhile): pushes to one team are
applied one after another, and each change gets the next number of the team's sequence while the lock is
held, so a change is never committed with a number lower than one a reader has already passed. The device
is checked again under that lock, so a device revoked meanwhile pushes nothing. A push id already answered
gets the stored answer and changes nothing (a retry after a lost response).

Stories are decided by journal/bundles/decide.py, the function bundles use: a newer version replaces the
current one, a concurrent one is kept as a conflict beside it, a deletion applies only when it has seen
every version held. A version sent from a partial view (journal/server/privacy.py) is first completed with
what that view was not shown. Case studies have no conflict view: a concurrent edit becomes a copy
("… (conflicting copy from anna@example.com)"), so nothing is lost.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from journal.bundles.decide import Action, Held, covered, decide_grave, decide_story
from journal.server import accounts, items, privacy
from journal.server.accounts import Caller, Revoked
from journal.server.items import Item
from journal.store import versioning
from journal.store.versioning import Order, compare
from journal.sync import wire
from journal.sync.wire import CASE_STUDY, STORY, Push


class MissingSnapshots(Exception):
    def __init__(self, digests: list[str]) -> None:
        super().__init__(f"{len(digests)} snapshot texts must be sent before this push.")
        self.digests = digests


@dataclass
class _Batch:
    caller: Caller
    team_id: str
    replica: str
    seq: int
    found: dict[tuple[str, str], Item]
    text_of: privacy.TextOf
    changed: dict[tuple[str, str], Item] = field(default_factory=dict)
    inline: dict[str, str] = field(default_factory=dict)  # snapshot texts sent inline, by hash
    results: list[dict[str, Any]] = field(default_factory=list)

    def touch(self, item: Item) -> None:
        self.seq += 1
        item.seq = self.seq
        self.changed[(item.kind, item.id)] = item
        self.found[(item.kind, item.id)] = item

    def answer(self, kind: str, item_id: str, action: str, vector: dict[str, int]) -> None:
        item = self.found.get((kind, item_id))
        known = versioning.merged(item.known() if item else {}, vector)
        # Whether the current version is a deletion: a laptop's deletion that the server kept in a conflict
        # (or outlived) is not "here" as its current state, and the laptop learns the story lives on.
        deleted = item is not None and item.deleted
        self.results.append({"kind": kind, "id": item_id, "action": action, "known": known, "deleted": deleted})


def apply_push(connection: psycopg.Connection[Any], caller: Caller, push: Push) -> dict[str, Any]:
    """The push decided and stored in one transaction, in two round trips to PostgreSQL when no story pushed is
    already held with coverage texts (three then): BEGIN and the statements that only read are sent together
    behind the lock (PostgreSQL runs them in order, each after the one before, so each sees what the lock's
    previous holder committed), then every write together with COMMIT.

    BEGIN and COMMIT are statements of the pipeline, not psycopg's transaction(): inside a pipeline, that one
    waits for BEGIN's answer and syncs again before COMMIT, two more round trips (one with the lock held)."""
    try:
        with connection.pipeline():
            connection.execute("BEGIN")
            response = _decided(connection, caller, push)
            connection.execute("COMMIT")
        return response
    finally:
        # Refused (revoked, snapshots missing) or failed before COMMIT: nothing it wrote is kept.
        if not connection.closed and connection.info.transaction_status != TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.OperationalError):
                connection.rollback()


def _decided(connection: psycopg.Connection[Any], caller: Caller, push: Push) -> dict[str, Any]:
    """apply_push's work inside its transaction: the answer, after sending the writes (or the stored answer of
    a push id already answered, writing nothing)."""
    team_id = caller.team_id
    keys = [(STORY, r["id"]) for r in push.stories] + [(STORY, g["story_id"]) for g in push.graves]
    keys += [(CASE_STUDY, r["id"]) for r in push.case_studies] + [(CASE_STUDY, g["id"]) for g in push.case_study_graves]
    named = sorted(
        {
            link["snapshot"]["sha256"]
            for record in push.stories
            for link in record["links"]
            if "sha256" in link.get("snapshot", {})
        }
    )
    locked = connection.execute("SELECT seq, replica FROM team WHERE id = %s FOR NO KEY UPDATE", (team_id,))
    # The device's revocation and the stored answer for this push id, if any, in one statement.
    device = connection.execute(
        """SELECT d.revoked_at, p.response FROM device d
           LEFT JOIN push p ON p.device_id = d.id AND p.push_id = %s WHERE d.id = %s""",
        (push.push_id, caller.device_id),
    )
    present = (
        connection.execute("SELECT sha256 FROM snapshot WHERE team_id = %s AND sha256 = ANY(%s)", (team_id, named))
        if named
        else None
    )
    found_items = items.ask(connection, team_id, keys)
    team = locked.fetchone()  # the one round trip of everything above
    assert team is not None
    seen = device.fetchone()
    if seen is None or seen[0] is not None:
        raise Revoked("An admin signed this laptop out of the team; nothing was sent.")
    if seen[1] is not None:
        return dict(seen[1])
    if present is not None:
        missing = sorted(set(named) - {row[0] for row in present.fetchall()})
        if missing:
            raise MissingSnapshots(missing)
    found = found_items()
    digests = [
        link["snapshot"]["sha256"]
        for item in found.values()
        for record in [item.record, *(c.get("record") for c in item.conflicts)]
        if record is not None and item.kind == STORY
        for link in record["links"]
        if "sha256" in link.get("snapshot", {})
    ]
    texts = items.texts(connection, team_id, digests)
    batch = _Batch(caller, team_id, str(team[1]), int(team[0]), found, lambda digest: texts.get(digest, ""))
    for record in push.stories:
        _story(batch, record)
    for grave in push.graves:
        _story_grave(batch, grave)
    for record in push.case_studies:
        _case_study(batch, record)
    for grave in push.case_study_graves:
        _case_study_grave(batch, grave)
    if batch.inline:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO snapshot (team_id, sha256, text) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(team_id, digest, text) for digest, text in batch.inline.items()],
            )
    response = {"push_id": push.push_id, "results": batch.results, "seq": batch.seq}
    # Every write in one statement: the changed items, the team's sequence, the device's last sighting (the
    # sign-in check left it to this transaction: one commit, not two), the answer kept for a retry.
    connection.execute(
        f"""WITH saved AS ({items.SAVE}), moved AS (UPDATE team SET seq = %(seq)s WHERE id = %(team)s),
                 seen AS ({accounts.SEEN})
            INSERT INTO push (device_id, push_id, response) VALUES (%(device)s, %(push_id)s, %(response)s)""",
        {
            "team": team_id,
            "rows": items.rows(batch.changed.values()),
            "seq": batch.seq,
            "device": caller.device_id,
            "push_id": push.push_id,
            "response": Jsonb(response),
        },
    )
    return response


def _inline_to_hashes(batch: _Batch, record: dict[str, Any]) -> dict[str, Any]:
    """Snapshot texts sent inline (a fresh fetch on a partial view) are kept by hash like the others. The
    record is not changed: the links that change are copied (a push's record is read once, by this)."""
    if not any("text" in link.get("snapshot", {}) for link in record["links"]):
        return record
    links = []
    for link in record["links"]:
        snapshot = link.get("snapshot")
        if snapshot is not None and "text" in snapshot:
            text = snapshot["text"]
            digest = wire.text_hash(text)
            batch.inline[digest] = text
            link = {**link, "snapshot": {**{k: v for k, v in snapshot.items() if k != "text"}, "sha256": digest}}
        links.append(link)
    return {**record, "links": links}


def _held(item: Item | None) -> Held:
    if item is None:
        return Held()
    pending = [c["version"] for c in item.conflicts]
    if item.record is None:
        return Held(grave=item.version, pending=pending)
    return Held(
        version=item.version,
        pending=pending,
        record=wire.bundle_form(item.record),
        texts=wire.digests(item.record),
    )


def _without_covered(conflicts: list[dict[str, Any]], vector: dict[str, int]) -> list[dict[str, Any]]:
    """A version that has seen a conflict's version settles it (whoever made it knew both)."""
    return [c for c in conflicts if not covered(c["version"], vector)]


def _conflict(version: dict[str, int], record: dict[str, Any] | None, deleted_at: str | None, by: str) -> Any:
    return {"version": version, "record": record, "deleted_at": deleted_at, "by": by}


def _story(batch: _Batch, pushed: dict[str, Any]) -> None:
    key = (STORY, pushed["id"])
    item = batch.found.get(key)
    vector = pushed["version"]
    if item is not None and item.record is not None:
        view = privacy.view_of(batch.caller, item.author_id)
        pushed = privacy.restore(pushed, item.record, view, batch.text_of)
    record = _inline_to_hashes(batch, pushed)
    decision = decide_story(wire.bundle_form(record), wire.digests(record), _held(item))
    action = decision.action
    by = batch.caller.email
    if action == Action.NEW:
        author = batch.caller.account_id if item is None or item.author_id is None else item.author_id
        conflicts = [] if item is None else _without_covered(item.conflicts, vector)
        if item is not None and not covered(item.version, vector):
            # Edited by someone who had not seen its deletion: back, with the deletion kept for a person to decide.
            conflicts.append(_conflict(item.version, None, item.deleted_at, item.by))
        batch.touch(Item(STORY, pushed["id"], 0, vector, record, None, by, conflicts, author))
    elif action == Action.UPDATE:
        assert item is not None
        item.version, item.record, item.by = vector, record, by
        item.conflicts = _without_covered(item.conflicts, vector)
        batch.touch(item)
    elif action == Action.ABSORB:
        assert item is not None and item.record is not None
        item.version = versioning.merged(item.version, vector)
        item.record = {**item.record, "version": item.version}
        item.conflicts = _without_covered(item.conflicts, item.version)
        batch.touch(item)
    elif action == Action.AUTOMERGE:
        assert item is not None and item.record is not None and decision.merged is not None
        merged_vector = versioning.bumped(versioning.merged(item.version, vector), batch.replica)
        digests = {**wire.digests(item.record), **wire.digests(record)}
        item.record = {**wire.wire_form(decision.merged, digests), "version": merged_vector}
        item.version, item.by = merged_vector, by
        item.conflicts = _without_covered(item.conflicts, merged_vector)
        batch.touch(item)
    elif action == Action.CONFLICT:
        assert item is not None
        _keep_conflict(item, _conflict(vector, record, None, by))
        batch.touch(item)
    batch.answer(STORY, pushed["id"], str(action), vector)


def _keep_conflict(item: Item, conflict: dict[str, Any]) -> None:
    """Kept beside the current version; an older version from the same line is replaced, not piled up."""
    kept = [c for c in item.conflicts if compare(c["version"], conflict["version"]) != Order.BEFORE]
    item.conflicts = [*kept, conflict]


def _story_grave(batch: _Batch, grave: dict[str, Any]) -> None:
    key = (STORY, grave["story_id"])
    item = batch.found.get(key)
    vector = grave["version"]
    action = decide_grave(vector, _held(item)).action
    by = batch.caller.email
    if action == Action.DELETE and item is not None and _without_covered(item.conflicts, vector):
        action = Action.CONFLICT  # versions kept in conflicts that the deletion has not seen: kept, not deleted
    if action == Action.DELETE:
        assert item is not None
        item.version = versioning.merged(item.version, vector)
        item.record, item.deleted_at, item.by, item.conflicts = None, grave["deleted_at"], by, []
        batch.touch(item)
    elif action == Action.FORGET:
        if item is None:
            item = Item(STORY, grave["story_id"], 0, vector, None, grave["deleted_at"], by, [], batch.caller.account_id)
        else:
            item.version = versioning.merged(item.version, vector)
        batch.touch(item)
    elif action == Action.CONFLICT:
        assert item is not None
        _keep_conflict(item, _conflict(vector, None, grave["deleted_at"], by))
        batch.touch(item)
    elif item is not None and not item.deleted:
        batch.touch(item)  # a deletion already kept in a conflict: the laptop is sent the story again
    batch.answer(STORY, grave["story_id"], str(action), vector)


# ---------------------------------------------------------------- case studies


def _case_content(record: dict[str, Any]) -> Any:
    entries = sorted((e["position"], e["story_id"], e["headline"], e["include_coverage"]) for e in record["entries"])
    return record["fields"], entries


def _case_study(batch: _Batch, pushed: dict[str, Any]) -> None:
    key = (CASE_STUDY, pushed["id"])
    item = batch.found.get(key)
    vector = pushed["version"]
    by = batch.caller.email
    action = Action.UNCHANGED
    if item is None or (item.record is None and not covered(vector, item.version)):
        action = Action.NEW
        author = batch.caller.account_id if item is None else item.author_id
        batch.touch(Item(CASE_STUDY, pushed["id"], 0, vector, pushed, None, by, [], author))
    elif item.record is not None:
        order = compare(vector, item.version)
        known = any(covered(vector, c["version"]) for c in item.conflicts)
        if order == Order.AFTER:
            action = Action.UPDATE
            item.version, item.record, item.by = vector, pushed, by
            item.conflicts = _without_covered(item.conflicts, vector)
            batch.touch(item)
        elif order == Order.CONCURRENT and not known:
            if _case_content(pushed) == _case_content(item.record):
                action = Action.ABSORB
                item.version = versioning.merged(item.version, vector)
                item.record = {**item.record, "version": item.version}
            else:
                action = Action.CONFLICT
                copy_id = _conflicting_copy(batch, pushed)
                item.conflicts = [*item.conflicts, {"version": vector, "record": None, "copy": copy_id, "by": by}]
            batch.touch(item)
    batch.answer(CASE_STUDY, pushed["id"], str(action), vector)


def _conflicting_copy(batch: _Batch, pushed: dict[str, Any]) -> str:
    copy_id = str(uuid.uuid4())
    title = f"{pushed['fields']['title']} (conflicting copy from {batch.caller.email})"
    now = dt.datetime.now(dt.UTC).isoformat()
    vector = {batch.replica: 1}
    record = {
        **copy.deepcopy(pushed),
        "id": copy_id,
        "version": vector,
        "created_at": now,
        "updated_at": now,
        "fields": {**pushed["fields"], "title": title[:300]},
    }
    batch.touch(Item(CASE_STUDY, copy_id, 0, vector, record, None, batch.caller.email, [], batch.caller.account_id))
    return copy_id


def _case_study_grave(batch: _Batch, grave: dict[str, Any]) -> None:
    key = (CASE_STUDY, grave["id"])
    item = batch.found.get(key)
    vector = grave["version"]
    action = Action.UNCHANGED
    if item is None:
        action = Action.FORGET
        batch.touch(Item(CASE_STUDY, grave["id"], 0, vector, None, grave["deleted_at"], batch.caller.email))
    elif item.record is not None and covered(item.version, vector):
        action = Action.DELETE
        item.version = versioning.merged(item.version, vector)
        item.record, item.deleted_at, item.conflicts = None, grave["deleted_at"], []
        batch.touch(item)
    elif item.record is not None:
        # Changed after it was deleted elsewhere: it stays, and the laptop that deleted it is sent it again.
        item.conflicts = [*item.conflicts, {"version": vector, "record": None, "copy": "", "by": batch.caller.email}]
        batch.touch(item)
    batch.answer(CASE_STUDY, grave["id"], str(action), vector)
