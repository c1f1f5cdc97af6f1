"""The search index for searching as you type: a Tantivy index derived from the journal, beside its file.

Why not FTS5 alone: a ranked FTS5 query scores every story that matches (bm25 has no top-k), so a common
3-letter prefix (15,000 stories of 100,000) takes 50-250 ms. Tantivy keeps the best 200 with block-max WAND in
a few milliseconds (benchmarks/search_bench.py measures both, side by side, on the same journal).

The journal stays the truth. Every change to what a story's search document holds (its texts, tags, coverage;
deleting it) is written in the same transaction into `search_change` (story id, sequence number) by SQLite
triggers (journal.store.search). The index remembers the highest sequence number it holds (its watermark, in
`state.json`, written only after Tantivy's commit has returned), and catching up re-indexes the stories changed
after it. So a crash or a kill at any moment leaves the index at most behind, never ahead or wrong: the next
catch-up re-applies what it may have missed (re-indexing a story is idempotent). An index that belongs to
another journal (a restored backup, a copied file), or is missing or unreadable, is built again beside the old
one, which serves searches until the new one takes its place.

Results follow the README's promise: every word must match (in any field), each word of two letters or more as
a prefix, a lone digit or CJK character as a whole word; best match first (BM25, a word in the title counts ten
times one in the body: the same weights as journal.store.search.COLUMNS), ties in story order.

No Qt here: the window runs catch_up() and rebuild() on a pool thread, the command line runs them in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from journal.store import search

SUFFIX = ".search"
FORMAT = 1  # bump when the schema or the tokenizer changes: an index of another format is rebuilt
STATE_FILE = "state.json"
TOKENIZER = "journal"
FIELDS = tuple(search.COLUMNS)  # (field, weight)
BATCH = 500  # stories re-indexed per read of the journal while catching up
CATCH_UP_HEAP = 16_000_000
REBUILD_HEAP = 48_000_000
MAX_EXPANSION = 4096  # terms a prefix may stand for (a 2-letter prefix of a big journal has a few thousand)


class IndexUnavailable(Exception):
    """The index cannot be written now (another process holds its writer, or the folder is read-only)."""


def folder_of(journal_path: Path) -> Path:
    return journal_path.with_name(journal_path.name + SUFFIX)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("story", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("doc", stored=True, indexed=False)
    for name, _weight in FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name=TOKENIZER, index_option="freq")
    return builder.build()


def _analyzer() -> tantivy.TextAnalyzer:
    """Letters and digits, lower case, accents folded: the words FTS5's unicode61 (remove_diacritics 2) sees."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(search.MAX_WORD_LENGTH * 4))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


@dataclass(frozen=True)
class State:
    replica: str
    watermark: int
    format: int = FORMAT

    @classmethod
    def read(cls, folder: Path) -> State | None:
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            return cls(replica=str(data["replica"]), watermark=int(data["watermark"]), format=int(data["format"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, folder: Path) -> None:
        """Atomically: a new file, synced, renamed over the old one."""
        temporary = folder / (STATE_FILE + ".new")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"replica": self.replica, "watermark": self.watermark, "format": self.format}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(folder / STATE_FILE)


@dataclass(frozen=True)
class Hits:
    total: int
    stories: list[tuple[str, int]]  # (story id, search_doc id), best first


@dataclass(frozen=True)
class Journal:
    """Where the index reads the journal: its file, read through plain sqlite3 (no SQLAlchemy needed)."""

    path: Path

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: a consistent snapshot of the journal (WAL lets the writer go on)."""
        connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=10, isolation_level=None)
        try:
            connection.execute("BEGIN")
            yield connection
        finally:
            connection.close()


def journal_position(connection: sqlite3.Connection) -> tuple[str, int]:
    """(replica id, the newest change's sequence number) of a journal."""
    row = connection.execute("SELECT value FROM journal_meta WHERE key = 'replica_id'").fetchone()
    newest = connection.execute(f"SELECT coalesce(max(seq), 0) FROM {search.CHANGE_TABLE}").fetchone()[0]
    return (str(row[0]) if row else ""), int(newest)


def _count(result: tantivy.SearchResult) -> int:
    """The number of matches a search asked to count (count=True)."""
    return int(getattr(result, "count", None) or 0)


class SearchIndex:
    """An open index. Searches may run on any thread while one thread catches up or rebuilds."""

    def __init__(self, journal_path: Path) -> None:
        self.journal = Journal(journal_path)
        self.folder = folder_of(journal_path)
        self.schema = _schema()
        self.analyzer = _analyzer()
        self._index: tantivy.Index | None = None
        self._searcher: tantivy.Searcher | None = None
        self._state: State | None = None
        self._swap = threading.Lock()
        self._writing = threading.Lock()
        self._open_existing()

    # ------------------------------------------------------------ state
    @property
    def ready(self) -> bool:
        """There is an index to search (perhaps behind the journal: see `behind`)."""
        return self._searcher is not None

    @property
    def watermark(self) -> int:
        return self._state.watermark if self._state else -1

    def _open_existing(self) -> None:
        state = State.read(self.folder)
        if state is None or state.format != FORMAT:
            return
        try:
            index = tantivy.Index(self.schema, path=str(self.folder), reuse=True)
        except (OSError, ValueError):
            return
        index.register_tokenizer(TOKENIZER, self.analyzer)
        index.reload()
        self._install(index, state)

    def _install(self, index: tantivy.Index, state: State) -> None:
        with self._swap:
            self._index, self._searcher, self._state = index, index.searcher(), state

    def needs_rebuild(self) -> bool:
        """No index, another format, another journal's, or ahead of this journal (a backup put back)."""
        if self._state is None or not self.ready:
            return True
        with self.journal.reading() as connection:
            replica, newest = journal_position(connection)
        return replica != self._state.replica or newest < self._state.watermark

    def behind(self) -> int:
        """How many changed stories the index does not hold yet (0: it agrees with the journal)."""
        if self._state is None:
            return -1
        with self.journal.reading() as connection:
            return int(
                connection.execute(
                    f"SELECT count(*) FROM {search.CHANGE_TABLE} WHERE seq > ?", (self._state.watermark,)
                ).fetchone()[0]
            )

    # ------------------------------------------------------------ writing
    def _documents(self, connection: sqlite3.Connection, story_ids: Sequence[str] | None) -> Iterator[Any]:
        sql = search.document_sql() + " WHERE s.deleted_at IS NULL"
        if story_ids is None:
            yield from connection.execute(sql)
            return
        marks = ", ".join("?" for _ in story_ids)
        yield from connection.execute(f"{sql} AND s.id IN ({marks})", tuple(story_ids))

    def _document(self, row: Sequence[Any]) -> tantivy.Document:
        document = tantivy.Document(story=row[0], doc=row[1])
        for (name, _weight), text in zip(FIELDS, row[2:], strict=True):
            if text:
                document.add_text(name, text)
        return document

    def _writer(self, index: tantivy.Index, heap: int) -> Any:
        try:
            return index.writer(heap_size=heap, num_threads=1)
        except (ValueError, OSError) as error:  # another process (a window, a command) is writing it
            raise IndexUnavailable(str(error)) from None

    def catch_up(self, *, limit: int | None = None) -> int:
        """Re-index the stories changed after the watermark; returns how many. Rebuild first if needed."""
        if self.needs_rebuild():
            return self.rebuild()
        assert self._index is not None and self._state is not None
        with self._writing:
            done = 0
            with self.journal.reading() as connection:
                changed = connection.execute(
                    f"SELECT story_id, seq FROM {search.CHANGE_TABLE} WHERE seq > ? ORDER BY seq",
                    (self._state.watermark,),
                ).fetchall()
                if limit is not None:
                    changed = changed[:limit]
                if not changed:
                    return 0
                writer = self._writer(self._index, CATCH_UP_HEAP)
                try:
                    for start in range(0, len(changed), BATCH):
                        chunk = [story_id for story_id, _seq in changed[start : start + BATCH]]
                        for story_id in chunk:
                            writer.delete_documents_by_term("story", story_id)
                        for row in self._documents(connection, chunk):
                            writer.add_document(self._document(row))
                        done += len(chunk)
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    writer.rollback()
                    raise
            state = State(self._state.replica, int(changed[-1][1]))
            state.write(self.folder)  # only after the commit: the watermark is never ahead of the index
            self._index.reload()
            self._install(self._index, state)
            return done

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index every story into a new folder, then put it in place of the old one (which serves meanwhile)."""
        with self._writing:
            building = self.folder.with_name(self.folder.name + f".building-{os.getpid()}")
            shutil.rmtree(building, ignore_errors=True)
            try:
                building.mkdir()
            except OSError as error:
                raise IndexUnavailable(str(error)) from None
            try:
                index = tantivy.Index(self.schema, path=str(building), reuse=False)
                index.register_tokenizer(TOKENIZER, self.analyzer)
                writer = self._writer(index, REBUILD_HEAP)
                with self.journal.reading() as connection:
                    replica, newest = journal_position(connection)  # in the snapshot the documents come from
                    total = int(connection.execute("SELECT count(*) FROM story WHERE deleted_at IS NULL").fetchone()[0])
                    count = 0
                    for row in self._documents(connection, None):
                        writer.add_document(self._document(row))
                        count += 1
                        if progress is not None and count % 5000 == 0:
                            progress(count, total)
                writer.commit()
                writer.wait_merging_threads()
                del writer
                state = State(replica, newest)
                state.write(building)
                self._replace(building)
            except BaseException:
                shutil.rmtree(building, ignore_errors=True)
                raise
            final = tantivy.Index(self.schema, path=str(self.folder), reuse=True)
            final.register_tokenizer(TOKENIZER, self.analyzer)
            final.reload()
            self._install(final, state)
            return count

    def _replace(self, building: Path) -> None:
        old = self.folder.with_name(self.folder.name + f".old-{os.getpid()}")
        if self.folder.exists():
            self.folder.rename(old)
        building.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    # ------------------------------------------------------------ searching
    def _terms(self, searcher: tantivy.Searcher, token: str, *, prefix: bool) -> list[tuple[str, str]]:
        """(field, term) pairs a typed word stands for: as a prefix, every term it starts; else itself."""
        if not prefix:
            return [(name, token) for name, _weight in FIELDS]
        pairs = []
        for name, _weight in FIELDS:
            pairs += [(name, found) for found, _count in searcher.terms_with_prefix(name, token, limit=MAX_EXPANSION)]
        return pairs

    def query_for(self, text: str, searcher: tantivy.Searcher) -> tantivy.Query | None:
        """Every word must match in some field, as the FTS5 expression (search.match_expression) asks: words
        of two letters or more as prefixes, a lone digit or CJK character whole, a lone letter not yet. None
        when there is nothing to search for."""
        weights = dict(FIELDS)
        musts = []
        for word in search.words(text):
            prefix = len(word) >= search.MIN_PREFIX
            if not prefix and not (word.isdigit() or not word.isascii()):
                continue
            for token in self.analyzer.analyze(word):
                pairs = self._terms(searcher, token, prefix=prefix)
                if not pairs:
                    return tantivy.Query.empty_query()
                shoulds = [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, name, term), weights[name]),
                    )
                    for name, term in pairs
                ]
                musts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(shoulds)))
        return tantivy.Query.boolean_query(musts) if musts else None

    def search(self, text: str, *, limit: int, offset: int = 0) -> Hits:
        """The stories matching `text`, best first: `limit` of them from `offset` (limit < 0: all)."""
        with self._swap:
            searcher = self._searcher
        if searcher is None:
            raise IndexUnavailable("the search index is not built yet")
        query = self.query_for(text, searcher)
        if query is None:
            return Hits(0, [])
        if limit <= 0:  # all of them, or only how many (Tantivy wants a limit of at least one)
            total = _count(searcher.search(query, limit=1, count=True))
            limit = max(0, total - offset) if limit < 0 else 0
            if limit == 0:
                return Hits(total, [])
        found = searcher.search(query, limit=limit, offset=offset, count=True)
        stories = []
        for _score, address in found.hits:
            document = searcher.doc(address)
            stories.append((str(document["story"][0]), int(document["doc"][0])))
        return Hits(_count(found), stories)

    def position(self, text: str, story_id: str, *, page: int = 1000, most: int = 20_000) -> int | None:
        """The row of a story in search(text) order (None when it does not match, or lies past `most`)."""
        offset = 0
        while offset < most:
            hits = self.search(text, limit=page, offset=offset)
            for number, (found, _document) in enumerate(hits.stories):
                if found == story_id:
                    return offset + number
            offset += page
            if offset >= hits.total:
                return None
        return None

    def close(self) -> None:
        with self._swap:
            self._index = self._searcher = None


def open_for_reading(
    journal_path: Path, *, writable: bool, say: Callable[[str], None] | None = None
) -> SearchIndex | None:
    """The index of a journal brought up to date, for one search (the command line); None when it cannot be
    (a read-only journal whose index is missing or behind, or another process writing it): FTS5 answers then."""
    index = SearchIndex(journal_path)
    try:
        if not writable:
            return index if index.ready and not index.needs_rebuild() and index.behind() == 0 else None
        if index.needs_rebuild() and say is not None:
            say("Building the search index (once; it is kept beside the journal)…")
        index.catch_up()
    except (IndexUnavailable, OSError, sqlite3.Error, ValueError):
        return None
    return index if index.ready else None
