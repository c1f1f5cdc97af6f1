"""Item models of the case-study window: the list of case studies, and one case study's ordered stories.

A case study holds a few dozen stories at most, so the story model keeps them all (unlike the paged
story list). Stories are dragged in and around as a list of ids under STORY_IDS_MIME; a drop puts them
at the row it lands on, whether they come from this list (a move) or from the main story list (an add).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from sqlalchemy.exc import OperationalError

from journal.export.privacy import exclusion
from journal.store.case_studies import CaseStudySummary, EntryRead
from journal.store.errors import JournalError
from journal.store.fields import Consent, status_label
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.stories.mime import STORY_IDS_MIME, story_ids_from, story_ids_mime
from journal.ui.widgets.table_model import FlatTableModel, Index
from journal.words import counted

CaseStudyIdRole = Qt.ItemDataRole.UserRole + 1
EntryStoryIdRole = Qt.ItemDataRole.UserRole + 2

CONSENT_SHORT = {
    Consent.NAMED.value: "named",
    Consent.ANONYMOUS.value: "anonymous",
    Consent.UNKNOWN.value: "not asked",
}

ENTRY_COLUMNS = ("Story", "Headline here", "Coverage", "Publishing")
STORY, HEADLINE, COVERAGE, PUBLISHING = range(len(ENTRY_COLUMNS))


class CaseStudyListModel(QAbstractListModel):
    """The journal's case studies by title; re-read whenever one is created, renamed or deleted."""

    added = Signal(str, int)  # stories were dropped on this case study (its title), and how many were new
    failed = Signal(str)

    def __init__(self, service: CaseStudyService, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._studies: list[CaseStudySummary] = service.summaries()
        service.studies_changed.connect(self.reload)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._studies)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._studies):
            return None
        study = self._studies[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return study.title
        if role == CaseStudyIdRole:
            return study.id
        if role == Qt.ItemDataRole.ToolTipRole:
            count = counted(study.stories, "story", "stories")
            return f"{study.title}\n{count}" + (f" · for {study.audience}" if study.audience.strip() else "")
        return None

    def row_of(self, case_study_id: str) -> int | None:
        return next((row for row, study in enumerate(self._studies) if study.id == case_study_id), None)

    # Stories dropped on a case study in this list are added to its end.
    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDropEnabled if index.isValid() else flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [STORY_IDS_MIME]

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        return parent.isValid() and row < 0 and bool(story_ids_from(data))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent) or action == Qt.DropAction.IgnoreAction:
            return False
        study = self._studies[parent.row()]
        try:
            added = self._service.place(study.id, story_ids_from(data), None)
        except (JournalError, OperationalError) as error:
            self.failed.emit(f"The stories could not be added ({getattr(error, 'orig', None) or error}). Try again.")
            return False
        self.added.emit(study.title, added)
        return True

    def reload(self) -> None:
        self.beginResetModel()
        self._studies = self._service.summaries()
        self.endResetModel()


class EntryModel(FlatTableModel):
    """The stories of one case study, in order: title, headline override (editable), whether the coverage
    is included (a check box), and whether the story can be published (and if not, why)."""

    headers = ENTRY_COLUMNS
    failed = Signal(str)  # a sentence for the person (a write could not be made)
    placed = Signal(list)  # these story ids were just added or moved (the view selects them)

    def __init__(self, service: CaseStudyService, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._case_study_id: str | None = None
        self._entries: list[EntryRead] = []
        self._editing = False
        service.entries_changed.connect(self._maybe_reload)
        service.stories.story_updated.connect(self._story_updated)
        service.stories.stories_changed.connect(self.reload)

    # ------------------------------------------------------------ contents
    @property
    def case_study_id(self) -> str | None:
        return self._case_study_id

    def set_case_study(self, case_study_id: str | None) -> None:
        self.beginResetModel()
        self._case_study_id = case_study_id
        self._entries = self._service.entries(case_study_id) if case_study_id else []
        self.endResetModel()

    def reload(self) -> None:
        """Re-read the stories. When the same stories are there in the same order (a story's title or
        status changed), the rows are updated in place, so a headline being typed is not interrupted."""
        fresh = self._service.entries(self._case_study_id) if self._case_study_id else []
        if [entry.story_id for entry in fresh] == self.story_ids() and fresh:
            fields = {STORY: "title", HEADLINE: "headline", COVERAGE: "include_coverage", PUBLISHING: "status"}
            changed = [
                column
                for column, name in fields.items()
                if column == PUBLISHING
                or [getattr(e, name) for e in fresh] != [getattr(e, name) for e in self._entries]
            ]
            self._entries = fresh
            # Only the columns that changed: Qt re-fills open editors of the cells named here.
            for column in changed:
                self.dataChanged.emit(self.index(0, column), self.index(len(fresh) - 1, column))
            return
        self.beginResetModel()
        self._entries = fresh
        self.endResetModel()

    def _maybe_reload(self, case_study_id: str) -> None:
        if case_study_id == self._case_study_id and not self._editing:
            self.reload()

    def _story_updated(self, story_id: str) -> None:
        if any(entry.story_id == story_id for entry in self._entries):
            self.reload()

    def story_ids(self) -> list[str]:
        return [entry.story_id for entry in self._entries]

    def entries(self) -> list[EntryRead]:
        """The stories as shown, in order."""
        return list(self._entries)

    def row_of(self, story_id: str) -> int | None:
        return next((row for row, entry in enumerate(self._entries) if entry.story_id == story_id), None)

    def row_total(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------ display and editing
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == HEADLINE:
            flags |= Qt.ItemFlag.ItemIsEditable
        if index.column() == COVERAGE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == EntryStoryIdRole:
            return entry.story_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == STORY:
                return entry.title
            if column == HEADLINE:
                return entry.headline
            if column == COVERAGE:
                return None  # the check box says it
            if column == PUBLISHING:
                return _publishing(entry)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COVERAGE:
            return "Coverage included" if entry.include_coverage else "Coverage left out"
        if role == Qt.ItemDataRole.CheckStateRole and column == COVERAGE:
            return Qt.CheckState.Checked if entry.include_coverage else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == HEADLINE:
                return "A headline for this story in this case study only (empty: the story's title)"
            if column == COVERAGE:
                return "Publish the story's coverage links in this case study"
            if column == PUBLISHING:
                reason = exclusion(entry.consent, entry.status, include_unapproved=False)
                return f"Left out of the export: {reason}." if reason else "Will be published."
            return entry.title
        left_out = exclusion(entry.consent, entry.status, include_unapproved=False)
        if role == Qt.ItemDataRole.ForegroundRole and column == PUBLISHING and left_out:
            dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
            return QColor("#ff8a80" if dark else "#b00020")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self._case_study_id is None or not 0 <= index.row() < len(self._entries):
            return False
        entry = self._entries[index.row()]
        if index.column() == HEADLINE and role == Qt.ItemDataRole.EditRole:
            changes: dict[str, Any] = {"headline": str(value or "").strip()}
        elif index.column() == COVERAGE and role == Qt.ItemDataRole.CheckStateRole:
            changes = {"include_coverage": Qt.CheckState(value) == Qt.CheckState.Checked}
        else:
            return False
        case_study_id = self._case_study_id
        self._editing = True  # the row is updated here; a reset under an open editor would close it
        try:
            if not self._write(lambda: self._service.update_entry(case_study_id, entry.story_id, changes)):
                return False
        finally:
            self._editing = False
        self._entries[index.row()] = entry.model_copy(update=changes)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(ENTRY_COLUMNS) - 1))
        return True

    # ------------------------------------------------------------ moving, removing, drag and drop
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [STORY_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return story_ids_mime([self._entries[row].story_id for row in rows])

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        return self._case_study_id is not None and bool(story_ids_from(data))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        story_ids = story_ids_from(data)
        if self._case_study_id is None or not story_ids or action == Qt.DropAction.IgnoreAction:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._entries)
        return self.place(story_ids, row)

    def place(self, story_ids: Sequence[str], row: int | None) -> bool:
        """Move or add these stories to `row` (see CaseStudyService.place)."""
        case_study_id = self._case_study_id
        if case_study_id is None:
            return False
        if not self._write(lambda: self._service.place(case_study_id, story_ids, row)):
            return False
        self.placed.emit(list(story_ids))
        return True

    def move(self, row: int, offset: int) -> int | None:
        """Move the story at `row` up (-1) or down (+1); returns its new row, or None if it cannot move."""
        target = row + offset
        if not 0 <= row < len(self._entries) or not 0 <= target < len(self._entries):
            return None
        story_id = self._entries[row].story_id
        self.place([story_id], target if offset < 0 else target + 1)
        return self.row_of(story_id)

    def moveRows(
        self, source_parent: Index, source_row: int, count: int, destination_parent: Index, destination_child: int
    ) -> bool:
        if source_parent.isValid() or destination_parent.isValid() or count < 1:
            return False
        if not 0 <= source_row <= source_row + count <= len(self._entries):
            return False
        if not 0 <= destination_child <= len(self._entries):
            return False
        if source_row <= destination_child <= source_row + count:
            return False  # onto itself
        story_ids = [entry.story_id for entry in self._entries[source_row : source_row + count]]
        return self.place(story_ids, destination_child)

    def remove(self, rows: Sequence[int]) -> bool:
        case_study_id = self._case_study_id
        story_ids = [self._entries[row].story_id for row in sorted(set(rows)) if 0 <= row < len(self._entries)]
        if case_study_id is None or not story_ids:
            return False
        return self._write(lambda: self._service.remove(case_study_id, story_ids))

    def _write(self, write: Callable[[], object]) -> bool:
        try:
            write()
        except (JournalError, OperationalError) as error:
            reason = getattr(error, "orig", None) or error
            self.failed.emit(f"That change could not be saved ({reason}). Try again.")
            self.reload()
            return False
        return True


def _publishing(entry: EntryRead) -> str:
    """Short, for the cell (the tooltip has the whole reason): “Approved · Named”, “Left out: Draft”."""
    if entry.consent == Consent.DECLINED.value:
        return "Left out: customer declined"
    if exclusion(entry.consent, entry.status, include_unapproved=False):
        return f"Left out: {status_label(entry.status)}"
    consent = CONSENT_SHORT.get(entry.consent, entry.consent)
    return f"{status_label(entry.status)} · {consent}"
