"""Light and dark. The window follows the system's colour scheme; STORY_JOURNAL_THEME=dark|light forces one
(useful where the desktop has no dark setting Qt can read, and to check both looks)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEME_ENV = "STORY_JOURNAL_THEME"

_DARK = {
    QPalette.ColorRole.Window: "#2b2b2e",
    QPalette.ColorRole.WindowText: "#e8e8ea",
    QPalette.ColorRole.Base: "#1f1f22",
    QPalette.ColorRole.AlternateBase: "#27272b",
    QPalette.ColorRole.ToolTipBase: "#3a3a3f",
    QPalette.ColorRole.ToolTipText: "#f0f0f2",
    QPalette.ColorRole.PlaceholderText: "#8a8a92",
    QPalette.ColorRole.Text: "#e8e8ea",
    QPalette.ColorRole.Button: "#35353a",
    QPalette.ColorRole.ButtonText: "#e8e8ea",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.Mid: "#4a4a50",
    QPalette.ColorRole.Dark: "#18181a",
    QPalette.ColorRole.Light: "#4a4a50",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in _DARK.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#77777d"))
    return palette


def apply_theme(qapp: QApplication, choice: str) -> None:
    choice = choice.strip().lower()
    if choice not in ("dark", "light"):
        return
    qapp.setStyle("Fusion")  # draws both schemes the same way on every platform
    scheme = Qt.ColorScheme.Dark if choice == "dark" else Qt.ColorScheme.Light
    qapp.styleHints().setColorScheme(scheme)
    qapp.setPalette(dark_palette() if choice == "dark" else qapp.style().standardPalette())
