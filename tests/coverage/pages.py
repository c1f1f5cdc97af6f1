"""A real HTTP server on 127.0.0.1 serving the pages the coverage tests fetch (a thread, stopped after)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BLOG = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>How the hotel saved our wedding | Jane's Travel Blog</title>
<meta property="og:title" content="How the hotel saved our wedding">
<meta property="og:site_name" content="Jane's Travel Blog">
<meta property="og:description" content="The night the hotel broke its own rules for us.">
<meta property="og:type" content="article">
<meta property="og:url" content="{base}/posts/wedding">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-05-03T10:00:00Z">
<link rel="canonical" href="{base}/posts/wedding">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "BlogPosting", "headline": "How the hotel saved our wedding",
  "author": {{"@type": "Person", "name": "Jane Doe"}}, "datePublished": "2024-05-03",
  "commentCount": 42,
  "interactionStatistic": {{"@type": "InteractionCounter",
    "interactionType": "https://schema.org/CommentAction", "userInteractionCount": 42}}}}
</script>
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>How the hotel saved our wedding</h1>
<p>It was pouring with rain on the morning of our wedding and the garden was under water. The hotel's
policy said that no changes could be made within forty-eight hours of an event.</p>
<p>The manager, Sofia, moved the whole ceremony into the ballroom at no charge, and her staff carried every
chair and every flower inside in less than an hour. We will never forget what they did for us.</p>
<p>We have told everyone we know about this hotel, and we will be back for our first anniversary.</p>
</article>
<footer>42 comments · © Jane's Travel Blog</footer>
</body></html>
"""

PLAIN = """<html><body><div>
<p>Nothing here says what this page is. There is no title, no author and no date, only a few sentences
of text about a shop that replaced a broken kettle without asking for the receipt.</p>
</div></body></html>"""

LEGACY = """<html><head><title>Caf\u00e9 cr\u00e8me \u2014 \u201cthe best\u201d service</title>
<meta name="description" content="Na\u00efve fa\u00e7ade, \u00a3 and \u20ac signs."></head>
<body><article><p>The caf\u00e9 gave us our \u00a35 back and a cr\u00e8me br\u00fbl\u00e9e on the house \u2014
\u201cbecause it was raining\u201d, the waiter said. What a service from a small neighbourhood caf\u00e9
that could have just pointed at the sign on the wall.</p></article></body></html>"""

SHIFT_JIS = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>\u65e5\u672c\u8a9e\u306e\u30d6\u30ed\u30b0</title></head>
<body><article><p>\u30db\u30c6\u30eb\u306e\u30b9\u30bf\u30c3\u30d5\u304c\u96e8\u306e\u65e5\u306b\u7d50\u5a5a\u5f0f\u3092\u6551\u3063\u3066\u304f\u308c\u307e\u3057\u305f\u3002\u672c\u5f53\u306b\u3042\u308a\u304c\u3068\u3046\u3054\u3056\u3044\u307e\u3057\u305f\u3002</p></article></body></html>"""

HUGE_HEAD = """<!doctype html><html><head><meta charset="utf-8"><title>A very long page</title>
<meta property="og:title" content="The longest review ever written">
<meta property="og:site_name" content="Endless Reviews">
</head><body><article>"""
HUGE_SIZE = 20 * 1024 * 1024

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class PageServer:
    base: str
    release: threading.Event  # lets the handler that never answers go, when the server stops
    sent: dict[str, int] = field(default_factory=dict)  # path -> bytes of body written
    hits: dict[str, int] = field(default_factory=dict)  # path -> requests

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    server_state: PageServer

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        del format, args

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        state = self.server_state
        path = self.path.split("?", 1)[0]
        state.hits[path] = state.hits.get(path, 0) + 1
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, state)  # a client that stops reading (the size cap) is the point

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self.server_state.sent[self.path] = len(body)

    def _redirect(self, status: int, to: str) -> None:
        self.send_response(status)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _route(self, path: str, state: PageServer) -> None:
        if path == "/slow-blog":  # a page that takes a second: time to type while it is on its way
            state.release.wait(1.0)
            self._send(200, BLOG.format(base=state.base).encode())
        elif path in ("/blog", "/posts/wedding"):
            self._send(200, BLOG.format(base=state.base).encode())
        elif path == "/plain":
            self._send(200, PLAIN.encode())
        elif path == "/chain":  # 301 -> 302 -> 200
            self._redirect(301, "/chain-2")
        elif path in ("/chain-2", "/temporary"):
            self._redirect(302, "/blog")
        elif path == "/moved":
            self._redirect(308, "/posts/wedding")
        elif path == "/loop":
            self._redirect(302, "/loop")
        elif path == "/missing":
            self._send(404, b"<html><body>Not found</body></html>")
        elif path == "/gone":
            self._send(410, b"<html><body>Gone</body></html>")
        elif path == "/broken":
            self._send(500, b"<html><body>Oops</body></html>")
        elif path == "/never":
            state.release.wait(30)  # answers nothing until the server stops
        elif path == "/huge":
            self._huge(state)
        elif path == "/report.pdf":
            self._send(200, PDF, "application/pdf")
        elif path == "/legacy":
            self._send(200, LEGACY.encode("cp1252"), "text/html; charset=windows-1252")
        elif path == "/legacy-undeclared":
            self._send(200, LEGACY.encode("cp1252"), "text/html")
        elif path == "/sjis":
            self._send(200, SHIFT_JIS.encode("shift_jis"), "text/html")
        else:
            self._send(404, b"no such page")

    def _huge(self, state: PageServer) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE_SIZE))
        self.end_headers()
        head = HUGE_HEAD.encode()
        self.wfile.write(head)
        sent = len(head)
        paragraph = b"<p>" + b"The room was fine and the staff were kind to us all week. " * 16 + b"</p>\n"
        while sent < HUGE_SIZE:
            chunk = paragraph[: HUGE_SIZE - sent]
            self.wfile.write(chunk)
            sent += len(chunk)
            state.sent["/huge"] = sent


@contextmanager
def serve(port: int = 0) -> Iterator[PageServer]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    state = PageServer(f"http://127.0.0.1:{server.server_address[1]}", threading.Event())
    server.RequestHandlerClass = type("Handler", (_Handler,), {"server_state": state})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
        time.sleep(0.05)  # let handler threads that were released finish writing


def closed_port_url(path: str = "/post") -> str:
    """An address where nothing listens: how the tests are offline."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
