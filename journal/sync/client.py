"""Talking to the team server over HTTP (httpx), with every refusal turned into an error that says, in plain
words, what happened and what to do. Plain http:// is accepted only for a server on this computer."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from journal import __version__
from journal.sync import wire

if TYPE_CHECKING:  # httpx is imported with the first client: a window that is not syncing starts without it
    import httpx

TIMEOUT_S, CONNECT_TIMEOUT_S = 30.0, 10.0
RETRY_PAUSES = (0.5, 1.0, 2.0)
SNAPSHOT_BATCH_CHARS = 8 * 1024 * 1024  # a push whose answer was lost is sent again, with the same push id


class SyncError(Exception):
    """Something that stopped a sync; nothing on the laptop was lost. The message says what to do."""


class Offline(SyncError):
    """The server cannot be reached (or cannot reach its database) just now."""


class Unavailable(Offline):
    """The server answered that it cannot reach its database (503): nothing was done, and sending the same
    request again at once would only wait as long again."""


class Revoked(SyncError):
    """This laptop was signed out of the team by an admin."""


class SignedOut(SyncError):
    """The server does not know this laptop's token."""


class TooOld(SyncError):
    """The laptop and the server speak different versions of the protocol."""


class Refused(SyncError):
    """The server refused what was sent (it says why)."""


class ResyncNeeded(SyncError):
    """The laptop was away longer than the server keeps deletions."""


class MissingSnapshots(SyncError):
    def __init__(self, digests: list[str]) -> None:
        super().__init__("The server needs coverage snapshots first.")
        self.digests = digests


def check_server_url(url: str) -> str:
    """The server's address as it will be kept; http:// only for a server on this computer."""
    address = url.strip().rstrip("/")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"{url!r} is not a team server's address; write it as https://journal.example.com.")
    if parts.scheme == "http" and not wire.is_loopback(parts.hostname):
        raise SyncError(
            f"{address} is plain http:// on another computer: passwords and stories would cross the network "
            "unencrypted. Use the server's https:// address (see the README on TLS)."
        )
    if parts.query or parts.fragment:
        raise SyncError(f"{url!r} has a query or fragment; give only the server's address.")
    return address


class TeamClient:
    def __init__(self, server: str, token: str | None = None, *, transport: httpx.BaseTransport | None = None) -> None:
        self.server = check_server_url(server)
        headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL), "User-Agent": f"StoryJournal/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        import httpx

        timeout = httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        self._http = httpx.Client(base_url=self.server, headers=headers, timeout=timeout, transport=transport)
        # The highest change number the server has told this client of (its pushes' answers): a server that
        # reads pages from a replica reads them there only once the replica has replayed that far.
        self.seen = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TeamClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ plumbing

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise Offline(f"The team server {self.server} cannot be reached ({_reason(error)}).") from None
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise Refused(f"The team server {self.server} answered something that is not JSON.") from None

    # ------------------------------------------------------------ the API

    def hello(self) -> dict[str, Any]:
        found = self._json("GET", "/v1/hello")
        if not isinstance(found, dict) or found.get("server") != "story-journal":
            raise SyncError(f"{self.server} is not a Story Journal team server.")
        return found

    def sign_in(self, email: str, password: str, device: str) -> dict[str, Any]:
        found = self._json("POST", "/v1/sign-in", json={"email": email, "password": password, "device": device})
        return dict(found)

    def sign_out(self) -> None:
        self._request("POST", "/v1/sign-out")

    def status(self) -> dict[str, Any]:
        return dict(self._json("GET", "/v1/status"))

    def missing(self, digests: list[str]) -> list[str]:
        return [str(d) for d in self._json("POST", "/v1/snapshots/missing", json={"digests": digests})["missing"]]

    def put_snapshot(self, digest: str, text: str) -> None:
        self._request("PUT", f"/v1/snapshots/{quote(digest)}", content=text.encode("utf-8"))

    def put_snapshots(self, texts: dict[str, str]) -> None:
        """Send coverage texts, in requests of up to a few megabytes."""
        batch: dict[str, str] = {}
        size = 0
        for digest, text in texts.items():
            if batch and size + len(text) > SNAPSHOT_BATCH_CHARS:
                self._request("POST", "/v1/snapshots", json={"snapshots": batch})
                batch, size = {}, 0
            batch[digest] = text
            size += len(text)
        if batch:
            self._request("POST", "/v1/snapshots", json={"snapshots": batch})

    def get_snapshots(self, digests: list[str]) -> dict[str, str]:
        """Coverage texts by hash, each checked against its hash."""
        found: dict[str, str] = {}
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            answer = self._json("POST", "/v1/snapshots/fetch", json={"digests": chunk})
            texts = answer.get("snapshots") if isinstance(answer, dict) else None
            if not isinstance(texts, dict):
                raise Refused("The team server's answer is not what the protocol says; nothing was changed.")
            for digest in chunk:
                text = texts.get(digest)
                if not isinstance(text, str) or len(text) > wire.MAX_SNAPSHOT_BYTES or wire.text_hash(text) != digest:
                    raise Refused(
                        "The team server sent a coverage snapshot that does not match its hash; nothing was changed."
                    )
                found[digest] = text
        return found

    def get_snapshot(self, digest: str) -> str:
        response = self._request("GET", f"/v1/snapshots/{quote(digest)}")
        if len(response.content) > wire.MAX_SNAPSHOT_BYTES or wire.text_hash(response.text) != digest:
            raise Refused("The team server sent a coverage snapshot that does not match its hash; nothing was changed.")
        return response.text

    def push(self, document: dict[str, Any]) -> dict[str, Any]:
        """Send a push; when the answer is lost on the way, send the same push (same id) again: the server
        answers a push it has already applied with the answer it gave, and changes nothing."""
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        for pause in (*RETRY_PAUSES, None):
            try:
                answer = dict(
                    self._json("POST", "/v1/push", content=body, headers={"Content-Type": "application/json"})
                )
                if isinstance(answer.get("seq"), int):
                    self.seen = max(self.seen, answer["seq"])
                return answer
            except Unavailable:
                raise
            except Offline:
                if pause is None:
                    raise
                time.sleep(pause)
        raise AssertionError("unreachable")

    def changes(self, after: int, limit: int = wire.PAGE_SIZE) -> bytes:
        response = self._request("GET", "/v1/changes", params={"after": after, "limit": limit, "seen": self.seen})
        if len(response.content) > wire.MAX_BODY_BYTES:
            raise Refused("The team server sent a page larger than the protocol allows; nothing was changed.")
        return response.content


def _reason(error: httpx.TransportError) -> str:
    text = str(error) or type(error).__name__
    return " ".join(text.split())[:200]


def _refusal(response: httpx.Response) -> SyncError:
    try:
        found = response.json()
        error, message = str(found.get("error", "")), str(found.get("message", ""))
    except (ValueError, AttributeError):
        error, message = "", ""
    status = response.status_code
    message = message or f"The team server answered HTTP {status}."
    if status == 401 and error == "revoked":
        return Revoked(message)
    if status == 401 and error == "sign_in":
        return Refused(message)
    if status == 401:
        return SignedOut(message)
    if status == 426:
        return TooOld(message)
    if status == 410:
        return ResyncNeeded(message)
    if status == 409 and error == "missing_snapshots":
        return MissingSnapshots([str(d) for d in found.get("missing", [])])
    if status == 503:
        return Unavailable(message)
    if status in (502, 504):
        return Offline(message)
    return Refused(message)
