"""Python's cyclic garbage collector, run on the GUI thread only.

With searches on pool threads, automatic collection could start on a pool thread and free Qt objects that
belong to the GUI thread (a window just closed, say) there, which crashes Qt. While the window is open,
automatic collection is off and this collects on a GUI-thread timer instead, with Python's own thresholds.

The timer runs every half second while little is allocated, and every few milliseconds while pool threads
allocate fast (reading feeds, matching them): a collection's pause grows with what was allocated since the
last one, and one every half second then took 100-550 ms of the GUI thread (benchmarks/radar_window_bench.py).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500  # while little is allocated
BUSY_INTERVAL_MS = 20  # while a threshold was passed at the last tick: small collections, often


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def collect(self) -> None:
        """Collect the generations whose thresholds have been passed, as automatic collection would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                self._timer.setInterval(BUSY_INTERVAL_MS)
                return
        self._timer.setInterval(INTERVAL_MS)

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
