"""The window imports its libraries without what it does not need (journal/ui/lean_imports.py): PySide6 keeps no
module's source text, httpx loads no command-line client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# What `journal` imports to open the window, in the same order (journal/__main__.py), then httpx as the first
# link fetched imports it, used against a real server on 127.0.0.1; then what is left in memory.
PROBE = """
import http.server, json, linecache, sys, threading
import journal.ui.shell.first_paint
import journal.app
import journal.coverage.http
import httpx
import shibokensupport.feature as feature

class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=server.handle_request, daemon=True).start()
with httpx.Client() as client:
    fetched = client.get(f"http://127.0.0.1:{server.server_address[1]}/").text
server.server_close()
print(json.dumps({
    "kept": sorted(name for name in linecache.cache if name.endswith(".py")),
    "decided": {name: feature.pyside_feature_dict.get(name) for name in sys.argv[1:]},
    "hook": feature._mod_uses_pyside.__module__,
    "cli": sorted(name for name in sys.modules if name.partition(".")[0] in ("click", "pygments")),
    "fetched": fetched,
}))
"""

# Modules whose source mentions PySide6 (PySide6 marks them 0, "no feature") and modules whose source does not
# (-1, "ignore"): the same answers PySide6's own check gives.
MENTIONS = ["journal.ui.shell.main_window", "journal.ui.stories.list_model"]
SILENT = ["journal.store.database", "journal.store.listing", "sqlalchemy.orm.session"]


def test_the_window_imports_no_source_text_and_no_httpx_command_line(tmp_path: Path) -> None:
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
    assert found["hook"] == "journal.ui.lean_imports", (
        "PySide6's source check was not replaced: its hook (shibokensupport.feature._mod_uses_pyside) moved; "
        "adapt journal/ui/lean_imports.py to the PySide6 release"
    )
    # Before: every imported module's whole file (~700 files, ~340,000 lines); now none of the window's own,
    # and only the few read while shiboken6 itself was loaded, before the check could be replaced.
    assert [name for name in found["kept"] if "/journal/" in name] == []
    assert len(found["kept"]) < 10, found["kept"]
    assert found["decided"] == {**{name: 0 for name in MENTIONS}, **{name: -1 for name in SILENT}}
    # httpx works as the window uses it, without click and Pygments, which its command line would load.
    assert found["fetched"] == "hello"
    assert found["cli"] == []
