"""The window's way to the coverage radar (journal.radar.api.Radar): the sources watched, reading them, the
inbox of suggestions, and what a person decides about each.

Sources and decisions are short write transactions, on the GUI thread. `fetch` reads and matches in a child
process and blocks until it is done: whoever runs it does so on the network pool, then calls
`announce_fetched` on the GUI thread. This
service is the only emitter of `inbox_changed` and `sources_changed`; what a decision does to a story (a
coverage link, a draft story) is told to the StoryService, which announces it, and the link fetcher then
fetches the new link's page as it does for a pasted link.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from journal.ui.services.stories import StoryService

if TYPE_CHECKING:
    from journal.coverage.fetch import FetchSettings
    from journal.radar.api import OpmlImport, Radar
    from journal.radar.inbox import EntryRead, Linked, SuggestionRead
    from journal.radar.progress import FetchReport, Progress
    from journal.radar.sources import SourceRead

NEW = "new"  # journal.radar.inbox.NEW: the radar's modules are loaded when first used, not at start-up


class RadarService(QObject):
    inbox_changed = Signal()  # suggestions were added, decided or taken back
    sources_changed = Signal()  # sources or excluded domains were added or removed, or sources were read

    def __init__(self, stories: StoryService, settings: FetchSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.stories = stories
        self.settings = settings
        self._radar: Radar | None = None

    @property
    def radar(self) -> Radar:
        """Made when first used (on whichever thread): the feed readers and the matcher load then."""
        if self._radar is None:
            from journal.radar.api import Radar

            self._radar = Radar(self.stories.journal, self.settings)
        return self._radar

    @property
    def read_only(self) -> bool:
        return self.stories.read_only

    # ------------------------------------------------------------ reading: any thread
    def suggestions(self, states: tuple[str, ...] = (NEW,), limit: int | None = None) -> list[SuggestionRead]:
        return self.radar.suggestions(states, limit=limit)

    def suggestion(self, suggestion_id: str) -> SuggestionRead:
        return self.radar.suggestion(suggestion_id)

    def unmatched(self, limit: int) -> list[EntryRead]:
        return self.radar.unmatched(limit)

    def count_new(self) -> int:
        return self.radar.count_new()

    def sources(self) -> list[SourceRead]:
        return self.radar.sources()

    def excluded_domains(self) -> list[str]:
        return self.radar.excluded_domains()

    # ------------------------------------------------------------ sources: GUI thread
    def add_feed(self, address: str) -> SourceRead:
        """Watch a feed (FieldError: not a web address; RadarError: watched already)."""
        added = self.radar.add_feed(address)
        self.sources_changed.emit()
        return added

    def add_mail_folder(self, folder: Path) -> SourceRead:
        added = self.radar.add_mail_folder(folder)
        self.sources_changed.emit()
        return added

    def import_opml(self, path: Path) -> OpmlImport:
        """Watch every feed of an OPML file (OpmlError: the file cannot be read; nothing is added then)."""
        imported = self.radar.import_opml(path)
        if imported.added:
            self.sources_changed.emit()
        return imported

    def remove_source(self, source_id: str) -> SourceRead:
        """Stop watching a source; its suggestions waiting for a decision go with it."""
        removed = self.radar.remove_source(source_id)
        self.sources_changed.emit()
        self.inbox_changed.emit()
        return removed

    def exclude_domain(self, text: str) -> tuple[str, int]:
        """Never suggest pages of the domain `text` names (FieldError: not a domain); returns the domain as
        kept and how many waiting suggestions went."""
        from journal.radar.addresses import parse_domain

        domain = parse_domain(text)
        gone = self.radar.exclude_domain(domain)
        self.sources_changed.emit()
        if gone:
            self.inbox_changed.emit()
        return domain, gone

    def include_domain(self, domain: str) -> bool:
        changed = self.radar.include_domain(domain)
        if changed:
            self.sources_changed.emit()
        return changed

    # ------------------------------------------------------------ reading the sources: a pool thread
    def fetch(
        self,
        progress: Callable[[Progress], None],
        cancel: threading.Event,
        *,
        force: bool = False,
        source_ids: list[str] | None = None,
    ) -> FetchReport:
        """Read the sources that are due (or `source_ids`) and match what is new, in a process of its own (so
        the window's thread never shares the interpreter lock with parsing and matching: journal/radar/child.py).
        Blocks: on a pool thread."""
        from journal.radar.child import fetch_in_child
        from journal.radar.progress import FetchReport

        if not self.radar.sources():
            return FetchReport()  # nothing to read: no process is started for it
        return fetch_in_child(
            self.stories.path, self.settings, progress=progress, cancel=cancel, force=force, source_ids=source_ids
        )

    def announce_fetched(self, report: FetchReport | None) -> None:
        """On the GUI thread, once a fetch has ended (None: it failed): the sources' states changed, and the
        inbox when something was matched."""
        self.sources_changed.emit()
        if report is None or report.matched or report.suggested:
            self.inbox_changed.emit()

    # ------------------------------------------------------------ deciding: GUI thread
    def link(self, suggestion_id: str, story_id: str | None = None) -> Linked:
        """The entry becomes a coverage link of its story (or `story_id`), waiting to be fetched."""
        linked = self.radar.link(suggestion_id, story_id)
        self.inbox_changed.emit()
        if not linked.already:
            self.stories.links_added(linked.story_id)
        return linked

    def dismiss(self, suggestion_id: str) -> None:
        self.radar.dismiss(suggestion_id)
        self.inbox_changed.emit()

    def choose_story(self, suggestion_id: str, story_id: str) -> None:
        self.radar.choose_story(suggestion_id, story_id)
        self.inbox_changed.emit()

    def new_story(self, target_id: str, kind: str = "suggestion") -> Linked:
        """A draft story from the entry (its title, date, address and excerpt filled in)."""
        made = self.radar.new_story(target_id, kind)
        self.inbox_changed.emit()
        self.stories.stories_added()
        self.stories.links_added(made.story_id)
        return made

    def reopen(self, suggestion_id: str) -> None:
        """Undo any decision: the suggestion is new again, a link it made is removed, a draft goes to the bin."""
        before = self.radar.suggestion(suggestion_id)
        self.radar.reopen(suggestion_id)
        self.inbox_changed.emit()
        if before.drafted:
            self.stories.stories_added()
        if before.linked_story_id:
            self.stories.links_added(before.linked_story_id)
