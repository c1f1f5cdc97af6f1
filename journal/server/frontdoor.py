"""What every request of the team server goes through before and after its route: the protocol check, the
"no-store" answer header, one log line and the metrics (journal/server/observe.py).

A plain ASGI middleware: Starlette's `@app.middleware("http")` runs each request's route in a task of its
own and copies the body and the answer through memory streams, which cost as much CPU as a push's own work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journal.server.observe import Metrics, log
from journal.sync import wire

_PROTOCOL_HEADER = wire.PROTOCOL_HEADER.lower().encode("latin-1")
_NO_STORE = (b"cache-control", b"no-store")
_QUIET = ("/health", "/metrics")  # asked every few seconds by load balancers and scrapers: no log line


def spoken_protocol(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == _PROTOCOL_HEADER:
            return value.decode("latin-1")
    return None


def protocol_problem(spoken: str | None) -> JSONResponse | None:
    """The answer to a request in another protocol than this server's, or None when it speaks this one."""
    spoken = spoken or ""
    number = int(spoken) if spoken.isdigit() and len(spoken) < 6 else 0
    if number < wire.PROTOCOL:
        message = (
            f"This Story Journal is too old for the team server (it speaks sync protocol {number}, the server "
            f"needs {wire.PROTOCOL}). Update Story Journal, then sync again; nothing was lost."
        )
    elif number > wire.PROTOCOL:
        message = (
            f"The team server is older than this Story Journal (it speaks sync protocol {wire.PROTOCOL}, this "
            f"laptop {number}). Ask your admin to update the server; nothing was lost."
        )
    else:
        return None
    return JSONResponse({"error": "protocol", "message": message}, status_code=426)


class FrontDoor:
    """Wraps the app: checks the protocol of every /v1 request (but /v1/hello), marks every answer
    "Cache-Control: no-store", and counts, times and logs every request (the protocol refusals too)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, direct: Mapping[tuple[str, str], ASGIApp] | None = None) -> None:
        self.app = app
        self.metrics = metrics
        # (method, path) -> a plain ASGI app that answers it without the framework's routing and dependency
        # solving (journal/server/app.py: the push, the busiest request); it sets scope["route"] itself.
        self.direct = direct if direct is not None else {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        metrics = self.metrics
        metrics.in_flight.inc()
        status = 500
        path: str = scope["path"]
        spoken = spoken_protocol(scope["headers"])

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), _NO_STORE]
            await send(message)

        try:
            refusal = protocol_problem(spoken) if path.startswith("/v1/") and path != "/v1/hello" else None
            if refusal is not None:
                await refusal(scope, receive, answer)
            else:
                await self.direct.get((scope["method"], path), self.app)(scope, receive, answer)
        finally:
            metrics.in_flight.dec()
            seconds = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", "unknown")
            metrics.requests.labels(route, str(status)).inc()
            metrics.latency.labels(route).observe(seconds)
            if route not in _QUIET:
                state: dict[str, Any] = scope.get("state") or {}
                log(
                    "request",
                    level=logging.WARNING if status >= 500 else logging.INFO,
                    method=scope["method"],
                    route=route,
                    status=status,
                    ms=round(seconds * 1000, 1),
                    device=state.get("device"),
                    protocol=spoken,
                )
