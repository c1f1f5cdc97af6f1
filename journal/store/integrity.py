"""Is a journal file sound? SQLite's integrity and foreign-key checks and FTS5's own check, in plain words.

Nothing here changes the file: it is read through a read-only connection, and FTS5's check (which is
written as an INSERT) runs on a copy in a temporary folder.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from journal.store.backups import count_stories, read_only_uri
from journal.store.errors import JournalError
from journal.store.search import FTS_TABLE
from journal.words import counted

MAX_REPORTED = 3
RESTORE_HINT = "Restore the newest good backup (`journal restore`, or File ▸ Restore from backup… in the window)."


@dataclass
class CheckReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    stories: int | None = None
    empty: bool = False  # an empty file (or a database with nothing in it): no journal yet, nothing to check

    @property
    def sound(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.sound and self.empty:
            return (
                f"{self.path} holds no journal yet (it is empty): there is nothing to check. "
                "The window or `journal add` makes it a journal."
            )
        if self.sound:
            count = counted(self.stories or 0, "story", "stories")
            return (
                f"{self.path} is sound: {count}; the database, its references and its search index "
                "pass SQLite's integrity checks."
            )
        lines = [f"{self.path} has problems:", *(f"- {problem}" for problem in self.problems)]
        return "\n".join([*lines, "The file was not changed."])


def check_journal(path: Path) -> CheckReport:
    from journal.store.database import inspect_file

    report = CheckReport(path)
    if not path.exists():
        report.problems.append(f"There is no file at {path}. Check the path, or restore a backup.")
        return report
    try:
        state = inspect_file(path)
    except JournalError as error:
        report.problems.append(str(error))
        return report
    if state.revision is None and count_stories(path) is None:
        report.empty = True
        return report
    structure = _structure_problems(path)
    report.problems += structure
    if not structure:
        report.problems += _search_problems(path)
    report.stories = count_stories(path)
    if report.stories is None and not report.problems:
        report.problems.append(f"The stories in {path} cannot be counted: the file is damaged. {RESTORE_HINT}")
    return report


def _structure_problems(path: Path) -> list[str]:
    try:
        with closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
            found = [row[0] for row in conn.execute(f"PRAGMA integrity_check({MAX_REPORTED})")]
            found = [line for row in found for line in row.splitlines() if not line.startswith("***")]
            dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"The file is damaged: SQLite cannot read it ({exc}). {RESTORE_HINT}"]
    problems = []
    if found != ["ok"]:
        problems.append(
            f"The file is damaged: SQLite's integrity check found problems ({'; '.join(found)}). {RESTORE_HINT}"
        )
    if dangling:
        tables = sorted({row[0] for row in dangling})
        problems.append(
            f"{len(dangling)} records refer to records that do not exist (in {', '.join(tables)}). {RESTORE_HINT}"
        )
    return problems


def _search_problems(path: Path) -> list[str]:
    """FTS5's integrity check, and the index against the stories, on a consistent copy of the file."""
    with tempfile.TemporaryDirectory(prefix="journal-check-") as folder:
        copy_path = Path(folder) / "copy.journal"
        try:
            with (
                closing(sqlite3.connect(read_only_uri(path), uri=True)) as source,
                closing(sqlite3.connect(copy_path)) as copy,
            ):
                source.backup(copy)
                tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if FTS_TABLE not in tables:
                    return []  # a journal older than search: it is built when the journal is next opened
                copy.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('integrity-check')")
                indexed = copy.execute(f"SELECT count(*) FROM {FTS_TABLE}").fetchone()[0]
                stories = copy.execute("SELECT count(*) FROM story WHERE deleted_at IS NULL").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            return [f"The search index is damaged ({exc}); searches may miss or misplace stories. {RESTORE_HINT}"]
    if indexed != stories:
        return [
            f"The search index is out of step with the stories ({indexed} indexed, {stories} stories); "
            f"searches may miss stories. {RESTORE_HINT}"
        ]
    return []
