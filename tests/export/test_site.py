"""Writing exports: plain slugs, atomic writes, and a failed write leaves the good files that were there.
The site folder with the real publishing tools is tests/export/test_publishing_tools.py."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from journal.export.files import ExportWriteError, atomic_write, slug
from tests.export.corpus import build


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
