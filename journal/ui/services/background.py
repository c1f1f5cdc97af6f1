"""Work off the GUI thread: a function runs in Qt's thread pool, its result comes back on the GUI thread.

Searches and counts over a 100,000-story journal take longer than a keystroke; the window hands them
here so typing never waits. The store opens a connection per thread (SQLite in WAL mode lets readers
run beside the writer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

Done = Callable[[Any, BaseException | None], None]


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from the worker is queued to it."""

    done = Signal(object, object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # handed to the GUI thread, which decides what to say
            self._relay.done.emit(None, error)
        else:
            self._relay.done.emit(result, None)


_network_pool: QThreadPool | None = None


def network_pool() -> QThreadPool:
    """A pool of its own for work that waits on the network (fetching pages, checking links), so a slow
    site never holds up a search queued behind it in the global pool."""
    global _network_pool
    if _network_pool is None:
        _network_pool = QThreadPool()
        _network_pool.setMaxThreadCount(2)
    return _network_pool


def run_in_background(owner: QObject, work: Callable[[], Any], done: Done, pool: QThreadPool | None = None) -> None:
    """Run `work()` on a pool thread; call `done(result, error)` on the GUI thread, unless `owner` is gone."""
    relay = _Relay()

    def deliver(result: Any, error: BaseException | None) -> None:
        relay.deleteLater()
        if shiboken6.isValid(owner):
            done(result, error)

    relay.done.connect(deliver)
    (pool or QThreadPool.globalInstance()).start(_Task(work, relay))


def once_back(owner: QObject, slot: Callable[[], None]) -> QTimer:
    """A timer whose start() calls `slot` once control is back in the event loop: what a save sets off runs after
    the save has returned, and once for a run of saves (a sync or an import announces many at a time)."""
    timer = QTimer(owner, singleShot=True, interval=0)
    timer.timeout.connect(slot)
    return timer


def wait_for_background_work(timeout_ms: int = 10_000) -> bool:
    """Before a journal is closed: let running searches (and network work, told to stop when its window
    closed) finish with their connections."""
    searches_done = QThreadPool.globalInstance().waitForDone(timeout_ms)
    return (_network_pool is None or _network_pool.waitForDone(timeout_ms)) and searches_done
