"""One case study's text and stories, saved automatically like the story editor.

Text is written a moment after the last keystroke, when another case study is chosen and when the
window closes, and a failed save is retried, as in the story editor (journal.ui.widgets.autosave). An empty
title is refused inline; the other fields are still saved and the typed text
stays. Only what the person changed is written, so a version of the case study that a team sync brought
meanwhile keeps everything else; when one arrives, the fields the person is not typing in show it. The
stories are a table: drag rows (or Alt+Up / Alt+Down) to reorder, Delete to remove, edit
the headline cell, tick whether the coverage is included.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QDrag, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal.store.case_studies import CaseStudyNotFoundError
from journal.store.fields import FieldError, parse_title
from journal.ui.case_studies.model import COVERAGE, HEADLINE, PUBLISHING, STORY, EntryModel
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.widgets.autosave import Autosave
from journal.ui.widgets.inline_message import InlineMessage
from journal.words import counted


class EntryView(QTableView):
    """The case study's stories. Dragging moves rows (the model does the move in one transaction, so
    the view must not also remove the dragged rows afterwards, as Qt's move drag would)."""

    def __init__(self, model: EntryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("caseStudyStories")
        self.setAccessibleName("Stories in this case study")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropOverwriteMode(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(STORY, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(HEADLINE, 130)
        header.resizeSection(COVERAGE, 70)
        header.resizeSection(PUBLISHING, 120)
        header.setHighlightSections(False)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        indexes = [index for index in self.selectedIndexes() if index.column() == STORY]
        if not indexes:
            return
        drag = QDrag(self)
        drag.setMimeData(self.model().mimeData(indexes))
        drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)


def _text(placeholder: str, name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(60)
    return edit


class CaseStudyEditor(QWidget):
    save_state_changed = Signal(str)  # a short sentence for the status bar

    def __init__(self, service: CaseStudyService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._case_study_id: str | None = None
        self._loading = False
        self._saving = False
        self._shown: dict[str, Any] = {}  # the text fields as last read or saved
        self._autosave = Autosave(self._write, self)
        self._autosave.state_changed.connect(self.save_state_changed)
        self.save_problem = self._autosave.problem
        service.study_changed.connect(self._study_changed)

        self.title = QLineEdit()
        self.title.setObjectName("caseStudyTitle")
        self.title.setAccessibleName("Title")
        self.title.setPlaceholderText("What the case study shows, e.g. “Going beyond the returns policy”")
        self.title_message = InlineMessage()
        self.audience = QLineEdit()
        self.audience.setAccessibleName("Audience")
        self.audience.setPlaceholderText("Who it is for, e.g. new support staff, the company blog")
        self.introduction = _text("The introduction, in Markdown", "Introduction")
        self.closing = _text("The closing section, in Markdown", "Closing")
        self.show_costs = QCheckBox("Publish what each story cost")
        self.show_costs.setAccessibleName("Publish costs")
        self.model = EntryModel(service, self)
        self.stories = EntryView(self.model)
        self.stories_hint = QLabel(
            "Add stories from the story list: drag them here, or use Add to case study in its menu. "
            "Drag or press Alt+Up / Alt+Down to reorder, Delete to remove."
        )
        self.stories_hint.setWordWrap(True)
        self.stories_hint.setEnabled(False)
        self.message = InlineMessage()  # failures of story-list changes

        self.move_up_action = self._view_action("Move story &up", QKeySequence("Alt+Up"), lambda: self.move_story(-1))
        self.move_down_action = self._view_action(
            "Move story &down", QKeySequence("Alt+Down"), lambda: self.move_story(1)
        )
        self.remove_action = self._view_action(
            "&Remove story from the case study", QKeySequence(QKeySequence.StandardKey.Delete), self.remove_selected
        )
        self.stories.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        title_box = QWidget()
        title_column = QVBoxLayout(title_box)
        title_column.setContentsMargins(0, 0, 0, 0)
        title_column.setSpacing(2)
        title_column.addWidget(self.title)
        title_column.addWidget(self.title_message)
        for label, field, buddy in (
            ("&Title", title_box, self.title),
            ("A&udience", self.audience, self.audience),
            ("&Introduction", self.introduction, self.introduction),
            ("&Stories", self.stories, self.stories),
            ("", self.stories_hint, None),
            ("C&losing", self.closing, self.closing),
            ("", self.show_costs, None),
        ):
            text = QLabel(label)
            if buddy is not None:
                text.setBuddy(buddy)
            form.addRow(text, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.save_problem)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)

        for widget, stretch in ((self.introduction, 2), (self.stories, 3), (self.closing, 1)):
            policy = widget.sizePolicy()
            policy.setVerticalStretch(stretch)
            widget.setSizePolicy(policy)
        self.title.textChanged.connect(self._changed)
        self.audience.textChanged.connect(self._changed)
        self.introduction.textChanged.connect(self._changed)
        self.closing.textChanged.connect(self._changed)
        self.show_costs.toggled.connect(self._changed)
        self.model.failed.connect(self.message.show_error)
        self.model.placed.connect(self._select_stories)
        self.model.modelAboutToBeReset.connect(self.message.clear)
        self.setEnabled(False)

    def _view_action(self, text: str, keys: QKeySequence, slot: Any) -> QAction:
        action = QAction(text, self.stories)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.stories.addAction(action)
        return action

    # ------------------------------------------------------------ the stories
    def move_story(self, offset: int) -> None:
        current = self.stories.currentIndex()
        if not current.isValid():
            return
        row = self.model.move(current.row(), offset)
        if row is not None:
            self.stories.setCurrentIndex(self.model.index(row, current.column()))

    def _select_stories(self, story_ids: list[str]) -> None:
        """After a drop or a move, the stories that moved are the selection (so Alt+Up goes on from there)."""
        rows = [row for story_id in story_ids if (row := self.model.row_of(story_id)) is not None]
        if not rows:
            return
        self.stories.setCurrentIndex(self.model.index(rows[0], STORY))
        selection = QItemSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        self.stories.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.stories.selectionModel().selectedRows()})
        if not rows and self.stories.currentIndex().isValid():
            rows = [self.stories.currentIndex().row()]
        count = len(rows)
        if rows and self.model.remove(rows):
            if self.model.rowCount():
                row = min(rows[0], self.model.rowCount() - 1)
                self.stories.setCurrentIndex(self.model.index(row, STORY))
            self.save_state_changed.emit(
                f"Removed {counted(count, 'story', 'stories')} from the case study (not from the journal)."
            )

    # ------------------------------------------------------------ loading and saving
    @property
    def case_study_id(self) -> str | None:
        return self._case_study_id

    def load(self, case_study_id: str | None) -> None:
        """Show another case study (saving this one first)."""
        self.flush()
        self._case_study_id = None
        self._loading = True
        try:
            study = self._service.study(case_study_id) if case_study_id else None
        except CaseStudyNotFoundError:
            study = None
        try:
            self.title.setText(study.title if study else "")
            self.title.setCursorPosition(0)
            self.audience.setText(study.audience if study else "")
            self.introduction.setPlainText(study.introduction if study else "")
            self.closing.setPlainText(study.closing if study else "")
            self.show_costs.setChecked(bool(study and study.show_costs))
            self.title_message.clear()
            self.message.clear()
        finally:
            self._loading = False
        self._case_study_id = study.id if study else None
        self._shown = self._fields_of(study) if study else {}
        self._autosave.forget()
        self.model.set_case_study(self._case_study_id)
        self.setEnabled(study is not None)

    @staticmethod
    def _fields_of(study: Any) -> dict[str, Any]:
        return {name: getattr(study, name) for name in ("title", "audience", "introduction", "closing", "show_costs")}

    def _study_changed(self, case_study_id: str) -> None:
        """Changed elsewhere (a team sync): save what was typed, then show the fields that changed."""
        if case_study_id != self._case_study_id or self._saving or not self.flush():
            return
        try:
            study = self._service.study(case_study_id)
        except CaseStudyNotFoundError:
            return
        fresh = self._fields_of(study)
        self._loading = True
        try:
            for name, line in (("title", self.title), ("audience", self.audience)):
                if fresh[name] != self._shown.get(name):
                    line.setText(fresh[name])
            for name, text in (("introduction", self.introduction), ("closing", self.closing)):
                if fresh[name] != self._shown.get(name):
                    text.setPlainText(fresh[name])
            self.show_costs.setChecked(bool(fresh["show_costs"]))
        finally:
            self._loading = False
        self._shown = fresh

    def _changed(self, *_args: object) -> None:
        if not self._loading and self._case_study_id is not None:
            self._autosave.changed()

    def has_unsaved_changes(self) -> bool:
        return self._autosave.dirty

    def flush(self) -> bool:
        """Save now. Returns False if it could not be written (the text stays, and saving is retried)."""
        return self._autosave.flush()

    def _write(self) -> str:
        if self._case_study_id is None:
            return ""
        changes: dict[str, Any] = {
            "audience": self.audience.text().strip(),
            "introduction": self.introduction.toPlainText(),
            "closing": self.closing.toPlainText(),
            "show_costs": self.show_costs.isChecked(),
        }
        try:
            changes["title"] = parse_title(self.title.text())
            self.title_message.clear()
        except FieldError:
            self.title_message.show_error(
                "A case study needs a title. Everything else is saved; the old title is kept until you type one."
            )
        typed = {name: value for name, value in changes.items() if value != self._shown.get(name)}
        self._saving = True
        try:
            self._service.update(self._case_study_id, typed)
        except CaseStudyNotFoundError:
            shown = [(entry.story_id, entry.headline, entry.include_coverage) for entry in self.model.entries()]
            if not self._service.revive(self._case_study_id, {**self._shown, **typed}, shown):
                return "This case study was deleted elsewhere; the last changes could not be saved."
            self._shown.update(typed)
            return "Saved; it was deleted elsewhere meanwhile, so it is back with your changes"
        finally:
            self._saving = False
        self._shown.update(typed)
        return "Saved" if "title" in changes else "Saved, except the title"
