"""Version vectors for case studies, kept by SQLite triggers as a story's are (journal/store/versioning.py),
so the team sync can tell whose case study is newer. A new case study gets {me: 1}; a change of its text or
of its stories (added, removed, moved, a headline) adds one to my entry, unless the statement sets `version`
itself; deleting one writes a tombstone with the vector it had plus one change of mine. The sync drops these
triggers for the length of a transaction that writes versions as they come.

A batch rebuild of `case_study` or `case_study_story` drops them: such a migration calls drop_triggers()
before and install_triggers() after.
"""

from __future__ import annotations

import sqlalchemy as sa

from journal.store import versioning
from journal.store.versioning import BUMP_SQL, REPLICA_SQL

_FIELDS = ("title", "audience", "introduction", "closing", "show_costs", "updated_at")
_CHANGED = " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in _FIELDS)

_TRIGGERS = {
    "version_case_study_insert": f"""AFTER INSERT ON case_study WHEN NEW.version = '{{}}' BEGIN
        UPDATE case_study SET version = json_object({REPLICA_SQL}, 1) WHERE id = NEW.id;
    END""",
    "version_case_study_update": f"""AFTER UPDATE ON case_study
        WHEN NEW.version IS OLD.version AND ({_CHANGED}) BEGIN
        UPDATE case_study SET {BUMP_SQL} WHERE id = NEW.id;
    END""",
    "version_case_study_entry_insert": f"""AFTER INSERT ON case_study_story BEGIN
        UPDATE case_study SET {BUMP_SQL} WHERE id = NEW.case_study_id;
    END""",
    "version_case_study_entry_update": f"""AFTER UPDATE ON case_study_story BEGIN
        UPDATE case_study SET {BUMP_SQL} WHERE id = NEW.case_study_id;
    END""",
    "version_case_study_entry_delete": f"""AFTER DELETE ON case_study_story BEGIN
        UPDATE case_study SET {BUMP_SQL} WHERE id = OLD.case_study_id;
    END""",
    "version_case_study_delete": f"""AFTER DELETE ON case_study BEGIN
        {versioning.tombstone_sql("case_study_tombstone", "case_study_id")}
    END""",
}


def install_triggers(connection: sa.Connection) -> None:
    versioning.install_triggers(connection, _TRIGGERS)


def drop_triggers(connection: sa.Connection) -> None:
    versioning.drop_triggers(connection, _TRIGGERS)
