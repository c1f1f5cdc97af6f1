"""The view of a story the team server last sent this laptop (full, rep or marketer), kept with what the server
holds of it, so the window knows which fields it was not sent (journal/sync/views.py).

A plain ALTER TABLE on sync_base (it has no triggers); no table is rebuilt, so the search and version triggers
stay as they are.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sync_base", sa.Column("server_view", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("sync_base", "server_view")
