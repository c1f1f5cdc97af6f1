"""Case studies (an ordered list of stories with their own text) and coverage snapshots.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing with search triggers is rebuilt.
    op.create_table(
        "link_snapshot",
        sa.Column("link_id", sa.String(36), sa.ForeignKey("coverage_link.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False, server_default=""),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "case_study",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("audience", sa.Text, nullable=False, server_default=""),
        sa.Column("introduction", sa.Text, nullable=False, server_default=""),
        sa.Column("closing", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "case_study_story",
        sa.Column("case_study_id", sa.String(36), sa.ForeignKey("case_study.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("story_id", sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("headline", sa.Text, nullable=False, server_default=""),
        sa.Column("include_coverage", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_case_study_story_story", "case_study_story", ["story_id"])


def downgrade() -> None:
    op.drop_index("ix_case_study_story_story", table_name="case_study_story")
    op.drop_table("case_study_story")
    op.drop_table("case_study")
    op.drop_table("link_snapshot")
