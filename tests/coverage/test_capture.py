"""Fetching coverage pages from a real HTTP server on 127.0.0.1 into a real journal file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import select

from journal.coverage.batch import fetch_pending
from journal.coverage.fetch import FetchSettings
from journal.store.database import Journal
from journal.store.models import CoverageLink, CoverageLinkBase, LinkSnapshot, Reading
from journal.store.stories import StoryCreate, add_link, create_story, update_link
from tests.coverage.pages import HUGE_SIZE, PageServer, closed_port_url

QUICK = FetchSettings(connect_timeout=1.0, read_timeout=0.5, total_timeout=5.0)


def new_link(journal: Journal, url: str, **typed: Any) -> str:
    with journal.write() as session:
        story = create_story(StoryCreate(title="A story"), session=session)
        return add_link(story.id, CoverageLinkBase(url=url, **typed), session=session).id


def link(journal: Journal, link_id: str) -> CoverageLink:
    with journal.session() as session:
        found = session.get(CoverageLink, link_id)
        assert found is not None
        session.expunge(found)
        return found


def snapshot(journal: Journal, link_id: str) -> LinkSnapshot | None:
    with journal.session() as session:
        found = session.get(LinkSnapshot, link_id)
        if found is not None:
            session.expunge(found)
        return found


def readings(journal: Journal) -> list[tuple[str, str | None, str, int, str]]:
    with journal.session() as session:
        rows = session.exec(select(Reading)).all()
        return [(r.story_id, r.link_id, r.metric, r.value, r.source) for r in rows]


def test_a_blog_post_fills_every_field_keeps_its_text_and_records_the_comment_count(
    journal: Journal, pages: PageServer
) -> None:
    link_id = new_link(journal, pages.url("/blog"))
    assert link(journal, link_id).fetch_state == "to_fetch", "a new link waits to be fetched"
    run = fetch_pending(journal, QUICK)
    assert [result.state for result in run.results] == ["fetched"]
    fetched = link(journal, link_id)
    assert fetched.title == "How the hotel saved our wedding"
    assert fetched.outlet == "Jane's Travel Blog"
    assert fetched.author == "Jane Doe"
    assert fetched.published == dt.date(2024, 5, 3)
    assert fetched.description == "The night the hotel broke its own rules for us."
    assert fetched.canonical_url == pages.url("/posts/wedding")
    assert fetched.comment_count == 42
    assert (fetched.fetch_state, fetched.fetch_error, fetched.health, fetched.http_status) == ("fetched", "", "ok", 200)
    assert fetched.fetched_at is not None and fetched.checked_at is not None
    assert fetched.typed_fields == "", "fetched values are not typed ones"
    copy = snapshot(journal, link_id)
    assert copy is not None and copy.content_type == "text/html" and copy.url == pages.url("/blog")
    assert "moved the whole ceremony into the ballroom" in copy.text
    assert "Home" not in copy.text.split("\n")[0], "navigation is not part of the readable text"
    assert readings(journal) == [(fetched.story_id, link_id, "comments", 42, "fetched")]
    assert fetch_pending(journal, QUICK).total == 0, "a fetched link is not fetched again"


def test_typed_values_are_never_overwritten_and_the_rest_is_filled(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/blog"), title="Our wedding, saved", comment_count=7)
    assert link(journal, link_id).typed_fields == "comment_count,title"
    with journal.write() as session:  # the person types an author in the table before the fetch
        update_link(link_id, {"author": "J. D."}, session=session)
    fetch_pending(journal, QUICK)
    fetched = link(journal, link_id)
    assert (fetched.title, fetched.comment_count, fetched.author) == ("Our wedding, saved", 7, "J. D.")
    assert fetched.outlet == "Jane's Travel Blog" and fetched.published == dt.date(2024, 5, 3)
    assert [reading[2:] for reading in readings(journal)] == [("comments", 42, "fetched")], (
        "the page's count is still recorded as a reading; the typed count stays on the link"
    )
    with journal.write() as session:  # a new address is fetched afresh; the typed title still wins
        update_link(link_id, {"url": pages.url("/legacy")}, session=session)
    assert link(journal, link_id).fetch_state == "to_fetch"
    fetch_pending(journal, QUICK)
    again = link(journal, link_id)
    assert again.title == "Our wedding, saved" and again.author == "J. D."
    assert again.description.startswith("Naïve façade"), "a fetched value is replaced by the new page's"


def test_a_value_typed_while_the_page_is_on_its_way_wins(journal: Journal, pages: PageServer) -> None:
    from journal.coverage.capture import fetch_page, store_capture
    from journal.coverage.fetch import make_client

    link_id = new_link(journal, pages.url("/blog"))
    with make_client(QUICK) as client:
        found = fetch_page(pages.url("/blog"), QUICK, client)
    with journal.write() as session:  # typed after the request left, before the result is written
        update_link(link_id, {"title": "Typed meanwhile"}, session=session)
    with journal.write() as session:
        store_capture(link_id, found, session=session)
    assert link(journal, link_id).title == "Typed meanwhile"
    assert link(journal, link_id).author == "Jane Doe"


def test_a_page_without_metadata_is_fetched_without_inventing_any(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/plain"))
    fetch_pending(journal, QUICK)
    fetched = link(journal, link_id)
    assert fetched.fetch_state == "fetched" and fetched.fetch_error == ""
    assert (fetched.author, fetched.published, fetched.comment_count, fetched.description) == ("", None, None, "")
    assert fetched.outlet == "127.0.0.1", "a site that names itself nowhere is named by its host"
    copy = snapshot(journal, link_id)
    assert copy is not None and "replaced a broken kettle" in copy.text
    assert readings(journal) == []


@pytest.mark.parametrize(
    ("path", "health", "final"),
    [("/chain", "moved", "/blog"), ("/moved", "moved", "/posts/wedding"), ("/temporary", "ok", "/blog")],
)
def test_redirects_are_followed_and_a_permanent_one_marks_the_link_moved(
    journal: Journal, pages: PageServer, path: str, health: str, final: str
) -> None:
    link_id = new_link(journal, pages.url(path))
    fetch_pending(journal, QUICK)
    fetched = link(journal, link_id)
    assert fetched.fetch_state == "fetched" and fetched.title == "How the hotel saved our wedding"
    assert (fetched.health, fetched.final_url, fetched.http_status) == (health, pages.url(final), 200)
    assert fetched.url == pages.url(path), "the address the person gave is kept"


def test_a_redirect_loop_fails_in_plain_words(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/loop"))
    fetch_pending(journal, QUICK)
    failed = link(journal, link_id)
    assert failed.fetch_state == "failed" and "redirect loop" in failed.fetch_error


@pytest.mark.parametrize(("path", "status", "words"), [("/missing", 404, "not there"), ("/gone", 410, "removed")])
def test_a_404_or_410_fails_for_good_and_marks_the_link_dead(
    journal: Journal, pages: PageServer, path: str, status: int, words: str
) -> None:
    link_id = new_link(journal, pages.url(path))
    run = fetch_pending(journal, QUICK)
    assert not run.offline
    failed = link(journal, link_id)
    assert (failed.fetch_state, failed.health, failed.http_status) == ("failed", "dead", status)
    assert words in failed.fetch_error and "Traceback" not in failed.fetch_error
    assert snapshot(journal, link_id) is None
    assert fetch_pending(journal, QUICK).total == 0, "a page that is gone is not asked for again and again"


def test_a_page_that_never_answers_times_out_and_waits(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/never"))
    run = fetch_pending(journal, QUICK)
    waiting = link(journal, link_id)
    assert waiting.fetch_state == "to_fetch" and "did not answer within 0.5 seconds" in waiting.fetch_error
    assert run.results[0].state == "to_fetch"


def test_a_server_error_is_tried_again_later(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/broken"))
    fetch_pending(journal, QUICK)
    assert link(journal, link_id).fetch_state == "to_fetch"
    assert link(journal, link_id).health == "unknown", "one server error says nothing lasting"


def test_a_20_mb_page_is_read_up_to_the_cap_and_still_gives_its_metadata(journal: Journal, pages: PageServer) -> None:
    cap = 1024 * 1024
    link_id = new_link(journal, pages.url("/huge"))
    fetch_pending(journal, FetchSettings(read_timeout=5.0, max_bytes=cap))
    fetched = link(journal, link_id)
    assert fetched.fetch_state == "fetched"
    assert (fetched.title, fetched.outlet) == ("The longest review ever written", "Endless Reviews")
    copy = snapshot(journal, link_id)
    assert copy is not None and "staff were kind to us" in copy.text
    sent = pages.sent["/huge"]
    assert sent < HUGE_SIZE / 4, f"the client stopped reading early, but the server wrote {sent} bytes"


def test_the_size_cap_bounds_the_memory_a_huge_page_takes(pages: PageServer) -> None:
    import tracemalloc

    from journal.coverage.capture import fetch_page
    from journal.coverage.fetch import make_client

    settings = FetchSettings(read_timeout=5.0, max_bytes=1024 * 1024)
    with make_client(settings) as client:
        fetch_page(pages.url("/plain"), settings, client)  # the libraries' first-use allocations
        tracemalloc.start()
        try:
            found = fetch_page(pages.url("/huge"), settings, client)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert found.truncated and found.metadata.title == "The longest review ever written"
    # Bounded by the cap (bytes, text, parse), not by the page: reading it all would take over 20 MB.
    assert peak < 6 * settings.max_bytes, f"reading a 20 MB page took {peak / 1e6:.1f} MB"


def test_a_pdf_is_kept_as_a_document_without_text(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/report.pdf"))
    fetch_pending(journal, QUICK)
    fetched = link(journal, link_id)
    assert (fetched.fetch_state, fetched.title, fetched.health) == ("fetched", "report.pdf", "ok")
    copy = snapshot(journal, link_id)
    assert copy is not None and copy.content_type == "application/pdf" and copy.text == ""


@pytest.mark.parametrize("path", ["/legacy", "/legacy-undeclared"])
def test_a_windows_1252_page_is_decoded(journal: Journal, pages: PageServer, path: str) -> None:
    link_id = new_link(journal, pages.url(path))
    fetch_pending(journal, QUICK)
    fetched = link(journal, link_id)
    assert fetched.title.startswith("Café crème")
    assert fetched.description == "Naïve façade, £ and € signs."
    copy = snapshot(journal, link_id)
    assert copy is not None and "“because it was raining”" in copy.text and "crème brûlée" in copy.text


def test_a_shift_jis_page_declared_in_its_meta_tag_is_decoded(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/sjis"))
    fetch_pending(journal, QUICK)
    assert link(journal, link_id).title == "日本語のブログ"
    copy = snapshot(journal, link_id)
    assert copy is not None and "結婚式を救ってくれました" in copy.text


def test_offline_the_links_wait_quietly_and_are_fetched_when_the_network_is_back(
    journal: Journal, pages: PageServer
) -> None:
    offline = [new_link(journal, closed_port_url(f"/post-{n}")) for n in range(16)]
    run = fetch_pending(journal, QUICK)
    assert run.offline and run.total == 16
    assert len(run.results) < 16 and run.skipped == 16 - len(run.results), "it stops trying once the network is down"
    for link_id in offline:
        waiting = link(journal, link_id)
        assert (waiting.fetch_state, waiting.health) == ("to_fetch", "unknown")
    # The network is back: the same links, now at an address that answers.
    with journal.write() as session:
        for link_id in offline:
            session.get(CoverageLink, link_id).url = pages.url("/blog")  # type: ignore[union-attr]
    run = fetch_pending(journal, QUICK)
    assert not run.offline and [result.state for result in run.results] == ["fetched"] * 16


def test_a_link_removed_while_its_page_was_fetched_is_left_alone(journal: Journal, pages: PageServer) -> None:
    from journal.coverage.capture import fetch_page, store_capture
    from journal.coverage.fetch import make_client
    from journal.store.stories import remove_link

    link_id = new_link(journal, pages.url("/blog"))
    with make_client(QUICK) as client:
        found = fetch_page(pages.url("/blog"), QUICK, client)
    with journal.write() as session:
        remove_link(link_id, session=session)
    with journal.write() as session:
        assert store_capture(link_id, found, session=session) is None
    assert readings(journal) == [] and snapshot(journal, link_id) is None


def test_cancelling_does_not_wait_for_a_site_that_never_answers(journal: Journal, pages: PageServer) -> None:
    import threading
    import time

    link_id = new_link(journal, pages.url("/never"))
    other = new_link(journal, pages.url("/blog"))
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    run = fetch_pending(journal, FetchSettings(read_timeout=60.0), concurrency=1, cancel=cancel)
    # Cancelled at 0.5 s, it returns in about 0.2 s more; the bound leaves room for a busy machine and is still
    # far below the 60 s read timeout it must not wait for.
    assert time.monotonic() - started < 20.0, "the window closes without waiting for the read timeout"
    assert run.cancelled and run.skipped == 2 and run.results == []
    assert link(journal, link_id).fetch_state == "to_fetch" and link(journal, other).fetch_state == "to_fetch"
