"""Choosing the story an entry is really about: the stories the radar also thought of, then the journal's own
search as you type (run off the GUI thread, as the story list's is). Enter chooses; Escape cancels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME
from journal.radar.inbox import Alternative
from journal.store.listing import StoryQuery, StoryRow
from journal.ui.services.background import run_in_background
from journal.ui.services.stories import StoryService

RESULTS = 50  # stories shown for a search (the best first): enough to pick from, small enough to read
SEARCH_DELAY_MS = 150
StoryIdRole = Qt.ItemDataRole.UserRole + 1


class StoryPicker(QDialog):
    def __init__(
        self,
        stories: StoryService,
        entry_title: str,
        alternatives: Sequence[Alternative],
        exclude: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("storyPicker")
        self.setWindowTitle(f"Another story — {APP_NAME}")
        self.resize(560, 480)
        self._stories = stories
        self._alternatives = [other for other in alternatives if other.story_id != exclude]
        self._exclude = exclude
        self._asked = self._answered = 0
        self.chosen_id: str | None = None

        heading = QLabel(f"Which story is “{entry_title}” about?")
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.search = QLineEdit()
        self.search.setObjectName("storyPickerSearch")
        self.search.setPlaceholderText("Search the stories (title, organisation, people, tags, text)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the stories")
        self.results = QListWidget()
        self.results.setObjectName("storyPickerResults")
        self.results.setAccessibleName("Stories")
        self.results.setUniformItemSizes(True)
        self.note = QLabel()
        self.note.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.choose_button = self.buttons.addButton("&Choose", QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self.accept)  # Enter in the search field chooses the story highlighted
        self.results.currentItemChanged.connect(lambda *_: self._update_button())
        self.results.itemActivated.connect(lambda _item: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._search()

    @property
    def busy(self) -> bool:
        return self._asked != self._answered or self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the search field move through the stories; Enter chooses the one highlighted."""
        moves = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:  # noqa: SIM102
            if event.key() in moves:
                self.results.keyPressEvent(event)
                return True
        return super().eventFilter(watched, event)

    def _search(self) -> None:
        self._timer.stop()
        self._asked += 1
        asked, text, stories = self._asked, self.search.text().strip(), self._stories

        def work() -> list[StoryRow]:
            return stories.rows(0, RESULTS + 1, StoryQuery(text=text), with_snippets=0)

        def done(rows: list[StoryRow] | None, error: BaseException | None) -> None:
            if asked != self._asked:
                return  # a newer search is on its way
            self._answered = asked
            if error is not None or rows is None:
                self._show([], f"The search could not be run ({error}); try other words.")
                return
            self._show(rows, "")

        run_in_background(self, work, done)

    def _show(self, rows: list[StoryRow], problem: str) -> None:
        self.results.clear()
        text = self.search.text().strip()
        shown: set[str] = {self._exclude}
        if not text:
            for other in self._alternatives:
                self._add(other.story_id, f"{other.story_title} — {other.explanation}", shown)
        for row in rows[:RESULTS]:
            day = f"  ({row.occurred.isoformat()})" if row.occurred else ""
            self._add(row.id, f"{row.title}{day}", shown)
        if problem:
            self.note.setText(problem)
        elif not self.results.count():
            self.note.setText("No story matches those words." if text else "The journal has no other story.")
        elif len(rows) > RESULTS:
            self.note.setText(f"The best {RESULTS} matches; type more words to narrow them.")
        else:
            self.note.setText("")
        if self.results.count():
            self.results.setCurrentRow(0)
        self._update_button()

    def _add(self, story_id: str, text: str, shown: set[str]) -> None:
        if story_id in shown:
            return
        shown.add(story_id)
        item = QListWidgetItem(text)
        item.setData(StoryIdRole, story_id)
        item.setToolTip(text)
        self.results.addItem(item)

    def _update_button(self) -> None:
        self.choose_button.setEnabled(self.results.currentItem() is not None)

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None or not self.isVisible():  # (Enter in the search field, then the default button)
            return
        self.chosen_id = item.data(StoryIdRole)
        super().accept()
