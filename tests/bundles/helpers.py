"""Shared by the bundle tests: whole-journal dumps (raw SQL, every column) and bundle transfer."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from journal.bundles.export import chosen_ids, export_bundle
from journal.bundles.merge import Plan, apply_import
from journal.bundles.read import read_bundle
from journal.bundles.records import LINK_COLUMNS
from journal.store.database import Journal


def dump(journal: Journal, *, with_tag_ids: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a bundle carries, as stored (tags by name and colour unless asked)."""
    queries = {
        "story": "SELECT * FROM story ORDER BY id",
        # Across journals: the tags stories carry (a bundle holds no tag that no story of it has).
        "tag": "SELECT id, name, color FROM tag ORDER BY name"
        if with_tag_ids
        else "SELECT name, color FROM tag WHERE id IN (SELECT tag_id FROM story_tag) ORDER BY name",
        "story_tag": "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id ORDER BY 1, 2",
        # Every column but who added the link here (origin, private_ok): that stays on each laptop.
        "coverage_link": f"SELECT story_id, {', '.join(LINK_COLUMNS)} FROM coverage_link ORDER BY id",
        "link_snapshot": "SELECT * FROM link_snapshot ORDER BY link_id",
        "reading": "SELECT * FROM reading ORDER BY id",
        "tombstone": "SELECT * FROM tombstone ORDER BY story_id",
        "story_conflict": "SELECT story_id, incoming, source FROM story_conflict ORDER BY story_id, incoming",
    }
    with journal.engine.connect() as connection:
        return {name: [tuple(row) for row in connection.exec_driver_sql(sql)] for name, sql in queries.items()}


def transfer(source: Journal, target: Journal, folder: Path, name: str = "handover.sjbundle") -> Plan:
    path = folder / name
    export_bundle(source, path, chosen_ids(source))
    return apply_import(target, read_bundle(path))


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
