"""Peak memory of `journal bundle import` on hostile and real bundles, measured on the child process.

Each bundle is written to a temporary folder, then `journal bundle import --dry-run` runs on it in a child
process; its peak resident memory (ru_maxrss from wait4) is printed beside the result and, last, as one JSON
object. The hostile bundles hold a 100 MB `bundle.json` of small JSON objects with varied values, so that it
zips to about 16 MB: well under the compression-bomb ratio, so only the reading itself can refuse it.

    .venv/bin/python benchmarks/bundle_memory.py [--megabytes 100] [--stories 2000]

A real bundle (a synthetic journal of --stories stories, exported) is measured too: its figure is the price
of reading what people actually hand over, and the hostile ones must stay in its neighbourhood.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def small_objects(megabytes: int, seed: int = 19) -> bytes:
    """`{"n": 123456}, ...` until the text is `megabytes` long: millions of tiny objects."""
    generator = random.Random(seed)
    target = megabytes * 1024 * 1024
    pieces: list[bytes] = []
    size = 0
    while size < target:
        piece = b'{"n":%d},' % generator.randrange(10**9)
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces).rstrip(b",")


def hostile_documents(megabytes: int) -> dict[str, bytes]:
    objects = small_objects(megabytes)
    head = b'{"format": "story-journal-bundle", "version": 1, "created_at": "2026-01-01T00:00:00+00:00", '
    return {
        "objects as stories": head + b'"stories": [' + objects + b"]}",
        "objects under an unknown key": head + b'"stories": [], "padding": [' + objects + b"]}",
        "objects as one story's readings": head
        + b'"stories": [{"id": "00000000-0000-4000-8000-000000000001", "readings": ['
        + objects
        + b"]}]}",
    }


def write_bundle(path: Path, document: bytes) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bundle.json", document)


def real_bundle(folder: Path, stories: int) -> Path:
    sys.path.insert(0, str(HERE))
    from synthetic import Size, build

    from journal.bundles.export import chosen_ids, export_bundle
    from journal.store.database import open_journal

    source = folder / "source.journal"
    build(source, size=Size(stories=stories, links=stories * 3, tags=200), log=False)
    journal = open_journal(source)
    try:
        target = folder / "real.sjbundle"
        export_bundle(journal, target, chosen_ids(journal))
    finally:
        journal.close()
    return target


# The child is started by this small wrapper, not by the benchmark itself: a forked child's peak memory
# counts the pages it shares with its parent until it runs the new program, and the parent holds the bundles.
_WRAPPER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(process.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status), file=sys.stderr)
"""


def measure(bundle: Path, folder: Path) -> tuple[int, float, int, str]:
    """(peak resident MB, seconds, exit status, the last line printed) of a dry-run import."""
    command = [sys.executable, "-m", "journal", "--journal", str(folder / "target.journal")]
    command += ["bundle", "import", "--dry-run", str(bundle)]
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config")}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, env=env, cwd=folder, check=True
    )
    elapsed = time.perf_counter() - started
    *said, figures = result.stderr.strip().splitlines()
    peak_kb, status = (int(value) for value in figures.split())
    lines = [*result.stdout.strip().splitlines(), *said]
    return peak_kb // 1024, elapsed, status, (lines[-1] if lines else "")[:160]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=100, help="size of the hostile bundle.json (100)")
    parser.add_argument("--stories", type=int, default=2000, help="stories in the real bundle (2000)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bundle-memory-") as name:
        folder = Path(name)
        bundles = {"real bundle": real_bundle(folder, args.stories)}
        for case, document in hostile_documents(args.megabytes).items():
            path = folder / f"{case.replace(' ', '-')}.sjbundle"
            write_bundle(path, document)
            bundles[case] = path
        for case, path in bundles.items():
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
            peak, seconds, status, last = measure(path, folder)
            zipped = path.stat().st_size
            print(
                f"{case:<34} {zipped / 2**20:6.1f} MB zipped, {unpacked / 2**20:6.1f} MB unpacked: "
                f"peak {peak:5d} MB, {seconds:5.1f} s, exit {status}: {last}"
            )
            results[case] = {"zipped_mb": round(zipped / 2**20, 1), "peak_mb": peak, "seconds": round(seconds, 1)}
            results[case] |= {"exit": status, "said": last}
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
