"""The window's bundle features, driven as a person would: the import dialog shows the plan, then imports;
a conflict shows a banner and the side-by-side dialog resolves it; the spreadsheet dialog maps and previews."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from journal.store import stories
from journal.store.database import open_journal
from journal.ui.bundles.conflict_dialog import ConflictDialog
from journal.ui.bundles.csv_dialog import CsvImportDialog
from journal.ui.bundles.dialogs import ImportBundleDialog
from journal.ui.bundles.feature import BundlesFeature
from tests.bundles.helpers import transfer
from tests.ui.helpers import Launch, feature, settle


def titles(path: Path) -> dict[str, str]:
    journal = open_journal(path)
    try:
        with journal.session() as session:
            rows = session.connection().exec_driver_sql("SELECT id, title FROM story").all()
        return {row[0]: row[1] for row in rows}
    finally:
        journal.close()


def make_bundle(tmp_path: Path, *titles_: str) -> tuple[Path, list[str]]:
    source = open_journal(tmp_path / "anna.journal")
    ids = []
    with source.write() as session:
        for title in titles_:
            ids.append(stories.create_story(stories.StoryCreate(title=title, tags=["from anna"]), session=session).id)
    from journal.bundles.export import chosen_ids, export_bundle

    bundle = tmp_path / "anna.sjbundle"
    export_bundle(source, bundle, chosen_ids(source))
    source.close()
    return bundle, ids


def test_import_bundle_shows_the_plan_then_imports(
    launch: Launch, journal_path: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle, ids = make_bundle(tmp_path, "Refund on a Sunday", "Dog rescued from the car park")
    window = launch(journal_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bundle), ""))
    feature(window, BundlesFeature).import_action.trigger()
    dialog = window.findChild(ImportBundleDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    assert dialog.summary.text().startswith("2 new, 0 updated, 0 unchanged, 0 conflicts, 0 deletions")
    assert titles(journal_path) == {}, "nothing is written before the person says Import"
    with qtbot.waitSignal(dialog.finished_import, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert window.model.rowCount() == 2
    assert sorted(titles(journal_path)) == sorted(ids)
    window.close()
    window = launch(journal_path)
    settle(window)
    assert window.model.rowCount() == 2


def test_a_hostile_bundle_is_refused_in_plain_words(
    launch: Launch, journal_path: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.sjbundle"
    bad.write_bytes(b"not a zip at all")
    window = launch(journal_path)
    warnings: list[str] = []
    monkeypatch.setattr("journal.ui.bundles.dialogs.QMessageBox.warning", lambda _p, _t, text: warnings.append(text))
    dialog = ImportBundleDialog(window, bad)
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "not a Story Journal bundle" in warnings[0]
    assert not dialog.import_button.isEnabled()


def test_a_conflict_shows_a_banner_and_the_dialog_resolves_it(
    launch: Launch, journal_path: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    anna = open_journal(tmp_path / "anna.journal")
    mine = open_journal(journal_path)
    with anna.write() as session:
        story_id = stories.create_story(stories.StoryCreate(title="Late train", outcome="a letter"), session=session).id
    transfer(anna, mine, tmp_path, "first.sjbundle")
    with anna.write() as session:
        stories.update_story(story_id, {"title": "Late train, taxi paid", "outcome": "a blog post"}, session=session)
    with mine.write() as session:
        stories.update_story(story_id, {"title": "Late train (mine)"}, session=session)
    plan = transfer(anna, mine, tmp_path, "anna.sjbundle")
    assert plan.counts()["conflicts"] == 1
    anna.close()
    mine.close()

    window = launch(journal_path)
    settle(window)
    feature(window, BundlesFeature).next_conflict_action.trigger()
    assert window.editor.story_id == story_id
    banner = feature(window, BundlesFeature).banner
    qtbot.waitUntil(banner.isVisible, timeout=5_000)
    assert "also changed in anna.sjbundle" in banner.label.text()
    qtbot.mouseClick(banner.resolve_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(ConflictDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert set(dialog.choices) == {"title", "outcome"}
    dialog.theirs_buttons["outcome"].click()  # (offscreen: a mouse click on a radio in a scroll area misses)
    assert dialog.chosen() == {"title": "mine", "outcome": "theirs"}
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5_000)
    assert window.editor.title.text() == "Late train (mine)"
    window.close()
    journal = open_journal(journal_path)
    with journal.session() as session:
        story = stories.get_story(story_id, session=session)
        left = session.connection().exec_driver_sql("SELECT count(*) FROM story_conflict").scalar()
    journal.close()
    assert (story.title, story.outcome, left) == ("Late train (mine)", "a blog post", 0)


def test_the_spreadsheet_dialog_maps_columns_previews_and_imports(
    launch: Launch, journal_path: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "Story,When,Notes\nFree coffee for a year,2024-05-01,ask Sam\nNo title here,,x\n,2024-13-01,\n",
        encoding="utf-8",
    )
    window = launch(journal_path)
    dialog = CsvImportDialog(window, sheet)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=10_000)
    assert dialog.mapping() == ["title", "occurred", "internal_notes"]
    assert dialog.preview.rowCount() == 3
    assert dialog.import_button.text() == "Import 2 stories"
    problem = dialog.preview.item(2, dialog.preview.columnCount() - 1).text()
    assert "Title: A story needs a title." in problem and "is not a date" in problem
    notes = dialog.combos[2]
    notes.setCurrentIndex(notes.findData("outcome"))
    story = dialog.combos[0]
    story.setCurrentIndex(story.findData(""))
    assert dialog.import_button.text() == "Import 0 stories"
    assert not dialog.import_button.isEnabled()
    story.setCurrentIndex(story.findData("title"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    QApplication.processEvents()
    settle(window)
    assert window.model.rowCount() == 2
    window.close()
    journal = open_journal(journal_path)
    with journal.session() as session:
        rows = (
            session.connection()
            .exec_driver_sql("SELECT title, outcome, internal_notes FROM story ORDER BY title")
            .all()
        )
    journal.close()
    assert [tuple(row) for row in rows] == [("Free coffee for a year", "ask Sam", ""), ("No title here", "x", "")]


def test_export_bundle_of_one_tag_from_the_window(
    launch: Launch, journal_path: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    from journal.ui.bundles.dialogs import ExportBundleDialog, export_bundle_to

    journal = open_journal(journal_path)
    with journal.write() as session:
        stories.create_story(stories.StoryCreate(title="Tagged", tags=["pick me"]), session=session)
        stories.create_story(stories.StoryCreate(title="Not tagged"), session=session)
    journal.close()
    window = launch(journal_path)
    dialog = ExportBundleDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.tagged, Qt.MouseButton.LeftButton)
    assert dialog.tag.isEnabled() and dialog.tag.currentText() == "pick me"
    results: list[object] = []
    target = tmp_path / "picked.sjbundle"
    export_bundle_to(window, dialog, target, lambda result, error: results.append(error or result))
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert "Wrote 1 stories" in window.statusBar().currentMessage()
    other = open_journal(tmp_path / "other.journal")
    from journal.bundles.merge import apply_import
    from journal.bundles.read import read_bundle

    apply_import(other, read_bundle(target))
    other.close()
    assert sorted(titles(tmp_path / "other.journal").values()) == ["Tagged"]
