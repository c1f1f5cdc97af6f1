"""What to do with a version of a story that arrives from elsewhere, decided by version vectors alone.

One pure function for every way stories travel: a bundle being imported (journal/bundles/merge.py), a push
reaching the team server (journal/server/push.py) and a page of changes reaching a laptop
(journal/sync/apply.py). It reads nothing and writes nothing: the caller says what it holds for the story
(its vector, its tombstone, the versions kept in its conflicts and, when asked for, its whole record), and
gets back an Action (and, for an automatic merge, the merged record).

The rules: a newer version replaces an older one; an older or already-seen version changes nothing; two
versions that each have changes the other has not seen are never decided silently (a conflict keeps both),
unless they say the same thing or differ only in what the program fills in by itself; a story is deleted
only by a tombstone that has seen every change made to it; a story that is simply missing is never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from journal.bundles.automerge import auto_merge
from journal.bundles.records import content
from journal.store.versioning import Order, compare

Vector = Mapping[str, int]


class Action(StrEnum):
    NEW = "new"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    DELETE = "deleted"
    ABSORB = "same content"  # changed on both sides to the same thing: only the vectors are merged
    AUTOMERGE = "merged"  # changed on both sides only in what the program fills in (journal/bundles/automerge.py)
    FORGET = "deletion noted"  # a tombstone for a story this journal never had (kept so it travels on)


@dataclass(frozen=True)
class Held:
    """What one side holds for a story: its vector when it holds the story live, the vector of its tombstone
    when it deleted it, and the vectors of the versions kept in its unresolved conflicts."""

    version: Vector | None = None
    grave: Vector | None = None
    pending: Sequence[Vector] = ()
    # The story's record and its snapshot texts by link id; only needed when needs_record() says so.
    record: dict[str, Any] | None = None
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    action: Action
    merged: dict[str, Any] | None = None  # for AUTOMERGE: the merged record (snapshot texts inline)


def covered(vector: Vector, by: Vector | None) -> bool:
    """Has `by` seen every change `vector` has?"""
    return by is not None and compare(vector, by) in (Order.EQUAL, Order.BEFORE)


def breaks_line(own: Vector | None, taken: Vector, replica: str) -> bool:
    """Taking `taken` in place of `own` (the story held here, or its tombstone): has this journal (`replica`)
    changed the story more times than `taken` has seen? Then its next change, counted from `taken`, would repeat
    a number it already used (a vector needs each replica's line unbroken) and claim to have seen changes it
    never had: the journal takes a new replica id (versioning.renew_replica_id) before that next change."""
    return own is not None and own.get(replica, 0) > taken.get(replica, 0)


def needs_record(incoming: Vector, held: Held) -> bool:
    """Does deciding on this incoming story need the held story's whole record (the vectors alone cannot say)?"""
    return held.version is not None and compare(incoming, held.version) in (Order.CONCURRENT, Order.EQUAL)


def decide_story(record: dict[str, Any], texts: Mapping[str, str], held: Held) -> Decision:
    """An incoming story record (bundle form) against what is held."""
    vector = record["version"]
    if held.version is None:
        return Decision(Action.UNCHANGED if covered(vector, held.grave) else Action.NEW)
    order = compare(vector, held.version)
    if order == Order.AFTER:
        return Decision(Action.UPDATE)
    if order == Order.BEFORE:
        return Decision(Action.UNCHANGED)
    assert held.record is not None, "needs_record() said the held record is needed"
    same = content(held.record, dict(held.texts)) == content(record, dict(texts))
    equal = order == Order.EQUAL
    if same:
        return Decision(Action.UNCHANGED if equal else Action.ABSORB)
    if any(covered(vector, seen) for seen in held.pending):
        return Decision(Action.UNCHANGED)
    # Equal vectors with different content only happen when a journal's counter went back (a copy or an old
    # backup put in place): kept as a conflict rather than trusted.
    if not equal:
        merged = auto_merge(held.record, record, dict(held.texts), dict(texts))
        if merged is not None:
            merged["version"] = vector  # the held vector is merged in when it is written
            return Decision(Action.AUTOMERGE, merged)
    return Decision(Action.CONFLICT)


def decide_grave(vector: Vector, held: Held) -> Decision:
    """An incoming tombstone (the vector the story had when it was deleted) against what is held."""
    if held.version is None:
        return Decision(Action.UNCHANGED if covered(vector, held.grave) else Action.FORGET)
    if compare(vector, held.version) in (Order.EQUAL, Order.AFTER):
        return Decision(Action.DELETE)
    if any(covered(vector, seen) for seen in held.pending):
        return Decision(Action.UNCHANGED)
    return Decision(Action.CONFLICT)
