"""Reach in the main window: View ▸ Impact dashboard (Ctrl+Shift+D). The editor's readings are its panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from journal.ui.shell.actions import Act
from journal.ui.shell.seam import Shell

if TYPE_CHECKING:
    from journal.ui.reach.dashboard import DashboardWindow


class ReachFeature(QObject):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.dashboard: DashboardWindow | None = None
        shell.action(Act.IMPACT_DASHBOARD).triggered.connect(self.show_dashboard)

    def show_dashboard(self) -> DashboardWindow:
        """Made when first asked for: QtCharts is loaded only then."""
        from journal.ui.reach.dashboard import DashboardWindow

        if self.dashboard is None:
            services = self.shell.services
            self.dashboard = DashboardWindow(services.stories, services.reach, self.shell.story_list, self.shell.widget)
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()
        return self.dashboard
