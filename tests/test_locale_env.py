"""Qt starts quietly whatever the user's locale: under LC_ALL=C it would print a warning into every output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from journal.locale_env import prefer_utf8_locale
from tests.cli.helpers import run, succeeded, user_env
from tests.damage import make_journal

START_QT = "from PySide6.QtCore import QCoreApplication; app = QCoreApplication([])"


def c_locale_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C", QT_QPA_PLATFORM="offscreen")
    return env


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=c_locale_env(), capture_output=True, text=True, timeout=60, check=False
    )


def test_qt_warns_under_the_c_locale_unless_the_switch_is_made_first() -> None:
    """The condition is real on this machine (Qt warns), and the switch removes it."""
    bare = python(START_QT)
    assert bare.returncode == 0 and "Detected locale" in bare.stderr
    switched = python(f"from journal.locale_env import prefer_utf8_locale; prefer_utf8_locale(); {START_QT}")
    assert switched.returncode == 0 and switched.stderr == ""


@pytest.mark.parametrize(
    ("environ", "codeset", "expected"),
    [
        ({"LC_ALL": "C"}, "ANSI_X3.4-1968", {"LC_ALL": "C.UTF-8"}),
        ({"LANG": "en_US.ISO-8859-1"}, "ISO-8859-1", {"LANG": "en_US.ISO-8859-1", "LC_CTYPE": "C.UTF-8"}),
        ({"LANG": "de_DE.UTF-8"}, "UTF-8", {"LANG": "de_DE.UTF-8"}),
        ({"LC_ALL": "C.utf8"}, "utf8", {"LC_ALL": "C.utf8"}),
    ],
)
def test_only_a_locale_that_is_not_utf8_is_switched(
    environ: dict[str, str], codeset: str, expected: dict[str, str]
) -> None:
    before = dict(environ)
    changed = prefer_utf8_locale(environ, codeset)
    assert environ == expected
    assert changed == (before != expected)


def test_a_command_that_starts_qt_is_quiet_under_lc_all_c(tmp_path: Path, journal_path: Path) -> None:
    """`journal restore` starts Qt (to ask a running window); its output is only its own sentence."""
    make_journal(journal_path, 3)
    env = user_env(tmp_path / "home", LANG="C", LC_ALL="C")
    succeeded(run(["--journal", str(journal_path), "backup"], env=env, cwd=tmp_path))
    out = succeeded(run(["--journal", str(journal_path), "restore", "1"], env=env, cwd=tmp_path))
    assert "kept as" in out
