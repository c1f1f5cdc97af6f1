"""The case-study window, driven as a marketer would: make one, write its introduction, add stories
from the story list (menu and drag and drop), order them, preview it, export it. Then the journal file
and the files written are checked, and the window is opened again."""

from __future__ import annotations

import sqlite3
from html.parser import HTMLParser
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QInputDialog, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.export.markdown import case_study_export
from journal.store.database import open_journal
from journal.store.stories import update_story
from journal.ui.case_studies.export_dialogs import Exporter
from journal.ui.case_studies.model import COVERAGE, HEADLINE, STORY, CaseStudyListModel, EntryModel
from journal.ui.case_studies.window import CaseStudyWindow
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.services.stories import StoryService
from journal.ui.shell.main_window import MainWindow
from tests.ui.case_studies.helpers import (
    COURIER,
    COVERAGE_URL,
    DRAFT,
    REFUND,
    Dialogs,
    actions,
    fill_journal,
    new_case_study,
    open_case_studies,
    preview_settled,
    start,
)
from tests.ui.helpers import Launch, settle


def rows(path: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql, args).fetchall()


def order_in_file(path: Path) -> list[str]:
    return [
        title
        for (title,) in rows(
            path,
            "SELECT story.title FROM case_study_story JOIN story ON story.id = case_study_story.story_id "
            "ORDER BY case_study_story.position",
        )
    ]


def choose_story(window: MainWindow, story_id: str) -> None:
    settle(window)
    window.select_story(story_id)
    assert window.editor.story_id == story_id


def add_by_menu(window: MainWindow, case_study_title: str) -> None:
    menu = actions(window).add_menu
    menu.aboutToShow.emit()  # what opening the menu does
    chosen = next(action for action in menu.actions() if action.text() == case_study_title)
    chosen.trigger()


def drop_stories(qtbot: QtBot, studies: CaseStudyWindow, mime: QMimeData, row: int | None) -> None:
    """A drop onto the case study's story list, as the mouse would deliver it at the top of `row`
    (offscreen there is no window system to carry a real drag between windows)."""
    view = studies.editor.stories
    if row is None:
        point = QPointF(view.viewport().rect().center().x(), view.viewport().height() - 2)
    else:
        rect = view.visualRect(studies.editor.model.index(row, STORY))
        point = QPointF(rect.center().x(), rect.top() + 1)
    drop_on(view, point, mime)


def drop_on(view: QAbstractItemView, point: QPointF, mime: QMimeData) -> None:
    """Drag-enter, drag-move and drop events at `point` of the view, as a drag with the mouse sends."""
    actions_ = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(point.toPoint(), actions_, mime, buttons, keys))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(point.toPoint(), actions_, mime, buttons, keys))
    drop = QDropEvent(point, actions_, mime, buttons, keys)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted()


# ---------------------------------------------------------------------------------------------- tests


def test_make_a_case_study_write_it_add_and_order_stories_then_reopen(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    ids = fill_journal(journal_path)
    window = launch(journal_path)
    studies = open_case_studies(qtbot, window)
    assert studies.empty.isVisible() and not studies.editor.isEnabled()

    case_id = new_case_study(qtbot, studies, "Beyond the returns policy")
    studies.editor.audience.setFocus()
    qtbot.keyClicks(studies.editor.audience, "the company blog")
    studies.editor.introduction.setFocus()
    qtbot.keyClicks(studies.editor.introduction, "Five times we *broke* the rules for a customer.")
    qtbot.waitUntil(lambda: not studies.editor.has_unsaved_changes(), timeout=1500)  # autosaved, no flush asked
    assert rows(journal_path, "SELECT title, audience, introduction FROM case_study") == [
        ("Beyond the returns policy", "the company blog", "Five times we *broke* the rules for a customer.")
    ]
    assert studies.model.index(0, 0).data() == "Beyond the returns policy"

    # From the main window: the menu action, then a drag from the story list.
    choose_story(window, ids[REFUND])
    add_by_menu(window, "Beyond the returns policy")
    assert "Added “A refund at midnight”" in window.statusBar().currentMessage()
    add_by_menu(window, "Beyond the returns policy")  # a second time changes nothing
    assert "already in" in window.statusBar().currentMessage()
    assert order_in_file(journal_path) == [REFUND]

    list_model = window.model

    def dragged(title: str) -> QMimeData:
        row = list_model.row_of(ids[title])
        assert row is not None
        return list_model.mimeData([list_model.index(row, 0)])

    drop_stories(qtbot, studies, dragged(COURIER), row=0)  # onto the top of the first row
    drop_stories(qtbot, studies, dragged(DRAFT), row=1)  # between the two
    assert studies.editor.stories.currentIndex().row() == 1, "the dropped story is selected"
    assert order_in_file(journal_path) == [COURIER, DRAFT, REFUND]
    entries = studies.editor.model
    assert [entries.index(row, STORY).data() for row in range(3)] == [COURIER, DRAFT, REFUND]
    assert "Left out" in entries.index(1, 3).data() and "Draft" in entries.index(1, 3).data()

    # Dropped on a case study in the list of case studies: added to its end.
    other = studies.service.create("Other study")
    other_row = studies.model.row_of(other)
    assert other_row is not None and studies.current_id == case_id, "making one elsewhere keeps this one open"
    target = QPointF(studies.list_view.visualRect(studies.model.index(other_row, 0)).center())
    drop_on(studies.list_view, target, dragged(REFUND))
    assert "Added 1 story to “Other study”" in studies.statusBar().currentMessage()
    assert rows(journal_path, "SELECT story_id FROM case_study_story WHERE case_study_id = ?", other) == [
        (ids[REFUND],)
    ]
    studies.service.delete(other)
    assert studies.current_id == case_id and order_in_file(journal_path) == [COURIER, DRAFT, REFUND]

    # Reorder with the keyboard: the refund moves up twice.
    view = studies.editor.stories
    view.setFocus()
    view.setCurrentIndex(entries.index(2, STORY))
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert order_in_file(journal_path) == [REFUND, COURIER, DRAFT]
    assert view.currentIndex().row() == 0, "the moved story stays selected"
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert order_in_file(journal_path) == [COURIER, REFUND, DRAFT]

    # A drag inside the list is a move (Qt's moveRows, as the view's internal drop does).
    assert entries.moveRows(view.rootIndex(), 2, 1, view.rootIndex(), 0)
    assert order_in_file(journal_path) == [DRAFT, COURIER, REFUND]
    drop_stories(qtbot, studies, entries.mimeData([entries.index(0, STORY)]), row=None)  # dragged to the end
    assert order_in_file(journal_path) == [COURIER, REFUND, DRAFT]
    assert len(rows(journal_path, "SELECT * FROM case_study_story")) == 3, "moving never duplicates or drops"

    # Delete removes it from the case study, not from the journal.
    view.setCurrentIndex(entries.index(2, STORY))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert order_in_file(journal_path) == [COURIER, REFUND]
    assert rows(journal_path, "SELECT count(*) FROM story WHERE deleted_at IS NULL") == [(3,)]
    assert "Removed 1 story" in studies.statusBar().currentMessage()

    # A story can be in several case studies.
    choose_story(window, ids[REFUND])
    answer = Dialogs(lambda dialog: _answer_text(dialog, "Midnight heroes"))
    actions(window).add_menu.aboutToShow.emit()
    next(a for a in actions(window).add_menu.actions() if a.text() == "&New case study…").trigger()
    assert answer.done
    assert sorted(rows(journal_path, "SELECT title FROM case_study")) == [
        ("Beyond the returns policy",),
        ("Midnight heroes",),
    ]
    assert rows(journal_path, "SELECT count(*) FROM case_study_story WHERE story_id = ?", ids[REFUND]) == [(2,)]

    studies.editor.introduction.setFocus()
    qtbot.keyClicks(studies.editor.introduction, " Typed just before closing.")
    window.close()  # closes the case-study window too, which saves what was typed
    assert not studies.isVisible()
    assert rows(journal_path, "SELECT introduction FROM case_study WHERE id = ?", case_id) == [
        ("Five times we *broke* the rules for a customer. Typed just before closing.",)
    ]

    again = launch(journal_path)
    reopened = open_case_studies(qtbot, again)
    assert [reopened.model.index(r, 0).data() for r in range(2)] == ["Beyond the returns policy", "Midnight heroes"]
    assert reopened.current_id == case_id
    assert reopened.editor.introduction.toPlainText().endswith("Typed just before closing.")
    model = reopened.editor.model
    assert [model.index(r, STORY).data() for r in range(model.rowCount())] == [COURIER, REFUND]


def _answer_text(dialog: QWidget, text: str) -> None:
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue(text)
    dialog.accept()


def test_an_empty_title_is_refused_inline_and_nothing_else_is_lost(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    fill_journal(journal_path)
    window = launch(journal_path)
    studies = open_case_studies(qtbot, window)
    case_id = new_case_study(qtbot, studies, "Kept title")
    studies.editor.title.selectAll()
    qtbot.keyClick(studies.editor.title, Qt.Key.Key_Backspace)
    studies.editor.closing.setFocus()
    qtbot.keyClicks(studies.editor.closing, "Thank you for reading.")
    qtbot.waitUntil(lambda: not studies.editor.has_unsaved_changes(), timeout=1500)
    assert studies.editor.title_message.isVisible() and "needs a title" in studies.editor.title_message.text()
    assert rows(journal_path, "SELECT title, closing FROM case_study WHERE id = ?", case_id) == [
        ("Kept title", "Thank you for reading.")
    ]
    studies.editor.title.setFocus()
    qtbot.keyClicks(studies.editor.title, "A new title")
    qtbot.waitUntil(lambda: not studies.editor.has_unsaved_changes(), timeout=1500)
    assert not studies.editor.title_message.isVisible()
    assert rows(journal_path, "SELECT title FROM case_study") == [("A new title",)]


def test_preview_shows_headline_overrides_coverage_choice_and_what_is_left_out(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    ids, window, studies = start(qtbot, launch, journal_path, "Previewed")
    entries = studies.editor.model
    assert entries.place([ids[COURIER], ids[DRAFT]], None)
    preview_settled(qtbot, studies)
    preview = studies.preview
    assert COURIER in preview.html and COVERAGE_URL in preview.html
    assert DRAFT not in preview.html
    notice = preview.notice.text()
    assert preview.notice.isVisible() and "1 story is left out" in notice
    assert DRAFT in notice and "not approved" in notice and "Draft" in notice

    # The headline cell, typed into as a person would.
    view = studies.editor.stories
    view.setFocus()
    view.setCurrentIndex(entries.index(0, HEADLINE))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not view
    qtbot.keyClicks(editor, "Shoes collected, flowers sent")
    window.services.stories.save(ids[COURIER], {"outcome": "Edited meanwhile."})  # the main window's autosave, say
    assert editor.isVisible() and view.state() == view.State.EditingState, "typing is not interrupted"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: entries.index(0, HEADLINE).data() == "Shoes collected, flowers sent")  # committed
    preview_settled(qtbot, studies)
    assert "Shoes collected, flowers sent" in preview.html and COURIER not in preview.html

    # Space on the coverage cell takes the coverage out of the case study.
    view.setCurrentIndex(entries.index(0, COVERAGE))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    preview_settled(qtbot, studies)
    assert COVERAGE_URL not in preview.html
    assert rows(
        journal_path, "SELECT headline, include_coverage FROM case_study_story WHERE story_id = ?", ids[COURIER]
    ) == [("Shoes collected, flowers sent", 0)]

    # Editing a story in the main window shows in the preview.
    choose_story(window, ids[COURIER])
    window.editor.action.setFocus()
    qtbot.keyClicks(window.editor.action, " Flowers arrived the next day.")
    qtbot.waitUntil(lambda: not window.editor.has_unsaved_changes(), timeout=1500)
    qtbot.waitUntil(lambda: "Flowers arrived the next day." in preview.html, timeout=3000)


XSS = (
    "<script>alert('x')</script>\n\n"
    "<img src=x onerror=alert(1)> <IMG SRC=x OnError=alert(2)>\n\n"
    "[plain](javascript:alert(3)) [mixed](JaVaScRiPt:alert(4)) [spaced]( javascript:alert(5))\n\n"
    "[entity](&#106;avascript:alert(6)) [hex](&#x6A;&#x61;vascript:alert(7)) [tab](java&#09;script:alert(8))\n\n"
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [file](file:///etc/passwd)\n\n"
    '<a href="javascript:alert(9)">raw</a> <a href="FILE:///etc/hosts">rawfile</a> '
    '<a href="vbscript:msgbox(1)">vb</a>\n\n'
    "![pic](file:///etc/passwd) ![pic2](data:image/png;base64,AAAA)\n\n"
    '<svg onload=alert(10)></svg> <div style="background:url(javascript:alert(11))">styled</div>\n\n'
    "[safe](https://example.com/safe) [mail](mailto:press@example.com)"
)


class _Tags(HTMLParser):
    """Every element and attribute of an HTML text, as a browser would parse it."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag.lower(), {name.lower(): value or "" for name, value in attrs}))


def unsafe_parts(text: str) -> list[str]:
    """Script elements, on* handlers, and href/src addresses that are not http, https, mailto or within
    the page (the check a browser does: entities decoded, control characters and spaces dropped)."""
    found = []
    for tag, attrs in _Tags(text).elements:
        if tag in ("script", "svg", "iframe", "object", "embed", "math"):
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag} {name}")
            if name in ("href", "src"):
                address = "".join(ch for ch in value if ch > " ").lower()
                scheme = address.split(":", 1)[0] if ":" in address.split("/", 1)[0] else ""
                if scheme not in ("", "http", "https", "mailto"):
                    found.append(f"{tag} {name}={value}")
    return found


def test_the_checker_finds_what_it_looks_for() -> None:
    bad = '<script>x</script><img src="JaVa&#09;Script:x" OnError="y"><a href=" data:text/html,x">d</a>'
    assert unsafe_parts(bad) == ["script", "img src=JaVa\tScript:x", "img onerror", "a href= data:text/html,x"]
    assert unsafe_parts('<a href="https://x.example/a:b">x</a><a href="#">y</a><p>&lt;script&gt;</p>') == []


def test_preview_is_safe_against_script_and_unsafe_links(qtbot: QtBot, launch: Launch, journal_path: Path) -> None:
    ids = fill_journal(journal_path)
    journal = open_journal(journal_path)
    try:
        with journal.write() as session:
            update_story(ids[REFUND], {"situation": XSS.replace("[safe]", "[also safe]")}, session=session)
    finally:
        journal.close()
    window = launch(journal_path)
    studies = open_case_studies(qtbot, window)
    new_case_study(qtbot, studies, "Hostile")
    studies.editor.model.place([ids[REFUND]], None)
    opened: list[str] = []
    browser = studies.preview.browser
    browser.open_url = lambda url: opened.append(url.toString())
    studies.editor.introduction.setFocus()
    studies.editor.introduction.setPlainText(XSS)  # pasted
    preview_settled(qtbot, studies)
    shown = studies.preview.html
    assert "also safe" in shown and shown.count("https://example.com/safe") == 2  # both texts were rendered
    assert "onerror" in shown.lower(), "the hostile text is shown as text, so the reader sees it"
    assert unsafe_parts(shown) == []
    assert unsafe_parts(browser.toHtml()) == []

    # Click every link in the preview; only the safe ones reach the system browser.
    for text in ("plain", "mixed", "spaced", "entity", "hex", "tab", "data", "file", "raw", "rawfile", "vb"):
        _click_text(qtbot, browser, text)
    assert opened == []
    _click_text(qtbot, browser, "safe")
    _click_text(qtbot, browser, "mail")
    assert opened == ["https://example.com/safe", "mailto:press@example.com"]
    # The hook itself refuses what is not http, https or mailto, whatever reaches it.
    for url in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://x/",
        "#",
    ):
        assert not browser.follow(QUrl(url))
    assert len(opened) == 2
    assert browser.loadResource(0, QUrl("file:///etc/passwd")) is None


def _click_text(qtbot: QtBot, browser: object, text: str) -> None:
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QTextBrowser

    assert isinstance(browser, QTextBrowser)
    browser.moveCursor(browser.textCursor().MoveOperation.Start)
    found = browser.find(text, QTextDocument.FindFlag.FindCaseSensitively | QTextDocument.FindFlag.FindWholeWords)
    assert found, text
    cursor = browser.textCursor()
    cursor.setPosition(cursor.selectionStart() + 1)
    browser.setTextCursor(cursor)
    point = browser.cursorRect().center()
    browser.ensureCursorVisible()
    point = browser.cursorRect().center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y()))


def test_exports_ask_about_confidential_text_and_write_what_the_exporter_makes(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    ids, window, studies = start(qtbot, launch, journal_path, "Exported")
    case_id = studies.current_id
    assert case_id is not None
    assert studies.editor.model.place([ids[COURIER], ids[REFUND], ids[DRAFT]], None)
    studies.editor.introduction.setFocus()
    qtbot.keyClicks(studies.editor.introduction, "Write to press@shop.example for more.")
    preview_settled(qtbot, studies)

    # Cancel at the warning: nothing is written.
    target = tmp_path / "out" / "exported.md"
    target.parent.mkdir()
    warned = Dialogs(lambda box: _press(box, "Cancel"))
    studies.export_markdown_action.trigger()
    exported(qtbot, studies.exporter)
    assert warned.done and not target.exists()
    box = warned.seen[0]
    assert isinstance(box, QMessageBox)
    assert "press@shop.example" in box.informativeText()

    # Export anyway; the file chooser answers with `target`.
    answer_file_dialogs(studies.exporter, target)
    warned = Dialogs(lambda box: _press(box, "Export anyway"))
    studies.export_markdown_action.trigger()
    exported(qtbot, studies.exporter)
    assert warned.done
    journal = open_journal(journal_path)
    try:
        with journal.session() as session:
            expected = case_study_export(case_id, session=session)
    finally:
        journal.close()
    assert target.read_text(encoding="utf-8") == expected.markdown
    message = studies.statusBar().currentMessage()
    assert str(target) in message and DRAFT in message and "not approved" in message

    # Copy as Markdown.
    answered = Dialogs(lambda box: _press(box, "Export anyway"))
    studies.copy_action.trigger()
    exported(qtbot, studies.exporter)
    assert answered.done
    assert QGuiApplication.clipboard().text() == expected.markdown

    # A standalone page.
    page = tmp_path / "out" / "exported.html"
    answer_file_dialogs(studies.exporter, page)
    answered = Dialogs(lambda box: _press(box, "Export anyway"))
    studies.export_html_action.trigger()
    exported(qtbot, studies.exporter)
    assert answered.done
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and COURIER in html and DRAFT not in html

    # Every case study into a folder, from the main window's File menu.
    studies.new_case_study("Second one")
    preview_settled(qtbot, studies)
    site = tmp_path / "site"
    site.mkdir()
    answer_file_dialogs(actions(window).exporter, site)
    answered = Dialogs(lambda box: _press(box, "Export anyway"))
    actions(window).export_site_action.trigger()
    exported(qtbot, actions(window).exporter)
    assert answered.done
    assert sorted(path.name for path in site.iterdir()) == ["README.md", "_index.md", "exported.md", "second-one.md"]
    index = (site / "_index.md").read_text(encoding="utf-8")
    assert "(exported/)" in index and "(second-one/)" in index
    assert "home page" in window.statusBar().currentMessage() and str(site) in window.statusBar().currentMessage()


def test_an_unwritable_place_is_said_in_a_message_box(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    ids, _window, studies = start(qtbot, launch, journal_path, "Nowhere")
    studies.editor.model.place([ids[REFUND]], None)
    preview_settled(qtbot, studies)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    texts: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        box.accept()

    # A Qt file dialog would refuse this path itself; the exporter is given it directly, as a stale
    # network folder or a full disk would fail after the dialog closed.
    answer_file_dialogs(studies.exporter, blocked / "x.md")
    answered = Dialogs(read_and_close)
    studies.export_markdown_action.trigger()
    exported(qtbot, studies.exporter)
    assert answered.done
    assert texts and "Cannot write in" in texts[0] and "Traceback" not in texts[0]
    assert blocked.read_text() == "not a folder"


def test_export_a_single_story_from_the_main_window(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    ids = fill_journal(journal_path)
    window = launch(journal_path)
    choose_story(window, ids[DRAFT])
    refusals: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        refusals.append(box.text())
        box.accept()

    answered = Dialogs(read_and_close)
    actions(window).export_story_action.trigger()
    exported(qtbot, actions(window).exporter)
    assert answered.done and "approved" in refusals[0]

    choose_story(window, ids[REFUND])
    target = tmp_path / "refund.md"
    answer_file_dialogs(actions(window).exporter, target)
    actions(window).export_story_action.trigger()
    exported(qtbot, actions(window).exporter)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("---\n") and REFUND in text


def test_deleting_a_case_study_asks_first_and_keeps_its_stories(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    ids, _window, studies = start(qtbot, launch, journal_path, "Doomed")
    studies.editor.model.place([ids[REFUND]], None)
    answered = Dialogs(lambda box: _press(box, "Cancel"))
    qtbot.mouseClick(studies.delete_button, Qt.MouseButton.LeftButton)
    assert answered.done and rows(journal_path, "SELECT title FROM case_study") == [("Doomed",)]
    answered = Dialogs(lambda box: _press(box, "&Yes"))
    qtbot.mouseClick(studies.delete_button, Qt.MouseButton.LeftButton)
    assert answered.done
    assert rows(journal_path, "SELECT count(*) FROM case_study") == [(0,)]
    assert rows(journal_path, "SELECT count(*) FROM case_study_story") == [(0,)]
    assert rows(journal_path, "SELECT count(*) FROM story WHERE deleted_at IS NULL") == [(3,)]
    assert studies.empty.isVisible() and not studies.editor.isEnabled()


def test_case_study_models_pass_the_model_tester(qtmodeltester: ModelTester, journal_path: Path) -> None:
    ids = fill_journal(journal_path)
    journal = open_journal(journal_path)
    try:
        service = CaseStudyService(StoryService(journal))
        first = service.create("First", list(ids.values()))
        service.create("Second")
        studies = CaseStudyListModel(service)
        qtmodeltester.check(studies, force_py=True)
        assert [studies.index(row, 0).data() for row in range(2)] == ["First", "Second"]
        entries = EntryModel(service)
        entries.set_case_study(first)
        qtmodeltester.check(entries, force_py=True)
        assert entries.rowCount() == 3
        assert entries.index(0, COVERAGE).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    finally:
        journal.close()


# ---------------------------------------------------------------------------------------------- dialogs


def _press(box: QWidget, label: str) -> None:
    assert isinstance(box, QMessageBox), box
    button = next(b for b in box.buttons() if b.text().replace("&", "") == label.replace("&", ""))
    button.click()


def exported(qtbot: QtBot, exporter: Exporter) -> None:
    """Wait for the export (made on a pool thread, with its questions asked in between) to finish."""
    qtbot.waitUntil(lambda: not exporter.busy, timeout=10_000)


def answer_file_dialogs(exporter: Exporter, path: Path) -> None:
    """The person picks `path` in the save or folder dialog. (Qt's own file dialog fills its list on a
    thread of its own, so answering it from a test is a race; the dialog is Qt's, not ours to test.)"""
    exporter.ask_save_path = lambda *_args: path  # type: ignore[method-assign]
    exporter.ask_folder = lambda *_args: path  # type: ignore[method-assign]
