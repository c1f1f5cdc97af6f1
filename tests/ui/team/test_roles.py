"""What a marketer's window shows of a colleague's story: the customer's fields and the links' notes that the
team server does not send a marketer are read-only and say why, rather than empty boxes whose typing would
never reach the team; a story the marketer writes keeps them, and what is typed there reaches the server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from journal.store.database import Journal
from journal.store.fields import Consent
from journal.store.models import CoverageLinkBase
from journal.sync import engine
from journal.sync.views import WHY
from journal.ui.coverage.model import COLUMNS, NOTES_COLUMN
from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.editor import WITHHELD_HINT
from tests.server.conftest import Server, sql
from tests.ui.helpers import Launch, saved, type_into
from tests.ui.team.helpers import SYNC_WITHIN_MS, add_story, anna_joins, idle, sync_now, write_story

PRIVATE = ("customer_name", "customer_contact", "internal_notes")
TITLE_COLUMN = next(i for i, column in enumerate(COLUMNS) if column[0] == "title")


def read_only(window: MainWindow, names: tuple[str, ...] = PRIVATE) -> dict[str, bool]:
    return {name: getattr(window.editor, name).isReadOnly() for name in names}


def test_a_marketer_sees_what_the_server_withholds_as_such_and_keeps_their_own(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal
) -> None:
    boots = add_story(
        ben,
        "Boots for Jane Doe",
        situation="Jane Doe asked for more time.",
        customer_name="Jane Doe",
        customer_contact="jane@example.com",
        internal_notes="Refund code 4471",
        consent=Consent.ANONYMOUS.value,
        links=[CoverageLinkBase(url="https://blog.example/boots", notes="She asked us not to reply")],
    )
    flowers = add_story(ben, "Flowers for Ali", customer_name="Ali Khan", consent=Consent.NAMED.value)
    engine.sync_once(ben)
    anna_joins(journal_path, server, "mark@example.com", role="marketer")
    window = launch(journal_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=SYNC_WITHIN_MS)
    idle(qtbot, window)
    editor = window.editor

    # Not named: the name, the contact and the notes were not sent; read-only, and saying why.
    assert window.select_story(boots)
    qtbot.waitUntil(lambda: all(read_only(window).values()))
    assert editor.customer_contact.text() == "" and editor.internal_notes.toPlainText() == ""
    assert editor.customer_contact.placeholderText() == WITHHELD_HINT
    assert editor.internal_notes.toolTip() == WHY and "author and admins" in WHY
    assert not editor.title.isReadOnly() and not editor.situation.isReadOnly()
    type_into(qtbot, editor.customer_contact, "guess@example.com")
    assert editor.customer_contact.text() == "" and not editor.has_unsaved_changes()
    links = editor.coverage.model
    notes = links.index(0, NOTES_COLUMN)
    assert links.rowCount() == 1 and notes.data() == ""  # the link is there; its notes were not sent
    assert not links.flags(notes) & Qt.ItemFlag.ItemIsEditable
    assert notes.data(Qt.ItemDataRole.ToolTipRole) == WHY
    assert links.flags(links.index(0, TITLE_COLUMN)) & Qt.ItemFlag.ItemIsEditable

    # Named: the name is there and may be changed; the contact and the notes are still not sent.
    assert window.select_story(flowers)
    qtbot.waitUntil(lambda: not read_only(window)["customer_name"])
    assert editor.customer_name.text() == "Ali Khan"
    assert read_only(window, ("customer_contact", "internal_notes")) == {
        "customer_contact": True,
        "internal_notes": True,
    }
    assert editor.customer_contact.placeholderText() == WITHHELD_HINT

    # A story the marketer writes: every field is theirs, before and after it reaches the team.
    write_story(qtbot, window, "Met at the fair")
    assert not any(read_only(window).values())
    assert editor.coverage.add_url("https://news.example/fair")
    assert links.flags(links.index(0, NOTES_COLUMN)) & Qt.ItemFlag.ItemIsEditable
    assert editor.customer_contact.placeholderText() != WITHHELD_HINT and editor.customer_contact.toolTip() == ""
    type_into(qtbot, editor.customer_contact, "sam@example.com")
    saved(qtbot, window)
    sync_now(qtbot, window)
    assert not any(read_only(window).values())
    held = sql(server.db_url, "SELECT record->'fields'->>'customer_contact' FROM item WHERE id = %s", editor.story_id)
    assert held == [("sam@example.com",)]

    # Back on the colleague's story, after that sync: still withheld.
    assert window.select_story(boots)
    qtbot.waitUntil(lambda: all(read_only(window).values()))


def test_a_rep_sees_a_colleagues_private_fields_as_withheld_and_keeps_their_own(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal
) -> None:
    boots = add_story(
        ben,
        "Boots for Jane Doe",
        customer_name="Jane Doe",
        customer_contact="jane@example.com",
        internal_notes="Refund code 4471",
        consent=Consent.ANONYMOUS.value,
        links=[CoverageLinkBase(url="https://blog.example/boots", notes="She asked us not to reply")],
    )
    engine.sync_once(ben)
    anna_joins(journal_path, server)  # a rep, like Ben
    window = launch(journal_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=SYNC_WITHIN_MS)
    idle(qtbot, window)
    editor = window.editor

    # Ben's story: its contact, internal notes and links' notes were not sent; read-only, saying why.
    assert window.select_story(boots)
    private = ("customer_contact", "internal_notes")
    qtbot.waitUntil(lambda: all(read_only(window, private).values()))
    assert editor.customer_name.text() == "Jane Doe" and not editor.customer_name.isReadOnly()
    assert editor.customer_contact.placeholderText() == WITHHELD_HINT
    assert editor.customer_contact.toolTip() == WHY and editor.internal_notes.toolTip() == WHY
    type_into(qtbot, editor.internal_notes, "Call her back")
    assert editor.internal_notes.toPlainText() == "" and not editor.has_unsaved_changes()
    links = editor.coverage.model
    assert not links.flags(links.index(0, NOTES_COLUMN)) & Qt.ItemFlag.ItemIsEditable
    assert links.index(0, NOTES_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == WHY

    # Anna's own story, its private fields empty: hers to fill in, before and after it reaches the team.
    write_story(qtbot, window, "Met at the fair")
    assert not any(read_only(window).values())
    sync_now(qtbot, window)
    assert not any(read_only(window).values())
    type_into(qtbot, editor.internal_notes, "Sam prefers e-mail")
    saved(qtbot, window)
    sync_now(qtbot, window)
    held = sql(server.db_url, "SELECT record->'fields'->>'internal_notes' FROM item WHERE id = %s", editor.story_id)
    assert held == [("Sam prefers e-mail",)]

    # Restarted: Ben's story is still shown as withheld (the view is kept in the journal file).
    window.close()
    again = launch(journal_path)
    idle(qtbot, again)
    assert again.select_story(boots)
    qtbot.waitUntil(lambda: all(read_only(again, private).values()))


def test_a_marketers_own_story_with_empty_private_fields_stays_theirs_once_sent(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server
) -> None:
    anna_joins(journal_path, server, "mark@example.com", role="marketer")
    window = launch(journal_path)
    idle(qtbot, window)
    write_story(qtbot, window, "Met at the fair")
    mine = window.editor.story_id
    sync_now(qtbot, window)
    assert sql(server.db_url, "SELECT count(*) FROM item WHERE id = %s", mine) == [(1,)]
    assert not any(read_only(window).values())
    type_into(qtbot, window.editor.customer_contact, "sam@example.com")
    saved(qtbot, window)
    sync_now(qtbot, window)
    held = sql(server.db_url, "SELECT record->'fields'->>'customer_contact' FROM item WHERE id = %s", mine)
    assert held == [("sam@example.com",)]
