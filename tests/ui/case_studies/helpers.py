"""What the case-study window tests share: a journal with stories in it, answering dialogs, waiting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from journal.store import stories
from journal.store.database import open_journal
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate
from journal.ui.case_studies.feature import CaseStudiesFeature
from journal.ui.case_studies.window import CaseStudyWindow
from journal.ui.shell.main_window import MainWindow
from tests.ui.helpers import Launch, feature

COURIER = "Courier pickup for a bereaved customer"
REFUND = "A refund at midnight"
DRAFT = "Half-written: the lost passport"
COVERAGE_URL = "https://blog.example/i-love-this-shop"


def fill_journal(path: Path) -> dict[str, str]:
    """Three stories: two approved (one with coverage), one draft. Returns title -> id."""
    journal = open_journal(path)
    made = {}
    try:
        with journal.write() as session:
            for create in (
                StoryCreate(
                    title=COURIER,
                    status="approved",
                    consent="named",
                    customer_name="Jane Doe",
                    situation="Her mother died before she could return the shoes.",
                    action="A courier collected them free of charge.",
                    links=[CoverageLinkBase(url=COVERAGE_URL, title="I love this shop")],
                ),
                StoryCreate(
                    title=REFUND, status="approved", consent="anonymous", situation="The order failed at midnight."
                ),
                StoryCreate(title=DRAFT, status="draft", consent="named", situation="Not finished."),
            ):
                made[create.title] = stories.create_story(create, session=session).id
    finally:
        journal.close()
    return made


def actions(window: MainWindow) -> CaseStudiesFeature:
    return feature(window, CaseStudiesFeature)


def open_case_studies(qtbot: QtBot, window: MainWindow) -> CaseStudyWindow:
    actions(window).open_action.trigger()
    studies = actions(window).window
    assert studies is not None and studies.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is studies)  # keyboard focus goes to it
    return studies


def preview_settled(qtbot: QtBot, studies: CaseStudyWindow) -> None:
    """Let the autosave and the preview (rendered off the GUI thread) catch up."""
    qtbot.waitUntil(lambda: not studies.editor.has_unsaved_changes() and not studies.preview.busy, timeout=5000)


class Dialogs:
    """Answer the modal dialogs that open next, in order: each handler gets the dialog widget."""

    def __init__(self, *handlers: Callable[[QWidget], None]) -> None:
        self.handlers = list(handlers)
        self.seen: list[QWidget] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (self.seen and dialog is self.seen[-1]) or not self.handlers:
            return
        self.seen.append(dialog)
        handler = self.handlers.pop(0)
        if not self.handlers:
            self._timer.stop()
        handler(dialog)

    @property
    def done(self) -> bool:
        return not self.handlers


def new_case_study(qtbot: QtBot, studies: CaseStudyWindow, title: str) -> str:
    qtbot.mouseClick(studies.new_button, Qt.MouseButton.LeftButton)
    assert studies.editor.title.hasFocus() and studies.editor.title.selectedText() == "Untitled case study"
    qtbot.keyClicks(studies.editor.title, title)
    preview_settled(qtbot, studies)
    assert studies.current_id is not None
    return studies.current_id


def start(
    qtbot: QtBot, launch: Launch, journal_path: Path, title: str
) -> tuple[dict[str, str], MainWindow, CaseStudyWindow]:
    """The journal with its three stories, the window, and a new case study open in the case-study window."""
    ids = fill_journal(journal_path)
    window = launch(journal_path)
    studies = open_case_studies(qtbot, window)
    new_case_study(qtbot, studies, title)
    return ids, window, studies
