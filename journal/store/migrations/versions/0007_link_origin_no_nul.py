"""Who added each coverage link (fetched unasked only when added here) and whether a person allowed it on a
private network; NUL characters removed from every text already stored.

Revision ID: 0007
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from journal.store import search

revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # coverage_link carries search triggers: columns are added with plain ALTER TABLE (no batch rebuild).
    # The links already here count as added here: this journal cannot tell any more which came in a bundle.
    # (The address check still applies to them: none may reach a private network unless a person allows it.)
    op.add_column("coverage_link", sa.Column("origin", sa.Text, nullable=False, server_default=""))
    op.add_column("coverage_link", sa.Column("private_ok", sa.Boolean, nullable=False, server_default=sa.false()))
    _remove_nul(op.get_bind())


def _remove_nul(bind: sa.Connection) -> None:
    """A NUL character means nothing in a story and must never be exported: earlier versions stored them.
    SQLite's replace() stops at a NUL, so the rows are found through their bytes and cleaned here."""
    tables = bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'"
    ).scalars()
    for table in [name for name in tables if not name.startswith(search.OWN_TABLES) and name != "alembic_version"]:
        columns = [
            row[1]
            for row in bind.exec_driver_sql(f'PRAGMA table_info("{table}")')
            if any(kind in str(row[2]).upper() for kind in ("TEXT", "CHAR", "CLOB"))
        ]
        for column in columns:
            found = bind.exec_driver_sql(
                f'SELECT rowid, "{column}" FROM "{table}" WHERE instr(CAST("{column}" AS BLOB), X\'00\') > 0'
            ).all()
            for rowid, value in found:
                bind.exec_driver_sql(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (str(value).replace("\x00", ""), rowid)
                )


def downgrade() -> None:
    bind = op.get_bind()
    search.drop_triggers(bind)
    with op.batch_alter_table("coverage_link") as batch:
        batch.drop_column("private_ok")
        batch.drop_column("origin")
    search.install_triggers(bind)
