"""`journal link add`, `journal links fetch` and `journal links check`, run as a person runs them, against a
real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import added_id, one_line_error, run, succeeded, user_env
from tests.coverage.pages import PageServer, closed_port_url, serve


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with serve() as server:
        yield server


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "links.journal"
        self.env = user_env(tmp_path / "home")

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(["--journal", str(self.path), *args], env=self.env, cwd=self.path.parent)

    def on_terminal(self, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
        """Run with stderr on a pseudo-terminal (as in a terminal window); returns what that terminal showed."""
        main, terminal = pty.openpty()
        try:
            finished = subprocess.run(
                [sys.executable, "-m", "journal", "--journal", str(self.path), *args],
                env=self.env,
                cwd=self.path.parent,
                stdout=subprocess.PIPE,
                stderr=terminal,
                text=True,
                timeout=60,
                check=False,
            )
            os.close(terminal)
            shown = b""
            while True:
                try:
                    chunk = os.read(main, 4096)
                except OSError:  # the terminal's other end is closed: all read
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(main)
        return finished, shown.decode()

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.path) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_links_are_saved_at_once_then_fetched_and_typed_values_kept(cli: Cli, pages: PageServer) -> None:
    story = added_id(cli("add", "--title", "The wedding"))
    typed = succeeded(cli("link", "add", story[:8], pages.url("/blog"), "--title", "Our own title", "--comments", "5"))
    other = succeeded(cli("link", "add", story, pages.url("/chain"))).strip()
    gone = succeeded(cli("link", "add", story, pages.url("/gone"))).strip()
    typed_id = typed.strip()
    assert cli.rows("SELECT fetch_state FROM coverage_link") == [("to_fetch",)] * 3, "saved before any fetch"

    fetched, screen = cli.on_terminal("links", "fetch")  # progress on a terminal, rewritten in place
    assert fetched.returncode == 0
    assert "Fetching 1/3…" in screen and "Fetching 3/3…" in screen and screen.endswith("\r\x1b[K")
    out = fetched.stdout
    assert out.splitlines()[-1] == "2 fetched, 1 failed, 0 waiting."
    assert f"failed: {gone[:8]}  The site says the page was removed for good (410 Gone)." in out
    assert cli.rows(
        f"SELECT title, comment_count, author, typed_fields FROM coverage_link WHERE id = '{typed_id}'"
    ) == [("Our own title", 5, "Jane Doe", "comment_count,title")]
    assert cli.rows(f"SELECT title, health FROM coverage_link WHERE id = '{other}'") == [
        ("How the hotel saved our wedding", "moved")
    ]
    assert cli.rows("SELECT metric, value, source FROM reading ORDER BY value") == [("comments", 42, "fetched")] * 2
    shown = succeeded(cli("show", story[:8]))
    assert "- Our own title" in shown and "- How the hotel saved our wedding" in shown
    assert succeeded(cli("links", "fetch")) == "No links are waiting to be fetched.\n"


def test_fetch_and_check_speak_json(cli: Cli, pages: PageServer) -> None:
    story = added_id(cli("add", "--title", "JSON"))
    blog = succeeded(cli("link", "add", story, pages.url("/blog"))).strip()
    missing = succeeded(cli("link", "add", story, pages.url("/missing"))).strip()
    fetched = json.loads(succeeded(cli("links", "fetch", "--json")))
    assert (fetched["fetched"], fetched["failed"], fetched["waiting"], fetched["offline"]) == (1, 1, 0, False)
    by_id = {item["id"]: item for item in fetched["links"]}
    assert by_id[blog]["state"] == "fetched" and "title" in by_id[blog]["filled"]
    assert by_id[missing]["state"] == "failed" and "404" in by_id[missing]["error"]
    checked = json.loads(succeeded(cli("links", "check", "--json")))  # piped: no progress on stderr
    assert (checked["ok"], checked["moved"], checked["dead"], checked["not_reached"]) == (1, 0, 1, 0)
    assert {item["id"]: item["health"] for item in checked["links"]} == {blog: "ok", missing: "dead"}


def test_offline_nothing_is_lost_and_no_traceback(cli: Cli) -> None:
    story = added_id(cli("add", "--title", "Offline"))
    url = closed_port_url("/post")
    added = cli("link", "add", story, url, "--fetch", "--title", "Typed offline")
    assert added.returncode == 75, added.stderr
    link_id = added.stdout.strip()
    assert len(added.stderr.splitlines()) == 1 and "could not be reached" in added.stderr
    assert "Traceback" not in added.stderr
    assert cli.rows("SELECT id, url, title, fetch_state FROM coverage_link") == [
        (link_id, url, "Typed offline", "to_fetch")
    ]
    fetch = cli("links", "fetch")
    assert fetch.returncode == 75 and fetch.stderr == ""
    assert fetch.stdout.splitlines()[-1] == "0 fetched, 0 failed, 1 waiting (offline)."
    check = cli("links", "check")
    assert check.returncode == 75 and check.stderr == ""
    assert check.stdout == "0 ok, 0 moved, 0 dead, 1 not reached (offline).\n"
    assert cli.rows("SELECT health, fetch_state FROM coverage_link") == [("unknown", "to_fetch")]


def test_bad_input_is_refused_in_one_line(cli: Cli, pages: PageServer) -> None:
    story = added_id(cli("add", "--title", "Refusals"))
    assert "https://" in one_line_error(cli("link", "add", story, "ftp://example.com/x"), 2)
    assert "not a number of comments" in one_line_error(
        cli("link", "add", story, pages.url("/blog"), "--comments", "lots"), 2
    )
    assert "journal list" in one_line_error(cli("link", "add", "abcdef12", pages.url("/blog")), 1)
    assert "--timeout" in one_line_error(cli("links", "fetch", "--timeout", "0"), 2)
    assert cli.rows("SELECT count(*) FROM coverage_link") == [(0,)]
