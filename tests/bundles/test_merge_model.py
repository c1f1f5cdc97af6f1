"""Three journals edit, export and import in a seeded random order; every journal is checked against a
model of causal histories after each step, and no edit is ever lost: every value written anywhere is the
current value in some journal, or kept in a conflict, or was overwritten by a change made knowing it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from journal.bundles.conflicts import MINE, THEIRS, conflicts_of, resolve
from journal.store import stories
from journal.store.database import Journal, open_journal
from tests.bundles.helpers import transfer

FIELDS = ("title", "situation", "outcome", "organization")


@dataclass
class Version:
    fields: dict[str, str]
    writers: dict[str, int]  # which write set each field's value
    history: frozenset[int]  # every write this version has seen


@dataclass
class Replica:
    stories: dict[str, Version] = field(default_factory=dict)
    conflicts: dict[str, list[Version]] = field(default_factory=dict)


class Model:
    def __init__(self, names: list[str]) -> None:
        self.replicas = {name: Replica() for name in names}
        self.writes: dict[int, tuple[str, str, str]] = {}  # write id -> (story, field, value)
        self.overwritten: set[int] = set()

    def write(self, story: str, name: str, value: str) -> int:
        number = len(self.writes) + 1
        self.writes[number] = (story, name, value)
        return number

    def replace(self, old: Version | None, new: Version) -> None:
        """`new` replaces `old` in a journal: a value it drops is overwritten if `new` knew its write."""
        if old is None:
            return
        for name, writer in old.writers.items():
            if new.writers[name] != writer and writer in new.history:
                self.overwritten.add(writer)

    def transfer(self, source: str, target: str) -> None:
        here = self.replicas[target]
        for story, incoming in self.replicas[source].stories.items():
            mine = here.stories.get(story)
            if mine is None or mine.history < incoming.history:
                self.replace(mine, incoming)
                here.stories[story] = incoming
            elif incoming.history <= mine.history:
                continue
            elif mine.fields == incoming.fields:
                here.stories[story] = Version(mine.fields, mine.writers, mine.history | incoming.history)
            elif any(incoming.history <= seen.history for seen in here.conflicts.get(story, [])):
                continue
            else:
                kept = [seen for seen in here.conflicts.get(story, []) if not seen.history < incoming.history]
                here.conflicts[story] = [*kept, incoming]

    def lost(self) -> list[tuple[str, str, str]]:
        alive = set()
        for replica in self.replicas.values():
            for version in [*replica.stories.values(), *(c for cs in replica.conflicts.values() for c in cs)]:
                alive |= set(version.writers.values())
        return [self.writes[w] for w in self.writes if w not in alive and w not in self.overwritten]


def state(journal: Journal) -> tuple[dict[str, dict[str, str]], dict[str, list[dict[str, str]]]]:
    with journal.session() as session:
        ids = [row[0] for row in session.connection().exec_driver_sql("SELECT id FROM story")]
        found = {i: stories.get_story(i, session=session).model_dump(include=set(FIELDS)) for i in ids}
        pending = {
            i: sorted(
                ({n: c.theirs["fields"][n] for n in FIELDS} for c in conflicts_of(session, i) if c.theirs),
                key=str,
            )
            for i in ids
        }
    return found, {i: c for i, c in pending.items() if c}


@pytest.mark.parametrize("seed", range(6))
def test_three_journals_merge_in_random_order_without_losing_an_edit(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    names = ["anna", "ben", "chloe"]
    journals = {name: open_journal(tmp_path / f"{name}.journal") for name in names}
    model = Model(names)
    counter = 0
    try:
        for step in range(45):
            name = rng.choice(names)
            journal, replica = journals[name], model.replicas[name]
            roll = rng.random()
            counter += 1
            if roll < 0.15 or not replica.stories:
                fields = {n: f"{n} {name} {counter}" for n in FIELDS}
                with journal.write() as session:
                    story = stories.create_story(stories.StoryCreate(**fields), session=session).id
                writers = {n: model.write(story, n, v) for n, v in fields.items()}
                replica.stories[story] = Version(fields, writers, frozenset(writers.values()))
            elif roll < 0.55:
                story = rng.choice(sorted(replica.stories))
                target = rng.choice(FIELDS)
                value = f"{target} {name} {counter}"
                with journal.write() as session:
                    stories.update_story(story, {target: value}, session=session)
                old = replica.stories[story]
                writer = model.write(story, target, value)
                new = Version({**old.fields, target: value}, {**old.writers, target: writer}, old.history | {writer})
                model.replace(old, new)
                replica.stories[story] = new
            elif roll < 0.85:
                other = rng.choice([n for n in names if n != name])
                transfer(journals[other], journal, tmp_path, f"{other}-to-{name}-{step}.sjbundle")
                model.transfer(other, name)
            elif replica.conflicts:
                story = rng.choice(sorted(replica.conflicts))
                theirs = rng.choice(replica.conflicts[story])
                choices = {n: rng.choice([MINE, THEIRS]) for n in FIELDS}
                with journal.write() as session:
                    conflict = next(
                        c
                        for c in conflicts_of(session, story)
                        if c.theirs and {n: c.theirs["fields"][n] for n in FIELDS} == theirs.fields
                    )
                    resolve(session, conflict.id, choices)
                mine = replica.stories[story]
                picked = {n: (theirs if choices[n] == THEIRS else mine) for n in FIELDS}
                resolution = model.write(story, "resolution", "")
                model.overwritten.add(resolution)  # a decision, not a value a person typed
                new = Version(
                    {n: picked[n].fields[n] for n in FIELDS},
                    {n: picked[n].writers[n] for n in FIELDS},
                    mine.history | theirs.history | {resolution},
                )
                model.replace(mine, new)
                model.replace(theirs, new)
                replica.stories[story] = new
                replica.conflicts[story].remove(theirs)
                if not replica.conflicts[story]:
                    del replica.conflicts[story]
            for check in names:
                found, pending = state(journals[check])
                expected = model.replicas[check]
                assert found == {s: v.fields for s, v in expected.stories.items()}, (seed, step, check)
                assert pending == {s: sorted((c.fields for c in cs), key=str) for s, cs in expected.conflicts.items()}
            assert model.lost() == [], (seed, step)
        assert any(model.replicas[n].conflicts for n in names) or model.overwritten, "the run exercised merging"
    finally:
        for journal in journals.values():
            journal.close()
