"""The main window's actions for coverage: fetching, link health, readings and the impact dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journal.ui.link_actions import install_links

if TYPE_CHECKING:
    from journal.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add this feature's actions and menus to `window`."""
    install_links(window)
