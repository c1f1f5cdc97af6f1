"""Command-line commands for the coverage radar: `journal radar add | import-opml | add-emails | sources | remove |
exclude | fetch | list | link | dismiss | new-story | reopen`.

Registered through journal.cli.main.COMMAND_GROUPS. Like `journal links fetch`, a network that cannot be reached
is not an error: the sources wait, the summary says so, and the exit status is 75.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from journal.cli.common import Commands
from journal.words import counted

if TYPE_CHECKING:
    from journal.radar.api import Radar
    from journal.store.database import Journal


def register(commands: Commands) -> None:
    """Add this group's subparsers to `commands` (argparse's subparsers action)."""
    from journal.cli.common import ITSELF, READ, WRITE, checked
    from journal.cli.links import check_numbers
    from journal.radar.addresses import parse_domain, parse_feed_address

    radar = commands.add_parser(
        "radar",
        help="watch feeds and alert e-mails for coverage of your stories",
        description="The coverage radar watches RSS, Atom and JSON feeds and folders of saved alert e-mails, "
        "and suggests the posts that are about your stories.",
    )
    actions = radar.add_subparsers(dest="radar_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="watch a feed (RSS, Atom or JSON Feed) and print the source's id")
    add.add_argument("url", metavar="URL", type=checked(parse_feed_address))
    add.add_argument("--title", default="", help="a name for it (else the feed's own title)")
    add.set_defaults(run=_add, opens=WRITE)

    opml = actions.add_parser("import-opml", help="watch every feed of an OPML file (a feed reader's export)")
    opml.add_argument("file", metavar="FILE", type=Path)
    opml.set_defaults(run=_import_opml, opens=ITSELF)

    emails = actions.add_parser(
        "add-emails",
        help="watch a folder of saved alert e-mails (.eml files) and print the source's id",
        description="Watch a folder your mail program saves news and search alert e-mails into (.eml files): "
        "each article an e-mail links to becomes an entry.",
    )
    emails.add_argument("folder", metavar="DIR", type=Path)
    emails.set_defaults(run=_add_emails, opens=WRITE, check=_check_folder)

    listing = actions.add_parser("sources", help="the sources watched: state, last read, what was said")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.set_defaults(run=_sources, opens=READ)

    remove = actions.add_parser("remove", help="stop watching a source (its undecided suggestions go)")
    remove.add_argument("source", metavar="SOURCE", help="a source's id (or its first characters) or address")
    remove.set_defaults(run=_remove, opens=WRITE)

    exclude = actions.add_parser(
        "exclude",
        help="never suggest pages of these domains (your organisation's own sites); none given: list them",
    )
    exclude.add_argument("domains", metavar="DOMAIN", nargs="*", type=checked(parse_domain))
    exclude.add_argument("--remove", action="store_true", help="suggest pages of these domains again")
    exclude.set_defaults(run=_exclude, opens=WRITE)

    fetch = actions.add_parser(
        "fetch",
        help="read every source and suggest the new entries that are about your stories",
        description="Read every source (a feed that failed waits out its backoff unless --force), then match "
        "the new entries against the stories. Exit status 75 when the network could not be reached.",
    )
    fetch.add_argument("--force", action="store_true", help="also read the sources waiting after a failure")
    fetch.add_argument("--json", action="store_true", help="one JSON object on stdout, no progress")
    fetch.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (10)")
    fetch.add_argument("--concurrency", type=int, default=4, metavar="N", help="requests at once (4)")
    fetch.set_defaults(run=_fetch, opens=WRITE, check=check_numbers)

    show = actions.add_parser("list", help="the suggestions waiting for a decision, newest first")
    state = show.add_mutually_exclusive_group()
    state.add_argument(
        "--state", choices=("new", "linked", "dismissed", "all"), default="new", help="which suggestions (new)"
    )
    state.add_argument("--unmatched", action="store_true", help="entries that matched no story (new stories?)")
    show.add_argument("--limit", type=int, default=200, metavar="N", help="at most N (200)")
    show.add_argument("--json", action="store_true", help="one JSON array on stdout")
    show.set_defaults(run=_list, opens=READ)

    link = actions.add_parser(
        "link",
        help="make a suggestion's entry a coverage link of its story (or of STORY_ID)",
        description="Link the entry to the suggested story, or to STORY_ID instead. The address becomes a "
        "coverage link waiting to be fetched (`journal links fetch`, or now with --fetch); a comment count the "
        "feed stated becomes a comments reading of the link.",
    )
    link.add_argument("suggestion", metavar="SUGGESTION_ID")
    link.add_argument("story", metavar="STORY_ID", nargs="?", help="another story than the one suggested")
    link.add_argument("--fetch", action="store_true", help="fetch the page now (it waits if there is no network)")
    link.set_defaults(run=_link, opens=WRITE)

    dismiss = actions.add_parser("dismiss", help="dismiss suggestions: never suggested again")
    dismiss.add_argument("suggestions", metavar="SUGGESTION_ID", nargs="+")
    dismiss.set_defaults(run=_dismiss, opens=WRITE)

    draft = actions.add_parser(
        "new-story",
        help="a draft story from a suggestion or an unmatched entry; prints its id",
        description="Make a draft story of an entry (a suggestion's, or one of `journal radar list --unmatched`): "
        "its title, date, address (as coverage) and excerpt filled in.",
    )
    draft.add_argument("id", metavar="ID", help="a suggestion's or an entry's id (or its first characters)")
    draft.set_defaults(run=_new_story, opens=WRITE)

    reopen = actions.add_parser(
        "reopen", help="take a decision back: the suggestion is new again (a link it made is removed)"
    )
    reopen.add_argument("suggestion", metavar="SUGGESTION_ID")
    reopen.set_defaults(run=_reopen, opens=WRITE)


def _check_folder(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder; give the folder your alert e-mails are saved in")


Handler = Callable[[argparse.Namespace, "Journal", TextIO], int]


def _refusals(handler: Handler) -> Handler:
    """What the radar refuses (an unknown id, a decided suggestion, a bad value) is one line and status 1."""

    @wraps(handler)
    def run(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
        from journal.radar.errors import RadarError
        from journal.store.errors import StoryNotFoundError
        from journal.store.fields import FieldError

        try:
            return handler(args, journal, out)
        except (RadarError, FieldError, StoryNotFoundError) as error:
            print(f"journal: {error}", file=sys.stderr)
            return 1

    return run


def _radar(journal: Journal, args: argparse.Namespace | None = None) -> Radar:
    from journal.cli.links import fetch_settings
    from journal.radar.api import Radar

    return Radar(journal, fetch_settings(args) if args is not None else None)


def _dump(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2, default=_json_value)
    out.write("\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


# ---------------------------------------------------------------- sources


@_refusals
def _add(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    source = _radar(journal).add_feed(args.url, args.title)
    print(source.id, file=out)
    return 0


@_refusals
def _add_emails(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    source = _radar(journal).add_mail_folder(args.folder)
    print(source.id, file=out)
    return 0


def _import_opml(args: argparse.Namespace, path: Path, out: TextIO) -> int:
    from journal.radar.api import Radar
    from journal.radar.opml import OpmlError, read_opml
    from journal.store.database import open_journal

    try:
        read_opml(args.file)  # the file is read and checked before the journal is opened
    except OpmlError as error:
        print(f"journal: {error} Nothing was added.", file=sys.stderr)
        return 1
    journal = open_journal(path)
    try:
        result = Radar(journal).import_opml(args.file)
    finally:
        journal.close()
    said = [f"Watching {counted(len(result.added), 'new feed', 'new feeds', grouped=True)}"]
    if result.already:
        said.append(f"{counted(result.already, 'was', 'were', grouped=True)} watched already")
    if result.skipped:
        said.append(f"{counted(result.skipped, 'outline has', 'outlines have', grouped=True)} no web address")
    print("; ".join(said) + ". `journal radar fetch` reads them.", file=out)
    return 0


def _sources(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    radar = _radar(journal)
    sources = radar.sources()
    if args.json:
        _dump([source.__dict__ for source in sources], out)
        return 0
    if not sources:
        print("No sources are watched. Add a feed with `journal radar add URL`.", file=out)
    for source in sources:
        when = source.fetched_at.strftime("%Y-%m-%d %H:%M UTC") if source.fetched_at else "never read"
        print(f"{source.id[:8]}  {source.state:<7}  {source.name}", file=out)
        print(f"{'':10}{source.address}", file=out)
        retry = f" Next try after {source.retry_at:%Y-%m-%d %H:%M UTC}." if source.retry_at else ""
        print(f"{'':10}{when}; {source.entries} entries. {source.message}{retry}".rstrip(), file=out)
    excluded = radar.excluded_domains()
    if excluded:
        print(f"Never suggested: {', '.join(excluded)}", file=out)
    return 0


@_refusals
def _remove(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    removed = _radar(journal).remove_source(args.source)
    print(f"No longer watching {removed.name}.", file=out)
    return 0


def _exclude(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    radar = _radar(journal)
    for domain in args.domains:
        if args.remove:
            changed = radar.include_domain(domain)
            print(f"{domain}: suggested again." if changed else f"{domain} was not excluded.", file=out)
        else:
            gone = radar.exclude_domain(domain)
            print(
                f"{domain}: never suggested"
                + (f" ({counted(gone, 'suggestion', 'suggestions', grouped=True)} went)." if gone else "."),
                file=out,
            )
    if not args.domains:
        domains = radar.excluded_domains()
        print("\n".join(domains) if domains else "No domain is excluded.", file=out)
    return 0


# ---------------------------------------------------------------- reading


def _fetch(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.cli.common import EXIT_OFFLINE
    from journal.cli.links import ProgressLine

    live = not args.json and sys.stderr.isatty()
    lines = {"reading": ProgressLine("Reading sources", live), "matching": ProgressLine("Matching entries", live)}

    def progress(step: Any) -> None:
        lines[step.phase](step.done, step.total, step.source)

    radar = _radar(journal, args)
    try:
        report = radar.fetch(progress=progress, force=args.force, concurrency=args.concurrency)
    finally:
        for line in lines.values():
            line.close()
    new_entries = sum(result.new_entries for result in report.sources)
    if args.json:
        _dump(
            {
                "read": len(report.sources),
                "new_entries": new_entries,
                "suggested": report.suggested,
                "waiting": report.not_tried + sum(result.state == "waiting" for result in report.sources),
                "failed": sum(result.state == "failed" for result in report.sources),
                "offline": report.offline,
                "backing_off": [{"source": name, "until": until.isoformat()} for name, until in report.backing_off],
                "sources": [result.__dict__ for result in report.sources],
            },
            out,
        )
        return EXIT_OFFLINE if report.offline else 0
    if not report.sources and not report.backing_off and not report.not_tried:
        print("No sources are watched. Add a feed with `journal radar add URL`.", file=out)
        return 0
    for result in report.sources:
        if result.state in ("waiting", "failed") and not result.offline:
            print(f"{result.state}: {result.source_id[:8]}  {result.name}: {result.message}", file=out)
        elif result.message and result.state == "read" and result.message != "No new entries.":
            print(f"read:   {result.source_id[:8]}  {result.name}: {result.message}", file=out)
    for name, until in report.backing_off:
        print(f"later:  {name}: waits until {until:%Y-%m-%d %H:%M UTC} after failing (--force reads it now)", file=out)
    said = [
        f"{counted(len(report.sources), 'source', 'sources', grouped=True)} read",
        counted(new_entries, "new entry", "new entries", grouped=True),
        counted(report.suggested, "suggestion", "suggestions", grouped=True),
    ]
    waiting = report.not_tried + sum(result.offline for result in report.sources)
    if waiting:
        said.append(f"{waiting} waiting" + (" (offline)" if report.offline else ""))
    print(", ".join(said) + ".", file=out)
    if report.suggested:
        print("`journal radar list` shows the suggestions.", file=out)
    return EXIT_OFFLINE if report.offline else 0


# ---------------------------------------------------------------- the inbox


def _list(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    radar = _radar(journal)
    if args.unmatched:
        return _list_unmatched(radar, args, out)
    states = ("new", "linked", "dismissed") if args.state == "all" else (args.state,)
    suggestions = radar.suggestions(states, limit=args.limit)
    if args.json:
        _dump([_record(suggestion) for suggestion in suggestions], out)
        return 0
    if not suggestions:
        if args.state != "new":
            print("No such suggestions.", file=out)
        elif radar.sources():
            print("No suggestions waiting. `journal radar fetch` reads the sources again.", file=out)
        else:
            print("No sources are watched yet. Add a feed with `journal radar add URL`.", file=out)
        return 0
    for suggestion in suggestions:
        day = (suggestion.published or suggestion.found_at).date().isoformat()
        state = "" if suggestion.state == "new" else f"  [{suggestion.state}]"
        print(f"{suggestion.id[:8]}  {day}  {suggestion.title}{state}", file=out)
        details = [suggestion.source, suggestion.link]
        if suggestion.comment_count is not None:
            details.append(counted(suggestion.comment_count, "comment", "comments", grouped=True))
        print(f"{'':10}{' · '.join(details)}", file=out)
        print(f"{'':10}→ {suggestion.story_title} ({suggestion.story_id[:8]}): {suggestion.explanation}", file=out)
        for other in suggestion.alternatives:
            print(f"{'':10}  or {other.story_title} ({other.story_id[:8]}): {other.explanation}", file=out)
        if suggestion.excerpt:
            print(f"{'':10}{_bold(suggestion.excerpt, suggestion.matched)}", file=out)
    return 0


def _list_unmatched(radar: Radar, args: argparse.Namespace, out: TextIO) -> int:
    entries = radar.unmatched(limit=args.limit)
    if args.json:
        _dump([entry.__dict__ for entry in entries], out)
        return 0
    if not entries:
        print("No entries without a story.", file=out)
    for entry in entries:
        day = (entry.published or entry.found_at).date().isoformat()
        print(f"{entry.id[:8]}  {day}  {entry.title}", file=out)
        print(f"{'':10}{entry.source} · {entry.link}", file=out)
        if entry.excerpt:
            print(f"{'':10}{entry.excerpt}", file=out)
    return 0


def _record(suggestion: Any) -> dict[str, Any]:
    record = dict(suggestion.__dict__)
    record["alternatives"] = [other.__dict__ for other in suggestion.alternatives]
    record["excerpt_marked"] = _bold(suggestion.excerpt, suggestion.matched)
    return record


def _bold(text: str, words: list[str]) -> str:
    from journal.radar.text import marked

    return "".join(f"**{piece}**" if bold else piece for piece, bold in marked(text, words))


def _suggestion_id(radar: Radar, text: str) -> str:
    from journal.radar.errors import NotFound

    kind, found = radar.resolve(text)
    if kind != "suggestion":
        raise NotFound(f"{text} is an entry that matched no story, not a suggestion; `journal radar new-story {text}`.")
    return str(found)


@_refusals
def _link(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.cli.common import EXIT_OFFLINE
    from journal.coverage.batch import fetch_pending
    from journal.store.stories import resolve_id

    radar = _radar(journal)
    suggestion_id = _suggestion_id(radar, args.suggestion)
    story_id = None
    if args.story:
        with journal.session() as session:
            story_id = resolve_id(args.story, session=session)
    linked = radar.link(suggestion_id, story_id)
    suggestion = radar.suggestion(suggestion_id)
    if linked.already:
        print(f"“{suggestion.story_title}” already had this address (link {linked.link_id[:8]}).", file=out)
    else:
        reading = " with its comment count" if linked.reading_id else ""
        print(f"Linked to “{suggestion.story_title}” as coverage link {linked.link_id[:8]}{reading}.", file=out)
    if not args.fetch or linked.already:
        return 0
    run = fetch_pending(journal, link_ids=[linked.link_id])
    result = run.results[0] if run.results else None
    if result is not None and result.state != "fetched":
        print(f"journal: linked; {result.error[0].lower()}{result.error[1:]}", file=sys.stderr)
        return EXIT_OFFLINE if result.offline else 0
    return 0


@_refusals
def _dismiss(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    radar = _radar(journal)
    ids = [_suggestion_id(radar, text) for text in args.suggestions]  # all found before any is dismissed
    for suggestion_id in ids:
        radar.dismiss(suggestion_id)
    print(f"Dismissed {counted(len(ids), 'suggestion', 'suggestions', grouped=True)}; never suggested again.", file=out)
    return 0


@_refusals
def _new_story(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    radar = _radar(journal)
    kind, found = radar.resolve(args.id)
    made = radar.new_story(found, kind)
    print(made.story_id, file=out)
    return 0


@_refusals
def _reopen(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    radar = _radar(journal)
    suggestion_id = _suggestion_id(radar, args.suggestion)
    radar.reopen(suggestion_id)
    print("The suggestion is new again.", file=out)
    return 0
