"""The impact dashboard's four charts (QtCharts), built from `journal.store.impact.Dashboard` figures, each in a
box with its own "Save as PNG…" button. Colours follow the window's palette, so dark mode reads."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from journal.store.impact import CostPoint, Covered

LABEL_MAX = 28


def short(text: str, limit: int = LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _themed(chart: QChart, palette: QPalette) -> QChart:
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundBrush(palette.brush(QPalette.ColorRole.Base))
    chart.setBackgroundRoundness(0)
    text = palette.color(QPalette.ColorRole.Text)
    chart.setTitleBrush(text)
    chart.legend().setLabelColor(text)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _axis_colours(axis: QAbstractAxis, palette: QPalette) -> None:
    axis.setLabelsColor(palette.color(QPalette.ColorRole.Text))
    axis.setTitleBrush(palette.brush(QPalette.ColorRole.Text))


def _value_axis(top: float, title: str = "", integers: bool = True) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(1.0, top * 1.08))
    axis.setLabelFormat("%d" if integers else "%.2f")
    if integers and top < 10:
        axis.setTickCount(int(max(1, top)) + 2)
    if title:
        axis.setTitleText(title)
    return axis


def bar_chart(
    palette: QPalette, labels: Sequence[str], values: Sequence[int], name: str, horizontal: bool = False
) -> QChart:
    chart = _themed(QChart(), palette)
    bars = QBarSet(name)
    bars.append([float(v) for v in values])
    bars.setColor(palette.color(QPalette.ColorRole.Highlight))
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(labels))
    counts = _value_axis(max(values, default=0))
    for axis, side in ((categories, Qt.AlignmentFlag.AlignLeft), (counts, Qt.AlignmentFlag.AlignBottom)):
        if not horizontal:
            side = Qt.AlignmentFlag.AlignBottom if axis is categories else Qt.AlignmentFlag.AlignLeft
        chart.addAxis(axis, side)
        series.attachAxis(axis)
        _axis_colours(axis, palette)
    if not horizontal and len(labels) > 8:
        categories.setLabelsAngle(-60)
    chart.legend().hide()
    return chart


def covered_chart(palette: QPalette, covered: Sequence[Covered]) -> QChart:
    ordered = list(reversed(covered))  # a horizontal bar chart draws its first category at the bottom
    labels = [f"{number}. {short(c.title)}" for number, c in zip(range(len(ordered), 0, -1), ordered, strict=True)]
    return bar_chart(palette, labels, [c.pieces for c in ordered], "Coverage pieces", horizontal=True)


def cost_chart(palette: QPalette, points: Sequence[CostPoint], currency: str) -> QChart:
    chart = _themed(QChart(), palette)
    series = QScatterSeries()
    series.setName(f"Stories ({currency or 'no currency'})")
    series.setMarkerSize(9.0)
    series.setColor(palette.color(QPalette.ColorRole.Highlight))
    series.setBorderColor(palette.color(QPalette.ColorRole.Base))
    for point in points:
        series.append(point.cost_cents / 100, float(point.reach))
    chart.addSeries(series)
    cost = _value_axis(max((p.cost_cents / 100 for p in points), default=0), f"Cost ({currency or 'no currency'})")
    reach = _value_axis(max((p.reach for p in points), default=0), "Comments and shares")
    cost.setLabelFormat("%.0f")
    chart.addAxis(cost, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(reach, Qt.AlignmentFlag.AlignLeft)
    for axis in (cost, reach):
        series.attachAxis(axis)
        _axis_colours(axis, palette)
    chart.legend().hide()
    return chart


class ChartBox(QWidget):
    """A titled chart with a "Save as PNG…" button; `show_chart` replaces the chart it shows."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(360, 240)
        self.view.setAccessibleName(title)
        self.save_button = QPushButton("Save as PNG…")
        self.save_button.setAutoDefault(False)
        self.save_button.setAccessibleName(f"Save “{title}” as PNG")
        self.tools = QHBoxLayout()
        self.tools.addWidget(self.title, 1)
        self.tools.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.save_button.clicked.connect(self.ask_and_save)

    def show_chart(self, chart: QChart, note: str = "") -> None:
        old = self.view.chart()
        self.view.setChart(chart)
        old.deleteLater()
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def chart(self) -> QChart:
        return self.view.chart()

    def save_png(self, path: str) -> bool:
        if not path.lower().endswith(".png"):
            path += ".png"
        return self.view.grab().save(path, "PNG")

    def ask_and_save(self) -> None:
        suggested = self.title.text().lower().replace(" ", "-").replace("/", "-") + ".png"
        path, _filter = QFileDialog.getSaveFileName(self, "Save chart as PNG", suggested, "PNG images (*.png)")
        if path and not self.save_png(path):
            self.note.setText(f"The chart could not be saved to {path}; choose a folder you can write to.")
            self.note.setVisible(True)
