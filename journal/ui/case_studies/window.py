"""The case-study window: the journal's case studies | the chosen one's editor | its rendered preview.

A window of its own (View ▸ Case studies in the main window), so it can sit beside the story list and
stories can be dragged from one to the other.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME
from journal.store.errors import JournalError
from journal.ui.case_studies.editor import CaseStudyEditor
from journal.ui.case_studies.export_dialogs import Exporter, show_error
from journal.ui.case_studies.model import CaseStudyIdRole, CaseStudyListModel
from journal.ui.case_studies.preview import CaseStudyPreview
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.widgets.autosave import may_close
from journal.words import counted

NEW_TITLE = "Untitled case study"


class CaseStudyWindow(QMainWindow):
    def __init__(self, service: CaseStudyService, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.service = service
        self.settings = settings
        self.setObjectName("caseStudyWindow")
        self.setWindowTitle(f"Case studies — {APP_NAME}")
        self.model = CaseStudyListModel(service, self)
        self.list_view = QListView()
        self.list_view.setObjectName("caseStudyList")
        self.list_view.setAccessibleName("Case studies")
        self.list_view.setModel(self.model)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setAcceptDrops(True)  # stories dropped on a case study are added to it
        self.list_view.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.list_view.setDropIndicatorShown(True)
        self.new_button = QPushButton("&New")
        self.delete_button = QPushButton("Delete")
        self.empty = QLabel("No case studies yet.\nPress New, then add stories from the story list.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.editor = CaseStudyEditor(service)
        self.preview = CaseStudyPreview(service)
        self.exporter = Exporter(self, service, settings, self.say)

        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(4, 4, 0, 4)
        column.addWidget(self.list_view, 1)
        column.addWidget(self.empty)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        column.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("caseStudySplitter")
        self.splitter.addWidget(side)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.preview)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 3)
        self.setCentralWidget(self.splitter)
        self.save_state = QLabel()
        self.statusBar().addPermanentWidget(self.save_state)

        self._build_actions()
        self.new_button.clicked.connect(self.new_case_study)
        self.delete_button.clicked.connect(self.delete_current)
        self.list_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._list_reset)
        self.model.added.connect(
            lambda title, count: self.say(
                f"Added {counted(count, 'story', 'stories')} to “{title}”."
                if count
                else f"Those stories are already in “{title}”."
            )
        )
        self.model.failed.connect(lambda sentence: show_error(self, RuntimeError(sentence)))
        self.editor.save_state_changed.connect(self.save_state.setText)
        self.editor.save_state_changed.connect(self._said)
        self._restore_settings()
        self._list_reset()

    def _build_actions(self) -> None:
        def action(text: str, slot: object, keys: QKeySequence | None = None) -> QAction:
            made = QAction(text, self)
            if keys is not None:
                made.setShortcut(keys)
            made.triggered.connect(slot)
            self.addAction(made)
            return made

        self.new_action = action("&New case study", self.new_case_study, QKeySequence(QKeySequence.StandardKey.New))
        self.delete_action = action("&Delete case study…", self.delete_current)
        self.export_markdown_action = action("Export &Markdown…", self._export_markdown, QKeySequence("Ctrl+E"))
        self.export_html_action = action("Export &HTML page…", self._export_html)
        self.copy_action = action("&Copy as Markdown", self._copy, QKeySequence("Ctrl+Shift+M"))
        self.export_site_action = action("Export &all case studies to a folder…", self.exporter.site_folder)
        self.close_action = action("&Close", self.close, QKeySequence(QKeySequence.StandardKey.Close))
        menu = self.menuBar().addMenu("&Case study")
        menu.addActions([self.new_action, self.delete_action])
        menu.addSeparator()
        menu.addActions([self.export_markdown_action, self.export_html_action, self.copy_action])
        menu.addAction(self.export_site_action)
        menu.addSeparator()
        menu.addAction(self.close_action)
        self.current_actions = (
            self.delete_action,
            self.export_markdown_action,
            self.export_html_action,
            self.copy_action,
        )
        self.delete_button.setEnabled(False)

    # ------------------------------------------------------------ status
    def say(self, sentence: str) -> None:
        self.statusBar().showMessage(sentence, 15000)

    def _said(self, sentence: str) -> None:
        if sentence.startswith("Removed"):
            self.say(sentence)

    # ------------------------------------------------------------ case studies
    @property
    def current_id(self) -> str | None:
        return self.editor.case_study_id

    def new_case_study(self, title: str = NEW_TITLE) -> str | None:
        self.editor.flush()
        try:
            case_study_id = self.service.create(title or NEW_TITLE)
        except JournalError as error:
            show_error(self, error)
            return None
        self.show_case_study(case_study_id)
        self.editor.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.title.selectAll()
        return case_study_id

    def show_case_study(self, case_study_id: str) -> None:
        row = self.model.row_of(case_study_id)
        if row is not None:
            self.list_view.setCurrentIndex(self.model.index(row, 0))
        self._open(case_study_id)

    def delete_current(self) -> None:
        case_study_id = self.current_id
        if case_study_id is None:
            return
        title = self.editor.title.text() or "this case study"
        answer = QMessageBox.question(
            self,
            f"Delete case study — {APP_NAME}",
            f"Delete the case study “{title}”? Its stories stay in the journal; only this selection, "
            "its introduction and its closing are deleted. This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        row = self.list_view.currentIndex().row()
        self.editor.load(None)
        try:
            self.service.delete(case_study_id)
        except JournalError as error:
            show_error(self, error)
            return
        self.say(f"Deleted the case study “{title}”.")
        if self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(min(max(row, 0), self.model.rowCount() - 1), 0))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._open(indexes[0].data(CaseStudyIdRole))

    def _open(self, case_study_id: str | None) -> None:
        if case_study_id != self.current_id:
            self.editor.load(case_study_id)
            self.preview.set_case_study(self.editor.case_study_id)
        for item in self.current_actions:
            item.setEnabled(self.editor.case_study_id is not None)
        self.delete_button.setEnabled(self.editor.case_study_id is not None)

    def _list_reset(self) -> None:
        """After a rename, a new or a deleted case study: keep the open one selected (without reloading it
        under the person typing its title)."""
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        current = self.current_id
        row = self.model.row_of(current) if current else None
        if row is not None:
            self.list_view.selectionModel().blockSignals(True)
            self.list_view.setCurrentIndex(self.model.index(row, 0))
            self.list_view.selectionModel().blockSignals(False)
            self.list_view.viewport().update()
        elif not empty:
            self.list_view.setCurrentIndex(self.model.index(0, 0))  # the open one was deleted, or none was
        else:
            self._open(None)

    # ------------------------------------------------------------ exports of the open case study
    def _flushed_id(self) -> str | None:
        self.editor.flush()
        return self.current_id

    def _export_markdown(self) -> None:
        if case_study_id := self._flushed_id():
            self.exporter.markdown_file(case_study_id)

    def _export_html(self) -> None:
        if case_study_id := self._flushed_id():
            self.exporter.html_page(case_study_id)

    def _copy(self) -> None:
        if case_study_id := self._flushed_id():
            self.exporter.copy_markdown(case_study_id)

    # ------------------------------------------------------------ settings and closing
    def _restore_settings(self) -> None:
        geometry = self.settings.value("caseStudies/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        splitter = self.settings.value("caseStudies/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([170, 640, 470])

    def closeEvent(self, event: QCloseEvent) -> None:
        if not may_close(self, self.editor.flush(), "The last changes to the case study could not be saved."):
            event.ignore()
            return
        self.settings.setValue("caseStudies/geometry", self.saveGeometry())
        self.settings.setValue("caseStudies/splitter", self.splitter.saveState())
        event.accept()
