"""The readable copy of a coverage page, as it was fetched: works offline and after the page is gone."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from journal.coverage.capture import describe_content
from journal.store.stories import LinkRead
from journal.ui.services.links import LinkService


class SnapshotDialog(QDialog):
    def __init__(self, links: LinkService, link: LinkRead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snapshotDialog")
        snapshot = links.saved_copy(link.id)
        found = None if snapshot is None else (snapshot.title, snapshot.text, snapshot.url, snapshot.fetched_at)
        content_type = "" if snapshot is None else snapshot.content_type
        title = (found[0] if found else "") or link.title or link.url
        self.setWindowTitle(f"Saved copy — {title}")
        self.heading = QLabel(f"<b>{html.escape(title)}</b>")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setOpenExternalLinks(True)  # http(s) only: parse_url accepts nothing else
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setObjectName("snapshotText")
        self.text.setAccessibleName("Saved text of the page")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

        original = f'Original address: <a href="{html.escape(link.url)}">{html.escape(link.url)}</a>'
        if found is None:
            self.details.setText(original)
            self.text.setPlainText("No copy of this page was saved: it has not been fetched yet.")
            return
        _title, text, url, fetched_at = found
        lines = [original]
        if url and url != link.url:
            lines.append(f"Read from: {html.escape(url)}")
        lines.append(f"Saved {fetched_at:%Y-%m-%d %H:%M} UTC.")
        if link.health == "dead":
            lines.append("The page is gone now; this copy is what it said.")
        elif link.health == "moved":
            lines.append(f"The page has moved to {html.escape(link.final_url)}.")
        self.details.setText("<br>".join(lines))
        if text:
            self.text.setPlainText(text.replace("\n", "\n\n"))  # one paragraph a line, a blank line between
        elif content_type and not content_type.startswith("text/"):
            self.text.setPlainText(f"The link is {describe_content(content_type)}; no text was kept from it.")
        else:
            self.text.setPlainText("The page had no readable text to keep.")
