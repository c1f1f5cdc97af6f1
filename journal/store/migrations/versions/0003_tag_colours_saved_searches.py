"""Tag colours and saved searches ("smart lists").

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from journal.store import search

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode may rebuild `tag`; SQLite will not rename the rebuilt table into place while the search
    # triggers name it, and a rebuilt table has lost its own triggers: drop them first, put them back after.
    search.drop_triggers(op.get_bind())
    with op.batch_alter_table("tag") as batch:
        batch.add_column(sa.Column("color", sa.String(7), nullable=True))
    op.create_table(
        "saved_search",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(120, collation="NOCASE"), nullable=False, unique=True),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    search.install_triggers(op.get_bind())


def downgrade() -> None:
    op.drop_table("saved_search")
    search.drop_triggers(op.get_bind())
    with op.batch_alter_table("tag") as batch:
        batch.drop_column("color")
    search.install_triggers(op.get_bind())
