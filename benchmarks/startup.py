"""Time from process start to the window painted with rows, and resident memory, against a bare PySide6 window.

Runs the real `journal` program and a bare PySide6 script that shows an empty QMainWindow under Xvfb (a real X
server, the xcb platform), interleaved so both see the same machine load. It reads the screen with libX11 every
few milliseconds (benchmarks/xscreen.py) and records
  - painted: the first moment the window's background is on screen (for the bare window: its only paint);
  - rows: the first moment the story list's Title column shows text (rows of the list, not an empty view);
  - full: the first moment the editor's form shows too (the full window, not the first paint);
  - memory: VmRSS of the process from /proc one second after that, with the journal open, and its peak (VmHWM).
Each app run gets a fresh settings folder ("first start"); a second app run reuses the settings the first one
saved on exit, so it also restores the last story ("restart"), as a person's daily start does.

Needs Xvfb and libX11 (Debian: xvfb). Prints a table and, last, JSON.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--journal PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from xscreen import Region, Screen

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare window")
window.resize(1200, 780)
window.show()
app.exec()
"""

SCREEN_SIZE = "1280x800"
# The Title column of the story list, right of the sidebar, below the search field and the header (the window
# sits at 0,0: no window manager; first start: 1200 wide, splitter 170 / 520 / 460). The bare window covers it
# too, with its plain background.
TITLE_COLUMN = Region(x=185, y=80, width=150, height=300)
# The editor's form (labels and the story's fields), which only the full window has: the first paint
# (journal/ui/shell/first_paint.py) leaves that pane empty.
EDITOR = Region(x=705, y=60, width=300, height=250)
LIGHT_SHARE = 0.5  # over half the region light: a window background has been painted there
ROW_TEXT_PIXELS = 1200  # dark pixels of row text in the Title column (measured: ~300 a row, ~12 rows visible)
EDITOR_TEXT_PIXELS = 1500  # dark pixels of the editor's labels and text
SETTLE_S = 1.0  # memory is read this long after the full window is on screen
TIMEOUT_S = 120.0


def missing_tools() -> list[str]:
    missing = [tool for tool in ("Xvfb",) if shutil.which(tool) is None]
    if not Screen.available():
        missing.append("libX11")
    return missing


def _free_display() -> str:
    for number in range(400 + os.getpid() % 200, 1000):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return f":{number}"
    raise RuntimeError("no free X display number")


_MAPPING = re.compile(r"[0-9a-f]+-[0-9a-f]+ ")


def _memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB; and what the resident memory is: the process's own (RssAnon),
    pages of files mapped in (RssFile: libraries, and the search index's files, which Tantivy maps rather than
    reads), of which the search index's (`index`, from smaps)."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            found[key] = int(value.split()[0]) / 1024
    index_kb, mapping = 0, ""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
            if _MAPPING.match(line):  # a mapping's header line: address range, permissions, ..., path
                mapping = line
            elif line.startswith("Rss:") and ".search/" in mapping:
                index_kb += int(line.split()[1])
    found["index"] = index_kb / 1024
    return found


class Xvfb:
    def __init__(self) -> None:
        self.display = _free_display()
        self.process = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", f"{SCREEN_SIZE}x24", "-nolisten", "tcp", "-br"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.screen = Screen(self.display)
                break
            except ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.terminate()
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.screen.close()
        self.process.terminate()
        self.process.wait(10)


def measure(command: list[str], env: dict[str, str], screen: Screen, *, rows: bool) -> dict[str, float]:
    """Start `command`, wait for its window (and rows), read its memory, end it."""
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        found: dict[str, float] = {}
        try:
            while True:
                look = screen.look(TITLE_COLUMN)
                now = time.perf_counter() - start
                if "painted_s" not in found and look.light >= LIGHT_SHARE:
                    found["painted_s"] = now
                if rows and "rows_s" not in found and look.light >= LIGHT_SHARE and look.dark >= ROW_TEXT_PIXELS:
                    found["rows_s"] = now
                if rows and "rows_s" in found:
                    editor = screen.look(EDITOR)
                    if editor.light >= LIGHT_SHARE and editor.dark >= EDITOR_TEXT_PIXELS:
                        found["full_s"] = time.perf_counter() - start
                        break
                if not rows and "painted_s" in found:
                    break
                if process.poll() is not None:
                    errors.seek(0)
                    raise RuntimeError(f"{command[0]} ended before showing its window: {errors.read()[-2000:]}")
                if now > TIMEOUT_S:
                    raise TimeoutError(f"{command[0]}: no window with rows after {TIMEOUT_S:.0f} s")
                time.sleep(0.003)
            time.sleep(SETTLE_S)
            memory = _memory(process.pid)
            found["rss_mb"], found["hwm_mb"] = memory["VmRSS"], memory["VmHWM"]
            found["anon_mb"], found["file_mb"] = memory["RssAnon"], memory["RssFile"]
            found["index_mb"] = memory["index"]
        finally:
            process.terminate()  # the app closes its window the normal way and saves its settings
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        deadline = time.monotonic() + 10  # wait until the window is gone from the screen
        while screen.look(TITLE_COLUMN).light >= 0.05 and time.monotonic() < deadline:
            time.sleep(0.01)
        return found


def run(journal: Path, runs: int) -> dict[str, Any]:
    """Figures in ms and MB (medians over `runs`), plus every sample."""
    work = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    xvfb = Xvfb()
    base = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    env = {**base, "DISPLAY": xvfb.display, "QT_QPA_PLATFORM": "xcb", "STORY_JOURNAL_THEME": "light"}
    app = [str(Path(sys.executable).with_name("journal")), "--journal", str(journal)]
    samples: dict[str, list[dict[str, float]]] = {"bare": [], "first": [], "restart": []}
    try:
        for number in range(runs):  # interleaved, so all see the same machine load
            home = {"XDG_CONFIG_HOME": str(work / f"config-{number}"), "XDG_DATA_HOME": str(work / f"data-{number}")}
            samples["bare"].append(measure([sys.executable, "-c", BARE], {**env, **home}, xvfb.screen, rows=False))
            samples["first"].append(measure(app, {**env, **home}, xvfb.screen, rows=True))
            samples["restart"].append(measure(app, {**env, **home}, xvfb.screen, rows=True))
    finally:
        xvfb.close()
        shutil.rmtree(work, ignore_errors=True)

    def median(kind: str, key: str, scale: float = 1.0) -> float:
        return round(statistics.median(sample[key] for sample in samples[kind]) * scale, 1)

    return {
        "runs": runs,
        "bare_painted_ms": median("bare", "painted_s", 1000),
        "app_painted_ms": median("first", "painted_s", 1000),
        "app_rows_ms": median("first", "rows_s", 1000),
        "app_restart_rows_ms": median("restart", "rows_s", 1000),
        "app_full_ms": median("first", "full_s", 1000),
        "app_restart_full_ms": median("restart", "full_s", 1000),
        "bare_rss_mb": median("bare", "rss_mb"),
        "app_rss_mb": median("first", "rss_mb"),
        "app_hwm_mb": median("first", "hwm_mb"),
        "app_restart_rss_mb": median("restart", "rss_mb"),
        # what the journal-open figure holds: the process's own memory, mapped files, the search index's files
        "bare_anon_mb": median("bare", "anon_mb"),
        "app_anon_mb": median("first", "anon_mb"),
        "app_file_mb": median("first", "file_mb"),
        "app_index_mb": median("first", "index_mb"),
        "samples": {
            kind: [{key: round(value, 3) for key, value in sample.items()} for sample in values]
            for kind, values in samples.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--journal", type=Path, help="journal to open (default: a copy of the sample journal)")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"startup.py needs {', '.join(missing)}: apt-get install xvfb libx11-6", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="startup-journal-") as folder:
        journal = args.journal
        if journal is None:
            from journal.store.database import open_journal
            from journal.store.sample import fill_with_sample

            journal = Path(folder) / "sample.journal"
            opened = open_journal(journal)
            fill_with_sample(opened)
            opened.close()
        figures = run(journal, args.runs)
    print(f"{'':34}{'median':>10}")
    for key, label, unit in (
        ("bare_painted_ms", "bare PySide6 window painted", "ms"),
        ("app_painted_ms", "Story Journal window painted", "ms"),
        ("app_rows_ms", "  ... with rows (first start)", "ms"),
        ("app_restart_rows_ms", "  ... with rows (restart)", "ms"),
        ("app_full_ms", "  ... the full window (first start)", "ms"),
        ("bare_rss_mb", "bare window memory (RSS)", "MB"),
        ("app_rss_mb", "Story Journal memory (RSS)", "MB"),
    ):
        print(f"{label:34}{figures[key]:>8.0f}{unit}")
    print(f"{'ratio rows / bare':34}{figures['app_rows_ms'] / figures['bare_painted_ms']:>9.2f}x")
    print(json.dumps({key: value for key, value in figures.items() if key != "samples"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
