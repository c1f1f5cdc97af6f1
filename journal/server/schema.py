"""The team server's tables (SQLAlchemy Core), created and upgraded by its own Alembic tree
(journal/server/migrations, `journal-server init`). Requests use psycopg directly (journal/server/*.py).

- team: one per team, with its change sequence (`seq`, taken under the row's lock by every push), the
  replica id the server writes automatic merges under, and `purged_seq`, the highest sequence number of a
  tombstone forgotten by `journal-server tombstones purge` (a laptop whose cursor is older resyncs fully).
- account: a person (rep, marketer or admin) in one team; the password as an argon2id hash.
- device: a signed-in laptop; only the SHA-256 of its random token is kept; revoked ones stay listed.
- login_failure: wrong passwords per e-mail address, so every server process slows guessing down alike.
- item: what the team holds of each story and case study: the current version (a record, or a deletion),
  the versions kept in conflicts with it, who first sent it (its author), and its place in the sequence.
- snapshot: coverage page texts by SHA-256, per team, sent once.
- push: the answer to every push, by device and push id, so a retried push gets the same answer.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

metadata = sa.MetaData()
ROLES = ("rep", "marketer", "admin")

team = sa.Table(
    "team",
    metadata,
    sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("purged_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("replica", pg.UUID(as_uuid=False), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

account = sa.Table(
    "account",
    metadata,
    sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
    sa.Column("email", sa.Text, nullable=False, unique=True),  # stored in lower case
    sa.Column("team_id", pg.UUID(as_uuid=False), sa.ForeignKey("team.id"), nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("role IN ('rep', 'marketer', 'admin')", name="ck_account_role"),
)

device = sa.Table(
    "device",
    metadata,
    sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
    sa.Column("account_id", pg.UUID(as_uuid=False), sa.ForeignKey("account.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False, server_default=""),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_device_account", "account_id"),
)

login_failure = sa.Table(
    "login_failure",
    metadata,
    sa.Column("email", sa.Text, primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
)

item = sa.Table(
    "item",
    metadata,
    sa.Column("team_id", pg.UUID(as_uuid=False), sa.ForeignKey("team.id"), primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),  # story | case_study
    sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("version", pg.JSONB, nullable=False),
    sa.Column("record", pg.JSONB, nullable=True),  # None: deleted (a tombstone)
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("by", sa.Text, nullable=False, server_default=""),
    sa.Column("conflicts", pg.JSONB, nullable=False, server_default="[]"),
    sa.Column("author_id", pg.UUID(as_uuid=False), sa.ForeignKey("account.id"), nullable=True),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("kind IN ('story', 'case_study')", name="ck_item_kind"),
    sa.Index("ix_item_team_seq", "team_id", "seq", unique=True),
)

snapshot = sa.Table(
    "snapshot",
    metadata,
    sa.Column("team_id", pg.UUID(as_uuid=False), sa.ForeignKey("team.id"), primary_key=True),
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

push = sa.Table(
    "push",
    metadata,
    sa.Column("device_id", pg.UUID(as_uuid=False), sa.ForeignKey("device.id"), primary_key=True),
    sa.Column("push_id", pg.UUID(as_uuid=False), primary_key=True),
    sa.Column("response", pg.JSONB, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
