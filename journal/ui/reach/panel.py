"""The editor's "Reach and impact" section: the latest figures at a glance, what the gesture cost against what it
earned, and the dated readings (comments, shares, views, search rank) to add, correct or remove, undoably."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal.store.fields import FieldError
from journal.store.impact import Impact
from journal.store.readings import METRICS, ReadingRead, check, glance, parse_day, parse_value
from journal.store.stories import LinkRead, StoryRead
from journal.ui.reach.model import ReadingsModel
from journal.ui.services.background import once_back, run_in_background
from journal.ui.services.reach import ReachService
from journal.ui.services.stories import StoryService
from journal.ui.widgets.inline_message import InlineMessage

NO_READINGS = "No readings yet: add a comment count, shares or a search rank as you see them."


class _AddReading(QUndoCommand):
    def __init__(self, reach: ReachService, story_id: str, fields: dict[str, Any]) -> None:
        super().__init__(f"Add reading ({METRICS[fields['metric']].lower()})")
        self._reach = reach
        self._story_id = story_id
        self._fields = fields
        self._added: ReadingRead | None = None

    def redo(self) -> None:
        if self._added is None:
            self._added = self._reach.add(self._story_id, **self._fields)
        else:
            self._reach.restore(self._added)

    def undo(self) -> None:
        assert self._added is not None
        self._reach.delete(self._story_id, self._added.id)


class _RemoveReading(QUndoCommand):
    def __init__(self, reach: ReachService, reading: ReadingRead) -> None:
        super().__init__(f"Remove reading ({METRICS.get(reading.metric, reading.metric).lower()})")
        self._reach = reach
        self._reading = reading

    def redo(self) -> None:
        removed = self._reach.delete(self._reading.story_id, self._reading.id)
        self._reading = removed or self._reading  # as it was in the journal, for undo

    def undo(self) -> None:
        self._reach.restore(self._reading)


class _EditReading(QUndoCommand):
    def __init__(self, reach: ReachService, reading: ReadingRead, changes: dict[str, Any]) -> None:
        super().__init__("Edit reading")
        self._reach = reach
        self._reading = reading
        self._changes = changes
        self._before = {name: getattr(reading, name) for name in changes}

    def redo(self) -> None:
        self._reach.update(self._reading.story_id, self._reading.id, self._changes)

    def undo(self) -> None:
        self._reach.update(self._reading.story_id, self._reading.id, self._before)


class ReachPanel(QWidget):
    def __init__(
        self, service: StoryService, reach: ReachService, undo_stack: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reach = reach
        self._undo_stack = undo_stack
        self._story_id: str | None = None
        self._link_titles: dict[str, str] = {}

        self.glance = QLabel(NO_READINGS)
        self.glance.setObjectName("reachGlance")
        self.glance.setWordWrap(True)
        self.glance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.glance.font()
        font.setBold(True)
        self.glance.setFont(font)
        self.impact = QLabel()
        self.impact.setObjectName("impactLine")
        self.impact.setWordWrap(True)
        self.impact.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.date_input = QLineEdit(placeholderText="Today")
        self.date_input.setAccessibleName("Date of the reading (YYYY-MM-DD)")
        self.date_input.setToolTip("When you saw the figure, as YYYY-MM-DD; empty means today")
        self.date_input.setMinimumWidth(110)
        self.metric_input = QComboBox()
        self.metric_input.setAccessibleName("Kind of reading")
        for key, label in METRICS.items():
            self.metric_input.addItem(label, key)
        self.on_input = QComboBox()
        self.on_input.setAccessibleName("The story or one of its links")
        self.on_input.setMinimumContentsLength(14)
        self.on_input.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.query_input = QLineEdit(placeholderText="Search, e.g. Zappos customer service")
        self.query_input.setAccessibleName("Search the rank is for")
        self.value_input = QLineEdit(placeholderText="Number")
        self.value_input.setAccessibleName("Value")
        self.value_input.setMinimumWidth(90)
        self.add_button = QPushButton("Add reading")
        self.add_button.setAutoDefault(False)
        self.message = InlineMessage()

        self.model = ReadingsModel(self)
        self.table = QTableView()
        self.table.setObjectName("readingsTable")
        self.table.setAccessibleName("Readings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setWordWrap(False)
        for column, width in enumerate((90, 95, 160, 160, 70, 70)):
            header.resizeSection(column, width)
        self.table.setMinimumHeight(110)
        self.remove_button = QPushButton("Remove reading")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setEnabled(False)
        self.remove_action = QAction("Remove reading", self.table)
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.remove_action)

        # Two rows, so that every field keeps a readable width in a narrow editor.
        add_grid = QGridLayout()
        add_grid.setContentsMargins(0, 0, 0, 0)
        add_grid.addWidget(self.date_input, 0, 0)
        add_grid.addWidget(self.metric_input, 0, 1)
        add_grid.addWidget(self.on_input, 0, 2, 1, 2)
        add_grid.addWidget(self.query_input, 1, 0, 1, 2)
        add_grid.addWidget(self.value_input, 1, 2)
        add_grid.addWidget(self.add_button, 1, 3)
        add_grid.setColumnStretch(2, 1)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.glance)
        layout.addWidget(self.impact)
        layout.addLayout(add_grid)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addLayout(remove_row)

        self.metric_input.currentIndexChanged.connect(self._metric_chosen)
        for line in (self.date_input, self.query_input, self.value_input):
            line.returnPressed.connect(self.add_from_inputs)
            line.textEdited.connect(lambda _text: self.message.clear())
        self.add_button.clicked.connect(self.add_from_inputs)
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_action.triggered.connect(self.remove_selected)
        self.model.reading_edited.connect(self._edit)
        self.model.invalid_input.connect(self.message.show_error)
        self.table.selectionModel().selectionChanged.connect(self._update_remove_button)
        self.model.modelReset.connect(self._update_remove_button)
        service.links_changed.connect(self._links_changed)
        service.story_updated.connect(self._story_updated)
        self._reread = once_back(self, self._read_again)
        # After the write, not inside it: an edit comes from the table's editor, which is still committing.
        self.reach.readings_changed.connect(
            lambda story_id: QTimer.singleShot(0, self.refresh) if story_id == self._story_id else None
        )
        self._metric_chosen()

    def set_read_only(self) -> None:
        """The journal cannot be written: readings can be read, not typed."""
        for line in (self.date_input, self.query_input, self.value_input):
            line.setReadOnly(True)
        for combo in (self.metric_input, self.on_input):
            combo.setEnabled(False)

    # ------------------------------------------------------------ the story shown
    def set_story(self, story: StoryRead | None) -> None:
        self._story_id = story.id if story else None
        for line in (self.date_input, self.query_input, self.value_input):
            line.clear()
        self.message.clear()
        self._set_links(story.links if story else [])
        self.refresh()

    def _set_links(self, links: list[LinkRead]) -> None:
        chosen = self.on_input.currentData()
        self.on_input.clear()
        self.on_input.addItem("The story", None)
        self._link_titles = {link.id: link.title or link.url for link in links}
        for link_id, title in self._link_titles.items():
            self.on_input.addItem(title if len(title) <= 60 else title[:59] + "…", link_id)
        self.on_input.setCurrentIndex(max(0, self.on_input.findData(chosen)))

    def refresh(self) -> None:
        if self._story_id is None:
            self.model.set_readings([], {})
            self.glance.setText(NO_READINGS)
            self.impact.clear()
            return
        self._show(self.reach.history(self._story_id), self.reach.impact(self._story_id))

    def _show(self, history: list[ReadingRead], found: Impact | None) -> None:
        if history != self.model.readings() or self._link_titles != self.model.link_titles():
            self.model.set_readings(history, self._link_titles)  # else the selection stays as it is
        self.glance.setText(glance(history) or NO_READINGS)
        self.impact.setText(found.sentence() if found else "")

    def _links_changed(self, story_id: str) -> None:
        if story_id == self._story_id:
            self._set_links(self.reach.stories.story(story_id).links)
            self.refresh()

    def _story_updated(self, story_id: str) -> None:
        """The cost may have changed, or readings may have come in from fetching the story's links: read them
        again on a pool thread once the save has returned (a save must not wait for the impact sums, and a
        run of saves reads them once)."""
        if story_id == self._story_id:
            self._reread.start()

    def _read_again(self) -> None:
        story_id = self._story_id
        if story_id is None:
            return
        reach = self.reach

        def shown(found: tuple[list[ReadingRead], Impact | None] | None, error: BaseException | None) -> None:
            if error is None and found is not None and story_id == self._story_id:
                self._show(*found)

        run_in_background(self, lambda: (reach.history(story_id), reach.impact(story_id)), shown)

    # ------------------------------------------------------------ adding, editing, removing
    def _metric_chosen(self) -> None:
        ranked = self.metric_input.currentData() == "search_rank"
        self.query_input.setEnabled(ranked)
        self.value_input.setPlaceholderText("Rank, e.g. 4" if ranked else "Number")

    def add_from_inputs(self) -> None:
        if self._story_id is None:
            return
        metric = self.metric_input.currentData()
        query = " ".join(self.query_input.text().split()) if metric == "search_rank" else ""
        try:
            taken_at = parse_day(self.date_input.text())
            value = parse_value(self.value_input.text(), metric)
            check(metric, value, query, taken_at)
            fields = {"metric": metric, "value": value, "query": query, "taken_at": taken_at}
            fields["link_id"] = self.on_input.currentData()
            self._undo_stack.push(_AddReading(self.reach, self._story_id, fields))
        except FieldError as error:
            self.message.show_error(str(error))
            return
        self.value_input.clear()
        self.message.clear()
        self.value_input.setFocus()

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self._story_id is None or not rows:
            return
        self._undo_stack.push(_RemoveReading(self.reach, self.model.reading(rows[0].row())))

    def _edit(self, reading_id: str, changes: dict[str, Any]) -> None:
        reading = next(
            (self.model.reading(r) for r in range(self.model.rowCount()) if self.model.reading(r).id == reading_id),
            None,
        )
        if reading is not None:
            self.message.clear()
            self._undo_stack.push(_EditReading(self.reach, reading, changes))

    def _update_remove_button(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
