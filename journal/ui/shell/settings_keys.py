"""Window settings that belong to one journal file live under `journals/<key>/`, the key made from its path."""

from __future__ import annotations

import hashlib
from pathlib import Path


def journal_key(path: Path) -> str:
    return hashlib.sha1(str(path).encode()).hexdigest()[:16]


def journal_setting(path: Path, name: str) -> str:
    """The settings key of `name` for the journal at `path` (its last story, where it was last opened)."""
    return f"journals/{journal_key(path)}/{name}"
