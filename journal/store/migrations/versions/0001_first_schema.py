"""The first journal schema: stories, tags, coverage links.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "story",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("occurred", sa.Date, nullable=True),
        _text("organization"),
        _text("employees"),
        _text("channel"),
        _text("customer_name"),
        _text("customer_contact"),
        sa.Column("consent", sa.String(16), nullable=False, server_default="unknown"),
        _text("situation"),
        _text("policy"),
        _text("action"),
        sa.Column("cost_cents", sa.BigInteger, nullable=True),
        sa.Column("currency", sa.String(3), nullable=False, server_default=""),
        _text("outcome"),
        _text("internal_notes"),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime, nullable=True),
        sa.CheckConstraint("consent IN ('unknown', 'declined', 'anonymous', 'named')", name="ck_consent_allowed"),
        sa.CheckConstraint("status IN ('draft', 'ready', 'approved')", name="ck_status_allowed"),
        sa.CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="ck_cost_not_negative"),
    )
    op.create_index("ix_story_list_order", "story", ["deleted_at", "occurred", "created_at"])

    op.create_table(
        "tag",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(80, collation="NOCASE"), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )

    op.create_table(
        "story_tag",
        sa.Column("story_id", sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag_id", sa.String(36), sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_story_tag_tag", "story_tag", ["tag_id"])

    op.create_table(
        "coverage_link",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("story_id", sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("url", sa.Text, nullable=False),
        _text("title"),
        _text("outlet"),
        _text("author"),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="other"),
        sa.Column("comment_count", sa.Integer, nullable=True),
        _text("notes"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.CheckConstraint(
            "kind IN ('customer_post', 'blog', 'news', 'social_post', 'forum', 'other')",
            name="ck_kind_allowed",
        ),
        sa.CheckConstraint("comment_count IS NULL OR comment_count >= 0", name="ck_comment_count_not_negative"),
    )
    op.create_index("ix_coverage_link_story", "coverage_link", ["story_id", "position"])


def downgrade() -> None:
    op.drop_table("coverage_link")
    op.drop_table("story_tag")
    op.drop_table("tag")
    op.drop_table("story")
