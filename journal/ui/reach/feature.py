"""The main window's actions for reach: View ▸ Impact dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from journal.ui.shell.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add View ▸ Impact dashboard (Ctrl+Shift+D); the dashboard is made when first asked for."""
    action = QAction("Impact &dashboard", window)
    action.setObjectName("impactDashboardAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+D"))
    window.view_menu.addSeparator()
    window.view_menu.addAction(action)
    window.addAction(action)

    def show_dashboard() -> None:
        from journal.ui.reach.dashboard import DashboardWindow  # QtCharts is loaded only when the dashboard is opened

        dashboard = window.findChild(DashboardWindow, "impactDashboard")
        if dashboard is None:
            dashboard = DashboardWindow(window.services.stories, window.services.reach, window.model, window)
        dashboard.show()
        dashboard.raise_()
        dashboard.activateWindow()

    action.triggered.connect(show_dashboard)
