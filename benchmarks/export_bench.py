"""Export speed on the 100,000-story journal: a case study of 5, 50 and 200 stories as Markdown, as an
HTML page, and a static-site folder of 20 case studies, against a raw baseline in the same run (plain
sqlite3 reading the same stories' text and joining it into one string: the least any export must do).

    .venv/bin/python benchmarks/export_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import cached_journal

from journal.export.files import export_site
from journal.export.html import standalone_page
from journal.export.markdown import case_study_export
from journal.store.case_studies import create_case_study
from journal.store.database import open_journal

TEXT = "title, organization, employees, situation, policy, action, outcome"


def timed(work: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def raw_baseline(path: Path, ids: list[str]) -> str:
    with closing(sqlite3.connect(path)) as db:
        marks = ",".join("?" * len(ids))
        rows = db.execute(f"SELECT {TEXT} FROM story WHERE id IN ({marks})", ids).fetchall()
        links = db.execute(f"SELECT title, url FROM coverage_link WHERE story_id IN ({marks})", ids).fetchall()
    return "\n\n".join("\n\n".join(row) for row in rows) + "\n".join(f"{t} {u}" for t, u in links)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cached, _built = cached_journal()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.journal"
        print("… copying the 100,000-story journal", file=sys.stderr, flush=True)
        shutil.copyfile(cached, path)
        journal = open_journal(path)  # migrates to the current schema, as the app would
        with closing(sqlite3.connect(path)) as db:
            ids = [row[0] for row in db.execute("SELECT id FROM story ORDER BY id LIMIT 400")]
            db.executemany(
                "UPDATE story SET status = 'approved', consent = 'anonymous', customer_name = 'Pat Doe' WHERE id = ?",
                [(i,) for i in ids],
            )
            db.commit()
        studies: dict[int, str] = {}
        with journal.write() as session:
            for size in (5, 50, 200):
                studies[size] = create_case_study(f"Top {size}", session=session, story_ids=ids[:size]).id
            for n in range(20):
                create_case_study(f"Site study {n}", session=session, story_ids=ids[200 + n * 10 : 210 + n * 10])
        print(f"{'stories':>8} {'raw ms':>8} {'markdown ms':>12} {'ratio':>6} {'html ms':>8} {'KB':>6}")
        for size, study in studies.items():
            chosen = ids[:size]
            raw = timed(lambda chosen=chosen: raw_baseline(path, chosen), args.runs)  # type: ignore[misc]
            with journal.session() as session:
                markdown_ms = timed(
                    lambda study=study, session=session: case_study_export(study, session=session),  # type: ignore[misc]
                    args.runs,
                )
                export = case_study_export(study, session=session)
            html_ms = timed(lambda export=export: standalone_page(export.markdown, export.title), args.runs)  # type: ignore[misc]
            print(
                f"{size:>8} {raw:>8.1f} {markdown_ms:>12.1f} {markdown_ms / raw:>6.1f} {html_ms:>8.1f} "
                f"{len(export.markdown.encode()) / 1024:>6.0f}"
            )
        with journal.session() as session:
            site_ms = timed(lambda: export_site(Path(folder) / "site", session=session), max(1, args.runs // 2))
        print(f"static-site folder, 23 case studies (375 stories): {site_ms:.0f} ms")
        journal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
