"""The parts a company runs around team servers, started for real on 127.0.0.1 by the tests: HAProxy (from
Debian) balancing two `journal-server run` processes, a PostgreSQL streaming replica made with
pg_basebackup, and a TCP proxy that cuts connections in the middle of an answer (a network that drops)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
from pathlib import Path

from journal.server.local import LocalPostgres, answers_health, free_port


def haproxy_program() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        raise AssertionError("HAProxy is not installed; on Debian: apt-get install haproxy (.ci/run does it)")
    return found


class LoadBalancer:
    """HAProxy in front of team servers: every request to the next server in turn (round robin), a server
    that fails its /health check taken out until it answers again."""

    def __init__(self, folder: Path, backends: list[int]) -> None:
        self.port = free_port()
        servers = "\n".join(
            f"    server s{n} 127.0.0.1:{port} check inter 300ms fall 2 rise 1" for n, port in enumerate(backends)
        )
        self.config = folder / f"haproxy-{self.port}.cfg"
        self.config.write_text(
            f"""global
    maxconn 4000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 2
    option redispatch
frontend journal
    bind 127.0.0.1:{self.port}
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
{servers}
"""
        )
        self.log = folder / f"haproxy-{self.port}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [haproxy_program(), "-f", str(self.config), "-db"], stdout=log, stderr=subprocess.STDOUT
            )
        if not answers_health(self.url, 30):
            raise AssertionError(f"HAProxy did not start: {self.log.read_text(errors='replace')}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 to `target`; while `cut_after` is set, an answer longer than that many bytes
    is cut there: both connections are closed in the middle of it, as a dropped network does."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.cut_after: int | None = None
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, answers: bool) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                limit = self.cut_after if answers else None
                if limit is not None and sent + len(data) > limit:
                    sink.sendall(data[: max(limit - sent, 0)])
                    self.cuts += 1
                    break
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def stop(self) -> None:
        self._stopped = True
        self._listener.close()


def make_replica(primary: LocalPostgres, folder: Path) -> LocalPostgres:
    """A streaming replica of `primary` (pg_basebackup -R: it follows the primary from then on), started."""
    replica = LocalPostgres(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if replica.as_root:
        shutil.chown(folder, "postgres", "postgres")
    replica._run(
        "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(replica.data),
        "-R",
        "-X",
        "stream",
    )
    replica.start()
    return replica
