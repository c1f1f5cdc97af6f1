"""How late the window's GUI thread is: a QTimer ticks every TICK_MS on it while the event loop runs, and how late
each tick comes is a stall. The window benchmarks measure the idle window (the baseline) and the window at work
in the same run, and compare the two (benchmarks/fetch_responsiveness.py, benchmarks/radar_window_bench.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

TICK_MS = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def figures(stalls: list[float]) -> dict[str, float]:
    return {
        "ticks": len(stalls),
        "max_ms": round(max(stalls), 1),
        "p99_ms": round(percentile(stalls, 0.99), 1),
        "p95_ms": round(percentile(stalls, 0.95), 1),
        "mean_ms": round(statistics.fmean(stalls), 2),
        "over_50ms": sum(1 for stall in stalls if stall > 50),
        "over_50ms_per_10k_ticks": round(10_000 * sum(1 for stall in stalls if stall > 50) / max(1, len(stalls)), 1),
    }


class StallMeter:
    def __init__(self, qt_app: QApplication) -> None:
        self.qt_app = qt_app
        self.stalls: list[float] = []
        self._clock = QElapsedTimer()
        self._last = 0
        self._ticker = QTimer()
        self._ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self._ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.stalls.append(max(0.0, (now - self._last) / 1e6 - TICK_MS))
        self._last = now

    def measure(
        self, seconds: float | None, until: Callable[[], bool] | None = None, longest_s: float = 3600
    ) -> list[float]:
        """Run the event loop for `seconds`, or until `until()` (looked at between events); the stalls seen."""
        self.stalls.clear()
        self._clock.start()
        self._last = 0
        self._ticker.start(TICK_MS)
        started = time.monotonic()
        while True:
            self.qt_app.processEvents()
            time.sleep(0.0005)
            elapsed = time.monotonic() - started
            if seconds is not None and elapsed >= seconds:
                break
            if until is not None and until():
                break
            if elapsed > longest_s:
                raise SystemExit(f"the work did not finish in {longest_s:.0f} s")
        self._ticker.stop()
        return list(self.stalls[1:])
