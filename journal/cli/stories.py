"""Command-line commands for stories: `journal add | list | show`.

Bad arguments give one line on stderr and exit status 2 (argparse), before the journal is opened.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from journal.cli.common import READ, WRITE, Commands, checked, choice
from journal.store.fields import (
    CONSENT_LABELS,
    SORT_ORDERS,
    Consent,
    Status,
    format_cost,
    parse_cost,
    parse_currency,
    parse_date,
    parse_tag,
    parse_title,
    parse_url,
    status_label,
)

if TYPE_CHECKING:
    from journal.store.database import Journal
    from journal.store.listing import StoryQuery


def register(commands: Commands) -> None:
    """Add `add`, `list` and `show` to `commands` (argparse's subparsers action)."""
    add = commands.add_parser("add", help="record a story and print its id")
    add.add_argument("--title", required=True, type=checked(parse_title))
    add.add_argument("--occurred", metavar="YYYY-MM-DD", type=checked(parse_date))
    add.add_argument("--organization", default="")
    add.add_argument("--employees", default="", help="who did it, comma-separated")
    add.add_argument("--channel", default="", help="phone, email, chat, in_person, social_media, letter, ...")
    add.add_argument("--customer", default="", help="the customer's name (private)")
    add.add_argument("--contact", default="", help="the customer's e-mail or phone (private)")
    add.add_argument(
        "--consent",
        default="unknown",
        type=choice(Consent, "consent"),
        help="unknown, declined, anonymous or named",
    )
    add.add_argument("--situation", default="")
    add.add_argument("--policy", default="")
    add.add_argument("--action", default="")
    add.add_argument("--outcome", default="")
    add.add_argument("--notes", default="", help="internal notes (private)")
    add.add_argument("--cost", metavar="AMOUNT", type=checked(parse_cost))
    add.add_argument("--currency", default="", type=checked(parse_currency), metavar="CUR")
    add.add_argument("--status", default="draft", type=choice(Status, "status"), help="draft, ready or approved")
    add.add_argument("--tag", action="append", default=[], metavar="NAME", type=checked(parse_tag))
    add.add_argument("--link", action="append", default=[], metavar="URL", type=checked(parse_url))

    listing = commands.add_parser("list", help="list stories, newest first")
    listing.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="NAME",
        type=checked(parse_tag),
        help="only stories with this tag (or one nested under it); repeat to narrow",
    )
    listing.add_argument("--search", metavar="TEXT", default="", help="words to find, as in the window's search field")
    listing.add_argument("--any-tag", action="store_true", help="with several --tag: stories with any of them")
    listing.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", type=checked(parse_date))
    listing.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", type=checked(parse_date))
    listing.add_argument("--channel", action="append", default=[], metavar="CHANNEL", help="repeat for any of several")
    listing.add_argument("--status", action="append", default=[], type=choice(Status, "status"))
    listing.add_argument("--consent", action="append", default=[], type=choice(Consent, "consent"))
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
    add.set_defaults(check=_check_add)


def _check_add(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.cost is not None and not args.currency:
        parser.error("--cost needs --currency too, e.g. --currency USD")


def _add(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
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


def _list(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store.listing import corrected_query, list_rows
    from journal.store.search_index import open_for_reading

    query = _query(args)
    if query.text.strip():  # the window's index, brought up to date: the same results in the same order
        journal.search_index = open_for_reading(journal.path, writable=not journal.read_only, say=_say_on_terminal)
    with journal.session() as session:
        # Extracts cost milliseconds each on long stories: the best 25 matches get one.
        rows = list_rows(session=session, query=query, limit=-1, with_snippets=25, index=journal.search_index)
        fixed = None if rows else corrected_query(query, session=session)
        if fixed is not None:
            rows = list_rows(session=session, query=fixed, limit=-1, with_snippets=25, index=journal.search_index)
    if fixed is not None and rows:
        print(f"Showing results for “{fixed.text}” (nothing matches “{query.text.strip()}”).", file=sys.stderr)
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


def _say_on_terminal(line: str) -> None:
    """A note for a person waiting at a terminal (building the search index takes a while on a big journal)."""
    if sys.stderr.isatty():
        print(line, file=sys.stderr)


def _query(args: argparse.Namespace) -> StoryQuery:
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


def _show(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
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
