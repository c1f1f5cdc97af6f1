"""What the window does so that importing its libraries costs less memory: two libraries do more at import
than the window needs.

PySide6 (6.11 here; the check came with its change PYSIDE-2029), for its optional `from __feature__ import …`
switches, inspects each module imported after it to learn whether the module mentions PySide6: it calls
`inspect.getsource(module)`, which reads the whole file into `linecache` and keeps it there. For the window's
~700 modules that is ~340,000 lines of text: ~30 MB of the window's memory for as long as it runs (measured
with a 100,000-story journal: 187 → 154 MB), and ~90 ms of start-up spent reading and decoding files.

`spare_source_reading` answers PySide6's question the same way (does the module's file contain "PySide6"?)
by reading the file's bytes once and keeping nothing. The answer only matters to modules that switch on a
feature, which this app never does. If a PySide6 release renames the hook, nothing is replaced and the app
works as before, only heavier; `tests/ui/shell/test_lean_imports.py` then fails and says so.

httpx (imported when the first link is fetched or the team server is asked, often in the first second: links
wait from the last session) imports its command-line client if it can, and that imports click and Pygments,
which the project's other tools install: ~1.6 MB and 18 modules for nothing. `skip_httpx_cli` marks that
module as absent (a None in `sys.modules` makes importing it fail, as Python's import system documents), and
httpx then defines its stub `httpx.main` instead, as when those are not installed.
"""

from __future__ import annotations

import sys
from types import ModuleType

import shiboken6  # noqa: F401  (loads shibokensupport, where the hook lives; before PySide6.QtCore initialises it)

HOOK_MODULE = "shibokensupport.feature"
HOOK = "_mod_uses_pyside"


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file contains "PySide6"; False for modules without one (built-in, compiled,
    frozen), as PySide6's own check answers them."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def spare_source_reading() -> bool:
    """Replace PySide6's source check with `mentions_pyside`; True when the hook was found and replaced."""
    feature = sys.modules.get(HOOK_MODULE)
    if feature is None:
        try:
            feature = __import__(HOOK_MODULE, fromlist=[HOOK])
        except ImportError:
            return False
    if not callable(getattr(feature, HOOK, None)):
        return False
    setattr(feature, HOOK, mentions_pyside)
    return True


def skip_httpx_cli() -> None:
    """httpx without its command-line client (unless it was imported already)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
