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
