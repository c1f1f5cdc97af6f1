"""Python's cyclic garbage collector, run on the GUI thread only.

With searches on pool threads, automatic collection could start on a pool thread and free Qt objects that
belong to the GUI thread (a window just closed, say) there, which crashes Qt. While the window is open,
automatic collection is off and this collects on a GUI-thread timer instead, with Python's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


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
                return

    def settle(self) -> None:
        """Once the window is built: collect, then leave what is alive now (Qt, SQLAlchemy, the window) out of
        later full collections (gc.freeze), which would otherwise walk that whole heap on the GUI thread, tens of
        milliseconds each time, while a person types."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
