"""A real PostgreSQL for the team server's tests: one cluster for the session, started in a folder of its own
under /tmp (initdb and pg_ctl refuse root: as root they run as the `postgres` user, who must reach the
folder, which pytest's 0700 temporary root does not allow), and a fresh database per test, copied from a
template that `journal-server init` prepared once. Real `journal-server run` processes serve it; laptops are
real journal files."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from journal.server import accounts, database
from journal.server.local import LocalPostgres, free_port
from journal.store.database import Journal, open_journal
from journal.sync import engine
from journal.sync.engine import SyncResult

TEMPLATE = "journal_template"
PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def cluster_folder(name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"sj-{name}-", dir="/tmp"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    folder = cluster_folder("pg")
    cluster = LocalPostgres(folder, durable=False)
    cluster.start()
    try:
        database.init(cluster.url(TEMPLATE))
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(cluster: LocalPostgres) -> str:
    name = f"t{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
    return cluster.url(name)


@pytest.fixture
def db_url(postgres: LocalPostgres) -> Iterator[str]:
    url = fresh_database(postgres)
    yield url
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def no_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens go to the 0600 file, never to the keyring of the machine running the tests."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def add_user(url: str, email: str, role: str = "rep", team: str = "Support") -> str:
    with database.connect(url) as connection:
        return accounts.add_user(connection, email, team, role, PASSWORD)


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop(database.DATABASE_VARIABLE, None)
    return env


@dataclass
class Server:
    db_url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, *, kill: bool = False) -> None:
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=30)

    def start_again(self) -> None:
        self.stop()
        self.process = _spawn(self.db_url, self.port, self.log)
        wait_for(self.url, self.process, self.log)


def _spawn(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "journal.server", "run", "--database", db_url, "--port", str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=server_env(),
            cwd="/",
        )


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"journal-server run stopped: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/v1/hello", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"journal-server run did not answer: {log.read_text(errors='replace')}")


def start_server(db_url: str, folder: Path) -> Server:
    port = free_port()
    log = folder / f"server-{port}.log"
    process = _spawn(db_url, port, log)
    server = Server(db_url, port, process, log)
    wait_for(server.url, process, log)
    return server


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    running = start_server(db_url, tmp_path)
    yield running
    running.stop()


class Laptop:
    """A person's laptop: a real journal file, joined to the team through the sync engine."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        self.path = folder / f"{name}.journal"
        self.journal: Journal = open_journal(self.path)

    def join(self, server_url: str, email: str) -> None:
        engine.join(self.journal, server_url, email, PASSWORD, device=self.name)

    def sync(self) -> SyncResult:
        return engine.sync_once(self.journal)

    def close(self) -> None:
        self.journal.close()


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[dict[str, Laptop]]:
    made: dict[str, Laptop] = {}

    class Factory(dict[str, Laptop]):
        def __missing__(self, name: str) -> Laptop:
            laptop = made[name] = Laptop(tmp_path, name)
            self[name] = laptop
            return laptop

    yield Factory()
    for laptop in made.values():
        laptop.close()


def sql(url: str, query: str, *params: object) -> list[tuple[object, ...]]:
    with database.connect(url) as connection:
        return list(connection.execute(query, params).fetchall())  # type: ignore[arg-type]
