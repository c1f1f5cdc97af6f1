"""Merge bookkeeping: the journal's replica id, deleted stories' tombstones and unresolved merge conflicts.

No `from __future__ import annotations` here: SQLModel resolves annotations at runtime.
"""

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from journal.store.columns import UTCDateTime, new_id, utcnow


class JournalMeta(SQLModel, table=True):
    """Key/value facts about this journal file; `replica_id` names it in version vectors."""

    __tablename__ = "journal_meta"

    key: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    value: str = Field(sa_column=sa.Column(sa.Text, nullable=False))


class Tombstone(SQLModel, table=True):
    """A story deleted for good, with the version vector it had: bundles carry these so a deletion travels
    explicitly (a story missing from a bundle is never deleted)."""

    __tablename__ = "tombstone"

    story_id: str = Field(sa_column=sa.Column(sa.String(36), primary_key=True))
    deleted_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    version: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))


class StoryConflict(SQLModel, table=True):
    """A version of a story that arrived in a bundle while this journal had changed it too: kept whole until
    a person resolves it (pick mine, pick theirs, or field by field)."""

    __tablename__ = "story_conflict"
    __table_args__ = (sa.Index("ix_story_conflict_story", "story_id"),)

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    story_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False)
    )
    incoming: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # the bundle's story record, JSON
    received_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    source: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
