"""Command-line commands for bundles and spreadsheet import.

`journal bundle export FILE [--tag T]... [--since DATE]`, `journal bundle import FILE [--dry-run] [--json]`,
`journal import-csv FILE [--map COLUMN=FIELD]... [--dry-run] [--yes]`. A file is read and checked whole
before the journal is opened, so a bad or hostile file never touches the journal.
Registered through journal.cli.main.COMMAND_GROUPS.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from journal.cli.common import ITSELF, READ, Commands, checked
from journal.store.fields import parse_date, parse_tag

if TYPE_CHECKING:
    from journal.store.database import Journal


def _mapping(text: str) -> tuple[str, str]:
    column, sep, target = text.partition("=")
    if not sep or not column.strip():
        raise argparse.ArgumentTypeError(f"'{text}': write COLUMN=FIELD, e.g. --map Headline=title")
    return column.strip(), target.strip()


def register(commands: Commands) -> None:
    """Add this group's subparsers to `commands` (argparse's subparsers action)."""
    bundle = commands.add_parser("bundle", help="hand stories to another journal: export or import a bundle file")
    actions = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write the chosen stories to one bundle file (every field, private ones included)"
    )
    export.add_argument("file", metavar="FILE", type=Path)
    export.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="NAME",
        type=checked(parse_tag),
        help="only stories with this tag (or one nested under it); repeat for any of several",
    )
    export.add_argument("--since", metavar="YYYY-MM-DD", type=checked(parse_date), help="only stories changed since")
    export.set_defaults(run=_export, opens=READ)
    imports = actions.add_parser("import", help="merge a bundle into the journal (shows the plan first)")
    imports.add_argument("file", metavar="FILE", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="only say what the import would do")
    imports.add_argument("--json", action="store_true", help="the plan (and what was done) as JSON")
    imports.set_defaults(run=_import, opens=ITSELF)

    sheet = commands.add_parser("import-csv", help="add stories from a spreadsheet saved as CSV")
    sheet.add_argument("file", metavar="FILE", type=Path)
    sheet.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        type=_mapping,
        help="which field a column fills (FIELD may be ignore); the rest is guessed from the column names",
    )
    sheet.add_argument("--dry-run", action="store_true", help="check the rows, import nothing")
    sheet.add_argument("--yes", action="store_true", help="import the good rows without asking")
    sheet.set_defaults(run=_import_csv, opens=ITSELF)


def _fail(message: str) -> int:
    print(f"journal: {message}", file=sys.stderr)
    return 1


def _export(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.bundles.export import chosen_ids, export_bundle
    from journal.bundles.format import BundleError

    target = args.file.absolute()
    if target == journal.path:
        return _fail("The bundle would overwrite the journal itself; give another file name.")
    try:
        result = export_bundle(journal, target, chosen_ids(journal, tags=args.tag, since=args.since), since=args.since)
    except BundleError as error:
        return _fail(str(error))
    deletions = f" and {result.tombstones} deletions" if result.tombstones else ""
    print(f"Wrote {result.stories} stories{deletions} to {target}.", file=out)
    return 0


def _import(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.bundles.format import BundleError
    from journal.bundles.merge import Plan, apply_import, plan_import
    from journal.bundles.read import read_bundle
    from journal.store.database import open_journal

    try:
        bundle = read_bundle(args.file)  # before the journal is even opened
    except BundleError as error:
        return _fail(str(error))
    journal = open_journal(path)
    try:
        plan: Plan = plan_import(journal, bundle) if args.dry_run else apply_import(journal, bundle)
    except BundleError as error:
        return _fail(f"{error} Nothing was imported.")
    finally:
        journal.close()
    changes = [step for step in plan.changes if step.title]
    if args.json:
        record = {
            "applied": not args.dry_run,
            **plan.counts(),
            "stories": [{"id": s.story_id, "title": s.title, "action": str(s.action)} for s in changes],
        }
        json.dump(record, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {bundle.source}: {plan.summary()}.", file=out)
    for step in changes:
        print(f"  {step.action!s:<12} {step.story_id[:8]}  {step.title}", file=out)
    if plan.counts()["conflicts"]:
        print("Conflicts keep both versions; open the window to resolve them.", file=out)
    if args.dry_run:
        print("Nothing was changed (--dry-run).", file=out)
    return 0


def _import_csv(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.bundles.csv_import import TARGETS, apply_overrides, guess_mapping, import_rows, read_sheet
    from journal.bundles.format import BundleError
    from journal.store.database import open_journal

    try:
        sheet = read_sheet(args.file)
        mapping = apply_overrides(sheet.headers, guess_mapping(sheet.headers), dict(args.map))
    except BundleError as error:
        return _fail(str(error))
    sheet.check(mapping)
    print(sheet.encoding_line, file=out)
    if sheet.note:
        print(f"Note: {sheet.note}", file=out)
    print("Columns:", file=out)
    for header, target in zip(sheet.headers, mapping, strict=True):
        print(f"  {header!r:<24} -> {TARGETS.get(target, '(ignored)')}", file=out)
    for row in sheet.rows:
        if row.windows_text:
            print(f"{row.lines}, read as Windows (cp1252) text: {' | '.join(row.values)[:100]}", file=out)
    for row in sheet.bad:
        print(f"{row.lines}: {'; '.join(row.errors)}", file=out)
    good = len(sheet.good)
    print(f"{good} good rows, {len(sheet.bad)} bad rows.", file=out)
    if not good:
        return _fail("No row can be imported; fix the file (or the --map choices) and try again.")
    if args.dry_run:
        print("Nothing was imported (--dry-run).", file=out)
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"Nothing was imported. Run again with --yes to import the {good} good rows.", file=out)
            return 0
        out.flush()
        answer = input(f"Import {good} stories{' (the bad rows are left out)' if sheet.bad else ''}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was imported.", file=out)
            return 0
    journal = open_journal(path)
    try:
        count = import_rows(journal, sheet.rows)
    finally:
        journal.close()
    print(f"Imported {count} stories.", file=out)
    return 0
