"""Running a team server: the health check a load balancer asks, Prometheus metrics, one JSON log line per
request (never a token, password or story text), a laptop older or newer than the server told so in plain
words with nothing half-done, and a schema upgrade (`journal-server init`) while laptops keep syncing."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import psycopg
import pytest
from alembic import command

from journal.server import database
from journal.server.local import LocalPostgres
from journal.store import stories
from journal.sync import credentials, engine, state, wire
from journal.sync.client import Revoked, SyncError, TooOld
from tests.server.conftest import PASSWORD, Laptop, Server, add_user, reps_joined, server_env, sql, start_server


def write_story(laptop: Laptop, title: str, text: str = "") -> str:
    with laptop.journal.write() as session:
        return stories.create_story(stories.StoryCreate(title=title, situation=text), session=session).id


def test_health_metrics_and_json_logs(server: Server, laptops: dict[str, Laptop]) -> None:
    health = httpx.get(f"{server.url}/health", timeout=10)
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["database"] == "ok"

    add_user(server.db_url, "anna@example.com")
    anna = laptops["anna"]
    anna.join(server.url, "anna@example.com")
    write_story(anna, "Boots for Jane", "The secret refund code is 4471-XYZ.")
    assert anna.sync().pushed == 1

    metrics = httpx.get(f"{server.url}/metrics", timeout=10).text
    assert "journal_pushed_changes_total 1.0" in metrics
    assert 'journal_requests_total{route="/v1/push",status="200"} 1.0' in metrics
    assert 'journal_pages_total{source="primary"}' in metrics
    assert "journal_request_seconds_bucket" in metrics

    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["event"] == "request"]
    push = next(line for line in requests if line["route"] == "/v1/push")
    assert push["status"] == 200 and push["method"] == "POST" and push["device"] and push["ms"] >= 0
    assert {"time", "level"} <= set(push)
    text = server.log.read_text()
    with anna.journal.session() as session:
        member = state.membership(session.connection())
    assert member is not None
    token = credentials.load(member.device_id, member.token_store)
    assert token and token not in text
    assert PASSWORD not in text and "4471-XYZ" not in text and "Boots for Jane" not in text


def test_a_laptop_older_or_newer_than_the_server_is_told_in_plain_words(
    server: Server, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(server.db_url, "anna@example.com")
    anna = laptops["anna"]
    anna.join(server.url, "anna@example.com")
    write_story(anna, "Waiting story")
    speaks = wire.PROTOCOL
    for spoken, words in ((wire.PROTOCOL - 1, "Update Story Journal"), (wire.PROTOCOL + 1, "update the server")):
        monkeypatch.setattr(wire, "PROTOCOL", spoken)
        with pytest.raises(TooOld) as refused:
            anna.sync()
        assert words in str(refused.value) and "nothing was lost" in str(refused.value)
        # Never half-synced: nothing reached the server, the laptop still has its change waiting, no cursor moved.
        assert sql(server.db_url, "SELECT seq FROM team") == [(0,)]
        assert engine.team_status(anna.journal).waiting == 1
        with anna.journal.session() as session:
            member = state.membership(session.connection())
        assert member is not None and member.cursor == 0 and member.last_sync is None
    monkeypatch.setattr(wire, "PROTOCOL", speaks)
    assert anna.sync().pushed == 1


def _database_at(cluster: LocalPostgres, name: str, revision: str) -> str:
    import sqlalchemy as sa

    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = cluster.url(name)
    engine_ = sa.create_engine(database._sqlalchemy_url(url), poolclass=sa.pool.NullPool)
    with engine_.begin() as connection:
        command.upgrade(database._alembic(connection), revision)  # type: ignore[arg-type]
    engine_.dispose()
    return url


def test_schema_upgraded_with_init_while_laptops_keep_syncing(
    postgres: LocalPostgres, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    url = _database_at(postgres, f"upgrade_{tmp_path.name[-12:]}".lower().replace("-", "_"), "s0001")
    server = start_server(url, tmp_path)  # today's server serves the older schema too (database.SERVES)
    try:
        anna, ben = reps_joined(url, server.url, laptops, "anna", "ben")
        errors: list[BaseException] = []
        written: list[str] = []
        stop = threading.Event()

        def keep_syncing() -> None:
            while not stop.is_set():
                try:
                    written.append(write_story(anna, f"Story {len(written)}"))
                    anna.sync()
                except BaseException as error:
                    errors.append(error)
                    return

        worker = threading.Thread(target=keep_syncing)
        worker.start()
        try:
            upgraded = subprocess.run(
                [sys.executable, "-m", "journal.server", "init", "--database", url],
                capture_output=True,
                text=True,
                env=server_env(),
                timeout=120,
            )
            assert upgraded.returncode == 0, upgraded.stderr
            assert "upgraded from s0001" in upgraded.stdout
            while len(written) < 3 and not errors:
                stop.wait(0.05)
        finally:
            stop.set()
            worker.join(timeout=120)
        assert not errors, errors
        assert sql(url, "SELECT version_num FROM alembic_version") == [("s0002",)]
        server.start_again()  # a rolling restart onto the new schema
        anna.sync()
        ben.sync()
        held = {row[0] for row in sql(url, "SELECT id::text FROM item WHERE record IS NOT NULL")}
        assert held == set(written)
        with ben.journal.session() as session:
            ids = {row[0] for row in session.connection().exec_driver_sql("SELECT id FROM story")}
        assert ids == set(written)
        assert sql(url, "SELECT seq FROM team") == [(len(written),)]
        forgot = subprocess.run(
            [sys.executable, "-m", "journal.server", "pushes", "purge", "--older-than", "0", "--database", url],
            capture_output=True,
            text=True,
            env=server_env(),
            timeout=60,
        )
        assert forgot.returncode == 0 and "Forgot the answers of" in forgot.stdout
        assert sql(url, "SELECT count(*) FROM push") == [(0,)]
    finally:
        server.stop()


def test_a_lost_laptop_is_revoked_and_its_password_changed_with_the_commands(
    server: Server, laptops: dict[str, Laptop]
) -> None:
    add_user(server.db_url, "anna@example.com")
    lost, new = laptops["lost"], laptops["new"]
    lost.join(server.url, "anna@example.com")
    kept = write_story(lost, "Synced before the laptop was lost")
    assert lost.sync().pushed == 1

    def admin(*args: str, given: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "journal.server", *args, "--database", server.db_url],
            input=given,
            capture_output=True,
            text=True,
            env=server_env(),
            timeout=120,
        )

    listed = admin("device", "list", "anna@example.com", "--json")
    (device,) = [d for d in json.loads(listed.stdout) if d["name"] == "lost"]
    revoked = admin("device", "revoke", device["id"][:8])
    assert revoked.returncode == 0 and device["id"] in revoked.stdout
    changed = admin("user", "password", "ANNA@example.com", "--password-stdin", given="a brand new password\n")
    assert changed.returncode == 0, changed.stderr
    assert "anna@example.com has a new password" in changed.stdout
    unknown = admin("user", "password", "nobody@example.com", "--password-stdin", given="a brand new password\n")
    assert unknown.returncode == 1 and "no account for nobody@example.com" in unknown.stderr

    write_story(lost, "Written by whoever found it")
    with pytest.raises(Revoked):
        lost.sync()
    assert sql(server.db_url, "SELECT count(*) FROM item") == [(1,)]  # the lost laptop sent nothing more
    with pytest.raises(SyncError):
        engine.join(new.journal, server.url, "anna@example.com", PASSWORD, device="new")
    engine.join(new.journal, server.url, "anna@example.com", "a brand new password", device="new")
    assert new.sync().pulled == 1
    with new.journal.session() as session:
        ids = [row[0] for row in session.connection().exec_driver_sql("SELECT id FROM story")]
    assert ids == [kept]


def test_a_sync_with_nothing_new_asks_only_for_changes_and_a_long_pull_says_about_how_many(
    server: Server, laptops: dict[str, Laptop]
) -> None:
    """The team's sequence (`/v1/status`) is asked for only when a pull has more than one page: a sync with
    nothing new costs the server one request per page of changes, and a long first sync shows a total."""
    add_user(server.db_url, "anna@example.com")
    add_user(server.db_url, "ben@example.com")
    anna, ben = laptops["anna"], laptops["ben"]
    anna.join(server.url, "anna@example.com")
    with anna.journal.write() as session:
        for n in range(engine.PULL_PAGE + 20):
            stories.create_story(stories.StoryCreate(title=f"Story {n}"), session=session)
    assert anna.sync().pushed == engine.PULL_PAGE + 20

    def asked_status() -> int:
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        return sum(1 for line in lines if line.get("event") == "request" and line.get("route") == "/v1/status")

    before = asked_status()
    nothing = anna.sync()
    assert (nothing.pushed, nothing.pulled) == (0, 0)
    assert asked_status() == before

    ben.join(server.url, "ben@example.com")
    steps: list[engine.Progress] = []
    pulled = engine.sync_once(ben.journal, progress=steps.append)
    assert pulled.pulled == engine.PULL_PAGE + 20
    pulls = [step for step in steps if step.stage == "pull"]
    assert len(pulls) == 2 and asked_status() == before + 1
    assert all(step.total is not None and step.total >= step.done for step in pulls)
    assert pulls[-1].done == engine.PULL_PAGE + 20
