"""The team journal run as a company runs it, on 127.0.0.1: two server processes behind HAProxy (one killed
in the middle of a push), pages read from a PostgreSQL streaming replica that lags, the network cut in the
middle of a page, the primary database stopped and restarted in the middle of a burst of laptops, and
`journal sync` killed at random moments during a first sync. Laptops keep working offline, nothing is lost
or applied twice, and everything converges afterwards."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from journal.server import database, sample
from journal.server.local import LocalPostgres
from journal.store import stories
from journal.sync import engine, state
from journal.sync.client import Offline
from tests.server.conftest import (
    PASSWORD,
    Laptop,
    Server,
    add_user,
    cluster_folder,
    reps_joined,
    server_env,
    sql,
    start_server,
)
from tests.server.infra import CuttingProxy, LoadBalancer, make_replica

pytestmark = pytest.mark.slow


def write_stories(laptop: Laptop, count: int, title: str) -> list[str]:
    with laptop.journal.write() as session:
        return [
            stories.create_story(stories.StoryCreate(title=f"{title} {n}", outcome="o" * 300), session=session).id
            for n in range(count)
        ]


def edit_story(laptop: Laptop, story_id: str, outcome: str) -> None:
    with laptop.journal.write() as session:
        stories.update_story(story_id, {"outcome": outcome}, session=session)


def held(laptop: Laptop) -> dict[str, str]:
    """What a laptop holds: story id -> its version vector (as stored)."""
    with laptop.journal.session() as session:
        rows = session.connection().exec_driver_sql("SELECT id, version FROM story").all()
    return {str(row[0]): json.dumps(json.loads(row[1]), sort_keys=True) for row in rows}


def on_server(url: str) -> dict[str, str]:
    rows = sql(url, "SELECT id::text, version FROM item WHERE kind = 'story' AND record IS NOT NULL")
    return {str(row[0]): json.dumps(row[1], sort_keys=True) for row in rows}


def cursor_of(laptop: Laptop) -> int:
    with laptop.journal.session() as session:
        member = state.membership(session.connection())
    assert member is not None
    return member.cursor


def devices_served(server: Server) -> set[str]:
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    return {line["device"] for line in lines if line.get("event") == "request" and line.get("device")}


@pytest.fixture
def own_cluster() -> Iterator[LocalPostgres]:
    """A durable PostgreSQL of this test's own, to stop, restart and replicate."""
    folder = cluster_folder("own")
    cluster = LocalPostgres(folder / "primary")
    cluster.start()
    try:
        yield cluster
    finally:
        for child in sorted(folder.iterdir()):
            LocalPostgres(child).stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def test_two_servers_behind_a_load_balancer_one_killed_mid_push(
    db_url: str, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    first, second = start_server(db_url, tmp_path), start_server(db_url, tmp_path)
    balancer = LoadBalancer(tmp_path, [first.port, second.port])
    try:
        anna, ben = reps_joined(db_url, balancer.url, laptops, "anna", "ben")
        made: list[str] = []
        for round_ in range(5):
            made += write_stories(ben, 3, f"Round {round_}")
            edit_story(ben, made[0], f"Edited in round {round_}")
            before = sql(db_url, "SELECT seq FROM team")[0][0]
            assert ben.sync().pushed == (4 if round_ else 3)
            after = sql(db_url, "SELECT seq FROM team")[0][0]
            result = anna.sync()
            # Exactly the changes numbered since her last sync, each once, wherever each request went.
            assert result.pulled == after - before
            assert held(anna) == on_server(db_url) == held(ben)
        assert engine.team_status(ben.journal).device_id in devices_served(first) & devices_served(second)

        # One server process dies in the middle of a push (after its first batch): the balancer sends the
        # resent push to the other one, which answers it; nothing twice.
        made += write_stories(ben, 450, "Big")

        def kill_first(step: engine.Progress) -> None:
            if step.stage == "push" and step.done >= 200 and first.process.poll() is None:
                first.stop(kill=True)

        seq_before = sql(db_url, "SELECT seq FROM team")[0][0]
        try:
            engine.sync_once(ben.journal, progress=kill_first)
        except Offline:
            ben.sync()  # the balancer has noticed by now
        assert first.process.poll() is not None  # it did die during the push
        assert sql(db_url, "SELECT seq FROM team")[0][0] == seq_before + 450
        anna.sync()
        assert held(anna) == on_server(db_url) == held(ben)
        assert len(on_server(db_url)) == len(made) == len(set(made))
    finally:
        balancer.stop()
        first.stop()
        second.stop()


def test_pages_from_a_lagging_replica_never_go_back_or_skip(own_cluster: LocalPostgres, tmp_path: Path) -> None:
    url = own_cluster.url("team")
    database.init(url)
    replica = make_replica(own_cluster, own_cluster.folder.parent / "replica")
    replica_url = replica.url("team")
    primary_only = start_server(url, tmp_path)
    with_replica = _server_with_replica(url, replica_url, tmp_path)
    laptops = [Laptop(tmp_path, name) for name in ("anna", "ben")]
    anna, ben = laptops
    try:
        add_user(url, "anna@example.com")
        add_user(url, "ben@example.com")
        anna.join(primary_only.url, "anna@example.com")
        ben.join(with_replica.url, "ben@example.com")
        cursors = [cursor_of(ben)]

        def replay(paused: bool) -> None:
            with psycopg.connect(replica.url(), autocommit=True) as connection:
                connection.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")

        def caught_up() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if sql(replica_url, "SELECT seq FROM team") == sql(url, "SELECT seq FROM team"):
                    return
                time.sleep(0.05)
            raise AssertionError("the replica did not catch up")

        replay(paused=True)
        write_stories(anna, 5, "Before")
        anna.sync()
        # The replica has not replayed them: ben is served the team as it was (nothing new), his cursor stays.
        assert ben.sync().pulled == 0
        cursors.append(cursor_of(ben))
        replay(paused=False)
        caught_up()
        assert ben.sync().pulled == 5  # none skipped
        write_stories(anna, 4, "Caught up")
        anna.sync()
        caught_up()
        assert ben.sync().pulled == 4  # read on the replica
        cursors.append(cursor_of(ben))
        assert "replica" in httpx.get(f"{with_replica.url}/health", timeout=10).json()

        # Lagging: ben reads what anna sent through the primary-only server, then asks the replica's server.
        replay(paused=True)
        write_stories(anna, 3, "Lagging")
        anna.sync()
        with ben.journal.write() as session:
            state.save(session.connection(), server=primary_only.url)
        assert ben.sync().pulled == 3
        cursors.append(cursor_of(ben))
        with ben.journal.write() as session:
            state.save(session.connection(), server=with_replica.url)
        assert ben.sync().pulled == 0  # the replica is behind ben's cursor: the primary answers, nothing new
        cursors.append(cursor_of(ben))
        health = httpx.get(f"{with_replica.url}/health", timeout=10).json()
        assert health["replica"] == "ok" and health["replica_behind"] == 3
        # Ben's own push comes back from where it is already known, not undone by the stale replica.
        mine = write_stories(ben, 1, "Mine")[0]
        result = ben.sync()
        assert result.pushed == 1 and mine in held(ben)
        cursors.append(cursor_of(ben))
        replay(paused=False)
        caught_up()
        anna.sync()
        ben.sync()
        cursors.append(cursor_of(ben))
        assert cursors == sorted(cursors)
        assert held(anna) == held(ben) == on_server(url)
        assert len(on_server(url)) == 13
        metrics = httpx.get(f"{with_replica.url}/metrics", timeout=10).text
        replica_pages = [
            line for line in metrics.splitlines() if line.startswith('journal_pages_total{source="replica"}')
        ]
        assert replica_pages and float(replica_pages[0].split()[-1]) >= 1
    finally:
        for laptop in laptops:
            laptop.close()
        with_replica.stop()
        primary_only.stop()
        replica.stop("immediate")


def _server_with_replica(url: str, replica_url: str, folder: Path) -> Server:
    from tests.server.conftest import free_port, wait_for

    port = free_port()
    log = folder / f"server-{port}.log"
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "journal.server",
                "run",
                "--database",
                url,
                "--port",
                str(port),
                "--replica",
                replica_url,
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=server_env(),
            cwd="/",
        )
    server = Server(url, port, process, log)
    wait_for(server.url, process, log)
    return server


def test_the_network_cut_in_the_middle_of_a_page(db_url: str, server: Server, laptops: dict[str, Laptop]) -> None:
    sample.seed(db_url, "Support", 1200, PASSWORD)
    proxy = CuttingProxy(server.port)
    try:
        ben = laptops["ben"]
        ben.join(proxy.url, "reader@support.example.com")
        proxy.cut_after = 400_000  # a page of changes is megabytes: every one is cut
        mine = write_stories(ben, 2, "Offline")
        with pytest.raises(Offline):
            ben.sync()
        assert proxy.cuts >= 1
        # Nothing half-applied: the stories here are exactly those up to the cursor, and work goes on offline.
        stored = set(held(ben)) - set(mine)
        upto = {row[0] for row in sql(db_url, "SELECT id::text FROM item WHERE seq <= %s", cursor_of(ben))}
        assert stored == upto - set(mine)
        mine += write_stories(ben, 1, "Still offline")
        proxy.cut_after = None
        result = ben.sync()
        assert result.pulled >= 1200 - len(stored)
        assert held(ben) == on_server(db_url)
        assert set(mine) <= set(on_server(db_url)) and len(on_server(db_url)) == 1203
    finally:
        proxy.stop()


def test_the_primary_restarted_in_the_middle_of_a_burst(own_cluster: LocalPostgres, tmp_path: Path) -> None:
    url = own_cluster.url("team")
    database.init(url)
    server = start_server(url, tmp_path)
    names = [f"rep{n}" for n in range(6)]
    for name in names:
        add_user(url, f"{name}@example.com")
    laptops = {name: Laptop(tmp_path, name) for name in names}
    made: dict[str, list[str]] = {name: [] for name in names}
    offline = {name: 0 for name in names}
    restarted = threading.Event()
    failures: list[BaseException] = []
    try:
        for name, laptop in laptops.items():
            laptop.join(server.url, f"{name}@example.com")

        def work(name: str) -> None:
            laptop = laptops[name]
            after_restart = 0
            try:
                while after_restart < 3:
                    made[name] += write_stories(laptop, 1, name)  # writing never waits for the server
                    try:
                        laptop.sync()
                    except Offline:
                        offline[name] += 1
                    if restarted.is_set():
                        after_restart += 1
                    time.sleep(0.05)
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=work, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        own_cluster.stop("immediate")  # a crash, as far as PostgreSQL is concerned
        deadline = time.monotonic() + 180  # a sync waits at most the server's pool timeout, then is Offline
        while min(offline.values()) < 1 and time.monotonic() < deadline and not failures:
            time.sleep(0.1)
        down = httpx.get(f"{server.url}/health", timeout=10)
        assert down.status_code == 503 and down.json()["database"] == "unreachable"
        own_cluster.start()
        restarted.set()
        for thread in threads:
            thread.join(timeout=300)
        assert not failures, failures
        assert all(count >= 1 for count in offline.values()), offline
        assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200
        for _ in range(2):
            for laptop in laptops.values():
                laptop.sync()
        everything = {story_id for ids in made.values() for story_id in ids}
        assert set(on_server(url)) == everything
        assert sql(url, "SELECT seq FROM team") == [(len(everything),)]  # none numbered twice
        for laptop in laptops.values():
            assert held(laptop) == on_server(url)
    finally:
        for laptop in laptops.values():
            laptop.close()
        server.stop()


def test_journal_sync_killed_at_random_moments_resumes_to_the_same_journal(
    db_url: str, server: Server, tmp_path: Path
) -> None:
    sample.seed(db_url, "Support", 2500, PASSWORD)
    env = {**server_env(), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    path = tmp_path / "reader.journal"
    journal = [sys.executable, "-m", "journal", "--journal", str(path)]
    joined = subprocess.run(
        [*journal, "team", "join", server.url, "--user", "reader@support.example.com", "--password-stdin"],
        input=PASSWORD,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert joined.returncode == 0, joined.stderr
    seed = int(os.environ.get("SYNC_KILL_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    print(f"SYNC_KILL_SEED={seed}")
    counts = []
    for _ in range(3):
        process = subprocess.Popen([*journal, "sync"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        with sqlite3.connect(path) as connection:
            counts.append(connection.execute("SELECT count(*) FROM story").fetchone()[0])
    finished = subprocess.run([*journal, "sync"], env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(path) as connection:
        stored = dict(connection.execute("SELECT id, version FROM story").fetchall())
        indexed = connection.execute("SELECT count(*) FROM story_fts").fetchone()[0]
        bases = connection.execute("SELECT count(*) FROM sync_base").fetchone()[0]
    server_side = {
        str(row[0]): row[1] for row in sql(db_url, "SELECT id::text, version FROM item WHERE kind = 'story'")
    }
    assert counts == sorted(counts), counts  # what a killed sync had applied stayed
    assert {k: json.loads(v) for k, v in stored.items()} == server_side
    assert indexed == bases == 2500  # the search index and the bookkeeping are whole too
