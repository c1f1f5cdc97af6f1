"""A folder of exports for a static site: it builds with `mkdocs build --strict`, every file's front matter
parses, and a failed write leaves the good files that were there."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from journal.export.files import ExportWriteError, atomic_write, export_site, slug
from journal.export.markdown import split_front_matter
from tests.export.corpus import build


def test_the_folder_builds_with_mkdocs_strict_and_front_matter_parses(tmp_path: Path) -> None:
    journal = build(tmp_path / "c.journal")
    with journal.session() as session:
        report = export_site(tmp_path / "site", session=session)
    journal.close()
    names = sorted(str(path.relative_to(tmp_path / "site")) for path in report.files)
    assert names == sorted(["index.md", "going-beyond-policy.md", "empty-one.md", f"archive/{_gone_link()}.md"])
    for path in report.files:
        front, body = split_front_matter(path.read_text(encoding="utf-8"))
        assert front["title"] and front["generator"], path
        assert body.strip(), path
    index = (tmp_path / "site" / "index.md").read_text(encoding="utf-8")
    assert "[Going beyond policy](going-beyond-policy.md) — for the company blog (2 stories)" in index
    study = (tmp_path / "site" / "going-beyond-policy.md").read_text(encoding="utf-8")
    assert f"[archived copy](archive/{_gone_link()}.md)" in study
    assert [item.title for _study, item in report.left_out] == ["Declined story", "Draft story"]

    (tmp_path / "mkdocs.yml").write_text("site_name: Stories\ndocs_dir: site\nsite_dir: built\n", encoding="utf-8")
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    built = (tmp_path / "built" / "going-beyond-policy" / "index.html").read_text(encoding="utf-8")
    assert "The giraffe&#39;s holiday" in built or "The giraffe's holiday" in built
    assert "<script>" not in built.split("</head>", 1)[1].split('<script src="')[0]


def _gone_link() -> str:
    from tests.export.corpus import lid

    return lid(2)


def test_slugs_are_plain_and_never_empty() -> None:
    assert slug("Going beyond policy!") == "going-beyond-policy"
    assert slug("Café — “Ünïcode”") == "cafe-unicode"
    assert slug("🙂🙂") == "case-study"


def test_an_atomic_write_replaces_a_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_a_folder_that_cannot_be_written_is_said_plainly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportWriteError, match="Cannot write in"):
        atomic_write(blocker / "out.md", "text")


def _limit_file_size() -> None:
    # A real write error from the kernel (EFBIG), as a full disk gives ENOSPC: the file-size limit of this
    # process is 4 KiB, and the signal it would send is ignored so that write() fails instead.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_a_write_that_fails_midway_leaves_the_old_file_and_no_part_file(tmp_path: Path) -> None:
    from tests.cli.helpers import user_env

    journal = build(tmp_path / "c.journal")
    journal.close()
    target = tmp_path / "out" / "study.md"
    target.parent.mkdir()
    target.write_text("the good old export\n", encoding="utf-8")
    env = user_env(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    big = "x" * 10_000  # more than the limit: the write must fail part way
    script = (
        "import sys; from pathlib import Path; from journal.export.files import atomic_write, ExportWriteError\n"
        f"try:\n    atomic_write(Path({str(target)!r}), {big!r})\n"
        "except ExportWriteError as e:\n    print(e); sys.exit(1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=60,
    )
    assert result.returncode == 1, result
    assert "Nothing was changed there" in result.stdout
    assert target.read_text(encoding="utf-8") == "the good old export\n"
    assert [p.name for p in target.parent.iterdir()] == ["study.md"]
