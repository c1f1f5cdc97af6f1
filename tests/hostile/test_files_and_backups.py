"""What a journal path, a backup target or a check meets on a real system: a device, a named pipe, a folder
that cannot be written, a file where a folder should be, a backup killed half-way, an empty file. Each ends
in one sentence; nothing appears beside a device, and nothing half-written is left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bundles.helpers import file_hash
from tests.cli.helpers import one_line_error, run, succeeded, user_env


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return user_env(tmp_path / "home")


def journal_with_a_story(folder: Path, env: dict[str, str]) -> Path:
    journal = folder / "j.journal"
    succeeded(run(["--journal", str(journal), "add", "--title", "Kept"], env=env, cwd=folder))
    return journal


@pytest.mark.parametrize("command", [["list"], ["add", "--title", "x"], ["backup"], ["check"], ["backups"]])
def test_dev_null_as_the_journal_is_refused_and_nothing_appears_beside_it(
    tmp_path: Path, env: dict[str, str], command: list[str]
) -> None:
    before = sorted(os.listdir("/dev"))
    result = run(["--journal", "/dev/null", *command], env=env, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    if command == ["backups"]:  # only lists: there is nothing beside /dev/null
        assert result.returncode == 0 and "No backups of /dev/null yet" in result.stdout
    else:
        assert result.returncode == 1 and "/dev/null is a device, not a journal file" in result.stderr
        assert "sound" not in result.stdout + result.stderr
    assert sorted(os.listdir("/dev")) == before, "no /dev/null-journal, no /dev/null.backups"


def test_a_named_pipe_as_the_journal_is_refused_at_once(tmp_path: Path, env: dict[str, str]) -> None:
    pipe = tmp_path / "pipe.journal"
    os.mkfifo(pipe)
    for command in (["list"], ["add", "--title", "x"], ["check"], ["backup"]):
        result = run(["--journal", str(pipe), *command], env=env, cwd=tmp_path)  # run() gives up after 60 s
        assert result.returncode == 1 and "is a named pipe (FIFO), not a journal file" in result.stderr


def test_check_on_an_empty_file_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    empty = tmp_path / "empty.journal"
    empty.touch()
    out = succeeded(run(["--journal", str(empty), "check"], env=env, cwd=tmp_path))
    assert out == (
        f"{empty} holds no journal yet (it is empty): there is nothing to check. "
        "The window or `journal add` makes it a journal.\n"
    )
    assert empty.stat().st_size == 0


def without_file_permissions(args: list[str]) -> list[str]:
    """Run as root (CI) without the capabilities that let root ignore file permissions, so a read-only
    folder is read-only for it too; as another user, the permissions apply anyway."""
    if os.geteuid() != 0:
        return args
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's permission override")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *args]


def run_restricted(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = without_file_permissions([sys.executable, "-m", "journal", *args])
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def test_a_backup_into_a_read_only_folder_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    journal = journal_with_a_story(tmp_path, env)
    before = file_hash(journal)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    shelf.chmod(0o555)
    try:
        message = one_line_error(run_restricted(["--journal", str(journal), "backup", str(shelf)], env, tmp_path), 1)
        assert message == (
            f"journal: The backup cannot be written in {shelf} (Permission denied); choose a folder you can write "
            "to (`journal backup FOLDER`). The journal was not changed."
        )
        assert list(shelf.iterdir()) == []
        # The journal's own folder read-only: its backups folder cannot be made there.
        tmp_path.chmod(0o555)
        message = one_line_error(run_restricted(["--journal", str(journal), "backup"], env, tmp_path), 1)
        assert message.startswith(f"journal: The backup cannot be written in {tmp_path} (Permission denied)")
    finally:
        tmp_path.chmod(0o755)
        shelf.chmod(0o755)
    assert file_hash(journal) == before
    assert not (tmp_path / "j.journal.backups").exists()


def test_a_file_where_the_backups_folder_should_be_is_named(tmp_path: Path, env: dict[str, str]) -> None:
    journal = journal_with_a_story(tmp_path, env)
    (tmp_path / "j.journal.backups").write_text("not a folder")
    message = one_line_error(run(["--journal", str(journal), "backup"], env=env, cwd=tmp_path), 1)
    assert message == (
        f"journal: {tmp_path / 'j.journal.backups'} is a file, where the journal keeps its backups folder; "
        "move that file aside and try again. The journal was not changed."
    )


KILLED_MID_BACKUP = """
import os, signal, sys
from pathlib import Path
from journal.store import backups
def killed(path):  # the copy is written, not yet verified: the moment a power cut or kill -9 hits
    os.kill(os.getpid(), signal.SIGKILL)
backups.quick_check = killed
backups.make_backup(Path(sys.argv[1]))
"""


def test_a_killed_backup_leaves_a_partial_file_that_the_next_backup_removes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    journal = journal_with_a_story(tmp_path, env)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_BACKUP, str(journal)], env=env, cwd=tmp_path, timeout=60, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    folder = tmp_path / "j.journal.backups"
    left = [path.name for path in folder.iterdir()]
    assert left and all(name.startswith(".") and ".partial" in name for name in left), left
    out = succeeded(run(["--journal", str(journal), "backup"], env=env, cwd=tmp_path))
    assert out.startswith("Backed up 1 stories to")
    names = [path.name for path in folder.iterdir()]
    assert len(names) == 1 and not names[0].startswith("."), names
