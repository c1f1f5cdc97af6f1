"""One bounded HTTP GET: timeouts, a redirect limit, a size cap, the content type and the text's encoding.

Every failure becomes a FetchError with a sentence a person can read and a `transient` flag: a network that
is down (refused, unreachable, no name resolution) or a page that timed out may work later; a 404 will not.

The HTTP client itself (httpx, and the guarded connections of journal.coverage.destinations) lives in
journal.coverage.http, imported on the first request: the window starts without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from journal.coverage.fetch_types import GONE, PERMANENT_REDIRECTS, FetchError, FetchSettings, Response

if TYPE_CHECKING:
    import ssl

    import httpx

    from journal.coverage.destinations import Resolver


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
    from journal.coverage import http

    return http.make_client(settings, private_ok=private_ok, resolve=resolve, verify=verify)


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
    from journal.coverage import http

    return http.get(url, settings, client, read_body=read_body, headers=headers)


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


__all__ = [
    "GONE",
    "PERMANENT_REDIRECTS",
    "FetchError",
    "FetchSettings",
    "Response",
    "describe_status",
    "get",
    "make_client",
    "title_from_url",
]
