"""`journal radar ...` run as a person runs it (`python -m journal` subprocesses) against feeds served from
127.0.0.1: three feeds added, offline then online, suggestions listed, linked, dismissed, made into a
story; nothing suggested twice; OPML and a folder of alert e-mails; bad input refused in one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.helpers import added_id, one_line_error, succeeded
from tests.cli.test_links import Cli
from tests.radar.conftest import about_nothing, about_the_stories
from tests.radar.feeds import Item, atom, free_port, json_feed, rss, serve


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)  # `journal --journal tmp_path/links.journal ...` as a subprocess, and its rows


def stories(cli: Cli) -> dict[str, str]:
    """Three stories, added with `journal add`."""
    return {
        "zappos": added_id(
            cli(
                "add",
                "--title",
                "Courier pickup and flowers after a bereavement",
                "--organization",
                "Zappos",
                "--situation",
                "Her mother died before she could return the shoes. Zappos sent UPS to collect them.",
                "--action",
                "A florist delivered lilies and roses with a card.",
                "--tag",
                "bereavement",
            )
        ),
        "ritz": added_id(
            cli(
                "add",
                "--title",
                "Joshie the giraffe's extra holiday",
                "--organization",
                "The Ritz-Carlton, Amelia Island",
                "--situation",
                "A boy left his stuffed giraffe Joshie at the resort; staff photographed him by the pool.",
            )
        ),
        "mortons": added_id(
            cli(
                "add",
                "--title",
                "A porterhouse at Newark airport",
                "--organization",
                "Morton's The Steakhouse",
                "--situation",
                "Peter Shankman tweeted as a joke and a server met him at Newark with a steak.",
            )
        ),
    }


def test_three_feeds_offline_then_online_then_decisions_and_nothing_suggested_twice(cli: Cli) -> None:
    ids = stories(cli)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sources = [succeeded(cli("radar", "add", f"{base}/{name}")).strip() for name in ("a.xml", "b.atom", "c.json")]
    assert len(set(sources)) == 3

    offline = cli("radar", "fetch")
    assert offline.returncode == 75, offline.stderr
    assert offline.stdout.strip().endswith("3 waiting (offline).")
    assert cli("radar", "list").stdout == "No suggestions waiting. `journal radar fetch` reads the sources again.\n"

    with serve(cli.path.parent / "site", port=port) as server:
        items = about_the_stories(base)
        server.write("/a.xml", rss([items[0], *about_nothing(base)]))
        items[1].published = "2012-05-28T09:00:00Z"
        server.write("/b.atom", atom([items[1]]))
        server.write("/c.json", json_feed([items[2]]))

        online = succeeded(cli("radar", "fetch"))
        assert online.strip().endswith(
            "3 sources read, 5 new entries, 3 suggestions.\n`journal radar list` shows the suggestions.".strip()
        )

        listed = json.loads(succeeded(cli("radar", "list", "--json")))
        assert {(s["title"], s["story_id"]) for s in listed} == {
            ("Zappos sent flowers when my mother died", ids["zappos"]),
            ("Joshie the giraffe's extra holiday at the Ritz-Carlton", ids["ritz"]),
            ("Morton's meets Peter Shankman at Newark with a porterhouse", ids["mortons"]),
        }
        zappos = next(s for s in listed if s["story_id"] == ids["zappos"])
        assert zappos["explanation"].startswith("mentions Zappos and ")
        assert "**Zappos**" in zappos["excerpt_marked"] and zappos["comment_count"] == 143
        text = succeeded(cli("radar", "list"))
        assert f"→ Courier pickup and flowers after a bereavement ({ids['zappos'][:8]}): mentions Zappos" in text

        linked = succeeded(cli("radar", "link", zappos["id"][:8]))
        assert linked.startswith("Linked to “Courier pickup and flowers after a bereavement” as coverage link ")
        assert linked.strip().endswith("with its comment count.")
        joshie = next(s for s in listed if s["story_id"] == ids["ritz"])
        mortons = next(s for s in listed if s["story_id"] == ids["mortons"])
        assert (
            succeeded(cli("radar", "dismiss", joshie["id"][:8])) == "Dismissed 1 suggestion; never suggested again.\n"
        )
        made = added_id(cli("radar", "new-story", mortons["id"]))

        # The feeds come back with new GUIDs, new tracking parameters and the same posts.
        churned = [
            Item(**{**item.__dict__, "guid": item.guid + "-again", "link": item.link + "&utm_campaign=x"})
            for item in items
        ]
        server.write("/a.xml", rss([churned[0], *about_nothing(base)]))
        server.write("/b.atom", atom([churned[1]]))
        server.write("/c.json", json_feed([churned[2]]))
        again = succeeded(cli("radar", "fetch"))
        assert "0 new entries, 0 suggestions." in again

    assert cli("radar", "list").stdout.startswith("No suggestions waiting.")
    assert cli.rows(f"SELECT url, comment_count FROM coverage_link WHERE story_id = '{ids['zappos']}'") == [
        (f"{base}/posts/zappos-flowers", 143)
    ]
    assert cli.rows(f"SELECT metric, value, source FROM reading WHERE story_id = '{ids['zappos']}'") == [
        ("comments", 143, "fetched")
    ]
    shown = json.loads(succeeded(cli("show", made, "--json")))
    assert shown["title"] == "Morton's meets Peter Shankman at Newark with a porterhouse"
    assert shown["status"] == "draft" and [link["url"] for link in shown["links"]] == [f"{base}/posts/mortons"]
    states = json.loads(succeeded(cli("radar", "list", "--state", "all", "--json")))
    assert sorted(s["state"] for s in states) == ["dismissed", "linked", "linked"]


def test_sources_import_opml_and_a_folder_of_alert_emails(cli: Cli) -> None:
    stories(cli)
    opml = cli.path.parent / "feeds.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><head><title>My feeds</title></head><body>
        <outline text="Service"><outline type="rss" text="Blog one" xmlUrl="http://127.0.0.1:9/one.xml"/>
        <outline type="rss" text="Blog two" xmlUrl="http://127.0.0.1:9/two.xml"/></outline>
        <outline type="rss" text="Not a web address" xmlUrl="ftp://example.com/feed"/>
        <outline type="rss" text="Blog one again" xmlUrl="http://127.0.0.1:9/one.xml"/></body></opml>""",
        encoding="utf-8",
    )
    said = succeeded(cli("radar", "import-opml", str(opml)))
    assert said == "Watching 2 new feeds; 1 outline has no web address. `journal radar fetch` reads them.\n"
    assert succeeded(cli("radar", "import-opml", str(opml))).startswith("Watching 0 new feeds; 2 were watched already")

    mail = cli.path.parent / "alerts"
    mail.mkdir()
    (mail / "alert.eml").write_bytes(
        b"From: Alerts <alerts@news.example>\r\nTo: me@example.com\r\nSubject: Alert - Zappos\r\n"
        b"Date: Sat, 14 Jul 2007 12:00:00 +0000\r\nMessage-ID: <a1@news.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/html; charset="iso-8859-1"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        b"<html><body><h3>News</h3>"
        b'<a href=3D"https://www.google.com/url?rct=3Dj&amp;url=3Dhttps://blog.example.org/zappos-flowers&amp;ct=3Dga">'
        b"Zappos sent flowers when my mother died</a><br>Her mother died and Zappos sent UPS to collect the shoes =\r\n"
        b"and a florist delivered lilies and roses. Caf=E9 talk.<br>"
        b'<a href=3D"https://alerts.example/unsubscribe">Unsubscribe from this alert</a>'
        b'<a href=3D"https://alerts.example/settings">Edit</a></body></html>\r\n'
    )
    (mail / "broken.eml").write_bytes(b"\x00\xff not an e-mail at all")
    folder_id = succeeded(cli("radar", "add-emails", str(mail))).strip()

    listing = succeeded(cli("radar", "sources"))
    assert "Blog one" in listing and "Alert e-mails in alerts" in listing and "never read" in listing
    succeeded(cli("radar", "remove", "http://127.0.0.1:9/one.xml"))
    succeeded(cli("radar", "remove", "http://127.0.0.1:9/two.xml"))

    fetched = succeeded(cli("radar", "fetch"))
    assert "1 source read, 1 new entry, 1 suggestion." in fetched
    (suggestion,) = json.loads(succeeded(cli("radar", "list", "--json")))
    assert suggestion["link"] == "https://blog.example.org/zappos-flowers"  # unwrapped from the alert's redirect
    assert suggestion["source_id"] == folder_id and suggestion["published"].startswith("2007-07-14")
    assert "Café talk" in suggestion["excerpt"]  # quoted-printable ISO-8859-1, decoded
    sources = json.loads(succeeded(cli("radar", "sources", "--json")))
    assert [(s["kind"], s["state"], s["entries"]) for s in sources] == [("mail_folder", "ok", 1)]


def test_excluded_domains_from_the_command_line(cli: Cli) -> None:
    assert succeeded(cli("radar", "exclude")) == "No domain is excluded.\n"
    assert succeeded(cli("radar", "exclude", "https://www.Zappos.com/about", "ritzcarlton.com")) == (
        "zappos.com: never suggested.\nritzcarlton.com: never suggested.\n"
    )
    assert succeeded(cli("radar", "exclude")) == "ritzcarlton.com\nzappos.com\n"
    assert succeeded(cli("radar", "exclude", "--remove", "zappos.com")) == "zappos.com: suggested again.\n"
    assert cli.rows("SELECT domain FROM radar_excluded_domain") == [("ritzcarlton.com",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("radar", "add", "ftp://example.com/feed"), "must start with https:// or http://"),
        (("radar", "add", "not a url"), "cannot contain spaces"),
        (("radar", "add-emails", "/no/such/folder"), "is not a folder"),
        (("radar", "exclude", "not_a_domain"), "is not a domain"),
        (("radar", "fetch", "--timeout", "0"), "--timeout must be between"),
        (("radar", "list", "--state", "maybe"), "invalid choice"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(cli: Cli, args: tuple[str, ...], message: str) -> None:
    assert message in one_line_error(cli(*args), 2)
    assert not cli.path.exists(), "refused before the journal is opened"


def test_refusals_are_one_line_and_status_1_and_change_nothing(cli: Cli) -> None:
    story = added_id(cli("add", "--title", "A story"))
    source = succeeded(cli("radar", "add", "http://127.0.0.1:9/feed.xml")).strip()
    assert "is already watched" in one_line_error(cli("radar", "add", "http://127.0.0.1:9/feed.xml"), 1)
    assert "No suggestion or entry has the id" in one_line_error(cli("radar", "link", "abcdef12", story), 1)
    assert "too short" in one_line_error(cli("radar", "dismiss", "ab"), 1)
    assert "No source has the id" in one_line_error(cli("radar", "remove", "ffffffff"), 1)
    bad = cli.path.parent / "bad.opml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>', encoding="utf-8")
    assert "billion laughs" in one_line_error(cli("radar", "import-opml", str(bad)), 1)
    bad.write_text("<opml><body><outline", encoding="utf-8")
    assert "not well-formed XML" in one_line_error(cli("radar", "import-opml", str(bad)), 1)
    pipe = cli.path.parent / "feeds-pipe.opml"
    os.mkfifo(pipe)  # nothing ever writes to it: reading it as a file would wait for ever
    assert "is a named pipe" in one_line_error(cli("radar", "import-opml", str(pipe)), 1)
    assert "is a folder" in one_line_error(cli("radar", "import-opml", str(cli.path.parent)), 1)
    assert cli.rows("SELECT id FROM radar_source") == [(source,)]
