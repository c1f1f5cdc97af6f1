"""The impact dashboard's figures on the 100,000-story journal, against raw sqlite3 baselines in the same run.

1. Copies the cached synthetic journal (benchmarks/synthetic.py) to a temporary file and adds readings with plain
   sqlite3: two comment readings (an older and a newer) on 60,000 random links, 30,000 share readings on stories
   and 20,000 search-rank readings, 170,000 in all.
2. Times what the dashboard window runs on its pool thread, `journal.store.impact.dashboard(query)`, and each of
   its four parts, for: no filter, a search ("refund"), a status filter (approved) and a tag.
3. Baselines, plain sqlite3 on the same file, same run:
   - count: `SELECT count(*) FROM story WHERE deleted_at IS NULL` (the cheapest question about every story);
   - raw aggregates: hand-written GROUP BY queries giving the same four figures for the whole journal without the
     readings (months; top 10 stories by links; top 10 tags; cost and comments of every costed story). The
     least the database must do for the unfiltered dashboard.
Median of --runs runs each. Prints a table, then one JSON object as the last line.

    .venv/bin/python benchmarks/impact_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthetic import cached_journal

from journal.store import impact
from journal.store.database import open_journal
from journal.store.listing import StoryQuery

RAW_COUNT = "SELECT count(*) FROM story WHERE deleted_at IS NULL"
RAW_AGGREGATES = (
    "SELECT substr(occurred, 1, 7) AS m, count(*) FROM story WHERE deleted_at IS NULL AND occurred IS NOT NULL "
    "GROUP BY m ORDER BY m",
    "SELECT story_id, count(*) AS n FROM coverage_link GROUP BY story_id ORDER BY n DESC LIMIT 10",
    "SELECT tag_id, count(*) AS n FROM story_tag GROUP BY tag_id ORDER BY n DESC LIMIT 10",
    "SELECT s.id, s.cost_cents, s.currency, coalesce(c.comments, 0) FROM story s LEFT JOIN "
    "(SELECT story_id, sum(coalesce(comment_count, 0)) AS comments FROM coverage_link GROUP BY story_id) c "
    "ON c.story_id = s.id WHERE s.deleted_at IS NULL AND s.cost_cents IS NOT NULL",
)


def add_readings(path: Path, seed: int = 5) -> int:
    rng = random.Random(seed)
    with sqlite3.connect(path) as raw:
        links = raw.execute("SELECT id, story_id FROM coverage_link").fetchall()
        stories = [row[0] for row in raw.execute("SELECT id FROM story")]
        rows: list[tuple[object, ...]] = []

        def when() -> str:
            return f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 12:00:00.000000"

        for link_id, story_id in rng.sample(links, 60_000):
            older, newer = sorted((when(), when()))
            rows.append((str(uuid.uuid4()), story_id, link_id, "comments", "", rng.randint(0, 500), older, "fetched"))
            rows.append((str(uuid.uuid4()), story_id, link_id, "comments", "", rng.randint(0, 900), newer, "fetched"))
        for story_id in rng.sample(stories, 30_000):
            rows.append((str(uuid.uuid4()), story_id, None, "shares", "", rng.randint(0, 5000), when(), "typed"))
        for story_id in rng.sample(stories, 20_000):
            rows.append(
                (str(uuid.uuid4()), story_id, None, "search_rank", "brand service", rng.randint(1, 50), when(), "typed")
            )
        raw.executemany(
            "INSERT INTO reading (id, story_id, link_id, metric, query, value, taken_at, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        raw.execute("ANALYZE")
    return len(rows)


def timed(work: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cached, built = cached_journal()
    folder = Path(tempfile.mkdtemp(prefix="impact-bench-"))
    try:
        path = folder / "bench.journal"
        print("… copying the 100,000-story journal", file=sys.stderr, flush=True)
        shutil.copyfile(cached, path)
        added = add_readings(path)
        journal = open_journal(path)
        raw = sqlite3.connect(path)
        top_tag = raw.execute(
            "SELECT t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id GROUP BY t.id ORDER BY count(*) DESC"
        ).fetchone()[0]
        queries = {
            "all": StoryQuery(),
            "search 'refund'": StoryQuery(text="refund"),
            "status approved": StoryQuery(statuses=("approved",)),
            f"tag {top_tag}": StoryQuery(tags=(top_tag,)),
        }
        with journal.session() as session:  # warm the page cache once, as a window that has been open would be
            impact.dashboard(session=session)
        figures: dict[str, Any] = {"stories": raw.execute(RAW_COUNT).fetchone()[0], "readings": added}
        figures["raw_count_ms"] = timed(lambda: raw.execute(RAW_COUNT).fetchone(), args.runs)
        figures["raw_aggregates_ms"] = timed(lambda: [raw.execute(sql).fetchall() for sql in RAW_AGGREGATES], args.runs)
        for name, query in queries.items():
            with journal.session() as session:
                parts = {
                    "dashboard_ms": timed(lambda q=query: impact.dashboard(session=session, query=q), args.runs),
                    "periods_ms": timed(lambda q=query: impact.periods(session, q), args.runs),
                    "most_covered_ms": timed(lambda q=query: impact.most_covered(session, q), args.runs),
                    "top_tags_ms": timed(lambda q=query: impact.top_tags(session, q), args.runs),
                    "cost_points_ms": timed(lambda q=query: impact.cost_points(session, q), args.runs),
                    "matching": impact.dashboard(session=session, query=query).stories,
                }
            figures[name] = parts
        whole = figures["all"]["dashboard_ms"]
        figures["ratio_to_count"] = round(whole / max(figures["raw_count_ms"], 0.01), 1)
        figures["ratio_to_raw_aggregates"] = round(whole / max(figures["raw_aggregates_ms"], 0.01), 2)
        journal.close()
        raw.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"Impact dashboard on {figures['stories']:,} stories with {figures['readings']:,} readings")
    if built:
        print(f"(synthetic journal built in {built:.0f} s)")
    print(f"{'':28}{'whole':>9}{'months':>9}{'covered':>9}{'tags':>9}{'cost':>9}  matching")
    for name in queries:
        p = figures[name]
        cells = [p["dashboard_ms"], p["periods_ms"], p["most_covered_ms"], p["top_tags_ms"], p["cost_points_ms"]]
        print(f"{name:<28}" + "".join(f"{cell:>9.0f}" for cell in cells) + f"  {p['matching']:,}")
    print(f"raw COUNT(*) of live stories: {figures['raw_count_ms']} ms")
    print(f"raw aggregates (no readings): {figures['raw_aggregates_ms']} ms")
    print(f"whole dashboard / raw COUNT:  {figures['ratio_to_count']}x")
    print(f"whole dashboard / raw aggregates: {figures['ratio_to_raw_aggregates']}x")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
