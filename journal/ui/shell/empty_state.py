"""What an empty journal shows: a welcome, and the two ways to begin."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    new_story_clicked = Signal()
    open_sample_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        heading = QLabel("Write down the first story")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro = text = QLabel(
            "When someone goes beyond the policy for a customer, it takes a minute to record: what happened, "
            "what the policy said, what was done instead, what it cost and what came of it.\n\n"
            "Everything is saved as you type, on this computer; no network needed."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(520)
        # A wrapped label in an aligned layout item gets no height-for-width: give it its full height.
        text.setFixedHeight(text.heightForWidth(520))
        self.new_button = QPushButton("New story")
        self.new_button.setDefault(True)
        self.new_button.setToolTip("Ctrl+N")
        self.sample_button = QPushButton("Open the sample journal")
        self.sample_button.setToolTip("Well-known public stories, to see what a good entry looks like")
        hint = QLabel("New story: Ctrl+N")
        hint.setEnabled(False)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(heading)
        layout.addSpacing(12)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(20)
        for button in (self.new_button, self.sample_button):
            button.setMinimumWidth(240)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(hint)
        layout.addStretch(3)

        self.new_button.clicked.connect(self.new_story_clicked)
        self.sample_button.clicked.connect(self.open_sample_clicked)
