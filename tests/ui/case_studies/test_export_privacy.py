"""Issue 18 in the window: a story whose hidden customer's name could not be replaced everywhere asks
Export anyway / Cancel before anything is written, and the file name offered is made from the title with
the name hidden."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from journal.store.database import open_journal
from journal.store.models import Story
from tests.ui.case_studies.helpers import Dialogs, actions
from tests.ui.case_studies.test_window import _press, exported
from tests.ui.helpers import Launch, settle

STORY = "5b000000-0000-4000-8000-000000000001"


def test_an_unreplaced_part_of_the_name_asks_before_writing(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    journal = open_journal(journal_path)
    with journal.write() as session:
        session.add(
            Story(
                id=STORY,
                title="A courier for Will Bay",
                customer_name="Will Bay",
                consent="unknown",
                status="approved",
                situation="Will wrote to us. The courier met Will at home; you will see why. "
                "Write to will.bay@example.com.",
                created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
        )
    journal.close()
    window = launch(journal_path)
    settle(window)
    window.select_story(STORY)
    exporter = actions(window).exporter
    target = tmp_path / "story.md"
    offered: list[str] = []

    def ask_save_path(_caption: str, name: str, *_rest: object) -> Path:
        offered.append(name)
        return target

    exporter.ask_save_path = ask_save_path  # type: ignore[method-assign]
    seen: list[str] = []

    def read_then(label: str) -> object:
        def answer(box: QWidget) -> None:
            assert isinstance(box, QMessageBox) and box.objectName() == "confidentialWarning"
            seen.append(box.informativeText())
            _press(box, label)

        return answer

    cancelled = Dialogs(read_then("Cancel"))  # type: ignore[arg-type]
    actions(window).export_story_action.trigger()
    exported(qtbot, exporter)
    assert cancelled.done and not target.exists() and not offered
    assert "could not be replaced" in seen[0] and "Will wrote to us" in seen[0]

    anyway = Dialogs(read_then("Export anyway"))  # type: ignore[arg-type]
    actions(window).export_story_action.trigger()
    exported(qtbot, exporter)
    assert anyway.done
    assert offered == ["a-courier-for-the-customer"]
    text = target.read_text(encoding="utf-8")
    assert "title: A courier for the customer" in text and "The courier met the customer at home" in text
    assert "Write to (e-mail address left out)." in text and "example.com" not in text
    message = window.statusBar().currentMessage()
    assert str(target) in message and "an e-mail address that names a hidden customer was left out" in message
