"""Command-line commands for backups, checks and recovery: `journal backup | backups | restore | check`.

They open the file themselves (opens=ITSELF): a check or a restore must work on a journal that does not
open, and none of them migrates or otherwise changes the journal they read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from journal.cli.common import ITSELF, Commands


def register(commands: Commands) -> None:
    """Add this group's subparsers to `commands` (argparse's subparsers action)."""
    backup = commands.add_parser("backup", help="make a verified backup copy now and print where it is")
    backup.add_argument(
        "file", metavar="FILE", nargs="?", help="where to write the copy (default: the journal's backups folder)"
    )
    backup.set_defaults(run=_backup, opens=ITSELF)

    backups = commands.add_parser("backups", help="list the journal's backups, newest first")
    backups.add_argument("--json", action="store_true", help="one JSON array on stdout")
    backups.set_defaults(run=_backups, opens=ITSELF)

    restore = commands.add_parser(
        "restore", help="put a backup in place of the journal (the current file is kept beside it)"
    )
    restore.add_argument(
        "backup", metavar="BACKUP", help="a backup file, or its number in `journal backups` (1 = the newest)"
    )
    restore.set_defaults(run=_restore, opens=ITSELF)

    check = commands.add_parser(
        "check", help="run SQLite's and the search index's integrity checks; exit 1 if the journal is damaged"
    )
    check.set_defaults(run=_check, opens=ITSELF)


def _backup(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.store.backups import MANUAL, make_backup, prune
    from journal.store.database import inspect_file
    from journal.store.errors import JournalError

    state = inspect_file(path)  # refuses (untouched) what is not a journal
    if not state.exists:
        raise JournalError(path, f"There is no journal at {path}; nothing to back up.")
    target = Path(args.file).expanduser().absolute() if args.file else None
    if target is not None and target.is_dir():
        target = target / f"{path.stem}-backup.journal"
    info = make_backup(path, MANUAL, target=target)
    if target is None:
        prune(path)
    print(f"Backed up {info.stories} stories to {info.path} (verified).", file=out)
    return 0


def _backups(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.store.backups import list_backups

    found = list_backups(path)
    if args.json:
        records = [
            {
                "number": number,
                "path": str(info.path),
                "created": info.created.isoformat(),
                "label": info.label,
                "stories": info.stories,
                "size": info.size,
            }
            for number, info in enumerate(found, start=1)
        ]
        json.dump(records, out, indent=2)
        out.write("\n")
        return 0
    if not found:
        print(f"No backups of {path} yet. Make one with `journal backup`.", file=out)
        return 0
    for number, info in enumerate(found, start=1):
        size = f"{info.size / 1_000_000:.1f} MB" if info.size >= 100_000 else f"{info.size / 1000:.0f} kB"
        print(f"{number:>3}  {info.describe():<32} {size:>9}  {info.label:<16} {info.path.name}", file=out)
    return 0


def _restore(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.store.backups import list_backups, restore
    from journal.store.errors import JournalError

    chosen = Path(args.backup).expanduser()
    if args.backup.isdigit() and not chosen.exists():
        found = list_backups(path)
        number = int(args.backup)
        if not 1 <= number <= len(found):
            raise JournalError(path, f"There is no backup number {number}; `journal backups` lists {len(found)}.")
        chosen = found[number - 1].path
    if not chosen.is_file():
        raise JournalError(path, f"There is no backup file at {chosen}. `journal backups` lists them.")
    if _open_in_a_window(path):
        raise JournalError(
            path,
            f"{path} is open in a window. Close it first, or use File ▸ Restore from backup… there; "
            "nothing was changed.",
        )
    aside = restore(path, chosen.absolute())
    print(f"Restored {path} from {chosen}.", file=out)
    if aside is not None:
        print(f"The journal as it was is kept as {aside}.", file=out)
    return 0


def _open_in_a_window(path: Path) -> bool:
    from PySide6.QtCore import QCoreApplication

    from journal.instance import PING, ask_running_window

    _app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    return ask_running_window(path, PING)


def _check(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.store.integrity import check_journal

    report = check_journal(path)
    if report.sound:
        print(report.summary(), file=out)
        return 0
    print(f"journal: {report.summary()}", file=sys.stderr)
    return 1
