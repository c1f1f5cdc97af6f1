"""A one-row count of the changes that can make something wait to be sent to the team server, kept by triggers
(journal/store/change_mark.py), so a sync with nothing new reads no story however big the journal is.

A new table and triggers only; no table is rebuilt, so the search and version triggers stay as they are.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from journal.store import change_mark

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    change_mark.install(op.get_bind())


def downgrade() -> None:
    change_mark.uninstall(op.get_bind())
