"""What a page of stories pulled by a team sync costs the window's thread: the real window, offscreen, on a
journal of N stories, with a story open in the editor and the first page of the list shown. A page of 200
(the sync's page size) is announced the way TeamSyncService does it, first story by story (as a page of a
few is), then all at once (as a page of more than MANY_PULLED is). Baseline, same run: reading those 200
stories' rows with sqlite3. Prints a table, then one JSON object as the last line.

    .venv/bin/python benchmarks/team_window_bench.py [--stories 2000] [--repeat 5]
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

import journal.ui.services.stories as story_service
from journal.app import JournalApp
from journal.store.database import open_journal
from journal.store.stories import StoryCreate, create_story
from journal.sync.wire import PAGE_SIZE


def build(path: Path, count: int) -> list[str]:
    journal = open_journal(path)
    try:
        with journal.write() as session:
            return [
                create_story(
                    StoryCreate(title=f"Story {n}", situation="A customer needed more time. " * 8, tags=[f"t{n % 20}"]),
                    session=session,
                ).id
                for n in range(count)
            ]
    finally:
        journal.close()


def timed(qapp: QApplication, announce: object) -> float:
    assert callable(announce)
    start = time.perf_counter()
    announce()
    qapp.processEvents()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    qapp = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.journal"
        ids = build(path, args.stories)
        page = ids[:PAGE_SIZE]
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        app = JournalApp(settings)
        if not app.open(path) or app.window is None:
            print("could not open the journal", file=sys.stderr)
            return 1
        window = app.window
        window.resize(1152, 720)
        window.show()
        qapp.processEvents()
        assert window.select_story(page[0])
        qapp.processEvents()
        service = window.services.stories
        one_by_one, at_once, raw = [], [], []
        for _ in range(args.repeat):
            many = story_service.MANY_PULLED
            story_service.MANY_PULLED = len(page)  # as a page of a few stories is announced
            one_by_one.append(timed(qapp, lambda: service.stories_pulled(page, came_or_went=False)))
            story_service.MANY_PULLED = many
            at_once.append(timed(qapp, lambda: service.stories_pulled(page, came_or_went=False)))
            start = time.perf_counter()
            with sqlite3.connect(path) as connection:
                marks = ", ".join("?" for _ in page)
                connection.execute(f"SELECT * FROM story WHERE id IN ({marks})", page).fetchall()
            raw.append(time.perf_counter() - start)
        window.close()
        app.deleteLater()
    result = {
        "stories": args.stories,
        "page": len(page),
        "one_by_one_ms": round(statistics.median(one_by_one) * 1000, 1),
        "at_once_ms": round(statistics.median(at_once) * 1000, 1),
        "raw_read_ms": round(statistics.median(raw) * 1000, 2),
    }
    result["one_by_one_per_raw"] = round(result["one_by_one_ms"] / max(result["raw_read_ms"], 0.01), 1)
    result["at_once_per_raw"] = round(result["at_once_ms"] / max(result["raw_read_ms"], 0.01), 1)
    print(f"{'stories':>8} {'page':>5} {'one by one':>11} {'at once':>8} {'raw read':>9} (medians of {args.repeat})")
    print(
        f"{result['stories']:>8} {result['page']:>5} {result['one_by_one_ms']:>9} ms {result['at_once_ms']:>5} ms "
        f"{result['raw_read_ms']:>6} ms"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
