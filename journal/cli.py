"""The command line: `journal add | list | show` here, more commands in the COMMAND_GROUPS modules.

Bad arguments give one line on stderr and exit status 2; a journal that cannot be opened, or a story
that does not exist, gives one line and exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

from journal import APP_NAME, __version__
from journal.store.fields import (
    CONSENT_LABELS,
    SORT_ORDERS,
    Consent,
    FieldError,
    Status,
    enum_value,
    format_cost,
    parse_cost,
    parse_currency,
    parse_date,
    parse_tag,
    parse_title,
    parse_url,
    status_label,
)

# How a command gets its journal (the `opens` default of its subparser): opened for reading, opened for
# writing (created when missing), or given the path to open itself.
READ, WRITE, ITSELF = "read", "write", "itself"

# Modules with more commands: each has `register(commands)`, which adds its subparsers and sets their
# `run` (handler) and `opens` defaults. They import nothing heavy at module level (`--help` stays instant).
COMMAND_GROUPS: tuple[str, ...] = (
    "journal.cli_case_studies",
    "journal.cli_links",
    "journal.cli_safety",
    "journal.cli_bundles",
    "journal.cli_reach",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _checked(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from one of the field parsers, so the CLI refuses exactly what the window refuses."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except FieldError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__.removeprefix("parse_")
    return convert


def _choice(enum: Any, what: str) -> Callable[[str], str]:
    return _checked(lambda text: enum_value(enum, text, what))


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

    add = commands.add_parser("add", help="record a story and print its id")
    add.add_argument("--title", required=True, type=_checked(parse_title))
    add.add_argument("--occurred", metavar="YYYY-MM-DD", type=_checked(parse_date))
    add.add_argument("--organization", default="")
    add.add_argument("--employees", default="", help="who did it, comma-separated")
    add.add_argument("--channel", default="", help="phone, email, chat, in_person, social_media, letter, ...")
    add.add_argument("--customer", default="", help="the customer's name (private)")
    add.add_argument("--contact", default="", help="the customer's e-mail or phone (private)")
    add.add_argument(
        "--consent",
        default="unknown",
        type=_choice(Consent, "consent"),
        help="unknown, declined, anonymous or named",
    )
    add.add_argument("--situation", default="")
    add.add_argument("--policy", default="")
    add.add_argument("--action", default="")
    add.add_argument("--outcome", default="")
    add.add_argument("--notes", default="", help="internal notes (private)")
    add.add_argument("--cost", metavar="AMOUNT", type=_checked(parse_cost))
    add.add_argument("--currency", default="", type=_checked(parse_currency), metavar="CUR")
    add.add_argument("--status", default="draft", type=_choice(Status, "status"), help="draft, ready or approved")
    add.add_argument("--tag", action="append", default=[], metavar="NAME", type=_checked(parse_tag))
    add.add_argument("--link", action="append", default=[], metavar="URL", type=_checked(parse_url))

    listing = commands.add_parser("list", help="list stories, newest first")
    listing.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="NAME",
        type=_checked(parse_tag),
        help="only stories with this tag (or one nested under it); repeat to narrow",
    )
    listing.add_argument("--search", metavar="TEXT", default="", help="words to find, as in the window's search field")
    listing.add_argument("--any-tag", action="store_true", help="with several --tag: stories with any of them")
    listing.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", type=_checked(parse_date))
    listing.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", type=_checked(parse_date))
    listing.add_argument("--channel", action="append", default=[], metavar="CHANNEL", help="repeat for any of several")
    listing.add_argument("--status", action="append", default=[], type=_choice(Status, "status"))
    listing.add_argument("--consent", action="append", default=[], type=_choice(Consent, "consent"))
    coverage = listing.add_mutually_exclusive_group()
    coverage.add_argument("--with-coverage", action="store_true", help="only stories with coverage links")
    coverage.add_argument("--without-coverage", action="store_true", help="only stories without coverage links")
    listing.add_argument("--organization", default="", help="organisation contains this text")
    listing.add_argument("--employee", default="", help="employees contain this text")
    listing.add_argument(
        "--sort", choices=list(SORT_ORDERS), default="best", help="best (match, else newest), newest, oldest, ..."
    )
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")

    show = commands.add_parser("show", help="every field of one story, tags and links included")
    show.add_argument("id", metavar="ID", help="a story id, or its first characters")
    show.add_argument("--json", action="store_true", help="one JSON object on stdout")
    add.set_defaults(run=_add, opens=WRITE)
    listing.set_defaults(run=_list, opens=READ)
    show.set_defaults(run=_show, opens=READ)
    for name in COMMAND_GROUPS:
        importlib.import_module(name).register(commands)
    return parser


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What argparse cannot check alone; refused before any file is opened. A command group may set a
    `check(parser, args)` default of its own."""
    from journal.arguments import undecodable_argument

    problem = undecodable_argument(parser, args)
    if problem:
        parser.error(problem)
    if args.command == "add" and args.cost is not None and not args.currency:
        parser.error("--cost needs --currency too, e.g. --currency USD")
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


def _add(args: argparse.Namespace, journal: Any, out: TextIO) -> int:
    from journal.store.models import CoverageLinkBase
    from journal.store.stories import StoryCreate, create_story

    data = StoryCreate(
        title=args.title,
        occurred=args.occurred,
        organization=args.organization.strip(),
        employees=args.employees.strip(),
        channel=args.channel.strip(),
        customer_name=args.customer.strip(),
        customer_contact=args.contact.strip(),
        consent=args.consent,
        situation=args.situation,
        policy=args.policy,
        action=args.action,
        cost_cents=args.cost,
        currency=args.currency,
        outcome=args.outcome,
        internal_notes=args.notes,
        status=args.status,
        tags=[tag for tag in args.tag if tag],
        links=[CoverageLinkBase(url=url) for url in args.link],
    )
    with journal.write() as session:
        story_id = create_story(data, session=session).id
    print(story_id, file=out)
    return 0


def _list(args: argparse.Namespace, journal: Any, out: TextIO) -> int:
    from journal.store.listing import list_rows

    query = _query(args)
    with journal.session() as session:
        # Extracts cost milliseconds each on long stories: the best 25 matches get one.
        rows = list_rows(session=session, query=query, limit=-1, with_snippets=25)
    if args.json:
        records = [
            {
                "id": row.id,
                "title": row.title,
                "occurred": row.occurred.isoformat() if row.occurred else None,
                "status": row.status,
                "tags": [tag for tag in row.tags.split(", ") if tag],
                "coverage": row.coverage,
                **({"snippet": _marked(row.snippet)} if row.snippet else {}),
            }
            for row in rows
        ]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not rows:
        print(
            "No story matches." if query.is_filtered() else "No stories yet. Add one with `journal add --title ...`.",
            file=out,
        )
        return 0
    for row in rows:
        date = row.occurred.isoformat() if row.occurred else "—".ljust(10)
        status = status_label(row.status)
        tags = f"  [{row.tags}]" if row.tags else ""
        print(f"{row.id[:8]}  {date}  {status:<8}  {row.title}{tags}", file=out)
        if row.snippet:
            print(f"{'':10}{_marked(row.snippet)}", file=out)
    return 0


def _query(args: argparse.Namespace) -> Any:
    from journal.store.listing import CoverageFilter, StoryQuery, TagMode

    _label, sort, descending = SORT_ORDERS[args.sort]
    coverage = (
        CoverageFilter.WITH
        if args.with_coverage
        else CoverageFilter.WITHOUT
        if args.without_coverage
        else CoverageFilter.EITHER
    )
    return StoryQuery(
        text=args.search,
        tags=tuple(tag for tag in args.tag if tag),
        tag_mode=TagMode.ANY if args.any_tag else TagMode.ALL,
        date_from=args.date_from,
        date_to=args.date_to,
        channels=tuple(args.channel),
        statuses=tuple(args.status),
        consents=tuple(args.consent),
        coverage=coverage,
        organization=args.organization,
        employee=args.employee,
        sort=sort,
        descending=descending,
    )


def _marked(snippet: str) -> str:
    """A search extract for a terminal or JSON: the matched words between ** as in Markdown."""
    from journal.store.search import SNIPPET_END, SNIPPET_START

    return " ".join(snippet.split()).replace(SNIPPET_START, "**").replace(SNIPPET_END, "**")


def _show(args: argparse.Namespace, journal: Any, out: TextIO) -> int:
    from journal.store.stories import get_story, resolve_id

    with journal.session() as session:
        story = get_story(resolve_id(args.id, session=session), session=session)
    record = story.model_dump(mode="json")
    if args.json:
        json.dump(record, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    cost = f"{format_cost(story.cost_cents)} {story.currency}".strip() if story.cost_cents is not None else ""
    lines = [
        story.title,
        "=" * min(len(story.title), 80),
        f"id:            {story.id}",
        f"when:          {story.occurred or 'not known'}",
        f"organisation:  {story.organization}",
        f"employees:     {story.employees}",
        f"channel:       {story.channel}",
        f"status:        {status_label(story.status)}",
        f"tags:          {', '.join(story.tags)}",
        f"customer:      {story.customer_name}" + ("  (private)" if story.customer_name else ""),
        f"contact:       {story.customer_contact}" + ("  (private)" if story.customer_contact else ""),
        f"consent:       {CONSENT_LABELS[Consent(story.consent)]}",
        f"cost:          {cost}",
        f"created:       {story.created_at.isoformat(timespec='seconds')}",
        f"updated:       {story.updated_at.isoformat(timespec='seconds')}",
    ]
    for heading, text in (
        ("Situation", story.situation),
        ("Policy", story.policy),
        ("What was done", story.action),
        ("Outcome", story.outcome),
        ("Internal notes (private)", story.internal_notes),
    ):
        lines += ["", f"{heading}:", text or "—"]
    lines += ["", f"Coverage ({len(story.links)}):"]
    for link in story.links:
        details = ", ".join(
            part
            for part in (
                link.outlet,
                link.author,
                link.published.isoformat() if link.published else "",
                link.kind.replace("_", " "),
                f"{link.comment_count} comments" if link.comment_count is not None else "",
            )
            if part
        )
        lines.append(f"- {link.title}\n  {link.url}" if link.title else f"- {link.url}")
        if details:
            lines.append(f"  {details}")
        if link.notes:
            lines.append(f"  {link.notes}")
    print("\n".join(lines), file=out)
    return 0
