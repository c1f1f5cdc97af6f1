"""Laptops (real journal files) syncing through a real `journal-server run` on a real PostgreSQL: stories,
edits, deletions, conflicts, case studies, tags, snapshots, and who receives what."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlmodel import select

from journal.bundles.conflicts import MINE, conflicts_of, resolve
from journal.store import case_studies, stories, tags
from journal.store.models import CoverageLink, LinkSnapshot
from journal.sync import engine
from tests.server.conftest import Laptop, Server, add_user, sql
from tests.server.test_protocol import token_of


def team(server: Server, laptops: dict[str, Laptop]) -> tuple[Laptop, Laptop, Laptop]:
    add_user(server.db_url, "anna@example.com")
    add_user(server.db_url, "ben@example.com")
    add_user(server.db_url, "mark@example.com", role="marketer")
    anna, ben, mark = laptops["anna"], laptops["ben"], laptops["mark"]
    anna.join(server.url, "anna@example.com")
    ben.join(server.url, "ben@example.com")
    mark.join(server.url, "mark@example.com")
    return anna, ben, mark


def add(laptop: Laptop, title: str, **fields: object) -> str:
    with laptop.journal.write() as session:
        return stories.create_story(stories.StoryCreate(title=title, **fields), session=session).id  # type: ignore[arg-type]


def story(laptop: Laptop, story_id: str) -> stories.StoryRead:
    with laptop.journal.session() as session:
        return stories.get_story(story_id, session=session)


def titles(laptop: Laptop) -> set[str]:
    with laptop.journal.session() as session:
        return {row[0] for row in session.connection().exec_driver_sql("SELECT title FROM story")}


PRIVATE = dict(
    customer_name="Jane Doe",
    customer_contact="jane@example.com",
    internal_notes="Refund code 4471",
    consent="anonymous",
    situation="Jane Doe's mother died; Jane asked for more time to return the boots.",
)


def test_stories_edits_and_deletions_reach_every_laptop(server: Server, laptops: dict[str, Laptop]) -> None:
    anna, ben, mark = team(server, laptops)
    first = add(anna, "Courier for a late return", outcome="A blog post")
    second = add(anna, "Flowers sent")
    result = anna.sync()
    assert (result.pushed, result.conflicts) == (2, 0)
    assert ben.sync().pulled == 2
    assert titles(ben) == {"Courier for a late return", "Flowers sent"}
    with ben.journal.write() as session:
        stories.update_story(first, {"outcome": "A blog post and 100 comments"}, session=session)
        session.delete(session.get(stories.Story, second))
    ben.sync()
    anna.sync()
    assert story(anna, first).outcome == "A blog post and 100 comments"
    assert titles(anna) == {"Courier for a late return"}
    mark.sync()
    assert titles(mark) == {"Courier for a late return"}
    # The deletion is an explicit tombstone everywhere; nothing else was deleted.
    for laptop in (anna, ben, mark):
        with laptop.journal.session() as session:
            graves = [r[0] for r in session.connection().exec_driver_sql("SELECT story_id FROM tombstone")]
        assert graves == [second]
    assert sql(server.db_url, "SELECT count(*) FROM item WHERE record IS NULL")[0][0] == 1


def test_any_text_travels_exactly_through_the_server(server: Server, laptops: dict[str, Laptop]) -> None:
    """The server reads and writes JSON with orjson (journal/server/encoding.py): accents, other scripts,
    emoji, quotes, backslashes and line breaks reach the other laptop exactly as written."""
    anna, ben, _mark = team(server, laptops)
    text = 'Zoë’s café — 東京の店 😀 said "keep it", a\\b\nsecond line\ttab'
    story_id = add(anna, "Ünïcode: 東京 😀", situation=text, outcome=text, customer_contact=text)
    anna.sync()
    assert ben.sync().pulled == 1
    got = story(ben, story_id)
    assert (got.title, got.situation, got.outcome) == ("Ünïcode: 東京 😀", text, text)
    assert got.customer_contact == ""  # a colleague's private field, still hidden
    with ben.journal.write() as session:
        stories.update_story(story_id, {"outcome": text + " ✓"}, session=session)
    ben.sync()
    anna.sync()
    mine = story(anna, story_id)
    assert (mine.outcome, mine.customer_contact) == (text + " ✓", text)  # the private field kept on the server


def test_a_story_missing_from_a_laptop_is_never_taken_as_deleted(server: Server, laptops: dict[str, Laptop]) -> None:
    anna, ben, _mark = team(server, laptops)
    kept = add(anna, "Kept safe")
    anna.sync()
    ben.sync()
    # Ben's journal loses the story without a deletion (a row gone behind the journal's back): no tombstone.
    with ben.journal.write() as session:
        connection = session.connection()
        connection.exec_driver_sql("DELETE FROM story")
        connection.exec_driver_sql("DELETE FROM tombstone")
    ben.sync()
    anna.sync()
    assert titles(anna) == {"Kept safe"}
    assert sql(server.db_url, "SELECT record IS NOT NULL FROM item WHERE id = %s", kept) == [(True,)]


def test_concurrent_edits_become_the_same_kept_conflict_everywhere(server: Server, laptops: dict[str, Laptop]) -> None:
    anna, ben, mark = team(server, laptops)
    story_id = add(anna, "Late return")
    anna.sync()
    ben.sync()
    with anna.journal.write() as session:
        stories.update_story(story_id, {"outcome": "anna's outcome"}, session=session)
    with ben.journal.write() as session:
        stories.update_story(story_id, {"outcome": "ben's outcome"}, session=session)
    assert anna.sync().conflicts == 0
    assert ben.sync().conflicts == 1
    anna.sync()
    mark.sync()
    seen = set()
    for laptop in (anna, ben, mark):
        with laptop.journal.session() as session:
            held = conflicts_of(session, story_id)
            assert len(held) == 1
            pair = {held[0].mine["fields"]["outcome"], held[0].theirs["fields"]["outcome"]}  # type: ignore[index]
            seen.add(frozenset(pair))
    assert seen == {frozenset({"anna's outcome", "ben's outcome"})}  # the same two versions everywhere
    assert story(mark, story_id).outcome == "anna's outcome"  # the server's current one (the first to arrive)
    assert story(ben, story_id).outcome == "ben's outcome"  # a laptop's own version stays its own
    # Ben resolves it, keeping his outcome: the resolution settles the conflict on every laptop.
    with ben.journal.write() as session:
        resolve(session, conflicts_of(session, story_id)[0].id, {"outcome": MINE})
    ben.sync()
    for laptop in (anna, mark, ben):
        laptop.sync()
        with laptop.journal.session() as session:
            assert conflicts_of(session, story_id) == []
        assert story(laptop, story_id).outcome == "ben's outcome"


def test_an_edit_after_a_deletion_elsewhere_is_kept_as_a_conflict(server: Server, laptops: dict[str, Laptop]) -> None:
    anna, ben, _mark = team(server, laptops)
    story_id = add(anna, "Deleted or not")
    anna.sync()
    ben.sync()
    with anna.journal.write() as session:
        session.delete(session.get(stories.Story, story_id))
    with ben.journal.write() as session:
        stories.update_story(story_id, {"outcome": "it went viral"}, session=session)
    anna.sync()
    ben.sync()
    anna.sync()
    for laptop in (anna, ben):
        assert story(laptop, story_id).outcome == "it went viral"
        with laptop.journal.session() as session:
            held = conflicts_of(session, story_id)
        assert [c.theirs for c in held] == [None]  # the deletion, kept for a person to decide
    with anna.journal.write() as session:
        resolve(session, conflicts_of(session, story_id)[0].id, {"story": MINE})
    anna.sync()
    ben.sync()
    with ben.journal.session() as session:
        assert conflicts_of(session, story_id) == []


def test_private_fields_reach_only_the_author_and_admins(
    server: Server, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    anna, ben, mark = team(server, laptops)
    add_user(server.db_url, "boss@example.com", role="admin")
    boss = laptops["boss"]
    boss.join(server.url, "boss@example.com")
    story_id = add(anna, "Boots for Jane Doe", tags=["retail", "jane doe"], **PRIVATE)
    with anna.journal.write() as session:
        link = stories.add_link(
            story_id, stories.CoverageLinkBase(url="https://blog.example.com/jane-doe-thanks"), session=session
        )
        stories.update_link(link.id, {"notes": "Jane's own blog", "kind": "customer_post"}, session=session)
        stories.add_link(story_id, stories.CoverageLinkBase(url="https://news.example.com/boots"), session=session)
    anna.sync()
    for laptop in (ben, mark, boss):
        laptop.sync()
    assert story(boss, story_id).customer_contact == "jane@example.com"
    assert story(boss, story_id).internal_notes == "Refund code 4471"
    rep_view = story(ben, story_id)
    assert (rep_view.customer_name, rep_view.customer_contact, rep_view.internal_notes) == ("Jane Doe", "", "")
    assert [link.notes for link in rep_view.links] == ["", ""]
    marketer_view = story(mark, story_id)
    assert (marketer_view.customer_name, marketer_view.customer_contact, marketer_view.internal_notes) == ("", "", "")
    assert marketer_view.title == "Boots for the customer"
    assert "Jane" not in marketer_view.situation and "the customer" in marketer_view.situation
    assert [link.url for link in marketer_view.links] == ["https://news.example.com/boots"]
    mark.close()
    everything = b"".join(p.read_bytes() for p in tmp_path.glob("mark.journal*"))
    for secret in (b"Jane", b"jane@example.com", b"Refund code", b"jane-doe-thanks"):  # not "4471": hex ids hold it
        assert secret not in everything
    laptops["mark"] = mark = Laptop(tmp_path, "mark")
    # The marketer edits the rest of the story: nothing private is erased, the name comes back in the text.
    with mark.journal.write() as session:
        stories.update_story(story_id, {"status": "approved", "outcome": "Featured on our blog"}, session=session)
    mark.sync()
    anna.sync()
    full = story(anna, story_id)
    assert (full.status, full.outcome) == ("approved", "Featured on our blog")
    assert (full.customer_name, full.customer_contact, full.internal_notes) == (
        "Jane Doe",
        "jane@example.com",
        "Refund code 4471",
    )
    assert full.title == "Boots for Jane Doe" and full.situation == PRIVATE["situation"]
    assert sorted(full.tags) == ["jane doe", "retail"]
    assert [(link.url, link.notes) for link in full.links] == [
        ("https://blog.example.com/jane-doe-thanks", "Jane's own blog"),
        ("https://news.example.com/boots", ""),
    ]
    with anna.journal.session() as session:
        assert conflicts_of(session, story_id) == []


def test_each_pulled_story_says_the_view_it_was_sent_in_and_the_laptop_keeps_it(
    server: Server, laptops: dict[str, Laptop]
) -> None:
    anna, ben, _mark = team(server, laptops)
    add_user(server.db_url, "boss@example.com", role="admin")
    boss = laptops["boss"]
    boss.join(server.url, "boss@example.com")
    story_id = add(anna, "Boots for Jane Doe", **PRIVATE)
    anna.sync()
    expected = {"anna": "full", "ben": "rep", "mark": "marketer", "boss": "full"}
    for name, view in expected.items():
        changes = httpx.get(f"{server.url}/v1/changes", headers=token_of(server, f"{name}@example.com"), timeout=60)
        assert [(c["id"], c["view"]) for c in changes.json()["changes"]] == [(story_id, view)]
        laptop = laptops[name]
        laptop.sync()
        with laptop.journal.session() as session:
            kept = session.connection().exec_driver_sql("SELECT server_view FROM sync_base WHERE id = ?", (story_id,))
            assert kept.scalar() == view, name
    # The rep edits it: pushed (the answer does not say the view, the one known stays) and pulled back.
    with ben.journal.write() as session:
        stories.update_story(story_id, {"outcome": "A blog post"}, session=session)
    assert ben.sync().pushed == 1
    with ben.journal.session() as session:
        kept = session.connection().exec_driver_sql("SELECT server_view FROM sync_base WHERE id = ?", (story_id,))
        assert kept.scalar() == "rep"


def test_case_studies_and_tag_renames_travel(server: Server, laptops: dict[str, Laptop]) -> None:
    anna, ben, mark = team(server, laptops)
    one = add(anna, "One", tags=["industry/retail"])
    two = add(anna, "Two", tags=["industry/retail"])
    anna.sync()
    mark.sync()
    with mark.journal.write() as session:
        study = case_studies.create_case_study("Listening", session=session, story_ids=[two, one]).id
        case_studies.update_entry(study, two, {"headline": "Two, retold"}, session=session)
    mark.sync()
    ben.sync()
    with ben.journal.session() as session:
        entries = case_studies.entries(study, session=session)
    assert [(e.story_id, e.headline) for e in entries] == [(two, "Two, retold"), (one, "")]
    with anna.journal.write() as session:
        tags.rename("industry", "sector", session=session)
    anna.sync()
    ben.sync()
    assert story(ben, one).tags == ["sector/retail"]
    # Concurrent edits of a case study: nothing lost, the second becomes a copy.
    with ben.journal.write() as session:
        case_studies.update_case_study(study, {"introduction": "ben's"}, session=session)
    with mark.journal.write() as session:
        case_studies.update_case_study(study, {"introduction": "mark's"}, session=session)
    ben.sync()
    mark.sync()
    ben.sync()
    for laptop in (ben, mark):
        with laptop.journal.session() as session:
            found = {
                s.title: case_studies.get_case_study(s.id, session=session).introduction
                for s in case_studies.list_case_studies(session=session)
            }
        assert found == {"Listening": "ben's", "Listening (conflicting copy from mark@example.com)": "mark's"}
    with mark.journal.write() as session:
        case_studies.delete_case_study(study, session=session)
    mark.sync()
    ben.sync()
    with ben.journal.session() as session:
        assert [s.title for s in case_studies.list_case_studies(session=session)] == [
            "Listening (conflicting copy from mark@example.com)"
        ]


def test_a_snapshot_travels_once_by_its_hash(server: Server, laptops: dict[str, Laptop]) -> None:
    anna, ben, _mark = team(server, laptops)
    text = "The whole page, as it was read. " * 2000
    ids = [add(anna, f"Story {n}") for n in range(3)]
    with anna.journal.write() as session:
        for story_id in ids:
            link = stories.add_link(
                story_id, stories.CoverageLinkBase(url="https://news.example.com/a"), session=session
            )
            session.add(LinkSnapshot(link_id=link.id, url="https://news.example.com/a", text=text))
    anna.sync()
    assert sql(server.db_url, "SELECT count(*) FROM snapshot")[0][0] == 1
    ben.sync()
    with ben.journal.session() as session:
        texts = list(session.exec(select(LinkSnapshot.text)).all())
        links = len(session.exec(select(CoverageLink.id)).all())
    assert texts == [text, text, text] and links == 3


def test_a_laptop_away_longer_than_deletions_are_kept_reads_everything_again(
    server: Server, laptops: dict[str, Laptop]
) -> None:
    anna, ben, _mark = team(server, laptops)
    gone = add(anna, "Deleted while Ben was away")
    anna.sync()
    ben.sync()
    with anna.journal.write() as session:
        session.delete(session.get(stories.Story, gone))
    anna.sync()
    local = add(ben, "Written offline by Ben")  # never sent before the purge
    from journal.server import database
    from journal.server.maintenance import purge_tombstones

    with database.connect(server.db_url) as connection:
        assert purge_tombstones(connection, 0) == 1
    result = ben.sync()
    assert result.resynced
    assert titles(ben) >= {"Written offline by Ben"}
    anna.sync()
    assert "Written offline by Ben" in titles(anna)
    assert local in {r[0] for r in sql(server.db_url, "SELECT id::text FROM item")}
    status = engine.team_status(ben.journal)
    assert status.waiting == 0
