"""A 100 MB bundle.json of small objects (zipped to about a third of that: no compression bomb) is refused
in plain words within a memory limit that reading it whole (json.loads: 1.8 GB at its peak) breaks.
The figures: benchmarks/bundle_memory.py."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bundle_memory import hostile_documents, write_bundle
from tests.bundles.helpers import file_hash
from tests.cli.helpers import succeeded, user_env

LIMIT = 1024 * 1024 * 1024  # bytes of address space for the whole process, libraries included


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@pytest.mark.slow
def test_a_100_mb_document_of_small_objects_is_refused_within_1_gb(tmp_path: Path) -> None:
    env = user_env(tmp_path / "home")
    journal = tmp_path / "j.journal"
    succeeded(
        subprocess.run(
            [sys.executable, "-m", "journal", "--journal", str(journal), "add", "--title", "Kept"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        )
    )  # fmt: skip
    before = file_hash(journal)
    for case, document in hostile_documents(100).items():
        bundle = tmp_path / "objects.sjbundle"
        write_bundle(bundle, document)
        result = subprocess.run(
            [sys.executable, "-m", "journal", "--journal", str(journal), "bundle", "import", str(bundle)],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False, preexec_fn=limited,
        )  # fmt: skip
        assert result.returncode == 1, (case, result.stderr[-2000:])
        assert "MemoryError" not in result.stderr and len(result.stderr.splitlines()) == 1, (case, result.stderr)
        assert "it was not imported" in result.stderr or "The bundle was not imported" in result.stderr, result.stderr
        assert file_hash(journal) == before
