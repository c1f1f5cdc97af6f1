"""Where a laptop keeps its device token: the system's keyring (Secret Service, Keychain, Windows
Credential Locker, through the `keyring` package) when one is usable, otherwise a file in the user's config
folder that only the user can read (0600). The token is never in the journal file (journals are backed up,
copied and handed over), and the password is never kept anywhere.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path

from journal.paths import APP_DIR_NAME

SERVICE = "story-journal team"
KEYRING, FILE = "keyring", "file"


@dataclass(frozen=True)
class Stored:
    where: str  # KEYRING or FILE
    description: str  # for a person: "the system keyring (SecretService)" or "the file ... (only you can read it)"


def token_folder() -> Path:
    return user_config_path(APP_DIR_NAME, appauthor=False) / "team-tokens"


def _token_file(device_id: str) -> Path:
    return token_folder() / f"{device_id}.token"


def _usable_keyring() -> object | None:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def store(device_id: str, token: str) -> Stored:
    backend = _usable_keyring()
    if backend is not None:
        try:
            backend.set_password(SERVICE, device_id, token)  # type: ignore[attr-defined]
            if backend.get_password(SERVICE, device_id) == token:  # type: ignore[attr-defined]
                return Stored(KEYRING, f"the system keyring ({type(backend).__name__})")
        except Exception:  # a keyring that fails for any reason: the file below instead
            pass
    path = _token_file(device_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    temporary = path.with_suffix(".part")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(token)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return Stored(FILE, f"the file {path} (only you can read it; no usable system keyring here)")


def load(device_id: str, where: str) -> str | None:
    if where == KEYRING:
        backend = _usable_keyring()
        if backend is None:
            return None
        try:
            found = backend.get_password(SERVICE, device_id)  # type: ignore[attr-defined]
        except Exception:
            return None
        return None if found is None else str(found)
    try:
        return _token_file(device_id).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def forget(device_id: str, where: str) -> None:
    if where == KEYRING:
        backend = _usable_keyring()
        if backend is not None:
            with contextlib.suppress(Exception):
                backend.delete_password(SERVICE, device_id)  # type: ignore[attr-defined]
    _token_file(device_id).unlink(missing_ok=True)
