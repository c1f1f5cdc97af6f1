"""A real HTTP server on 127.0.0.1 serving the feed files the tests write, with conditional requests, and the
feeds themselves (RSS 2.0, Atom, JSON Feed) written from a few lines of Python."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import html
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/feed+json"}


@dataclass
class Answer:
    """Instead of the file: this status, with these headers (e.g. a Location or a Retry-After)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FeedServer:
    folder: Path  # the files served, by their path
    base: str
    answers: dict[str, Answer] = field(default_factory=dict)  # path -> a status instead of the file
    types: dict[str, str] = field(default_factory=dict)  # path -> a Content-Type instead of the guessed one
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, headers), in order

    def url(self, path: str) -> str:
        return self.base + path

    def write(self, path: str, body: str | bytes) -> str:
        """Serve `body` at `path` (a file under the folder); returns its address."""
        target = self.folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for asked, _headers in self.requests if asked == path)

    def headers_of_last(self, path: str) -> dict[str, str]:
        return next(headers for asked, headers in reversed(self.requests) if asked == path)


class _Handler(BaseHTTPRequestHandler):
    state: FeedServer

    def log_message(self, format: str, *args: object) -> None:
        del format, args

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.state.requests.append((path, {name.lower(): value for name, value in self.headers.items()}))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(path)

    def _answer(self, path: str) -> None:
        answer = self.state.answers.get(path)
        if answer is not None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        target = self.state.folder / path.lstrip("/")
        if not target.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = target.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(int(target.stat().st_mtime), usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        kind = self.state.types.get(path) or TYPES.get(target.suffix, "text/html; charset=utf-8")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(folder: Path, port: int = 0) -> Iterator[FeedServer]:
    folder.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    state = FeedServer(folder, f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = type("Handler", (_Handler,), {"state": state})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        time.sleep(0.05)


def free_port() -> int:
    """A port nothing listens on now (a server started on it later is "the network coming back")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- feed documents


@dataclass
class Item:
    title: str
    link: str
    guid: str = ""
    summary: str = ""  # HTML
    published: str = ""  # RFC 822 for RSS, RFC 3339 for Atom and JSON Feed
    comments: int | None = None


def rss(items: list[Item], title: str = "A blog about service", encoding: str = "utf-8") -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>',
        f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link><description>posts</description>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{html.escape(item.title)}</title><link>{html.escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{html.escape(item.guid)}</guid>')
        if item.summary:
            parts.append(f"<description>{html.escape(item.summary)}</description>")
        if item.published:
            parts.append(f"<pubDate>{item.published}</pubDate>")
        if item.comments is not None:
            parts.append(f"<slash:comments>{item.comments}</slash:comments>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding)


def atom(items: list[Item], title: str = "An Atom feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">',
        f"<title>{html.escape(title)}</title><id>urn:test:feed</id><updated>2024-05-03T10:00:00Z</updated>",
    ]
    for item in items:
        parts.append(f"<entry><title>{html.escape(item.title)}</title>")
        parts.append(f'<link rel="alternate" href="{html.escape(item.link)}"/>')
        parts.append(f"<id>{html.escape(item.guid or item.link)}</id>")
        parts.append(f"<updated>{item.published or '2024-05-03T10:00:00Z'}</updated>")
        if item.summary:
            parts.append(f'<summary type="html">{html.escape(item.summary)}</summary>')
        if item.comments is not None:
            parts.append(f"<thr:total>{item.comments}</thr:total>")
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


def json_feed(items: list[Item], title: str = "A JSON feed") -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [
            {
                "id": item.guid or item.link,
                "url": item.link,
                "title": item.title,
                "content_html": item.summary,
                **({"date_published": item.published} if item.published else {}),
            }
            for item in items
        ],
    }
    return json.dumps(document).encode("utf-8")
