"""How a coverage link's fetch state and health read in the coverage table: a word, an icon, a tooltip."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle

from journal.coverage.origin import origin_description
from journal.store.stories import LinkRead

_Icon = QStyle.StandardPixmap


def link_state(link: LinkRead) -> tuple[str, str, QStyle.StandardPixmap]:
    """(label, longer explanation, icon) for the link's state."""
    saved = link.fetched_at is not None
    checked = f" Checked {link.checked_at:%Y-%m-%d %H:%M} UTC." if link.checked_at else ""
    if link.health == "dead":
        copy = " A readable copy was saved: select the link and choose Read Saved Copy." if saved else ""
        label = "Dead — saved copy" if saved else "Dead"
        return label, f"The page is gone ({link.http_status}).{copy}{checked}", _Icon.SP_MessageBoxCritical
    if link.health == "moved":
        return "Moved", f"The page moved for good to {link.final_url}.{checked}", _Icon.SP_ArrowForward
    if link.fetch_state == "to_fetch" and link.origin:
        source = origin_description(link.origin)
        why = f"This link came from {source}; it is fetched only when you ask (Coverage ▸ Fetch Received Links)."
        return "Received", why, _Icon.SP_FileIcon
    if link.fetch_state == "to_fetch":
        why = link.fetch_error or "The page will be fetched in the background."
        return "To fetch", why, _Icon.SP_BrowserReload
    if link.fetch_state == "failed":
        return "Not fetched", link.fetch_error or "The page could not be read.", _Icon.SP_MessageBoxWarning
    when = f" on {link.fetched_at:%Y-%m-%d}" if link.fetched_at else ""
    return "Fetched", f"Fetched{when}; a readable copy is saved.{checked}", _Icon.SP_DialogApplyButton


def link_state_data(link: LinkRead, role: int) -> Any:
    if role == Qt.ItemDataRole.DisplayRole:
        return link_state(link)[0]
    if role == Qt.ItemDataRole.ToolTipRole:
        return link_state(link)[1]
    if role == Qt.ItemDataRole.DecorationRole:
        style = QApplication.style()
        return style.standardIcon(link_state(link)[2]) if style is not None else None
    return None
