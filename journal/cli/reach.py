"""Command-line commands for reach and impact: `journal reach add|list` and `journal impact`.

Registered through journal.cli.main.COMMAND_GROUPS. Nothing heavy is imported at module level.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from journal.cli.common import READ, WRITE, Commands

if TYPE_CHECKING:
    from journal.store.database import Journal

METRIC_NAMES = ("comments", "shares", "views", "search_rank")


def register(commands: Commands) -> None:
    """Add `reach` (with `add` and `list`) and `impact` to `commands` (argparse's subparsers action)."""
    reach = commands.add_parser("reach", help="dated readings of a story's reach: comments, shares, search rank")
    actions = reach.add_subparsers(dest="reach_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="record a reading of a story or one of its links")
    add.add_argument("id", metavar="STORY_ID", help="a story id, or its first characters")
    add.add_argument("--metric", required=True, choices=METRIC_NAMES)
    add.add_argument("--value", required=True, help="the count, or the rank (1 = first result)")
    add.add_argument("--link", metavar="LINK", help="one of the story's coverage links: its address or id")
    add.add_argument("--query", default="", metavar="TEXT", help="for search_rank: the search, e.g. 'Zappos service'")
    add.add_argument("--date", default="", metavar="YYYY-MM-DD", help="when it was read (default: now)")
    add.set_defaults(run=_add, opens=WRITE, check=_check_add)

    listing = actions.add_parser("list", help="a story's readings, newest first")
    listing.add_argument("id", metavar="STORY_ID", help="a story id, or its first characters")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.set_defaults(run=_list, opens=READ)

    impact = commands.add_parser("impact", help="what stories cost against what they earned")
    impact.add_argument("id", nargs="?", metavar="STORY_ID", help="one story (default: the dashboard figures)")
    impact.add_argument("--search", default="", metavar="TEXT", help="only the stories this search finds")
    impact.add_argument("--tag", action="append", default=[], metavar="NAME", help="only stories with this tag")
    impact.add_argument("--json", action="store_true", help="one JSON object on stdout")
    impact.set_defaults(run=_impact, opens=READ)


def _check_add(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from journal.store.fields import FieldError
    from journal.store.readings import check, parse_day, parse_value

    try:
        args.value = parse_value(args.value, args.metric)
        args.date = parse_day(args.date)
        args.query = " ".join(args.query.split()) if args.metric == "search_rank" else ""
        check(args.metric, args.value, args.query, args.date)
    except FieldError as error:
        parser.error(str(error))


def _add(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    import sqlalchemy as sa
    from sqlmodel import col, select

    from journal.store.models import CoverageLink
    from journal.store.readings import add_reading
    from journal.store.stories import resolve_id

    with journal.write() as session:
        story_id = resolve_id(args.id, session=session)
        link_id = None
        if args.link:
            found = session.exec(
                select(CoverageLink.id).where(
                    col(CoverageLink.story_id) == story_id,
                    sa.or_(col(CoverageLink.url) == args.link, col(CoverageLink.id).startswith(args.link)),
                )
            ).all()
            if len(found) != 1:
                which = "matches several links" if found else "is not one of this story's links"
                print(f"journal: '{args.link}' {which}; give its full address or id (`journal show`).", file=sys.stderr)
                return 1
            link_id = found[0]
        reading = add_reading(
            story_id,
            metric=args.metric,
            value=args.value,
            query=args.query,
            link_id=link_id,
            taken_at=args.date,
            session=session,
        )
    print(reading.id, file=out)
    return 0


def _list(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store.readings import glance, history
    from journal.store.stories import resolve_id

    with journal.session() as session:
        found = history(resolve_id(args.id, session=session), session=session)
    if args.json:
        records = [
            {
                "id": r.id,
                "metric": r.metric,
                "value": r.value,
                "query": r.query,
                "link_id": r.link_id,
                "taken_at": r.taken_at.isoformat(),
                "source": r.source,
            }
            for r in found
        ]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not found:
        print("No readings yet. Add one with `journal reach add STORY_ID --metric comments --value 143`.", file=out)
        return 0
    print(glance(found), file=out)
    for r in found:
        on = "link " + r.link_id[:8] if r.link_id else "story"
        query = f"  “{r.query}”" if r.query else ""
        print(f"{r.taken_at.date().isoformat()}  {r.metric:<11}  {r.value:>9,}  {on:<13}  {r.source}{query}", file=out)
    return 0


def _impact(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    import dataclasses

    from journal.store.impact import dashboard, story_impact
    from journal.store.listing import StoryQuery
    from journal.store.stories import resolve_id

    with journal.session() as session:
        if args.id:
            found = story_impact(resolve_id(args.id, session=session), session=session)
            assert found is not None  # resolve_id raised otherwise
            if args.json:
                json.dump(dataclasses.asdict(found), out, ensure_ascii=False, indent=2)
                out.write("\n")
            else:
                print(found.sentence(), file=out)
            return 0
        query = StoryQuery(text=args.search, tags=tuple(tag.strip() for tag in args.tag if tag.strip()))
        figures = dashboard(session=session, query=query)
    if args.json:
        json.dump(dataclasses.asdict(figures), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    print(f"Stories: {figures.stories:,}", file=out)
    if figures.periods:
        print(f"Stories per {'year' if figures.by_year else 'month'}:", file=out)
        for period, count in figures.periods:
            print(f"  {period}  {count:,}", file=out)
    if figures.most_covered:
        print("Most covered:", file=out)
        for story in figures.most_covered:
            print(f"  {story.pieces:>3} pieces  {story.comments:>7,} comments  {story.title}", file=out)
    if figures.top_tags:
        print("Top tags:", file=out)
        for name, count in figures.top_tags:
            print(f"  {count:>6,}  {name}", file=out)
    for currency, count in sorted(figures.costed.items()):
        print(f"Stories with a cost in {currency or 'no currency'}: {count:,}", file=out)
    return 0
