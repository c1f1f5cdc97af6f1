"""One window per journal, across real processes: a second `journal` brings the first window to the front;
a socket left by a killed window does not block the next start; `journal restore` waits for the window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from journal.app import JournalApp
from journal.instance import PING, ask_running_window
from journal.store.backups import make_backup
from tests.cli.helpers import user_env
from tests.damage import digest, make_journal


def journal_process(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = user_env(tmp_path / "home", QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "journal", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_start_on_the_same_journal_raises_the_first_window(
    qtbot: QtBot, settings: QSettings, tmp_path: Path, journal_path: Path
) -> None:
    make_journal(journal_path, 2)
    app = JournalApp(settings)
    assert app.open(journal_path)
    assert app.window is not None
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app._instance.raise_requested, timeout=30_000):
        second = journal_process(tmp_path, "--journal", str(journal_path))
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=30_000)
    out, err = second.communicate()
    assert second.returncode == 0, err
    assert out == "" and err == ""
    app.close()


def test_a_socket_left_by_a_killed_window_does_not_block_the_next_one(
    qtbot: QtBot, tmp_path: Path, journal_path: Path
) -> None:
    make_journal(journal_path, 2)
    backup = make_backup(journal_path)
    first = journal_process(tmp_path, "--journal", str(journal_path))
    qtbot.waitUntil(lambda: ask_running_window(journal_path, PING), timeout=30_000)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    assert not ask_running_window(journal_path, PING)

    second = journal_process(tmp_path, "--journal", str(journal_path))
    try:
        qtbot.waitUntil(lambda: ask_running_window(journal_path, PING), timeout=30_000)
        assert second.poll() is None, "the second window started and stays open"
        # While the window has it open, `journal restore` refuses and changes nothing.
        before = digest(journal_path)
        refused = subprocess.run(
            [sys.executable, "-m", "journal", "--journal", str(journal_path), "restore", str(backup.path)],
            env=user_env(tmp_path / "home"),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert refused.returncode == 1 and "is open in a window" in refused.stderr
        assert digest(journal_path) == before
    finally:
        second.send_signal(signal.SIGTERM)  # closes the window the normal way
        second.communicate(timeout=30)
    assert second.returncode == 0
