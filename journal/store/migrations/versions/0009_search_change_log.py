"""The change log the search index catches up from: every change to what a story's search document holds
notes the story and a sequence number, in the same transaction (journal.store.search_index explains the
watermark). FTS5 stops merging its segments inside each save (automerge 0; its crisis merge at 16 segments a
level still keeps them few). A one-row count of the stories not deleted (story_count), kept by triggers, so the
window shows the count without reading a million rows.

New table and triggers only; no table is rebuilt, so the existing search and version triggers stay as they are
(install_triggers() recreates the search ones, idempotently, with the change log's).

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from journal.store import search

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    search.install_change_log(bind)
    search.set_automerge(bind, 0)


def downgrade() -> None:
    bind = op.get_bind()
    search.uninstall_change_log(bind)
    search.set_automerge(bind, search.FTS5_DEFAULT_AUTOMERGE)
