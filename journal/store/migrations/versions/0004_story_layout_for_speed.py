"""Story rows laid out for speed: short columns first, indexes for the list's orders and filters, and
soft-deleted stories out of the search index.

SQLite stores a row's columns in order, and a story's long texts spill into overflow pages; a filter on
a column after them (status, deleted_at, ...) had to walk those pages for every story. The table is
rebuilt with the short columns first. Foreign keys are off while it is rebuilt (journal.store.database
runs migrations that way and checks `PRAGMA foreign_key_check` before committing), so dropping the old
table does not cascade into tags and links.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from journal.store import search

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    "id, title, occurred, status, consent, channel, organization, employees, cost_cents, currency, "
    "created_at, updated_at, deleted_at, customer_name, customer_contact, situation, policy, action, outcome, "
    "internal_notes"
)


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _create_story(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("occurred", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("consent", sa.String(16), nullable=False, server_default="unknown"),
        _text("channel"),
        _text("organization"),
        _text("employees"),
        sa.Column("cost_cents", sa.BigInteger, nullable=True),
        sa.Column("currency", sa.String(3), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime, nullable=True),
        _text("customer_name"),
        _text("customer_contact"),
        _text("situation"),
        _text("policy"),
        _text("action"),
        _text("outcome"),
        _text("internal_notes"),
        sa.CheckConstraint("consent IN ('unknown', 'declined', 'anonymous', 'named')", name="ck_consent_allowed"),
        sa.CheckConstraint("status IN ('draft', 'ready', 'approved')", name="ck_status_allowed"),
        sa.CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="ck_cost_not_negative"),
    )


def _rebuild_story(create_indexes: bool) -> None:
    bind = op.get_bind()
    search.drop_triggers(bind)
    _create_story("story_rebuilt")
    bind.exec_driver_sql(f"INSERT INTO story_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM story")
    op.drop_table("story")
    op.rename_table("story_rebuilt", "story")
    if create_indexes:
        op.create_index("ix_story_live_order", "story", ["deleted_at", "occurred", "created_at", "id"])
        op.create_index("ix_story_live_updated", "story", ["deleted_at", "updated_at", "id"])
        op.create_index("ix_story_live_organization", "story", ["deleted_at", "organization"])
        op.create_index("ix_story_deleted", "story", ["deleted_at"], sqlite_where=sa.text("deleted_at IS NOT NULL"))
    else:
        op.create_index("ix_story_list_order", "story", ["deleted_at", "occurred", "created_at"])
    search.install_triggers(bind)
    search.rebuild(bind)


def upgrade() -> None:
    _rebuild_story(create_indexes=True)


def downgrade() -> None:
    _rebuild_story(create_indexes=False)
