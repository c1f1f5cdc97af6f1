"""Time from process start to the window on screen, against a bare PySide6 window measured in the same run.

Runs both under Xvfb (a real X server, the xcb platform) and waits with xdotool until a window with the
expected title is mapped. Needs Xvfb and xdotool (Debian: xvfb xdotool). Prints a table and, last, JSON.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--journal PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def time_to_window(command: list[str], title: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", title], env=env, capture_output=True, check=False
            )
            if found.returncode == 0 and found.stdout.strip():
                return time.perf_counter() - start
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} ended before showing a window: {process.stderr.read()[-2000:]}")
            if time.perf_counter() - start > 60:
                raise TimeoutError(title)
            time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--journal", type=Path, help="journal to open (default: a copy of the sample journal)")
    args = parser.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            print(f"startup.py needs {tool}: apt-get install xvfb xdotool", file=sys.stderr)
            return 2
    work = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    journal = args.journal or work / "sample.journal"
    if args.journal is None:
        from journal.store.database import open_journal
        from journal.store.sample import fill_with_sample

        opened = open_journal(journal)
        fill_with_sample(opened)
        opened.close()
    display = f":{400 + os.getpid() % 200}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
    time.sleep(1)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "XDG_CONFIG_HOME": str(work / "config")}
    app = [str(Path(sys.executable).with_name("journal")), "--journal", str(journal)]
    results: dict[str, list[float]] = {"bare": [], "app": []}
    try:
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            results["bare"].append(time_to_window([sys.executable, "-c", BARE], "bare window", env))
            results["app"].append(time_to_window(app, "Story Journal", env))
    finally:
        xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)
    bare, ours = statistics.median(results["bare"]), statistics.median(results["app"])
    print(f"{'':28}{'median':>10}{'min':>10}{'max':>10}")
    for name, label in (("bare", "bare PySide6 window"), ("app", "Story Journal window")):
        values = results[name]
        median, low, high = (1000 * f(values) for f in (statistics.median, min, max))
        print(f"{label:28}{median:>8.0f}ms{low:>8.0f}ms{high:>8.0f}ms")
    print(f"{'ratio (median)':28}{ours / bare:>9.2f}x")
    print(
        json.dumps(
            {
                "runs": args.runs,
                "bare_ms": round(bare * 1000),
                "app_ms": round(ours * 1000),
                "ratio": round(ours / bare, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
