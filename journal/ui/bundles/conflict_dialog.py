"""A story changed here and in someone's bundle: a banner over the editor, and a side-by-side dialog to
choose field by field (or all of one side). Nothing is decided without a person."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from journal.bundles.conflicts import MINE, THEIRS, Conflict, value_of
from journal.ui.services.background import once_back, run_in_background
from journal.ui.shell.seam import Shell

LABELS = {
    "title": "Title",
    "occurred": "Date",
    "organization": "Organisation",
    "employees": "Employees",
    "channel": "Channel",
    "customer_name": "Customer",
    "customer_contact": "Contact",
    "consent": "Consent",
    "situation": "Situation",
    "policy": "Policy",
    "action": "What was done",
    "cost_cents": "Cost (cents)",
    "currency": "Currency",
    "outcome": "Outcome",
    "internal_notes": "Internal notes",
    "status": "Status",
    "tags": "Tags",
    "links": "Coverage",
}


def shown(value: Any, name: str) -> str:
    if name == "tags":
        return ", ".join(value) or "—"
    if name == "links":
        return "\n".join(link["url"] for link in value) or "—"
    text = "" if value is None else str(value)
    return text if len(text) <= 400 else text[:400] + "…"


class ConflictDialog(QDialog):
    def __init__(self, shell: Shell, conflict: Conflict) -> None:
        super().__init__(shell.widget)
        self.conflict = conflict
        self.setWindowTitle("Resolve the conflict")
        self.choices: dict[str, QButtonGroup] = {}
        self.mine_buttons: dict[str, QRadioButton] = {}
        self.theirs_buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        buttons = QDialogButtonBox()
        if conflict.theirs is None:
            layout.addWidget(QLabel(f"{conflict.source} deleted this story, which was changed here since."))
            self.keep_button = buttons.addButton("Keep the story", QDialogButtonBox.ButtonRole.AcceptRole)
            self.delete_button = buttons.addButton("Delete it", QDialogButtonBox.ButtonRole.DestructiveRole)
            self.keep_button.clicked.connect(lambda: self._decide({"story": MINE}))
            self.delete_button.clicked.connect(lambda: self._decide({"story": THEIRS}))
        else:
            layout.addWidget(
                QLabel(
                    f"This story was changed here and in {conflict.source}. "
                    "Choose, for each field, the version to keep."
                )
            )
            grid = QGridLayout()
            grid.addWidget(QLabel("<b>Field</b>"), 0, 0)
            grid.addWidget(QLabel("<b>Mine (this journal)</b>"), 0, 1)
            grid.addWidget(QLabel(f"<b>Theirs ({conflict.source})</b>"), 0, 2)
            for row, name in enumerate(conflict.differing(), start=1):
                group = QButtonGroup(self)
                mine = QRadioButton(shown(value_of(conflict.mine, name), name))
                theirs = QRadioButton(shown(value_of(conflict.theirs, name), name))
                mine.setAccessibleName(f"Keep my {LABELS[name]}")
                theirs.setAccessibleName(f"Take their {LABELS[name]}")
                mine.setChecked(True)
                group.addButton(mine)
                group.addButton(theirs)
                self.choices[name] = group
                self.mine_buttons[name], self.theirs_buttons[name] = mine, theirs
                grid.addWidget(QLabel(LABELS[name]), row, 0)
                grid.addWidget(mine, row, 1)
                grid.addWidget(theirs, row, 2)
            grid.setRowStretch(grid.rowCount(), 1)  # rows at the top, not spread over the height
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(2, 1)
            inner = QWidget()
            inner.setLayout(grid)
            scroll = QScrollArea()
            scroll.setWidget(inner)
            scroll.setWidgetResizable(True)
            layout.addWidget(scroll)
            sides = QHBoxLayout()
            self.all_mine = QPushButton("Keep all &mine")
            self.all_theirs = QPushButton("Take all &theirs")
            self.all_mine.clicked.connect(lambda: self._all(self.mine_buttons))
            self.all_theirs.clicked.connect(lambda: self._all(self.theirs_buttons))
            sides.addWidget(self.all_mine)
            sides.addWidget(self.all_theirs)
            sides.addStretch(1)
            layout.addLayout(sides)
            self.resolve_button = buttons.addButton("&Resolve", QDialogButtonBox.ButtonRole.AcceptRole)
            self.resolve_button.clicked.connect(lambda: self._decide(self.chosen()))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)
        self.shell = shell

    def _all(self, buttons: dict[str, QRadioButton]) -> None:
        for button in buttons.values():
            button.setChecked(True)

    def chosen(self) -> dict[str, str]:
        return {name: THEIRS if self.theirs_buttons[name].isChecked() else MINE for name in self.choices}

    def _decide(self, choices: dict[str, str]) -> None:
        self.shell.save_story()
        self.shell.services.conflicts.resolve(self.conflict, choices)
        self.accept()


class ConflictBanner(QFrame):
    """Over the editor while the story shown has an unresolved conflict."""

    def __init__(self, shell: Shell) -> None:
        super().__init__()
        self.shell = shell
        self.setObjectName("conflictBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#conflictBanner { border: 1px solid #e0a000; border-radius: 4px; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.resolve_button = QPushButton("Resolve…")
        self.resolve_button.clicked.connect(self.open_dialog)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.resolve_button)
        self.conflicts: list[Conflict] = []
        self._look = once_back(self, self._look_again)
        self.setVisible(False)

    def show_story(self, story_id: str | None) -> None:
        self._show(self.shell.services.conflicts.of_story(story_id) if story_id else [])

    def refresh(self, story_id: str) -> None:
        """The story was saved: look for its conflicts again on a pool thread once the save has returned (a save
        must not wait for it)."""
        if story_id == self.shell.current_story():
            self._look.start()

    def _look_again(self) -> None:
        conflicts, shell, story_id = self.shell.services.conflicts, self.shell, self.shell.current_story()
        if story_id is None:
            return

        def found(result: list[Conflict] | None, error: BaseException | None) -> None:
            if error is None and result is not None and shell.current_story() == story_id:
                self._show(result)

        run_in_background(self, lambda: conflicts.of_story(story_id), found)

    def _show(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        if self.conflicts:
            first = self.conflicts[0]
            what = "deleted in" if first.theirs is None else "also changed in"
            more = f" ({len(self.conflicts)} versions to resolve)" if len(self.conflicts) > 1 else ""
            self.label.setText(f"This story was {what} {first.source}{more}. Both versions are kept until you choose.")
        self.setVisible(bool(self.conflicts))

    def open_dialog(self) -> ConflictDialog | None:
        if not self.conflicts:
            return None
        dialog = ConflictDialog(self.shell, self.conflicts[0])
        dialog.finished.connect(lambda _result: self.show_story(self.shell.current_story()))
        dialog.open()
        return dialog
