"""The impact dashboard in the real window: it opens, follows the list's search, and saves its charts as PNG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries, QHorizontalBarSeries, QScatterSeries
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from journal.store import readings, stories
from journal.store.database import Journal
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate
from journal.ui.reach.charts import ChartBox
from journal.ui.reach.dashboard import DashboardWindow
from journal.ui.shell.main_window import MainWindow
from journal.ui.shell.menus import Menu
from tests.ui.helpers import Launch, settle


def fill(journal: Journal) -> None:
    """Three refund stories (2 with coverage) in two months and one travel story in dollars and euros."""
    specs = [
        ("Refund for a late parcel", dt.date(2026, 1, 4), ["refund"], 2500, "USD", 2),
        ("Refund after the flood", dt.date(2026, 1, 20), ["refund", "weather"], 9000, "USD", 1),
        ("Refund without a receipt", dt.date(2026, 2, 2), ["refund"], None, "", 0),
        ("Taxi to the airport", dt.date(2026, 2, 9), ["travel"], 4000, "EUR", 3),
    ]
    with journal.write() as session:
        for title, occurred, tags, cost, currency, links in specs:
            story = stories.create_story(
                StoryCreate(title=title, occurred=occurred, cost_cents=cost, currency=currency), session=session
            )
            stories.set_story_tags(story.id, tags, session=session)
            for number in range(links):
                link = stories.add_link(
                    story.id, CoverageLinkBase(url=f"https://example.com/{story.id}/{number}"), session=session
                )
                readings.add_reading(
                    story.id, metric="comments", value=10 * (number + 1), link_id=link.id, session=session
                )


def open_dashboard(qtbot: QtBot, window: MainWindow) -> DashboardWindow:
    settle(window)
    action = next(a for a in window.menu(Menu.VIEW).actions() if a.objectName() == "impactDashboardAction")
    assert action.shortcut().toString() == "Ctrl+Shift+D"
    action.trigger()
    dashboard = window.findChild(DashboardWindow, "impactDashboard")
    assert dashboard is not None and dashboard.isVisible()
    qtbot.waitUntil(lambda: not dashboard.busy and dashboard.figures is not None, timeout=10_000)
    return dashboard


def bar_values(box: ChartBox) -> list[float]:
    series = box.chart().series()[0]
    assert isinstance(series, QBarSeries | QHorizontalBarSeries)
    bars = series.barSets()[0]
    return [bars.at(i) for i in range(bars.count())]


def test_the_dashboard_shows_the_journal_and_follows_a_search(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path
) -> None:
    fill(journal)
    window = launch(journal_path)
    dashboard = open_dashboard(qtbot, window)
    assert dashboard.summary.text() == "All 4 stories in the journal."
    assert bar_values(dashboard.periods) == [2, 2]  # January, February
    assert bar_values(dashboard.covered) == [1, 2, 3]  # the most covered is drawn at the top (last)
    assert bar_values(dashboard.tags) == [1, 1, 3]  # weather, travel, refund: the first is drawn at the top
    scatter = dashboard.cost.chart().series()[0]
    assert isinstance(scatter, QScatterSeries)
    assert dashboard.currency.currentData() == "USD"  # two stories in dollars, one in euros: never mixed
    assert sorted((p.x(), p.y()) for p in scatter.points()) == [(25.0, 30.0), (90.0, 10.0)]

    window.list_panel.search_field.setFocus()
    qtbot.keyClicks(window.list_panel.search_field, "refund")
    qtbot.waitUntil(lambda: dashboard.query is not None and dashboard.query.text == "refund", timeout=10_000)
    qtbot.waitUntil(lambda: not dashboard.busy)
    assert dashboard.summary.text() == "3 stories matching the list's search and filters."
    assert bar_values(dashboard.periods) == [2, 1]
    assert bar_values(dashboard.tags) == [1, 3]  # weather, refund
    assert not dashboard.currency.isVisible() or dashboard.currency.count() == 1

    window.list_panel.search_field.clear()
    qtbot.keyClicks(window.list_panel.search_field, "zeppelin")
    qtbot.waitUntil(lambda: dashboard.query is not None and dashboard.query.text == "zeppelin", timeout=10_000)
    qtbot.waitUntil(lambda: not dashboard.busy)
    assert dashboard.pages.currentWidget() is dashboard.empty
    assert "No story matches" in dashboard.empty.text()


def test_a_reading_typed_in_the_editor_reaches_the_open_dashboard(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path
) -> None:
    fill(journal)
    window = launch(journal_path)
    dashboard = open_dashboard(qtbot, window)
    assert dashboard.figures is not None

    def reach_of() -> dict[str, int]:
        assert dashboard.figures is not None
        return {p.story_id: p.reach for points in dashboard.figures.cost_points.values() for p in points}

    before = reach_of()
    window.select_row(0)
    qtbot.waitUntil(lambda: window.editor.story_id is not None)
    story_id = window.editor.story_id
    assert story_id is not None and before[story_id] == 60  # the taxi story: 10 + 20 + 30 comments
    panel = window.editor.reach
    panel.metric_input.setCurrentIndex(panel.metric_input.findData("shares"))
    qtbot.keyClicks(panel.value_input, "500")
    panel.add_button.click()
    qtbot.waitUntil(lambda: reach_of()[story_id] == 560, timeout=10_000)


@pytest.mark.parametrize("box_name", ["periods", "covered", "tags", "cost"])
def test_each_chart_saves_a_png(
    qtbot: QtBot, launch: Launch, journal: Journal, journal_path: Path, tmp_path: Path, monkeypatch, box_name: str
) -> None:  # type: ignore[no-untyped-def]
    fill(journal)
    window = launch(journal_path)
    dashboard = open_dashboard(qtbot, window)
    target = tmp_path / "chart"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kwargs: (str(target), "PNG images (*.png)"))
    box: ChartBox = getattr(dashboard, box_name)
    box.save_button.click()
    image = QImage(str(target) + ".png")
    assert not image.isNull() and image.width() >= 300 and image.height() >= 200
    assert (target.with_suffix(".png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_empty_journal_says_so(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    window = launch(journal_path)
    dashboard = open_dashboard(qtbot, window)
    assert dashboard.pages.currentWidget() is dashboard.empty
    assert dashboard.empty.text().startswith("No stories yet")
