"""Kill test: a process saving stories in a loop is killed with SIGKILL at random moments; every save it
reported as done must be in the journal afterwards, and SQLite's and the search index's checks must pass.

The child opens the journal as the app does (journal.store.database.open_journal) and loops: create a story,
or update one it created, through Journal.write() (BEGIN IMMEDIATE ... COMMIT). Only after the commit
returns does it print the story's id and the save's sequence number. The parent kills it after a random
0-0.6 s of saving, reads every complete line, and after all kills checks the journal: each reported story
exists, and holds the reported save or the one after it (a commit that finished just before the kill but
was not yet printed). Then `journal check`'s checks (integrity_check, foreign_key_check, FTS5
integrity-check, index vs stories) must pass.

    .venv/bin/python benchmarks/kill_test.py [--kills 200] [--seed 1] [--journal PATH] [--json]

Prints figures; with --json, one JSON object last. Exit status 1 when a reported save is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def child(path: Path, run: int, seed: int) -> None:
    """Save stories until killed; print `id seq` after each commit returns."""
    from journal.store import stories
    from journal.store.database import open_journal
    from journal.store.stories import StoryCreate

    rng = random.Random(seed)
    journal = open_journal(path)
    mine: dict[str, int] = {}
    print("ready", flush=True)
    while True:
        if mine and rng.random() < 0.5:
            story_id = rng.choice(list(mine))
            seq = mine[story_id] + 1
            with journal.write() as session:
                stories.update_story(story_id, {"situation": _text(run, seq)}, session=session)
        else:
            seq = 0
            with journal.write() as session:
                story_id = stories.create_story(
                    StoryCreate(title=f"Run {run} story {len(mine)}", situation=_text(run, seq)), session=session
                ).id
        mine[story_id] = seq
        sys.stdout.write(f"{story_id} {seq}\n")
        sys.stdout.flush()


def _text(run: int, seq: int) -> str:
    return f"run {run} save {seq} " + "lorem ipsum dolor " * (20 + seq % 50)


def _seq_of(situation: str) -> int:
    return int(situation.split()[3])


def parent(path: Path, kills: int, seed: int) -> dict[str, Any]:
    from journal.store.database import open_journal

    open_journal(path).close()  # created (and migrated) once, before the first kill
    rng = random.Random(seed)
    reported: dict[str, int] = {}
    saves = 0
    started = time.monotonic()
    for run in range(kills):
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", str(path), "--run", str(run), "--seed", str(seed * 100_000 + run)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise SystemExit(f"run {run}: the child did not start (exit status {process.wait()})")
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(process.pid, signal.SIGKILL)
        output = process.stdout.read()
        process.stdout.close()
        process.wait()
        for line in output.split("\n")[:-1]:  # the last piece may be a half-written line
            story_id, seq = line.split()
            reported[story_id] = max(int(seq), reported.get(story_id, -1))
            saves += 1
    elapsed = time.monotonic() - started
    return {"kills": kills, "reported_saves": saves, "stories": len(reported), "seconds": round(elapsed, 1)} | verify(
        path, reported
    )


def verify(path: Path, reported: dict[str, int]) -> dict[str, Any]:
    import sqlite3
    from contextlib import closing

    from journal.store.integrity import check_journal

    with closing(sqlite3.connect(path)) as conn:
        found = dict(conn.execute("SELECT id, situation FROM story").fetchall())
    missing = [story_id for story_id in reported if story_id not in found]
    stale = [
        story_id
        for story_id, seq in reported.items()
        if story_id in found and _seq_of(found[story_id]) not in (seq, seq + 1)
    ]
    report = check_journal(path)
    return {
        "missing": len(missing),
        "stale": len(stale),
        "integrity": "ok" if report.sound else report.problems,
        "stories_in_journal": len(found),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--journal", type=Path, help="default: a new file in a temporary folder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.run, args.seed)
        return 0
    with tempfile.TemporaryDirectory(prefix="kill-test-") as folder:
        path = args.journal or Path(folder) / "kill.journal"
        result = parent(path.absolute(), args.kills, args.seed)
    print(
        f"{result['kills']} SIGKILLs, {result['reported_saves']} saves reported done "
        f"({result['stories']} stories), {result['seconds']} s"
    )
    print(
        f"missing: {result['missing']}, older than reported: {result['stale']}, "
        f"integrity and search checks: {result['integrity']}"
    )
    if args.json:
        print(json.dumps(result))
    sound = result["missing"] == 0 and result["stale"] == 0 and result["integrity"] == "ok"
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
