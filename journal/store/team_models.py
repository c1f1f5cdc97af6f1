"""Team sync bookkeeping on the laptop (journal/sync): what the team server is known to hold, deleted case
studies' tombstones, and case studies waiting for stories that have not arrived yet.

The team's address, the user, the device id and the pull cursor live in `journal_meta` (keys `team.*`);
the device token is never in the journal file (journal/sync/credentials.py).

No `from __future__ import annotations` here: SQLModel resolves annotations at runtime.
"""

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from journal.store.columns import UTCDateTime, utcnow


class SyncBase(SQLModel, table=True):
    """For each story or case study: the merged vector of every version the team server holds of it (its
    current one and those kept in conflicts), and whether its current version is a deletion. Something here
    is waiting to be sent when its own vector is not covered by this (or, deleted here, when the server's
    current version is not that deletion)."""

    __tablename__ = "sync_base"

    kind: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))  # story | case_study
    id: str = Field(sa_column=sa.Column(sa.String(36), primary_key=True))
    version: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))
    deleted: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    # A story's view the server last sent (full | rep | marketer: journal/server/privacy.py); None when it has
    # not said (an older server, or sent from here and not pulled since).
    server_view: str | None = Field(default=None, sa_column=sa.Column(sa.String(16), nullable=True))


class CaseStudyTombstone(SQLModel, table=True):
    """A case study deleted for good, with the version vector it had, so the deletion travels explicitly."""

    __tablename__ = "case_study_tombstone"

    case_study_id: str = Field(sa_column=sa.Column(sa.String(36), primary_key=True))
    deleted_at: dt.datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False))
    version: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, server_default="{}"))


class SyncWaiting(SQLModel, table=True):
    """A case study that arrived naming stories this journal does not hold yet: its whole record is kept here
    and its places are filled in as the stories arrive."""

    __tablename__ = "sync_waiting"

    case_study_id: str = Field(sa_column=sa.Column(sa.String(36), primary_key=True))
    record: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
