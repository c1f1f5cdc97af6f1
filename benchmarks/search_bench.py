"""Search as you type: the app's search against two ways past FTS5's bm25-ranks-everything bound, on one journal.

For 3-, 5- and 8-letter prefixes of real words (benchmarks/words.txt), times per prefix
  - app: what the window runs per search, StoryService.first_page(query, 200, FIRST_SNIPPETS) on a pool thread,
    with the journal's search index open (journal.store.search_index: Tantivy), as the window has it after start;
  - raw (the bound, the design before issue 15): plain sqlite3, COUNT(*) plus the first 200 (id, title) ordered by
    FTS5's bm25 rank, with the same MATCH expression (journal.store.search.match_expression) and joins;
  - direct (diagnostic): the count from the FTS5 table alone and the top 200 ranked inside FTS5 before any join;
  - tantivy: the index's own search (count + top 200 story ids), no journal reads: the engine alone;
  - fts5 tiered: the best FTS5 design we could make, in a file of its own beside the cached journal (built once):
    titles, tags and people in a small table (detail=column) ranked by bm25 over those short fields, first; then
    stories matching only in their bodies and coverage, found in a table of every field (detail=none, prefix
    indexes of 2-8 letters, no positions), newest first; the count from that table.
It checks that the app returns the same number of stories as FTS5 and only stories FTS5 matches (the order is
the index's BM25, not FTS5's), and counts prefixes where they differ.

    .venv/bin/python benchmarks/search_bench.py --journal PATH [--tiered PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from synthetic import read_words

from journal.store import search
from journal.store.database import open_journal
from journal.store.listing import StoryQuery
from journal.store.search_index import SearchIndex
from journal.ui.services.stories import StoryService
from journal.ui.stories.list_model import FIRST_SNIPPETS, PAGE_SIZE

PREFIX_LENGTHS = (3, 5, 8)
PER_LENGTH = 40
PAGE = 200

_JOIN = "FROM story_fts JOIN search_doc d ON d.id = story_fts.rowid JOIN story s ON s.id = d.story_id"
RAW_COUNT = f"SELECT count(*) {_JOIN} WHERE story_fts MATCH ? AND s.deleted_at IS NULL"
RAW_ROWS = (
    f"SELECT s.id, s.title {_JOIN} WHERE story_fts MATCH ? AND s.deleted_at IS NULL "
    f"ORDER BY story_fts.rank, s.id LIMIT {PAGE}"
)
DIRECT_COUNT = "SELECT count(*) FROM story_fts WHERE story_fts MATCH ?"
DIRECT_ROWS = f"""
    WITH hits AS (SELECT rowid AS doc, rank FROM story_fts WHERE story_fts MATCH ? ORDER BY rank LIMIT {PAGE})
    SELECT s.id, s.title FROM hits JOIN search_doc d ON d.id = hits.doc JOIN story s ON s.id = d.story_id
    WHERE s.deleted_at IS NULL ORDER BY hits.rank, s.id
"""
MATCHES = f"SELECT d.story_id {_JOIN} WHERE story_fts MATCH ? AND s.deleted_at IS NULL"

TIERED_SCHEMA = """
    CREATE VIRTUAL TABLE head USING fts5(title, tags, people, detail = column, prefix = '2 3 4 5 6 7 8',
        tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO head (head, rank) VALUES ('rank', 'bm25(10.0, 6.0, 4.0)');
    CREATE VIRTUAL TABLE every USING fts5(title, tags, people, body, coverage, detail = none,
        prefix = '2 3 4 5 6 7 8', tokenize = 'unicode61 remove_diacritics 2');
"""


def build_tiered(journal: Path, out: Path) -> float:
    """The tiered FTS5 design's tables, from the journal's stories, in a file of their own."""
    started = time.perf_counter()
    partial = out.with_name(out.name + ".building")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(TIERED_SCHEMA)
        db.execute("ATTACH DATABASE ? AS journal", (f"{journal.as_uri()}?mode=ro",))
        db.execute("BEGIN")
        rows = search.document_sql().replace("JOIN search_doc", "JOIN journal.search_doc")
        rows = rows.replace("FROM story s JOIN", "FROM journal.story s JOIN")
        rows = rows.replace("FROM story_tag st JOIN tag t", "FROM journal.story_tag st JOIN journal.tag t")
        rows = rows.replace("FROM coverage_link c", "FROM journal.coverage_link c")
        db.execute("CREATE TEMP TABLE docs AS " + rows + " WHERE s.deleted_at IS NULL")
        columns = [row[1] for row in db.execute("PRAGMA temp.table_info(docs)")]
        doc, title, tags, people, body, coverage = (f'"{name}"' for name in columns[1:])
        db.execute(f"INSERT INTO head (rowid, title, tags, people) SELECT {doc}, {title}, {tags}, {people} FROM docs")
        db.execute(
            f"INSERT INTO every (rowid, title, tags, people, body, coverage) "
            f"SELECT {doc}, {title}, {tags}, {people}, {body}, {coverage} FROM docs"
        )
        db.execute("COMMIT")
        db.execute("DETACH DATABASE journal")
        db.execute("INSERT INTO head (head) VALUES ('optimize')")
        db.execute("INSERT INTO every (every) VALUES ('optimize')")
    partial.rename(out)
    return time.perf_counter() - started


def prefixes(seed: int) -> dict[int, list[str]]:
    words = read_words()
    chosen: dict[int, list[str]] = {}
    for length in PREFIX_LENGTHS:
        candidates = sorted({word[:length] for word in words if len(word) >= length})
        chosen[length] = random.Random(seed * 100 + length).sample(candidates, min(PER_LENGTH, len(candidates)))
    return chosen


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def run(journal_path: Path, tiered_path: Path | None, seed: int) -> dict[str, Any]:
    journal = open_journal(journal_path)
    index = SearchIndex(journal_path)
    if not index.ready or index.needs_rebuild():
        raise SystemExit(f"{journal_path} has no search index beside it (benchmarks/synthetic.py builds it)")
    journal.search_index = index
    service = StoryService(journal)
    raw = sqlite3.connect(f"{journal_path.as_uri()}?mode=ro", uri=True)
    tiered = sqlite3.connect(f"{tiered_path.as_uri()}?mode=ro", uri=True) if tiered_path else None

    def app_search(prefix: str) -> tuple[int, list[str]]:
        # Exactly what the list model's background search runs for a new query.
        first = service.first_page(StoryQuery(text=prefix), PAGE_SIZE, FIRST_SNIPPETS)
        return first.count, [row.id for row in first.rows]

    def sql_search(prefix: str, count_sql: str, rows_sql: str) -> tuple[int, list[str]]:
        expression = search.match_expression(prefix)
        total = raw.execute(count_sql, (expression,)).fetchone()[0]
        return total, [row[0] for row in raw.execute(rows_sql, (expression,)).fetchall()]

    def tantivy_search(prefix: str) -> tuple[int, list[str]]:
        hits = index.search(prefix, limit=PAGE)
        return hits.total, [story for story, _doc in hits.stories]

    def tiered_search(prefix: str) -> tuple[int, list[str]]:
        assert tiered is not None
        expression = search.match_expression(prefix)
        total = tiered.execute("SELECT count(*) FROM every WHERE every MATCH ?", (expression,)).fetchone()[0]
        first = [
            row[0]
            for row in tiered.execute(
                f"SELECT rowid FROM head WHERE head MATCH ? ORDER BY rank LIMIT {PAGE}", (expression,)
            )
        ]
        if len(first) < PAGE:
            marks = ", ".join("?" for _ in first) or "NULL"
            first += [
                row[0]
                for row in tiered.execute(
                    f"SELECT rowid FROM every WHERE every MATCH ? AND rowid NOT IN ({marks}) "
                    "ORDER BY rowid DESC LIMIT ?",
                    (expression, *first, PAGE - len(first)),
                )
            ]
        return total, [str(doc) for doc in first]

    variants = {
        "app": app_search,
        "raw": lambda prefix: sql_search(prefix, RAW_COUNT, RAW_ROWS),
        "direct": lambda prefix: sql_search(prefix, DIRECT_COUNT, DIRECT_ROWS),
        "tantivy": tantivy_search,
        **({"tiered": tiered_search} if tiered else {}),
    }
    try:
        for warm in ("cus", "team", "deliver", "zap", "refund"):  # caches warm, statements compiled
            for variant in variants.values():
                variant(warm)
        chosen = prefixes(seed)
        timings: dict[int, dict[str, list[float]]] = {}
        matches: dict[int, list[int]] = {}
        mismatched: list[str] = []
        for length, group in chosen.items():
            timings[length] = {name: [] for name in variants}
            matches[length] = []
            for number, prefix in enumerate(group):
                names = list(variants) if number % 2 == 0 else list(reversed(variants))  # alternate the order
                results: dict[str, tuple[int, list[str]]] = {}
                for name in names:
                    started = time.perf_counter()
                    results[name] = variants[name](prefix)
                    timings[length][name].append(time.perf_counter() - started)
                matches[length].append(results["app"][0])
                expression = search.match_expression(prefix)
                fts5 = {row[0] for row in raw.execute(MATCHES, (expression,))}
                app_total, app_ids = results["app"]
                if (
                    app_total != results["raw"][0]
                    or not set(app_ids) <= fts5
                    or len(app_ids) != min(PAGE_SIZE, app_total)
                ):
                    mismatched.append(prefix)
    finally:
        raw.close()
        if tiered is not None:
            tiered.close()
        journal.close()

    figures: dict[str, Any] = {"prefixes_per_length": PER_LENGTH, "mismatched_prefixes": mismatched}
    for length in PREFIX_LENGTHS:
        entry: dict[str, Any] = {"median_matches": round(statistics.median(matches[length]))}
        for name, values in timings[length].items():
            entry[f"{name}_p50_ms"] = round(percentile(values, 0.5) * 1000, 1)
            entry[f"{name}_p95_ms"] = round(percentile(values, 0.95) * 1000, 1)
        entry["ratio_p95"] = round(entry["app_p95_ms"] / entry["raw_p95_ms"], 2)
        entry["examples"] = chosen[length][:6]
        figures[f"prefix{length}"] = entry
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--tiered", type=Path, help="the tiered FTS5 tables (built there first when missing)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    if args.tiered is not None and not args.tiered.exists():
        print("Building the tiered FTS5 tables (once; cached)…", file=sys.stderr, flush=True)
        figures["tiered_built_s"] = round(build_tiered(args.journal.absolute(), args.tiered), 1)
    figures |= run(args.journal.absolute(), args.tiered.absolute() if args.tiered else None, args.seed)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
