"""The window's way into the journal: store calls with Qt signals, so views refresh when stories change.

The SQL stays in journal.store; this object only opens transactions and announces what changed. The other
services (readings, links, conflicts, imports) write parts of stories too; they tell this one, which
announces it, so that its signals have one emitter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlmodel import Session

from journal.store import listing, saved, stories, tags
from journal.store.database import Journal
from journal.store.listing import ALL, StoryQuery, StoryRow
from journal.store.models import CoverageLinkBase
from journal.store.saved import SavedRows
from journal.store.stories import LinkRead, StoryCreate, StoryRead
from journal.store.tags import Snapshot

if TYPE_CHECKING:
    from journal.bundles.edits import Saved, Shown

NEW_STORY_TITLE = "Untitled story"
MANY_PULLED = 10  # more stories than this in a pulled page: announced all at once, not one by one


@dataclass(frozen=True)
class FirstPage:
    count: int
    rows: list[StoryRow]
    shown: StoryQuery  # the query the rows answer: the one asked, or it with a typo corrected
    corrected: str | None = None  # the corrected words, when the rows are for them


class StoryService(QObject):
    stories_changed = Signal()  # stories were added, removed or restored: list membership changed
    story_updated = Signal(str)  # one story's content changed
    links_changed = Signal(str)  # a link was added to or removed from this story, or a fetch/check filled one
    library_changed = Signal()  # tags were renamed, merged, deleted or recoloured, or saved searches changed

    def __init__(self, journal: Journal, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = journal

    @property
    def path(self) -> Path:
        return self.journal.path

    @property
    def read_only(self) -> bool:
        """The journal could not be opened for writing: nothing can be saved."""
        return self.journal.read_only

    # ------------------------------------------------------------ reading
    def count(self, query: StoryQuery = ALL) -> int:
        with self.journal.session() as session:
            return listing.count_stories(session=session, query=query, index=self.journal.search_index)

    def rows(
        self, offset: int, limit: int, query: StoryQuery = ALL, with_snippets: int | None = None
    ) -> list[StoryRow]:
        with self.journal.session() as session:
            return listing.list_rows(
                session=session,
                query=query,
                offset=offset,
                limit=limit,
                with_snippets=with_snippets,
                index=self.journal.search_index,
            )

    def first_page(self, query: StoryQuery, size: int, with_snippets: int) -> FirstPage:
        """What the list needs to show a new search: how many stories match, and the first page. When the words
        as typed find nothing and one of them looks mistyped, the results for the corrected words."""
        index = self.journal.search_index
        with self.journal.session() as session:
            count, rows = listing.first_page(
                session=session, query=query, limit=size, with_snippets=with_snippets, index=index
            )
            fixed = None if count else listing.corrected_query(query, session=session)
            if fixed is None:
                return FirstPage(count, rows, query)
            count, rows = listing.first_page(
                session=session, query=fixed, limit=size, with_snippets=with_snippets, index=index
            )
            return FirstPage(count, rows, fixed, fixed.text) if count else FirstPage(0, [], query)

    def snippets(self, documents: Sequence[int], query: StoryQuery) -> dict[int, str]:
        with self.journal.session() as session:
            return listing.snippets(documents, query, session=session)

    def row(self, story_id: str, query: StoryQuery = ALL) -> StoryRow | None:
        with self.journal.session() as session:
            return listing.get_row(story_id, session=session, query=query)

    def row_of(self, story_id: str, query: StoryQuery = ALL) -> int | None:
        with self.journal.session() as session:
            return listing.row_of(story_id, session=session, query=query, index=self.journal.search_index)

    def story(self, story_id: str) -> StoryRead:
        with self.journal.session() as session:
            return stories.get_story(story_id, session=session)

    def shown(self, story_id: str) -> tuple[StoryRead, Shown]:
        """The story, and what an editor showing it saves over (journal/bundles/edits.py), read together."""
        from journal.bundles.edits import read_shown

        with self.journal.session() as session:
            return read_shown(story_id, session=session)

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

    def save_typed(
        self, story_id: str, seen: Shown, changes: dict[str, Any], tags: Sequence[str] | None = None
    ) -> Saved:
        """An editor's fields, saved over the version it was shown: what the person typed is written, and a
        version the journal took meanwhile (a sync, an import) is kept beside it as a conflict, never erased."""
        from journal.bundles.edits import save_typed

        with self.journal.write() as session:
            saved = save_typed(story_id, seen, changes, tags, session=session)
        if saved.changed:
            self.story_updated.emit(story_id)
        if saved.revived:  # back in the lists, once the slot that saved (a list moving on, say) has returned
            QTimer.singleShot(0, self, self.stories_changed.emit)
        return saved

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

    def allow_private(self, story_id: str, link_id: str) -> bool:
        """Let a link the person added be fetched from their own network (they said yes when asked)."""
        with self.journal.write() as session:
            allowed = stories.allow_private_fetch(link_id, session=session)
        if allowed:
            self.links_changed.emit(story_id)
        return allowed

    def remove_link(self, story_id: str, link_id: str) -> stories.RemovedLink | None:
        with self.journal.write() as session:
            removed = stories.remove_link(link_id, session=session)
        self.story_updated.emit(story_id)
        self.links_changed.emit(story_id)
        return removed

    def put_back_link(self, story_id: str, removed: stories.RemovedLink) -> None:
        with self.journal.write() as session:
            stories.put_back_link(removed, session=session)
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

    # ------------------------------------------------------------ tags and saved searches
    def tag_counts(self) -> list[tuple[str, int]]:
        with self.journal.session() as session:
            return listing.tag_counts(session=session)

    def tag_colors(self) -> dict[str, str]:
        with self.journal.session() as session:
            return tags.colors(session=session)

    def saved_searches(self) -> list[tuple[str, str, StoryQuery]]:
        with self.journal.session() as session:
            return saved.all_saved(session=session)

    def saved_search(self, search_id: str) -> StoryQuery | None:
        with self.journal.session() as session:
            found = saved.get(search_id, session=session)
        return None if found is None else found[1]

    def change_tags(self, names: Sequence[str], change: Callable[[Session], None]) -> tuple[Snapshot, Snapshot]:
        """Run a tag operation on these tags (and their nested ones); returns (before, after) for undo."""
        with self.journal.write() as session:
            ids = tags.affected_ids(names, session=session)
            before = tags.snapshot(ids, session=session)
            change(session)
            session.flush()
            ids |= tags.affected_ids(names, session=session)
            after = tags.snapshot(ids, session=session)
            before.update({tag_id: None for tag_id in ids - before.keys()})
        self._library_changed()
        return before, after

    def restore_tags(self, state: Snapshot) -> None:
        with self.journal.write() as session:
            tags.restore(state, session=session)
        self._library_changed()

    def change_saved(self, change: Callable[[Session], object]) -> tuple[SavedRows, SavedRows]:
        with self.journal.write() as session:
            before = saved.snapshot(session=session)
            change(session)
            session.flush()
            after = saved.snapshot(session=session)
        self.library_changed.emit()
        return before, after

    def restore_saved(self, rows: SavedRows) -> None:
        with self.journal.write() as session:
            saved.restore(rows, session=session)
        self.library_changed.emit()

    def _library_changed(self) -> None:
        self.library_changed.emit()
        self.stories_changed.emit()  # tag names show in the list and are searched

    # ------------------------------------------------------------ what the other services wrote
    def story_written(self, story_id: str, *, tags: bool = False) -> None:
        """Another service changed this story (a reading, a resolved conflict; `tags`: its tags too)."""
        self.story_updated.emit(story_id)
        if tags:
            self.library_changed.emit()

    def links_written(self, story_id: str) -> None:
        """A fetch or a link check filled in this story's links."""
        self.links_changed.emit(story_id)

    def links_added(self, story_id: str) -> None:
        """Another service added or removed a link of this story (the radar's, or its undo): the story list
        shows it, and the link fetcher fetches a new link's page."""
        self.story_updated.emit(story_id)
        self.links_changed.emit(story_id)

    def stories_added(self) -> None:
        """Another service added a story or put one in the bin (the radar's draft, or its undo)."""
        self.stories_changed.emit()

    def stories_written(self) -> None:
        """Stories and tags were added, changed or deleted in bulk (an import, a resolved deletion)."""
        self.stories_changed.emit()
        self.library_changed.emit()

    def stories_pulled(self, story_ids: Sequence[str], *, came_or_went: bool) -> None:
        """A team sync brought these stories (changed elsewhere, or a version kept in conflict); `came_or_went`:
        some are new here or gone (the lists read their stories again)."""
        if len(story_ids) > MANY_PULLED:
            self.stories_written()  # all at once: the lists read their rows again, the editor its story
            return
        if came_or_went:
            self.stories_changed.emit()
        for story_id in story_ids:
            self.story_updated.emit(story_id)
            self.links_changed.emit(story_id)

    def purge_deleted(self) -> int:
        with self.journal.write() as session:
            return stories.purge_deleted(session=session)
