"""Command-line commands for case studies and Markdown export.

`journal case-study create|list|add`, `journal export`, `journal export-story`, `journal export-site`.
Exports go to stdout unless -o names a file (written atomically); what was left out is said on stderr.
Text that looks confidential (an e-mail address, a phone number, an order number, a part of a hidden
customer's name that could not be replaced) stops the export: the list goes to stderr, nothing is
written and the exit status is 1, unless --allow-confidential is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from journal.cli.common import READ, WRITE, Commands
from journal.words import counted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from journal.export.markdown import Export
    from journal.export.privacy import Finding, LeftOut
    from journal.store.database import Journal

FORMATS = ("markdown", "html")


def register(commands: Commands) -> None:
    """Add `case-study` (with `create`, `list`, `add`) and the exports to `commands`."""
    group = commands.add_parser("case-study", help="create, list and fill case studies")
    actions = group.add_subparsers(dest="case_study_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="make a case study and print its id")
    create.add_argument("title", metavar="TITLE")
    create.add_argument("--story", action="append", default=[], metavar="ID", help="a story to put in it (repeat)")
    create.add_argument("--audience", default="", help="who it is for, e.g. 'the company blog'")
    create.set_defaults(run=_create, opens=WRITE)
    listing = actions.add_parser("list", help="the case studies, with their number of stories")
    listing.add_argument("--json", action="store_true", help="a JSON array on stdout")
    listing.set_defaults(run=_list, opens=READ)
    add = actions.add_parser("add", help="add stories to the end of a case study")
    add.add_argument("case_study", metavar="TITLE_OR_ID")
    add.add_argument("stories", metavar="STORY_ID", nargs="+")
    add.set_defaults(run=_add, opens=WRITE)

    export = commands.add_parser("export", help="a case study as Markdown or an HTML page (stdout, or -o FILE)")
    export.add_argument("case_study", metavar="TITLE_OR_ID")
    _output_options(export)
    export.set_defaults(run=_export, opens=READ)
    story = commands.add_parser("export-story", help="one story as Markdown or an HTML page (stdout, or -o FILE)")
    story.add_argument("story", metavar="ID")
    _output_options(story)
    story.set_defaults(run=_export_story, opens=READ)
    site = commands.add_parser(
        "export-site",
        help="every case study into a folder that Hugo, MkDocs and Jekyll build (home page + one file each)",
    )
    site.add_argument("folder", metavar="FOLDER", type=Path)
    site.add_argument("--include-unapproved", action="store_true", help="also stories not approved yet")
    _allow_option(site)
    site.set_defaults(run=_export_site, opens=READ)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", type=Path, help="write here (atomically), not to stdout")
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument(
        "--include-unapproved",
        action="store_true",
        help="also stories not approved yet (never ones whose customer declined)",
    )
    _allow_option(parser)


def _allow_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-confidential",
        action="store_true",
        help="write even when text looks confidential (the list is still printed)",
    )


def _create(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store.case_studies import create_case_study, update_case_study
    from journal.store.fields import FieldError
    from journal.store.stories import resolve_id

    try:
        with journal.write() as session:
            story_ids = [resolve_id(text, session=session) for text in args.story]
            study = create_case_study(args.title, session=session, story_ids=story_ids)
            if args.audience.strip():
                update_case_study(study.id, {"audience": args.audience.strip()}, session=session)
            study_id = study.id
    except FieldError as error:
        print(f"journal: {error}", file=sys.stderr)
        return 2
    print(study_id, file=out)
    return 0


def _list(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store.case_studies import list_case_studies

    with journal.session() as session:
        studies = list_case_studies(session=session)
    if args.json:
        records = [
            {
                "id": s.id,
                "title": s.title,
                "audience": s.audience,
                "stories": s.stories,
                "updated": s.updated_at.isoformat(timespec="seconds"),
            }
            for s in studies
        ]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not studies:
        print("No case studies yet. Make one with `journal case-study create TITLE --story ID`.", file=out)
    for s in studies:
        count = counted(s.stories, "story", "stories")
        print(f"{s.id[:8]}  {count:<11}  {s.title}", file=out)
    return 0


def _add(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store.case_studies import add_stories, resolve_case_study
    from journal.store.stories import resolve_id

    with journal.write() as session:
        study_id = resolve_case_study(args.case_study, session=session)
        story_ids = [resolve_id(text, session=session) for text in args.stories]
        added = add_stories(study_id, story_ids, session=session)
    already = len(set(story_ids)) - added
    print(
        f"Added {counted(added, 'story', 'stories')}" + (f" ({already} already in it)." if already else "."),
        file=out,
    )
    return 0


def _say(left_out: Sequence[LeftOut], notes: list[str], findings: Sequence[Finding], allowed: bool) -> bool:
    """What the person must know about an export, on stderr so that stdout stays the document. False
    when the export must not be written (findings, and --allow-confidential not given)."""
    for item in left_out:
        print(f"journal: left out “{item.title}”: {item.reason}.", file=sys.stderr)
    for note in notes:
        print(f"journal: {note}", file=sys.stderr)
    if not findings:
        return True
    print("journal: check before publishing — this looks confidential:", file=sys.stderr)
    for finding in findings:
        print(f"  {finding.sentence()}", file=sys.stderr)
    if allowed:
        return True
    print(
        "journal: nothing was written. Edit the stories (or the case study), or run again with "
        "--allow-confidential to export it as it is.",
        file=sys.stderr,
    )
    return False


def _write(args: argparse.Namespace, export: Export, out: TextIO) -> int:
    from journal.export.files import atomic_write

    text, findings = export.markdown, list(export.findings)
    if args.format == "html":
        text = export.page()
        findings += export.page_findings(text)
    if not _say(export.left_out, export.notes, findings, args.allow_confidential):
        return 1
    if args.output is None:
        out.write(text)
        return 0
    atomic_write(args.output, text)
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.export.markdown import case_study_export
    from journal.store.case_studies import resolve_case_study

    with journal.session() as session:
        export = case_study_export(
            resolve_case_study(args.case_study, session=session),
            session=session,
            include_unapproved=args.include_unapproved,
        )
    return _write(args, export, out)


def _export_story(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.export.markdown import story_export
    from journal.store.stories import resolve_id

    with journal.session() as session:
        export = story_export(
            resolve_id(args.story, session=session), session=session, include_unapproved=args.include_unapproved
        )
    return _write(args, export, out)


def _export_site(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.export.files import plan_site, write_site

    with journal.session() as session:
        plan = plan_site(session=session, include_unapproved=args.include_unapproved)
    left_out = [replace(item, title=f"{study}: {item.title}") for study, item in plan.left_out]
    if not _say(left_out, plan.notes, plan.findings, args.allow_confidential):
        return 1
    report = write_site(plan, args.folder)
    print(f"Wrote {len(report.files)} files to {report.folder}", file=out)
    return 0
