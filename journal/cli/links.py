"""Command-line commands for coverage capture and link health: `journal link add`, `journal links fetch`,
`journal links check`.

Registered through journal.cli.main.COMMAND_GROUPS. A network that cannot be reached is not an error of the
command: the links wait, the summary says so, and the exit status is 75 (EX_TEMPFAIL: try again later).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from journal.cli.common import EXIT_OFFLINE, WRITE, Commands, checked

if TYPE_CHECKING:
    from journal.coverage.fetch import FetchSettings
    from journal.store.database import Journal


def register(commands: Commands) -> None:
    """Add this group's subparsers to `commands` (argparse's subparsers action)."""
    from journal.store.fields import LinkKind, enum_value, parse_comment_count, parse_date, parse_url

    link = commands.add_parser("link", help="one coverage link: `journal link add STORY_ID URL`")
    link_commands = link.add_subparsers(dest="link_command", metavar="COMMAND", required=True)
    add = link_commands.add_parser(
        "add",
        help="add a coverage link to a story and print its id (fetched later, or now with --fetch)",
        description="Add a coverage link to a story. The link is saved at once and its page fetched by "
        "`journal links fetch` (or the window); values given here are never replaced by fetched ones.",
    )
    add.add_argument("story", metavar="STORY_ID", help="a story id, or its first characters")
    add.add_argument("url", metavar="URL", type=checked(parse_url))
    add.add_argument("--title", default="")
    add.add_argument("--outlet", default="", help="the site or publication")
    add.add_argument("--author", default="")
    add.add_argument("--published", metavar="YYYY-MM-DD", type=checked(parse_date))
    add.add_argument(
        "--kind",
        type=checked(lambda text: enum_value(LinkKind, text, "kind")),
        help="customer_post, blog, news, social_post, forum or other",
    )
    add.add_argument("--comments", metavar="N", type=checked(parse_comment_count), help="the comment count")
    add.add_argument("--notes", default="")
    add.add_argument("--fetch", action="store_true", help="fetch the page now (it waits if there is no network)")
    add.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help=argparse.SUPPRESS)
    add.set_defaults(run=_link_add, opens=WRITE)

    links = commands.add_parser("links", help="all coverage links: fetch pages waiting, check link health")
    links_commands = links.add_subparsers(dest="links_command", metavar="COMMAND", required=True)
    fetch = links_commands.add_parser(
        "fetch",
        help="fetch the pages of links waiting to be fetched: metadata and a readable snapshot",
        description="Fetch every link still marked 'to fetch': fill title, outlet, author, date, description "
        f"and comment count where you did not type them, and keep a readable copy. Exit status {EXIT_OFFLINE} "
        "when the network could not be reached (the links keep waiting).",
    )
    check = links_commands.add_parser(
        "check",
        help="check every link: OK, moved or dead (the readable copies are kept)",
        description="Ask every link's site whether the page is still there; record OK, moved (with the new "
        f"address) or dead. Exit status {EXIT_OFFLINE} when the network could not be reached.",
    )
    for parser, handler in ((fetch, _links_fetch), (check, _links_check)):
        parser.add_argument("--json", action="store_true", help="one JSON object on stdout, no progress")
        parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (10)")
        parser.add_argument("--concurrency", type=int, default=4, metavar="N", help="requests at once (4)")
        parser.set_defaults(run=handler, opens=WRITE, check=check_numbers)
    add.set_defaults(check=check_numbers)


def check_numbers(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 0 < args.timeout <= 600:
        parser.error("--timeout must be between 0 and 600 seconds")
    if not 1 <= getattr(args, "concurrency", 1) <= 32:
        parser.error("--concurrency must be between 1 and 32")


def fetch_settings(args: argparse.Namespace) -> FetchSettings:
    from journal.coverage.fetch import FetchSettings

    return FetchSettings(connect_timeout=min(args.timeout, 5.0), read_timeout=args.timeout)


def _link_add(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.coverage.batch import fetch_pending
    from journal.store.models import CoverageLinkBase
    from journal.store.stories import add_link, resolve_id

    fields: dict[str, Any] = {
        "url": args.url,
        "title": args.title.strip(),
        "outlet": args.outlet.strip(),
        "author": args.author.strip(),
        "published": args.published,
        "comment_count": args.comments,
        "notes": args.notes.strip(),
    }
    if args.kind:
        fields["kind"] = args.kind
    with journal.write() as session:
        story_id = resolve_id(args.story, session=session)
        link = add_link(story_id, CoverageLinkBase(**fields), session=session)
    print(link.id, file=out)
    out.flush()
    if not args.fetch:
        return 0
    run = fetch_pending(journal, fetch_settings(args), link_ids=[link.id])
    result = run.results[0] if run.results else None
    if result is None:
        return 0
    if result.state == "fetched":
        print(f"Fetched: {result.title or args.url}", file=sys.stderr)
        return 0
    if result.state == "to_fetch":
        print(f"journal: saved; {result.error[0].lower()}{result.error[1:]}", file=sys.stderr)
        return EXIT_OFFLINE if result.offline else 0
    print(f"journal: saved, but the page could not be read: {result.error}", file=sys.stderr)
    return 0


class ProgressLine:
    """ "Fetching 12/200…" rewritten in place on a terminal; nothing when stderr is a file or a pipe."""

    def __init__(self, verb: str, enabled: bool) -> None:
        self._verb = verb
        self._enabled = enabled
        self._shown = False

    def __call__(self, done: int, total: int, _result: object) -> None:
        if self._enabled:
            sys.stderr.write(f"\r{self._verb} {done}/{total}…")
            sys.stderr.flush()
            self._shown = True

    def close(self) -> None:
        if self._shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _progress(verb: str, args: argparse.Namespace) -> ProgressLine:
    return ProgressLine(verb, not args.json and sys.stderr.isatty())


def _links_fetch(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.coverage.batch import fetch_pending

    progress = _progress("Fetching", args)
    try:
        run = fetch_pending(journal, fetch_settings(args), concurrency=args.concurrency, progress=progress)
    finally:
        progress.close()
    counts = {state: sum(1 for result in run.results if result.state == state) for state in ("fetched", "failed")}
    waiting = run.skipped + sum(1 for result in run.results if result.state == "to_fetch")
    failures = [result for result in run.results if result.state == "failed"]
    if args.json:
        summary = {
            "fetched": counts["fetched"],
            "failed": counts["failed"],
            "waiting": waiting,
            "offline": run.offline,
            "links": [
                {"id": result.link_id, "story_id": result.story_id, "state": result.state, "error": result.error}
                | {"title": result.title, "filled": result.changed}
                for result in run.results
            ],
        }
        json.dump(summary, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        if run.total == 0:
            print("No links are waiting to be fetched.", file=out)
            return 0
        for result in failures:
            print(f"failed: {result.link_id[:8]}  {result.error}", file=out)
        parts = [f"{counts['fetched']} fetched", f"{counts['failed']} failed"]
        parts.append(f"{waiting} waiting" + (" (offline)" if run.offline else ""))
        print(", ".join(parts) + ".", file=out)
    return EXIT_OFFLINE if run.offline else 0


def _links_check(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.coverage.batch import check_all

    progress = _progress("Checking", args)
    try:
        run = check_all(journal, fetch_settings(args), concurrency=args.concurrency, progress=progress)
    finally:
        progress.close()
    answered = [result for result in run.results if result.answered]
    counts = {health: sum(1 for r in answered if r.health == health) for health in ("ok", "moved", "dead")}
    not_reached = len(run.results) - len(answered) + run.skipped
    if args.json:
        summary = {
            "ok": counts["ok"],
            "moved": counts["moved"],
            "dead": counts["dead"],
            "not_reached": not_reached,
            "offline": run.offline,
            "links": [
                {"id": r.link_id, "story_id": r.story_id, "health": r.health, "answered": r.answered}
                | {"changed": r.changed, "final_url": r.final_url, "error": r.error}
                for r in run.results
            ],
        }
        json.dump(summary, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        if run.total == 0:
            print("There are no links to check.", file=out)
            return 0
        for result in answered:
            if result.health == "moved":
                print(f"moved: {result.link_id[:8]}  now at {result.final_url}", file=out)
            elif result.health == "dead":
                print(f"dead:  {result.link_id[:8]}  {result.error}", file=out)
        parts = [f"{counts['ok']} ok", f"{counts['moved']} moved", f"{counts['dead']} dead"]
        parts.append(f"{not_reached} not reached" + (" (offline)" if run.offline else ""))
        print(", ".join(parts) + ".", file=out)
    return EXIT_OFFLINE if run.offline else 0
