"""A one-line message under a field: what is wrong and what to do, in the theme's error colour."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget


class InlineMessage(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVisible(False)
        self.setAccessibleName("Message")

    def show_error(self, text: str) -> None:
        palette = self.palette()
        # A red that reads on light and dark backgrounds alike.
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        self.setStyleSheet(f"color: {'#ff8a80' if dark else '#b00020'};")
        self.setText(text)
        self.setVisible(True)

    def clear(self) -> None:
        self.setText("")
        self.setVisible(False)
