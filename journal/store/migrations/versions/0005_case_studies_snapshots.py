"""Case studies (ordered stories with their own text); coverage capture, link health, snapshots, readings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from journal.store import search

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _link_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("canonical_url", sa.Text, nullable=False, server_default=""),
        sa.Column("typed_fields", sa.Text, nullable=False, server_default=""),
        sa.Column("fetch_state", sa.String(16), nullable=False, server_default="to_fetch"),
        sa.Column("fetched_at", sa.DateTime, nullable=True),
        sa.Column("fetch_error", sa.Text, nullable=False, server_default=""),
        sa.Column("health", sa.String(16), nullable=False, server_default="unknown"),
        sa.Column("http_status", sa.Integer, nullable=True),
        sa.Column("final_url", sa.Text, nullable=False, server_default=""),
        sa.Column("checked_at", sa.DateTime, nullable=True),
    ]


def upgrade() -> None:
    # coverage_link carries search triggers: columns are added with plain ALTER TABLE (no batch rebuild).
    for column in _link_columns():
        op.add_column("coverage_link", column)
    # Whatever a link already holds was typed by a person: fetching must never overwrite it.
    op.execute(
        """
        UPDATE coverage_link SET typed_fields = rtrim(
            CASE WHEN title <> '' THEN 'title,' ELSE '' END
            || CASE WHEN outlet <> '' THEN 'outlet,' ELSE '' END
            || CASE WHEN author <> '' THEN 'author,' ELSE '' END
            || CASE WHEN published IS NOT NULL THEN 'published,' ELSE '' END
            || CASE WHEN kind <> 'other' THEN 'kind,' ELSE '' END
            || CASE WHEN comment_count IS NOT NULL THEN 'comment_count,' ELSE '' END,
            ',')
        """
    )
    op.create_table(
        "reading",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("story_id", sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False),
        sa.Column("link_id", sa.String(36), sa.ForeignKey("coverage_link.id", ondelete="CASCADE"), nullable=True),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("taken_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(16), nullable=False, server_default="typed"),
    )
    op.create_index("ix_reading_story", "reading", ["story_id", "taken_at"])
    op.create_index("ix_reading_link", "reading", ["link_id"])
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
        sa.Column("show_costs", sa.Boolean, nullable=False, server_default=sa.true()),
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
    op.drop_index("ix_reading_link", table_name="reading")
    op.drop_index("ix_reading_story", table_name="reading")
    op.drop_table("reading")
    search.drop_triggers(op.get_bind())
    with op.batch_alter_table("coverage_link") as batch:
        for column in _link_columns():
            batch.drop_column(column.name)
    search.install_triggers(op.get_bind())
