"""Help ▸ About: the icon, the version, where this journal, the data folder and the settings are, and the licence."""

from __future__ import annotations

import html
import platform
from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME, __version__
from journal.paths import default_journal_path, resources_dir, settings_path
from journal.ui.shell.icon import app_icon

DESCRIPTION = "A journal of remarkable customer-service moments, the coverage they earned and the case studies."
LICENCE_NAME = "MIT"
DISTRIBUTION = "story-journal"


def licence_text() -> str:
    """The LICENSE file: beside resources/ in a checkout and in the packaged app, in the metadata of a wheel."""
    beside = resources_dir().parent / "LICENSE"
    if beside.is_file():
        return beside.read_text(encoding="utf-8")
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        distribution = None
    for name in ("licenses/LICENSE", "LICENSE"):
        text = distribution.read_text(name) if distribution else None
        if text:
            return text
    return f"{APP_NAME} is released under the {LICENCE_NAME} licence; the licence file is missing from this copy."


def _path_label(path: Path) -> QLabel:
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class AboutDialog(QDialog):
    def __init__(self, journal_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # opened with exec(), gone once closed

        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.version_label = QLabel(f"<h2>{html.escape(APP_NAME)} {html.escape(__version__)}</h2>")
        self.version_label.setObjectName("aboutVersion")
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)
        built = QLabel(f"Qt {qVersion()} · PySide6 {PySide6.__version__} · Python {platform.python_version()}")
        built.setEnabled(False)  # drawn in the muted colour: useful in a bug report, not the point

        self.journal_label = _path_label(journal_path)
        self.data_folder_label = _path_label(default_journal_path().parent)
        self.settings_label = _path_label(settings_path())
        places = QFormLayout()
        places.addRow("This journal:", self.journal_label)
        places.addRow("Data folder:", self.data_folder_label)
        places.addRow("Settings:", self.settings_label)

        self.licence_label = QLabel(f"Free software under the {LICENCE_NAME} licence.")
        self.licence_text = QPlainTextEdit(licence_text())
        self.licence_text.setObjectName("aboutLicence")
        self.licence_text.setAccessibleName("Licence")
        self.licence_text.setReadOnly(True)
        self.licence_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # the file is wrapped at 78
        columns = self.licence_text.fontMetrics().horizontalAdvance("x" * 82)
        self.licence_text.setMinimumSize(columns + self.licence_text.verticalScrollBar().sizeHint().width(), 220)
        self.licence_text.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.licence_button = QPushButton("&Licence")
        self.licence_button.setCheckable(True)
        self.licence_button.toggled.connect(self._show_licence)
        buttons.addButton(self.licence_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        text = QVBoxLayout()
        for widget in (self.version_label, description, built):
            text.addWidget(widget)
        text.addSpacing(8)
        text.addLayout(places)
        text.addSpacing(8)
        text.addWidget(self.licence_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addSpacing(12)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.licence_text, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _show_licence(self, shown: bool) -> None:
        self.licence_text.setVisible(shown)
        self.adjustSize()
