"""Keeping the server's store small: deletions are remembered for a while, then forgotten.

A forgotten deletion cannot reach a laptop that has not synced since; so each team remembers the highest
sequence number it forgot (`purged_seq`), and a laptop whose cursor is older reads the whole journal again
(journal/server/pull.py), losing nothing it holds.
"""

from __future__ import annotations

from typing import Any

import psycopg


def purge_tombstones(connection: psycopg.Connection[Any], older_than_days: float) -> int:
    forgotten = 0
    teams = [row[0] for row in connection.execute("SELECT id FROM team ORDER BY name").fetchall()]
    for team_id in teams:
        with connection.transaction():
            connection.execute("SELECT seq FROM team WHERE id = %s FOR UPDATE", (team_id,))
            rows = connection.execute(
                """DELETE FROM item WHERE team_id = %s AND record IS NULL
                   AND changed_at < now() - make_interval(secs => %s) RETURNING seq""",
                (team_id, older_than_days * 86400),
            ).fetchall()
            if rows:
                connection.execute(
                    "UPDATE team SET purged_seq = greatest(purged_seq, %s) WHERE id = %s",
                    (max(row[0] for row in rows), team_id),
                )
            forgotten += len(rows)
    return forgotten
