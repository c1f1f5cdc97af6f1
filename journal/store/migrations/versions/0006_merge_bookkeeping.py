"""Merge bookkeeping for bundles: replica id, story version vectors, tombstones, merge conflicts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from journal.store import search, versioning

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # story carries search triggers: the column is added with plain ALTER TABLE (no batch rebuild).
    op.add_column("story", sa.Column("version", sa.Text, nullable=False, server_default="{}"))
    op.create_table(
        "journal_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    bind = op.get_bind()
    replica = str(uuid.uuid4())
    bind.execute(
        sa.text("INSERT INTO journal_meta (key, value) VALUES (:key, :value)"), {"key": "replica_id", "value": replica}
    )
    # Every story already here was written in this journal: one change, by this replica.
    bind.execute(sa.text("UPDATE story SET version = json_object(:replica, 1)"), {"replica": replica})
    op.create_table(
        "tombstone",
        sa.Column("story_id", sa.String(36), primary_key=True),
        sa.Column("deleted_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_table(
        "story_conflict",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("story_id", sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False),
        sa.Column("incoming", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_story_conflict_story", "story_conflict", ["story_id"])
    versioning.install_triggers(bind)


def downgrade() -> None:
    bind = op.get_bind()
    versioning.drop_triggers(bind)
    op.drop_index("ix_story_conflict_story", table_name="story_conflict")
    op.drop_table("story_conflict")
    op.drop_table("tombstone")
    op.drop_table("journal_meta")
    search.drop_triggers(bind)
    with op.batch_alter_table("story") as batch:
        batch.drop_column("version")
    search.install_triggers(bind)
