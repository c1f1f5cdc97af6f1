"""A PostgreSQL of one's own in a folder, for trying the team journal on one machine (`make team-server`)
and for the tests: `initdb` a cluster there, start it on 127.0.0.1 only, stop it.

initdb and pg_ctl refuse to run as root: as root they run as the `postgres` user (`runuser`), so the folder
is handed to that user and must be reachable by it. Connections are trusted on 127.0.0.1 and the folder's
socket only; a shared server wants a managed PostgreSQL with passwords instead (see the README).

    python -m journal.server.local [--folder .team-server] [--port 8765] [--db-port 54329]
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


class LocalPostgresError(Exception):
    pass


def postgres_bin() -> Path:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not versions:
        raise LocalPostgresError(
            "PostgreSQL's server programs (initdb, pg_ctl) are not installed; on Debian or Ubuntu: "
            "apt-get install postgresql"
        )
    return Path(versions[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalPostgres:
    """A cluster in `folder`/data, serving 127.0.0.1:`port` (and a socket in the folder)."""

    def __init__(self, folder: Path, port: int | None = None, *, durable: bool = True) -> None:
        self.folder = folder.absolute()
        self.data = self.folder / "data"
        self.port = port or free_port()
        self.durable = durable  # False for tests: no fsync
        self.bin = postgres_bin()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if check and result.returncode != 0:
            raise LocalPostgresError(f"{args[0]} failed: {(result.stderr or result.stdout).strip()}")
        return result

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
            os.chmod(self.folder, 0o755)
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "postgres.log"), "-o", options, "-w", "start")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash as far as PostgreSQL is concerned (it recovers from its WAL on start)."""
        if self.data.exists() and self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise LocalPostgresError(f"PostgreSQL did not answer on 127.0.0.1:{self.port}.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m journal.server.local",
        description="Start a PostgreSQL in a folder, prepare the team journal in it, and serve it on 127.0.0.1.",
    )
    parser.add_argument("--folder", type=Path, default=Path(".team-server"))
    parser.add_argument("--port", type=int, default=8765, help="the team server's port (default 8765)")
    parser.add_argument("--db-port", type=int, default=54329, help="PostgreSQL's port (default 54329)")
    args = parser.parse_args(argv)
    from journal.server.__main__ import main as server_main

    cluster = LocalPostgres(args.folder, args.db_port)
    try:
        cluster.start()
    except LocalPostgresError as error:
        print(f"team-server: {error}", file=sys.stderr)
        return 1
    url = cluster.url("journal")
    print(f"PostgreSQL runs in {cluster.folder} on 127.0.0.1:{cluster.port}.")
    print(f"In another terminal, add people with:\n  export JOURNAL_SERVER_DATABASE={url}")
    print("  journal-server user add you@example.com --team Support --role admin")
    try:
        status = server_main(["init", "--database", url])
        if status == 0:
            status = server_main(["run", "--database", url, "--port", str(args.port)])
        return status
    finally:
        cluster.stop()
        print("PostgreSQL stopped.")


if __name__ == "__main__":
    sys.exit(main())
