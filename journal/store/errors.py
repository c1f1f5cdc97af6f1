"""Problems with a journal file that a person can act on. Each message says what happened and what to do."""

from __future__ import annotations

from pathlib import Path


class JournalError(Exception):
    """The journal cannot be opened or written; str(error) is a plain sentence for the user."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class NotAJournalError(JournalError):
    pass


class JournalTooNewError(JournalError):
    pass


class JournalUnreadableError(JournalError):
    pass


class JournalReadOnlyError(JournalError):
    pass


class StoryNotFoundError(LookupError):
    """No story with that id (or id prefix)."""


def write_problem(reason: object) -> str:
    """What SQLite's complaint about a failed write means, and what to do, as a phrase."""
    text = str(reason)
    if "full" in text:
        return f"the disk is full ({text}); free some space on it"
    if "locked" in text or "busy" in text:
        return f"another program is writing to the journal ({text}); it usually finishes in a moment"
    if "I/O" in text or "disk" in text:
        return f"the disk reported an error ({text}); check that the drive is still connected"
    if "readonly" in text or "read-only" in text:
        return f"the journal file cannot be written ({text}); check its permissions"
    return f"the journal could not be written ({text})"
