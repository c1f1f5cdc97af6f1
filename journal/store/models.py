"""The journal's tables (SQLModel). Keys are UUID text so journals from two laptops can be merged;
timestamps are UTC. Private fields are marked in PRIVATE_FIELDS and never leave the journal.

No `from __future__ import annotations` here: SQLModel resolves relationship annotations at runtime.
"""

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

# The merge bookkeeping and coverage radar tables live in their own modules; importing them here registers every
# table on the metadata.
from journal.store import radar_models as radar_models
from journal.store import sync_models as sync_models
from journal.store import team_models as team_models
from journal.store.columns import UTCDateTime, new_id, utcnow
from journal.store.fields import Consent, LinkKind, Status

PRIVATE_FIELDS = frozenset({"customer_name", "customer_contact", "internal_notes"})


def table_of(model: type[SQLModel]) -> sa.Table:
    """A table model's Table, typed (SQLModel's classes do not declare their `__table__`)."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


def _check_in(column: str, values: type[Consent] | type[Status] | type[LinkKind]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{column}_allowed")


class StoryTag(SQLModel, table=True):
    __tablename__ = "story_tag"
    __table_args__ = (sa.Index("ix_story_tag_tag", "tag_id"),)

    story_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)
    )


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(80, collation="NOCASE"), nullable=False, unique=True))
    color: str | None = Field(default=None, sa_column=sa.Column(sa.String(7), nullable=True))  # "#rrggbb"
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))

    stories: list["Story"] = Relationship(back_populates="tags", link_model=StoryTag)


class SavedSearch(SQLModel, table=True):
    """A named StoryQuery (journal.store.listing), stored as JSON."""

    __tablename__ = "saved_search"

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(120, collation="NOCASE"), nullable=False, unique=True))
    query: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    position: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))


class StoryBase(SQLModel):
    """Every field a person edits."""

    title: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    occurred: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date, nullable=True))
    organization: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    employees: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    channel: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    customer_name: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    customer_contact: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    consent: str = Field(
        default=Consent.UNKNOWN.value,
        sa_column=sa.Column(sa.String(16), nullable=False, server_default="unknown"),
    )
    situation: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    policy: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    action: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    cost_cents: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))
    currency: str = Field(default="", sa_column=sa.Column(sa.String(3), nullable=False, server_default=""))
    outcome: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    internal_notes: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    status: str = Field(
        default=Status.DRAFT.value, sa_column=sa.Column(sa.String(16), nullable=False, server_default="draft")
    )


EDITABLE_FIELDS: tuple[str, ...] = tuple(StoryBase.model_fields)


class Story(StoryBase, table=True):
    __tablename__ = "story"
    __table_args__ = (
        _check_in("consent", Consent),
        _check_in("status", Status),
        sa.CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="ck_cost_not_negative"),
        sa.Index("ix_story_live_order", "deleted_at", "occurred", "created_at", "id"),
        sa.Index("ix_story_live_updated", "deleted_at", "updated_at", "id"),
        sa.Index("ix_story_live_organization", "deleted_at", "organization"),
        sa.Index("ix_story_deleted", "deleted_at", sqlite_where=sa.text("deleted_at IS NOT NULL")),
    )

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    # Set when a story is deleted in the window, so that Undo can bring it back; purged on the next start.
    deleted_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))
    # Version vector {replica id: count of its changes}, JSON; bumped by triggers (journal/store/versioning.py).
    version: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))

    tags: list[Tag] = Relationship(back_populates="stories", link_model=StoryTag)
    links: list["CoverageLink"] = Relationship(
        back_populates="story",
        sa_relationship_kwargs={"order_by": "CoverageLink.position", "cascade": "all, delete-orphan"},
    )


class CoverageLinkBase(SQLModel):
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    title: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    outlet: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    author: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    published: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date, nullable=True))
    kind: str = Field(
        default=LinkKind.OTHER.value,
        sa_column=sa.Column(sa.String(16), nullable=False, server_default="other"),
    )
    comment_count: int | None = Field(default=None, sa_column=sa.Column(sa.Integer, nullable=True))
    notes: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))


LINK_FIELDS: tuple[str, ...] = tuple(CoverageLinkBase.model_fields)


class CoverageLink(CoverageLinkBase, table=True):
    __tablename__ = "coverage_link"
    __table_args__ = (
        _check_in("kind", LinkKind),
        sa.CheckConstraint("comment_count IS NULL OR comment_count >= 0", name="ck_comment_count_not_negative"),
        sa.Index("ix_coverage_link_story", "story_id", "position"),
        sa.Index("ix_coverage_link_url", "url"),  # "is this address linked already?" (the coverage radar)
    )

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    story_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False)
    )
    position: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    # Filled by fetching the page (journal.coverage); a value the person typed is never overwritten: the
    # names of the fields they typed are kept in `typed_fields` (comma-separated).
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    canonical_url: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    typed_fields: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    fetch_state: str = Field(  # to_fetch | fetched | failed
        default="to_fetch", sa_column=sa.Column(sa.String(16), nullable=False, server_default="to_fetch")
    )
    fetched_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))
    fetch_error: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # Link health: unknown | ok | moved | dead, with the last HTTP status, final address and check time.
    health: str = Field(default="unknown", sa_column=sa.Column(sa.String(16), nullable=False, server_default="unknown"))
    http_status: int | None = Field(default=None, sa_column=sa.Column(sa.Integer, nullable=True))
    final_url: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    checked_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime, nullable=True))

    story: Story = Relationship(back_populates="links")


class LinkSnapshot(SQLModel, table=True):
    """The readable text of a coverage page as it was fetched, so it can be read offline and after the link
    dies. One per link (the latest); kept apart from `coverage_link` so lists never read the text."""

    __tablename__ = "link_snapshot"

    link_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("coverage_link.id", ondelete="CASCADE"), primary_key=True)
    )
    fetched_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # the address the text was read from
    content_type: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    title: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))


class Reading(SQLModel, table=True):
    """A dated measure of reach: comments, shares, views, or the search rank for a query, on a story or on
    one of its links; typed by a person or read from a fetched page."""

    __tablename__ = "reading"
    __table_args__ = (
        sa.Index("ix_reading_story", "story_id", "taken_at"),
        sa.Index("ix_reading_link", "link_id"),
    )

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    story_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), nullable=False)
    )
    link_id: str | None = Field(
        default=None,
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("coverage_link.id", ondelete="CASCADE"), nullable=True),
    )
    metric: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))  # comments|shares|views|search_rank
    query: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))  # for a rank
    value: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    taken_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    source: str = Field(default="typed", sa_column=sa.Column(sa.String(16), nullable=False, server_default="typed"))


class CaseStudyStory(SQLModel, table=True):
    """A story's place in a case study, with the case study's own choices for it."""

    __tablename__ = "case_study_story"
    __table_args__ = (sa.Index("ix_case_study_story_story", "story_id"),)

    case_study_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("case_study.id", ondelete="CASCADE"), primary_key=True)
    )
    story_id: str = Field(
        sa_column=sa.Column(sa.String(36), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    headline: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    include_coverage: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    )


class CaseStudy(SQLModel, table=True):
    """An ordered selection of stories with its own introduction and closing, exported as Markdown."""

    __tablename__ = "case_study"

    id: str = Field(default_factory=new_id, sa_column=sa.Column(sa.String(36), primary_key=True))
    title: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    audience: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    introduction: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    closing: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # Publishing what a gesture cost is a choice the marketer makes for the whole case study.
    show_costs: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true()))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    # Version vector, as a story's (journal/store/case_study_versions.py keeps it); for the team sync.
    version: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))
