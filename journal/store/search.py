"""Full-text search: the one SQLite-only part of the store (FTS5), kept here so a PostgreSQL journal can
swap it out.

Each story has one row in the FTS5 table `story_fts`, keyed by `search_doc.id` (an integer that never
changes; a story's own rowid can change when SQLite or Alembic rebuilds the table). Triggers keep the
row in step with the story, its tags and its coverage links, whoever writes: the window, the command
line, an import. Alembic's batch mode drops triggers when it rebuilds a table, so a migration that
rebuilds `story`, `tag`, `story_tag` or `coverage_link` calls `drop_triggers()` before and
`install_triggers()` after (see migration 0003).

User text is never handed to FTS5 as query syntax: every word is quoted, so `ver1.1"`, `NEAR(`, `-`,
`AND` or a stray `*` are just words to look for.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import sqlalchemy as sa

FTS_TABLE = "story_fts"
DOC_TABLE = "search_doc"
CHANGE_TABLE = "search_change"  # (story id, sequence number): what the derived index (search_index) must redo
COUNT_TABLE = "story_count"  # one row: how many stories are not deleted (the list's count at start, at once)
# (FTS column, weight in ranking): a word in the title counts ten times one in the body.
COLUMNS = (("title", 10.0), ("tags", 6.0), ("people", 4.0), ("body", 1.0), ("coverage", 2.0))
OWN_TABLES = (DOC_TABLE, FTS_TABLE, CHANGE_TABLE, COUNT_TABLE)

MIN_PREFIX = 2  # one-letter prefixes match half the journal and are slow to rank; they wait for a second letter
MAX_WORDS = 16
MAX_WORD_LENGTH = 64
SNIPPET_START, SNIPPET_END = "\ue000", "\ue001"  # private-use marks around matches; never in typed text

_FIELDS_SQL = """s.title,
        (SELECT group_concat(replace(t.name, '/', ' '), ' ') FROM story_tag st JOIN tag t ON t.id = st.tag_id
         WHERE st.story_id = s.id),
        s.organization || ' ' || s.employees,
        s.situation || ' ' || s.policy || ' ' || s.action || ' ' || s.outcome,
        (SELECT group_concat(c.title || ' ' || c.outlet || ' ' || c.author, ' ') FROM coverage_link c
         WHERE c.story_id = s.id)"""
_DOCUMENT = f"SELECT d.id, {_FIELDS_SQL} FROM story s JOIN {DOC_TABLE} d ON d.story_id = s.id"


def document_sql() -> str:
    """SELECT (story id, search row id, title, tags, people, body, coverage) of the stories, to add WHERE to."""
    return f"SELECT s.id, d.id, {_FIELDS_SQL} FROM story s JOIN {DOC_TABLE} d ON d.story_id = s.id"


def _refresh(story_id_sql: str) -> str:
    """SQL statements that rewrite the FTS row of the story(ies) picked by `story_id_sql`. A deleted story
    (kept for Undo) has no row: searching never needs to look past it. The unary + keeps SQLite from reading
    the stories through their index on deleted_at (every live story, for one page of a sync) rather than by id."""
    return f"""
        DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT id FROM {DOC_TABLE} WHERE story_id IN ({story_id_sql}));
        INSERT INTO {FTS_TABLE} (rowid, title, tags, people, body, coverage)
            {_DOCUMENT} WHERE +s.deleted_at IS NULL AND s.id IN ({story_id_sql});
    """


_TRIGGERS = {
    "search_story_insert": f"""AFTER INSERT ON story BEGIN
        INSERT INTO {DOC_TABLE} (story_id) VALUES (NEW.id);
        {_refresh("NEW.id")}
    END""",
    "search_story_update": f"""AFTER UPDATE OF title, situation, policy, action, outcome, organization, employees,
        deleted_at ON story BEGIN {_refresh("NEW.id")} END""",
    "search_story_delete": f"""AFTER DELETE ON story BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT id FROM {DOC_TABLE} WHERE story_id = OLD.id);
        DELETE FROM {DOC_TABLE} WHERE story_id = OLD.id;
    END""",
    "search_tag_link_insert": f"AFTER INSERT ON story_tag BEGIN {_refresh('NEW.story_id')} END",
    "search_tag_link_delete": f"AFTER DELETE ON story_tag BEGIN {_refresh('OLD.story_id')} END",
    "search_tag_rename": f"""AFTER UPDATE OF name ON tag BEGIN
        {_refresh("SELECT story_id FROM story_tag WHERE tag_id = NEW.id")}
    END""",
    "search_link_insert": f"AFTER INSERT ON coverage_link BEGIN {_refresh('NEW.story_id')} END",
    "search_link_update": f"AFTER UPDATE ON coverage_link BEGIN {_refresh('NEW.story_id')} END",
    "search_link_delete": f"AFTER DELETE ON coverage_link BEGIN {_refresh('OLD.story_id')} END",
}


def _changed_many(story_ids_sql: str) -> str:
    """Note the stories picked by `story_ids_sql` (a SELECT of story_id) as changed, with the next sequence
    number. An upsert, not INSERT OR REPLACE: a statement's own OR clause (INSERT OR IGNORE INTO story ...)
    would override a trigger's conflict policy and silently skip the note."""
    return f"""INSERT INTO {CHANGE_TABLE} (story_id, seq)
        SELECT story_id, (SELECT coalesce(max(seq), 0) + 1 FROM {CHANGE_TABLE}) FROM ({story_ids_sql}) WHERE true
        ON CONFLICT (story_id) DO UPDATE SET seq = excluded.seq;"""


def _changed(story_id_sql: str) -> str:
    return _changed_many(f"SELECT {story_id_sql} AS story_id")


# The change log of the derived index (migration 0009 makes its table). Same events as the FTS5 triggers.
_CHANGE_TRIGGERS = {
    "search_change_story_insert": f"AFTER INSERT ON story BEGIN {_changed('NEW.id')} END",
    "search_change_story_update": f"""AFTER UPDATE OF title, situation, policy, action, outcome, organization,
        employees, deleted_at ON story BEGIN {_changed("NEW.id")} END""",
    "search_change_story_delete": f"AFTER DELETE ON story BEGIN {_changed('OLD.id')} END",
    "search_change_tag_link_insert": f"AFTER INSERT ON story_tag BEGIN {_changed('NEW.story_id')} END",
    "search_change_tag_link_delete": f"AFTER DELETE ON story_tag BEGIN {_changed('OLD.story_id')} END",
    "search_change_tag_rename": f"""AFTER UPDATE OF name ON tag BEGIN
        {_changed_many("SELECT story_id FROM story_tag WHERE tag_id = NEW.id")}
    END""",
    "search_change_link_insert": f"AFTER INSERT ON coverage_link BEGIN {_changed('NEW.story_id')} END",
    "search_change_link_update": f"AFTER UPDATE ON coverage_link BEGIN {_changed('NEW.story_id')} END",
    "search_change_link_delete": f"AFTER DELETE ON coverage_link BEGIN {_changed('OLD.story_id')} END",
    # The count of stories not deleted, kept with them, so that showing it never counts a million rows.
    "story_count_insert": f"""AFTER INSERT ON story WHEN NEW.deleted_at IS NULL BEGIN
        UPDATE {COUNT_TABLE} SET n = n + 1;
    END""",
    "story_count_delete": f"""AFTER DELETE ON story WHEN OLD.deleted_at IS NULL BEGIN
        UPDATE {COUNT_TABLE} SET n = n - 1;
    END""",
    "story_count_bin": f"""AFTER UPDATE OF deleted_at ON story
        WHEN (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL) BEGIN
        UPDATE {COUNT_TABLE} SET n = n + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END);
    END""",
}
_RECOUNT = f"UPDATE {COUNT_TABLE} SET n = (SELECT count(*) FROM story WHERE deleted_at IS NULL)"


def install_change_log(connection: sa.Connection) -> None:
    """The table the derived index catches up from, and its triggers (migration 0009)."""
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} (story_id VARCHAR(36) PRIMARY KEY, seq INTEGER NOT NULL)"
    )
    connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{CHANGE_TABLE}_seq ON {CHANGE_TABLE} (seq)")
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {COUNT_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)"
    )
    connection.exec_driver_sql(f"INSERT OR IGNORE INTO {COUNT_TABLE} (id, n) VALUES (1, 0)")
    install_triggers(connection)


def _has_change_log(connection: sa.Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (CHANGE_TABLE,)
    ).first()
    return found is not None


def uninstall_change_log(connection: sa.Connection) -> None:
    for name in _CHANGE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {CHANGE_TABLE}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {COUNT_TABLE}")


def live_stories(connection: sa.Connection) -> int:
    """How many stories are not deleted, from the count the triggers keep (no row is read)."""
    return int(connection.exec_driver_sql(f"SELECT n FROM {COUNT_TABLE}").scalar() or 0)


FTS5_DEFAULT_AUTOMERGE = 4


def set_automerge(connection: sa.Connection, segments: int) -> None:
    """FTS5 merges segments inside the writing transaction once a level holds this many. 0: a save adds its small
    segment and merges nothing (the automatic merge of 4 was most of a save's time); FTS5's crisis merge still
    merges a level once it holds 16, which keeps the segments few and each merge small."""
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('automerge', {int(segments)})")


def install(connection: sa.Connection) -> None:
    """Create the search tables and triggers and index every story (a migration calls this)."""
    columns = ", ".join(name for name, _weight in COLUMNS)
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} (id INTEGER PRIMARY KEY, story_id VARCHAR(36) NOT NULL UNIQUE)"
    )
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        f"{columns}, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    weights = ", ".join(str(weight) for _name, weight in COLUMNS)
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('rank', 'bm25({weights})')")
    install_triggers(connection)
    rebuild(connection)


def install_triggers(connection: sa.Connection) -> None:
    """(Re)create the sync triggers; idempotent. Call it after any batch migration of the story tables."""
    triggers = dict(_TRIGGERS)
    change_log = _has_change_log(connection)
    if change_log:  # journals before migration 0009 have no change log yet
        triggers.update(_CHANGE_TRIGGERS)
    for name, body in triggers.items():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    if change_log:  # the stories may have been written with the triggers dropped (a migration, a bulk load)
        connection.exec_driver_sql(_RECOUNT)


def drop_triggers(connection: sa.Connection) -> None:
    """Before a batch migration rebuilds a story table: SQLite refuses to rename a rebuilt table into place
    while triggers elsewhere name it. install_triggers() afterwards puts them back."""
    for name in [*_TRIGGERS, *_CHANGE_TRIGGERS]:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def refresh_stories(connection: sa.Connection, story_ids: list[str]) -> None:
    """Index these stories again (after a bulk write made with the triggers dropped, such as an import)."""
    connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS refresh_ids (id TEXT PRIMARY KEY)")
    connection.exec_driver_sql("DELETE FROM temp.refresh_ids")
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start : start + 500]
        connection.exec_driver_sql(
            f"INSERT OR IGNORE INTO temp.refresh_ids (id) VALUES {', '.join('(?)' for _ in chunk)}", tuple(chunk)
        )
    connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO {DOC_TABLE} (story_id) "
        "SELECT id FROM temp.refresh_ids WHERE id IN (SELECT id FROM story)"
    )
    statements = _refresh("SELECT id FROM temp.refresh_ids")
    if _has_change_log(connection):
        statements += _changed_many("SELECT id AS story_id FROM temp.refresh_ids") + _RECOUNT + ";"
    for statement in statements.split(";"):
        if statement.strip():
            connection.exec_driver_sql(statement)
    connection.exec_driver_sql("DELETE FROM temp.refresh_ids")


def rebuild(connection: sa.Connection) -> None:
    """Index every story from scratch."""
    connection.exec_driver_sql(f"DELETE FROM {FTS_TABLE}")
    connection.exec_driver_sql(f"INSERT OR IGNORE INTO {DOC_TABLE} (story_id) SELECT id FROM story")
    connection.exec_driver_sql(f"DELETE FROM {DOC_TABLE} WHERE story_id NOT IN (SELECT id FROM story)")
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, title, tags, people, body, coverage) {_DOCUMENT} WHERE s.deleted_at IS NULL"
    )


def uninstall(connection: sa.Connection) -> None:
    drop_triggers(connection)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {DOC_TABLE}")


# ---------------------------------------------------------------- turning typed text into a safe query

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words FTS5's unicode61 tokenizer would see in `text` (letters and digits; the rest separates)."""
    normalized = unicodedata.normalize("NFKC", text[: MAX_WORDS * (MAX_WORD_LENGTH + 1) * 4])
    found = [word[:MAX_WORD_LENGTH] for word in _WORD.findall(normalized)]
    return found[:MAX_WORDS]


def match_expression(text: str) -> str | None:
    """An FTS5 MATCH expression for what a person typed, or None when there is nothing to search for yet.

    Every word must match (AND); each word is a quoted string, so nothing typed is query syntax; the last
    word is a prefix while it is still being typed (and so is every word of two letters or more).
    """
    terms = []
    for word in words(text):
        quoted = '"' + word.replace('"', '""') + '"'
        if len(word) >= MIN_PREFIX:
            terms.append(quoted + "*")
        elif word.isdigit() or not word.isascii():
            terms.append(quoted)  # a lone digit or a CJK character is a whole word
    return " ".join(terms) or None


def snippet_sql() -> str:
    """A short extract around a match, matches wrapped in SNIPPET_START/SNIPPET_END. The list shows it under
    the title, so it comes from the story's text, coverage, tags or people, whichever matched (in that
    order); when only the title matched, the start of the story's text gives the context."""

    def extract(column: int) -> str:
        return f"snippet({FTS_TABLE}, {column}, '{SNIPPET_START}', '{SNIPPET_END}', '…', 14)"

    names = [name for name, _weight in COLUMNS]
    preferred = [names.index(name) for name in ("body", "coverage", "tags", "people")]
    cases = " ".join(f"WHEN instr({extract(c)}, '{SNIPPET_START}') THEN {extract(c)}" for c in preferred)
    return f"CASE {cases} ELSE {extract(names.index('body'))} END"


EXTRACT_WORDS = 14  # as snippet(..., 14) did
_EXTRACT_FIELDS = ("body", "coverage", "tags", "people")  # the preferred order: the story's text first


def _terms_of(text: str) -> list[tuple[str, bool]]:
    """The (folded term, is a prefix) pairs a search for `text` looks for, as match_expression() asks."""
    found = []
    for word in words(text):
        if len(word) >= MIN_PREFIX:
            found += [(term, True) for term in folded_terms(word)]
        elif word.isdigit() or not word.isascii():
            found += [(term, False) for term in folded_terms(word)]
    return found


def _matcher(terms: list[tuple[str, bool]]) -> re.Pattern[str]:
    """A token (letters and digits, as unicode61 cuts them) that one of the terms finds, in plain ASCII text."""
    either = "|".join(re.escape(term) + (r"[^\W_]*" if prefix else "") for term, prefix in terms)
    return re.compile(rf"(?<![^\W_])(?:{either})(?![^\W_])", re.IGNORECASE)


def extract(fields: dict[str, str], text: str) -> str:
    """A short extract around the first match of `text` in a story's fields, matched words wrapped in
    SNIPPET_START/SNIPPET_END: from the story's text, coverage, tags or people, whichever matched (in that
    order); when only the title matched, the start of the story's text. Python, not FTS5's snippet(): a regular
    expression finds the first match, where snippet() tokenized every field of every row, twice."""
    terms = _terms_of(text)
    if not terms:
        return ""
    pattern = _matcher(terms)

    def matches(token: str) -> bool:
        if token.isascii():
            return pattern.fullmatch(token) is not None
        folded = fold_term(token)
        return any(folded.startswith(term) if prefix else folded == term for term, prefix in terms)

    def first_match(value: str) -> int | None:
        if value.isascii():
            found = pattern.search(value)
            return None if found is None else found.start()
        return next((token.start() for token in TERM.finditer(value) if matches(token.group(0))), None)

    for name in _EXTRACT_FIELDS:
        value = fields.get(name) or ""
        at = first_match(value)
        if at is not None:
            return _window(value, at, matches)
    body = fields.get("body") or ""
    return _window(body, None, matches) if body.strip() else ""


def _window(value: str, at: int | None, matches: Callable[[str], bool]) -> str:
    """EXTRACT_WORDS words of `value` from a few before position `at` (or from the start), matches marked."""
    start = 0
    if at is not None:
        before = list(TERM.finditer(value, max(0, at - 300), at))[-3:]
        start = before[0].start() if before else at
    shown: list[re.Match[str]] = []
    for token in TERM.finditer(value, start):
        if len(shown) == EXTRACT_WORDS:
            break
        shown.append(token)
    if not shown:
        return ""
    pieces, position = [], shown[0].start()
    for token in shown:
        pieces.append(value[position : token.start()])
        word = token.group(0)
        pieces.append(f"{SNIPPET_START}{word}{SNIPPET_END}" if at is not None and matches(word) else word)
        position = token.end()
    more = TERM.search(value, position) is not None
    return ("…" if value[: shown[0].start()].strip() else "") + "".join(pieces) + ("…" if more else "")


def extracts(connection: sa.Connection, documents: list[int], text: str) -> dict[int, str]:
    """extract() for some search rows (their search_doc ids)."""
    found: dict[int, str] = {}
    for start in range(0, len(documents), 500):
        chunk = documents[start : start + 500]
        rows = connection.exec_driver_sql(
            f"{document_sql()} WHERE d.id IN ({', '.join('?' for _ in chunk)})", tuple(chunk)
        )
        for row in rows:
            fields = dict(zip((name for name, _weight in COLUMNS), row[2:], strict=True))
            found[int(row[1])] = extract(fields, text)
    return found


# ---------------------------------------------------------------- stories sharing words with a text (the radar)

VOCABULARY = "temp.story_fts_terms"


TERM = re.compile(r"[^\W_]+", re.UNICODE)  # a token as unicode61 cuts them (on NFKC text): letters and digits


@functools.lru_cache(maxsize=100_000)
def fold_term(token: str) -> str:
    """A token as the index holds it: lower case, accents removed (the tokenizer's `remove_diacritics 2`)."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def folded_terms(text: str) -> list[str]:
    """The terms the index holds for `text`, in order."""
    return [fold_term(token) for token in TERM.findall(unicodedata.normalize("NFKC", text))]


def live_story_count(connection: sa.Connection) -> int:
    """How many stories the index holds (deleted ones are not in it)."""
    return int(connection.exec_driver_sql("SELECT count(*) FROM story WHERE deleted_at IS NULL").scalar() or 0)


def document_frequencies(connection: sa.Connection, terms: list[str]) -> dict[str, int]:
    """How many stories hold each term (a term no story holds is left out), from FTS5's own vocabulary."""
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY} USING fts5vocab(main, {FTS_TABLE}, 'row')"
    )
    found: dict[str, int] = {}
    for start in range(0, len(terms), 200):
        chunk = terms[start : start + 200]
        marks = ", ".join("?" for _ in chunk)
        rows = connection.exec_driver_sql(f"SELECT term, doc FROM {VOCABULARY} WHERE term IN ({marks})", tuple(chunk))
        found.update((str(term), int(doc)) for term, doc in rows)
    return found


def stories_sharing(connection: sa.Connection, weighted: dict[str, float], limit: int) -> list[tuple[str, float, int]]:
    """The stories holding at least two of the terms, as (story id, summed weight, terms held), heaviest first.

    One FTS5 look-up per term, unranked (bm25 over every story holding a common word is what makes a ranked
    OR query slow), summed in SQL."""
    if len(weighted) < 2:
        return []
    parts = " UNION ALL ".join(
        f"SELECT rowid AS doc, ? AS weight FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?" for _ in weighted
    )
    arguments: list[object] = []
    for term, weight in weighted.items():
        arguments += [weight, '"' + term.replace('"', '""') + '"']
    rows = connection.exec_driver_sql(
        f"""SELECT d.story_id, hits.total, hits.held FROM (
                SELECT doc, sum(weight) AS total, count(*) AS held FROM ({parts}) GROUP BY doc HAVING held >= 2
                ORDER BY total DESC, doc LIMIT ?
            ) AS hits JOIN {DOC_TABLE} d ON d.id = hits.doc ORDER BY hits.total DESC, d.story_id""",
        (*arguments, limit),
    )
    return [(str(story_id), float(total), int(held)) for story_id, total, held in rows]


# ---------------------------------------------------------------- one typo forgiven

TYPO_MIN_LENGTH = 5  # shorter words have too many neighbours one letter away to guess which was meant
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit_away(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away from `word`."""
    letters = sorted(set(_LETTERS) | set(word))
    splits = [(word[:cut], word[cut:]) for cut in range(len(word) + 1)]
    found = {left + right[1:] for left, right in splits if right}
    found |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    found |= {left + letter + right[1:] for left, right in splits if right for letter in letters}
    found |= {left + letter + right for left, right in splits for letter in letters}
    found.discard(word)
    return found


def _starts_a_term(connection: sa.Connection, prefix: str) -> bool:
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY} USING fts5vocab(main, {FTS_TABLE}, 'row')"
    )
    found = connection.exec_driver_sql(
        f"SELECT 1 FROM {VOCABULARY} WHERE term >= ? AND term < ? LIMIT 1", (prefix, prefix + "\U0010ffff")
    ).first()
    return found is not None


def corrected_text(connection: sa.Connection, text: str) -> str | None:
    """`text` with each word of TYPO_MIN_LENGTH letters or more that starts no word in the journal replaced by
    the journal's most common word one edit away ("Zapos" -> "zappos", "recieve" -> "receive"); None when no
    word needed it or none could be corrected. For when the words as typed find nothing."""
    typed = words(text)
    fixed: list[str] = []
    changed = False
    for word in typed:
        term = fold_term(word)
        if len(term) >= TYPO_MIN_LENGTH and term.isalpha() and not _starts_a_term(connection, term):
            counts = document_frequencies(connection, sorted(one_edit_away(term)))
            if counts:
                fixed.append(max(sorted(counts), key=lambda candidate: counts[candidate]))
                changed = True
                continue
        fixed.append(word)
    return " ".join(fixed) if changed else None
