"""Old push answers can be forgotten: an index on push.created_at (`journal-server pushes purge`).

Safe while servers run: it only adds an index, which servers at s0001 do not use and servers at s0002 use
only in `pushes purge` (journal/server/database.py SERVES lists both).

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_push_created_at", "push", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_push_created_at", table_name="push")
