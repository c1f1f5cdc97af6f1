"""The impact dashboard: stories per month, the most covered stories, top tags and cost against reach, for the
stories the main window's list shows (its search and filters). The figures are read on a pool thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from journal.store.impact import Dashboard
from journal.store.listing import StoryQuery
from journal.ui.reach.charts import ChartBox, bar_chart, cost_chart, covered_chart, ranked_chart
from journal.ui.services.background import run_in_background
from journal.ui.services.reach import ReachService
from journal.ui.services.stories import StoryService
from journal.ui.stories.list_model import StoryListModel
from journal.words import counted

REFRESH_DELAY_MS = 1500  # after edits, wait for a pause before reading the figures again


class DashboardWindow(QWidget):
    def __init__(
        self, service: StoryService, reach: ReachService, model: StoryListModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("impactDashboard")
        self.setWindowTitle("Impact dashboard")
        self.resize(1100, 760)
        self._reach = reach
        self._model = model
        self._running = False  # a read is under way on a pool thread
        self._again = False  # asked for again while it ran
        self.figures: Dashboard | None = None
        self.query: StoryQuery | None = None  # the query the charts show

        self.summary = QLabel()
        self.summary.setObjectName("dashboardSummary")
        self.summary.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setObjectName("dashboardEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.periods = ChartBox("Stories per month", "periodsChart")
        self.covered = ChartBox("Most covered stories", "coveredChart")
        self.tags = ChartBox("Top tags", "tagsChart")
        self.cost = ChartBox("Cost against reach", "costChart")
        self.currency = QComboBox()
        self.currency.setAccessibleName("Currency")
        self.currency.setToolTip("Costs in different currencies are never mixed: choose one")
        self.cost.tools.insertWidget(1, self.currency)

        grid_page = QWidget()
        grid = QGridLayout(grid_page)
        grid.setContentsMargins(0, 0, 0, 0)
        for number, box in enumerate((self.periods, self.covered, self.tags, self.cost)):
            grid.addWidget(box, number // 2, number % 2)
        self.pages = QStackedWidget()
        self.pages.addWidget(grid_page)
        self.pages.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        model.query_applied.connect(self.refresh)
        service.stories_changed.connect(self._timer.start)
        service.story_updated.connect(lambda _story_id: self._timer.start())
        self.currency.currentIndexChanged.connect(self._show_cost)

    @property
    def busy(self) -> bool:
        return self._running or self._again

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the figures for the list's current search and filters (only while the dashboard is open). One
        read at a time: asked again meanwhile, it reads once more when the running one is done, with the query
        of that moment, so a burst of edits or keystrokes costs two reads, not one each."""
        if not self.isVisible():
            self._again = False  # read when shown again
            return
        if self._running:
            self._again = True
            return
        self._running, self._again = True, False
        query = self._model.query
        self.summary.setText("Updating…")
        reach = self._reach

        def work() -> Dashboard:
            return reach.dashboard(query)

        def done(figures: Dashboard | None, error: BaseException | None) -> None:
            self._running = False
            if self._again:
                self.refresh()  # what was read is already out of date
                return
            if error is not None or figures is None:
                self.summary.setText(
                    f"The figures could not be read ({error}); they are tried again on the next change."
                )
                return
            self._show(query, figures)

        run_in_background(self, work, done)

    def _show(self, query: StoryQuery, figures: Dashboard) -> None:
        self.query, self.figures = query, figures
        filtered = query.is_filtered()
        count = counted(figures.stories, "story", "stories", grouped=True)
        self.summary.setText(
            f"{count} matching the list's search and filters." if filtered else f"All {count} in the journal."
        )
        if figures.stories == 0:
            self.empty.setText(
                "No story matches the list's search and filters: clear them to see the whole journal."
                if filtered
                else "No stories yet: the charts fill in as stories, coverage and readings are added."
            )
            self.pages.setCurrentWidget(self.empty)
            return
        self.pages.setCurrentIndex(0)
        palette = self.palette()
        self.periods.title.setText("Stories per year" if figures.by_year else "Stories per month")
        labels, values = [p for p, _n in figures.periods], [n for _p, n in figures.periods]
        self.periods.show_chart(
            bar_chart(palette, labels, values, "Stories"),
            "" if labels else "None of these stories has a date.",
        )
        self.covered.show_chart(
            covered_chart(palette, figures.most_covered),
            "" if figures.most_covered else "None of these stories has coverage links yet.",
        )
        self.tags.show_chart(
            ranked_chart(palette, figures.top_tags, "Stories"),
            "" if figures.top_tags else "None of these stories is tagged.",
        )
        chosen = self.currency.currentData()
        self.currency.blockSignals(True)
        self.currency.clear()
        for currency, number in sorted(figures.costed.items(), key=lambda item: (-item[1], item[0] == "", item[0])):
            self.currency.addItem(f"{currency or 'No currency'} ({number:,})", currency)
        self.currency.setCurrentIndex(max(0, self.currency.findData(chosen)))
        self.currency.blockSignals(False)
        self.currency.setVisible(self.currency.count() > 1)
        self._show_cost()

    def _show_cost(self) -> None:
        if self.figures is None:
            return
        currency = self.currency.currentData() or ""
        points = self.figures.cost_points.get(currency, [])
        shown = self.figures.costed.get(currency, 0)
        if not points:
            note = "None of these stories has a cost yet."
        elif shown > len(points):
            note = f"The {len(points):,} of {shown:,} stories with the most reach."
        else:
            note = ""
        self.cost.show_chart(cost_chart(self.palette(), points, currency), note)
