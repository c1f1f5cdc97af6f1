"""Search as you type: the app's search call against raw sqlite3 FTS5 queries on the same file.

For 3-, 5- and 8-letter prefixes of real words (benchmarks/words.txt), times
  - app: what the window runs per search, StoryService.first_page(query, 200, FIRST_SNIPPETS) on a pool thread;
  - raw: plain sqlite3, COUNT(*) plus the first 200 (id, title) ordered by rank, with the same MATCH expression
    (journal.store.search.match_expression) and the same joins to search_doc and story, and the same order;
  - fts5 direct (diagnostic, not a target): the count from the FTS5 table alone, and the top 200 ranked inside
    FTS5 (ORDER BY rank LIMIT 200) before joining the stories: what the app could get down to.
It checks that raw returns the same story ids, in the same order, as the app.

    .venv/bin/python benchmarks/search_bench.py --journal PATH
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from synthetic import read_words

from journal.store import search
from journal.store.database import open_journal
from journal.store.listing import StoryQuery
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


def run(journal_path: Path, seed: int) -> dict[str, Any]:
    journal = open_journal(journal_path)
    service = StoryService(journal)
    raw = sqlite3.connect(f"{journal_path.as_uri()}?mode=ro", uri=True)

    def app_search(prefix: str) -> tuple[int, list[str]]:
        # Exactly what the list model's background search runs for a new query.
        total, rows = service.first_page(StoryQuery(text=prefix), PAGE_SIZE, FIRST_SNIPPETS)
        return total, [row.id for row in rows]

    def sql_search(prefix: str, count_sql: str, rows_sql: str) -> tuple[int, list[str]]:
        expression = search.match_expression(prefix)
        total = raw.execute(count_sql, (expression,)).fetchone()[0]
        return total, [row[0] for row in raw.execute(rows_sql, (expression,)).fetchall()]

    variants = {
        "app": app_search,
        "raw": lambda prefix: sql_search(prefix, RAW_COUNT, RAW_ROWS),
        "direct": lambda prefix: sql_search(prefix, DIRECT_COUNT, DIRECT_ROWS),
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
                if results["raw"] != results["app"]:
                    mismatched.append(prefix)
    finally:
        raw.close()
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
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.journal.absolute(), args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
