"""Draws a story's title with, under it while searching, the matched extract with its words in bold."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from journal.store.search import SNIPPET_END, SNIPPET_START
from journal.ui.story_list_model import SnippetRole
from journal.ui.table_model import Index


def snippet_html(snippet: str) -> str:
    """The extract as HTML: user text escaped, only the match marks turned into bold."""
    escaped = html.escape(" ".join(snippet.split()))
    return escaped.replace(SNIPPET_START, "<b>").replace(SNIPPET_END, "</b>")


class SnippetDelegate(QStyledItemDelegate):
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
        elided = option.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided)
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(option.font)
        document.setHtml(snippet_html(snippet))
        document.setTextWidth(-1)
        painter.translate(text_rect.left(), text_rect.top() + half)
        clip = QRectF(0, 0, text_rect.width(), half)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        context.clip = clip
        document.documentLayout().draw(painter, context)
        painter.restore()
