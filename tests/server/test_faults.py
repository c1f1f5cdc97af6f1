"""Faults during a sync: the server process killed between batches of a push, PostgreSQL stopped
(`pg_ctl stop -m immediate`) in the middle, a response lost after the server committed, and two laptops
pushing the same story at the same instant through two server processes. Nothing is lost, nothing is
applied twice: the next sync finishes the work."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from journal.bundles.conflicts import conflicts_of
from journal.server import database
from journal.server.local import LocalPostgres
from journal.store import stories
from journal.sync import engine
from journal.sync.client import Offline
from tests.server.conftest import Laptop, Server, add_user, cluster_folder, sql, start_server

MANY = 450  # three batches


def fill(laptop: Laptop, count: int) -> list[str]:
    with laptop.journal.write() as session:
        return [
            stories.create_story(stories.StoryCreate(title=f"Story {n}", outcome="x" * 200), session=session).id
            for n in range(count)
        ]


def after_first_batch(action: Any) -> Any:
    done = {"fired": False}

    def progress(step: engine.Progress) -> None:
        if step.stage == "push" and step.done >= 200 and not done["fired"]:
            done["fired"] = True
            action()

    return progress


def assert_all_there_once(db_url: str, laptop: Laptop, ids: list[str]) -> None:
    held = {row[0] for row in sql(db_url, "SELECT id::text FROM item WHERE record IS NOT NULL")}
    assert held == set(ids)
    # Every story got exactly one number in the team's sequence: nothing was applied twice.
    assert sql(db_url, "SELECT seq FROM team") == [(len(ids),)]
    assert engine.team_status(laptop.journal).waiting == 0


def test_the_server_killed_during_a_push(server: Server, laptops: dict[str, Laptop]) -> None:
    add_user(server.db_url, "anna@example.com")
    anna = laptops["anna"]
    anna.join(server.url, "anna@example.com")
    ids = fill(anna, MANY)
    with pytest.raises(Offline):
        engine.sync_once(anna.journal, progress=after_first_batch(lambda: server.stop(kill=True)))
    assert sql(server.db_url, "SELECT count(*) FROM item") == [(200,)]
    assert engine.team_status(anna.journal).waiting == MANY - 200
    server.start_again()
    result = anna.sync()
    assert result.pushed == MANY - 200
    assert_all_there_once(server.db_url, anna, ids)


@pytest.fixture
def own_postgres() -> Iterator[LocalPostgres]:
    """A cluster of its own: this test stops it."""
    folder = cluster_folder("crash")
    cluster = LocalPostgres(folder)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_stopped_immediately_during_a_push(
    own_postgres: LocalPostgres, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    url = own_postgres.url("journal")
    database.init(url)
    add_user(url, "anna@example.com")
    server = start_server(url, tmp_path)
    try:
        anna = laptops["anna"]
        anna.join(server.url, "anna@example.com")
        ids = fill(anna, MANY)
        with pytest.raises(Offline) as stopped:
            engine.sync_once(anna.journal, progress=after_first_batch(lambda: own_postgres.stop("immediate")))
        assert "database" in str(stopped.value)
        own_postgres.start()  # recovers from its write-ahead log
        assert sql(url, "SELECT count(*) FROM item") == [(200,)]
        anna.sync()
        assert_all_there_once(url, anna, ids)
    finally:
        server.stop()


class LosingProxy(http.server.ThreadingHTTPServer):
    """Forwards requests to the server; the first push's response is dropped after the server answered."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.pushes: list[str] = []
        self.dropped = 0
        super().__init__(("127.0.0.1", 0), _Forward)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LosingProxy

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        answer = httpx.request(self.command, self.server.backend + self.path, content=body, headers=headers, timeout=60)
        if self.path == "/v1/push":
            self.server.pushes.append(json.loads(body)["push_id"])
            if self.server.dropped == 0:
                self.server.dropped += 1
                self.close_connection = True  # committed on the server; the laptop never hears of it
                return
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PUT = _forward

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_response_lost_after_the_commit(server: Server, laptops: dict[str, Laptop]) -> None:
    add_user(server.db_url, "anna@example.com")
    proxy = LosingProxy(server.url)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        anna = laptops["anna"]
        anna.join(proxy.url, "anna@example.com")
        ids = fill(anna, 3)
        result = anna.sync()
        assert result.pushed == 3
        assert proxy.dropped == 1
        assert len(proxy.pushes) == 2 and proxy.pushes[0] == proxy.pushes[1]  # the same push, sent again
        assert sql(server.db_url, "SELECT count(*) FROM push") == [(1,)]
        assert_all_there_once(server.db_url, anna, ids)
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_two_laptops_push_the_same_story_at_the_same_instant(
    server: Server, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    second = start_server(server.db_url, tmp_path)  # any number of processes serve one database
    try:
        add_user(server.db_url, "anna@example.com")
        add_user(server.db_url, "ben@example.com")
        anna, ben = laptops["anna"], laptops["ben"]
        anna.join(server.url, "anna@example.com")
        ben.join(second.url, "ben@example.com")
        (story_id,) = fill(anna, 1)
        anna.sync()
        ben.sync()
        for round_ in range(4):
            with anna.journal.write() as session:
                stories.update_story(story_id, {"outcome": f"anna {round_}"}, session=session)
            with ben.journal.write() as session:
                stories.update_story(story_id, {"outcome": f"ben {round_}"}, session=session)
            start = threading.Barrier(2)
            errors: list[BaseException] = []

            def sync(laptop: Laptop, barrier: threading.Barrier = start, errors: list[BaseException] = errors) -> None:
                barrier.wait()
                try:
                    engine.sync_once(laptop.journal)
                except BaseException as error:  # reported below
                    errors.append(error)

            threads = [threading.Thread(target=sync, args=(laptop,)) for laptop in (anna, ben)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            anna.sync()
            ben.sync()
            views = []
            for laptop in (anna, ben):
                with laptop.journal.session() as session:
                    current = stories.get_story(story_id, session=session).outcome
                    kept = [c.theirs["fields"]["outcome"] for c in conflicts_of(session, story_id) if c.theirs]
                views.append(sorted([current, *kept]))
            assert views[0] == views[1]  # the same versions on both laptops
            assert views[0] == [f"anna {round_}", f"ben {round_}"], views  # both edits, neither lost
        numbers = sql(server.db_url, "SELECT seq FROM item")
        assert len(numbers) == 1 and sql(server.db_url, "SELECT seq FROM team") == numbers
    finally:
        second.stop()
