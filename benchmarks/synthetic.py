"""A synthetic journal for the benchmarks: 100,000 stories, 300,000 coverage links and 2,000 tags from a fixed seed.

The text is made of real English words (benchmarks/words.txt: the words of the sample journal plus a list of
everyday and customer-service words) drawn with a Zipf distribution, so common words ("the", "customer") match
most stories and rare ones a few, as in a real journal. Field lengths: title 4-12 words; situation, action and
outcome 40-200 words each; policy 10-40 words.

The schema and its triggers come from the app itself (`open_journal` on an empty file); the rows are
bulk-inserted with plain sqlite3 in one transaction with every trigger dropped, then the triggers are put back as
they were and the full-text index rebuilt with the app's own `journal.store.search` functions. The built file is
cached in benchmarks/.cache/ (ignored by git), keyed by BUILD_VERSION, the seed, a hash of the word list and the
schema (its head and the migration scripts).

    .venv/bin/python benchmarks/synthetic.py [--seed N] [--stories N] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import os
import random
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
WORDS_FILE = HERE / "words.txt"
BUILD_VERSION = "1"  # bump when the generator changes, so an old cached journal is not reused
DEFAULT_SEED = 20261123


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The most frequent words of English come first in the Zipf ranking; the rest of the list is shuffled by seed.
FUNCTION_WORDS = _split(
    "the and to of a in was she he that it for her his with on at as but they we had not be this from by our "
    "were you so their one all when an or would what them there out up about which if more could been into "
    "customer said after time no some then only other over day just back also him than two new team"
)

FIRST_NAMES = _split(
    "Aisha Alex Amelia Ana Andre Ben Carla Chen Chris Dana Daniel Eva Fatima Grace Hannah Ian Isabel Jack Jamal "
    "James Jo Kai Kelly Laura Leo Lina Luis Maria Marta Max Mei Mia Nadia Nina Noah Olivia Omar Paul Priya Rosa "
    "Sam Sara Sofia Tom Uma Victor Yara Yusuf Zoe"
)
LAST_NAMES = _split(
    "Adams Ahmed Baker Brown Campbell Chen Clark Costa Davies Diaz Evans Fischer Garcia Green Hall Hughes Ito "
    "Jensen Johnson Khan Kim Kowalski Lee Lopez Martin Meyer Moreau Murphy Nguyen Novak Okafor Patel Perez Reed "
    "Rossi Santos Schmidt Silva Singh Smith Suzuki Taylor Thomas Walker Wang White Wilson Wright Young Zhang"
)
ORG_SUFFIXES = "Retail Airlines Hotels Bank Foods Books Telecom Motors Pharmacy Insurance Outfitters Shoes Travel"
CHANNELS = ("phone", "email", "chat", "in_person", "social_media", "letter", "blog", "other")
CONSENTS = ("unknown", "declined", "anonymous", "named")
STATUSES = ("draft", "ready", "approved")
LINK_KINDS = ("customer_post", "blog", "news", "social_post", "forum", "other")
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD")


@dataclass(frozen=True)
class Size:
    stories: int = 100_000
    links: int = 300_000
    tags: int = 2_000


def size_for(stories: int) -> Size:
    """A journal of this many stories: three coverage links each, up to 2,000 tags."""
    return Size(stories=stories, links=stories * 3, tags=min(2000, max(10, stories // 50)))


def read_words() -> list[str]:
    return [line.strip() for line in WORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def words_digest() -> str:
    return hashlib.sha256(WORDS_FILE.read_bytes()).hexdigest()[:8]


def migrations_digest() -> str:
    """The migration scripts there are: a merge can put a revision before the head without changing the head."""
    import journal.store

    folder = Path(journal.store.__file__).parent / "migrations" / "versions"
    names = "\n".join(sorted(script.name for script in folder.glob("*.py")))
    return hashlib.sha256(names.encode()).hexdigest()[:6]


def cache_path(seed: int = DEFAULT_SEED, size: Size = Size()) -> Path:
    """Keyed by the generator, the seed, the size, the words and the app's schema: its revision and the migrations
    leading to it (a journal of an older schema would be migrated, with a backup copy, on every run)."""
    from journal.store.database import SCHEMA_HEAD

    schema = f"{SCHEMA_HEAD}-{migrations_digest()}"
    key = f"v{BUILD_VERSION}-seed{seed}-{size.stories}-{words_digest()}-schema{schema}"
    return CACHE / f"journal-{key}.journal"


class Text:
    """Zipf-distributed sentences from the word list."""

    def __init__(self, rng: random.Random, words: list[str]) -> None:
        common = list(FUNCTION_WORDS)
        rest = sorted(set(words) - set(common))
        rng.shuffle(rest)
        self.vocabulary = list(dict.fromkeys(common + rest))
        weights = [1.0 / (rank + 2.7) for rank in range(len(self.vocabulary))]
        self.cum_weights = list(itertools.accumulate(weights))
        self.rng = rng

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=count)

    def sentences(self, low: int, high: int) -> str:
        """Between low and high words, in sentences of 6-18 words."""
        words = self.words(self.rng.randint(low, high))
        out: list[str] = []
        start = 0
        while start < len(words):
            end = min(len(words), start + self.rng.randint(6, 18))
            out.append(" ".join([words[start].capitalize(), *words[start + 1 : end]]) + ".")
            start = end
        return " ".join(out)

    def title(self, low: int, high: int) -> str:
        words = self.words(self.rng.randint(low, high))
        return " ".join([words[0].capitalize(), *words[1:]])


def _batched(rows: Iterator[tuple[object, ...]], size: int) -> Iterator[list[tuple[object, ...]]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _timestamp(rng: random.Random, start: dt.datetime, days: int) -> str:
    moment = start + dt.timedelta(seconds=rng.randrange(days * 86400), microseconds=rng.randrange(1_000_000))
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _date(rng: random.Random, start: dt.date, days: int) -> str:
    return (start + dt.timedelta(days=rng.randrange(days))).isoformat()


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _tags(rng: random.Random, text: Text, count: int) -> list[tuple[str, str, str]]:
    """(id, name, created_at): about a third flat, the rest nested `parent/child` under 60 parents."""
    start = dt.datetime(2015, 1, 1)
    names: dict[str, str] = {}
    parents = [word for word in text.vocabulary[60:] if len(word) > 3][:60]
    while len(names) < count:
        word = text.vocabulary[rng.randrange(60, len(text.vocabulary))]
        name = word if rng.random() < 0.33 else f"{rng.choice(parents)}/{word}"
        if rng.random() < 0.2:
            name += f"-{text.vocabulary[rng.randrange(60, len(text.vocabulary))]}"
        names.setdefault(name.casefold(), name)
    return [(_uuid(rng), name, _timestamp(rng, start, 3650)) for name in names.values()]


def _stories(rng: random.Random, text: Text, size: Size) -> Iterator[tuple[object, ...]]:
    organizations = [f"{text.title(1, 2)} {rng.choice(ORG_SUFFIXES.split())}" for _ in range(400)]
    created_start = dt.datetime(2015, 1, 1)
    for _ in range(size.stories):
        created = _timestamp(rng, created_start, 3650)
        cost = rng.randrange(0, 50_000) if rng.random() < 0.6 else None
        yield (
            _uuid(rng),
            text.title(4, 12),
            _date(rng, dt.date(2000, 1, 1), 9500) if rng.random() < 0.95 else None,
            rng.choice(organizations),
            ", ".join(_name(rng) for _ in range(rng.randint(1, 3))),
            rng.choice(CHANNELS),
            _name(rng),
            f"{rng.choice(FIRST_NAMES).lower()}@example.com" if rng.random() < 0.5 else "",
            rng.choice(CONSENTS),
            text.sentences(40, 200),
            text.sentences(10, 40),
            text.sentences(40, 200),
            cost,
            rng.choice(CURRENCIES) if cost is not None else "",
            text.sentences(40, 200),
            text.sentences(0, 30),
            rng.choice(STATUSES),
            created,
            created,
            None,
        )


STORY_COLUMNS = (
    "id, title, occurred, organization, employees, channel, customer_name, customer_contact, consent, situation, "
    "policy, action, cost_cents, currency, outcome, internal_notes, status, created_at, updated_at, deleted_at"
)
LINK_COLUMNS = (
    "id, story_id, position, url, title, outlet, author, published, kind, comment_count, notes, created_at, updated_at"
)


def build(path: Path, *, seed: int = DEFAULT_SEED, size: Size = Size(), log: bool = True) -> None:
    """Write a new synthetic journal at `path` (which must not exist)."""
    from journal.store import search
    from journal.store.database import _make_engine, open_journal

    started = time.perf_counter()

    def say(message: str) -> None:
        if log:
            print(f"  [{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    open_journal(path).close()  # the app's schema, migrations and search triggers
    rng = random.Random(seed)
    text = Text(rng, read_words())
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -200000")
        triggers = list(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        db.execute("BEGIN")
        for name, _sql in triggers:  # each put back as it was, below
            db.execute(f"DROP TRIGGER {name}")
        tags = _tags(rng, text, size.tags)
        db.executemany("INSERT INTO tag (id, name, created_at) VALUES (?, ?, ?)", tags)
        say(f"{len(tags)} tags")
        story_ids: list[str] = []
        placeholders = ", ".join("?" * len(STORY_COLUMNS.split(",")))
        for batch in _batched(_stories(rng, text, size), 5000):
            db.executemany(f"INSERT INTO story ({STORY_COLUMNS}) VALUES ({placeholders})", batch)
            story_ids.extend(str(row[0]) for row in batch)
            if len(story_ids) % 20000 == 0:
                say(f"{len(story_ids)} stories")
        tag_ids = [tag[0] for tag in tags]
        tag_weights = list(itertools.accumulate(1.0 / (rank + 5) for rank in range(len(tag_ids))))
        story_tags = []
        for story_id in story_ids:
            chosen = set(rng.choices(tag_ids, cum_weights=tag_weights, k=rng.randint(0, 6)))
            story_tags.extend((story_id, tag_id) for tag_id in chosen)
        db.executemany("INSERT INTO story_tag (story_id, tag_id) VALUES (?, ?)", story_tags)
        say(f"{len(story_tags)} story tags")
        owners = sorted(rng.randrange(len(story_ids)) for _ in range(size.links))
        outlets = [text.title(1, 3) for _ in range(500)]
        position = 0
        links = []
        for number, owner in enumerate(owners):
            position = position + 1 if number and owners[number - 1] == owner else 0
            outlet = rng.choice(outlets)
            created = _timestamp(rng, dt.datetime(2015, 1, 1), 3650)
            links.append(
                (
                    _uuid(rng),
                    story_ids[owner],
                    position,
                    f"https://{outlet.lower().replace(' ', '-')}.example.com/{'-'.join(text.words(5))}",
                    text.title(4, 10),
                    outlet,
                    _name(rng) if rng.random() < 0.7 else "",
                    _date(rng, dt.date(2000, 1, 1), 9500) if rng.random() < 0.8 else None,
                    rng.choice(LINK_KINDS),
                    rng.randrange(0, 2000) if rng.random() < 0.5 else None,
                    "",
                    created,
                    created,
                )
            )
        db.executemany(f"INSERT INTO coverage_link ({LINK_COLUMNS}) VALUES ({', '.join('?' * 13)})", links)
        say(f"{len(links)} coverage links")
        db.execute("COMMIT")
    engine = _make_engine(path, read_only=False)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA cache_size = -200000")
            # Every trigger the migrations made (search, change log, story count, version vectors, team sync), as
            # it was; then what they would have written: the vector a story written here gets, the FTS5 index,
            # the count.
            for _trigger, sql in triggers:
                connection.exec_driver_sql(sql)
            connection.exec_driver_sql(
                "UPDATE story SET version = json_object((SELECT value FROM journal_meta WHERE key = 'replica_id'), 1)"
            )
            search.rebuild(connection)
            search.install_triggers(connection)
        say("full-text index rebuilt, triggers installed")
    finally:
        engine.dispose()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    say(f"done: {path.stat().st_size / 1e6:.0f} MB")


def cached_journal(*, seed: int = DEFAULT_SEED, size: Size = Size()) -> tuple[Path, float | None]:
    """The cached journal and its search index, built first if missing. Returns (path, build seconds or None
    when both were cached)."""
    from journal.store.search_index import SearchIndex, folder_of

    path = cache_path(seed, size)
    started = time.perf_counter()
    built = not path.exists()
    if built:
        CACHE.mkdir(parents=True, exist_ok=True)
        # Another generator, seed or schema of the same size: 1.4 GB each (14 GB at 1,000,000), not worth keeping.
        for old in [*CACHE.glob(f"journal-*-{size.stories}-*.journal*"), *CACHE.glob("*.building*")]:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        partial = path.with_name(path.name + f".building-{os.getpid()}")
        print(f"Building the synthetic journal (once; cached in {CACHE})…", file=sys.stderr, flush=True)
        try:
            build(partial, seed=seed, size=size)
            for suffix in ("-wal", "-shm"):
                Path(str(partial) + suffix).unlink(missing_ok=True)
            partial.rename(path)
        finally:
            for leftover in (partial, Path(str(partial) + "-wal"), Path(str(partial) + "-shm")):
                leftover.unlink(missing_ok=True)
    index = SearchIndex(path)
    if not index.ready or index.needs_rebuild():  # the app's own index, as the window builds it
        print("Building its search index (once; cached beside it)…", file=sys.stderr, flush=True)
        index.rebuild()
        built = True
    index.close()
    assert folder_of(path).exists()
    return path, (time.perf_counter() - started if built else None)


def copy_journal(cached: Path, to: Path) -> None:
    """A working copy of a cached journal with its search index (edits are saved into the copy)."""
    from journal.store.search_index import folder_of

    shutil.copyfile(cached, to)
    shutil.copytree(folder_of(cached), folder_of(to))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--stories", type=int, default=Size.stories)
    parser.add_argument("--out", type=Path, help="write here instead of the cache")
    args = parser.parse_args()
    size = size_for(args.stories)
    if args.out:
        build(args.out, seed=args.seed, size=size)
        return 0
    path, seconds = cached_journal(seed=args.seed, size=size)
    print(path if seconds is None else f"{path} (built in {seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
