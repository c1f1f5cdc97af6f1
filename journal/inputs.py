"""What comes from outside, checked before it is trusted: files a person names (regular files only, read up
to a bound) and text (no bytes that are not text, no NUL characters).

A named pipe (FIFO) blocks whoever opens it until something writes to it, and a device such as /dev/zero
never ends: both hang a program that opens or reads a path blindly. So a path is opened without waiting
(O_NONBLOCK) and refused unless it is a regular file, and every read stops at a limit.

Text: arguments arrive decoded with Python's "surrogateescape", so bytes that are not UTF-8 become lone
surrogates, which no file, database or terminal can hold. They are refused with a sentence (the person can
fix their terminal's encoding); a NUL character means nothing in a story and is removed wherever text enters
the journal (see journal.store.database, which removes it from every value written).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

_SURROGATE = re.compile("[\ud800-\udfff]")


class InputFileError(ValueError):
    """A path that cannot be read as the file it should be; str(error) is a sentence for people."""


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path, what: str = "file") -> BinaryIO:
    """Open `path` for reading, refusing at once (never waiting) what is not a regular file.

    `what` names the file expected ("spreadsheet", "bundle") in the message."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise InputFileError(f"There is no file at {path}. Check the name and try again.") from None
    except IsADirectoryError:
        raise InputFileError(f"{path} is a folder; choose a {what}.") from None
    except PermissionError:
        raise InputFileError(f"{path} cannot be read: permission denied. Check the file's permissions.") from None
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read ({exc.strerror}).") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise InputFileError(f"{path} is {kind_of(mode)}, not a {what}; choose a {what} saved on the disk.")
    if hasattr(os, "set_blocking"):
        os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def read_bounded(handle: BinaryIO, limit: int) -> bytes | None:
    """At most `limit` bytes of `handle`; None when there is more than that."""
    data = handle.read(limit + 1)
    return None if len(data) > limit else data


def not_text(text: str) -> bool:
    """True when `text` holds bytes that were not readable text (lone surrogates from undecodable input)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def without_nul(text: str) -> str:
    return text.replace("\x00", "") if "\x00" in text else text


def storable(text: str) -> str:
    """`text` as the journal keeps it: without NUL characters, and with a replacement character (U+FFFD) for
    any byte that was not text (the command line and the importers refuse those before; this is the last
    guard, for every value written to the journal file)."""
    if text.isascii():
        return without_nul(text)
    return _SURROGATE.sub("\ufffd", without_nul(text))


def storable_parameters(parameters: Any) -> Any:
    """SQL parameters (a sequence, a mapping, or a list of those for executemany) with every text storable."""
    if isinstance(parameters, list):
        if _all_storable(parameters):
            return parameters
        return [storable_parameters(row) for row in parameters]
    if isinstance(parameters, dict):
        if any(isinstance(value, str) and _unstorable(value) for value in parameters.values()):
            return {key: storable(value) if isinstance(value, str) else value for key, value in parameters.items()}
        return parameters
    if isinstance(parameters, tuple) and any(isinstance(value, str) and _unstorable(value) for value in parameters):
        return tuple(storable(value) if isinstance(value, str) else value for value in parameters)
    return parameters


def _all_storable(rows: list[Any]) -> bool:
    """Whether every text in these rows (for executemany) is storable already: one look at all of them joined, not
    one per value (a first sync writes a million values)."""
    texts: list[str] = []
    for row in rows:
        values = row.values() if isinstance(row, dict) else row if isinstance(row, tuple | list) else (row,)
        texts += [value for value in values if isinstance(value, str)]
    return not _unstorable("".join(texts))


def _unstorable(text: str) -> bool:
    return "\x00" in text or (not text.isascii() and _SURROGATE.search(text) is not None)
