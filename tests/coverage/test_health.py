"""Link health against a real HTTP server on 127.0.0.1: OK, moved, dead, and offline that buries nothing."""

from __future__ import annotations

from journal.coverage.batch import check_all, fetch_pending
from journal.store.database import Journal
from journal.store.models import CoverageLink
from tests.coverage.pages import PageServer, closed_port_url
from tests.coverage.test_capture import QUICK, link, new_link, snapshot


def test_every_link_is_checked_and_its_health_recorded(journal: Journal, pages: PageServer) -> None:
    ids = {path: new_link(journal, pages.url(path)) for path in ("/blog", "/chain", "/moved", "/missing", "/gone")}
    run = check_all(journal, QUICK)
    assert run.total == 5 and not run.offline
    health = {path: (link(journal, i).health, link(journal, i).http_status) for path, i in ids.items()}
    assert health == {
        "/blog": ("ok", 200),
        "/chain": ("moved", 200),
        "/moved": ("moved", 200),
        "/missing": ("dead", 404),
        "/gone": ("dead", 410),
    }
    assert link(journal, ids["/moved"]).final_url == pages.url("/posts/wedding")
    assert link(journal, ids["/blog"]).final_url == "", "an address that did not change needs no final one"
    assert all(link(journal, i).checked_at is not None for i in ids.values())
    assert link(journal, ids["/blog"]).fetch_state == "to_fetch", "a check does not fetch"


def test_a_page_that_dies_keeps_its_readable_copy(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/blog"))
    fetch_pending(journal, QUICK)
    before = snapshot(journal, link_id)
    assert before is not None and "ballroom" in before.text
    with journal.write() as session:  # the page is taken down (same link, now answering 410)
        session.get(CoverageLink, link_id).url = pages.url("/gone")  # type: ignore[union-attr]
    check_all(journal, QUICK)
    dead = link(journal, link_id)
    assert (dead.health, dead.http_status, dead.fetch_state) == ("dead", 410, "fetched")
    after = snapshot(journal, link_id)
    assert after is not None and after.text == before.text and after.fetched_at == before.fetched_at
    assert dead.title == "How the hotel saved our wedding"


def test_offline_a_check_buries_nothing(journal: Journal, pages: PageServer) -> None:
    link_id = new_link(journal, pages.url("/blog"))
    check_all(journal, QUICK)
    checked = link(journal, link_id)
    assert checked.health == "ok"
    with journal.write() as session:  # the laptop goes offline: the same link cannot be reached
        session.get(CoverageLink, link_id).url = closed_port_url()  # type: ignore[union-attr]
    run = check_all(journal, QUICK)
    assert run.offline and not run.results[0].answered and "could not be reached" in run.results[0].error
    after = link(journal, link_id)
    assert (after.health, after.http_status) == ("ok", 200), "one network failure does not make a link dead"


def test_a_server_error_or_a_timeout_keeps_the_previous_health(journal: Journal, pages: PageServer) -> None:
    broken = new_link(journal, pages.url("/broken"))
    never = new_link(journal, pages.url("/never"))
    run = check_all(journal, QUICK)
    assert {result.link_id: result.answered for result in run.results} == {broken: False, never: False}
    assert link(journal, broken).health == "unknown" and link(journal, broken).http_status == 500
    assert link(journal, never).health == "unknown" and link(journal, never).http_status is None
