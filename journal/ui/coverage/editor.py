"""Coverage links of the story in the editor: paste a link to add it, edit cells in place, undoable removal."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal.store.fields import LINK_KIND_LABELS, FieldError, parse_url
from journal.store.models import CoverageLinkBase
from journal.store.stories import LinkRead, RemovedLink
from journal.ui.coverage.model import KIND_COLUMN, CoverageModel
from journal.ui.coverage.snapshot_dialog import SnapshotDialog
from journal.ui.services.links import LinkService
from journal.ui.services.stories import StoryService
from journal.ui.widgets.inline_message import InlineMessage


class _KindDelegate(QStyledItemDelegate):
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for kind, label in LINK_KIND_LABELS.items():
            combo.addItem(label, kind.value)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class _RemoveLinkCommand(QUndoCommand):
    def __init__(self, editor: CoverageEditor, story_id: str, link: LinkRead) -> None:
        super().__init__(f"Remove link {link.title or link.url}")
        self._editor = editor
        self._story_id = story_id
        self._link = link
        self._removed: RemovedLink | None = None

    def redo(self) -> None:
        self._removed = self._editor.service.remove_link(self._story_id, self._link.id)

    def undo(self) -> None:
        if self._removed is not None:  # the same link, with its fetched values and saved copy
            self._editor.service.put_back_link(self._story_id, self._removed)


def _dropped_url(mime: QMimeData) -> str:
    if mime.hasUrls() and mime.urls():
        return mime.urls()[0].toString()
    return mime.text().strip() if mime.hasText() else ""


class CoverageEditor(QWidget):
    def __init__(
        self, service: StoryService, links: LinkService, undo_stack: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.links = links
        self._undo_stack = undo_stack
        self._story_id: str | None = None
        self._refresh_after_edit = False

        self.url_input = QLineEdit(placeholderText="Paste a link to a blog post, article or social post (https://…)")
        self.url_input.setAccessibleName("New coverage link")
        self.add_button = QPushButton("Add link")
        self.add_button.setAutoDefault(False)
        self.message = InlineMessage()
        self.model = CoverageModel(self)
        self.table = QTableView()
        self.table.setObjectName("coverageTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Coverage links")
        self.table.setItemDelegateForColumn(KIND_COLUMN, _KindDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((220, 200, 110, 110, 90, 120, 80, 120)):
            header.resizeSection(column, width)
        self.table.setMinimumHeight(120)
        self.remove_button = QPushButton("Remove link")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setEnabled(False)
        self.read_button = QPushButton("Read saved copy")
        self.read_button.setAutoDefault(False)
        self.read_button.setEnabled(False)
        self.read_button.setToolTip("The page's text as it was fetched; readable offline and after the page is gone")
        self.remove_action = QAction("Remove link", self.table)
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.remove_action)
        # Paste or drop a link on the table itself, as on the field above it.
        self.paste_action = QAction("Paste link", self.table)
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.paste_action)
        self.table.setAcceptDrops(True)
        self.table.viewport().setAcceptDrops(True)
        self.table.viewport().installEventFilter(self)

        add_row = QHBoxLayout()
        add_row.addWidget(self.url_input, 1)
        add_row.addWidget(self.add_button)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.read_button)
        remove_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addLayout(remove_row)

        self.url_input.returnPressed.connect(self.add_from_input)
        self.url_input.textEdited.connect(lambda _text: self.message.clear())
        self.add_button.clicked.connect(self.add_from_input)
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_action.triggered.connect(self.remove_selected)
        self.read_button.clicked.connect(self.read_selected)
        self.paste_action.triggered.connect(lambda: self.add_url(QGuiApplication.clipboard().text()))
        self.model.link_edited.connect(self._save_edit)
        self.model.invalid_input.connect(self.message.show_error)
        self.table.selectionModel().selectionChanged.connect(self._update_remove_button)
        self.model.modelReset.connect(self._update_remove_button)
        self.model.dataChanged.connect(self._update_remove_button)
        service.links_changed.connect(self._links_changed)
        for delegate in (self.table.itemDelegate(), self.table.itemDelegateForColumn(KIND_COLUMN)):
            delegate.closeEditor.connect(self._editor_closed)

    def set_story(self, story_id: str | None, links: list[LinkRead]) -> None:
        self._story_id = story_id
        self.url_input.clear()
        self.message.clear()
        self.model.set_links(links)

    def add_from_input(self) -> None:
        if self.add_url(self.url_input.text()):
            self.url_input.clear()

    def add_url(self, text: str) -> bool:
        """Add a link the person pasted, typed or dropped (its page is fetched in the background)."""
        if self._story_id is None:
            return False
        try:
            url = parse_url(text)
        except FieldError as error:
            self.message.show_error(str(error))
            return False
        self.service.add_link(self._story_id, CoverageLinkBase(url=url))
        self.message.clear()
        self.table.selectRow(self.model.rowCount() - 1)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and isinstance(event, QDragEnterEvent | QDragMoveEvent):
            if _dropped_url(event.mimeData()) and self._story_id is not None:
                event.acceptProposedAction()
                return True
        elif watched is self.table.viewport() and isinstance(event, QDropEvent):
            url = _dropped_url(event.mimeData())
            if url:
                event.acceptProposedAction()
                self.add_url(url)
                return True
        return super().eventFilter(watched, event)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self._story_id is None or not rows:
            return
        link = self.model.link(rows[0].row())
        self._undo_stack.push(_RemoveLinkCommand(self, self._story_id, link))

    def _save_edit(self, link_id: str, changes: dict) -> None:
        if self._story_id is not None:
            self.message.clear()
            self.service.update_link(self._story_id, link_id, changes)

    def _links_changed(self, story_id: str) -> None:
        if story_id != self._story_id:
            return
        if self.table.state() == QAbstractItemView.State.EditingState:
            # A fetch finished while the person types in a cell: refresh once the cell is closed, so what
            # they type is neither reset nor lost.
            self._refresh_after_edit = True
            return
        self.model.set_links(self.service.story(story_id).links)

    def _editor_closed(self) -> None:
        if self._refresh_after_edit:
            self._refresh_after_edit = False
            QTimer.singleShot(0, self._refresh)

    def _refresh(self) -> None:
        if self._story_id is not None:
            self._links_changed(self._story_id)

    def selected_link(self) -> LinkRead | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.link(rows[0].row()) if rows and rows[0].row() < self.model.rowCount() else None

    def read_selected(self) -> SnapshotDialog | None:
        link = self.selected_link()
        if link is None:
            return None
        dialog = SnapshotDialog(self.links, link, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _update_remove_button(self) -> None:
        link = self.selected_link()
        self.remove_button.setEnabled(link is not None)
        self.read_button.setEnabled(link is not None and link.fetched_at is not None)
