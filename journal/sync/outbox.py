"""What a laptop has to send: every story, case study and deletion whose version the team server has not
seen. Nothing keeps a queue that could fall out of step: a thing is waiting exactly when its own version
vector (or its deletion) is not covered by what the server is known to hold of it (`sync_base`), whoever
changed it (the window, the command line, an import). Stories in the bin (deleted in the window, kept for
Undo) wait until they are deleted for good; a story merely missing here is never sent as deleted.

Comparing reads every story, so a sync with nothing new would cost more as the journal grows: the journal's
change mark (journal/store/change_mark.py) counts every change that could make something wait, and once a
comparison has found nothing (mark_clean), nothing is read again until the count moves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from journal.bundles.decide import covered
from journal.store import change_mark, versioning


@dataclass
class Waiting:
    stories: list[str] = field(default_factory=list)
    graves: list[dict[str, Any]] = field(default_factory=list)  # {"story_id", "deleted_at", "version"}
    case_studies: list[str] = field(default_factory=list)
    case_study_graves: list[dict[str, Any]] = field(default_factory=list)  # {"id", "deleted_at", "version"}
    at: int = 0  # the change mark's count read before comparing (journal/store/change_mark.py)
    compared: bool = False  # False: the mark said nothing changed since a comparison found nothing

    def count(self) -> int:
        return len(self.stories) + len(self.graves) + len(self.case_studies) + len(self.case_study_graves)


def _time(value: Any) -> str:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


_LIVE = {
    "story": """SELECT s.id, s.version, b.version FROM story s
        LEFT JOIN sync_base b ON b.kind = 'story' AND b.id = s.id
        WHERE s.deleted_at IS NULL AND (b.id IS NULL OR b.version IS NOT s.version) ORDER BY s.created_at, s.id""",
    "case_study": """SELECT c.id, c.version, b.version FROM case_study c
        LEFT JOIN sync_base b ON b.kind = 'case_study' AND b.id = c.id
        WHERE b.id IS NULL OR b.version IS NOT c.version ORDER BY c.created_at, c.id""",
}
_GRAVES = {
    "story": """SELECT t.story_id, t.deleted_at, t.version, b.version, b.deleted FROM tombstone t
        LEFT JOIN sync_base b ON b.kind = 'story' AND b.id = t.story_id
        WHERE t.story_id NOT IN (SELECT id FROM story) ORDER BY t.story_id""",
    "case_study": """SELECT t.case_study_id, t.deleted_at, t.version, b.version, b.deleted FROM case_study_tombstone t
        LEFT JOIN sync_base b ON b.kind = 'case_study' AND b.id = t.case_study_id
        WHERE t.case_study_id NOT IN (SELECT id FROM case_study) ORDER BY t.case_study_id""",
}


def waiting(connection: sa.Connection) -> Waiting:
    # The count is read before the versions: a change committed in between is then either seen by the
    # comparison or moves the count past `at`, so mark_clean(at) never hides it.
    at, clean = change_mark.changes(connection)
    found = Waiting(at=at)
    if clean:
        return found
    found.compared = True
    replica = versioning.replica_id(connection)
    for kind, live, graves, key in (
        ("story", found.stories, found.graves, "story_id"),
        ("case_study", found.case_studies, found.case_study_graves, "id"),
    ):
        for item_id, version, base in connection.exec_driver_sql(_LIVE[kind]).all():
            if base is None or not covered(versioning.loads(version) or {replica: 1}, versioning.loads(base)):
                live.append(item_id)
        for item_id, deleted_at, version, base, deleted in connection.exec_driver_sql(_GRAVES[kind]).all():
            vector = versioning.loads(version) or {replica: 1}
            if base is None or not deleted or not covered(vector, versioning.loads(base)):
                graves.append({key: item_id, "deleted_at": _time(deleted_at), "version": vector})
    return found


def mark_clean(connection: sa.Connection, found: Waiting) -> None:
    """`found` (nothing waiting) is still true while the change mark stays where it was read."""
    if found.compared and found.count() == 0:
        change_mark.mark_clean(connection, found.at)
