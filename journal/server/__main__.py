"""`journal-server`: prepare the database, manage people and devices, and serve the team journal.

    journal-server init --database URL
    journal-server user add EMAIL --team TEAM --role rep|marketer|admin [--password-stdin]
    journal-server user list [--json]
    journal-server device list [EMAIL] [--json]
    journal-server device revoke ID
    journal-server tombstones purge --older-than DAYS
    journal-server run --database URL [--host 127.0.0.1] [--port 8765] [--tls-cert FILE --tls-key FILE]

JOURNAL_SERVER_DATABASE may stand for --database. Problems give one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from journal.server.database import DATABASE_VARIABLE, ServerError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", help=f"postgresql://USER@HOST:PORT/NAME (default: ${DATABASE_VARIABLE})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="journal-server", description="The Story Journal team server (PostgreSQL).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    init = commands.add_parser(
        "init", help="create or upgrade the database's schema (running it twice changes nothing)"
    )
    _database(init)
    init.set_defaults(run=_init)

    user = commands.add_parser("user", help="people: add, list")
    users = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = users.add_parser("add", help="add a person to a team (the team is made when it is new)")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--team", required=True)
    add.add_argument("--role", required=True, choices=["rep", "marketer", "admin"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _database(add)
    add.set_defaults(run=_user_add)
    listing = users.add_parser("list", help="everyone, by team")
    listing.add_argument("--json", action="store_true")
    _database(listing)
    listing.set_defaults(run=_user_list)

    device = commands.add_parser("device", help="signed-in laptops: list, revoke")
    devices = device.add_subparsers(dest="device_command", metavar="ACTION", required=True)
    dlist = devices.add_parser("list", help="devices (of one person, or everyone's)")
    dlist.add_argument("email", metavar="EMAIL", nargs="?")
    dlist.add_argument("--json", action="store_true")
    _database(dlist)
    dlist.set_defaults(run=_device_list)
    revoke = devices.add_parser("revoke", help="sign a device out: refused from its next request on")
    revoke.add_argument("id", metavar="ID", help="the device id, or its first characters")
    _database(revoke)
    revoke.set_defaults(run=_device_revoke)

    graves = commands.add_parser("tombstones", help="deleted stories the server remembers")
    graves_actions = graves.add_subparsers(dest="graves_command", metavar="ACTION", required=True)
    purge = graves_actions.add_parser(
        "purge", help="forget deletions older than DAYS (a laptop away longer then reads everything again)"
    )
    purge.add_argument("--older-than", metavar="DAYS", type=float, required=True)
    _database(purge)
    purge.set_defaults(run=_purge)

    run = commands.add_parser("run", help="serve the team journal")
    _database(run)
    run.add_argument("--host", default="127.0.0.1", help="plain HTTP only on a loopback address (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8765)
    run.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    run.add_argument("--tls-key", metavar="FILE", help="... and this private key (PEM)")
    run.add_argument("--pool", type=int, default=8, help="database connections per process (default 8)")
    run.set_defaults(run=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.run(args))
    except ServerError as error:
        print(f"journal-server: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _connection(args: argparse.Namespace) -> Any:
    from journal.server import database

    url = database.database_url(args.database)
    database.check_schema(url)
    return database.connect(url)


def _init(args: argparse.Namespace) -> int:
    from journal.server import database

    url = database.database_url(args.database)
    before, after = database.init(url)
    if before == after:
        print(f"The database is ready (schema {after}); nothing to change.")
    else:
        print(f"The database is ready (schema {after}{', upgraded from ' + before if before else ', created'}).")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ServerError("Give the password on standard input with --password-stdin (it is never an argument).")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ServerError("The two passwords differ; nothing was changed.")
    return first


def _user_add(args: argparse.Namespace) -> int:
    from journal.server import accounts

    password = _password(args)
    with _connection(args) as connection:
        try:
            accounts.add_user(connection, args.email, args.team, args.role, password)
        except accounts.AccountError as error:
            raise ServerError(str(error)) from None
    print(f"Added {args.email.strip().lower()} to the team {' '.join(args.team.split())} as {args.role}.")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from journal.server import accounts

    with _connection(args) as connection:
        users = accounts.list_users(connection)
    if args.json:
        print(json.dumps(users, indent=2))
        return 0
    if not users:
        print("No one yet. `journal-server user add EMAIL --team TEAM --role rep` adds someone.")
    for user in users:
        print(f"{user['team']:<20} {user['role']:<9} {user['email']:<36} {user['devices']} devices")
    return 0


def _device_list(args: argparse.Namespace) -> int:
    from journal.server import accounts

    with _connection(args) as connection:
        try:
            devices = accounts.list_devices(connection, args.email)
        except accounts.AccountError as error:
            raise ServerError(str(error)) from None
    if args.json:
        print(json.dumps(devices, indent=2))
        return 0
    if not devices:
        print("No devices.")
    for device in devices:
        state = f"revoked {device['revoked_at'][:16]}" if device["revoked_at"] else "active"
        seen = (device["last_seen_at"] or "never")[:16]
        print(f"{device['id']}  {device['email']:<30} {device['name'][:24]:<24} last seen {seen}  {state}")
    return 0


def _device_revoke(args: argparse.Namespace) -> int:
    from journal.server import accounts

    with _connection(args) as connection:
        try:
            device_id = accounts.revoke_device(connection, args.id)
        except accounts.AccountError as error:
            raise ServerError(str(error)) from None
    print(f"Revoked {device_id}: it is refused from its next request on.")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from journal.server.maintenance import purge_tombstones

    with _connection(args) as connection:
        count = purge_tombstones(connection, args.older_than)
    print(f"Forgot {count} deletions older than {args.older_than:g} days.")
    return 0


def _run(args: argparse.Namespace) -> int:
    from journal.server import database

    url = database.database_url(args.database)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ServerError("Give both --tls-cert and --tls-key, or neither.")
    from journal.sync.wire import is_loopback

    if not is_loopback(args.host) and not args.tls_cert:
        raise ServerError(
            f"Plain HTTP is only served on this computer (127.0.0.1). To serve {args.host}, put a reverse proxy "
            "with TLS in front of a server on 127.0.0.1 (see the README), or give --tls-cert and --tls-key."
        )
    database.check_schema(url)
    import uvicorn

    from journal.server.app import create_app

    scheme = "https" if args.tls_cert else "http"
    print(f"Serving the team journal on {scheme}://{args.host}:{args.port} (Ctrl+C stops).", flush=True)
    uvicorn.run(
        create_app(url, pool_size=args.pool),
        host=args.host,
        port=args.port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
