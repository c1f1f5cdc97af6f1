"""Keeping the search index (journal.store.search_index) up to date from the window, never on the GUI thread.

After the window has painted its first rows, the index is opened and brought up to date on a pool thread
(built, with progress in the status bar, when it is missing or belongs to another file); until it is ready,
FTS5 answers searches. Each save notes its stories in the journal's change log, and a short while after the
last one the index catches up, then the WAL is checkpointed into the journal file (which saves no longer do
themselves). Neither takes the journal's write lock, so a save never waits for them. A catch-up that fails
(another process writing the index) is simply tried again after the next change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from PySide6.QtCore import QObject, QTimer, Signal

from journal.store.search_index import IndexUnavailable, SearchIndex
from journal.ui.services.background import run_in_background
from journal.ui.services.stories import StoryService

T = TypeVar("T")
CATCH_UP_DELAY_MS = 400


class SearchIndexer(QObject):
    progress = Signal(str)  # a sentence for the status bar while the index is built
    ready = Signal()  # the index answers searches (and agrees with the journal as of now)

    def __init__(self, stories: StoryService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stories = stories
        self._journal = stories.journal
        self._running = False
        self._again = False
        self._closed = False
        self._timer = QTimer(self, singleShot=True, interval=CATCH_UP_DELAY_MS)
        self._timer.timeout.connect(self.catch_up)
        for signal in (stories.stories_changed, stories.library_changed):
            signal.connect(self._changed)
        stories.story_updated.connect(self._changed)
        stories.links_changed.connect(self._changed)

    def start(self) -> None:
        """Open the index and bring it up to date (or build it), in the background."""
        path, read_only, relay = self._journal.path, self._journal.read_only, self.progress

        def work() -> SearchIndex | None:
            index = SearchIndex(path)
            if read_only:  # nothing can be written beside the journal: use the index only if it agrees
                return index if index.ready and not index.needs_rebuild() and index.behind() == 0 else None
            if index.needs_rebuild():  # a big journal says how far it got (every 5,000 stories); a small one is quick
                reported: list[int] = []

                def progress(done: int, total: int) -> None:
                    reported.append(done)
                    relay.emit(f"Building the search index… {100 * done // max(total, 1)}%")

                index.rebuild(progress)
                if reported:
                    relay.emit("The search index is built.")
            else:
                index.catch_up()
            return index

        self._run(work, self._opened)

    def close(self) -> None:
        self._closed = True
        self._timer.stop()

    def start_checkpointing(self) -> None:
        """Saves no longer checkpoint the WAL themselves; catching up does it afterwards (Journal.checkpoint)."""
        if not self._journal.read_only:
            self._journal.checkpoints_on_commit = False

    def _opened(self, index: SearchIndex | None) -> None:
        if index is not None and not self._closed:
            self._journal.search_index = index
            self.ready.emit()

    def _changed(self, *_args: object) -> None:
        if not self._closed and not self._journal.read_only:
            self._timer.start()

    def catch_up(self) -> None:
        if self._closed:
            return
        index = self._journal.search_index
        if index is None:  # not built yet, or cannot be: the checkpoint still comes after the saves
            self._run(self._journal.checkpoint, lambda _none: None)
            return
        self._run(index.catch_up, lambda _done: self._caught_up())

    def _caught_up(self) -> None:
        self._run(self._journal.checkpoint, lambda _none: None)  # the saves' WAL into the file, off the GUI thread

    def _run(self, work: Callable[[], T], then: Callable[[T], None]) -> None:
        """One piece of index work at a time; a change during it runs a catch-up after it."""
        if self._running:
            self._again = True
            return
        self._running = True

        def done(result: T, error: BaseException | None) -> None:
            self._running = False
            if error is None:
                then(result)
            elif not isinstance(error, IndexUnavailable | OSError | sqlite3.Error | sa.exc.DBAPIError):
                self.progress.emit(f"The search index could not be updated ({error}); searches use the journal.")
            if self._again and not self._closed:
                self._again = False
                self._timer.start()

        run_in_background(self, work, done)
