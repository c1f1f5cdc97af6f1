"""The team journal at scale, measured on this machine: a real PostgreSQL started in a temporary folder, real
`journal-server run` processes on 127.0.0.1, real laptops (`journal sync` processes on journal files) and
simulated ones (asyncio HTTP clients in a few processes). Every figure is a ratio against a raw baseline
taken in the same run, so a slower or busier machine moves both sides. Prints a table, then one JSON object
as the last line.

    .venv/bin/python benchmarks/team_bench.py [--stories 100000] [--small 10000] [--laptops 1000] [--only push]
    make bench-team

What it measures:
- first sync: a team journal of --stories stories onto an empty laptop (`journal sync` in its own process,
  as a rep who did not write them, so the server hides the private fields), against the raw baseline: the
  same rows read with psycopg's COPY and written into a journal's tables with sqlite3 executemany (no
  checks, no privacy, no search index). The search index is timed apart (both sides need it).
- resume: a laptop's first sync of --small stories killed at a random moment, then run again: it ends with
  every story, none twice.
- no-op sync (nothing new) at --small and at --stories stories: the cost must not grow with the journal.
- burst: --laptops simulated laptops, each pushing --edits new stories then pulling what changed since a
  moment before, against one server process and against two: requests per second, p50/p95/p99 latency,
  errors, and afterwards every pushed story on the server exactly once (numbered once).
- push overhead: the same pushes, push only, against one server, per story, against the same rows written
  directly with psycopg (the same statements a push runs, from as many connections as the server's pool).
- memory: the peak resident size of the laptop's `journal sync` during the first sync and of each server
  process during the bursts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from journal.coverage.origin import SYNC_ORIGIN
from journal.server import accounts, database
from journal.server.local import LocalPostgres, answers_health, free_port
from journal.server.sample import PASSWORD, now, seed, story
from journal.sync import wire

TEAM = "Bench"
SMALL_TEAM = "Small"
HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL)}


# ---------------------------------------------------------------- the raw baseline


def raw_baseline(url: str, team_id: str, path: Path) -> float:
    """The same rows read with COPY and written into a fresh journal's tables with executemany: the least any
    sync must do (no HTTP, no checks, no privacy, no search index)."""
    from journal.store.database import open_journal
    from journal.store.search import drop_triggers

    journal = open_journal(path)
    with journal.write() as session:
        drop_triggers(session.connection())
    journal.close()
    start = time.perf_counter()
    target = sqlite3.connect(path)
    columns = [row[1] for row in target.execute("PRAGMA table_info(story)")]
    link_columns = [row[1] for row in target.execute("PRAGMA table_info(coverage_link)")]
    tag_ids: dict[str, str] = {}
    with psycopg.connect(database.libpq_url(url)) as source, source.cursor() as cursor:
        with cursor.copy(
            "COPY (SELECT record::text FROM item WHERE team_id = %s ORDER BY seq) TO STDOUT", (team_id,)
        ) as copy:
            stories, links, story_tags = [], [], []
            for (text,) in copy.rows():
                record = json.loads(text)
                row = {
                    **record["fields"],
                    "id": record["id"],
                    "created_at": record["created_at"],
                    "updated_at": record["updated_at"],
                    "version": json.dumps(record["version"]),
                }
                stories.append(tuple(row.get(name) for name in columns))
                for link in record["links"]:
                    # The columns a sync fills that the record does not carry, as a sync fills them.
                    link = {**link, "story_id": record["id"], "origin": SYNC_ORIGIN, "private_ok": False}
                    link.pop("snapshot", None)
                    links.append(tuple(link.get(name) for name in link_columns))
                for tag in record["tags"]:
                    tag_id = tag_ids.setdefault(tag["name"], str(uuid.uuid4()))
                    story_tags.append((record["id"], tag_id))
                if len(stories) >= 5000:
                    _write(target, columns, link_columns, stories, links, story_tags)
            _write(target, columns, link_columns, stories, links, story_tags)
        target.executemany(
            "INSERT INTO tag (id, name, created_at) VALUES (?, ?, ?)", [(i, n, now()) for n, i in tag_ids.items()]
        )
        with cursor.copy("COPY (SELECT sha256, text FROM snapshot WHERE team_id = %s) TO STDOUT", (team_id,)) as copy:
            target.execute("CREATE TABLE raw_snapshot (sha256 TEXT PRIMARY KEY, text TEXT)")
            target.executemany("INSERT INTO raw_snapshot VALUES (?, ?)", copy.rows())
    target.commit()
    target.close()
    return time.perf_counter() - start


def _write(target: sqlite3.Connection, columns: list[str], link_columns: list[str], *rows: list[Any]) -> None:
    stories, links, story_tags = rows
    target.executemany(f"INSERT INTO story ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", stories)
    target.executemany(
        f"INSERT INTO coverage_link ({', '.join(link_columns)}) VALUES ({', '.join('?' for _ in link_columns)})", links
    )
    target.executemany("INSERT INTO story_tag (story_id, tag_id) VALUES (?, ?)", story_tags)
    for found in rows:
        found.clear()


# ---------------------------------------------------------------- servers and laptops


class Servers:
    """`journal-server run` processes on one database, started and stopped by the benchmark."""

    def __init__(self, url: str, folder: Path, count: int, replica: str | None = None) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        for _n in range(count):
            port = free_port()
            command = [sys.executable, "-m", "journal.server", "run", "--database", url, "--port", str(port)]
            if replica:
                command += ["--replica", replica]
            with (folder / f"server-{port}.log").open("ab") as log:
                self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
            self.urls.append(f"http://127.0.0.1:{port}")
        for base in self.urls:
            if not answers_health(base, 60):
                raise SystemExit(f"The team server at {base} did not start.")

    def peak_memory_mb(self) -> list[float]:
        return [peak_rss_mb(process.pid) for process in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a running process (Linux: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def laptop_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.pop(database.DATABASE_VARIABLE, None)
    return env


def journal_command(path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "journal", "--journal", str(path), *args]


def join(folder: Path, path: Path, base: str, email: str) -> None:
    subprocess.run(
        journal_command(path, "team", "join", base, "--user", email, "--password-stdin"),
        input=PASSWORD.encode(),
        env=laptop_env(folder),
        check=True,
        capture_output=True,
    )


def timed_sync(folder: Path, path: Path, *, kill_after: float | None = None) -> tuple[float, float, int]:
    """`journal sync` in its own process: (seconds, peak memory in MB, exit status); killed with SIGKILL after
    `kill_after` seconds when given."""
    start = time.perf_counter()
    process = subprocess.Popen(
        journal_command(path, "sync", "--json"), env=laptop_env(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    kill_at = None if kill_after is None else start + kill_after
    while True:  # os.wait4, not Popen.wait: the resource usage (peak memory) of the child is wanted too
        pid, status, usage = os.wait4(process.pid, 0 if kill_at is None else os.WNOHANG)
        if pid:
            break
        if kill_at is not None and time.perf_counter() >= kill_at:
            process.send_signal(signal.SIGKILL)
            kill_at = None
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    if process.stdout:
        process.stdout.close()
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if kill_after is None and process.returncode != 0:
        raise SystemExit(f"journal sync failed: {stderr}")
    return seconds, round(usage.ru_maxrss / 1024, 1), process.returncode


def story_count(path: Path) -> tuple[int, int]:
    """(stories, distinct story ids) in a journal file."""
    with sqlite3.connect(path) as connection:
        row = connection.execute("SELECT count(*), count(DISTINCT id) FROM story").fetchone()
    return int(row[0]), int(row[1])


def index_seconds(path: Path) -> float:
    """Rebuilding the search index of a journal from scratch (what any way of filling it needs)."""
    from journal.store.database import open_journal
    from journal.store.search import rebuild

    journal = open_journal(path)
    start = time.perf_counter()
    with journal.write() as session:
        rebuild(session.connection())
    journal.close()
    return time.perf_counter() - start


# ---------------------------------------------------------------- simulated laptops (a burst)


def make_laptops(url: str, team_id: str, count: int) -> list[dict[str, str]]:
    """`count` reps, one device each, with tokens made here (signing in 1,000 people would time argon2)."""
    password_hash = accounts._HASHER.hash(PASSWORD)
    laptops = []
    with database.connect(url) as connection, connection.transaction():
        for n in range(count):
            account_id, device_id, token = str(uuid.uuid4()), str(uuid.uuid4()), f"sj1_bench_{uuid.uuid4().hex}"
            connection.execute(
                "INSERT INTO account (id, email, team_id, role, password_hash) VALUES (%s, %s, %s, 'rep', %s)",
                (account_id, f"laptop{n}.{device_id[:8]}@example.com", team_id, password_hash),
            )
            connection.execute(
                "INSERT INTO device (id, account_id, name, token_hash) VALUES (%s, %s, %s, %s)",
                (device_id, account_id, f"laptop {n}", accounts.token_hash(token)),
            )
            laptops.append({"token": token, "device_id": device_id, "replica": str(uuid.uuid4())})
    return laptops


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Connection:
    """One simulated laptop's HTTP/1.1 connection to the server, kept alive between its requests as a laptop's
    own client keeps it. The bench's load generator, on asyncio streams: one shared httpx client holding a
    thousand connections spent more CPU than the server it measures (its pool is scanned on every request),
    on the same two cores. The requests are the ones a laptop sends: the same method, path, query, headers
    that matter (Host, the protocol, Authorization, Content-Length) and the same body bytes."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.head = "".join(f"{name}: {value}\r\n" for name, value in {"Host": f"{host}:{port}", **headers}.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """(status, body); opens the connection again when the server closed it."""
        if self.writer is None or self.reader is None or self.reader.at_eof():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**24)
        length = f"Content-Length: {len(body)}\r\n" if body or method in ("POST", "PUT") else ""
        self.writer.write(f"{method} {path} HTTP/1.1\r\n{self.head}{length}\r\n".encode("latin-1") + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            content = b"".join(part[:-2] for part in parts)
        else:
            content = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


def _prepared(laptop: dict[str, str], edits: int, ramp: float) -> tuple[float, list[dict[str, Any]], bytes]:
    """A simulated laptop's start delay, its new stories and its push's body, made before the clock starts
    (as direct_pushes makes its rows before its clock starts): the laptop's own work, not the server's."""
    rng = random.Random(laptop["device_id"])
    delay = rng.uniform(0, ramp)
    records = [story(rng, n, laptop["replica"], snapshot=False)[0] for n in range(edits)]
    return delay, records, json.dumps({"push_id": str(uuid.uuid4()), "stories": records}).encode()


async def _laptop(
    base: str,
    laptop: dict[str, str],
    prepared: tuple[float, list[dict[str, Any]], bytes],
    pull: bool,
    log: dict[str, Any],
) -> None:
    delay, records, body = prepared
    await asyncio.sleep(delay)
    connection = Connection(base, {**HEADERS, "Authorization": f"Bearer {laptop['token']}"})

    async def call(kind: str, method: str, path: str, content: bytes = b"") -> Any:
        start = time.perf_counter()
        try:
            status, answer = await asyncio.wait_for(connection.request(method, path, content), 120)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            log["errors"].append(f"{kind}: {type(error).__name__}")
            await connection.close()
            return None
        log[kind].append(time.perf_counter() - start)
        if status != 200:
            log["errors"].append(f"{kind}: HTTP {status} {answer[:120].decode(errors='replace')}")
            return None
        return json.loads(answer)

    try:
        answer = await call("push", "POST", "/v1/push", body)
        if answer is not None:
            log["pushed"] += [[r["id"], r["version"]] for r in records]
        if not pull:
            return
        status = await call("status", "GET", "/v1/status")
        if status is None:
            return
        cursor = max(int(laptop["seq0"]), int(status["seq"]) - 100)  # last synced a little while ago
        while True:
            found = await call("pull", "GET", f"/v1/changes?after={cursor}&limit=500")
            if found is None:
                return
            seqs = [change["seq"] for change in found["changes"]]
            if seqs != sorted(set(seqs)) or (seqs and seqs[0] <= cursor) or found["next"] < cursor:
                log["errors"].append("pull: a page out of order, repeated, or going backward")
            log["pulled"] += len(seqs)
            cursor = found["next"]
            if not found["more"]:
                return
    finally:
        await connection.close()


async def _burst(spec: dict[str, Any], prepared: list[tuple[float, list[dict[str, Any]], bytes]]) -> dict[str, Any]:
    log: dict[str, Any] = {"push": [], "status": [], "pull": [], "errors": [], "pushed": [], "pulled": 0}
    log["start"] = time.time()  # wall clock, to be compared across the client processes
    cpu = time.process_time()
    await asyncio.gather(
        *(
            _laptop(spec["bases"][n % len(spec["bases"])], laptop, prepared[n], spec["pull"], log)
            for n, laptop in enumerate(spec["laptops"])
        )
    )
    log["end"] = time.time()
    log["cpu"] = time.process_time() - cpu  # what simulating the laptops cost, on the cores the server uses
    return log


def burst_worker() -> int:
    """One client process of a burst: its laptops on stdin (one JSON line); it prepares them, says "ready" on
    stdout, waits for "go" on stdin, and then writes what happened (JSON) into the file the line names."""
    spec = json.loads(sys.stdin.readline())
    prepared = [_prepared(laptop, spec["edits"], spec["ramp"]) for laptop in spec["laptops"]]
    print("ready", flush=True)
    sys.stdin.readline()
    try:  # the event loop the server runs on too (pyproject's server extra): cheaper per connection
        from uvloop import run
    except ImportError:
        from asyncio import run
    # Into a file, not the pipe: libuv makes standard output non-blocking, and a long log was cut at 64 KiB.
    Path(spec["log"]).write_text(json.dumps(run(_burst(spec, prepared))))
    return 0


def burst(
    laptops: list[dict[str, str]], bases: list[str], *, edits: int, pull: bool, processes: int, ramp: float
) -> dict[str, Any]:
    workers = []
    folder = Path(tempfile.mkdtemp(prefix="sj-burst-"))
    for n in range(processes):
        spec = {"laptops": laptops[n::processes], "bases": bases, "edits": edits, "pull": pull, "ramp": ramp}
        spec["log"] = str(folder / f"worker-{n}.json")
        worker = subprocess.Popen(
            [sys.executable, __file__, "--burst-worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert worker.stdin is not None
        worker.stdin.write(json.dumps(spec).encode() + b"\n")
        worker.stdin.flush()
        workers.append(worker)
    # Every client process started and its laptops prepared before any laptop starts: the processes' own
    # start-up is not counted, nor left running beside the server while it is measured.
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline() == b"ready\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(b"go\n")
        worker.stdin.close()
    for worker in workers:
        worker.wait()
    logs = [json.loads((folder / f"worker-{n}.json").read_text()) for n in range(processes)]
    shutil.rmtree(folder)
    # From the first laptop's start to the last one's end.
    seconds = max(log["end"] for log in logs) - min(log["start"] for log in logs)
    merged: dict[str, Any] = {
        key: [v for log in logs for v in log[key]] for key in ("push", "status", "pull", "errors", "pushed")
    }
    merged["pulled"] = sum(log["pulled"] for log in logs)
    merged["client_cpu_s"] = sum(log["cpu"] for log in logs)
    merged["seconds"] = seconds
    return merged


def check_burst(url: str, team_id: str, seq0: int, log: dict[str, Any]) -> dict[str, int]:
    """Every story a laptop was told was stored is on the server exactly once, with its version, and the
    team's sequence moved by exactly the number of changes stored."""
    pushed = dict((story_id, version) for story_id, version in log["pushed"])
    with database.connect(url) as connection:
        rows = connection.execute(
            "SELECT id::text, version FROM item WHERE team_id = %s AND id = ANY(%s::uuid[])",
            (team_id, list(pushed)),
        ).fetchall()
        seq = connection.execute("SELECT seq FROM team WHERE id = %s", (team_id,)).fetchone()
        numbered = connection.execute(
            "SELECT count(*) FROM item WHERE team_id = %s AND seq > %s", (team_id, seq0)
        ).fetchone()
    assert seq is not None and numbered is not None
    lost = sum(1 for story_id, version in pushed.items() if story_id not in dict(rows))
    wrong = sum(1 for story_id, version in rows if version != pushed[story_id])
    return {
        "stored": len(rows),
        "lost": lost + wrong,
        "duplicated": int(seq[0]) - seq0 - len(rows),
        "numbered_after": int(numbered[0]),
    }


def direct_pushes(url: str, team_id: str, laptops: list[dict[str, str]], edits: int, connections: int) -> float:
    """The same pushes written directly with psycopg, from `connections` threads: the statements a push runs
    (lock the team, look the stories up, write them numbered, move the sequence, keep the answer)."""
    rng = random.Random(7)
    batches = [
        (laptop, [story(rng, n, laptop["replica"], snapshot=False)[0] for n in range(edits)]) for laptop in laptops
    ]
    lock = threading.Lock()

    def run() -> None:
        with psycopg.connect(database.libpq_url(url), autocommit=True) as connection:
            while True:
                with lock:
                    if not batches:
                        return
                    laptop, records = batches.pop()
                with connection.transaction():
                    row = connection.execute(
                        "SELECT seq FROM team WHERE id = %s FOR NO KEY UPDATE", (team_id,)
                    ).fetchone()
                    assert row is not None
                    seq = int(row[0])
                    connection.execute(
                        "SELECT id FROM item WHERE team_id = %s AND kind = 'story' AND id = ANY(%s::uuid[])",
                        (team_id, [r["id"] for r in records]),
                    ).fetchall()
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            "INSERT INTO item (team_id, kind, id, seq, version, record, by, conflicts) "
                            "VALUES (%s, 'story', %s, %s, %s, %s, 'direct', '[]')",
                            [
                                (team_id, r["id"], seq + n + 1, Jsonb(r["version"]), Jsonb(r))
                                for n, r in enumerate(records)
                            ],
                        )
                    connection.execute("UPDATE team SET seq = %s WHERE id = %s", (seq + len(records), team_id))
                    connection.execute(
                        "INSERT INTO push (device_id, push_id, response) VALUES (%s, %s, %s)",
                        (laptop["device_id"], str(uuid.uuid4()), Jsonb({"results": [], "seq": seq})),
                    )

    start = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def team_seq(url: str, team_id: str) -> int:
    with database.connect(url) as connection:
        row = connection.execute("SELECT seq FROM team WHERE id = %s", (team_id,)).fetchone()
    assert row is not None
    return int(row[0])


def burst_figures(name: str, log: dict[str, Any], checked: dict[str, int], memory: list[float]) -> dict[str, Any]:
    figures: dict[str, Any] = {"burst": name, "seconds": round(log["seconds"], 2), "errors": len(log["errors"])}
    for kind in ("push", "pull"):
        latencies = log[kind]
        figures[f"{kind}es_per_s" if kind == "push" else "pulls_per_s"] = round(len(latencies) / log["seconds"], 1)
        for share in (0.5, 0.95, 0.99):
            figures[f"{kind}_p{int(share * 100)}_ms"] = round(percentile(latencies, share) * 1000, 1)
    figures.update(checked)
    figures["server_peak_mb"] = memory
    if log["errors"]:
        figures["first_errors"] = sorted(set(log["errors"]))[:5]
    return figures


# ---------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000, help="the big team journal (default 100000)")
    parser.add_argument("--small", type=int, default=10_000, help="the small one (default 10000)")
    parser.add_argument("--laptops", type=int, default=1000, help="simulated laptops in a burst (default 1000)")
    parser.add_argument("--edits", type=int, default=3, help="stories each simulated laptop pushes (default 3)")
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--ramp", type=float, default=10.0, help="the burst's laptops start within this many seconds")
    parser.add_argument(
        "--only", choices=["push"], help="measure only this part (push: the push overhead, after seeding)"
    )
    parser.add_argument("--burst-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.burst_worker:
        return burst_worker()

    folder = Path(tempfile.mkdtemp(prefix="sj-team-bench-", dir="/tmp"))
    folder.chmod(0o755)
    cluster = LocalPostgres(folder / "pg")
    cluster.start()
    url = cluster.url("bench")
    database.init(url)
    results: dict[str, Any] = {"stories": args.stories, "small": args.small, "laptops": args.laptops}
    rows: list[tuple[str, str, str]] = []
    servers: Servers | None = None
    try:
        say(f"Seeding a team journal of {args.stories} stories and one of {args.small} …")
        big = seed(url, TEAM, args.stories)
        if args.only != "push":
            seed(url, SMALL_TEAM, args.small)

        if args.only != "push":
            say("Raw baseline: COPY out, executemany into SQLite …")
            baseline = raw_baseline(url, big["team_id"], folder / "raw.journal")
            servers = Servers(url, folder, 1)
            base = servers.urls[0]

            say("First sync onto an empty laptop …")
            laptop = folder / "reader.journal"
            join(folder, laptop, base, "reader@bench.example.com")
            first, laptop_mb, _ = timed_sync(folder, laptop)
            stored = story_count(laptop)
            assert stored == (args.stories, args.stories), stored
            index = index_seconds(folder / "raw.journal")
            results["first_sync"] = {
                "seconds": round(first, 2),
                "baseline_s": round(baseline, 2),
                "ratio": round(first / baseline, 2),
                "search_index_s": round(index, 2),
                "ratio_both_indexed": round(first / (baseline + index), 2),
                "laptop_peak_mb": laptop_mb,
                "stories_per_s": round(args.stories / first),
            }
            rows.append(
                ("first sync", f"{first:.1f} s", f"{first / baseline:.2f}× raw COPY+executemany ({baseline:.1f} s)")
            )
            rows.append(
                ("  same, raw side indexed too", "", f"{first / (baseline + index):.2f}× (index {index:.1f} s)")
            )
            rows.append(("  laptop peak memory", f"{laptop_mb:.0f} MB", f"{args.stories} stories"))

            say("Resume: a first sync killed at a random moment, then run again …")
            small_laptop = folder / "small.journal"
            join(folder, small_laptop, base, "reader@small.example.com")
            # A random moment while pages arrive: after the command's start-up (a sync with nothing to do), within
            # the time the whole small sync would take at the rate just measured.
            start_up = timed_sync(folder, laptop)[0]
            whole = first * args.small / args.stories
            kill_at = start_up + random.Random().uniform(0.2, 0.8) * whole
            _s, _m, killed_status = timed_sync(folder, small_laptop, kill_after=kill_at)
            partial = story_count(small_laptop)[0]
            timed_sync(folder, small_laptop)
            after = story_count(small_laptop)
            assert after == (args.small, args.small), after
            results["resume"] = {
                "killed_after_s": round(kill_at, 2),
                "killed": killed_status != 0,
                "stories_then": partial,
                "after": after[0],
            }
            when = f"killed at {kill_at:.1f} s" if killed_status != 0 else f"done before the kill at {kill_at:.1f} s"
            rows.append(("resume after kill", f"{partial} → {after[0]}", f"{when}, none twice"))

            say("No-op syncs …")
            idle = {}
            for name, path in (("small", small_laptop), ("big", laptop)):
                times = [timed_sync(folder, path)[0] for _ in range(3)]
                idle[name] = min(times)
            startup = min(
                _timed(lambda: subprocess.run([sys.executable, "-c", "import journal.cli"], check=True))
                for _ in range(3)
            )
            results["noop_sync"] = {
                "small_s": round(idle["small"], 3),
                "big_s": round(idle["big"], 3),
                "big_vs_small": round(idle["big"] / idle["small"], 2),
                "python_start_s": round(startup, 3),
            }
            rows.append(
                (
                    "no-op sync",
                    f"{idle['small']:.2f} s / {idle['big']:.2f} s",
                    f"{args.small} / {args.stories} stories: {idle['big'] / idle['small']:.2f}×",
                )
            )
            servers.stop()
            servers = None

            bursts = []
            for count in (1, 2):
                say(f"Burst: {args.laptops} laptops against {count} server process(es) …")
                servers = Servers(url, folder, count)
                laptops = make_laptops(url, big["team_id"], args.laptops)
                seq0 = team_seq(url, big["team_id"])
                for item in laptops:
                    item["seq0"] = str(seq0)
                log = burst(
                    laptops, servers.urls, edits=args.edits, pull=True, processes=args.client_processes, ramp=args.ramp
                )
                figures = burst_figures(
                    f"{count} server", log, check_burst(url, big["team_id"], seq0, log), servers.peak_memory_mb()
                )
                bursts.append(figures)
                servers.stop()
                servers = None
                rows.append(
                    (
                        f"burst, {count} server",
                        f"{figures['pushes_per_s']} push/s {figures['pulls_per_s']} pull/s",
                        f"push p50/p95/p99 {figures['push_p50_ms']}/{figures['push_p95_ms']}/"
                        f"{figures['push_p99_ms']} ms, "
                        f"errors {figures['errors']}, lost {figures['lost']}, twice {figures['duplicated']}",
                    )
                )
            results["bursts"] = bursts

        say("Push overhead: pushes through one server against the same writes made directly …")
        servers = Servers(url, folder, 1)
        laptops = make_laptops(url, big["team_id"], args.laptops)
        seq0 = team_seq(url, big["team_id"])
        for item in laptops:
            item["seq0"] = str(seq0)
        log = burst(laptops, servers.urls, edits=args.edits, pull=False, processes=args.client_processes, ramp=0)
        checked = check_burst(url, big["team_id"], seq0, log)
        servers.stop()
        servers = None
        direct = direct_pushes(url, big["team_id"], make_laptops(url, big["team_id"], args.laptops), args.edits, 8)
        stories = args.laptops * args.edits
        results["push_overhead"] = {
            "server_ms_per_story": round(log["seconds"] * 1000 / stories, 3),
            "direct_ms_per_story": round(direct * 1000 / stories, 3),
            "ratio": round(log["seconds"] / direct, 2),
            "client_cpu_ms_per_story": round(log["client_cpu_s"] * 1000 / stories, 3),
            "errors": len(log["errors"]),
            **checked,
        }
        rows.append(
            (
                "push overhead",
                f"{log['seconds'] * 1000 / stories:.2f} ms/story",
                f"{log['seconds'] / direct:.2f}× direct psycopg ({direct * 1000 / stories:.2f} ms/story)",
            )
        )
    finally:
        if servers is not None:
            servers.stop()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print()
    for name, value, note in rows:
        print(f"{name:<30} {value:>26}   {note}")
    print(json.dumps(results))
    return 0


def _timed(job: Any) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
