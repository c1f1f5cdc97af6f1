"""The window's way into the journal: store calls with Qt signals, so views refresh when stories change.

The SQL stays in journal.store; this object only opens transactions and announces what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from journal.store import listing, stories
from journal.store.database import Journal
from journal.store.listing import ALL, StoryQuery, StoryRow
from journal.store.models import CoverageLinkBase
from journal.store.stories import LinkRead, StoryCreate, StoryRead

NEW_STORY_TITLE = "Untitled story"


class StoryService(QObject):
    stories_changed = Signal()  # stories were added, removed or restored: list membership changed
    story_updated = Signal(str)  # one story's content changed
    links_changed = Signal(str)  # a link was added to or removed from this story

    def __init__(self, journal: Journal, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = journal

    # ------------------------------------------------------------ reading
    def count(self, query: StoryQuery = ALL) -> int:
        with self.journal.session() as session:
            return listing.count_stories(session=session, query=query)

    def rows(self, offset: int, limit: int, query: StoryQuery = ALL) -> list[StoryRow]:
        with self.journal.session() as session:
            return listing.list_rows(session=session, query=query, offset=offset, limit=limit)

    def row(self, story_id: str, query: StoryQuery = ALL) -> StoryRow | None:
        with self.journal.session() as session:
            return listing.get_row(story_id, session=session, query=query)

    def row_of(self, story_id: str, query: StoryQuery = ALL) -> int | None:
        with self.journal.session() as session:
            return listing.row_of(story_id, session=session, query=query)

    def story(self, story_id: str) -> StoryRead:
        with self.journal.session() as session:
            return stories.get_story(story_id, session=session)

    def tag_names(self) -> list[str]:
        with self.journal.session() as session:
            return stories.tag_names(session=session)

    def distinct_values(self, field: str) -> list[str]:
        with self.journal.session() as session:
            return stories.distinct_values(field, session=session)

    # ------------------------------------------------------------ writing
    def create_story(self, title: str = NEW_STORY_TITLE) -> str:
        with self.journal.write() as session:
            story_id = stories.create_story(StoryCreate(title=title, occurred=dt.date.today()), session=session).id
        self.stories_changed.emit()
        return story_id

    def save(self, story_id: str, changes: dict[str, Any], tags: Sequence[str] | None = None) -> bool:
        """Field changes and (if given) the full tag list, in one transaction."""
        with self.journal.write() as session:
            changed = stories.update_story(story_id, changes, session=session)
            if tags is not None:
                changed = stories.set_story_tags(story_id, tags, session=session) or changed
        if changed:
            self.story_updated.emit(story_id)
        return changed

    def add_link(self, story_id: str, link: CoverageLinkBase) -> LinkRead:
        with self.journal.write() as session:
            created = stories.add_link(story_id, link, session=session)
        self.story_updated.emit(story_id)
        self.links_changed.emit(story_id)
        return created

    def update_link(self, story_id: str, link_id: str, changes: dict[str, Any]) -> None:
        with self.journal.write() as session:
            changed = stories.update_link(link_id, changes, session=session)
        if changed:
            self.story_updated.emit(story_id)

    def remove_link(self, story_id: str, link_id: str) -> None:
        with self.journal.write() as session:
            stories.remove_link(link_id, session=session)
        self.story_updated.emit(story_id)
        self.links_changed.emit(story_id)

    def delete_story(self, story_id: str) -> None:
        with self.journal.write() as session:
            stories.delete_story(story_id, session=session)
        self.stories_changed.emit()

    def restore_story(self, story_id: str) -> None:
        with self.journal.write() as session:
            stories.restore_story(story_id, session=session)
        self.stories_changed.emit()

    def purge_deleted(self) -> int:
        with self.journal.write() as session:
            return stories.purge_deleted(session=session)
