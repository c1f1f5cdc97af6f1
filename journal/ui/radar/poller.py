"""Reading the radar's sources from the window, never on the GUI thread: every few minutes while the journal
is open, at once when asked (or when a source is added), with progress and a way to cancel.

The reading and the matching run in a child process (journal/radar/child.py), waited for on the coverage
network pool (RadarService.fetch); progress comes back on the GUI thread through a relay. Offline, the sources
simply wait: no pop-up, another try after 15 s, 1 min, 5 min, then at the usual interval. A read asked for
while one runs follows it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from journal.ui.coverage.fetcher import settle_long_lived_objects
from journal.ui.services.background import network_pool, run_in_background
from journal.ui.services.radar import RadarService
from journal.words import counted

if TYPE_CHECKING:
    from journal.radar.progress import FetchReport, Progress

INTERVAL_KEY = "radar/intervalMinutes"
DEFAULT_INTERVAL_MINUTES = 15
FIRST_READ_MS = 20_000  # after the window opens: start-up and the first searches come first
RETRY_DELAYS_MS = (15_000, 60_000, 300_000)  # offline: tried again after these, then at the interval
PHASES = {"reading": "Reading feeds", "matching": "Matching entries"}


@dataclass(frozen=True)
class Request:
    force: bool = False  # read sources waiting out a backoff too
    source_ids: tuple[str, ...] | None = None  # only these (None: every source that is due)
    asked: bool = False  # a person asked: say what came of it even when nothing is new

    def merged(self, other: Request) -> Request:
        ids = None if self.source_ids is None or other.source_ids is None else self.source_ids + other.source_ids
        return Request(self.force or other.force, ids, self.asked or other.asked)


class _Relay(QObject):
    """Lives on the GUI thread; the worker's emit is queued to it."""

    step = Signal(object)  # journal.radar.progress.Progress


class RadarPoller(QObject):
    started = Signal()
    progress = Signal(str, int, int)  # what is being done (a sentence), done, total
    finished = Signal(object, str, bool)  # FetchReport (None: failed), a sentence, whether a person asked
    waiting_changed = Signal(int)  # sources waiting for the network (0: none)

    def __init__(self, service: RadarService, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.retry_delays_ms = RETRY_DELAYS_MS
        self.last_report: FetchReport | None = None
        self._running = False
        self._queued: Request | None = None
        self._closed = False
        self._offline_step = 0
        self._cancel = threading.Event()
        self._relay = _Relay(self)
        self._relay.step.connect(self._step)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(lambda: self.read_now(asked=False))

    @property
    def running(self) -> bool:
        return self._running

    @property
    def interval_ms(self) -> int:
        try:
            minutes = float(str(self.settings.value(INTERVAL_KEY, DEFAULT_INTERVAL_MINUTES)))
        except ValueError:
            minutes = DEFAULT_INTERVAL_MINUTES
        return int(max(1.0, minutes) * 60_000)

    def start(self, first_ms: int = FIRST_READ_MS) -> None:
        """Poll from now on: a first read after `first_ms`, then every interval."""
        if not self._closed and not self.service.read_only:
            self._timer.start(first_ms)

    def read_now(self, *, force: bool = False, source_ids: list[str] | None = None, asked: bool = True) -> bool:
        """Read the sources that are due (or `source_ids`) in the background; False when nothing can be
        written to this journal. Asked while a read runs, it follows that one."""
        if self._closed or self.service.read_only:
            return False
        request = Request(force, tuple(source_ids) if source_ids is not None else None, asked)
        if self._running:
            self._queued = request if self._queued is None else self._queued.merged(request)
            return True
        self._timer.stop()
        self._running = True
        self._cancel = threading.Event()
        service, relay, cancel = self.service, self._relay, self._cancel

        def work() -> FetchReport:
            # What the window holds by now (Qt, the store, the page readers) is left out of the collector's full
            # passes: one over the whole heap took 70 ms of the window's thread (benchmarks/radar_window_bench.py).
            settle_long_lived_objects()
            ids = list(request.source_ids) if request.source_ids is not None else None
            return service.fetch(relay.step.emit, cancel, force=request.force, source_ids=ids)

        run_in_background(self, work, lambda report, error: self._done(request, report, error), pool=network_pool())
        self.started.emit()
        return True

    def cancel(self) -> None:
        """Stop between requests (a request on its way is abandoned, nothing is half-written)."""
        self._queued = None
        self._cancel.set()

    def close(self) -> None:
        """The window closes: stop reading (what is written stays written)."""
        self._closed = True
        self._queued = None
        self._timer.stop()
        self._cancel.set()

    def _step(self, step: Progress) -> None:
        if not self._closed:
            self.progress.emit(PHASES.get(step.phase, step.phase), step.done, step.total)

    def _done(self, request: Request, report: FetchReport | None, error: BaseException | None) -> None:
        self._running = False
        if self._closed:
            return
        self.last_report = report
        self.service.announce_fetched(report)
        waiting = 0 if report is None else report.not_tried + sum(result.offline for result in report.sources)
        self.waiting_changed.emit(waiting if report is not None and report.offline else 0)
        self.finished.emit(report, fetch_summary(report, error), request.asked)
        if self._queued is not None:
            queued, self._queued = self._queued, None
            self.read_now(force=queued.force, source_ids=_ids(queued), asked=queued.asked)
            return
        if report is not None and report.offline:
            delay = self.retry_delays_ms[min(self._offline_step, len(self.retry_delays_ms) - 1)]
            self._offline_step += 1
            self._timer.start(min(delay, self.interval_ms))
        else:
            self._offline_step = 0
            self._timer.start(self.interval_ms)


def _ids(request: Request) -> list[str] | None:
    return list(request.source_ids) if request.source_ids is not None else None


def fetch_summary(report: FetchReport | None, error: BaseException | None = None) -> str:
    """What a read of the sources did, in one sentence for the status bar."""
    if report is None:
        return f"The radar's sources could not be read ({_reason(error)}); they are tried again later."
    waiting = report.not_tried + sum(result.offline for result in report.sources)
    if report.offline:
        return (
            f"The radar is offline: {counted(waiting, 'source waits', 'sources wait')} for the network "
            "and will be read when it is back."
        )
    new_entries = sum(result.new_entries for result in report.sources)
    failed = sum(result.state == "failed" for result in report.sources)
    if not report.sources and not report.matched:
        if report.backing_off:
            return (
                f"No source is due: {counted(len(report.backing_off), 'source waits', 'sources wait')} after failing."
            )
        if report.cancelled:
            return "Reading the radar's sources was cancelled."
        return "The radar watches no source yet: add a feed under View ▸ Coverage radar ▸ Sources."
    said = [
        f"Radar: {counted(len(report.sources), 'source', 'sources', grouped=True)} read",
        counted(new_entries, "new entry", "new entries", grouped=True),
        counted(report.suggested, "new suggestion", "new suggestions", grouped=True),
    ]
    sentence = ", ".join(said) + "."
    if failed:
        sentence += f" {counted(failed, 'source was', 'sources were')} refused (see Sources)."
    if report.cancelled:
        sentence += f" Cancelled; {counted(report.not_tried, 'source waits', 'sources wait')} for the next read."
    return sentence


def _reason(error: Any) -> str:
    text = str(getattr(error, "orig", None) or error or "").strip()
    return text or type(error).__name__
