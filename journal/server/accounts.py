"""People, their passwords and their devices.

Passwords are hashed with argon2id and never kept otherwise. Signing in from a laptop makes a device with a
random token; only the token's SHA-256 is stored (the token itself is as random as a key, so a slow hash adds
nothing), so a copy of the database signs no one in. A revoked device stays listed and is refused from its
next request on. Wrong passwords are counted per address in the database, so every server process slows a
guesser down alike: after the third, each try waits twice as long as the one before (up to 15 minutes), and
while it waits even the right password is refused.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from journal.server.schema import ROLES

_HASHER = PasswordHasher()  # argon2id, the library's recommended costs
_DUMMY = _HASHER.hash("a password no one has")  # verified against for unknown addresses: the same time taken
FREE_FAILURES = 3
LONGEST_WAIT = 15 * 60  # seconds
MIN_PASSWORD = 8


class AccountError(Exception):
    """A refusal with a sentence that says why and what to do."""


class SignInRefused(AccountError):
    def __init__(self, message: str, retry_after: int = 0, *, waiting: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.waiting = waiting  # refused without looking at the password: too many wrong ones just before


class Unauthorized(AccountError):
    """No such device token (or none given)."""


class Revoked(AccountError):
    """The device was revoked: refused, whatever it sends, from now on."""


@dataclass(frozen=True)
class Caller:
    """Who is asking: the person and the device a request's token belongs to."""

    account_id: str
    email: str
    role: str
    team_id: str
    team: str
    device_id: str


def normal_email(email: str) -> str:
    address = email.strip().lower()
    if "@" not in address or len(address) > 254 or any(ch.isspace() for ch in address):
        raise AccountError(f"{email!r} is not an e-mail address.")
    return address


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(connection: psycopg.Connection[Any], email: str, team: str, role: str, password: str) -> str:
    """A new person in `team` (made when it does not exist yet); returns the account id."""
    address = normal_email(email)
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role; use one of: {', '.join(ROLES)}.")
    team = " ".join(team.split())
    if not team:
        raise AccountError("Give the team a name: --team NAME.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    with connection.transaction():
        connection.execute(
            "INSERT INTO team (id, name, replica) VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING",
            (str(uuid.uuid4()), team, str(uuid.uuid4())),
        )
        team_row = connection.execute("SELECT id FROM team WHERE name = %s", (team,)).fetchone()
        assert team_row is not None
        account_id = str(uuid.uuid4())
        try:
            connection.execute(
                "INSERT INTO account (id, email, team_id, role, password_hash) VALUES (%s, %s, %s, %s, %s)",
                (account_id, address, team_row[0], role, _HASHER.hash(password)),
            )
        except psycopg.errors.UniqueViolation:
            raise AccountError(f"There is already an account for {address}.") from None
    return account_id


def set_password(connection: psycopg.Connection[Any], email: str, password: str) -> None:
    """A new password for someone (a lost laptop whose password may be known); wrong tries so far are forgotten.
    Their devices keep working: revoke the lost one with `device revoke`."""
    address = normal_email(email)
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    with connection.transaction():
        changed = connection.execute(
            "UPDATE account SET password_hash = %s WHERE email = %s", (_HASHER.hash(password), address)
        ).rowcount
        if changed != 1:
            raise AccountError(f"There is no account for {address}; `journal-server user list` shows who there is.")
        connection.execute("DELETE FROM login_failure WHERE email = %s", (address,))


def list_users(connection: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    rows = connection.execute(
        """SELECT a.email, t.name, a.role, a.created_at,
                  (SELECT count(*) FROM device d WHERE d.account_id = a.id AND d.revoked_at IS NULL)
           FROM account a JOIN team t ON t.id = a.team_id ORDER BY t.name, a.email"""
    ).fetchall()
    return [{"email": r[0], "team": r[1], "role": r[2], "created_at": r[3].isoformat(), "devices": r[4]} for r in rows]


def list_devices(connection: psycopg.Connection[Any], email: str | None = None) -> list[dict[str, Any]]:
    query = """SELECT d.id, a.email, d.name, d.created_at, d.last_seen_at, d.revoked_at
               FROM device d JOIN account a ON a.id = d.account_id"""
    params: tuple[Any, ...] = ()
    if email:
        query += " WHERE a.email = %s"
        params = (normal_email(email),)
    rows = connection.execute(query + " ORDER BY a.email, d.created_at", params).fetchall()
    return [
        {
            "id": str(r[0]),
            "email": r[1],
            "name": r[2],
            "created_at": r[3].isoformat(),
            "last_seen_at": r[4].isoformat() if r[4] else None,
            "revoked_at": r[5].isoformat() if r[5] else None,
        }
        for r in rows
    ]


def revoke_device(connection: psycopg.Connection[Any], device_id: str) -> str:
    """Revoke a device (an id or a unique prefix of 4+ characters); returns its full id."""
    wanted = device_id.strip().lower()
    if len(wanted) < 4:
        raise AccountError("Give at least 4 characters of the device id (`journal-server device list`).")
    with connection.transaction():
        rows = connection.execute(
            "SELECT id FROM device WHERE id::text LIKE %s FOR UPDATE", (wanted.replace("%", "") + "%",)
        ).fetchall()
        if not rows:
            raise AccountError(f"No device has the id {wanted}; `journal-server device list` shows them.")
        if len(rows) > 1:
            raise AccountError(f"More than one device's id starts with {wanted}; give more of it.")
        connection.execute("UPDATE device SET revoked_at = coalesce(revoked_at, now()) WHERE id = %s", (rows[0][0],))
    return str(rows[0][0])


def sign_in(connection: psycopg.Connection[Any], email: str, password: str, device_name: str) -> tuple[str, Caller]:
    """Check the password and make a device; returns its token (shown once, never stored) and who it is."""
    try:
        address = normal_email(email)
    except AccountError:
        raise SignInRefused("Wrong e-mail address or password.") from None
    with connection.transaction():
        connection.execute(
            "INSERT INTO login_failure (email, failures, blocked_until) VALUES (%s, 0, now())"
            " ON CONFLICT (email) DO NOTHING",
            (address,),
        )
        failures, wait = connection.execute(
            "SELECT failures, extract(epoch FROM blocked_until - now()) FROM login_failure WHERE email = %s FOR UPDATE",
            (address,),
        ).fetchone() or (0, 0)
        if wait is not None and wait > 0:
            seconds = math.ceil(float(wait))
            raise SignInRefused(
                f"Too many wrong passwords for {address}; try again in {seconds} seconds.",
                retry_after=seconds,
                waiting=True,
            )
        row = connection.execute(
            """SELECT a.id, a.password_hash, a.role, a.team_id, t.name
               FROM account a JOIN team t ON t.id = a.team_id WHERE a.email = %s""",
            (address,),
        ).fetchone()
        if not _verified(row[1] if row else _DUMMY, password) or row is None:
            failures += 1
            delay = 0 if failures < FREE_FAILURES else min(2 ** (failures - FREE_FAILURES), LONGEST_WAIT)
            connection.execute(
                "UPDATE login_failure SET failures = %s, blocked_until = now() + make_interval(secs => %s)"
                " WHERE email = %s",
                (failures, delay, address),
            )
            failed = SignInRefused("Wrong e-mail address or password.", retry_after=delay)
        else:
            failed = None
            connection.execute("DELETE FROM login_failure WHERE email = %s", (address,))
            token = "sj1_" + secrets.token_urlsafe(32)
            device_id = str(uuid.uuid4())
            connection.execute(
                "INSERT INTO device (id, account_id, name, token_hash, last_seen_at) VALUES (%s, %s, %s, %s, now())",
                (device_id, row[0], device_name[:200], token_hash(token)),
            )
            caller = Caller(str(row[0]), address, row[2], str(row[3]), row[4], device_id)
    if failed is not None:
        raise failed  # after the transaction: the count of failures is kept
    return token, caller


def _verified(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# A device's last sighting, written at most once a minute and never for a revoked device ({device}: which one).
_SEEN = (
    "UPDATE device SET last_seen_at = now() WHERE {device} AND revoked_at IS NULL"
    " AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')"
)
# The same for the device `%(device)s`, in a statement of a request's own transaction (journal/server/push.py).
SEEN = _SEEN.format(device="id = %(device)s")
_WHO = """SELECT d.id, d.revoked_at, a.id, a.email, a.role, a.team_id, t.name
          FROM device d JOIN account a ON a.id = d.account_id JOIN team t ON t.id = a.team_id
          WHERE d.token_hash = %(hash)s"""
# The UPDATE in WITH runs once whatever the SELECT reads; the SELECT sees the device as it was before it.
_SEEN_WHO = f"WITH seen AS ({_SEEN.format(device='token_hash = %(hash)s')}) {_WHO}"


def authenticate(connection: psycopg.Connection[Any], token: str | None, *, seen: bool = True) -> Caller:
    """Who a request's token belongs to; a revoked or unknown token is refused. The device's last sighting is
    written by the same statement (at most once a minute, never for a revoked device): one round trip. With
    `seen=False` it is not: the request writes it in its own transaction (a push: SEEN, one commit, not two)."""
    if not token:
        raise Unauthorized("Sign in first: `journal team join URL --user EMAIL`.")
    row = connection.execute(_SEEN_WHO if seen else _WHO, {"hash": token_hash(token)}).fetchone()
    if row is None:
        raise Unauthorized("The team server does not know this laptop; `journal team join` signs it in again.")
    if row[1] is not None:
        raise Revoked(
            "An admin signed this laptop out of the team; nothing was sent. Ask them, then `journal team join` again."
        )
    return Caller(str(row[2]), row[3], row[4], str(row[5]), row[6], str(row[0]))
