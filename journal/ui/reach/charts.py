"""The impact dashboard's four charts (QtCharts), built from `journal.store.impact.Dashboard` figures, each in a
box with its own "Save as PNG…" button. Colours follow the window's palette, so dark mode reads."""

from __future__ import annotations

import math
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
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QCursor, QPainter, QPalette
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QToolTip, QVBoxLayout, QWidget

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


def nice_step(top: float, integers: bool = True) -> float:
    """A round tick interval (1, 2 or 5 times a power of ten) giving at most about six ticks up to `top`."""
    raw = max(top, 1.0) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= raw)
    return max(1.0, step) if integers else step


def _value_axis(top: float, title: str = "", integers: bool = True) -> QValueAxis:
    axis = QValueAxis()
    step = nice_step(top, integers)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setRange(0, step * max(1, math.ceil(top / step + 0.05)))
    axis.setLabelFormat("%d" if step >= 1 else "%.2f")
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


def ranked_chart(palette: QPalette, ranked: Sequence[tuple[str, int]], name: str) -> QChart:
    """Horizontal bars, the first at the top, numbered (a horizontal bar chart draws its first category at the
    bottom, so the list goes in reversed)."""
    ordered = list(reversed(ranked))
    labels = [
        f"{number}. {short(label)}" for number, (label, _n) in zip(range(len(ordered), 0, -1), ordered, strict=True)
    ]
    return bar_chart(palette, labels, [n for _label, n in ordered], name, horizontal=True)


def covered_chart(palette: QPalette, covered: Sequence[Covered]) -> QChart:
    return ranked_chart(palette, [(c.title, c.pieces) for c in covered], "Coverage pieces")


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
    titles = {(p.cost_cents / 100, float(p.reach)): p.title for p in points}

    def hovered(where: QPointF, state: bool) -> None:
        title = titles.get((where.x(), where.y()), "")
        QToolTip.showText(QCursor.pos(), f"{title}\n{where.x():,.2f} {currency} · {where.y():,.0f}" if state else "")

    series.hovered.connect(hovered)
    top_cost = max((p.cost_cents / 100 for p in points), default=0)
    cost = _value_axis(top_cost, f"Cost ({currency or 'no currency'})", integers=top_cost >= 5)
    reach = _value_axis(max((p.reach for p in points), default=0), "Comments and shares")
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
