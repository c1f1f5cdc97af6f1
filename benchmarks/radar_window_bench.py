"""Does the window stay responsive while the coverage radar reads and matches 10,000 new entries against the
100,000-story journal? The longest GUI-thread stall, measured in the real window (offscreen) while it works,
against the same window idle, in one run.

The journal is a copy of the cached synthetic one (`make bench`, benchmarks/synthetic.py) with the 1,000 stories
of distinct names benchmarks/radar_bench.py adds; the entries are radar_bench's too (a fifth about one of those
stories, the rest ordinary text), written as 20 RSS feeds of 500 entries (a feed is read up to 500), served by a
separate process on 127.0.0.1 (so the server does not share this process's interpreter lock). The window is a
real JournalApp with the coverage radar's window open; a QTimer ticks every 5 ms on the GUI thread and records
how late each tick comes (the stall). Phase 1: the window idle (the baseline). Phase 2: Read feeds now, until
the radar has read all 20 feeds and matched every entry on the coverage network pool.

    .venv/bin/python benchmarks/radar_window_bench.py [--entries 10000] [--seed 1] [--idle-s 20]
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported

import argparse
import functools
import html
import json
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from radar_bench import add_distinct_stories, make_entries
from stalls import StallMeter, figures
from synthetic import Text, cached_journal, read_words

from journal.radar.matching import EntryText
from journal.store.database import open_journal

FEED_SIZE = 500  # entries per feed: what the radar reads of one document at most


# ---------------------------------------------------------------- the server (run in a child process)


def serve(port: int, folder: Path) -> None:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            del format, args

    handler = functools.partial(Handler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


def write_feeds(entries: list[EntryText], folder: Path) -> list[str]:
    """RSS 2.0 documents of FEED_SIZE entries each; returns their file names."""
    names = []
    for number in range(0, len(entries), FEED_SIZE):
        items = [
            f"<item><title>{html.escape(entry.title)}</title><link>{html.escape(entry.link)}</link>"
            f'<guid isPermaLink="false">{entry.id}</guid><description>{html.escape(entry.text)}</description></item>'
            for entry in entries[number : number + FEED_SIZE]
        ]
        name = f"feed-{number // FEED_SIZE:02d}.xml"
        (folder / name).write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>News {number // FEED_SIZE}</title><link>http://127.0.0.1/</link><description>news</description>"
            + "".join(items)
            + "</channel></rss>",
            encoding="utf-8",
        )
        names.append(name)
    return names


# ---------------------------------------------------------------- the window (this process)


def prepare(journal_path: Path, count: int, seed: int, folder: Path) -> tuple[list[str], dict[str, str]]:
    """Add the distinct stories to the journal; write the feeds. Returns the feed files and, for each entry
    about a story, its link and that story's id."""
    rng = random.Random(seed)
    text = Text(rng, read_words())
    journal = open_journal(journal_path)
    try:
        stories = add_distinct_stories(journal, rng, text)
    finally:
        journal.close()
    entries, about = make_entries(stories, count, rng, text)
    links = {entry.link: about[entry.id] for entry in entries if entry.id in about}
    return write_feeds(entries, folder), links


def found(journal_path: Path, links: dict[str, str]) -> tuple[int, int, int]:
    """(entries about a story suggested for it, suggestions in all, entries matched)."""
    with sqlite3.connect(f"{journal_path.as_uri()}?mode=ro", uri=True) as raw:
        suggested = raw.execute(
            "SELECT e.link, s.story_id FROM radar_suggestion s JOIN radar_entry e ON e.id = s.entry_id"
        ).fetchall()
        matched = raw.execute("SELECT count(*) FROM radar_entry WHERE matched_at IS NOT NULL").fetchone()[0]
    right = sum(1 for link, story in suggested if links.get(link) == story)
    return right, len(suggested), matched


def run(args: argparse.Namespace, journal_path: Path, port: int, feeds: list[str], links: dict[str, str]) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from journal.app import JournalApp
    from journal.ui.coverage.feature import CoverageFeature
    from journal.ui.radar.feature import RadarFeature

    qt_app = QApplication.instance() or QApplication([])
    settings = QSettings(str(journal_path.with_name("settings.ini")), QSettings.Format.IniFormat)
    app = JournalApp(settings)
    assert app.open(journal_path) and app.window is not None
    window = app.window
    # The synthetic journal's 300,000 links were never fetched: the link fetcher would start on them at once
    # (and find no network), in both phases. That is its load, not the radar's: it is stopped before it starts.
    coverage = window.findChild(CoverageFeature)
    assert coverage is not None
    coverage.fetcher.close()
    window.resize(1152, 720)
    window.show()
    radar = window.findChild(RadarFeature)
    assert radar is not None
    radar_window = radar.show_window()

    measure = StallMeter(qt_app).measure  # (seconds, until) -> the stalls

    measure(2.0)  # warm up: the window's first searches, counts and paints
    idle = measure(args.idle_s)  # (the radar's first look, 20 s after the window opened, finds no source)
    for name in feeds:
        radar.service.add_feed(f"http://127.0.0.1:{port}/{name}")
    phases: dict[str, float] = {}
    radar.poller.progress.connect(lambda text, _done, _total: phases.setdefault(text, time.perf_counter()))
    started = time.perf_counter()
    assert radar.poller.read_now(force=True)
    busy = measure(None, lambda: not radar.poller.running)
    seconds = time.perf_counter() - started
    report = radar.poller.last_report
    measure(1.0)  # the inbox shows what was found
    shown = radar_window.model.rowCount()
    app.close()

    right, suggested, matched = found(journal_path, links)
    reading = phases.get("Matching entries", time.perf_counter()) - started
    idle_figures, busy_figures = figures(idle), figures(busy)
    result = {
        "entries": args.entries,
        "feeds": len(feeds),
        "seconds": round(seconds, 1),
        "reading_seconds": round(reading, 1),
        "matching_seconds": round(seconds - reading, 1),
        "entries_matched": matched,
        "entries_per_second": round(matched / max(seconds - reading, 0.001), 1),
        "suggestions": suggested,
        "about_a_story_found": right,
        "about_a_story": len(links),
        "inbox_rows": shown,
        "cancelled": bool(report and report.cancelled),
        "idle_baseline": idle_figures,
        "while_the_radar_works": busy_figures,
        "ratio_max": round(busy_figures["max_ms"] / max(idle_figures["max_ms"], 0.1), 1),
        "ratio_p99": round(busy_figures["p99_ms"] / max(idle_figures["p99_ms"], 0.1), 1),
        "load_average": [round(value, 1) for value in os.getloadavg()],  # the machine's, at the end (1/5/15 min)
        "seed": args.seed,
    }
    print(
        f"Read {len(feeds)} feeds ({args.entries:,} entries) in {reading:.1f} s, matched {matched:,} entries against "
        f"the 101,000-story journal in {seconds - reading:.1f} s ({result['entries_per_second']} per second); "
        f"{right:,} of {len(links):,} entries about a story suggested for it, {suggested:,} suggestions in all."
    )
    print(f"{'GUI-thread stalls':26}{'max':>9}{'p99':>9}{'p95':>9}{'mean':>9}{'>50ms':>7}{'ticks':>8}{'/10k':>7}")
    for label, values in (("idle window (baseline)", idle_figures), ("while the radar works", busy_figures)):
        print(
            f"{label:26}{values['max_ms']:>7} ms{values['p99_ms']:>6} ms{values['p95_ms']:>6} ms"
            f"{values['mean_ms']:>6} ms{values['over_50ms']:>7}{values['ticks']:>8}"
            f"{values['over_50ms_per_10k_ticks']:>7}"
        )
    print(f"ratio to the idle window: max x{result['ratio_max']}, p99 x{result['ratio_p99']}")
    print(f"load average at the end (1, 5, 15 min): {result['load_average']} on {os.cpu_count()} processors")
    print(json.dumps(result))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--idle-s", type=float, default=20.0, help="how long the idle baseline is measured")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.folder)
        return 0
    cached, _built = cached_journal()
    with tempfile.TemporaryDirectory(prefix="radar-window-bench-") as temporary:
        folder = Path(temporary)
        copy = folder / "journal.journal"
        print("… copying the 100,000-story journal", file=sys.stderr, flush=True)
        shutil.copyfile(cached, copy)  # the added stories and the radar's tables never reach the cache
        site = folder / "site"
        site.mkdir()
        print("… adding 1,000 stories with names of their own; writing the feeds", file=sys.stderr, flush=True)
        feeds, links = prepare(copy, args.entries, args.seed, site)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--folder", str(site)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            print("… the window reads and matches (minutes)", file=sys.stderr, flush=True)
            return run(args, copy, port, feeds, links)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
