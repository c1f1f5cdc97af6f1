"""The coverage radar's tables: the sources it watches, the entries they gave, and its suggestions.

An entry is kept after its source is removed (its `source_id` becomes NULL), so that what was dismissed is
never suggested again, even when the same feed is added back. The behaviour lives in journal/radar/.

No `from __future__ import annotations` here: SQLModel resolves annotations at runtime.
"""

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from journal.store.columns import UTCDateTime, new_id, utcnow

SOURCE_KINDS = ("feed", "mail_folder")
SOURCE_STATES = ("new", "ok", "waiting", "failed")  # never fetched, last fetch fine, will retry, refused
SUGGESTION_STATES = ("new", "linked", "dismissed")


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"ck_radar_{column}_allowed")


class RadarSource(SQLModel, table=True):
    """A feed address (RSS, Atom or JSON Feed) or a folder of saved alert e-mails."""

    __tablename__ = "radar_source"
    __table_args__ = (
        _one_of("kind", SOURCE_KINDS),
        _one_of("state", SOURCE_STATES),
        sa.UniqueConstraint("address", name="uq_radar_source_address"),
    )

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    address: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # the feed's URL, or the folder's path
    title: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    # Conditional requests: what the server said last time, sent back so an unchanged feed answers 304.
    etag: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    last_modified: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    state: str = Field(default="new", sa_column=sa.Column(sa.String(16), nullable=False, server_default="new"))
    message: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    fetched_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))
    succeeded_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))
    # Backoff: failures in a row, and the moment before which the source is not asked again.
    failures: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    retry_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))


class RadarEntry(SQLModel, table=True):
    """One post, article or alert item a source gave. Unique by its source's GUID, by its normalised address
    (across sources), and by a hash of its title and date within its source (feeds that change every GUID on
    every fetch)."""

    __tablename__ = "radar_entry"
    __table_args__ = (
        sa.UniqueConstraint("link_key", name="uq_radar_entry_link_key"),
        sa.Index("ix_radar_entry_guid", "source_id", "guid"),
        sa.Index("ix_radar_entry_title_key", "source_id", "title_key"),
        sa.Index("ix_radar_entry_unmatched", "matched_at", sqlite_where=sa.text("matched_at IS NULL")),
    )

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    source_id: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("radar_source.id", ondelete="SET NULL"), nullable=True),
    )
    guid: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    link: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    link_key: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    title_key: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    title: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    author: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    published: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))
    summary: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))  # nh3-clean HTML
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))  # plain, bounded
    comment_count: int | None = Field(default=None, sa_column=sa.Column(sa.Integer, nullable=True))
    found_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    matched_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))


class RadarSuggestion(SQLModel, table=True):
    """The story an entry seems to be about, why, and what the person decided. At most one per entry."""

    __tablename__ = "radar_suggestion"
    __table_args__ = (
        _one_of("state", SUGGESTION_STATES),
        sa.Index("ix_radar_suggestion_state", "state", "created_at"),
        sa.Index("ix_radar_suggestion_story", "story_id"),
    )

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    entry_id: str = Field(
        sa_column=sa.Column(
            sa.String(36), sa.ForeignKey("radar_entry.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    story_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False)
    )
    score: float = Field(default=0.0, sa_column=sa.Column(sa.Float, nullable=False, server_default="0"))
    explanation: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    matched: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False, server_default="[]"))  # JSON
    excerpt: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # Other stories the entry could be about, best first: JSON [{story_id, score, explanation, matched}].
    alternatives: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False, server_default="[]"))
    state: str = Field(default="new", sa_column=sa.Column(sa.String(16), nullable=False, server_default="new"))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    decided_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))
    # What linking made: the coverage link, and the draft story when "new story from this" made one.
    link_id: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("coverage_link.id", ondelete="SET NULL"), nullable=True),
    )
    drafted: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))


class RadarExcludedDomain(SQLModel, table=True):
    """A site whose pages are never suggested (the organisation's own domains): the domain and its
    sub-domains."""

    __tablename__ = "radar_excluded_domain"

    domain: str = Field(sa_column=sa.Column(sa.String(253), primary_key=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
