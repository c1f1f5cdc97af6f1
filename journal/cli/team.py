"""Command-line commands for the team journal (journal/sync): `journal team join | status | leave`,
`journal sync` and `journal conflicts`. Registered through journal.cli.main.COMMAND_GROUPS.

`journal sync` exits with 75 (EXIT_OFFLINE) when the team server cannot be reached: nothing is lost, the
changes wait for the next sync. Other refusals give one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from journal.cli.common import EXIT_OFFLINE, Commands
from journal.words import counted

if TYPE_CHECKING:
    from journal.store.database import Journal


def register(commands: Commands) -> None:
    from journal.cli.common import READ, WRITE

    team = commands.add_parser("team", help="share this journal with a team through a team server")
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    join = actions.add_parser(
        "join", help="sign in to a team server; this laptop keeps a device token, not the password"
    )
    join.add_argument("url", metavar="URL", help="the team server, e.g. https://journal.example.com")
    join.add_argument("--user", required=True, metavar="EMAIL")
    join.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    join.set_defaults(run=_join, opens=WRITE)
    status = actions.add_parser("status", help="server, user, role, last sync, changes waiting")
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=_status, opens=READ)
    leave = actions.add_parser("leave", help="leave the team (every story stays in this journal)")
    leave.set_defaults(run=_leave, opens=WRITE)

    sync = commands.add_parser("sync", help="send what changed here and fetch what changed elsewhere")
    sync.add_argument("--json", action="store_true", help="what was done, as one JSON object")
    sync.set_defaults(run=_sync, opens=WRITE)

    conflicts = commands.add_parser("conflicts", help="stories that hold two versions, to resolve in the window")
    conflicts.add_argument("--json", action="store_true")
    conflicts.set_defaults(run=_conflicts, opens=READ)


def _fail(message: str, status: int = 1) -> int:
    print(f"journal: {message}", file=sys.stderr)
    return status


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {args.user}: ")


def _join(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.sync import engine
    from journal.sync.client import Offline, SyncError, check_server_url

    try:
        check_server_url(args.url)
    except SyncError as error:
        return _fail(str(error))
    password = _password(args)
    if password is None:
        return _fail("Give the password on standard input with --password-stdin (it is never an argument).")
    try:
        joined = engine.join(journal, args.url, args.user, password)
    except Offline as error:
        return _fail(f"{error} Nothing was changed.", EXIT_OFFLINE)
    except SyncError as error:
        return _fail(str(error))
    print(f"Joined the team {joined.team} at {joined.server} as {joined.email} ({joined.role}).", file=out)
    print(f"The device token is kept in {joined.token_kept}; the password is not kept.", file=out)
    print("`journal sync` sends this journal's stories and fetches the team's.", file=out)
    return 0


def _status(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.sync import engine

    status = engine.team_status(journal)
    if args.json:
        json.dump(status.as_json(), out, indent=2)
        out.write("\n")
        return 0
    if not status.joined:
        print("This journal is not in a team. `journal team join URL --user EMAIL` joins one.", file=out)
        return 0
    last = status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if status.last_sync else "never"
    print(f"Team {status.team} at {status.server}", file=out)
    print(f"Signed in as {status.email} ({status.role}), device {status.device_id}", file=out)
    print(
        f"Last sync: {last}; {counted(status.waiting, 'change')} waiting; {counted(status.conflicts, 'conflict')}",
        file=out,
    )
    print(f"Token kept in the {'system keyring' if status.token_store == 'keyring' else 'token file'}", file=out)
    if status.revoked:
        print("This laptop was signed out of the team by an admin: nothing is sent any more.", file=out)
    return 0


def _leave(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.sync import engine

    try:
        left = engine.leave(journal)
    except engine.NotJoined as error:
        return _fail(str(error))
    if left.signed_out:
        print(f"Left the team at {left.server}; this laptop was signed out there.", file=out)
    else:
        print(
            f"Left the team at {left.server}, which could not be reached: ask an admin to revoke this device "
            "(`journal-server device list`).",
            file=out,
        )
    print("Every story stays in this journal.", file=out)
    return 0


def _sync(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.sync import engine
    from journal.sync.client import Offline, SyncError

    terminal = sys.stderr.isatty() and not args.json

    def progress(step: engine.Progress) -> None:
        if terminal:
            sys.stderr.write(f"\r{step.message}\x1b[K")
            sys.stderr.flush()

    try:
        result = engine.sync_once(journal, progress=progress)
    except Offline as error:
        waiting = engine.team_status(journal).waiting
        return _fail(f"{error} Nothing was lost: {counted(waiting, 'change')} wait for the next sync.", EXIT_OFFLINE)
    except SyncError as error:
        return _fail(str(error))
    finally:
        if terminal:
            sys.stderr.write("\r\x1b[K")
    if args.json:
        json.dump(result.as_json(), out, indent=2)
        out.write("\n")
    else:
        print(result.summary()[0].upper() + result.summary()[1:] + ".", file=out)
        if result.conflicts:
            print("`journal conflicts` lists them; the window's Resolve… settles them.", file=out)
    return 0


def _conflicts(args: argparse.Namespace, journal: Journal, out: TextIO) -> int:
    from journal.bundles.conflicts import conflicted_ids, conflicts_of
    from journal.store.models import Story

    found: list[dict[str, Any]] = []
    with journal.session() as session:
        for story_id in sorted(conflicted_ids(session)):
            story = session.get(Story, story_id)
            if story is None:
                continue
            versions = [
                {
                    "from": conflict.source,
                    "received_at": conflict.received_at.isoformat(),
                    "deleted": conflict.theirs is None,
                    "differs": conflict.differing(),
                }
                for conflict in conflicts_of(session, story_id)
            ]
            found.append({"id": story_id, "title": story.title, "versions": versions})
    if args.json:
        json.dump(found, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not found:
        print("No conflicts.", file=out)
        return 0
    for entry in found:
        print(f"{entry['id'][:8]}  {entry['title']}", file=out)
        for version in entry["versions"]:
            what = "deleted it" if version["deleted"] else "changed " + (", ".join(version["differs"]) or "it")
            print(f"          {version['from']} {what}", file=out)
    print("Open the window and use Resolve… on each (Edit ▸ Next conflict finds them).", file=out)
    return 0
