"""The window's way to coverage pages: the links waiting to be fetched, fetching and checking them, and the
readable copies kept of them.

`fetch` and `check` run on a pool thread: each page's result is written in its own short transaction as it
arrives. Whoever ran them says, on the GUI thread, which stories they filled (`announce`), a batch at a time,
and the views showing those stories' links re-read them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from journal.coverage import batch
from journal.coverage.capture import Stored, count_pending, pending_ids, snapshot_of
from journal.coverage.fetch import FetchSettings
from journal.coverage.health import Checked
from journal.ui.services.stories import StoryService

Progress = Callable[[int, int, Any], None]  # done, total, the result just written


@dataclass(frozen=True)
class SavedCopy:
    """A link's readable copy, as it was fetched."""

    title: str
    text: str
    url: str
    fetched_at: dt.datetime
    content_type: str


class LinkService:
    def __init__(self, stories: StoryService) -> None:
        self.stories = stories
        self._journal = stories.journal

    def waiting(self, story_id: str | None = None, *, received: bool = False, limit: int | None = None) -> list[str]:
        """The links still to be fetched (of one story: an indexed look-up), oldest first, at most `limit`; with
        `received`, also those that came from elsewhere (bundles, the team), which wait until a person asks.
        Any thread."""
        with self._journal.session() as session:
            return pending_ids(session=session, story_id=story_id, received=received, limit=limit)

    def waiting_count(self) -> int:
        with self._journal.session() as session:
            return count_pending(session=session)

    def fetch(
        self, settings: FetchSettings, link_ids: list[str], progress: Progress, cancel: threading.Event
    ) -> batch.Run[Stored]:
        """Fetch these links' pages, filling what the person did not type. On a pool thread."""
        return batch.fetch_pending(self._journal, settings, link_ids=link_ids, progress=progress, cancel=cancel)

    def check(self, settings: FetchSettings, progress: Progress, cancel: threading.Event) -> batch.Run[Checked]:
        """Ask every link's site whether its page is still there. On a pool thread."""
        return batch.check_all(self._journal, settings, progress=progress, cancel=cancel)

    def saved_copy(self, link_id: str) -> SavedCopy | None:
        with self._journal.session() as session:  # one row by its key
            found = snapshot_of(link_id, session=session)
            if found is None:
                return None
            return SavedCopy(found.title, found.text, found.url, found.fetched_at, found.content_type)

    def announce(self, story_ids: Iterable[str]) -> None:
        """On the GUI thread: a fetch or a check filled in these stories' links."""
        for story_id in story_ids:
            self.stories.links_written(story_id)
