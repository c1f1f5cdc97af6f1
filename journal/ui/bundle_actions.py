"""The main window's actions for bundles: export and import of bundles and spreadsheets."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journal.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add this feature's actions and menus to `window`."""
    del window
