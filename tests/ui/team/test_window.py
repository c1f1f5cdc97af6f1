"""The team journal in the window, driven as a person would, against a real PostgreSQL and a real
`journal-server run` process: joining through the dialog, a story typed here reaching a second laptop, a
change made elsewhere reaching the list and the open editor, offline as a quiet state, a conflict's banner,
a revoked laptop, leaving; and the window restarted, with its state still there."""

from __future__ import annotations

import stat
import time
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.bundles.conflicts import conflicted_ids, conflicts_of
from journal.store.case_studies import delete_case_study, get_case_study, update_case_study
from journal.store.database import Journal, open_journal
from journal.store.models import Story
from journal.store.stories import StoryCreate, create_story, get_story, update_story
from journal.sync import engine, wire
from journal.sync.client import Offline, Revoked
from journal.ui.bundles.conflict_dialog import ConflictBanner, ConflictDialog
from journal.ui.services.stories import MANY_PULLED
from journal.ui.shell.actions import Act
from journal.ui.shell.main_window import MainWindow
from journal.ui.stories.list_model import TITLE
from journal.ui.team.join_dialog import JoinDialog
from tests.server.conftest import PASSWORD, Server, add_user, sql
from tests.ui.case_studies.helpers import new_case_study, open_case_studies, preview_settled
from tests.ui.helpers import Launch, new_story, saved, type_into
from tests.ui.team.helpers import (
    SYNC_WITHIN_MS,
    add_story,
    anna_joins,
    idle,
    no_pop_up,
    server_titles,
    shown_state,
    sync_now,
    sync_state,
    team,
    write_story,
)


def wait_for(qtbot: QtBot, check: object, timeout_ms: int = SYNC_WITHIN_MS) -> None:
    """Poll something outside the window (the team server, another journal) a few times a second."""
    assert callable(check)
    waited = 0
    while not check():
        assert waited < timeout_ms, "waited too long"
        qtbot.wait(200)
        waited += 200


def fill(qtbot: QtBot, dialog: JoinDialog, address: str, email: str, password: str) -> None:
    for field, text in ((dialog.address, address), (dialog.email, email), (dialog.password, password)):
        field.clear()
        type_into(qtbot, field, text)


def boots_open(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal
) -> tuple[MainWindow, str]:
    """Ben wrote a story and synced; Anna's window opens, syncs, and shows it in the editor."""
    boots = add_story(ben, "Boots for Jane Doe", situation="Jane asked for more time.", policy="30 days.")
    engine.sync_once(ben)
    anna_joins(journal_path, server)
    window = launch(journal_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=SYNC_WITHIN_MS)  # the sync at start
    idle(qtbot, window)
    assert window.select_story(boots)
    return window, boots


def change(journal: Journal, story_id: str, **fields: object) -> None:
    """Someone changes a story on their laptop and syncs."""
    with journal.write() as session:
        update_story(story_id, fields, session=session)
    engine.sync_once(journal)


def test_join_through_the_dialog_and_a_story_typed_here_reaches_the_team(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal, tmp_path: Path
) -> None:
    add_user(server.db_url, "anna@example.com")
    window = launch(journal_path)
    qtbot.waitUntil(lambda: window.action(Act.JOIN_TEAM).isEnabled())
    assert not window.action(Act.SYNC_NOW).isEnabled() and not window.action(Act.LEAVE_TEAM).isEnabled()
    assert shown_state(window) == ""  # not in a team: nothing about syncing

    window.action(Act.JOIN_TEAM).trigger()
    dialog = team(window).join_dialog
    assert dialog is not None and dialog.isVisible()
    note = dialog.token_note.text()
    assert "never stored" in note and "a file only you can read" in note  # no system keyring in the tests

    # Plain http:// to another computer: refused in plain words, before anything is sent.
    fill(qtbot, dialog, "http://192.0.2.7:8765", "anna@example.com", PASSWORD)
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.message.isVisible() and "plain http:// on another computer" in dialog.message.text()
    assert "https://" in dialog.message.text() and not dialog.busy.isVisible()

    # A wrong password: the server's sentence, in the dialog; nothing joined.
    fill(qtbot, dialog, server.url, "anna@example.com", "not the password")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.join_button.isEnabled() and dialog.message.isVisible(), timeout=SYNC_WITHIN_MS)
    assert "Wrong e-mail address or password" in dialog.message.text()
    assert not engine.team_status(window.services.stories.journal).joined

    # The right one, with Return: joined; the first sync runs at once.
    dialog.password.clear()
    type_into(qtbot, dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: team(window).join_dialog is None, timeout=SYNC_WITHIN_MS)
    said = window.statusBar().currentMessage()
    assert "Joined the team Support as anna@example.com (rep)" in said
    assert "device token is kept in the file" in said and "password is not kept" in said
    qtbot.waitUntil(lambda: shown_state(window).startswith("Synced "), timeout=SYNC_WITHIN_MS)
    assert window.action(Act.LEAVE_TEAM).isEnabled() and window.action(Act.SYNC_NOW).isEnabled()
    assert not window.action(Act.JOIN_TEAM).isEnabled()
    assert "Team Support at " + server.url in sync_state(window).toolTip()

    # The token is in a file only its owner reads; the password is in no file at all.
    device = engine.team_status(window.services.stories.journal).device_id
    [token] = (tmp_path / "home" / "config").rglob(f"{device}.token")
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path

    # A story typed here reaches the team a few seconds after the last change, with nobody asking.
    team(window).scheduler.after_edit_ms = 300
    window.activateWindow()  # the dialog had the keyboard
    assert QTest.qWaitForWindowActive(window)
    new_story(qtbot, window)
    type_into(qtbot, window.editor.title, "Boots for Jane Doe")
    type_into(qtbot, window.editor.situation, "Jane asked for more time to return the boots.")
    saved(qtbot, window)
    wait_for(qtbot, lambda: server_titles(server.db_url) == ["Boots for Jane Doe"])
    qtbot.waitUntil(lambda: shown_state(window).startswith("Synced "), timeout=SYNC_WITHIN_MS)
    assert engine.sync_once(ben).pulled == 1
    with ben.session() as session:
        story = get_story(window.editor.story_id or "", session=session)
    assert story.situation == "Jane asked for more time to return the boots."

    # Restarted: still in the team, and says when it last synced.
    window.close()
    again = launch(journal_path)
    qtbot.waitUntil(lambda: shown_state(again).startswith("Synced "), timeout=SYNC_WITHIN_MS)
    assert again.action(Act.LEAVE_TEAM).isEnabled() and not again.action(Act.JOIN_TEAM).isEnabled()


def test_a_change_made_elsewhere_reaches_the_list_and_the_open_editor(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal
) -> None:
    window, boots = boots_open(qtbot, launch, journal_path, server, ben)
    assert window.editor.situation.toPlainText() == "Jane asked for more time."
    assert window.editor.customer_contact.isReadOnly()  # Ben's story: not sent to another rep (test_roles.py)
    window.editor.policy.setFocus()

    # Ben changes the story and adds another; Anna's window shows both.
    add_story(ben, "A courier on a Sunday")
    change(ben, boots, title="Boots, and flowers", outcome="She blogged about it.")
    result = sync_now(qtbot, window)
    assert isinstance(result, engine.SyncResult) and result.pulled == 2
    assert window.editor.story_id == boots  # the story stays open
    assert window.editor.title.text() == "Boots, and flowers"
    assert window.editor.outcome.toPlainText() == "She blogged about it."
    assert window.focusWidget() is window.editor.policy  # the person's place is kept
    assert window.model.rowCount() == 2
    titles = {window.model.index(row, TITLE).data() for row in range(2)}
    assert titles == {"Boots, and flowers", "A courier on a Sunday"}
    assert shown_state(window).startswith("Synced ")

    # Many at once (a page of more than a few stories): announced together, the editor shows it too.
    for number in range(MANY_PULLED):
        add_story(ben, f"Story {number}")
    change(ben, boots, outcome="She blogged about it; 140 comments.")
    assert sync_now(qtbot, window).pulled == MANY_PULLED + 1
    assert window.model.rowCount() == MANY_PULLED + 2
    assert window.editor.story_id == boots
    assert window.editor.outcome.toPlainText() == "She blogged about it; 140 comments."


def test_what_is_being_typed_when_a_change_arrives_is_kept_beside_it(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull lands while the person's last keystrokes are not saved yet: neither their typing nor the
    colleague's change is erased; both are kept, as a conflict everywhere, to be settled with Resolve…."""
    monkeypatch.setattr("journal.ui.widgets.autosave.SAVE_DELAY_MS", 60_000)  # the typing stays unsaved
    window, boots = boots_open(qtbot, launch, journal_path, server, ben)
    change(ben, boots, policy="30 days, no exceptions.")
    window.editor.policy.setFocus()
    qtbot.keyClick(window.editor.policy, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.editor.policy, " We made one.")
    assert window.editor.has_unsaved_changes()
    # The background sync alone (not Sync now, which saves first): the page arrives under the typing.
    with qtbot.waitSignal(window.services.team.finished, timeout=SYNC_WITHIN_MS):
        assert window.services.team.sync()
    assert window.editor.policy.toPlainText() == "30 days. We made one."  # the typing is still there
    assert not window.editor.has_unsaved_changes()  # and saved
    banner = window.findChild(ConflictBanner)
    assert banner is not None
    qtbot.waitUntil(banner.isVisible, timeout=10_000)  # read once the sync's save has returned
    assert "also changed in another copy, while you were typing" in banner.label.text()
    conflicts = window.services.conflicts.of_story(boots)
    assert [c.theirs["fields"]["policy"] for c in conflicts if c.theirs] == ["30 days, no exceptions."]
    assert window.services.stories.story(boots).policy == "30 days. We made one."

    # The next sync sends Anna's version: the server keeps both, and Ben's laptop shows the same choice.
    sync_now(qtbot, window)
    engine.sync_once(ben)
    with ben.session() as session:
        here = get_story(boots, session=session).policy
        kept = [c.theirs["fields"]["policy"] for c in conflicts_of(session, boots) if c.theirs]
    assert {here, *kept} == {"30 days, no exceptions.", "30 days. We made one."}


def test_a_story_deleted_elsewhere_while_typing_comes_back_with_the_typing(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ben deletes the story Anna is typing in; the deletion arrives before her keystrokes are saved: the story
    stays in her window with what she typed, the deletion beside it as a conflict, on every laptop."""
    monkeypatch.setattr("journal.ui.widgets.autosave.SAVE_DELAY_MS", 60_000)  # the typing stays unsaved
    window, boots = boots_open(qtbot, launch, journal_path, server, ben)
    add_story(ben, "A courier on a Sunday")
    with ben.write() as session:
        session.delete(session.get(Story, boots))  # as `journal delete` does
    engine.sync_once(ben)
    window.editor.policy.setFocus()
    qtbot.keyClick(window.editor.policy, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.editor.policy, " We made one.")
    with qtbot.waitSignal(window.services.team.finished, timeout=SYNC_WITHIN_MS):
        assert window.services.team.sync()  # the background sync (Sync now would save first)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert window.editor.story_id == boots and window.editor.policy.toPlainText() == "30 days. We made one."
    assert not window.editor.has_unsaved_changes()
    assert window.services.stories.story(boots).policy == "30 days. We made one."
    banner = window.findChild(ConflictBanner)
    assert banner is not None
    qtbot.waitUntil(banner.isVisible, timeout=10_000)  # read once the sync's save has returned
    assert "was deleted in" in banner.label.text()
    assert no_pop_up()

    # Sent at the next sync: the team keeps Anna's version, with Ben's deletion to resolve, on Ben's laptop too.
    sync_now(qtbot, window)
    engine.sync_once(ben)
    with ben.session() as session:
        assert get_story(boots, session=session).policy == "30 days. We made one."
        assert [c.theirs for c in conflicts_of(session, boots)] == [None]


def test_offline_is_a_quiet_state_and_the_changes_go_when_the_server_is_back(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server
) -> None:
    anna_joins(journal_path, server)
    window = launch(journal_path)
    idle(qtbot, window)
    scheduler = team(window).scheduler
    scheduler.offline_retry_ms = (300,)
    server.stop()

    write_story(qtbot, window, "Written on the train")
    outcome = sync_now(qtbot, window)
    assert isinstance(outcome, Offline)
    assert shown_state(window) == "1 change waiting — offline"
    assert "nothing to do" in sync_state(window).toolTip()
    assert no_pop_up()
    assert window.action(Act.SYNC_NOW).isEnabled()

    # The server comes back: the retry sends the change, nobody clicks anything.
    server.start_again()
    qtbot.waitUntil(lambda: shown_state(window).startswith("Synced "), timeout=SYNC_WITHIN_MS)
    assert server_titles(server.db_url) == ["Written on the train"]
    assert no_pop_up()


def test_a_conflict_arrives_with_the_banner_and_resolve(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal
) -> None:
    window, boots = boots_open(qtbot, launch, journal_path, server, ben)
    change(ben, boots, policy="Whatever it takes.")
    window.editor.policy.clear()
    type_into(qtbot, window.editor.policy, "Sixty days.")
    saved(qtbot, window)
    sync_now(qtbot, window)
    banner = window.findChild(ConflictBanner)
    assert banner is not None
    qtbot.waitUntil(banner.isVisible, timeout=10_000)  # the editor reads the story's conflicts after the sync ends
    assert "also changed in the team (ben@example.com)" in banner.label.text()
    assert shown_state(window).endswith("· 1 conflict")
    assert "a conflict to resolve" in window.statusBar().currentMessage()

    dialog = banner.open_dialog()
    assert isinstance(dialog, ConflictDialog)
    dialog.theirs_buttons["policy"].setChecked(True)
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert window.editor.policy.toPlainText() == "Whatever it takes."
    sync_now(qtbot, window)
    assert shown_state(window).startswith("Synced ") and "conflict" not in shown_state(window)
    engine.sync_once(ben)
    with ben.session() as session:
        assert conflicted_ids(session) == set()
        assert get_story(boots, session=session).policy == "Whatever it takes."


def test_a_revoked_laptop_says_so_sends_nothing_more_and_can_leave(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server
) -> None:
    device = anna_joins(journal_path, server)
    window = launch(journal_path)
    idle(qtbot, window)
    sql(server.db_url, "UPDATE device SET revoked_at = now() WHERE id = %s RETURNING id", device)

    write_story(qtbot, window, "Not for the team any more")
    outcome = sync_now(qtbot, window)
    assert isinstance(outcome, Revoked)
    assert shown_state(window) == "Signed out by an admin"
    assert "Leave the team" in sync_state(window).toolTip()
    assert "signed this laptop out" in window.statusBar().currentMessage()
    assert not window.action(Act.SYNC_NOW).isEnabled() and window.action(Act.LEAVE_TEAM).isEnabled()
    assert server_titles(server.db_url) == [] and no_pop_up()

    # Restarted: still signed out, and it does not try again.
    window.close()
    again = launch(journal_path)
    qtbot.waitUntil(lambda: shown_state(again) == "Signed out by an admin", timeout=SYNC_WITHIN_MS)
    qtbot.wait(1500)  # longer than the pause before the sync at start
    assert not again.services.team.running and server_titles(server.db_url) == []

    # Leave: the story stays, the window is out of the team.
    box = team(again).ask_leave()
    assert box is not None and "Leave the team Support" in box.text()
    leave = next(button for button in box.buttons() if button.text() == "Leave the team")
    qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.action(Act.JOIN_TEAM).isEnabled(), timeout=SYNC_WITHIN_MS)
    assert shown_state(again) == "" and not again.action(Act.LEAVE_TEAM).isEnabled()
    assert again.model.rowCount() == 1


def test_leaving_signs_out_at_the_server_and_keeps_every_story(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, tmp_path: Path
) -> None:
    anna_joins(journal_path, server)
    with closing(open_journal(journal_path)) as anna:
        add_story(anna, "Kept after leaving")
    window = launch(journal_path)
    qtbot.waitUntil(lambda: shown_state(window).startswith("Synced "), timeout=SYNC_WITHIN_MS)
    write_story(qtbot, window, "Not sent yet")
    team(window).scheduler.stop()  # so that the change is still waiting when the box asks

    window.services.team.read_status()
    qtbot.waitUntil(lambda: (window.services.team.state.status or engine.TeamStatus(False)).waiting == 1)
    box = team(window).ask_leave()
    assert box is not None
    assert "1 change made here has not been sent yet" in box.informativeText()
    leave = next(button for button in box.buttons() if button.text() == "Leave the team")
    qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.action(Act.JOIN_TEAM).isEnabled(), timeout=SYNC_WITHIN_MS)
    assert "Left the team at " + server.url in window.statusBar().currentMessage()
    revoked = sql(server.db_url, "SELECT revoked_at IS NOT NULL FROM device")
    assert revoked == [(True,)]
    assert list((tmp_path / "home" / "config").rglob("*.token")) == []
    window.close()
    again = launch(journal_path)
    qtbot.waitUntil(lambda: again.services.team.state.status is not None)
    assert again.action(Act.JOIN_TEAM).isEnabled() and shown_state(again) == ""
    assert again.model.rowCount() == 2


def test_a_long_sync_shows_progress_and_stopping_it_anywhere_loses_nothing(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server
) -> None:
    """450 stories go in batches of 200. Cancel after the first batch, then close the window after the
    first batch of the next sync: each time what was sent stays sent, the rest waits, and the next sync (in
    the reopened window) sends it once, never twice."""
    with closing(open_journal(journal_path)) as anna, anna.write() as session:
        for number in range(450):
            create_story(StoryCreate(title=f"Story {number:03}"), session=session)
    anna_joins(journal_path, server)
    window = launch(journal_path)
    service = window.services.team

    def hold(step: engine.Progress) -> None:
        """On the sync's thread, after a batch: wait until the person stops it (so where it stops is known)."""
        if step.stage == "push" and step.done == wire.MAX_BATCH:
            deadline = time.monotonic() + 30
            while not service.cancel_requested() and time.monotonic() < deadline:
                time.sleep(0.01)

    service.progressed.connect(hold, Qt.ConnectionType.DirectConnection)
    status = team(window).status
    qtbot.waitUntil(lambda: status.cancel.isVisible(), timeout=SYNC_WITHIN_MS)  # the sync at start
    assert status.progress.isVisible() and shown_state(window) == "Syncing…"
    qtbot.waitUntil(lambda: status.progress.value() == wire.MAX_BATCH and status.progress.maximum() == 450)
    with qtbot.waitSignal(service.finished, timeout=SYNC_WITHIN_MS) as finished:
        qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
    assert isinstance(finished.args[0], engine.SyncResult) and finished.args[0].cancelled
    assert shown_state(window) == "Sync stopped — 250 changes waiting"
    assert not status.progress.isVisible() and not status.cancel.isVisible()
    assert len(server_titles(server.db_url)) == 200

    # Again, and the window is closed in the middle: it waits for the batch on its way, then closes.
    window.action(Act.SYNC_NOW).trigger()
    qtbot.waitUntil(
        lambda: status.progress.maximum() == 250 and status.progress.value() == wire.MAX_BATCH, timeout=SYNC_WITHIN_MS
    )
    window.close()
    assert not service.running or service.cancel_requested()
    assert len(server_titles(server.db_url)) == 400

    again = launch(journal_path)
    qtbot.waitUntil(lambda: shown_state(again).startswith("Synced "), timeout=SYNC_WITHIN_MS)
    assert server_titles(server.db_url) == [f"Story {number:03}" for number in range(450)]
    assert sql(server.db_url, "SELECT seq FROM team") == [(450,)]  # each story counted once


def test_a_case_study_changed_elsewhere_shows_in_its_editor_and_typing_there_keeps_it(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal
) -> None:
    anna_joins(journal_path, server, "mark@example.com", role="marketer")
    window = launch(journal_path)
    idle(qtbot, window)
    studies = open_case_studies(qtbot, window)
    study = new_case_study(qtbot, studies, "Kindness")
    sync_now(qtbot, window)
    engine.sync_once(ben)
    with ben.write() as session:
        update_case_study(study, {"introduction": "Three stories of going further."}, session=session)
    engine.sync_once(ben)

    sync_now(qtbot, window)
    assert studies.editor.introduction.toPlainText() == "Three stories of going further."
    type_into(qtbot, studies.editor.closing, "Ask us for more.")
    preview_settled(qtbot, studies)
    kept = window.services.case_studies.study(study)
    assert (kept.introduction, kept.closing) == ("Three stories of going further.", "Ask us for more.")


def test_a_case_study_deleted_elsewhere_while_typing_in_it_comes_back_with_the_typing(
    qtbot: QtBot, launch: Launch, journal_path: Path, server: Server, ben: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("journal.ui.widgets.autosave.SAVE_DELAY_MS", 60_000)  # the typing stays unsaved
    window, boots = boots_open(qtbot, launch, journal_path, server, ben)
    study = window.services.case_studies.create("Kindness", [boots])
    window.services.case_studies.create("Another one")  # what the list would move on to
    studies = open_case_studies(qtbot, window)
    studies.show_case_study(study)
    assert studies.editor.case_study_id == study
    sync_now(qtbot, window)
    engine.sync_once(ben)
    add_story(ben, "A courier on a Sunday")  # stories arrive in the same sync, before the deletion is announced
    with ben.write() as session:
        delete_case_study(study, session=session)
    engine.sync_once(ben)

    type_into(qtbot, studies.editor.closing, "Ask us for more.")
    assert studies.editor.has_unsaved_changes()
    with qtbot.waitSignal(window.services.team.finished, timeout=SYNC_WITHIN_MS):
        assert window.services.team.sync()  # the background sync: the deletion arrives under the typing
    assert studies.editor.case_study_id == study and studies.editor.closing.toPlainText() == "Ask us for more."
    assert not studies.editor.has_unsaved_changes()
    kept = window.services.case_studies.study(study)
    assert (kept.title, kept.closing) == ("Kindness", "Ask us for more.")
    assert [entry.story_id for entry in window.services.case_studies.entries(study)] == [boots]
    assert studies.model.row_of(study) is not None and studies.current_id == study

    # The next sync sends it: the edit outlives the deletion on Ben's laptop too.
    sync_now(qtbot, window)
    engine.sync_once(ben)
    with ben.session() as session:
        assert get_case_study(study, session=session).closing == "Ask us for more."
