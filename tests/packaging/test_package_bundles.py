"""The built app reads bundles as the package does: its streaming JSON parser (ijson, found by name at run
time) is inside the folder, a bundle exported by the app imports into another journal, and a hostile one is
refused in one sentence."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.packaging.test_package import app, bundle, home, run  # noqa: F401 (fixtures)

pytestmark = pytest.mark.packaging


def test_a_bundle_travels_and_a_hostile_one_is_refused(bundle: Path, home: Path, tmp_path: Path) -> None:  # noqa: F811
    source, target, handed = tmp_path / "anna.journal", tmp_path / "ben.journal", tmp_path / "anna.sjbundle"
    assert run(app(bundle), home, "--journal", str(source), "add", "--title", "Courier came back").returncode == 0
    assert run(app(bundle), home, "--journal", str(source), "bundle", "export", str(handed)).returncode == 0
    imported = run(app(bundle), home, "--journal", str(target), "bundle", "import", str(handed))
    assert imported.returncode == 0 and "1 new" in imported.stdout, imported.stderr
    hostile = tmp_path / "hostile.sjbundle"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("bundle.json", '{"format": "story-journal-bundle", "version": 1, "stories": [{"n": 1}]}')
    refused = run(app(bundle), home, "--journal", str(target), "bundle", "import", str(hostile))
    assert refused.returncode == 1 and refused.stderr.startswith("journal: Story 1 in the bundle:"), refused.stderr
