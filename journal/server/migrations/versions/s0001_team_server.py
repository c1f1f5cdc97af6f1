"""The team server's first schema: teams, accounts, devices, wrong-password counts, items, snapshots, pushes.

Revision ID: s0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("purged_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("replica", UUID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "account",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("team_id", UUID, sa.ForeignKey("team.id"), nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("role IN ('rep', 'marketer', 'admin')", name="ck_account_role"),
    )
    op.create_table(
        "device",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("account_id", UUID, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", WHEN, nullable=False, server_default=sa.func.now()),
        sa.Column("last_seen_at", WHEN, nullable=True),
        sa.Column("revoked_at", WHEN, nullable=True),
    )
    op.create_index("ix_device_account", "device", ["account_id"])
    op.create_table(
        "login_failure",
        sa.Column("email", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("blocked_until", WHEN, nullable=False),
    )
    op.create_table(
        "item",
        sa.Column("team_id", UUID, sa.ForeignKey("team.id"), primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("id", UUID, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("version", pg.JSONB, nullable=False),
        sa.Column("record", pg.JSONB, nullable=True),
        sa.Column("deleted_at", WHEN, nullable=True),
        sa.Column("by", sa.Text, nullable=False, server_default=""),
        sa.Column("conflicts", pg.JSONB, nullable=False, server_default="[]"),
        sa.Column("author_id", UUID, sa.ForeignKey("account.id"), nullable=True),
        sa.Column("changed_at", WHEN, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('story', 'case_study')", name="ck_item_kind"),
    )
    op.create_index("ix_item_team_seq", "item", ["team_id", "seq"], unique=True)
    op.create_table(
        "snapshot",
        sa.Column("team_id", UUID, sa.ForeignKey("team.id"), primary_key=True),
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "push",
        sa.Column("device_id", UUID, sa.ForeignKey("device.id"), primary_key=True),
        sa.Column("push_id", UUID, primary_key=True),
        sa.Column("response", pg.JSONB, nullable=False),
        sa.Column("created_at", WHEN, nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    for name in ("push", "snapshot", "item", "login_failure", "device", "account", "team"):
        op.drop_table(name)
