"""The hostile-input corpus through the command line: each spreadsheet, bundle and command line ends in one
clear sentence (exit status 1 or 2, the journal byte for byte as it was) or in a correct import."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.bundles.helpers import file_hash
from tests.cli.helpers import run, succeeded, user_env
from tests.hostile import corpus


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A journal with one story in it, the target every case must leave as it was (or add to)."""
    folder = tmp_path_factory.mktemp("corpus")
    env = user_env(folder / "home")
    journal = folder / "target.journal"
    succeeded(run(["--journal", str(journal), "add", "--title", "Already here"], env=env, cwd=folder))
    return journal, env


def titles(journal: Path, env: dict[str, str], cwd: Path) -> list[str]:
    out = succeeded(run(["--journal", str(journal), "list", "--json"], env=env, cwd=cwd))
    return sorted(record["title"] for record in json.loads(out))


def fresh_copy(journal: Path, folder: Path) -> Path:
    copy = folder / "copy.journal"
    copy.write_bytes(journal.read_bytes())
    return copy


@pytest.mark.parametrize("case", corpus.cases("csv"), ids=lambda case: case.name)
def test_a_spreadsheet_of_the_corpus(prepared: tuple[Path, dict[str, str]], tmp_path: Path, case: corpus.Case) -> None:
    journal = fresh_copy(prepared[0], tmp_path)
    env = prepared[1]
    before = file_hash(journal)
    result = run(["--journal", str(journal), "import-csv", str(case.make(tmp_path)), "--yes"], env=env, cwd=tmp_path)
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    for words in case.mentions:
        assert words in said, said
    if case.refused:
        assert result.returncode == 1, said
        errors = result.stderr.splitlines()
        assert len(errors) == 1 and case.refused in said, said
        assert file_hash(journal) == before
    else:
        assert result.returncode == 0, said
        assert titles(journal, env, tmp_path) == sorted(["Already here", *case.imports])


@pytest.mark.parametrize("case", corpus.cases("bundle"), ids=lambda case: case.name)
def test_a_bundle_of_the_corpus(prepared: tuple[Path, dict[str, str]], tmp_path: Path, case: corpus.Case) -> None:
    journal = fresh_copy(prepared[0], tmp_path)
    env = prepared[1]
    before = file_hash(journal)
    result = run(["--journal", str(journal), "bundle", "import", str(case.make(tmp_path))], env=env, cwd=tmp_path)
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said
    if case.refused:
        assert result.returncode == 1 and result.stdout == "", said
        assert len(result.stderr.splitlines()) == 1 and case.refused in result.stderr, said
        assert file_hash(journal) == before
    else:
        assert result.returncode == 0, said
        assert titles(journal, env, tmp_path) == sorted(["Already here", *case.imports])
        exported = tmp_path / "out.sjbundle"
        succeeded(run(["--journal", str(journal), "bundle", "export", str(exported)], env=env, cwd=tmp_path))
        with zipfile.ZipFile(exported) as archive:
            document = archive.read("bundle.json")
        assert b"\x00" not in document and b"\\u0000" not in document


@pytest.mark.parametrize("case", corpus.argument_cases(), ids=lambda case: case.name)
def test_a_command_line_of_the_corpus(tmp_path: Path, case: corpus.ArgumentCase) -> None:
    env = user_env(tmp_path / "home")
    result = run(case.argv(tmp_path), env=env, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == case.status, result.stderr
    assert len(result.stderr.splitlines()) == 1 and case.refused in result.stderr, result.stderr
    assert not (tmp_path / "j.journal").exists(), "refused before any journal is made"
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null.backups").exists()
