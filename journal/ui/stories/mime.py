"""Stories dragged between lists (the story list, a case study's stories) travel as their ids."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData

STORY_IDS_MIME = "application/x-story-journal-story-ids"  # story ids, one per line


def story_ids_mime(story_ids: Sequence[str]) -> QMimeData:
    mime = QMimeData()
    mime.setData(STORY_IDS_MIME, "\n".join(story_ids).encode("ascii"))
    return mime


def story_ids_from(mime: QMimeData) -> list[str]:
    if not mime.hasFormat(STORY_IDS_MIME):
        return []
    text = bytes(mime.data(STORY_IDS_MIME).data()).decode("ascii", "replace")
    return [line.strip() for line in text.splitlines() if line.strip()]
