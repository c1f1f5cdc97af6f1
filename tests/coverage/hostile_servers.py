"""Real servers on this computer that behave badly, for the tests of journal.coverage.destinations:

- `trickle()`: answers with a status line, then sends its headers one byte every `pause` seconds, forever;
- `echo(host=...)`: answers every request with a page naming the Host header it received, and counts them;
  `/to?url=...` redirects there (to test that every hop is checked); it can listen on 127.0.0.2 too;
- `tls_echo()`: the same over TLS with a certificate for journal.test (tests/coverage/tls/, signed by a test
  CA), recording the name the client asked for in its TLS hello (SNI).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TLS = Path(__file__).resolve().parent / "tls"
CA = TLS / "ca.pem"


@dataclass
class Server:
    host: str
    port: int
    hosts: list[str] = field(default_factory=list)  # Host headers received, in order
    names: list[str | None] = field(default_factory=list)  # SNI names received (TLS)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def requests(self) -> int:
        return len(self.hosts)

    def url(self, path: str = "/", *, host: str | None = None, scheme: str = "http") -> str:
        return f"{scheme}://{host or self.host}:{self.port}{path}"


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            del format, args

        def do_GET(self) -> None:
            state.hosts.append(self.headers.get("Host", ""))
            parts = urlsplit(self.path)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if parts.path == "/to":
                    self.send_response(302)
                    self.send_header("Location", parse_qs(parts.query)["url"][0])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = f"<html><head><title>Seen as {self.headers.get('Host', '')}</title></head><body><p>"
                body += "The page that answered. " * 20 + "</p></body></html>"
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

    return Handler


@contextmanager
def echo(host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    server = ThreadingHTTPServer((host, 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    state = Server(host, server.server_address[1])
    server.RequestHandlerClass = _handler(state)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def tls_echo() -> Iterator[Server]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "journal.test.pem", TLS / "journal.test.key")
    names: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: names.append(name)  # type: ignore[assignment,misc]
    with echo(tls=context) as state:
        state.names = names
        yield state


def client_trusting_test_ca() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(CA))


@contextmanager
def trickle(pause: float = 0.5) -> Iterator[Server]:
    """Accepts connections and sends `HTTP/1.1 200 OK` then one header byte every `pause` seconds, forever
    (until the test ends): a client without one deadline for the whole request waits for ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    state = Server("127.0.0.1", listener.getsockname()[1])

    def feed(connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            state.hosts.append("")
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            header = b"X-Slow: " + b"a" * 1_000_000
            for byte in header:
                if state.stop.wait(pause):
                    return
                connection.sendall(bytes([byte]))

    def serve() -> None:
        while not state.stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=feed, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        thread.join(5)
        listener.close()
        time.sleep(0.05)
