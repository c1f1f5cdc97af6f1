"""The files in packaging/ that run a team server for a company (the systemd unit and nginx in front) say what
the server really does: the unit's command line starts a server that answers /health from the database named
in its environment file, and nginx lets through the largest request the server accepts, to the processes the
unit starts, without showing the metrics outside."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx

from journal.server import database
from journal.server.local import free_port
from journal.sync import wire
from tests.server.conftest import server_env

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
UNIT = PACKAGING / "journal-server@.service"
NGINX = PACKAGING / "nginx-journal.conf"


def unit_setting(name: str) -> str:
    found = re.search(rf"^{name}=(.+)$", UNIT.read_text(), re.MULTILINE)
    assert found, f"{UNIT.name} has no {name}="
    return found.group(1).strip()


def test_the_systemd_units_command_starts_a_server_on_the_database_its_environment_names(
    db_url: str, tmp_path: Path
) -> None:
    documented = set(re.findall(r"^#\s+(JOURNAL_SERVER_[A-Z_]+)=", UNIT.read_text(), re.MULTILINE))
    assert documented == {database.DATABASE_VARIABLE, database.REPLICA_VARIABLE}

    port = free_port()
    command = shlex.split(unit_setting("ExecStart").replace("%i", str(port)))
    assert Path(command[0]).name == "journal-server"
    command[0] = str(Path(sys.executable).parent / "journal-server")
    log = tmp_path / "unit.log"  # standard error, which journald keeps: JSON lines only
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=handle,
            env={**server_env(), database.DATABASE_VARIABLE: db_url},
            cwd="/",
        )
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None, log.read_text(errors="replace")
        assert answer.status_code == 200 and answer.json()["database"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert [line["event"] for line in lines if line["event"] in ("started", "stopped")] == ["started", "stopped"]
    started = next(line for line in lines if line["event"] == "started")
    assert started["database"].endswith("/" + db_url.rsplit("/", 1)[-1])


def test_nginx_passes_the_largest_request_to_the_units_processes_and_hides_the_metrics() -> None:
    config = NGINX.read_text()
    size = re.search(r"client_max_body_size\s+(\d+)m;", config)
    assert size and int(size.group(1)) * 2**20 >= wire.MAX_BODY_BYTES
    upstream = {int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+)", config)}
    enabled = re.search(r"systemctl enable --now (.+?)\s+#", UNIT.read_text())
    assert enabled, "the unit's comment shows how to start its processes"
    assert upstream == {int(port) for port in re.findall(r"journal-server@(\d+)", enabled.group(1))}
    assert re.search(r"location = /metrics \{\s*return 404;", config)
    assert unit_setting("ExecStart").split().count("127.0.0.1") == 1  # plain HTTP stays on loopback
