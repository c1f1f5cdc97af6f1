"""The filters under the search field: tags (any or all), dates, channel, status, consent, coverage,
organisation and employee. It only describes a StoryQuery; the SQL does the filtering."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from journal.store.fields import CHANNELS, CONSENT_LABELS, STATUS_LABELS, FieldError, parse_date
from journal.store.listing import CoverageFilter, StoryQuery, TagMode
from journal.ui.widgets.inline_message import InlineMessage
from journal.ui.widgets.tag_field import TagField


def _choice(any_label: str, items: dict[Any, str], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(any_label, "")
    for value, label in items.items():
        combo.addItem(label, str(value))
    return combo


def _date_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText("YYYY-MM-DD")
    field.setAccessibleName(name)
    field.setMaximumWidth(120)
    field.setClearButtonEnabled(True)
    return field


class FilterPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.tags = TagField()
        self.tags.setPlaceholderText("Tags, separated by commas")
        self.tags.setAccessibleName("Filter by tags")
        self.tag_mode = QComboBox()
        self.tag_mode.setAccessibleName("Tag match")
        self.tag_mode.addItem("all of them", TagMode.ALL.value)
        self.tag_mode.addItem("any of them", TagMode.ANY.value)
        self.date_from = _date_field("From date")
        self.date_to = _date_field("To date")
        self.date_message = InlineMessage()
        self.channel = _choice("Any channel", CHANNELS, "Channel filter")
        self.status = _choice("Any status", STATUS_LABELS, "Status filter")
        self.consent = _choice("Any consent", CONSENT_LABELS, "Consent filter")
        self.coverage = QComboBox()
        self.coverage.setAccessibleName("Coverage filter")
        self.coverage.addItem("With or without coverage", CoverageFilter.EITHER.value)
        self.coverage.addItem("With coverage", CoverageFilter.WITH.value)
        self.coverage.addItem("Without coverage", CoverageFilter.WITHOUT.value)
        self.organization = QLineEdit()
        self.organization.setPlaceholderText("Organisation contains…")
        self.organization.setAccessibleName("Organisation filter")
        self.employee = QLineEdit()
        self.employee.setPlaceholderText("Employee contains…")
        self.employee.setAccessibleName("Employee filter")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAutoDefault(False)

        tags_row = QHBoxLayout()
        tags_row.addWidget(self.tags, 1)
        tags_row.addWidget(self.tag_mode)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.date_from)
        dates_row.addWidget(self.date_to)
        dates_row.addStretch(1)
        combos_row = QHBoxLayout()
        for combo in (self.channel, self.status, self.consent):
            combos_row.addWidget(combo, 1)
        people_row = QHBoxLayout()
        people_row.addWidget(self.organization, 1)
        people_row.addWidget(self.employee, 1)
        bottom_row = QHBoxLayout()
        bottom_row.addWidget(self.coverage, 1)
        bottom_row.addWidget(self.clear_button)
        form = QFormLayout(self)
        form.setContentsMargins(4, 0, 4, 4)
        form.addRow("Tags", tags_row)
        form.addRow("Between", dates_row)
        form.addRow("", self.date_message)
        form.addRow("Is", combos_row)
        form.addRow("People", people_row)
        form.addRow("", bottom_row)

        for line in (self.tags, self.date_from, self.date_to, self.organization, self.employee):
            line.textChanged.connect(self.changed)
        for combo in (self.tag_mode, self.channel, self.status, self.consent, self.coverage):
            combo.currentIndexChanged.connect(self.changed)
        self.clear_button.clicked.connect(self.clear)

    def apply_to(self, query: StoryQuery) -> StoryQuery:
        """The query with this panel's filters (a date that is not a date is ignored and marked)."""
        dates = []
        problems = []
        for field in (self.date_from, self.date_to):
            try:
                dates.append(parse_date(field.text()))
            except FieldError as error:
                dates.append(None)
                problems.append(str(error))
        if problems:
            self.date_message.show_error(problems[0])
        else:
            self.date_message.clear()
        try:
            tags = tuple(self.tags.tags())
        except FieldError:
            tags = ()

        def chosen(combo: QComboBox) -> tuple[str, ...]:
            return (combo.currentData(),) if combo.currentData() else ()

        return dataclasses.replace(
            query,
            tags=tags,
            tag_mode=TagMode(self.tag_mode.currentData()),
            date_from=dates[0],
            date_to=dates[1],
            channels=chosen(self.channel),
            statuses=chosen(self.status),
            consents=chosen(self.consent),
            coverage=CoverageFilter(self.coverage.currentData()),
            organization=self.organization.text().strip(),
            employee=self.employee.text().strip(),
        )

    def show_query(self, query: StoryQuery) -> None:
        """Put a (saved) query's filters into the controls, announcing one change at the end."""
        self.blockSignals(True)
        try:
            self.tags.set_tags(list(query.tags))
            self.tag_mode.setCurrentIndex(max(0, self.tag_mode.findData(query.tag_mode.value)))
            self.date_from.setText(query.date_from.isoformat() if query.date_from else "")
            self.date_to.setText(query.date_to.isoformat() if query.date_to else "")
            for combo, values in (
                (self.channel, query.channels),
                (self.status, query.statuses),
                (self.consent, query.consents),
            ):
                combo.setCurrentIndex(max(0, combo.findData(values[0] if values else "")))
            self.coverage.setCurrentIndex(max(0, self.coverage.findData(query.coverage.value)))
            self.organization.setText(query.organization)
            self.employee.setText(query.employee)
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def active_count(self) -> int:
        blank = StoryQuery()
        query = self.apply_to(blank)
        return sum(
            1
            for name in (
                "tags",
                "date_from",
                "date_to",
                "channels",
                "statuses",
                "consents",
                "coverage",
                "organization",
                "employee",
            )
            if getattr(query, name) != getattr(blank, name)
        )

    def clear(self) -> None:
        self.show_query(StoryQuery())
