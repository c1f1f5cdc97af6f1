"""One suggestion in full, beside the inbox: the entry's title (a link to the post), its source and date, the
excerpt with the matched words in bold, why it was suggested, and the story; other stories it may be about.

Everything from a feed is shown as text: the excerpt is the radar's plain text (journal.radar.text, made with
nh3), and every piece of it, the title and the source are escaped here before they go into the page. Links
open in the browser only when they are http or https; the page loads nothing by itself.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from journal.radar.text import marked
from journal.ui.radar.inbox_model import SUGGESTION, InboxRow
from journal.words import counted

CHOOSE = "choose"  # an anchor choosing another story: choose:STORY_ID
STORY = "story"  # an anchor showing a story in the main window: story:STORY_ID
WEB = ("http", "https")


def excerpt_html(excerpt: str, matched: tuple[str, ...] | list[str]) -> str:
    """The excerpt escaped, the matched words in bold."""
    return "".join(
        f"<b>{html.escape(piece)}</b>" if bold else html.escape(piece) for piece, bold in marked(excerpt, matched)
    )


def _title_html(row: InboxRow) -> str:
    title = html.escape(row.title or row.link)
    if urlsplit(row.link).scheme.lower() in WEB:
        return f'<a href="{html.escape(row.link, quote=True)}">{title}</a>'
    return title


def _story_anchor(story_id: str, title: str) -> str:
    return f'<a href="{STORY}:{html.escape(story_id, quote=True)}">{html.escape(title or "(untitled)")}</a>'


def detail_html(row: InboxRow, muted: str) -> str:
    """The page for one row; `muted` is the colour of the line under the title."""
    said = [html.escape(row.source), row.day if row.published else f"found {row.day}"]
    if row.comment_count is not None:
        said.append(counted(row.comment_count, "comment", grouped=True))
    parts = [
        f"<h3>{_title_html(row)}</h3>",
        f'<p style="color:{muted}">{" · ".join(said)}</p>',
        f"<p>{excerpt_html(row.excerpt, row.matched)}</p>" if row.excerpt else "",
    ]
    if row.kind != SUGGESTION:
        parts.append(
            "<p>It matched none of your stories. If it is a story nobody wrote down yet, make it one with "
            "<b>New story from this</b>.</p>"
        )
        return "".join(parts)
    if row.state == "linked":
        where = _story_anchor(row.linked_story_id or row.story_id, row.story_title)
        parts.append(f"<p>Linked to {where}: it is a coverage link of that story.</p>")
        if row.drafted:
            parts.append("<p>A new draft story was made from it.</p>")
        return "".join(parts)
    parts.append(f"<p><b>Why:</b> {html.escape(row.explanation)}</p>")
    parts.append(f"<p><b>Suggested story:</b> {_story_anchor(row.story_id, row.story_title)}</p>")
    if row.state == "dismissed":
        parts.append("<p>Dismissed: it is not suggested again. <b>Take back</b> puts it in the inbox again.</p>")
    elif row.alternatives:
        others = [
            f'<li><a href="{CHOOSE}:{html.escape(other.story_id, quote=True)}">{html.escape(other.story_title)}</a>'
            f" — {html.escape(other.explanation)}</li>"
            for other in row.alternatives
        ]
        parts.append(f"<p>It may be about another story (click to suggest it instead):</p><ul>{''.join(others)}</ul>")
    return "".join(parts)


class SuggestionView(QTextBrowser):
    """Shows one row; a click on an alternative asks to choose it, on a story to show it."""

    choose_requested = Signal(str)  # a story id
    story_requested = Signal(str)  # a story id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("radarSuggestion")
        self.setAccessibleName("The suggestion")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._clicked)
        self.row: InboxRow | None = None
        self.show_row(None)

    def show_row(self, row: InboxRow | None) -> None:
        self.row = row
        if row is None:
            self.setHtml("")
            self.setPlaceholderText("Choose a suggestion to see what it says and why it was suggested.")
            return
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.setHtml(detail_html(row, muted))

    def _clicked(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == CHOOSE:
            self.choose_requested.emit(url.path())
        elif scheme == STORY:
            self.story_requested.emit(url.path())
        elif scheme in WEB:
            QDesktopServices.openUrl(url)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Nothing is loaded: not an image, not a style sheet (the page is built here, but to be sure)."""
        return None
