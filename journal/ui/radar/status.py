"""The radar's part of a status bar: reading and matching progress with a Cancel button while the sources are
read, and a quiet note while they wait for the network. One in the main window, one in the radar's window."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from journal.ui.radar.poller import RadarPoller
from journal.words import counted


class RadarStatus(QWidget):
    def __init__(self, poller: RadarPoller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("radarStatus")
        self.waiting = QLabel()
        self.waiting.setObjectName("radarWaiting")
        self.waiting.setToolTip("They are read when the network is back; no need to do anything.")
        self.progress = QProgressBar()
        self.progress.setObjectName("radarProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setAccessibleName("Radar progress")
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelRadar")
        self.cancel.setToolTip("Stop reading the radar's sources; the rest are read next time")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.waiting, self.progress, self.cancel):
            layout.addWidget(widget)
            widget.setVisible(False)
        self.cancel.clicked.connect(poller.cancel)
        poller.progress.connect(self._progress)
        poller.finished.connect(self._finished)
        poller.waiting_changed.connect(self._waiting)

    def _progress(self, text: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{text} %v/%m")
        self.progress.setVisible(True)
        self.cancel.setVisible(True)
        self.cancel.setEnabled(True)

    def _finished(self, *_: object) -> None:
        self.progress.setVisible(False)
        self.cancel.setVisible(False)

    def _waiting(self, count: int) -> None:
        self.waiting.setText(f"Radar: {counted(count, 'source', 'sources')} waiting (offline)")
        self.waiting.setVisible(count > 0)
