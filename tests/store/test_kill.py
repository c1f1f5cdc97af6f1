"""SIGKILL at random moments while stories are saved: every save reported done survives (benchmarks/kill_test.py;
the 200-kill run is its default, this is a 20-kill run of the same script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "kill_test.py"


@pytest.mark.slow
def test_saves_reported_done_survive_sigkill(tmp_path: Path) -> None:
    journal = tmp_path / "kill.journal"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--kills", "20", "--seed", "7", "--journal", str(journal), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    figures = json.loads(result.stdout.splitlines()[-1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert figures["kills"] == 20
    assert figures["reported_saves"] > 100, "the child saved in a loop between kills"
    assert figures["missing"] == 0 and figures["stale"] == 0
    assert figures["integrity"] == "ok"
    assert figures["stories_in_journal"] >= figures["stories"]
