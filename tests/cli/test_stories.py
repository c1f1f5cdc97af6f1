"""`journal add | list | show | --version` end to end: `python -m journal` subprocesses on real journal files.

Commands that open a journal take about half a second each (SQLModel and the migrations are imported), so
the stories are added once per module and the read-only checks share them. Bad arguments are refused by
argparse before the store is imported, so those cases are cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import journal
from journal.store.models import EDITABLE_FIELDS
from tests.cli.helpers import added_id, default_journal, one_line_error, run, succeeded, user_env

SQLITE_MAGIC = b"SQLite format 3\x00"


# ---------------------------------------------------------------- a journal with three stories


FULL_STORY: dict[str, Any] = {
    "title": "Refund without a receipt",
    "occurred": "2007-07-14",
    "organization": "Nordstrom",
    "employees": "Ann, Bob",
    "channel": "in_person",
    "customer_name": "Jane Doe",
    "customer_contact": "jane@example.com",
    "consent": "named",
    "situation": "A customer brought back tyres.",
    "policy": "No refunds without a receipt.",
    "action": "The clerk refunded them anyway.",
    "cost_cents": 7500,
    "currency": "USD",
    "outcome": "A story told for decades.",
    "internal_notes": "Check the date with Ann.",
    "status": "ready",
}
LINKS = ["https://example.com/tyres", "http://news.example.org/story?id=1"]


@dataclass(frozen=True)
class Populated:
    path: Path
    home: Path
    env: dict[str, str]
    full_id: str  # 2007-07-14, every field, tags kindness and industry/retail
    newer_id: str  # 2021-03-01, tag other
    undated_id: str  # no date, tag industry

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(["--journal", str(self.path), *args], env=self.env, cwd=self.path.parent)


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Populated:
    """Three stories added with `journal add`, in an order that differs from the list's order."""
    folder = tmp_path_factory.mktemp("populated")
    home = folder / "home"
    path = folder / "stories.journal"
    env = user_env(home)

    def add(*args: str) -> str:
        return added_id(run(["--journal", str(path), "add", *args], env=env, cwd=folder))

    newer_id = add("--title", "Newer story", "--occurred", "2021-03-01", "--tag", "other")
    undated_id = add("--title", "Undated story", "--tag", "industry")
    full_id = add(
        "--title", FULL_STORY["title"],
        "--occurred", FULL_STORY["occurred"],
        "--organization", FULL_STORY["organization"],
        "--employees", FULL_STORY["employees"],
        "--channel", FULL_STORY["channel"],
        "--customer", FULL_STORY["customer_name"],
        "--contact", FULL_STORY["customer_contact"],
        "--consent", FULL_STORY["consent"],
        "--situation", FULL_STORY["situation"],
        "--policy", FULL_STORY["policy"],
        "--action", FULL_STORY["action"],
        "--outcome", FULL_STORY["outcome"],
        "--notes", FULL_STORY["internal_notes"],
        "--cost", "75",
        "--currency", "usd",
        "--status", FULL_STORY["status"],
        "--tag", "kindness",
        "--tag", "industry/retail",
        "--link", LINKS[0],
        "--link", LINKS[1],
    )  # fmt: skip
    return Populated(path, home, env, full_id=full_id, newer_id=newer_id, undated_id=undated_id)


def test_add_with_every_option_is_shown_in_full(populated: Populated) -> None:
    record = json.loads(succeeded(populated.run("show", populated.full_id, "--json")))

    assert set(EDITABLE_FIELDS) <= record.keys()  # every field a person edits, private ones included
    assert {field: record[field] for field in FULL_STORY} == FULL_STORY
    assert record["id"] == populated.full_id
    assert record["tags"] == ["industry/retail", "kindness"]  # sorted
    assert [(link["url"], link["kind"]) for link in record["links"]] == [(url, "other") for url in LINKS]
    created = dt.datetime.fromisoformat(record["created_at"])
    assert created.utcoffset() == dt.timedelta(0)
    assert dt.datetime.fromisoformat(record["updated_at"]) >= created

    text = succeeded(populated.run("show", populated.full_id[:8]))
    assert text.splitlines()[0] == FULL_STORY["title"]
    assert populated.full_id in text
    for expected in (
        "industry/retail",
        "kindness",
        *LINKS,
        "75.00 USD",
        "Jane Doe",
        "Check the date with Ann.",
    ):
        assert expected in text


def test_list_is_newest_first_and_filters_by_nested_tags(populated: Populated) -> None:
    records = json.loads(succeeded(populated.run("list", "--json")))
    assert [r["id"] for r in records] == [populated.newer_id, populated.full_id, populated.undated_id]
    assert [r["occurred"] for r in records] == ["2021-03-01", "2007-07-14", None]
    full = records[1]
    assert full["title"] == FULL_STORY["title"]
    assert full["status"] == "ready"
    assert sorted(full["tags"]) == ["industry/retail", "kindness"]
    assert full["coverage"] == len(LINKS)

    # `industry` matches the story tagged `industry/retail` and the one tagged `industry`, not `other`.
    tagged = json.loads(succeeded(populated.run("list", "--tag", "industry", "--json")))
    assert [r["id"] for r in tagged] == [populated.full_id, populated.undated_id]

    lines = succeeded(populated.run("list")).splitlines()
    expected = [
        (populated.newer_id, "Newer story"),
        (populated.full_id, FULL_STORY["title"]),
        (populated.undated_id, "Undated story"),
    ]
    assert len(lines) == len(expected)
    for line, (story_id, title) in zip(lines, expected, strict=True):
        assert line.startswith(story_id[:8] + " ")
        assert story_id not in line  # the short id only
        assert title in line
    assert "2021-03-01" in lines[0]
    assert "[other]" in lines[0]


def test_show_of_an_unknown_id_is_one_line_and_status_1(populated: Populated) -> None:
    line = one_line_error(populated.run("show", "00000000-0000-0000-0000-000000000000"), 1)
    assert line.startswith("journal: ")
    assert "journal list" in line  # where to find the ids


# ---------------------------------------------------------------- which journal file


@pytest.mark.skipif(
    sys.platform in {"win32", "darwin"},
    reason="platformdirs follows XDG_DATA_HOME only on Linux and the BSDs",
)
def test_journal_option_then_environment_then_default(tmp_path: Path) -> None:
    home = tmp_path / "home"
    flag, from_env = tmp_path / "flag.journal", tmp_path / "env.journal"

    # --journal before the command wins over STORY_JOURNAL.
    env = user_env(home, STORY_JOURNAL=str(from_env))
    story_id = added_id(run(["--journal", str(flag), "add", "--title", "Flagged"], env=env, cwd=tmp_path))
    assert flag.read_bytes().startswith(SQLITE_MAGIC)
    assert not from_env.exists()

    # STORY_JOURNAL alone selects the file.
    out = succeeded(run(["list"], env=user_env(home, STORY_JOURNAL=str(flag)), cwd=tmp_path))
    assert story_id[:8] in out
    assert "Flagged" in out
    assert not default_journal(home).exists()

    # Neither: the default journal in the data folder is created, and it is empty.
    out = succeeded(run(["list"], env=user_env(home), cwd=tmp_path))
    assert out.startswith("No stories")
    assert default_journal(home).read_bytes().startswith(SQLITE_MAGIC)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        pytest.param(["add", "--title", ""], "needs a title", id="empty-title"),
        pytest.param(["add", "--title", "T", "--occurred", "14/07/2007"], "YYYY-MM-DD", id="date"),
        pytest.param(["add", "--title", "T", "--consent", "maybe"], "anonymous, named", id="consent"),
        pytest.param(["add", "--title", "T", "--link", "javascript:alert(1)"], "https://", id="javascript-link"),
        pytest.param(["add", "--title", "T", "--link", "ftp://x"], "https://", id="ftp-link"),
        pytest.param(["add", "--title", "T", "--cost", "abc"], "such as 45", id="cost"),
        pytest.param(["frobnicate"], "choose from", id="unknown-command"),
        pytest.param(["show"], "required: ID", id="show-without-id"),
        pytest.param(["add", "--title", "T", "--tag", "a, b"], "comma", id="tag-with-comma"),
    ],
)
def test_bad_arguments_exit_2_and_touch_nothing(tmp_path: Path, args: list[str], hint: str) -> None:
    home = tmp_path / "home"
    path = tmp_path / "test.journal"
    line = one_line_error(run(["--journal", str(path), *args], env=user_env(home), cwd=tmp_path), 2)
    assert line.startswith("journal")
    assert "error" in line
    assert hint in line
    assert "--help" in line
    assert not path.exists()
    assert not home.exists()


def test_cost_without_currency_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "test.journal"
    args = ["--journal", str(path), "add", "--title", "T", "--cost", "75"]
    line = one_line_error(run(args, env=user_env(tmp_path / "home"), cwd=tmp_path), 2)
    assert "--currency" in line
    assert not path.exists(), "a refused command creates nothing"


def test_reading_a_mistyped_journal_path_reports_it_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "stoires.journal"
    for command in (["list"], ["show", "abcd1234"]):
        line = one_line_error(run(["--journal", str(path), *command], env=user_env(tmp_path / "home"), cwd=tmp_path), 1)
        assert "There is no journal at" in line and str(path) in line
    assert not path.exists()


def test_a_text_file_is_refused_untouched(tmp_path: Path) -> None:
    """`add` is the command that would write; `list` and `show` go through the same check first."""
    folder = tmp_path / "notes"
    folder.mkdir()
    text = folder / "notes.txt"
    original = b"Shopping list\nmilk\neggs\n"
    text.write_bytes(original)

    line = one_line_error(
        run(["--journal", str(text), "add", "--title", "T"], env=user_env(tmp_path / "home"), cwd=folder), 1
    )
    assert line.startswith("journal: ")
    assert "not a Story Journal" in line
    assert text.read_bytes() == original
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]  # no -wal, -shm or backups beside it


# ---------------------------------------------------------------- version and start-up cost


def test_version(tmp_path: Path) -> None:
    out = succeeded(run(["--version"], env=user_env(tmp_path / "home"), cwd=tmp_path))
    assert out == f"Story Journal {journal.__version__}\n"


HEAVY = ("PySide6", "shiboken6", "sqlmodel", "sqlalchemy", "alembic", "pydantic")

# Runs `python -m journal ...` in one interpreter for several argvs, then reports which of the heavy
# packages (given as its own arguments) got imported.
IMPORT_PROBE = """
import json, runpy, sys
heavy_packages = set(sys.argv[1:])
statuses = []
for argv in (["--version"], ["--help"], ["add", "--title", ""]):
    sys.argv = ["journal", *argv]
    try:
        runpy.run_module("journal", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        statuses.append(stop.code)
heavy = sorted(name for name in sys.modules if name.partition(".")[0] in heavy_packages)
print(json.dumps({"statuses": statuses, "heavy": heavy}))
"""


def test_version_help_and_bad_arguments_import_neither_qt_nor_the_store(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, *HEAVY],
        env=user_env(tmp_path / "home"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *output, report_line = result.stdout.splitlines()
    assert output[0] == f"Story Journal {journal.__version__}"  # the probe really ran the CLI
    report = json.loads(report_line)
    assert report == {"statuses": [0, 0, 2], "heavy": []}


def test_list_searches_and_filters_like_the_window(populated: Populated) -> None:
    found = json.loads(succeeded(populated.run("list", "--search", "tyr", "--json")))
    assert [story["title"] for story in found] == [FULL_STORY["title"]]
    assert "**tyres**" in found[0]["snippet"]
    human = succeeded(populated.run("list", "--search", 'receipt" - (', "--status", "ready", "--with-coverage"))
    assert populated.full_id[:8] in human and "**receipt**" in human
    none = succeeded(populated.run("list", "--search", "tyres", "--without-coverage"))
    assert none.strip() == "No story matches."
    oldest = json.loads(succeeded(populated.run("list", "--sort", "oldest", "--from", "2000-01-01", "--json")))
    assert [story["title"] for story in oldest] == [FULL_STORY["title"], "Newer story"]


def test_list_search_forgives_one_typo_and_says_so(tmp_path: Path) -> None:
    env = user_env(tmp_path)
    journal = tmp_path / "typos.journal"
    for title, organization in (("Courier pickup and flowers", "Zappos"), ("Open seating kept", "Southwest")):
        run(["--journal", str(journal), "add", "--title", title, "--organization", organization], env=env, cwd=tmp_path)
    result = run(["--journal", str(journal), "list", "--search", "Zapos"], env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Courier pickup and flowers" in result.stdout and "Open seating" not in result.stdout
    assert result.stderr.strip() == "Showing results for “zappos” (nothing matches “Zapos”)."
    exact = run(["--journal", str(journal), "list", "--search", "Zappos", "--json"], env=env, cwd=tmp_path)
    assert [story["title"] for story in json.loads(succeeded(exact))] == ["Courier pickup and flowers"]
    assert (tmp_path / "typos.journal.search").is_dir(), "the command line keeps the index the window uses"
