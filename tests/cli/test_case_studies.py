"""`journal case-study create|list|add`, `export`, `export-story`, `export-site` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.export.front_matter import split_front_matter
from tests.cli.helpers import added_id, one_line_error, run, succeeded, user_env
from tests.export.corpus import CASE_STUDY_ID, build, sid


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    build(home / "c.journal").close()
    return home


def journal(home: Path, *args: str) -> list[str]:
    return ["--journal", str(home / "c.journal"), *args]


def test_create_list_add_and_export_a_case_study(tmp_path: Path) -> None:
    env = user_env(tmp_path)
    path = str(tmp_path / "j.journal")
    first = added_id(
        run(
            ["--journal", path, "add", "--title", "First", "--status", "approved", "--consent", "named"],
            env=env,
            cwd=tmp_path,
        )
    )
    second = added_id(run(["--journal", path, "add", "--title", "Second", "--status", "draft"], env=env, cwd=tmp_path))
    study = succeeded(
        run(
            ["--journal", path, "case-study", "create", "Best of", "--story", first[:8], "--audience", "blog"],
            env=env,
            cwd=tmp_path,
        )
    ).strip()
    out = succeeded(run(["--journal", path, "case-study", "add", "best of", second, first], env=env, cwd=tmp_path))
    assert out == "Added 1 story (1 already in it).\n"
    listed = json.loads(succeeded(run(["--journal", path, "case-study", "list", "--json"], env=env, cwd=tmp_path)))
    assert [(r["id"], r["title"], r["stories"], r["audience"]) for r in listed] == [(study, "Best of", 2, "blog")]
    assert "2 stories    Best of" in succeeded(run(["--journal", path, "case-study", "list"], env=env, cwd=tmp_path))

    result = run(["--journal", path, "export", study[:6]], env=env, cwd=tmp_path)
    assert result.returncode == 0
    front, _body = split_front_matter(result.stdout)
    assert front["title"] == "Best of" and [s["title"] for s in front["stories"]] == ["First"]  # type: ignore[index]
    assert "left out “Second”: it is not approved for publishing yet (status: Draft)." in result.stderr
    review = run(["--journal", path, "export", "Best of", "--include-unapproved"], env=env, cwd=tmp_path)
    assert "## Second" in review.stdout and review.stderr == ""


def test_export_to_a_file_and_as_html(home: Path) -> None:
    env = user_env(home)
    target = home / "out.md"
    refused = run(journal(home, "export", "Going beyond policy", "-o", str(target)), env=env, cwd=home)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "a phone number" in refused.stderr and "--allow-confidential" in refused.stderr
    assert "nothing was written" in refused.stderr and not target.exists()
    to_stdout = run(journal(home, "export", "Going beyond policy"), env=env, cwd=home)
    assert to_stdout.returncode == 1 and to_stdout.stdout == ""
    result = run(
        journal(home, "export", "Going beyond policy", "-o", str(target), "--allow-confidential"), env=env, cwd=home
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("---\ntitle: Going beyond policy\n")
    assert "looks confidential" in result.stderr and "a phone number" in result.stderr
    assert f"Wrote {target}" in result.stderr
    page = run(journal(home, "export", CASE_STUDY_ID, "--format", "html", "--allow-confidential"), env=env, cwd=home)
    assert page.stdout.startswith("<!DOCTYPE html>") and "<h1>Going beyond policy</h1>" in page.stdout


def test_export_story_and_its_refusals(home: Path) -> None:
    env = user_env(home)
    story = run(journal(home, "export-story", sid(1)), env=env, cwd=home)
    assert story.returncode == 0 and story.stdout.startswith("---\ntitle: Courier pickup")
    declined = one_line_error(run(journal(home, "export-story", sid(3)), env=env, cwd=home), 1)
    assert "declined" in declined
    draft = one_line_error(run(journal(home, "export-story", sid(4)), env=env, cwd=home), 1)
    assert "--include-unapproved" in draft


def test_export_site_writes_the_folder(home: Path) -> None:
    env = user_env(home)
    refused = run(journal(home, "export-site", str(home / "site")), env=env, cwd=home)
    assert refused.returncode == 1 and "a phone number" in refused.stderr
    assert not (home / "site").exists()
    result = run(journal(home, "export-site", str(home / "site"), "--allow-confidential"), env=env, cwd=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote 5 files to {home / 'site'}\n"
    assert (home / "site" / "_index.md").exists() and (home / "site" / "README.md").exists()


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["export", "No such study"], 1, "No case study is called"),
        (["case-study", "add", "Going beyond policy", "ffffffff"], 1, "No story has the id"),
        (["export", "x", "--format", "pdf"], 2, "invalid choice"),
        (["case-study"], 2, "required"),
    ],
)
def test_mistakes_get_one_line(home: Path, args: list[str], status: int, words: str) -> None:
    message = one_line_error(run(journal(home, *args), env=user_env(home), cwd=home), status)
    assert words in message
