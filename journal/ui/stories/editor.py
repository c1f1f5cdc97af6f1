"""The editor beside the story list: every field of one story, saved automatically.

Changes are written a moment after the last keystroke, when another story is chosen and when the window
closes (journal.ui.widgets.autosave, which also retries a save that failed). A value that cannot be stored
(an empty title, a date that is not a date) is refused inline under its field; every other field is still
saved, and the typed text stays where it is.

The journal may take another version of the story while it is shown (a team sync, an import): each save is
made over the version the editor was shown (journal/bundles/edits.py), so what the person typed never
erases that version, nor the reverse (both are kept as a conflict). When the story changes elsewhere, what
was typed is saved first, then the fields whose value changed show the new one; the others, and the cursor,
stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from journal.bundles.edits import Shown
from journal.store.errors import StoryNotFoundError
from journal.store.fields import (
    CHANNELS,
    CONSENT_LABELS,
    STATUS_LABELS,
    FieldError,
    format_cost,
    parse_cost,
    parse_currency,
    parse_date,
    parse_title,
)
from journal.store.stories import StoryRead
from journal.ui.coverage.editor import CoverageEditor
from journal.ui.reach.panel import ReachPanel
from journal.ui.services.all import Services
from journal.ui.widgets.autosave import Autosave
from journal.ui.widgets.inline_message import InlineMessage
from journal.ui.widgets.tag_field import TagField

CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "JPY", "CHF", "SEK", "NOK", "DKK", "INR")


@dataclass
class _Binding:
    read: Callable[[], Any]
    write: Callable[[Any], None]
    parse: Callable[[Any], Any]
    message: InlineMessage | None = None


def _line(name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _plain_text(placeholder: str, name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)  # Tab moves on, so the whole form works from the keyboard
    edit.setMinimumHeight(70)
    edit.setSizeAdjustPolicy(QPlainTextEdit.SizeAdjustPolicy.AdjustToContents)
    return edit


def _combo(items: dict[Any, str], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for value, label in items.items():
        combo.addItem(label, str(value))
    return combo


def _section(title: str) -> QLabel:
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    label.setContentsMargins(0, 12, 0, 2)
    return label


WITHHELD_HINT = "Only the story's author and admins see this"


class StoryEditor(QScrollArea):
    save_state_changed = Signal(str)  # a short sentence for the status bar
    loaded = Signal(object)  # the id of the story now shown, or None

    def __init__(self, services: Services, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service = services.stories
        self._story_id: str | None = None
        self._shown: Shown | None = None  # what the journal held when the story was shown or last saved
        self._loading = False
        self._saving = False
        self._autosave = Autosave(self._write, self)
        self._autosave.state_changed.connect(self.save_state_changed)
        self.save_problem = self._autosave.problem

        self.title = _line("title", "A short headline: what was remarkable")
        self.title.setAccessibleName("Title")
        self.title_message = InlineMessage()
        self.occurred = _line("occurred", "YYYY-MM-DD")
        self.occurred.setAccessibleName("When it happened")
        self.occurred.setMaximumWidth(140)
        self.occurred_message = InlineMessage()
        self.organization = _line("organization", "Company or team")
        self.organization.setAccessibleName("Organisation")
        self._organizations = QStringListModel(self)
        self.organization.setCompleter(QCompleter(self._organizations, self.organization))
        self.employees = _line("employees", "Who did it; separate names with commas")
        self.employees.setAccessibleName("Employees")
        self.channel = _combo(CHANNELS, "Channel")
        self.channel.setEditable(True)
        self.channel.insertItem(0, "", "")
        self.status = _combo(STATUS_LABELS, "Status")
        self.tags = TagField()
        self.tags.setObjectName("tags")
        self.tags.setAccessibleName("Tags")
        self.tags_message = InlineMessage()

        self.situation = _plain_text("What happened? What did the customer need? (Markdown welcome)", "Situation")
        self.policy = _plain_text("What would the policy or the usual answer have been?", "Policy")
        self.action = _plain_text("What was done instead, and by whom?", "What was done")
        self.cost = _line("cost", "Amount, e.g. 45.00")
        self.cost.setAccessibleName("Cost")
        self.cost.setMaximumWidth(140)
        self.currency = QComboBox()
        self.currency.setAccessibleName("Currency")
        self.currency.setEditable(True)
        self.currency.addItems(["", *CURRENCIES])
        self.cost_message = InlineMessage()
        self.outcome = _plain_text("What came of it: the customer's reaction, coverage, business results", "Outcome")

        self.customer_name = _line("customer_name", "Name (private)")
        self.customer_name.setAccessibleName("Customer name")
        self.customer_contact = _line("customer_contact", "E-mail or phone (private)")
        self.customer_contact.setAccessibleName("Customer contact")
        self.consent = _combo(CONSENT_LABELS, "Consent to publish")
        self.internal_notes = _plain_text("Notes for the team only; never published", "Internal notes")
        self.coverage = CoverageEditor(service, services.links, undo_stack)
        self.reach = ReachPanel(service, services.reach, undo_stack)

        self._bindings: dict[str, _Binding] = {
            "title": _Binding(self.title.text, self.title.setText, parse_title, self.title_message),
            "occurred": _Binding(
                self.occurred.text,
                lambda value: self.occurred.setText(value.isoformat() if value else ""),
                parse_date,
                self.occurred_message,
            ),
            "organization": _Binding(self.organization.text, self.organization.setText, str.strip),
            "employees": _Binding(self.employees.text, self.employees.setText, str.strip),
            "channel": _Binding(self._channel_value, self._set_channel, str.strip),
            "status": _Binding(self.status.currentData, lambda v: self._set_data(self.status, v), str),
            "situation": _Binding(self.situation.toPlainText, self.situation.setPlainText, str),
            "policy": _Binding(self.policy.toPlainText, self.policy.setPlainText, str),
            "action": _Binding(self.action.toPlainText, self.action.setPlainText, str),
            "cost_cents": _Binding(
                self.cost.text, lambda v: self.cost.setText(format_cost(v)), parse_cost, self.cost_message
            ),
            "currency": _Binding(
                self.currency.currentText, self.currency.setCurrentText, parse_currency, self.cost_message
            ),
            "outcome": _Binding(self.outcome.toPlainText, self.outcome.setPlainText, str),
            "customer_name": _Binding(self.customer_name.text, self.customer_name.setText, str.strip),
            "customer_contact": _Binding(self.customer_contact.text, self.customer_contact.setText, str.strip),
            "consent": _Binding(self.consent.currentData, lambda v: self._set_data(self.consent, v), str),
            "internal_notes": _Binding(self.internal_notes.toPlainText, self.internal_notes.setPlainText, str),
        }
        self._read_only = False
        # The customer's fields a team server may withhold from this laptop (withhold()), and their usual hints.
        self._withholdable: dict[str, QLineEdit | QPlainTextEdit] = {
            "customer_name": self.customer_name,
            "customer_contact": self.customer_contact,
            "internal_notes": self.internal_notes,
        }
        self._placeholders = {name: field.placeholderText() for name, field in self._withholdable.items()}
        self._withheld_as: tuple[frozenset[str], str, bool] | None = None  # what withhold() last applied
        self._build_layout()
        self._watch_changes()
        # Completion lists are read when a field that completes gets the focus, and only if something
        # changed since: opening a story must not query every organisation in a 100,000-story journal.
        self._completions_stale = True
        for completing in (self.organization, self.tags):
            completing.installEventFilter(self)
        for signal in (service.stories_changed, service.library_changed):
            signal.connect(self._completions_changed)
        service.story_updated.connect(self._completions_changed)
        service.story_updated.connect(self._story_updated)

    # ------------------------------------------------------------ layout
    def _build_layout(self) -> None:
        page = QWidget()
        page.setObjectName("editorPage")
        self._page_layout = outer = QVBoxLayout(page)
        outer.setContentsMargins(16, 8, 16, 16)
        outer.addWidget(self.save_problem)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        outer.addLayout(form)

        def with_message(widget: QWidget, message: InlineMessage, *more: QWidget) -> QWidget:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            row = QHBoxLayout()
            row.addWidget(widget)
            for extra in more:
                row.addWidget(extra)
            if more or widget.maximumWidth() < 1000:
                row.addStretch(1)
            column.addLayout(row)
            column.addWidget(message)
            return box

        def row(label: str, field: QWidget, buddy: QWidget | None = None) -> None:
            text = QLabel(label)
            text.setBuddy(buddy or field)
            form.addRow(text, field)

        form.addRow(_section("The moment"))
        row("&Title", with_message(self.title, self.title_message), self.title)
        row("&When", with_message(self.occurred, self.occurred_message), self.occurred)
        row("&Organisation", self.organization)
        row("&Employees", self.employees)
        row("C&hannel", self.channel)
        row("Stat&us", self.status)
        row("T&ags", with_message(self.tags, self.tags_message), self.tags)
        form.addRow(_section("The story"))
        row("&Situation", self.situation)
        row("&Policy", self.policy)
        row("What was &done", self.action)
        row("&Cost", with_message(self.cost, self.cost_message, self.currency), self.cost)
        row("Out&come", self.outcome)
        form.addRow(_section("The customer: private, never in case studies"))
        row("Customer &name", self.customer_name)
        row("Con&tact", self.customer_contact)
        row("Conse&nt", self.consent)
        row("Internal notes", self.internal_notes)
        form.addRow(_section("Coverage"))
        form.addRow(self.coverage)
        form.addRow(_section("Reach and impact"))
        form.addRow(self.reach)
        outer.addStretch(1)

        self.setWidget(page)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def _watch_changes(self) -> None:
        for line in (
            self.title,
            self.occurred,
            self.organization,
            self.employees,
            self.cost,
            self.tags,
            self.customer_name,
            self.customer_contact,
        ):
            line.textChanged.connect(self._changed)
        for text in (self.situation, self.policy, self.action, self.outcome, self.internal_notes):
            text.textChanged.connect(self._changed)
        for combo in (self.channel, self.currency):
            combo.currentTextChanged.connect(self._changed)
        for combo in (self.status, self.consent):
            combo.currentIndexChanged.connect(self._changed)

    def _completions_changed(self, *_args: object) -> None:
        self._completions_stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and self._completions_stale:
            self._completions_stale = False
            self._organizations.setStringList(self._service.distinct_values("organization"))
            self.tags.set_known_tags(self._service.tag_names())
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ hooks for the window
    def add_banner(self, banner: QWidget) -> None:
        """A band above the story's fields (a conflict to resolve, say)."""
        self._page_layout.insertWidget(0, banner)

    def withhold(self, names: Collection[str], why: str) -> None:
        """Of the customer's fields (and "link_notes", the coverage links' notes), these were not sent to this
        laptop (a team role): read-only, saying `why`; the others are as usual."""
        applied = (frozenset(names), why, self._read_only)
        if applied == self._withheld_as:
            return  # every save asks again; the fields are already so
        self._withheld_as = applied
        for name, field in self._withholdable.items():
            hidden = name in names
            field.setReadOnly(hidden or self._read_only)
            field.setPlaceholderText(WITHHELD_HINT if hidden else self._placeholders[name])
            field.setToolTip(why if hidden else "")
        self.coverage.model.withhold_notes("link_notes" in names, why)

    def set_read_only(self) -> None:
        """The journal cannot be written: the story can be read and copied, not changed."""
        self._read_only = True
        for line in (
            self.title,
            self.occurred,
            self.organization,
            self.employees,
            self.tags,
            self.cost,
            self.customer_name,
            self.customer_contact,
        ):
            line.setReadOnly(True)
        for text in (self.situation, self.policy, self.action, self.outcome, self.internal_notes):
            text.setReadOnly(True)
        for combo in (self.channel, self.status, self.currency, self.consent):
            combo.setEnabled(False)
        self.coverage.setEnabled(False)
        self.reach.set_read_only()

    # ------------------------------------------------------------ channel and combos
    def _channel_value(self) -> str:
        text = self.channel.currentText().strip()
        for key, label in CHANNELS.items():
            if text.casefold() in (label.casefold(), key):
                return key
        return text

    def _set_channel(self, value: str) -> None:
        index = self.channel.findData(value)
        if index >= 0:
            self.channel.setCurrentIndex(index)
        else:
            self.channel.setEditText(value)

    @staticmethod
    def _set_data(combo: QComboBox, value: str) -> None:
        combo.setCurrentIndex(max(0, combo.findData(value)))

    # ------------------------------------------------------------ loading and saving
    @property
    def story_id(self) -> str | None:
        return self._story_id

    def load(self, story_id: str | None) -> bool:
        """Show another story (saving this one first). False, staying on this story, if it cannot be saved."""
        if not self.flush():
            return False
        self._story_id = None
        self._loading = True
        try:
            story, self._shown = self._service.shown(story_id) if story_id else (None, None)
            self._fill(story)
        finally:
            self._loading = False
        self._story_id = story_id if story else None
        self._autosave.forget()
        self.setEnabled(story is not None)
        self.loaded.emit(self._story_id)
        return True

    def _fill(self, story: StoryRead | None) -> None:
        for name, binding in self._bindings.items():
            binding.write(getattr(story, name) if story else _empty(name))
            if binding.message:
                binding.message.clear()
        self.tags_message.clear()
        self.tags.set_tags(story.tags if story else [])
        self.coverage.set_story(story.id if story else None, story.links if story else [])
        self.reach.set_story(story)
        for line in self.findChildren(QLineEdit):
            line.setCursorPosition(0)  # show the start of a long title, not its end
        self.verticalScrollBar().setValue(0)

    def _story_updated(self, story_id: str) -> None:
        if story_id == self._story_id and not self._saving:
            self.refresh()

    def refresh(self) -> None:
        """The story changed elsewhere (a sync, an import): save what was typed (over the version it was typed
        on), then show the fields whose value changed; the others, and the cursor, stay as they are."""
        if self._story_id is None or not self.flush():
            return
        try:
            story, self._shown = self._service.shown(self._story_id)
        except StoryNotFoundError:
            return  # deleted elsewhere: the list opens another story
        self._show_changes(story)

    def _show_changes(self, story: StoryRead) -> None:
        focused = QApplication.focusWidget()
        cursor = (
            focused.cursorPosition()
            if isinstance(focused, QLineEdit)
            else focused.textCursor().position()
            if isinstance(focused, QPlainTextEdit)
            else None
        )
        self._loading = True
        try:
            for name, binding in self._bindings.items():
                try:
                    if binding.parse(binding.read()) == getattr(story, name):
                        continue
                except FieldError:
                    continue  # refused, still being typed: it stays
                binding.write(getattr(story, name))
            try:
                if sorted(self.tags.tags(), key=str.casefold) != story.tags:
                    self.tags.set_tags(story.tags)
            except FieldError:
                pass
        finally:
            self._loading = False
        if isinstance(focused, QLineEdit) and cursor is not None:
            focused.setCursorPosition(cursor)
        elif isinstance(focused, QPlainTextEdit) and cursor is not None:
            moved = focused.textCursor()
            moved.setPosition(min(cursor, len(focused.toPlainText())))
            focused.setTextCursor(moved)

    def _changed(self, *_args: object) -> None:
        if not self._loading and self._story_id is not None:
            self._autosave.changed()

    def has_unsaved_changes(self) -> bool:
        return self._autosave.dirty

    def flush(self) -> bool:
        """Save now. Returns False if something could not be written (it stays in the window, and is retried)."""
        return self._autosave.flush()

    def _write(self) -> str:
        """The fields that parse, and the tags, in one transaction; what to say about it."""
        if self._story_id is None:
            return ""
        changes: dict[str, Any] = {}
        refused: list[str] = []
        for name, binding in self._bindings.items():
            try:
                changes[name] = binding.parse(binding.read())
            except FieldError as error:
                refused.append(name)
                if binding.message:
                    binding.message.show_error(str(error))
        for name in set(self._bindings) - set(refused):
            message = self._bindings[name].message
            if message and not any(self._bindings[other].message is message for other in refused):
                message.clear()
        try:
            tags: list[str] | None = self.tags.tags()
            self.tags_message.clear()
        except FieldError as error:
            tags = None
            self.tags_message.show_error(str(error))
        if "title" in refused:
            self.title_message.show_error("A story needs a title. Everything else is saved; the old title is kept.")
        assert self._shown is not None
        self._saving = True
        try:
            saved = self._service.save_typed(self._story_id, self._shown, changes, tags)
        except StoryNotFoundError:  # deleted in another window or process meanwhile: nothing left to save into
            return "This story was deleted elsewhere; the last changes could not be saved."
        finally:
            self._saving = False
        self._shown = saved.shown
        if saved.revived:
            return "Saved; it was deleted elsewhere meanwhile, so it is back with your changes (Resolve… decides)"
        if saved.kept_conflict:
            return "Saved; it was also changed elsewhere meanwhile: both versions are kept (Resolve…)"
        return "Saved" if not refused and tags is not None else "Saved, except the fields marked in red"


def _empty(name: str) -> Any:
    return {"occurred": None, "cost_cents": None, "status": "draft", "consent": "unknown"}.get(name, "")
