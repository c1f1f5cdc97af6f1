"""The radar window's item models, checked with Qt's model tester over rows read from a real journal (feeds
served from 127.0.0.1, read and matched by the radar)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.radar.api import Radar
from journal.store.database import open_journal
from journal.ui.radar.detail import detail_html, excerpt_html
from journal.ui.radar.inbox_model import DATE, SOURCE, STORY, TITLE, InboxModel, InboxRow, RowIdRole
from journal.ui.radar.sources_model import NAME, STATE, SourceModel
from tests.radar.feeds import Answer, FeedServer, serve
from tests.ui.radar.helpers import JOSHIE, MORTONS, ZAPPOS, sample_journal, write_feeds


def read_feeds(journal_path: Path, server: FeedServer) -> Radar:
    radar = Radar(open_journal(sample_journal(journal_path)))
    for address in write_feeds(server.folder, server.base):
        radar.add_feed(address)
    server.answers["/gone.xml"] = Answer(404)
    radar.add_feed(server.url("/gone.xml"))
    radar.fetch()
    return radar


def test_the_inbox_model_passes_the_model_tester_as_rows_come_and_go(
    qtbot: QtBot, qtmodeltester: ModelTester, journal_path: Path, tmp_path: Path
) -> None:
    with serve(tmp_path / "site") as server:
        radar = read_feeds(journal_path, server)
    try:
        model = InboxModel()
        suggestions = [InboxRow.of_suggestion(read) for read in radar.suggestions()]
        model.set_rows(suggestions + [InboxRow.of_entry(entry) for entry in radar.unmatched()])
        qtmodeltester.check(model, force_py=True)  # stays connected: the changes below are checked too
        assert model.rowCount() == 5 and model.columnCount() == 4
        shown = {model.index(row, TITLE).data(): row for row in range(model.rowCount())}
        assert set(shown) >= {ZAPPOS, JOSHIE, MORTONS}
        zappos = shown[ZAPPOS]
        assert model.index(zappos, SOURCE).data() == "A daughter's blog"
        assert model.index(zappos, DATE).data() == "2007-07-14"
        assert model.index(zappos, STORY).data().startswith("Zappos books a courier pickup")
        assert model.index(zappos, TITLE).data(Qt.ItemDataRole.ToolTipRole).endswith("/posts/zappos-flowers")
        assert (
            model.index(zappos, TITLE).data(RowIdRole) == suggestions[[r.title for r in suggestions].index(ZAPPOS)].id
        )
        unmatched = shown["How to bake sourdough at home"]
        assert model.index(unmatched, STORY).data() == "—"
        assert model.index(unmatched, DATE).data(Qt.ItemDataRole.ToolTipRole).startswith("The feed gave no date")
        assert model.index(zappos, DATE).data(Qt.ItemDataRole.ToolTipRole) is None

        taken = model.take(model.index(zappos, TITLE).data(RowIdRole))
        assert taken == zappos and ZAPPOS not in [model.index(row, TITLE).data() for row in range(model.rowCount())]
        assert model.take("no such id") is None
        model.set_rows([])
        assert model.rowCount() == 0 and model.index(0, 0).data() is None
    finally:
        radar.journal.close()


def test_the_sources_model_passes_the_model_tester_and_says_each_state(
    qtbot: QtBot, qtmodeltester: ModelTester, journal_path: Path, tmp_path: Path
) -> None:
    with serve(tmp_path / "site") as server:
        radar = read_feeds(journal_path, server)
        radar.add_feed(server.url("/later.xml"))  # not read yet
    try:
        model = SourceModel()
        model.set_sources(radar.sources())
        qtmodeltester.check(model, force_py=True)
        states = {model.index(row, NAME).data(): model.index(row, STATE).data() for row in range(model.rowCount())}
        assert states["A daughter's blog"] == "Read" and states[server.url("/later.xml")] == "Not read yet"
        assert states[server.url("/gone.xml")].startswith("Refused · next try ")
        gone = next(row for row in range(model.rowCount()) if model.index(row, NAME).data().endswith("gone.xml"))
        assert "404" in model.index(gone, 4).data()
        assert model.index(gone, STATE).data(Qt.ItemDataRole.DecorationRole) is not None
        assert model.index(gone, NAME).data(Qt.ItemDataRole.ToolTipRole) == f"A feed: {server.url('/gone.xml')}"
    finally:
        radar.journal.close()


def test_what_a_feed_says_is_shown_as_text_and_only_the_matched_words_are_bold(
    journal_path: Path, tmp_path: Path
) -> None:
    """The core keeps no tag in an entry's title and excerpt; the page escapes them anyway, and a link that is
    not http(s) is not made a link."""
    with serve(tmp_path / "site") as server:
        radar = read_feeds(journal_path, server)
    try:
        row = next(InboxRow.of_suggestion(read) for read in radar.suggestions() if read.title == ZAPPOS)
        page = detail_html(row, "#777777")
        assert f'<a href="{row.link}">{ZAPPOS}</a>' in page
        assert "<b>Zappos</b>" in page and "<b>mother</b>" in page and "<b>asked</b>" not in page
        hostile = InboxRow(
            **{
                **row.__dict__,
                "title": '<img src=x onerror="alert(1)">',
                "source": "<script>alert(1)</script>",
                "excerpt": "Zappos <iframe src=x> sent flowers",
                "link": "javascript:alert(1)",
            }
        )
        page = detail_html(hostile, "#777777")
        assert "<img" not in page and "<script" not in page and "<iframe" not in page and "javascript:" not in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page and "&lt;iframe src=x&gt;" in page
        assert excerpt_html("Zappos sent <flowers>", ["Zappos"]) == "<b>Zappos</b> sent &lt;flowers&gt;"
    finally:
        radar.journal.close()
