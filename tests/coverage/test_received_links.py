"""Links that arrive in a bundle: remembered as received (never in the next bundle), never fetched unless a
person asks (`journal links fetch --received`), and then only from public addresses. Real servers on
127.0.0.1 (the test setting's stand-in for the public internet) and 127.0.0.2 (this computer)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from tests.cli.helpers import run, succeeded, user_env
from tests.coverage.hostile_servers import echo
from tests.hostile import corpus


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def test_a_received_link_waits_for_links_fetch_received_and_stays_home(tmp_path: Path) -> None:
    env = user_env(tmp_path / "home")
    journal = tmp_path / "j.journal"
    with echo() as public, echo("127.0.0.2") as intranet:
        other = corpus.STORY_ID[:-1] + "2"
        records = [corpus.good_record("Public", corpus.STORY_ID), corpus.good_record("Private", other)]
        records[0]["links"][0]["url"] = public.url("/theirs")
        records[1]["links"][0]["url"] = intranet.url("/secret")
        bundle = tmp_path / "anna.sjbundle"
        bundle.write_bytes(corpus.bundle_bytes(records))
        succeeded(run(["--journal", str(journal), "bundle", "import", str(bundle)], env=env, cwd=tmp_path))
        assert rows(journal, "SELECT DISTINCT origin, private_ok FROM coverage_link") == [("bundle anna.sjbundle", 0)]

        out = succeeded(run(["--journal", str(journal), "links", "fetch"], env=env, cwd=tmp_path))
        assert out == (
            "No links are waiting to be fetched.\n"
            "2 links from bundles or the team wait until you ask: `journal links fetch --received` fetches them "
            "(public addresses only).\n"
        )
        assert public.requests == 0 and intranet.requests == 0

        out = succeeded(run(["--journal", str(journal), "links", "fetch", "--received"], env=env, cwd=tmp_path))
        assert "1 fetched, 1 failed, 0 waiting." in out and "127.0.0.2 is this computer's own address" in out
        assert public.requests == 1 and intranet.requests == 0

    exported = tmp_path / "out.sjbundle"
    succeeded(run(["--journal", str(journal), "bundle", "export", str(exported)], env=env, cwd=tmp_path))
    with zipfile.ZipFile(exported) as archive:
        links = [link for story in json.loads(archive.read("bundle.json"))["stories"] for link in story["links"]]
    assert links and all("origin" not in link and "private_ok" not in link for link in links)


def test_a_link_typed_here_over_a_received_address_is_fetched_unasked_again(tmp_path: Path) -> None:
    env = user_env(tmp_path / "home")
    journal = tmp_path / "j.journal"
    bundle = tmp_path / "anna.sjbundle"
    bundle.write_bytes(corpus.bundle_bytes([corpus.good_record("Public")]))
    succeeded(run(["--journal", str(journal), "bundle", "import", str(bundle)], env=env, cwd=tmp_path))
    from journal.store.database import open_journal
    from journal.store.stories import update_link

    opened = open_journal(journal)
    with opened.write() as session:
        link_id = str(rows(journal, "SELECT id FROM coverage_link")[0][0])
        update_link(link_id, {"url": "https://example.org/typed-here"}, session=session)
    opened.close()
    assert rows(journal, "SELECT origin, fetch_state FROM coverage_link") == [("", "to_fetch")]
