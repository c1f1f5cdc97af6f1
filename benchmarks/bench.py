"""`make bench`: Story Journal on a 100,000-story journal, against raw baselines measured in the same run.

1. Builds (once) and caches a synthetic journal in benchmarks/.cache/ (benchmarks/synthetic.py), then copies it
   to a temporary file so that saving edits never touches the cache.
2. Search as you type (benchmarks/search_bench.py): the app's search call vs raw sqlite3 FTS5 queries.
3. The real window, offscreen (benchmarks/window_bench.py): start-up queries, opening and saving stories,
   scrolling the list, the event-loop lag while typing a search; all but the first once the day's first backup
   (made in the background at the first start of a day) is done, or while it is made with --during-backup.
4. Start-up and memory under Xvfb (benchmarks/startup.py): the `journal` program vs a bare PySide6 window.
Each part runs in its own process. Prints a table and, as its last line, one JSON object with every figure.

    .venv/bin/python benchmarks/bench.py [--runs 3] [--stories N] [--skip PARTS] [--during-backup]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from startup import missing_tools
from synthetic import cached_journal, copy_journal, size_for

HERE = Path(__file__).resolve().parent


def run_part(script: str, *args: str) -> dict[str, Any]:
    """Run a part in its own process; its last stdout line is its JSON."""
    started = time.perf_counter()
    print(f"… {script} {' '.join(args)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args], capture_output=True, text=True, check=False, cwd=HERE
    )
    seconds = round(time.perf_counter() - started, 1)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout)[-3000:]
        print(f"  {script} failed (exit {done.returncode}):\n{tail}", file=sys.stderr)
        return {"error": f"exit {done.returncode}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"}
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["part_seconds"] = seconds
    print(f"  done in {seconds} s", file=sys.stderr, flush=True)
    return figures


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[dict[str, Any]], float | str | None]
    unit: str = "ms"
    target: str = ""
    met: Callable[[dict[str, Any]], bool | None] | None = None
    key: str = ""  # the name of the target in the JSON (default: the label)


def _get(figures: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def _le(value: Any, limit: Any) -> bool | None:
    return None if value is None or limit is None else value <= limit


def rows(stories: int) -> list[Row]:
    search_limit = 30 if stories <= 100_000 else 100  # issue 15: instant at 100,000, usable at 1,000,000
    table: list[Row] = []
    for length in (3, 5, 8):
        part = f"prefix{length}"
        table += [
            Row(f"search {length} letters: app p50", lambda f, p=part: _get(f, "search", p, "app_p50_ms")),
            Row(
                f"search {length} letters: app p95",
                lambda f, p=part: _get(f, "search", p, "app_p95_ms"),
                target=f"≤ {search_limit} ms",
                met=lambda f, p=part: _le(_get(f, "search", p, "app_p95_ms"), search_limit),
            ),
            Row("  Tantivy alone p95", lambda f, p=part: _get(f, "search", p, "tantivy_p95_ms")),
            Row("  FTS5 tiered p95 (the best FTS5)", lambda f, p=part: _get(f, "search", p, "tiered_p95_ms")),
            Row("  raw FTS5 ranked p95 (the bound)", lambda f, p=part: _get(f, "search", p, "raw_p95_ms")),
            Row("  FTS5 direct p95 (diagnostic)", lambda f, p=part: _get(f, "search", p, "direct_p95_ms")),
            Row(
                "  app / raw FTS5 (p95)",
                lambda f, p=part: _get(f, "search", p, "ratio_p95"),
                unit="x",
                target="≤ 1x",
                met=lambda f, p=part: _le(_get(f, "search", p, "ratio_p95"), 1),
                key=f"search {length} letters: app / raw (p95)",
            ),
            Row("  matches (median)", lambda f, p=part: _get(f, "search", p, "median_matches"), unit=""),
        ]
    table += [
        Row(
            "search: prefixes where app and FTS5 differ",
            lambda f: _count(_get(f, "search", "mismatched_prefixes")),
            unit="",
            target="0",
            met=lambda f: _le(_count(_get(f, "search", "mismatched_prefixes")), 0),
            key="search: same stories as FTS5",
        ),
        Row("bare PySide6 window painted", lambda f: _get(f, "startup", "bare_painted_ms")),
        Row("window painted with rows", lambda f: _get(f, "startup", "app_rows_ms")),
        Row(
            "  rows / bare window",
            lambda f: _get(f, "derived", "startup_ratio"),
            unit="x",
            target="≤ 2.5x",
            met=lambda f: _le(_get(f, "derived", "startup_ratio"), 2.5),
            key="start-up: window with rows / bare window",
        ),
        Row("  restart (last story restored)", lambda f: _get(f, "startup", "app_restart_rows_ms")),
        Row("  full window (editor filled)", lambda f: _get(f, "startup", "app_full_ms")),
        Row(
            "  full-table queries at start-up",
            lambda f: _get(f, "derived", "full_table_statements"),
            unit="",
        ),
        Row("  SQL time at start-up (in-process)", lambda f: _get(f, "window", "startup", "sql_ms")),
        Row("  the day's first backup (waited for)", lambda f: _get(f, "window", "daily_backup_wait_s"), unit="s"),
        Row("open a story p50", lambda f: _get(f, "window", "editor", "open_p50_ms")),
        Row(
            "open a story p95",
            lambda f: _get(f, "window", "editor", "open_p95_ms"),
            target="≤ 50 ms",
            met=lambda f: _le(_get(f, "window", "editor", "open_p95_ms"), 50),
        ),
        Row("save an edit p50", lambda f: _get(f, "window", "editor", "save_p50_ms")),
        Row(
            "save an edit p95",
            lambda f: _get(f, "window", "editor", "save_p95_ms"),
            target="≤ 10 ms",
            met=lambda f: _le(_get(f, "window", "editor", "save_p95_ms"), 10),
        ),
        Row("  raw sqlite3 save p95 (same edit)", lambda f: _get(f, "window", "editor", "raw_save_p95_ms")),
        Row("scroll top to bottom", _scroll_time, unit="s"),
        Row("  repaint p50", lambda f: _get(f, "window", "scroll", "repaint_p50_ms")),
        Row("  repaint max (a page fetched)", lambda f: _get(f, "window", "scroll", "repaint_max_ms")),
        Row("  data() calls per repaint", lambda f: _get(f, "window", "scroll", "data_calls_per_repaint"), unit=""),
        Row(
            "GUI thread longest stall typing",
            lambda f: _get(f, "window", "typing", "max_gap_ms"),
            target="≤ 30 ms",
            met=lambda f: _le(_get(f, "window", "typing", "max_gap_ms"), 30),
        ),
        Row("  ... clearing the search", lambda f: _get(f, "window", "typing", "clear_max_gap_ms")),
        Row("bare PySide6 window memory", lambda f: _get(f, "startup", "bare_rss_mb"), unit="MB"),
        Row(
            "memory, journal open (full window)",
            lambda f: _get(f, "startup", "app_rss_mb"),
            unit="MB",
            target="≤ bare + 100 MB",
            met=lambda f: _le(_get(f, "startup", "app_rss_mb"), _get(f, "derived", "memory_limit_mb")),
        ),
        Row("  peak memory (VmHWM)", lambda f: _get(f, "startup", "app_hwm_mb"), unit="MB"),
        Row("  its own (RssAnon; bare window's)", _anon, unit=""),
        Row("  files mapped in (RssFile)", lambda f: _get(f, "startup", "app_file_mb"), unit="MB"),
        Row("    of which the search index", lambda f: _get(f, "startup", "app_index_mb"), unit="MB"),
    ]
    return table


def _anon(figures: dict[str, Any]) -> str | None:
    app, bare = _get(figures, "startup", "app_anon_mb"), _get(figures, "startup", "bare_anon_mb")
    return None if app is None or bare is None else f"{app:.0f} MB ({bare:.0f})"


def _count(values: Any) -> int | None:
    return None if values is None else len(values)


def _scroll_time(figures: dict[str, Any]) -> str | None:
    scroll = _get(figures, "window", "scroll")
    if not isinstance(scroll, dict) or "seconds" not in scroll:
        return None
    if scroll["completed"]:
        return f"{scroll['seconds']:.1f} s"
    done = f"{scroll['reached_row']:,} rows in {scroll['seconds']:.0f} s"
    return f"~{scroll['projected_full_s']:.0f} s (projected: {done}, then the time budget ran out)"


def derive(figures: dict[str, Any]) -> dict[str, Any]:
    derived: dict[str, Any] = {}
    bare, app = _get(figures, "startup", "bare_painted_ms"), _get(figures, "startup", "app_rows_ms")
    if bare and app:
        derived["startup_ratio"] = round(app / bare, 2)
    flagged = _get(figures, "window", "startup", "full_table_statements")
    if flagged is not None:
        derived["full_table_statements"] = len(flagged)
    bare_memory = _get(figures, "startup", "bare_rss_mb")
    if bare_memory is not None:
        derived["memory_limit_mb"] = round(bare_memory + 100, 1)
    return derived


def _format(value: Any, unit: str) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float) and unit == "x":
        return f"{value:.2f}x"
    if isinstance(value, int | float):
        return f"{value:,.0f} {unit}".strip() if abs(value) >= 100 or unit == "" else f"{value:.1f} {unit}"
    return str(value)


def report(figures: dict[str, Any], stories: int) -> dict[str, bool | None]:
    met_by_target: dict[str, bool | None] = {}
    print(f"\n{'figure':40}{'value':>14}  {'target':<18}met")
    print("-" * 78)
    for row in rows(stories):
        value = row.value(figures)
        met = row.met(figures) if row.met else None
        verdict = "" if row.met is None else ("yes" if met else "n/a" if met is None else "NO")
        shown = _format(value, row.unit)
        if len(shown) > 14:  # a long value gets a line of its own
            print(f"{row.label:40}{'':>14}  {row.target:<18}{verdict}\n{'':8}{shown}")
        else:
            print(f"{row.label:40}{shown:>14}  {row.target:<18}{verdict}")
        if row.met is not None:
            met_by_target[row.key or row.label.strip()] = met
    print("-" * 78)
    for part in ("search", "window", "startup"):
        if "error" in figures.get(part, {}):
            print(f"{part}: FAILED ({figures[part]['error']})")
    flagged = _get(figures, "window", "startup", "full_table_statements") or []
    for statement in flagged:
        print(f"start-up query, {statement['ms']} ms: {statement['sql'][:110]}…")
        for line in statement["plan"]:
            print(f"    {line}")
    return met_by_target


def _machine() -> str:
    """What the figures were measured on: cores, memory, load, when."""
    import os
    import platform

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.python_version()}, load {load}; {stamp}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="start-up runs (each: bare window, app twice)")
    parser.add_argument("--skip", default="", help="parts to skip, comma-separated: search,window,startup")
    parser.add_argument("--stories", type=int, default=100_000, help="journal size (1000000: the scale run)")
    parser.add_argument(
        "--during-backup",
        action="store_true",
        help="measure the window while the day's first backup is made (default: once it is made)",
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    started = time.perf_counter()
    cached, build_seconds = cached_journal(size=size_for(args.stories))
    figures: dict[str, Any] = {
        "journal": {"cache": cached.name, "mb": round(cached.stat().st_size / 1e6), "built_s": build_seconds}
    }
    with tempfile.TemporaryDirectory(prefix="story-journal-bench-") as folder:
        journal = Path(folder) / "bench.journal"
        copy_journal(cached, journal)  # edits are saved into this copy; the cache stays as built
        if "search" not in skip:
            tiered = cached.with_name(f"tiered-{args.stories}.fts5")  # the best FTS5 design, built once (slow)
            build_tiered = args.stories <= 200_000 or tiered.exists()
            extra = ["--tiered", str(tiered)] if build_tiered else []
            figures["search"] = run_part("search_bench.py", "--journal", str(journal), *extra)
        if "window" not in skip:
            during = ["--during-backup"] if args.during_backup else []
            figures["window"] = run_part("window_bench.py", "--journal", str(journal), *during)
        if "startup" not in skip:
            missing = missing_tools()
            if missing:
                message = f"needs {', '.join(missing)} (Debian: apt-get install xvfb libx11-6)"
                print(f"START-UP AND MEMORY NOT MEASURED: {message}", file=sys.stderr)
                figures["startup"] = {"error": message}
            else:
                figures["startup"] = run_part("startup.py", "--journal", str(journal), "--runs", str(args.runs))
        if list(journal.with_name(journal.name + ".backups").glob("*before-*")):  # a migration's backup
            figures["journal"]["migrated"] = True
            print("WARNING: the app migrated the benchmark journal: its schema is older", file=sys.stderr)
    figures["derived"] = derive(figures)
    figures["targets_met"] = report(figures, args.stories)
    figures["bench_seconds"] = round(time.perf_counter() - started, 1)
    built = f"built in {build_seconds:.0f} s" if build_seconds is not None else "cached"
    size = f"{args.stories:,} stories, {figures['journal']['mb']} MB ({built})"
    print(f"journal: {size}; bench took {figures['bench_seconds']:.0f} s")
    print(f"machine: {_machine()}")
    print(json.dumps(figures, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
