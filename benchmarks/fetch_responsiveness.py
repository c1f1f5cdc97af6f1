"""Does the window stay responsive while it fetches 200 coverage pages? Event-loop stalls measured in the real
window (offscreen) while 200 links are fetched from a local server, against the same window idle, in one run.

A server in a separate process (so it does not share this process's interpreter lock) serves 200 different
blog posts of 30-90 KB with Open Graph and JSON-LD metadata, each after a delay (default 80 ms, like a
distant site). The window is a real JournalApp; a QTimer ticks every 5 ms on the GUI thread and records how
late each tick comes (the stall). Phase 1: the window idle (the raw baseline). Phase 2: 200 links are added
to the journal and the window is asked to fetch them (Coverage > Fetch Waiting Links), with the story holding
40 of them open in the editor, so its coverage table refreshes as pages land.

    .venv/bin/python benchmarks/fetch_responsiveness.py [--links 200] [--delay-ms 80] [--idle-s 3]
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported

import argparse
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlalchemy as sa
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from stalls import StallMeter, figures

from journal.app import JournalApp
from journal.store.database import Journal, open_journal
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate, add_link, create_story
from journal.ui.coverage.feature import CoverageFeature
from journal.ui.shell.actions import Act

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- the server (run in a child process)


def _page(number: int, base: str) -> bytes:
    rng = random.Random(number)
    words = (HERE / "words.txt").read_text().split()
    paragraphs = []
    for _ in range(rng.randint(40, 120)):
        paragraphs.append("<p>" + " ".join(rng.choice(words) for _ in range(rng.randint(60, 110))) + ".</p>")
    title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | Blog {number}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Blog {number % 17}">
<meta name="author" content="Author {number}">
<meta property="article:published_time" content="2024-03-{1 + number % 28:02d}">
<meta name="description" content="Post number {number}."><link rel="canonical" href="{base}/post/{number}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "BlogPosting",
"headline": "{title}", "commentCount": {number}}}</script></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>{"".join(paragraphs)}</article></body></html>""".encode()


def serve(port: int, delay_ms: float) -> None:
    base = f"http://127.0.0.1:{port}"
    cache: dict[int, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            del format, args

        def do_GET(self) -> None:
            number = int(self.path.rsplit("/", 1)[-1] or 0)
            body = cache.get(number) or cache.setdefault(number, _page(number, base))
            time.sleep(delay_ms / 1000 * random.uniform(0.5, 1.5))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


# ---------------------------------------------------------------- the window (this process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--delay-ms", type=float, default=80.0, help="the server's delay per page (mean)")
    parser.add_argument("--idle-s", type=float, default=3.0, help="how long the idle baseline is measured")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.delay_ms)
        return 0

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--delay-ms", str(args.delay_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory() as folder:
            return run(args, port, Path(folder))
    finally:
        server.terminate()
        server.wait(10)


def states_of(journal: Journal) -> dict[str, int]:
    with journal.session() as session:
        rows = session.connection().execute(sa.text("SELECT fetch_state, count(*) FROM coverage_link GROUP BY 1"))
        return {state: count for state, count in rows}


def run(args: argparse.Namespace, port: int, folder: Path) -> int:
    path = folder / "bench.journal"
    journal = open_journal(path)
    with journal.write() as session:  # 20 stories, 40 links on the first (the one open in the editor)
        story_ids = [create_story(StoryCreate(title=f"Story {n}"), session=session).id for n in range(20)]
    journal.close()

    qt_app = QApplication.instance() or QApplication([])
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    app = JournalApp(settings)
    assert app.open(path) and app.window is not None
    window = app.window
    window.resize(1152, 720)
    window.show()
    window.select_story(story_ids[0])

    meter = StallMeter(qt_app)
    measure = meter.measure  # (seconds, until) -> the stalls

    measure(1.0)  # warm up: the window's first searches and paints
    idle = measure(args.idle_s)

    writer = open_journal(path)  # another connection, as the command line would add them
    with writer.write() as session:
        for n in range(args.links):
            story = story_ids[0] if n < 40 else story_ids[1 + n % 19]
            add_link(story, CoverageLinkBase(url=f"http://127.0.0.1:{port}/post/{n}"), session=session)
    writer.close()
    coverage = window.findChild(CoverageFeature)
    assert coverage is not None
    fetcher = coverage.fetcher
    started = time.perf_counter()
    window.action(Act.FETCH_LINKS).trigger()

    checked = [0.0]

    def done() -> bool:  # looked at every 100 ms (a query on the GUI thread, as the window itself does)
        if fetcher.busy or time.monotonic() - checked[0] < 0.1:
            return False
        checked[0] = time.monotonic()
        return states_of(window.services.stories.journal).get("to_fetch", 0) == 0

    busy = measure(None, done)
    seconds = time.perf_counter() - started
    states = states_of(window.services.stories.journal)
    shown = window.editor.coverage.model.rowCount()
    app.close()

    idle_figures, busy_figures = figures(idle), figures(busy)
    result = {
        "links": args.links,
        "server_delay_ms": args.delay_ms,
        "fetch_seconds": round(seconds, 2),
        "pages_per_second": round(args.links / seconds, 1),
        "states": states,
        "editor_rows": shown,
        "idle_baseline": idle_figures,
        "while_fetching": busy_figures,
        "ratio_p99": round(busy_figures["p99_ms"] / max(idle_figures["p99_ms"], 0.1), 1),
        "ratio_max": round(busy_figures["max_ms"] / max(idle_figures["max_ms"], 0.1), 1),
    }
    print(f"Fetched {args.links} links in {seconds:.1f} s ({result['pages_per_second']} pages/s): {states}")
    print(f"{'':22}{'max':>9}{'p99':>9}{'p95':>9}{'mean':>9}{'>50ms':>7}")
    for label, values in (("idle window (baseline)", idle_figures), ("while fetching", busy_figures)):
        print(
            f"{label:22}{values['max_ms']:>7} ms{values['p99_ms']:>6} ms{values['p95_ms']:>6} ms"
            f"{values['mean_ms']:>6} ms{values['over_50ms']:>7}"
        )
    print(f"ratio to baseline: p99 x{result['ratio_p99']}, max x{result['ratio_max']}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
