"""The window's way to a story's readings and impact: store calls in transactions, then a signal.

Writes are also told to the StoryService (`story_updated`), so the story list and the dashboard refresh.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from journal.store import impact, readings
from journal.store.impact import Dashboard, Impact
from journal.store.listing import StoryQuery
from journal.store.readings import ReadingRead
from journal.ui.services.stories import StoryService


class ReachService(QObject):
    readings_changed = Signal(str)  # a reading of this story was added, changed or removed

    def __init__(self, service: StoryService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stories = service

    def history(self, story_id: str) -> list[ReadingRead]:
        with self.stories.journal.session() as session:
            return readings.history(story_id, session=session)

    def impact(self, story_id: str) -> Impact | None:
        with self.stories.journal.session() as session:
            return impact.story_impact(story_id, session=session)

    def dashboard(self, query: StoryQuery) -> Dashboard:
        """The impact dashboard's figures for the stories `query` finds. Any thread."""
        with self.stories.journal.session() as session:
            return impact.dashboard(session=session, query=query)

    def add(self, story_id: str, **fields: Any) -> ReadingRead:
        with self.stories.journal.write() as session:
            added = readings.add_reading(story_id, session=session, **fields)
        self._changed(story_id)
        return added

    def restore(self, reading: ReadingRead) -> None:
        with self.stories.journal.write() as session:
            readings.restore_reading(reading, session=session)
        self._changed(reading.story_id)

    def update(self, story_id: str, reading_id: str, changes: dict[str, Any]) -> None:
        with self.stories.journal.write() as session:
            changed = readings.update_reading(reading_id, changes, session=session)
        if changed:
            self._changed(story_id)

    def delete(self, story_id: str, reading_id: str) -> ReadingRead | None:
        with self.stories.journal.write() as session:
            removed = readings.delete_reading(reading_id, session=session)
        self._changed(story_id)
        return removed

    def _changed(self, story_id: str) -> None:
        self.readings_changed.emit(story_id)
        self.stories.story_written(story_id)
