"""`journal import-csv`: columns guessed from their names, bad rows reported by line, good rows imported
only with --yes (or a yes on a terminal); encodings and separators of real spreadsheets."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bundles.helpers import file_hash
from tests.cli.helpers import run, succeeded, user_env

SHEET = (
    "Headline;Date;Company;Cost;Currency;Tags;URL;Whatever\n"
    "Refund given twice;2024-01-03;Acme;45;USD;refunds, vip;https://example.com/a;x\n"
    ";2024-01-04;Acme;;;;;x\n"
    "Bad date;03/01/2024;Acme;;;;;x\n"
    '"Café ""crème"" replaced";2024-02-01;Bistro;;;;;x\n'
)


def titles(journal: Path, env: dict[str, str], cwd: Path) -> list[str]:
    out = succeeded(run(["--journal", str(journal), "list", "--json"], env=env, cwd=cwd))
    return sorted(record["title"] for record in json.loads(out))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return user_env(tmp_path / "home")


def test_bad_rows_are_reported_by_line_and_nothing_is_imported_without_yes(tmp_path: Path, env: dict[str, str]) -> None:
    sheet = tmp_path / "stories.csv"
    sheet.write_text(SHEET, encoding="utf-8-sig")
    journal = tmp_path / "j.journal"
    succeeded(run(["--journal", str(journal), "add", "--title", "Already here"], env=env, cwd=tmp_path))
    before = file_hash(journal)
    out = succeeded(run(["--journal", str(journal), "import-csv", str(sheet)], env=env, cwd=tmp_path))
    assert "line 3: Title: A story needs a title." in out
    assert "line 4: Date: '03/01/2024' is not a date" in out
    assert "2 good rows, 2 bad rows." in out
    assert "Run again with --yes" in out
    assert file_hash(journal) == before
    out = succeeded(run(["--journal", str(journal), "import-csv", str(sheet), "--dry-run"], env=env, cwd=tmp_path))
    assert file_hash(journal) == before
    out = succeeded(run(["--journal", str(journal), "import-csv", str(sheet), "--yes"], env=env, cwd=tmp_path))
    assert "Imported 2 stories." in out
    assert titles(journal, env, tmp_path) == ["Already here", 'Café "crème" replaced', "Refund given twice"]
    listed = json.loads(
        succeeded(run(["--journal", str(journal), "list", "--json", "--tag", "vip"], env=env, cwd=tmp_path))
    )
    assert [record["title"] for record in listed] == ["Refund given twice"]
    assert listed[0]["coverage"] == 1


def test_a_windows_spreadsheet_is_read_as_cp1252_with_a_note(tmp_path: Path, env: dict[str, str]) -> None:
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes("Title,Situation\r\nNaïve café,Crème brûlée\r\n".encode("cp1252"))
    journal = tmp_path / "j.journal"
    out = succeeded(run(["--journal", str(journal), "import-csv", str(sheet), "--yes"], env=env, cwd=tmp_path))
    assert "read as Windows (cp1252)" in out
    assert titles(journal, env, tmp_path) == ["Naïve café"]


def test_map_overrides_the_guess(tmp_path: Path, env: dict[str, str]) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("Story,Notes\nLost luggage found,call back\n", encoding="utf-8")
    journal = tmp_path / "j.journal"
    out = succeeded(
        run(
            ["--journal", str(journal), "import-csv", str(sheet), "--map", "Notes=outcome", "--yes"],
            env=env,
            cwd=tmp_path,
        )
    )
    assert "'Notes'                  -> Outcome" in out
    shown = json.loads(succeeded(run(["--journal", str(journal), "list", "--json"], env=env, cwd=tmp_path)))
    story = json.loads(
        succeeded(run(["--journal", str(journal), "show", shown[0]["id"], "--json"], env=env, cwd=tmp_path))
    )
    assert (story["title"], story["outcome"], story["internal_notes"]) == ("Lost luggage found", "call back", "")
    result = run(["--journal", str(journal), "import-csv", str(sheet), "--map", "Nope=title"], env=env, cwd=tmp_path)
    assert result.returncode == 1 and "no column named 'Nope'" in result.stderr


def test_a_binary_file_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(b"PK\x03\x04\x00\x00binary")
    result = run(["--journal", str(tmp_path / "j.journal"), "import-csv", str(sheet)], env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Save As" in result.stderr
    assert not (tmp_path / "j.journal").exists()


def test_on_a_terminal_the_import_asks_first(tmp_path: Path, env: dict[str, str]) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("Title\nAsked first\n", encoding="utf-8")
    journal = tmp_path / "j.journal"
    for answer, expected in ((b"n\n", []), (b"y\n", ["Asked first"])):
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "journal", "--journal", str(journal), "import-csv", str(sheet)],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
        )
        os.close(follower)
        os.write(leader, answer)
        _out, err = process.communicate(timeout=60)
        os.close(leader)
        assert process.returncode == 0, err
        assert titles(journal, env, tmp_path) == expected if journal.exists() else expected == []
