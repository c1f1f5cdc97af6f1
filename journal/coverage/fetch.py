"""One bounded HTTP GET: timeouts, a redirect limit, a size cap, the content type and the text's encoding.

Every failure becomes a FetchError with a sentence a person can read and a `transient` flag: a network that
is down (refused, unreachable, no name resolution) or a page that timed out may work later; a 404 will not.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

from journal.coverage.destinations import (
    DestinationRefused,
    GuardedBackend,
    Policy,
    Resolver,
    deadline,
    deadline_passed,
)

PERMANENT_REDIRECTS = frozenset({301, 308})
GONE = frozenset({404, 410})


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0  # everything a request does (lookup, connect, headers, body) ends by then
    max_redirects: int = 8
    max_bytes: int = 5 * 1024 * 1024  # read this much of a page, then stop: metadata sits at the top
    user_agent: str = "StoryJournal/1 (+coverage capture; one request per link)"


@dataclass
class Response:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # "text/html", lower case, without parameters
    charset: str  # from the Content-Type header, "" when it names none
    body: bytes
    truncated: bool  # the size cap was reached
    redirects: list[int] = field(default_factory=list)  # the status of each redirect followed
    filename: str = ""  # from Content-Disposition, when the server names one
    headers: dict[str, str] = field(default_factory=dict)  # the answer's headers, names in lower case

    @property
    def moved_permanently(self) -> bool:
        return any(status in PERMANENT_REDIRECTS for status in self.redirects)

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml") or (
            not self.content_type and self.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
        )


class FetchError(Exception):
    """`str(error)` is a sentence for people; `transient` says whether trying again later may help."""

    def __init__(
        self, message: str, *, transient: bool, offline: bool = False, status: int | None = None, private: bool = False
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.offline = offline  # the network (or the site's host) could not be reached at all
        self.status = status
        self.private = private  # refused: the address is on a private network (journal.coverage.destinations)


def make_client(
    settings: FetchSettings,
    *,
    private_ok: bool = False,
    resolve: Resolver | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.Client:
    """A client for many requests (keeps connections); close it when done. Every connection it makes goes
    through journal.coverage.destinations: to public addresses only, unless `private_ok` (a person added the
    link and confirmed its address on their own network). `resolve` and `verify` are for tests."""
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    return httpx.Client(
        transport=_GuardedTransport(GuardedBackend(Policy.from_environment(private_ok=private_ok), resolve), verify),
        timeout=timeout,
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        trust_env=False,  # a proxy from the environment must not see what people link to
    )


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose network backend is the guarded one. (httpx has no
    parameter for the backend; tests/coverage/test_destinations.py fails if this stops being used.)"""

    def __init__(self, backend: GuardedBackend, verify: ssl.SSLContext | bool) -> None:
        super().__init__(verify=verify, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=10,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


def get(
    url: str,
    settings: FetchSettings,
    client: httpx.Client,
    *,
    read_body: bool = True,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """GET `url`, following redirects; read at most settings.max_bytes of the body (none if not read_body);
    everything within settings.total_timeout. `headers` are sent with this request only (conditional
    requests: If-None-Match, If-Modified-Since).

    Raises FetchError for anything that is not an answer from the site (an HTTP error status is an answer:
    the Response carries it)."""
    with deadline(settings.total_timeout):
        return _get(url, settings, client, read_body, headers)


def _get(
    url: str, settings: FetchSettings, client: httpx.Client, read_body: bool, headers: Mapping[str, str] | None
) -> Response:
    try:
        with client.stream("GET", url, headers=headers) as response:
            received = bytearray()
            truncated = False
            if read_body:
                for chunk in response.iter_bytes():
                    received += chunk
                    if len(received) >= settings.max_bytes:
                        truncated = True
                        break
            del received[settings.max_bytes :]
            body = bytes(received)
            del received
            content_type, charset = _content_type(response.headers.get("content-type", ""))
            return Response(
                url=url,
                final_url=str(response.url),
                status=response.status_code,
                content_type=content_type,
                charset=charset,
                body=body,
                truncated=truncated,
                redirects=[hop.status_code for hop in response.history],
                filename=_filename(response.headers.get("content-disposition", "")),
                headers={name.lower(): value for name, value in response.headers.items()},
            )
    except httpx.TooManyRedirects:
        raise FetchError(
            f"The address redirects more than {settings.max_redirects} times (a redirect loop); open it in a "
            "browser to find where the page lives now.",
            transient=False,
        ) from None
    except DestinationRefused as refused:
        raise FetchError(
            str(refused), transient=not refused.private, offline=not refused.private, private=refused.private
        ) from None
    except httpx.TimeoutException as error:
        if deadline_passed():
            raise FetchError(
                f"The site did not send the page within {settings.total_timeout:g} seconds; "
                "it will be tried again later.",
                transient=True,
            ) from None
        connecting = isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout)
        what = "could not be reached" if connecting else "did not answer"
        seconds = settings.connect_timeout if connecting else settings.read_timeout
        raise FetchError(
            f"The site {what} within {seconds:g} seconds; it will be tried again later.",
            transient=True,
            offline=connecting,
        ) from None
    except httpx.ConnectError:
        raise FetchError(
            "The site could not be reached (no network, or the site is down); it will be tried again later.",
            transient=True,
            offline=True,
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.DecodingError) as error:
        raise FetchError(
            f"The site broke off the answer ({_reason(error)}); it will be tried again later.", transient=True
        ) from None
    except httpx.InvalidURL:
        raise FetchError("The address is not a valid web address; correct the link.", transient=False) from None
    except httpx.UnsupportedProtocol:
        raise FetchError("Only http:// and https:// links can be fetched.", transient=False) from None
    except httpx.HTTPError as error:
        raise FetchError(f"The page could not be fetched ({_reason(error)}).", transient=True) from None


def describe_status(status: int) -> str:
    """A sentence for an HTTP error status."""
    if status == 404:
        return "The page is not there any more (404 Not Found)."
    if status == 410:
        return "The site says the page was removed for good (410 Gone)."
    if status in (401, 403):
        return f"The site does not let the page be read without signing in ({status})."
    if status == 429:
        return "The site asked for fewer requests (429); it will be tried again later."
    if status >= 500:
        return f"The site had an error ({status}); it will be tried again later."
    return f"The site answered with status {status}."


def title_from_url(url: str) -> str:
    """A readable name for a document that carries no title: the last part of its path."""
    path = urlsplit(url).path.rstrip("/")
    name = unquote(path.rsplit("/", 1)[-1]) if path else ""
    return name or (urlsplit(url).hostname or url)


def _content_type(header: str) -> tuple[str, str]:
    message = Message()
    message["content-type"] = header or "application/octet-stream"
    content_type = message.get_content_type().lower() if header else ""
    charset = message.get_param("charset")
    return content_type, (charset if isinstance(charset, str) else "").strip().lower()


def _filename(header: str) -> str:
    if not header:
        return ""
    message = Message()
    message["content-disposition"] = header
    return message.get_filename() or ""


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
