"""Coverage radar: watched sources (feeds, alert e-mail folders), their entries, suggestions, excluded domains.

New tables, and an index on coverage_link.url (created in place: no table with triggers is rebuilt, so the
search and version triggers are untouched).

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"ck_radar_{column}_allowed")


def upgrade() -> None:
    op.create_index("ix_coverage_link_url", "coverage_link", ["url"])
    op.create_table(
        "radar_source",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("etag", sa.Text, nullable=False, server_default=""),
        sa.Column("last_modified", sa.Text, nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False, server_default="new"),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("fetched_at", sa.DateTime, nullable=True),
        sa.Column("succeeded_at", sa.DateTime, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("retry_at", sa.DateTime, nullable=True),
        _one_of("kind", ("feed", "mail_folder")),
        _one_of("state", ("new", "ok", "waiting", "failed")),
        sa.UniqueConstraint("address", name="uq_radar_source_address"),
    )
    op.create_table(
        "radar_entry",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source_id", sa.String(36), sa.ForeignKey("radar_source.id", ondelete="SET NULL"), nullable=True),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("link_key", sa.Text, nullable=False),
        sa.Column("title_key", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("published", sa.DateTime, nullable=True),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("comment_count", sa.Integer, nullable=True),
        sa.Column("found_at", sa.DateTime, nullable=False),
        sa.Column("matched_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("link_key", name="uq_radar_entry_link_key"),
    )
    op.create_index("ix_radar_entry_guid", "radar_entry", ["source_id", "guid"])
    op.create_index("ix_radar_entry_title_key", "radar_entry", ["source_id", "title_key"])
    op.create_index(
        "ix_radar_entry_unmatched", "radar_entry", ["matched_at"], sqlite_where=sa.text("matched_at IS NULL")
    )
    op.create_table(
        "radar_suggestion",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "entry_id",
            sa.String(36),
            sa.ForeignKey("radar_entry.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("story_id", sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False),
        sa.Column("score", sa.Float, nullable=False, server_default="0"),
        sa.Column("explanation", sa.Text, nullable=False, server_default=""),
        sa.Column("matched", sa.Text, nullable=False, server_default="[]"),
        sa.Column("excerpt", sa.Text, nullable=False, server_default=""),
        sa.Column("alternatives", sa.Text, nullable=False, server_default="[]"),
        sa.Column("state", sa.String(16), nullable=False, server_default="new"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("link_id", sa.String(36), sa.ForeignKey("coverage_link.id", ondelete="SET NULL"), nullable=True),
        sa.Column("drafted", sa.Boolean, nullable=False, server_default=sa.false()),
        _one_of("state", ("new", "linked", "dismissed")),
    )
    op.create_index("ix_radar_suggestion_state", "radar_suggestion", ["state", "created_at"])
    op.create_index("ix_radar_suggestion_story", "radar_suggestion", ["story_id"])
    op.create_table(
        "radar_excluded_domain",
        sa.Column("domain", sa.String(253), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("radar_excluded_domain")
    op.drop_index("ix_radar_suggestion_story", table_name="radar_suggestion")
    op.drop_index("ix_radar_suggestion_state", table_name="radar_suggestion")
    op.drop_table("radar_suggestion")
    op.drop_index("ix_radar_entry_unmatched", table_name="radar_entry")
    op.drop_index("ix_radar_entry_title_key", table_name="radar_entry")
    op.drop_index("ix_radar_entry_guid", table_name="radar_entry")
    op.drop_table("radar_entry")
    op.drop_table("radar_source")
    op.drop_index("ix_coverage_link_url", table_name="coverage_link")
