"""`Radar`: everything the command line and the window do with the coverage radar, over one open journal.

Each method is one short transaction, except `fetch`, which reads the network (or a folder) and blocks:
the window runs it on the coverage network pool with a `cancel` event and a `progress` callback, and
announces the changes itself (the radar has no signals: it is not Qt).

    radar = Radar(journal)
    radar.add_feed("https://example.com/feed.xml")
    report = radar.fetch(progress=print)                 # FetchReport: per source, new suggestions, offline
    for suggestion in radar.suggestions():              # SuggestionRead: title, source, date, excerpt, ...
        print(suggestion.explanation)                   # "mentions Zappos and 'flowers' and 'UPS pickup'"
    radar.link(suggestion.id)                           # or radar.link(suggestion.id, other_story_id)
    radar.dismiss(suggestion.id); radar.reopen(suggestion.id)   # Undo takes any decision back
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journal.radar import inbox, sources
from journal.radar.fetching import FetchReport, Progress, fetch_sources
from journal.radar.inbox import EntryRead, Linked, SuggestionRead
from journal.radar.sources import SourceRead

if TYPE_CHECKING:
    from journal.coverage.fetch import FetchSettings
    from journal.store.database import Journal


@dataclass(frozen=True)
class OpmlImport:
    added: list[SourceRead]
    already: int  # feeds of the file that were watched already
    skipped: int  # outlines whose address is not a web address


class Radar:
    def __init__(self, journal: Journal, settings: FetchSettings | None = None) -> None:
        self.journal = journal
        self.settings = settings

    # ------------------------------------------------------------ sources
    def add_feed(self, address: str, title: str = "") -> SourceRead:
        """Watch an RSS, Atom or JSON Feed address (FieldError for one that is not http(s); RadarError when
        it is watched already). Nothing is fetched until `fetch`."""
        with self.journal.write() as session:
            return sources.add_feed(address, title=title, session=session)

    def add_mail_folder(self, folder: Path) -> SourceRead:
        """Watch a folder of saved alert e-mails (.eml)."""
        with self.journal.write() as session:
            return sources.add_mail_folder(folder, session=session)

    def import_opml(self, path: Path) -> OpmlImport:
        """Watch every feed of an OPML file (OpmlError for a file that cannot be read; nothing is added then)."""
        from journal.radar.opml import read_opml

        found = read_opml(path)
        with self.journal.write() as session:
            added, already = sources.add_feeds(found.feeds, session=session)
        return OpmlImport(added, already, found.skipped)

    def sources(self) -> list[SourceRead]:
        with self.journal.session() as session:
            return sources.list_sources(session=session)

    def remove_source(self, source: str) -> SourceRead:
        """Stop watching a source (by id, start of id, or address); its undecided suggestions go."""
        with self.journal.write() as session:
            return sources.remove_source(sources.resolve_source(source, session=session), session=session)

    def excluded_domains(self) -> list[str]:
        with self.journal.session() as session:
            return sorted(sources.excluded_domains(session=session))

    def exclude_domain(self, domain: str) -> int:
        """Never suggest pages of `domain` (parsed with journal.radar.addresses.parse_domain) or its
        sub-domains; returns how many undecided suggestions went."""
        with self.journal.write() as session:
            return sources.exclude_domain(domain, session=session)

    def include_domain(self, domain: str) -> bool:
        with self.journal.write() as session:
            return sources.include_domain(domain, session=session)

    # ------------------------------------------------------------ reading the sources
    def fetch(
        self,
        *,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        force: bool = False,
        concurrency: int = 4,
        source_ids: list[str] | None = None,
    ) -> FetchReport:
        """Read every source that is due (or only `source_ids`: say, one just added) and match what is new.
        Blocks (network): never on the GUI thread."""
        return fetch_sources(
            self.journal,
            self.settings,
            source_ids=source_ids,
            force=force,
            concurrency=concurrency,
            progress=progress,
            cancel=cancel,
        )

    # ------------------------------------------------------------ the inbox
    def suggestions(
        self, states: tuple[str, ...] = (inbox.NEW,), limit: int | None = None, offset: int = 0
    ) -> list[SuggestionRead]:
        with self.journal.session() as session:
            return inbox.list_suggestions(session=session, states=states, limit=limit, offset=offset)

    def count_new(self) -> int:
        with self.journal.session() as session:
            return inbox.count_new(session=session)

    def suggestion(self, suggestion_id: str) -> SuggestionRead:
        with self.journal.session() as session:
            return inbox.get_suggestion(suggestion_id, session=session)

    def unmatched(self, limit: int = 50) -> list[EntryRead]:
        with self.journal.session() as session:
            return inbox.list_unmatched(session=session, limit=limit)

    def resolve(self, text: str) -> tuple[str, str]:
        """("suggestion" or "entry", full id) from an id or its first characters."""
        with self.journal.session() as session:
            return inbox.resolve(text, session=session)

    def link(self, suggestion_id: str, story_id: str | None = None) -> Linked:
        """Link the entry to its story (or `story_id`): a coverage link waiting to be fetched."""
        with self.journal.write() as session:
            return inbox.link(suggestion_id, story_id, session=session)

    def dismiss(self, suggestion_id: str) -> None:
        with self.journal.write() as session:
            inbox.dismiss(suggestion_id, session=session)

    def choose_story(self, suggestion_id: str, story_id: str) -> None:
        with self.journal.write() as session:
            inbox.choose_story(suggestion_id, story_id, session=session)

    def new_story(self, target_id: str, kind: str = "suggestion") -> Linked:
        """A draft story from a suggestion's (or an unmatched entry's) entry."""
        with self.journal.write() as session:
            return inbox.new_story(target_id, kind=kind, session=session)

    def reopen(self, suggestion_id: str) -> None:
        """Undo: the suggestion is new again (a link it made is removed, a draft story goes to the bin)."""
        with self.journal.write() as session:
            inbox.reopen(suggestion_id, session=session)
