"""Fetching and checking coverage links from the window, never on the GUI thread.

Links waiting to be fetched (new, or with a new address) are fetched in the background, a few at a time,
as soon as they are added (LinkService writes each result in its own short transaction); the stories they
filled are announced a batch at a time, so the coverage table refreshes. When the network is down the links simply
wait: no pop-up, a quiet count in the status bar, and another try later (5 s, 15 s, 1 min, then every
5 min), or at once when the person asks.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from journal.coverage import batch
from journal.coverage.capture import Stored
from journal.coverage.fetch import FetchSettings
from journal.coverage.health import Checked
from journal.ui.services.background import network_pool, once_back, run_in_background
from journal.ui.services.links import LinkService

RETRY_DELAYS_MS = (5_000, 15_000, 60_000, 300_000)
BATCH = 200  # links fetched per batch: a journal with 300,000 waiting never holds them all in the window
ANNOUNCE_MS = 150
_settled = False
_settling = threading.Lock()


class _Relay(QObject):
    """Lives on the GUI thread; a worker's emit is queued to it."""

    stored = Signal(int, int, object)  # done, total, Stored
    checked = Signal(int, int, object)  # done, total, Checked


class LinkFetcher(QObject):
    waiting_changed = Signal(int, bool)  # links waiting to be fetched, whether the network seemed down
    fetch_progress = Signal(int, int)  # done, total (a batch of more than one link)
    check_progress = Signal(int, int)  # done, total
    check_finished = Signal(str)  # a sentence for the status bar
    private_refused = Signal(object)  # Stored: a link added here points to this laptop's own network

    def __init__(self, links: LinkService, settings: FetchSettings | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.links = links
        self.settings = settings or FetchSettings()
        self.retry_delays_ms = RETRY_DELAYS_MS
        self._queue: list[str] = []
        self._in_flight: set[str] = set()
        self._again: set[str] = set()  # asked for while in flight (a person allowed it meanwhile): next batch
        self._deferred: set[str] = set()  # tried while offline: wait for the retry, not the next edit
        self._fetching = False
        self._checking = False
        self._closed = False
        self._offline = False
        self._retry_step = 0
        self._cancel = threading.Event()
        self._check_cancel = threading.Event()
        self._relay = _Relay(self)
        self._relay.stored.connect(self._one_stored)
        self._relay.checked.connect(self._one_checked)
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self.retry_now)
        # Results land many at a time: each story's table is refreshed once per short while, not per page.
        self._changed_stories: set[str] = set()
        self._announce = QTimer(self, singleShot=True, interval=ANNOUNCE_MS)
        self._announce.timeout.connect(self._announce_changes)
        self._announcing = False
        self._touched: set[str] = set()  # stories saved since their links were last looked at
        self._look = once_back(self, self._look_up_touched)
        links.stories.links_changed.connect(self._story_touched)
        links.stories.story_updated.connect(self._story_touched)

    # ------------------------------------------------------------ fetching
    @property
    def busy(self) -> bool:
        return self._fetching or bool(self._queue)

    @property
    def checking(self) -> bool:
        return self._checking

    def retry_now(self) -> None:
        """Fetch every link still waiting (at start, when the retry timer fires, or when asked)."""
        if self._closed:
            return
        self._retry.stop()
        self._deferred.clear()
        links = self.links
        run_in_background(
            self,
            lambda: links.waiting(limit=BATCH),
            lambda ids, error: self._enqueue(ids or [] if error is None else []),
        )

    def fetch_received(self) -> None:
        """Fetch the links that came from elsewhere (bundles, the team) and wait: a person asked (public addresses
        only)."""
        if self._closed:
            return
        links = self.links
        run_in_background(
            self,
            lambda: links.waiting(received=True),
            lambda ids, error: self._enqueue(ids or [] if error is None else []),
        )

    def _story_touched(self, story_id: str) -> None:
        """A save: look for its new links on a pool thread once the save has returned (the save itself must not
        wait for it; the stories a sync or an import touches at once are looked up together)."""
        if self._closed or self._announcing:  # our own announcement: nothing new to fetch
            return
        self._touched.add(story_id)
        self._look.start()

    def _look_up_touched(self) -> None:
        touched, self._touched = sorted(self._touched), set()
        if self._closed or not touched:
            return
        links = self.links

        def found(ids: list[str] | None, error: BaseException | None) -> None:
            if error is None and ids:
                self._enqueue([link_id for link_id in ids if link_id not in self._deferred])

        # An indexed look-up of each story's links.
        run_in_background(self, lambda: [link for story_id in touched for link in links.waiting(story_id)], found)

    def fetch_again(self, link_id: str) -> None:
        """Fetch this link (again) as soon as possible: the person just allowed it."""
        if link_id in self._in_flight:
            self._again.add(link_id)
        else:
            self._enqueue([link_id])

    def _enqueue(self, ids: list[str]) -> None:
        queued = set(self._queue)  # small: the queue empties into the batch in flight (which may be big)
        self._queue.extend(link_id for link_id in ids if link_id not in self._in_flight and link_id not in queued)
        self._start_next()

    def _start_next(self) -> None:
        if self._fetching or not self._queue or self._closed:
            return
        ids, self._queue = self._queue, []
        self._in_flight = set(ids)
        self._fetching = True
        links, settings, relay, cancel = self.links, self.settings, self._relay, self._cancel

        def work() -> tuple[batch.Run[Stored], int]:
            settle_long_lived_objects()
            run = links.fetch(settings, ids, relay.stored.emit, cancel)
            return run, links.waiting_count()

        run_in_background(self, work, self._batch_done, pool=network_pool())

    def _one_stored(self, done: int, total: int, result: Stored) -> None:
        if total > 1:
            self.fetch_progress.emit(done, total)
        if result.state == "to_fetch":
            self._deferred.add(result.link_id)
        if result.private and not result.received:
            self.private_refused.emit(result)
        self._changed(result.story_id)

    def _changed(self, story_id: str) -> None:
        self._changed_stories.add(story_id)
        if not self._announce.isActive():
            self._announce.start()

    def _announce_changes(self) -> None:
        stories, self._changed_stories = self._changed_stories, set()
        self._announcing = True
        try:
            self.links.announce(stories)
        finally:
            self._announcing = False

    def _batch_done(self, outcome: tuple[batch.Run[Stored], int] | None, error: BaseException | None) -> None:
        self._announce_changes()
        tried = self._in_flight
        self._fetching = False
        self._in_flight = set()
        self._queue.extend(link_id for link_id in self._again if link_id not in self._queue)
        self._again.clear()
        if self._closed:
            return
        if outcome is None:  # the journal could not be written just now (e.g. locked): try again later
            self._deferred |= tried
            self._schedule_retry()
            self.waiting_changed.emit(len(tried), False)
            return
        run, waiting = outcome
        self._offline = run.offline
        if run.skipped:
            self._deferred |= tried - {result.link_id for result in run.results}
        if waiting and not self._offline and run.results and not run.cancelled:
            self._retry.start(0)  # online, and more than this batch waits: the next batch
        elif waiting:
            self._schedule_retry()
        else:
            self._retry_step = 0
        self.waiting_changed.emit(waiting, self._offline)
        self._start_next()
        del error

    def _schedule_retry(self) -> None:
        delay = self.retry_delays_ms[min(self._retry_step, len(self.retry_delays_ms) - 1)]
        self._retry_step += 1
        self._retry.start(delay)

    # ------------------------------------------------------------ checking
    def check_links(self) -> bool:
        """Check every link in the background; False when a check is running already."""
        if self._checking or self._closed:
            return False
        self._checking = True
        self._check_cancel.clear()
        links, settings, relay, cancel = self.links, self.settings, self._relay, self._check_cancel

        def work() -> batch.Run[Checked]:
            return links.check(settings, lambda done, total, r: relay.checked.emit(done, total, r), cancel)

        run_in_background(self, work, self._check_done, pool=network_pool())
        return True

    def cancel_check(self) -> None:
        self._check_cancel.set()

    def _one_checked(self, done: int, total: int, result: Checked) -> None:
        self.check_progress.emit(done, total)
        if result.changed or result.answered:
            self._changed(result.story_id)

    def _check_done(self, run: batch.Run[Checked] | None, error: BaseException | None) -> None:
        self._announce_changes()
        self._checking = False
        if run is None:
            self.check_finished.emit(f"The links could not be checked ({error}); try again.")
            return
        self.check_finished.emit(check_summary(run))

    def close(self) -> None:
        """The window closes: stop asking for pages (what is written stays written)."""
        self._closed = True
        self._retry.stop()
        self._cancel.set()
        self._check_cancel.set()


def settle_long_lived_objects() -> None:
    """Take everything the program holds so far (Qt, the store) out of the garbage collector's full passes.
    Reading pages makes many short-lived objects, so full passes come often; over the whole heap one took
    ~100 ms, and the window's thread waited for it. Once per process (benchmarks/fetch_responsiveness.py
    measures the difference). The page readers (trafilatura, extruct: 30 MB) are loaded by the first page read,
    not here: offline, or with every link fetched, they are never needed."""
    global _settled
    with _settling:
        if not _settled:
            gc.freeze()
            _settled = True


def check_summary(run: batch.Run[Checked]) -> str:
    if run.total == 0:
        return "There are no links to check."
    answered = [result for result in run.results if result.answered]
    counts = {health: sum(1 for r in answered if r.health == health) for health in ("ok", "moved", "dead")}
    not_reached = len(run.results) - len(answered) + run.skipped
    head = "Link check cancelled" if run.cancelled else f"Checked {len(run.results)} links"
    text = f"{head}: {counts['ok']} OK, {counts['moved']} moved, {counts['dead']} dead"
    if not_reached:
        text += f", {not_reached} not reached" + (" (no network?)" if run.offline else "")
    return text + "."
