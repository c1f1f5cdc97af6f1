"""The team server's HTTP API (FastAPI). Every answer that is not a success is JSON
{"error": code, "message": a sentence that says what to do}.

    GET  /v1/hello                      who this is (no sign-in needed)
    POST /v1/sign-in                    {email, password, device} -> {token, device_id, email, role, team}
    POST /v1/sign-out                   revokes the device that asks
    GET  /v1/status                     who the token belongs to, and the team's sequence number
    POST /v1/snapshots/missing          {digests} -> {missing}: the coverage texts the server lacks
    POST /v1/snapshots                  {snapshots: {sha256: text}}: many at once, each checked against its hash
    POST /v1/snapshots/fetch            {digests} -> {snapshots: {sha256: text}}
    PUT  /v1/snapshots/{sha256}         one coverage text (UTF-8), checked against its hash
    GET  /v1/snapshots/{sha256}
    POST /v1/push                       journal/server/push.py
    GET  /v1/changes?after=N&limit=M[&seen=S]   journal/server/pull.py (from the replica when it has caught up)
    GET  /health                        is this process up, and can it reach PostgreSQL (and its replica)?
    GET  /metrics                       Prometheus metrics of this process (journal/server/observe.py)

Pages may be read from a PostgreSQL streaming replica (`--replica URL`). A replica shows the primary as it
was a moment ago: pushes to a team are numbered under the team's lock, so what a replica has replayed is
always every change up to some number and none after. A page is read there only when the replica's
sequence has reached both the laptop's cursor and the highest number the laptop has been told of (`seen`,
from its pushes); otherwise, or when the replica cannot answer, from the primary. So a laptop's cursor
never goes back, it never skips a change, and it always reads its own pushes.

Every /v1 request names the protocol it speaks in the Story-Journal-Protocol header; a laptop too old (or
too new) for this server is told so in plain words and nothing is done.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from psycopg_pool import ConnectionPool, PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from journal import __version__
from journal.bundles.format import BundleError
from journal.server import accounts, database, pull, push
from journal.server.accounts import Caller
from journal.server.encoding import Json
from journal.server.frontdoor import FrontDoor
from journal.server.observe import Metrics, log
from journal.sync import wire

SIGN_IN_BYTES = 64 * 1024


class HTTPProblem(Exception):
    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.extra = status, error, message, extra


def problem(status: int, error: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return Json({"error": error, "message": message, **extra}, status_code=status, headers=headers)


def create_app(url: str, *, pool_size: int = 8, replica: str | None = None) -> FastAPI:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await run_in_threadpool(database.open_pool, url, size=pool_size)
        # As many worker threads as pooled connections: a request waiting for a connection waits as a task on
        # the event loop, not as one of anyio's default 40 threads all contending for the GIL.
        anyio.to_thread.current_default_thread_limiter().total_tokens = pool_size
        # The replica may be down when the server starts: pages come from the primary until it answers.
        app.state.replica = None if replica is None else database.open_pool(replica, size=pool_size, wait=False)
        log("started", database=database.shown(url), replica=None if replica is None else database.shown(replica))
        try:
            yield
        finally:
            if app.state.replica is not None:
                await run_in_threadpool(app.state.replica.close)
            await run_in_threadpool(app.state.pool.close)
            log("stopped")

    app = FastAPI(
        title="Story Journal team server", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.metrics = metrics

    direct: dict[tuple[str, str], ASGIApp] = {}  # filled below: the push
    app.add_middleware(FrontDoor, metrics=metrics, direct=direct)

    @app.exception_handler(HTTPProblem)
    async def on_problem(_request: Request, exc: HTTPProblem) -> Response:
        return problem(exc.status, exc.error, exc.message, **exc.extra)

    def work(
        request: Request,
        job: Callable[[psycopg.Connection[Any], Caller | None], Any],
        *,
        signed_in: bool = True,
        seen: bool = True,
    ) -> Any:
        """Run `job` on a pooled connection (in a worker thread), with the caller when the request needs one;
        `seen=False` when the job writes the device's last sighting itself (a push, in its transaction)."""
        pool: ConnectionPool = request.app.state.pool
        try:
            with pool.connection() as connection:
                caller = None
                if signed_in:
                    header = request.headers.get("Authorization", "")
                    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None
                    caller = accounts.authenticate(connection, token, seen=seen)
                    request.state.device = caller.device_id
                return job(connection, caller)
        except accounts.Revoked as error:
            raise HTTPProblem(401, "revoked", str(error)) from None
        except accounts.Unauthorized as error:
            raise HTTPProblem(401, "unauthorized", str(error)) from None
        except (psycopg.OperationalError, PoolTimeout) as error:
            metrics.unavailable.inc()
            log("database unavailable", level=logging.WARNING, reason=" ".join(str(error).split())[:300])
            raise HTTPProblem(
                503, "unavailable", "The team server cannot reach its database just now; try again in a moment."
            ) from None

    async def body(request: Request, limit: int) -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPProblem(
                    413, "too_large", f"The request is larger than {limit // 2**20} MB; send it in smaller parts."
                )
            chunks.append(chunk)
        return b"".join(chunks)

    @app.get("/health")
    async def health(request: Request) -> Response:
        """200 when this process can reach PostgreSQL (for a load balancer's check), else 503; the replica's
        state and how many changes it is behind are told, never a reason to fail."""

        def check() -> Response:
            answer: dict[str, Any] = {"status": "ok", "version": __version__, "protocol": wire.PROTOCOL}
            try:
                with request.app.state.pool.connection(timeout=5) as connection:
                    primary = _total_seq(connection)
            except (psycopg.Error, PoolTimeout):
                return JSONResponse({**answer, "status": "unavailable", "database": "unreachable"}, status_code=503)
            answer["database"] = "ok"
            if request.app.state.replica is not None:
                try:
                    with request.app.state.replica.connection(timeout=2) as connection:
                        answer["replica_behind"] = max(primary - _total_seq(connection), 0)
                    answer["replica"] = "ok"
                except (psycopg.Error, PoolTimeout):
                    answer["replica"] = "unreachable"
            return JSONResponse(answer)

        result: Response = await run_in_threadpool(check)
        return result

    @app.get("/metrics")
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/hello")
    async def hello() -> dict[str, Any]:
        return {"server": "story-journal", "protocol": wire.PROTOCOL, "version": __version__}

    @app.post("/v1/sign-in")
    async def sign_in(request: Request) -> Response:
        try:
            given = json.loads(await body(request, SIGN_IN_BYTES))
            email, password = str(given["email"]), str(given["password"])
            device = str(given.get("device", ""))
        except (ValueError, KeyError, TypeError):
            raise HTTPProblem(400, "bad_request", "Send {email, password, device} as JSON.") from None

        def job(connection: psycopg.Connection[Any], _caller: Caller | None) -> Response:
            try:
                token, caller = accounts.sign_in(connection, email, password, device)
            except accounts.SignInRefused as refused:
                headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
                status = 429 if refused.waiting else 401
                return problem(status, "sign_in", str(refused), headers=headers)
            return JSONResponse(
                {
                    "token": token,
                    "device_id": caller.device_id,
                    "email": caller.email,
                    "role": caller.role,
                    "team": caller.team,
                }
            )

        result: Response = await run_in_threadpool(work, request, job, signed_in=False)
        return result

    @app.post("/v1/sign-out")
    async def sign_out(request: Request) -> dict[str, Any]:
        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> dict[str, Any]:
            assert caller is not None
            accounts.revoke_device(connection, caller.device_id)
            return {"revoked": caller.device_id}

        result: dict[str, Any] = await run_in_threadpool(work, request, job)
        return result

    @app.get("/v1/status")
    async def status(request: Request) -> dict[str, Any]:
        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> dict[str, Any]:
            assert caller is not None
            row = connection.execute("SELECT seq FROM team WHERE id = %s", (caller.team_id,)).fetchone()
            return {
                "email": caller.email,
                "role": caller.role,
                "team": caller.team,
                "device_id": caller.device_id,
                "seq": int(row[0]) if row else 0,
            }

        result: dict[str, Any] = await run_in_threadpool(work, request, job)
        return result

    @app.post("/v1/snapshots/missing")
    async def missing(request: Request) -> dict[str, Any]:
        try:
            given = json.loads(await body(request, SIGN_IN_BYTES * 16))
            digests = [str(d) for d in given["digests"]][:10_000]
        except (ValueError, KeyError, TypeError):
            raise HTTPProblem(400, "bad_request", "Send {digests: [...]} as JSON.") from None

        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> dict[str, Any]:
            assert caller is not None
            rows = connection.execute(
                "SELECT sha256 FROM snapshot WHERE team_id = %s AND sha256 = ANY(%s)", (caller.team_id, digests)
            ).fetchall()
            present = {row[0] for row in rows}
            return {"missing": sorted(set(digests) - present)}

        result: dict[str, Any] = await run_in_threadpool(work, request, job)
        return result

    @app.post("/v1/snapshots")
    async def put_snapshots(request: Request) -> dict[str, Any]:
        """Many coverage texts at once: {"snapshots": {sha256: text}}; each is checked against its hash."""
        try:
            given = json.loads(await body(request, wire.MAX_BODY_BYTES))
            texts = {str(d): t for d, t in dict(given["snapshots"]).items()}
        except (ValueError, KeyError, TypeError):
            raise HTTPProblem(400, "bad_request", "Send {snapshots: {sha256: text}} as JSON.") from None
        for digest, text in texts.items():
            if not isinstance(text, str) or wire.text_hash(text) != digest:
                raise HTTPProblem(422, "refused", "A snapshot's text does not match its SHA-256; nothing was stored.")

        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> dict[str, Any]:
            assert caller is not None
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO snapshot (team_id, sha256, text) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    [(caller.team_id, digest, text) for digest, text in texts.items()],
                )
            return {"stored": len(texts)}

        result: dict[str, Any] = await run_in_threadpool(work, request, job)
        return result

    @app.post("/v1/snapshots/fetch")
    async def fetch_snapshots(request: Request) -> dict[str, Any]:
        """Many coverage texts at once: {"digests": [...]} -> {"snapshots": {sha256: text}} (those it has)."""
        try:
            given = json.loads(await body(request, SIGN_IN_BYTES * 16))
            digests = [str(d) for d in given["digests"]][:1000]
        except (ValueError, KeyError, TypeError):
            raise HTTPProblem(400, "bad_request", "Send {digests: [...]} as JSON.") from None

        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> dict[str, Any]:
            assert caller is not None
            rows = connection.execute(
                "SELECT sha256, text FROM snapshot WHERE team_id = %s AND sha256 = ANY(%s)", (caller.team_id, digests)
            ).fetchall()
            return {"snapshots": {row[0]: row[1] for row in rows}}

        result: dict[str, Any] = await run_in_threadpool(work, request, job)
        return result

    @app.put("/v1/snapshots/{digest}")
    async def put_snapshot(digest: str, request: Request) -> dict[str, Any]:
        raw = await body(request, wire.MAX_SNAPSHOT_BYTES)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPProblem(422, "refused", "A coverage snapshot must be UTF-8 text; nothing was stored.") from None
        if wire.text_hash(text) != digest:
            raise HTTPProblem(422, "refused", "The snapshot's text does not match its SHA-256; nothing was stored.")

        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> dict[str, Any]:
            assert caller is not None
            connection.execute(
                "INSERT INTO snapshot (team_id, sha256, text) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (caller.team_id, digest, text),
            )
            return {"stored": digest}

        result: dict[str, Any] = await run_in_threadpool(work, request, job)
        return result

    @app.get("/v1/snapshots/{digest}")
    async def get_snapshot(digest: str, request: Request) -> Response:
        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> Response:
            assert caller is not None
            row = connection.execute(
                "SELECT text FROM snapshot WHERE team_id = %s AND sha256 = %s", (caller.team_id, digest)
            ).fetchone()
            if row is None:
                return problem(404, "not_found", "The team server has no such snapshot.")
            return PlainTextResponse(row[0])

        result: Response = await run_in_threadpool(work, request, job)
        return result

    @app.post("/v1/push")
    async def do_push(request: Request) -> Response:
        raw = await body(request, wire.MAX_BODY_BYTES)

        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> Response:
            assert caller is not None
            try:
                batch = wire.check_push(raw)
                answer = push.apply_push(connection, caller, batch)
                metrics.pushed.inc(batch.size())
                return Json(answer)
            except push.MissingSnapshots as missing:
                return problem(
                    409, "missing_snapshots", "Send these coverage snapshots first.", missing=missing.digests
                )
            except BundleError as error:
                return problem(422, "refused", f"The team server refused the push: {error}")

        result: Response = await run_in_threadpool(work, request, job, seen=False)
        return result

    push_route = next(route for route in app.routes if getattr(route, "path", None) == "/v1/push")

    async def push_directly(scope: Scope, receive: Receive, send: Send) -> None:
        """POST /v1/push as a plain ASGI app, which the front door calls without FastAPI's routing, dependency
        solving and exception middlewares (a third of the event loop's CPU per push): the same route, the same
        answers, a problem answered as on_problem does."""
        scope["app"], scope["route"] = app, push_route
        try:
            response = await do_push(Request(scope, receive))
        except HTTPProblem as exc:
            response = problem(exc.status, exc.error, exc.message, **exc.extra)
        await response(scope, receive, send)

    direct[("POST", "/v1/push")] = push_directly

    @app.get("/v1/changes")
    async def get_changes(request: Request, after: int = 0, limit: int = wire.PAGE_SIZE, seen: int = 0) -> Response:
        if after < 0 or seen < 0 or not 1 <= limit <= wire.MAX_PAGE:
            raise HTTPProblem(400, "bad_request", f"after must be 0 or more and limit between 1 and {wire.MAX_PAGE}.")

        def from_replica(caller: Caller) -> dict[str, Any] | None:
            """The page read on the replica, when it has replayed everything this laptop knows of."""
            replica_pool: ConnectionPool | None = request.app.state.replica
            if replica_pool is None:
                return None
            try:
                with replica_pool.connection(timeout=1) as replica_connection:
                    row = replica_connection.execute("SELECT seq FROM team WHERE id = %s", (caller.team_id,)).fetchone()
                    if row is None or int(row[0]) < max(after, seen):
                        return None
                    return pull.changes(replica_connection, caller, after, limit)
            except (psycopg.Error, PoolTimeout):
                return None  # down, or a query cancelled by replay: the primary answers

        def job(connection: psycopg.Connection[Any], caller: Caller | None) -> Response:
            assert caller is not None
            try:
                page = from_replica(caller)
                metrics.pages.labels("primary" if page is None else "replica").inc()
                if page is None:
                    page = pull.changes(connection, caller, after, limit)
                metrics.pulled.inc(len(page["changes"]))
                return Json(page)
            except pull.ResyncNeeded:
                return problem(
                    410,
                    "resync",
                    "This laptop was away longer than the team server keeps deletions; it reads the whole "
                    "journal again (nothing on the laptop is lost).",
                )

        result: Response = await run_in_threadpool(work, request, job)
        return result

    return app


def _total_seq(connection: psycopg.Connection[Any]) -> int:
    row = connection.execute("SELECT coalesce(sum(seq), 0) FROM team").fetchone()
    return int(row[0]) if row else 0
