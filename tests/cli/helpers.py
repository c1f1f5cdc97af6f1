"""What the command-line tests share: a user's environment, running `journal` as a subprocess as a user
does, and reading what it printed."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment with data and config folders under `home`; STORY_JOURNAL only if given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"STORY_JOURNAL", "FORCE_COLOR", "PYTHON_COLORS", "PYTHONIOENCODING"}
    }
    env.update(
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        PYTHONUTF8="1",  # the output is decoded as UTF-8 below, whatever the machine's locale
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def default_journal(home: Path) -> Path:
    return home / "data" / "story-journal" / "stories.journal"


def run(args: Sequence[str], *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`journal ARGS` as a user runs it, from outside the source tree so that the installed package runs."""
    return subprocess.run(
        [sys.executable, "-m", "journal", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    """The stdout of a command that must succeed quietly (a warning or a traceback on stderr fails it)."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The single stderr line of a refused command, which printed nothing on stdout."""
    assert result.returncode == status, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr == lines[0] + "\n"
    return lines[0]


def added_id(result: subprocess.CompletedProcess[str]) -> str:
    """`journal add` prints exactly one line: the new story's full UUID."""
    out = succeeded(result)
    story_id = out.removesuffix("\n")
    assert out == story_id + "\n"
    assert "\n" not in story_id
    assert str(uuid.UUID(story_id)) == story_id
    return story_id
