"""The coverage radar's window, driven as a marketer would, against real feeds served from 127.0.0.1: add three
feeds, go offline and online, find the posts about the stories in the inbox; link with Enter, dismiss with
Delete, choose another story, make a new story; undo; restart; the sidebar's count follows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from journal.ui.radar.feature import SIDEBAR_TEXT, RadarFeature
from journal.ui.radar.inbox_model import InboxRow
from journal.ui.radar.story_picker import StoryPicker
from journal.ui.radar.window import RadarWindow
from journal.ui.shell.actions import Act
from journal.ui.shell.menus import Menu
from tests.radar.conftest import about_the_stories
from tests.radar.feeds import Item, free_port, rss, serve
from tests.ui.helpers import Launch, feature, settle, type_into
from tests.ui.radar.helpers import (
    JOSHIE,
    MORTONS,
    ZAPPOS,
    Inbox,
    active,
    add_feeds,
    badge,
    badge_is,
    extra_item,
    no_message_box,
    open_radar,
    rows,
    sample_journal,
    select,
    settled,
    story_of,
    titles,
    write_feeds,
)

CONTROL = Qt.KeyboardModifier.ControlModifier


def states(radar: RadarWindow) -> list[str]:
    model = radar.sources.model
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def undo(qtbot: QtBot, radar: RadarWindow) -> None:
    active(radar)
    qtbot.keyClick(radar.table, Qt.Key.Key_Z, CONTROL)


def test_three_feeds_offline_then_online_bring_each_post_about_a_story_once(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there yet: the network is down
    site = tmp_path / "site"
    addresses = write_feeds(site, f"http://127.0.0.1:{port}")
    window = launch(sample_journal(journal_path))
    qtbot.waitUntil(lambda: badge(window) == "Coverage radar")
    radar = open_radar(window)
    settled(qtbot, radar)
    assert radar.inbox_pages.currentIndex() == 1 and "Add their feeds under Sources" in radar.empty_text.text()

    add_feeds(qtbot, radar, addresses)  # each is read as soon as it is added: offline, they wait
    settled(qtbot, radar)
    qtbot.waitUntil(lambda: states(radar) == ["Waiting for the network"] * 3)
    assert no_message_box()
    status = feature(window, RadarFeature).status
    assert status.waiting.isVisible() and "(offline)" in status.waiting.text()
    assert radar.model.rowCount() == 0 and "Nothing new" in radar.empty_text.text()
    assert rows(journal_path, "SELECT count(*) FROM radar_source WHERE state = 'waiting'") == [(3,)]

    with serve(site, port) as server:  # the network is back
        qtbot.keyClick(radar, Qt.Key.Key_F5)  # Read feeds now
        settled(qtbot, radar)
        assert states(radar) == ["Read"] * 3 and not status.waiting.isVisible()
        assert sorted(titles(radar)) == sorted([ZAPPOS, JOSHIE, MORTONS])
        assert radar.tabs.tabText(0) == "&Inbox (3)" and radar.summary.text() == "3 new suggestions"
        badge_is(qtbot, window, "Coverage radar (3)")
        assert "3 new suggestions" in radar.statusBar().currentMessage()

        select(radar, ZAPPOS)
        page = radar.detail.toHtml()
        assert "<b>" not in radar.detail.toPlainText()
        assert "A daughter's blog · 2007-07-14 · 143 comments" in radar.detail.toPlainText()
        assert "mentions Zappos and" in radar.detail.toPlainText()
        assert "Zappos books a courier pickup" in radar.detail.toPlainText()
        assert "font-weight" in page  # the matched words are bold
        assert radar.link_action.isEnabled() and radar.dismiss_action.isEnabled()

        for round_number in range(2):  # new GUIDs and tracking parameters each time: nothing new comes
            write_feeds(site, server.base, round_number)
            radar.read_action.trigger()
            settled(qtbot, radar)
            assert sorted(titles(radar)) == sorted([ZAPPOS, JOSHIE, MORTONS])
        assert rows(journal_path, "SELECT count(*) FROM radar_suggestion") == [(3,)]
        assert badge(window) == "Coverage radar (3)"


def test_enter_links_the_post_which_is_fetched_kept_after_a_restart_and_undone_with_ctrl_z(
    qtbot: QtBot, launch: Launch, journal_path: Path, inbox: Inbox
) -> None:
    server, window, radar = inbox.server, inbox.window, inbox.radar
    zappos = story_of(journal_path, "Zappos")

    select(radar, ZAPPOS)
    qtbot.keyClick(radar.table, Qt.Key.Key_Return)
    assert ZAPPOS not in titles(radar)
    post = f"{server.base}/posts/zappos-flowers"
    assert rows(journal_path, "SELECT story_id, url FROM coverage_link WHERE url LIKE ?", f"{server.base}%") == [
        (zappos, post)
    ]
    # A coverage link like a pasted one: the link fetcher fetches and keeps its page; the feed's count is a
    # dated comments reading of it.
    qtbot.waitUntil(
        lambda: rows(journal_path, "SELECT fetch_state FROM coverage_link WHERE url = ?", post) == [("fetched",)],
        timeout=10_000,
    )
    assert rows(journal_path, "SELECT metric, value FROM reading WHERE story_id = ?", zappos) == [("comments", 143)]
    assert rows(journal_path, "SELECT state FROM radar_suggestion WHERE link_id IS NOT NULL") == [("linked",)]
    badge_is(qtbot, window, "Coverage radar (2)")
    assert "Linked to “Zappos books" in radar.statusBar().currentMessage()

    undo(qtbot, radar)  # the link goes, the suggestion is back
    settled(qtbot, radar)
    assert rows(journal_path, "SELECT count(*) FROM coverage_link WHERE url = ?", post) == [(0,)]
    assert rows(journal_path, "SELECT count(*) FROM reading WHERE story_id = ?", zappos) == [(0,)]
    assert ZAPPOS in titles(radar)
    badge_is(qtbot, window, "Coverage radar (3)")
    radar.redo_action.trigger()
    settled(qtbot, radar)
    assert rows(journal_path, "SELECT story_id FROM coverage_link WHERE url = ?", post) == [(zappos,)]
    assert ZAPPOS not in titles(radar)

    window.close()
    window = launch(journal_path)
    badge_is(qtbot, window, "Coverage radar (2)")
    assert window.show_story(zappos)
    coverage = window.editor.coverage.model
    assert post in [coverage.index(row, 0).data() for row in range(coverage.rowCount())]
    radar = open_radar(window)
    settled(qtbot, radar)
    assert sorted(titles(radar)) == sorted([JOSHIE, MORTONS])
    radar.view_box.setCurrentText("Linked")
    settled(qtbot, radar)
    assert titles(radar) == [ZAPPOS] and radar.reopen_action.isEnabled() and not radar.link_action.isEnabled()


def test_delete_dismisses_a_post_for_good_and_ctrl_z_brings_it_back(
    qtbot: QtBot, launch: Launch, journal_path: Path, inbox: Inbox
) -> None:
    server, window, radar = inbox.server, inbox.window, inbox.radar

    select(radar, JOSHIE)
    qtbot.keyClick(radar.table, Qt.Key.Key_Delete)
    assert JOSHIE not in titles(radar)
    assert rows(journal_path, "SELECT count(*) FROM radar_suggestion WHERE state = 'dismissed'") == [(1,)]
    assert radar.table.currentIndex().isValid()  # the next one is chosen, for the next key
    badge_is(qtbot, window, "Coverage radar (2)")
    assert "Dismissed" in radar.statusBar().currentMessage()
    undo(qtbot, radar)
    settled(qtbot, radar)
    assert JOSHIE in titles(radar)
    badge_is(qtbot, window, "Coverage radar (3)")
    select(radar, JOSHIE)
    qtbot.keyClick(radar.table, Qt.Key.Key_Delete)
    settled(qtbot, radar)

    for round_number in range(2):  # the feeds change every GUID, and the post comes in a new feed too
        write_feeds(server.folder, server.base, round_number)
        radar.read_action.trigger()
        settled(qtbot, radar)
    joshie = about_the_stories(server.base)[1]
    joshie.guid = "another-feed-joshie"
    add_feeds(qtbot, radar, [server.write("/copy.xml", rss([extra_item(server.base), joshie]))])
    settled(qtbot, radar)
    assert JOSHIE not in titles(radar)
    assert "LEGO sends a new Ninjago minifigure to a boy who lost his" in titles(radar)  # the new post comes
    badge_is(qtbot, window, "Coverage radar (3)")

    window.close()
    window = launch(journal_path)
    radar = open_radar(window)
    settled(qtbot, radar)
    assert JOSHIE not in titles(radar)
    radar.view_box.setCurrentText("Dismissed")
    settled(qtbot, radar)
    assert titles(radar) == [JOSHIE]
    select(radar, JOSHIE)
    radar.reopen_action.trigger()  # Take back
    radar.view_box.setCurrentText("New suggestions")
    settled(qtbot, radar)
    assert JOSHIE in titles(radar)


def test_another_story_is_chosen_with_the_journals_search_then_linked(
    qtbot: QtBot, launch: Launch, journal_path: Path, inbox: Inbox
) -> None:
    server, window, radar = inbox.server, inbox.window, inbox.radar
    sainsburys = story_of(journal_path, "Sainsbury")
    select(radar, JOSHIE)  # suggested for the Ritz-Carlton; say a marketer knows better

    def pick(row: InboxRow) -> str | None:  # the dialog, as pick_story makes it, answered by typing
        picker = StoryPicker(radar.service.stories, row.title, row.alternatives, row.story_id, radar)
        picker.show()
        type_into(qtbot, picker.search, "giraffe bread")
        qtbot.waitUntil(lambda: not picker.busy)
        shown = [picker.results.item(row).text() for row in range(picker.results.count())]
        assert shown and shown[0].startswith("Sainsbury's renames tiger bread")
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
        assert picker.result() == picker.DialogCode.Accepted
        return picker.chosen_id

    radar.pick_story = pick  # type: ignore[method-assign]
    radar.another_action.trigger()
    settled(qtbot, radar)
    assert radar.current_row() is not None and radar.current_row().story_id == sainsburys  # type: ignore[union-attr]
    assert "Suggested story: Sainsbury's renames" in radar.detail.toPlainText()
    assert "Now suggested for “Sainsbury's" in radar.statusBar().currentMessage()
    undo(qtbot, radar)
    settled(qtbot, radar)
    assert radar.current_row().story_id == story_of(journal_path, "Ritz")  # type: ignore[union-attr]
    radar.redo_action.trigger()
    settled(qtbot, radar)

    qtbot.keyClick(radar.table, Qt.Key.Key_Enter)  # the keypad's Enter links too
    joshie_post = f"{server.base}/posts/joshie"
    assert rows(journal_path, "SELECT story_id FROM coverage_link WHERE url = ?", joshie_post) == [(sainsburys,)]
    badge_is(qtbot, window, "Coverage radar (2)")


def test_an_alternative_in_the_suggestion_is_chosen_with_a_click(
    qtbot: QtBot, launch: Launch, journal_path: Path, tmp_path: Path
) -> None:
    with serve(tmp_path / "site") as server:
        window = launch(sample_journal(journal_path))
        radar = open_radar(window)
        ritz, sainsburys = story_of(journal_path, "Ritz"), story_of(journal_path, "Sainsbury")
        add_feeds(qtbot, radar, [server.write("/giraffes.xml", rss([_two_giraffes(server.base)]))])
        settled(qtbot, radar)
        (title,) = titles(radar)
        select(radar, title)
        row = radar.current_row()
        assert row is not None and {row.story_id, *(other.story_id for other in row.alternatives)} == {ritz, sainsburys}
        other = row.alternatives[0].story_id
        assert "It may be about another story" in radar.detail.toPlainText()
        radar.detail.choose_requested.emit(other)  # what a click on its link does
        settled(qtbot, radar)
        assert radar.current_row().story_id == other  # type: ignore[union-attr]


def _two_giraffes(base: str) -> Item:
    return Item(
        "Two giraffes: Joshie at the Ritz-Carlton and Sainsbury's giraffe bread",
        f"{base}/posts/giraffes",
        guid="giraffes",
        summary="<p>The Ritz-Carlton photographed Joshie the giraffe by the pool; Sainsbury's renamed tiger bread "
        "giraffe bread after Lily's letter.</p>",
    )


def test_new_story_from_this_makes_a_draft_shown_in_the_editor_and_undo_bins_it(
    qtbot: QtBot, launch: Launch, journal_path: Path, inbox: Inbox
) -> None:
    server, window, radar = inbox.server, inbox.window, inbox.radar
    select(radar, MORTONS)
    qtbot.keyClick(radar.table, Qt.Key.Key_N, CONTROL | Qt.KeyboardModifier.ShiftModifier)
    settle(window)
    draft = rows(journal_path, "SELECT id, occurred, organization, situation FROM story WHERE title = ?", MORTONS)
    assert len(draft) == 1
    draft_id, _occurred, organization, situation = draft[0]
    assert organization == "Morton's The Steakhouse" and "> Peter Shankman tweeted at Morton's" in str(situation)
    assert rows(journal_path, "SELECT url FROM coverage_link WHERE story_id = ?", draft_id) == [
        (f"{server.base}/posts/mortons",)
    ]
    qtbot.waitUntil(lambda: window.current_story() == draft_id)
    assert window.current_title() == MORTONS
    assert MORTONS not in titles(radar)
    badge_is(qtbot, window, "Coverage radar (2)")

    undo(qtbot, radar)  # the draft goes to the bin; the suggestion is back
    settled(qtbot, radar)
    settle(window)
    assert rows(journal_path, "SELECT deleted_at IS NOT NULL FROM story WHERE id = ?", draft_id) == [(1,)]
    assert MORTONS in titles(radar) and window.current_story() != draft_id
    badge_is(qtbot, window, "Coverage radar (3)")

    # An entry that matched no story: a story nobody wrote down yet.
    radar.view_box.setCurrentText("Entries about no story")
    settled(qtbot, radar)
    assert sorted(titles(radar)) == ["How to bake sourdough at home", "Ten hiking trails in the Alps"]
    select(radar, "Ten hiking trails in the Alps")
    assert "matched none of your stories" in radar.detail.toPlainText()
    assert radar.new_story_action.isEnabled() and not radar.link_action.isEnabled()
    radar.new_story_action.trigger()
    settled(qtbot, radar)
    assert titles(radar) == ["How to bake sourdough at home"]
    (alps,) = rows(journal_path, "SELECT id FROM story WHERE title = 'Ten hiking trails in the Alps'")
    qtbot.waitUntil(lambda: window.current_story() == alps[0])
    undo(qtbot, radar)
    settled(qtbot, radar)
    assert sorted(titles(radar)) == ["How to bake sourdough at home", "Ten hiking trails in the Alps"]


def test_view_coverage_radar_and_the_sidebar_entry_open_the_window(
    qtbot: QtBot, launch: Launch, journal_path: Path
) -> None:
    window = launch(sample_journal(journal_path))
    action = window.action(Act.COVERAGE_RADAR)
    assert action.shortcut() == QKeySequence("Ctrl+Shift+R")
    assert action in window.menu(Menu.VIEW).actions()
    qtbot.keyClick(window, Qt.Key.Key_R, CONTROL | Qt.KeyboardModifier.ShiftModifier)
    radar = feature(window, RadarFeature).window
    assert radar is not None and radar.isVisible()
    radar.close()
    settle(window)
    model = window.sidebar.model
    (entry,) = [model.index(row, 0) for row in range(model.rowCount()) if model.index(row, 0).data() == SIDEBAR_TEXT]
    window.sidebar.tree.clicked.emit(entry)
    assert radar.isVisible()
    active(radar)
    radar.empty_button.click()  # "Add a feed…": the Sources page, the address field ready
    assert radar.tabs.currentWidget() is radar.sources and radar.sources.address.hasFocus()
    window.action(Act.READ_FEEDS).trigger()
    settled(qtbot, radar)
    assert window.statusBar().currentMessage().startswith("The radar watches no source yet")
