"""The window's process keeps to two malloc arenas (journal/malloc_arenas.py), which `journal` sets before Qt
starts its threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Eight threads allocate at once, then the process counts glibc's arenas besides the main one: each is a 64 MiB
# heap mapped at once and used from the front, so what it does not use yet is an inaccessible ("---p")
# anonymous mapping of tens of MiB.
PROBE = """
import json, sys, threading
from journal.malloc_arenas import fewer_malloc_arenas
took = fewer_malloc_arenas() if sys.argv[1] == "limit" else False
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    blocks = [bytearray(100_000) for _ in range(20)]
    del blocks
threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
arenas = 0
for line in open("/proc/self/maps"):
    fields = line.split()
    start, end = (int(x, 16) for x in fields[0].split("-"))
    arenas += fields[1] == "---p" and len(fields) == 5 and end - start > 16 * 2**20
print(json.dumps({"took": took, "arenas": arenas}))
"""


def _probe(mode: str, tmp_path: Path) -> dict[str, int]:
    env = {key: value for key, value in os.environ.items() if key != "MALLOC_ARENA_MAX"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    found: dict[str, int] = json.loads(result.stdout)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas")
def test_threads_share_two_arenas_instead_of_one_each(tmp_path: Path) -> None:
    limited = _probe("limit", tmp_path)
    assert limited["took"]
    assert limited["arenas"] <= 1  # the main arena (the program's own heap) and one more
    assert _probe("none", tmp_path)["arenas"] >= 4  # without it: one per thread, up to eight per core


def _arenas(pid: int) -> int:
    count = 0
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        count += fields[1] == "---p" and len(fields) == 5 and end - start > 16 * 2**20
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas")
def test_the_window_runs_on_two_arenas(tmp_path: Path) -> None:
    """`journal` sets the limit before Qt starts its threads: with a journal open and its threads at work, the
    window's process has no arena besides the main one and one more (without the limit: nine here)."""
    env = {key: value for key, value in os.environ.items() if key != "MALLOC_ARENA_MAX"}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), STORY_JOURNAL_LOOPBACK_ONLY="1")
    journal = Path(sys.executable).with_name("journal")
    window = subprocess.Popen(
        [str(journal), "--journal", str(tmp_path / "x.journal")], env=env, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "x.journal").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)  # the journal is open; its background work (backup, search index) has begun
        assert window.poll() is None, "the window did not stay open"
        assert _arenas(window.pid) <= 1
    finally:
        window.terminate()
        window.wait(30)
