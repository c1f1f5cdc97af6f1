"""Where a request for a coverage link may go, and how long it may take: one place every connection passes.

A link is a web address someone typed, pasted, or received in a bundle. Requested blindly, a link to
169.254.169.254 (a cloud server's metadata service), 10.x, 192.168.x or localhost makes this laptop ask its
own network for a page and keep the answer as a snapshot, which then travels on in bundles. So:

- The name is resolved here, every address it has is checked, and the connection is made to the address
  that was checked (never resolved again), so a name that answers "public" to the check and "private" to
  the connection (DNS rebinding) gains nothing. TLS still verifies the certificate against the name (SNI),
  and the Host header still names the site: only the address is pinned.
- Private, loopback, link-local, multicast, reserved and unspecified addresses are refused, IPv4 and IPv6,
  IPv4 written inside IPv6 (::ffff:10.0.0.1, 64:ff9b::/96 NAT64, 6to4) included, unless the link's Policy
  allows them (a person added the link by hand and confirmed).
- Every connection of a redirect chain passes the same check: a public page that redirects to
  http://169.254.169.254/ is refused at that hop.
- One deadline covers everything a request does (name lookup, connect, TLS, headers, body): each read and
  write may take only what is left of it, so a server sending its headers one byte every few seconds is
  given up on in time. The deadline is set by `deadline()` around a request (journal.coverage.fetch.get).

The test and development setting STORY_JOURNAL_LOOPBACK_ONLY=1 (set by tests/conftest.py): names are not
looked up (nothing leaves the computer); 127.0.0.1 and ::1 stand in for the public internet, so the test
servers there are reached; every other address is checked by the rules above, and a public one is not
contacted (the link waits, as if offline). Without the setting, 127.0.0.1 is refused like any private address.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpcore

LOOPBACK_ONLY_ENV = "STORY_JOURNAL_LOOPBACK_ONLY"
STAND_INS = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

_DEADLINE: ContextVar[float | None] = ContextVar("journal_request_deadline", default=None)


class DestinationRefused(Exception):
    """The request was not made; str(error) says why. `private`: the address is on a private network (a
    person may allow it); otherwise the test setting kept the request on this computer (the link waits)."""

    def __init__(self, message: str, *, private: bool, address: str = "") -> None:
        super().__init__(message)
        self.private = private
        self.address = address


class DeadlinePassed(httpcore.ReadTimeout):
    """The request's one deadline passed (a read, write, connect or lookup was cut short)."""


def not_public(address: Address) -> str | None:
    """Why `address` is not on the public internet, in words; None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return not_public(embedded)
        if address.teredo is not None:
            return "a Teredo tunnel address"
    if address.is_loopback:
        return "this computer's own address (loopback)"
    if address.is_link_local:
        return "a link-local address (such as a cloud server's metadata service)"
    if address.is_unspecified:
        return "the unspecified address (this computer)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "an address on a private network"
    if not address.is_global:
        return "a reserved address"
    return None


@dataclass(frozen=True)
class Policy:
    """What one client may reach. `private_ok`: a person added the link by hand and confirmed that it lives
    on their own network. `test_mode`: STORY_JOURNAL_LOOPBACK_ONLY (see the module's docstring)."""

    private_ok: bool = False
    test_mode: bool = False

    @classmethod
    def from_environment(cls, *, private_ok: bool = False) -> Policy:
        return cls(private_ok=private_ok, test_mode=bool(os.environ.get(LOOPBACK_ONLY_ENV)))

    def check(self, host: str, address: Address) -> None:
        """Raise DestinationRefused unless a connection to `address` (found for `host`) may be made."""
        if self.test_mode and address in STAND_INS:
            return
        reason = not_public(address)
        if reason is not None and not self.private_ok:
            named = "" if _literal(host) == address else f"{host} is at {address}, "
            raise DestinationRefused(
                f"Not fetched: {named or f'{address} is '}{reason}, not a public web site.",
                private=True,
                address=str(address),
            )
        if self.test_mode and reason is None:
            raise _waits_in_tests()


def _waits_in_tests() -> DestinationRefused:
    return DestinationRefused(
        "Only this computer's own addresses may be fetched here (tests); the link waits.", private=False
    )


# ------------------------------------------------------------------------------------------- the deadline


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Everything the requests made inside this block do must be over `seconds` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _left(timeout: float | None, what: str) -> float | None:
    """The time an operation may take: its own timeout, cut to what is left of the request's deadline."""
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed(f"the request's deadline passed before the {what}")
    return left if timeout is None else min(timeout, left)


def deadline_passed() -> bool:
    end = _DEADLINE.get()
    return end is not None and time.monotonic() >= end


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write stops at the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, "answer"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, "request was sent"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout, "TLS handshake")))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


# ------------------------------------------------------------------------------------------- connections


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives for `host`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend with the checks above: resolve, check every address, connect to one of them."""

    def __init__(self, policy: Policy, resolve: Resolver | None = None) -> None:
        self.policy = policy
        self._resolve = resolve
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = self._addresses(host, port, timeout)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    str(address), port, _left(timeout, "connection"), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise DestinationRefused("Links are fetched over the network only.", private=True)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _addresses(self, host: str, port: int, timeout: float | None) -> list[Address]:
        """Every address of `host`, each checked (one refused address refuses them all: a name that mixes
        public and private answers is not trusted with either)."""
        literal = _literal(host)
        if literal is not None:
            found = [literal]
        elif self._resolve is None and self.policy.test_mode and host.lower() != "localhost":
            raise _waits_in_tests()  # in tests, names are not looked up: nothing leaves the computer
        else:
            found = [ipaddress.ip_address(text.split("%", 1)[0]) for text in self._lookup(host, port, timeout)]
        if not found:
            raise httpcore.ConnectError(f"{host} has no address")
        for address in found:
            self.policy.check(host, address)
        return found

    def _lookup(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The name's addresses, within the connect timeout and the deadline (a lookup can hang for long)."""
        resolve = self._resolve or system_resolver
        seconds = _left(timeout, "name lookup")
        outcome: list[Any] = []
        done = threading.Event()

        def look_up() -> None:
            try:
                outcome.append(resolve(host, port))
            except Exception as error:  # handed to the waiting thread
                outcome.append(error)
            done.set()

        threading.Thread(target=look_up, name="journal-lookup", daemon=True).start()
        if not done.wait(seconds):
            raise httpcore.ConnectTimeout(f"looking up {host} took too long")
        if isinstance(outcome[0], Exception):
            raise httpcore.ConnectError(f"{host} could not be looked up ({outcome[0]})")
        return list(outcome[0])


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
