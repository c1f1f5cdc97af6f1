"""The window's way into the journal's case studies: store calls with Qt signals, like StoryService.

Every write is one transaction; the signals tell the list, the editor and the preview what to re-read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from journal.store import case_studies
from journal.store.case_studies import CaseStudySummary, EntryRead
from journal.store.models import CaseStudy
from journal.ui.services.stories import StoryService

if TYPE_CHECKING:  # the exporters (Markdown, YAML, HTML cleaning) are imported on the first export
    from journal.export.files import SitePlan, SiteReport
    from journal.export.markdown import Export


class CaseStudyService(QObject):
    studies_changed = Signal()  # a case study was created, renamed or deleted, or its story count changed
    study_changed = Signal(str)  # this case study's text or its stories changed: the preview is stale
    entries_changed = Signal(str)  # stories were added, removed, moved or their per-story settings changed

    def __init__(self, stories: StoryService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stories = stories
        self.journal = stories.journal

    # ------------------------------------------------------------ reading
    def summaries(self) -> list[CaseStudySummary]:
        with self.journal.session() as session:
            return case_studies.list_case_studies(session=session)

    def study(self, case_study_id: str) -> CaseStudy:
        with self.journal.session() as session:
            study = case_studies.get_case_study(case_study_id, session=session)
            session.expunge(study)
            return study

    def entries(self, case_study_id: str) -> list[EntryRead]:
        with self.journal.session() as session:
            return case_studies.entries(case_study_id, session=session)

    def export(self, case_study_id: str) -> Export:
        from journal.export.markdown import case_study_export

        with self.journal.session() as session:
            return case_study_export(case_study_id, session=session)

    def story_export(self, story_id: str) -> Export:
        """Raises NothingToExportError (its message says why) when the story may not be published."""
        from journal.export.markdown import story_export

        with self.journal.session() as session:
            return story_export(story_id, session=session)

    def plan_site(self) -> SitePlan:
        """Every file of a site export, made (not written) with its findings."""
        from journal.export.files import plan_site

        with self.journal.session() as session:
            return plan_site(session=session)

    def write_site(self, plan: SitePlan, folder: Any) -> SiteReport:
        from journal.export.files import write_site

        return write_site(plan, folder)

    # ------------------------------------------------------------ writing
    def create(self, title: str, story_ids: Sequence[str] = ()) -> str:
        with self.journal.write() as session:
            case_study_id = case_studies.create_case_study(title, session=session, story_ids=story_ids).id
        self.studies_changed.emit()
        return case_study_id

    def update(self, case_study_id: str, changes: dict[str, Any]) -> bool:
        with self.journal.write() as session:
            changed = case_studies.update_case_study(case_study_id, changes, session=session)
        if changed:
            if "title" in changes:
                self.studies_changed.emit()
            self.study_changed.emit(case_study_id)
        return changed

    def revive(self, case_study_id: str, fields: dict[str, Any], entries: Sequence[tuple[str, str, bool]]) -> bool:
        """Deleted for good elsewhere while being typed in: back as the person sees it (journal/bundles/edits.py).
        False when it was not deleted that way (nothing changes)."""
        from journal.bundles.edits import revive_case_study

        with self.journal.write() as session:
            revived = revive_case_study(case_study_id, fields, entries, session=session)
        if revived:  # back in the lists, once the slot that saved (a list moving on, say) has returned
            QTimer.singleShot(0, self, self.studies_changed.emit)
            self._entries_changed(case_study_id, 0)
        return revived

    def delete(self, case_study_id: str) -> None:
        with self.journal.write() as session:
            case_studies.delete_case_study(case_study_id, session=session)
        self.studies_changed.emit()

    def place(self, case_study_id: str, story_ids: Sequence[str], row: int | None) -> int:
        """Put these stories at `row` (None: the end), in this order: ones already in the case study move
        there, the others are added there. Returns how many were added."""
        with self.journal.write() as session:
            order = [entry.story_id for entry in case_studies.entries(case_study_id, session=session)]
            at = len(order) if row is None else max(0, min(row, len(order)))
            wanted = list(dict.fromkeys(story_ids))
            at -= sum(1 for story_id in order[:at] if story_id in wanted)  # the moved ones leave their places
            kept = [story_id for story_id in order if story_id not in wanted]
            added = case_studies.add_stories(case_study_id, [s for s in wanted if s not in order], session=session)
            case_studies.reorder(case_study_id, kept[:at] + wanted + kept[at:], session=session)
        self._entries_changed(case_study_id, added)
        return added

    def remove(self, case_study_id: str, story_ids: Sequence[str]) -> None:
        with self.journal.write() as session:
            for story_id in story_ids:
                case_studies.remove_story(case_study_id, story_id, session=session)
        self._entries_changed(case_study_id, len(story_ids))

    def update_entry(self, case_study_id: str, story_id: str, changes: dict[str, Any]) -> None:
        with self.journal.write() as session:
            changed = case_studies.update_entry(case_study_id, story_id, changes, session=session)
        if changed:
            self._entries_changed(case_study_id, 0)

    def studies_pulled(self, case_study_ids: Sequence[str]) -> None:
        """A team sync changed, added or deleted these case studies (elsewhere)."""
        if not case_study_ids:
            return
        self.studies_changed.emit()
        for case_study_id in case_study_ids:
            self.entries_changed.emit(case_study_id)
            self.study_changed.emit(case_study_id)

    def _entries_changed(self, case_study_id: str, count_changed: int) -> None:
        self.entries_changed.emit(case_study_id)
        self.study_changed.emit(case_study_id)
        if count_changed:
            self.studies_changed.emit()


__all__ = ["CaseStudyService"]
