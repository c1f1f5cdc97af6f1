"""Fetch or check many links: a few requests at a time, each result written in its own short transaction.

Used by the command line and (on a background thread) by the window. When the network is down the run
stops early: the links not yet tried stay as they are, to be tried when the network is back. `run_batch` is
the loop itself, also used for the coverage radar's feeds (journal.radar.fetching).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from journal.coverage.capture import Stored, fetch_page, link_target, pending_ids, store_capture
from journal.coverage.fetch import FetchSettings, make_client
from journal.coverage.health import Checked, all_link_ids, check_url, store_check

if TYPE_CHECKING:
    import httpx

    from journal.store.database import Journal

DEFAULT_CONCURRENCY = 4


class _Outcome(Protocol):
    offline: bool  # the network (or the site's host) could not be reached


Result = TypeVar("Result", bound=_Outcome)  # what `store` wrote: Stored, Checked, ...
Found = TypeVar("Found")  # what `work` found on the network: Capture, Check, ...


@dataclass
class Run(Generic[Result]):
    total: int
    results: list[Result] = field(default_factory=list)
    skipped: int = 0  # not tried: the network was down, or the run was cancelled
    offline: bool = False
    cancelled: bool = False


Progress = Callable[[int, int, Any], None]  # (done, total, the result just written)


def fetch_pending(
    journal: Journal,
    settings: FetchSettings | None = None,
    *,
    link_ids: list[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    received: bool = False,
) -> Run[Stored]:
    """Fetch the links waiting to be fetched (or `link_ids`), filling their metadata and snapshots. Links from
    elsewhere (bundles) wait unless `received` (a person asked) or named in `link_ids`."""
    if link_ids is None:
        with journal.session() as session:
            link_ids = pending_ids(session=session, received=received)
    return run_batch(journal, link_ids, fetch_page, store_capture, settings, concurrency, progress, cancel)


def check_all(
    journal: Journal,
    settings: FetchSettings | None = None,
    *,
    link_ids: list[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Run[Checked]:
    """Check every link (or `link_ids`) and record its health."""
    if link_ids is None:
        with journal.session() as session:
            link_ids = all_link_ids(session=session)
    return run_batch(journal, link_ids, check_url, store_check, settings, concurrency, progress, cancel)


class _Lazy:
    """A client made only if a link needs it, closed at the end."""

    def __init__(self, make: Callable[[], httpx.Client]) -> None:
        self._make = make
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def get(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = self._make()
            return self._client

    def __enter__(self) -> _Lazy:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            self._client.close()


def run_batch(
    journal: Journal,
    link_ids: list[str],
    work: Callable[[Any, FetchSettings, httpx.Client], Found],
    store: Callable[..., Result | None],
    settings: FetchSettings | None,
    concurrency: int,
    progress: Progress | None,
    cancel: threading.Event | None,
    *,
    address: Callable[..., tuple[Any, bool] | None] = link_target,
) -> Run[Result]:
    """`work(target, settings, client)` for each id, a few at a time, then `store(id, found, session=...)` in a
    write transaction of its own. `address(id, session=...)` gives `(target, private_ok)`, or None to skip the
    id; only a target a person allowed on a private network goes through the client that may reach one."""
    settings = settings or FetchSettings()
    run: Run[Result] = Run(total=len(link_ids))
    if not link_ids:
        return run
    cancel = cancel or threading.Event()
    todo = list(reversed(link_ids))
    offline_streak = 0
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="coverage")
    # Links a person allowed on a private network go through a client of their own; all others through one
    # that reaches public addresses only (journal.coverage.destinations).
    with make_client(settings) as client, _Lazy(lambda: make_client(settings, private_ok=True)) as private_client:
        running: dict[Future[Found | None], str] = {}

        def request(link_id: str) -> Found | None:
            if cancel.is_set():
                return None
            with journal.session() as session:
                found = address(link_id, session=session)
            if found is None:
                return None
            target, private_ok = found
            return work(target, settings, private_client.get() if private_ok else client)

        while todo or running:
            while todo and len(running) < concurrency and not cancel.is_set():
                link_id = todo.pop()
                running[pool.submit(request, link_id)] = link_id
            if not running:
                break
            finished, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            if cancel.is_set() and not finished:  # a slow site does not hold up the cancel (or the window's close)
                run.cancelled = True
                run.skipped += len(todo) + len(running)
                break
            for future in finished:
                link_id = running.pop(future)
                try:
                    found = future.result()  # the work functions turn network and page trouble into a result
                except Exception:  # anything else: the link keeps waiting, the other links go on
                    found = None
                if found is None:
                    run.skipped += 1
                    continue
                with journal.write() as session:
                    result = store(link_id, found, session=session)
                if result is None:  # removed or re-addressed meanwhile
                    run.total -= 1
                    continue
                run.results.append(result)
                offline_streak = offline_streak + 1 if result.offline else 0
                if progress is not None:
                    progress(len(run.results), run.total, result)
            if offline_streak >= min(concurrency, 3) and todo:
                run.offline = True  # the network is down: the rest would only fail the same way
                run.skipped += len(todo)
                todo.clear()
            if cancel.is_set() and todo:
                run.cancelled = True
                run.skipped += len(todo)
                todo.clear()
        pool.shutdown(wait=not run.cancelled, cancel_futures=True)
    run.offline = run.offline or (bool(run.results) and all(result.offline for result in run.results))
    return run
