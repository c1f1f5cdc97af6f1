"""Command-line commands that change and remove stories without the window (scripts, and tests of the team
sync): `journal edit STORY_ID [the options of add]` and `journal delete STORY_ID`.
Registered through journal.cli.main.COMMAND_GROUPS, after `add`, whose options `edit` takes over.

`edit` changes only what is given: `--tag` (repeatable) makes the story's tags exactly those given,
`--link` adds a coverage link. `delete` deletes for good (the command line has no Undo): the deletion is
kept as a tombstone, which travels to the team and in bundles.
"""

from __future__ import annotations

import argparse
import copy
import sys
from typing import TYPE_CHECKING, Any, TextIO

from journal.cli.common import Commands

if TYPE_CHECKING:
    from journal.store.database import Journal

# add's option -> the story field it sets
_FIELDS = {
    "title": "title",
    "occurred": "occurred",
    "organization": "organization",
    "employees": "employees",
    "channel": "channel",
    "customer": "customer_name",
    "contact": "customer_contact",
    "consent": "consent",
    "situation": "situation",
    "policy": "policy",
    "action": "action",
    "outcome": "outcome",
    "notes": "internal_notes",
    "cost": "cost_cents",
    "currency": "currency",
    "status": "status",
}
_STRIPPED = {"organization", "employees", "channel", "customer", "contact"}


def register(commands: Commands) -> None:
    from journal.cli.common import WRITE

    edit = commands.add_parser("edit", help="change a story: only the options given change (those of `add`)")
    edit.add_argument("id", metavar="STORY_ID", help="a story id, or its first characters")
    for action in commands.choices["add"]._actions:
        if not action.option_strings or action.dest == "help":
            continue
        option = copy.copy(action)
        option.required = False
        option.default = None
        if action.dest == "tag":
            option.help = "the story's tags become exactly these (repeat for several)"
        elif action.dest == "link":
            option.help = "add a coverage link (repeat for several)"
        edit._add_action(option)
    edit.set_defaults(run=_edit, opens=WRITE)

    delete = commands.add_parser(
        "delete", help="delete a story for good (the deletion reaches the team at the next sync)"
    )
    delete.add_argument("id", metavar="STORY_ID", help="a story id, or its first characters")
    delete.set_defaults(run=_delete, opens=WRITE)


def _edit(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store import stories
    from journal.store.models import CoverageLinkBase, Story

    changes: dict[str, Any] = {}
    for option, name in _FIELDS.items():
        value = getattr(args, option)
        if value is not None:
            changes[name] = value.strip() if option in _STRIPPED else value
    with journal.write() as session:
        story_id = stories.resolve_id(args.id, session=session)
        current = session.get(Story, story_id)
        assert current is not None
        if (
            "cost_cents" in changes
            and changes["cost_cents"] is not None
            and not changes.get("currency", current.currency)
        ):
            print("journal: --cost needs --currency too, e.g. --currency USD", file=sys.stderr)
            return 2
        changed = sorted(name for name, value in changes.items() if getattr(current, name) != value)
        stories.update_story(story_id, changes, session=session)
        if args.tag is not None and stories.set_story_tags(story_id, [t for t in args.tag if t], session=session):
            changed.append("tags")
        for url in args.link or []:
            stories.add_link(story_id, CoverageLinkBase(url=url), session=session)
            changed.append("a link")
    if changed:
        print(f"Changed {story_id}: {', '.join(dict.fromkeys(changed))}.", file=out)
    else:
        print(f"Nothing changed in {story_id}: it already says that.", file=out)
    return 0


def _delete(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.store import stories
    from journal.store.models import Story

    with journal.write() as session:
        story_id = stories.resolve_id(args.id, session=session)
        story = session.get(Story, story_id)
        assert story is not None
        title = story.title
        session.delete(story)
    print(f"Deleted “{title}” ({story_id}) for good; a team this journal is in learns it at the next sync.", file=out)
    return 0
