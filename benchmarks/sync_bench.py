"""Team sync throughput: N stories pushed from one laptop, then pulled by a fresh one, through a real
`journal-server run` on a real PostgreSQL started in a temporary folder, against a bundle of the same stories
(export, then import) in the same run as the baseline: the file-based way of handing them over.

Each story has realistic text lengths, three tags and two coverage links (one with a saved page). Prints a
table, then one JSON object as the last line.

    .venv/bin/python benchmarks/sync_bench.py [--stories 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from journal.bundles.export import chosen_ids, export_bundle
from journal.bundles.merge import apply_import
from journal.bundles.read import read_bundle
from journal.server import accounts, database
from journal.server.local import LocalPostgres, free_port
from journal.store import stories
from journal.store.database import open_journal
from journal.store.models import LinkSnapshot
from journal.sync import engine

PASSWORD = "benchmark password"
WORDS = Path(__file__).with_name("words.txt").read_text().split()


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def fill(path: Path, count: int) -> None:
    rng = random.Random(count)
    journal = open_journal(path)
    with journal.write() as session:
        for n in range(count):
            story = stories.create_story(
                stories.StoryCreate(
                    title=text(rng, 6),
                    situation=text(rng, 120),
                    policy=text(rng, 30),
                    action=text(rng, 60),
                    outcome=text(rng, 60),
                    customer_name="Jane Doe",
                    internal_notes=text(rng, 20),
                    tags=[f"tag{rng.randrange(200)}" for _ in range(3)],
                    links=[
                        stories.CoverageLinkBase(url=f"https://news.example.com/{n}/a"),
                        stories.CoverageLinkBase(url=f"https://blog.example.com/{n}/b"),
                    ],
                ),
                session=session,
            )
            session.flush()
            session.add(LinkSnapshot(link_id=story.links[0].id, url=story.links[0].url, text=text(rng, 400)))
    journal.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sj-sync-bench-", dir="/tmp"))
    folder.chmod(0o755)
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    cluster = LocalPostgres(folder / "pg")
    cluster.start()
    results = []
    try:
        for count in args.stories:
            url = cluster.url(f"bench{count}")
            database.init(url)
            with database.connect(url) as connection:
                accounts.add_user(connection, "anna@example.com", "Bench", "rep", PASSWORD)
                accounts.add_user(connection, "ben@example.com", "Bench", "rep", PASSWORD)
            port = free_port()
            log = (folder / f"server{count}.log").open("wb")
            server = subprocess.Popen(
                [sys.executable, "-m", "journal.server", "run", "--database", url, "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                for _ in range(300):
                    try:
                        httpx.get(f"{base}/v1/hello", timeout=1)
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                source = folder / f"anna{count}.journal"
                fill(source, count)
                anna = open_journal(source)
                engine.join(anna, base, "anna@example.com", PASSWORD)
                start = time.perf_counter()
                pushed = engine.sync_once(anna)
                push_s = time.perf_counter() - start
                ben = open_journal(folder / f"ben{count}.journal")
                engine.join(ben, base, "ben@example.com", PASSWORD)
                start = time.perf_counter()
                pulled = engine.sync_once(ben)
                pull_s = time.perf_counter() - start
                start = time.perf_counter()
                again = engine.sync_once(ben)
                idle_s = time.perf_counter() - start
                bundle = folder / f"b{count}.sjbundle"
                start = time.perf_counter()
                export_bundle(anna, bundle, chosen_ids(anna))
                carol = open_journal(folder / f"carol{count}.journal")
                apply_import(carol, read_bundle(bundle))
                bundle_s = time.perf_counter() - start
                for journal in (anna, ben, carol):
                    journal.close()
                assert pushed.pushed == count and pulled.pulled == count and again.pulled == 0
                results.append(
                    {
                        "stories": count,
                        "push_s": round(push_s, 2),
                        "pull_s": round(pull_s, 2),
                        "idle_sync_s": round(idle_s, 3),
                        "bundle_s": round(bundle_s, 2),
                        "push_per_s": round(count / push_s),
                        "pull_per_s": round(count / pull_s),
                        "push_pull_vs_bundle": round((push_s + pull_s) / bundle_s, 2),
                    }
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
                log.close()
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    heading = ("stories", "push s", "pull s", "push/s", "pull/s", "idle s", "bundle s", "÷ bundle")
    print(" ".join(f"{name:>9}" for name in heading))
    for r in results:
        print(
            f"{r['stories']:>9} {r['push_s']:>9} {r['pull_s']:>9} {r['push_per_s']:>9} {r['pull_per_s']:>9} "
            f"{r['idle_sync_s']:>9} {r['bundle_s']:>9} {r['push_pull_vs_bundle']:>9}"
        )
    print(json.dumps({"sync": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
