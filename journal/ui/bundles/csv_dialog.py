"""Import spreadsheet…: map each column to a field, see the first rows checked (bad ones marked with the
reason), then import the good rows off the GUI thread, all or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from journal.bundles.csv_import import TARGETS, Sheet, guess_mapping
from journal.ui.bundles.dialogs import plain_error
from journal.ui.services.background import run_in_background
from journal.ui.shell.seam import Shell
from journal.words import counted

PREVIEW_ROWS = 50


class CsvImportDialog(QDialog):
    def __init__(self, shell: Shell, path: Path) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.path = path
        self.sheet: Sheet | None = None
        self.setWindowTitle(f"Import {path.name}")
        self.note = QLabel(f"Reading {path.name}…")
        self.note.setWordWrap(True)
        self.columns = QFormLayout()
        self.combos: list[QComboBox] = []
        self.preview = QTableWidget()
        self.preview.setAccessibleName("Preview")
        self.preview.verticalHeader().setVisible(False)  # the Line column says where each row is
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setAccessibleName("Rows summary")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(self.columns)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)
        self.resize(820, 600)
        run_in_background(self, self._read, self._read_done)

    def _read(self) -> Sheet:
        from journal.bundles.csv_import import read_sheet

        return read_sheet(self.path)

    def _read_done(self, sheet: Any, error: BaseException | None) -> None:
        if error is not None:
            self.note.setText(plain_error(error))
            QMessageBox.warning(self, "Cannot import this file", plain_error(error))
            return
        self.sheet = sheet
        self.note.setText(
            f"{sheet.encoding_line} {sheet.note or f'Choose the field each column of {self.path.name} fills.'}"
        )
        for header, target in zip(sheet.headers, guess_mapping(sheet.headers), strict=True):
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {header}")
            combo.addItem("(ignore)", "")
            for name, label in TARGETS.items():
                combo.addItem(label, name)
            combo.setCurrentIndex(max(combo.findData(target), 0))
            combo.currentIndexChanged.connect(self.refresh)
            self.combos.append(combo)
            self.columns.addRow(header or "(no name)", combo)
        self.refresh()

    def mapping(self) -> list[str]:
        return [str(combo.currentData()) for combo in self.combos]

    def refresh(self) -> None:
        if self.sheet is None:
            return
        sheet = self.sheet
        sheet.check(self.mapping())
        shown = sheet.rows[:PREVIEW_ROWS]
        self.preview.clear()
        self.preview.setColumnCount(len(sheet.headers) + 2)
        self.preview.setHorizontalHeaderLabels(["Line", *sheet.headers, "Problem"])
        self.preview.setRowCount(len(shown))
        bad = QBrush(QColor("#c62828"))
        for row_number, row in enumerate(shown):
            cells = [str(row.line), *row.values[: len(sheet.headers)]]
            cells += [""] * (len(sheet.headers) + 1 - len(cells))
            cells.append(
                "; ".join(row.errors or (["read as Windows (cp1252) text: check it"] if row.windows_text else []))
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.errors:
                    item.setForeground(bad)
                    item.setToolTip(cells[-1])
                self.preview.setItem(row_number, column, item)
        good = len(sheet.good)
        self.summary.setText(
            f"{good} good rows, {len(sheet.bad)} bad rows"
            + (" (the bad rows are left out; fix them in the spreadsheet to import them)." if sheet.bad else ".")
        )
        self.import_button.setText(f"Import {counted(good, 'story', 'stories')}")
        self.import_button.setEnabled(good > 0)

    def start_import(self) -> None:
        assert self.sheet is not None
        rows = list(self.sheet.good)
        self.import_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, len(rows))
        self._worker = self.shell.services.bundles.start_csv_import(self, rows, self._step, self._imported)

    def _step(self, done: int, total: int) -> None:
        self.progress.setValue(done)

    def _imported(self, count: Any, error: BaseException | None) -> None:
        self.progress.setVisible(False)
        if error is not None:
            QMessageBox.warning(self, "Nothing was imported", f"{plain_error(error)}\nNothing was imported.")
            self.import_button.setEnabled(True)
            return
        self.shell.say(f"Imported {count} stories from {self.path.name}.", 10000)
        self.accept()
