"""Team sync bookkeeping: what the team server holds, case-study version vectors and tombstones, case
studies waiting for their stories.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from journal.store import case_study_versions, versioning

revision = "0008"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # case_study has no triggers of its own yet: a plain ALTER TABLE.
    op.add_column("case_study", sa.Column("version", sa.Text, nullable=False, server_default="{}"))
    bind = op.get_bind()
    # Every case study already here was written in this journal: one change, by this replica.
    bind.execute(
        sa.text(
            "UPDATE case_study SET version = json_object((SELECT value FROM journal_meta WHERE key = 'replica_id'), 1)"
        )
    )
    op.create_table(
        "sync_base",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Text, nullable=False, server_default="{}"),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "case_study_tombstone",
        sa.Column("case_study_id", sa.String(36), primary_key=True),
        sa.Column("deleted_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_table(
        "sync_waiting",
        sa.Column("case_study_id", sa.String(36), primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
    )
    case_study_versions.install_triggers(bind)
    versioning.install_triggers(bind)  # a deletion now counts as a change in its tombstone's vector


def downgrade() -> None:
    bind = op.get_bind()
    case_study_versions.drop_triggers(bind)
    op.drop_table("sync_waiting")
    op.drop_table("case_study_tombstone")
    op.drop_table("sync_base")
    bind.execute(sa.text("DELETE FROM journal_meta WHERE key LIKE 'team.%'"))
    with op.batch_alter_table("case_study") as batch:
        batch.drop_column("version")
