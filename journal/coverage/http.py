"""The HTTP client behind journal.coverage.fetch: httpx over connections that go through
journal.coverage.destinations (public addresses only, unless a person confirmed a private one), and httpx's
errors turned into FetchErrors a person can read. Imported on the first request, not at start.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from email.message import Message

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
from journal.coverage.fetch_types import FetchError, FetchSettings, Response


def make_client(
    settings: FetchSettings,
    *,
    private_ok: bool = False,
    resolve: Resolver | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.Client:
    """journal.coverage.fetch.make_client()."""
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
    """journal.coverage.fetch.get()."""
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
