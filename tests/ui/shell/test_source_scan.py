"""The window's modules are imported without PySide6 keeping their source text (journal/ui/source_scan.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# What `journal` imports to open the window, in the same order (journal/__main__.py), then what the answer is.
PROBE = """
import json, linecache, sys
import journal.ui.shell.first_paint
import journal.app
import shibokensupport.feature as feature
kept = sorted(name for name in linecache.cache if name.endswith(".py"))
decided = {name: feature.pyside_feature_dict.get(name) for name in sys.argv[1:]}
print(json.dumps({"kept": kept, "decided": decided, "hook": feature._mod_uses_pyside.__module__}))
"""

# Modules whose source mentions PySide6 (PySide6 marks them 0, "no feature") and modules whose source does not
# (-1, "ignore"): the same answers PySide6's own check gives.
MENTIONS = ["journal.ui.shell.main_window", "journal.ui.stories.list_model"]
SILENT = ["journal.store.database", "journal.store.listing", "sqlalchemy.orm.session"]


def test_opening_the_window_keeps_no_module_source_in_memory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *MENTIONS, *SILENT],
        env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["hook"] == "journal.ui.source_scan", (
        "PySide6's source check was not replaced: its hook (shibokensupport.feature._mod_uses_pyside) moved; "
        "adapt journal/ui/source_scan.py to the PySide6 release"
    )
    # Before: every imported module's whole file (~700 files, ~340,000 lines); now none of the window's own,
    # and only the few read while shiboken6 itself was loaded, before the check could be replaced.
    assert [name for name in found["kept"] if "/journal/" in name] == []
    assert len(found["kept"]) < 10, found["kept"]
    assert found["decided"] == {**{name: 0 for name in MENTIONS}, **{name: -1 for name in SILENT}}
