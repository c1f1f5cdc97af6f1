"""The command line: parse the arguments, then run a command on the journal. The commands themselves are in
one module per command group (stories, edit, case studies, links, safety, bundles, reach, radar, team).

Bad arguments give one line on stderr and exit status 2; a journal that cannot be opened, or a story
that does not exist, gives one line and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn, TextIO

from journal import APP_NAME, __version__
from journal.cli import bundles, case_studies, edit, links, radar, reach, safety, stories, team
from journal.cli.common import ITSELF, WRITE

# Each has `register(commands)`, which adds its subparsers and sets their `run` (handler) and `opens`
# defaults (and maybe a `check`). They import nothing heavy at module level (`--help` stays instant).
# `edit` takes the options of `add`, so it comes after `stories`.
COMMAND_GROUPS = (stories, case_studies, links, safety, bundles, reach, radar, edit, team)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="journal",
        description=f"{APP_NAME}: record remarkable customer-service moments. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--journal",
        metavar="PATH",
        help="the journal file to use (default: $STORY_JOURNAL, else your data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What argparse cannot check alone, refused before any file is opened: a command may set a
    `check(parser, args)` default."""
    check = getattr(args, "check", None)
    if check is not None:
        check(parser, args)


def run_command(args: argparse.Namespace, path: Path, *, create: bool, out: TextIO | None = None) -> int:
    """Run a command on the journal at `path`. Reading commands create a journal only when `create` says so
    (the default journal), so a mistyped --journal path is reported rather than made."""
    from sqlite3 import DatabaseError

    from sqlalchemy.exc import DBAPIError

    from journal.store.database import open_journal
    from journal.store.errors import JournalError, StoryNotFoundError

    out = out or sys.stdout
    if args.opens == ITSELF:  # e.g. checks and restores, which must work on a journal that does not open
        try:
            return int(args.run(args, path, out))
        except JournalError as error:
            print(f"journal: {error}", file=sys.stderr)
            return 1
    writes = args.opens == WRITE
    try:
        journal = open_journal(path, read_only_ok=not writes, create=writes or create)
    except JournalError as error:
        print(f"journal: {error}", file=sys.stderr)
        return 1
    try:
        return int(args.run(args, journal, out))
    except (StoryNotFoundError, JournalError) as error:
        print(f"journal: {error}", file=sys.stderr)
        return 1
    except (DatabaseError, DBAPIError) as error:  # met while reading or writing: damaged, locked, disk full
        print(f"journal: {database_problem(path, getattr(error, 'orig', error))}", file=sys.stderr)
        return 1
    finally:
        journal.close()


def database_problem(path: Path, reason: object) -> str:
    """SQLite's complaint as a sentence that says what to do."""
    from journal.store.errors import write_problem

    text = str(reason)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (
            f"{path} is damaged ({text}). See `journal check`; `journal restore 1` puts the newest backup in its "
            "place (the damaged file is kept beside it)."
        )
    return f"{path}: {write_problem(text)}. Nothing was changed; try again."
