"""Draws a story's title with, under it while searching, the matched extract with its words in bold."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from journal.store.search import SNIPPET_END, SNIPPET_START
from journal.ui.stories.list_model import SnippetRole
from journal.ui.widgets.table_model import Index

_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def extract_runs(snippet: str) -> list[tuple[str, bool]]:
    """The extract as (text, matched) runs, white space folded. The text is drawn as plain text, so
    nothing a person wrote is ever read as markup."""
    text = " ".join(snippet.split())
    runs: list[tuple[str, bool]] = []
    for number, part in enumerate(text.split(SNIPPET_START)):
        if number == 0:
            runs.append((part, False))
            continue
        matched, _, rest = part.partition(SNIPPET_END)
        runs += [(matched, True), (rest, False)]
    return [(run, matched) for run, matched in runs if run]


class SnippetDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._faces_for = ""
        self._faces_cache: dict[bool, tuple[QFont, QFontMetrics]] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        snippet = index.data(SnippetRole)
        if not snippet:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        text_rect = option.rect.adjusted(4, 2, -4, -2)
        half = text_rect.height() // 2
        title = option.text
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(option.palette.color(role))
        title_rect = text_rect.adjusted(0, 0, 0, -half)
        painter.drawText(
            title_rect, _FLAGS, option.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
        )
        self._draw_extract(painter, option.font, snippet, text_rect.adjusted(0, half, 0, 0))
        painter.restore()

    def _draw_extract(self, painter: QPainter, font: QFont, snippet: str, rect: QRect) -> None:
        """Plain and bold runs side by side, cut with an ellipsis at the cell's edge. (No rich-text engine:
        it is slow to start, and this runs for every visible row.)"""
        faces = self._faces(font)
        x, right = rect.left(), rect.right()
        for text, matched in extract_runs(snippet):
            face, metrics = faces[matched]
            painter.setFont(face)
            width = metrics.horizontalAdvance(text)
            if x + width > right:
                clipped = metrics.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                painter.drawText(QRect(x, rect.top(), right - x, rect.height()), _FLAGS, clipped)
                return
            painter.drawText(QRect(x, rect.top(), width + 1, rect.height()), _FLAGS, text)
            x += width

    def _faces(self, font: QFont) -> dict[bool, tuple[QFont, QFontMetrics]]:
        """The plain and bold faces of the view's font with their metrics, made once per font, not per run of
        every row painted (a search repaints a screenful of rows at each keystroke)."""
        key = font.key()
        if self._faces_for != key:
            bold = QFont(font)
            bold.setBold(True)
            self._faces_cache = {False: (QFont(font), QFontMetrics(font)), True: (bold, QFontMetrics(bold))}
            self._faces_for = key
        return self._faces_cache
