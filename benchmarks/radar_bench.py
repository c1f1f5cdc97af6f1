"""The coverage radar's matching: N new entries (10,000) against the 100,000-story synthetic journal.

The synthetic journal's words come from a list of about 2,000 (benchmarks/synthetic.py), so every word is in
thousands of stories: nothing in it is distinctive, which a real story is (the organisation, the people, the
product, the place). So the run works on a copy of the cached journal with DISTINCT_STORIES more stories added
through the app, each with a made-up organisation, people and a few made-up names in its text. Entries, from a
fixed seed: a fifth are about one of those stories (its organisation and two of its names, among ordinary
words), the rest ordinary text from the word list (about nothing: the hard case, sharing common words with
thousands of stories). Times, in the same run:

  - app: `journal.radar.matching.Matcher.match` for every entry on one read connection, as
    `journal.radar.suggesting.match_pending` runs it (without writing the suggestions);
  - raw: one plain FTS5 query per entry with raw sqlite3, for the same words the app looks up (the entry's
    rarest, `Matcher.candidate_terms`), OR'ed, unranked, every story id read: what reading the index alone costs.

Also says how many entries about a story were suggested for that story, and how many ordinary ones were
suggested for any story. Prints a table, then one JSON line.

    .venv/bin/python benchmarks/radar_bench.py [--entries 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from synthetic import Text, cached_journal, read_words

from journal.radar.matching import EntryText, Matcher
from journal.store.database import Journal, open_journal

ABOUT_SHARE = 0.2
DISTINCT_STORIES = 1000
RAW = "SELECT rowid FROM story_fts WHERE story_fts MATCH ?"
SYLLABLES = ("ka", "lo", "mi", "ra", "ven", "tor", "sel", "da", "qui", "bran", "zu", "fen", "ot", "mar", "lis", "dor")


def made_up(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def add_distinct_stories(journal: Journal, rng: random.Random, text: Text) -> list[dict[str, Any]]:
    """Stories with names of their own, added with the app's own store functions (and so indexed)."""
    from journal.store.stories import StoryCreate, create_story

    added = []
    with journal.write() as session:
        for _ in range(DISTINCT_STORIES):
            names = [made_up(rng, 3) for _ in range(4)]
            record = {
                "organization": f"{made_up(rng, 2)} {made_up(rng, 3)}",
                "employees": f"{made_up(rng, 2)} {made_up(rng, 3)}",
                "names": names,
            }
            story = create_story(
                StoryCreate(
                    title=f"{text.title(3, 6)} {names[0]} {text.title(2, 4).lower()}",
                    organization=record["organization"],
                    employees=record["employees"],
                    situation=f"{text.sentences(30, 80)} In {names[1]} the {names[2]} broke. {text.sentences(30, 80)}",
                    action=f"{text.sentences(30, 80)} {record['employees']} sent a {names[3]}. {text.sentences(9, 60)}",
                ),
                session=session,
            )
            record["id"] = story.id
            added.append(record)
    return added


def make_entries(
    stories: list[dict[str, Any]], count: int, rng: random.Random, text: Text
) -> tuple[list[EntryText], dict[str, str]]:
    """The entries, and for each entry about a story, that story's id."""
    about: dict[str, str] = {}
    entries: list[EntryText] = []
    every = round(1 / ABOUT_SHARE)
    for number in range(count):
        link = f"https://news{number % 97}.example.net/{number}/{'-'.join(text.words(4))}"
        if number % every == 0:
            story = rng.choice(stories)
            first, second = rng.sample(story["names"], 2)
            entry = EntryText(
                f"about-{number}",
                link,
                f"{story['organization']} {text.title(3, 8).lower()}",
                f"{text.sentences(20, 80)} {first} {text.sentences(5, 12)} {second}. {text.sentences(20, 80)}",
            )
            about[entry.id] = story["id"]
        else:
            entry = EntryText(f"plain-{number}", link, text.title(5, 12), text.sentences(60, 200))
        entries.append(entry)
    return entries, about


def run(journal_path: Path, count: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    text = Text(rng, read_words())
    journal = open_journal(journal_path)
    matcher = Matcher()
    suggested: dict[str, str] = {}
    try:
        stories = add_distinct_stories(journal, rng, text)
        entries, about = make_entries(stories, count, rng, text)
        with journal.session() as session:
            connection = session.connection()
            started = time.perf_counter()
            for entry in entries:
                matches = matcher.match(entry, connection)
                if matches:
                    suggested[entry.id] = matches[0].story_id
            app_seconds = time.perf_counter() - started
            # The raw side's words, chosen (untimed) as the app chose them; looked up by raw sqlite3 below.
            queries = [
                " OR ".join(f'"{term}"' for term in matcher.candidate_terms(entry, connection)) for entry in entries
            ]
    finally:
        journal.close()
    raw = sqlite3.connect(f"{journal_path.as_uri()}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        for query in queries:
            if query:
                raw.execute(RAW, (query,)).fetchall()
        raw_seconds = time.perf_counter() - started
        total = raw.execute("SELECT count(*) FROM story WHERE deleted_at IS NULL").fetchone()[0]
    finally:
        raw.close()
    found = sum(1 for entry_id, story in about.items() if suggested.get(entry_id) == story)
    plain = [entry.id for entry in entries if entry.id not in about]
    false = sum(1 for entry_id in plain if entry_id in suggested)
    return {
        "stories": total,
        "entries": count,
        "entries_about_a_story": len(about),
        "app_seconds": round(app_seconds, 1),
        "app_entries_per_second": round(count / app_seconds, 1),
        "raw_seconds": round(raw_seconds, 1),
        "raw_queries_per_second": round(count / raw_seconds, 1),
        "ratio_app_to_raw": round(app_seconds / raw_seconds, 2),
        "found_their_story": found,
        "found_share": round(found / max(1, len(about)), 3),
        "plain_suggested": false,
        "plain_suggested_share": round(false / max(1, len(plain)), 4),
        "seed": seed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cached, _built = cached_journal()
    with tempfile.TemporaryDirectory(prefix="radar-bench-") as folder:
        copy = Path(folder) / "journal.journal"
        print("… copying the 100,000-story journal", file=sys.stderr, flush=True)
        shutil.copyfile(cached, copy)  # the added stories never reach the cache
        figures = run(copy, args.entries, args.seed)
    print(f"Matching {figures['entries']:,} new entries against {figures['stories']:,} stories")
    print(f"{'':34}{'seconds':>10}{'per second':>12}")
    print(f"{'app: Matcher.match per entry':<34}{figures['app_seconds']:>10}{figures['app_entries_per_second']:>12}")
    print(f"{'raw: one FTS5 query each':<34}{figures['raw_seconds']:>10}{figures['raw_queries_per_second']:>12}")
    print(f"app / raw: {figures['ratio_app_to_raw']}x")
    print(
        f"entries about a story suggested for it: {figures['found_their_story']:,} of "
        f"{figures['entries_about_a_story']:,} ({figures['found_share']:.1%}); ordinary entries suggested: "
        f"{figures['plain_suggested']:,} ({figures['plain_suggested_share']:.2%})"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
