"""What can go wrong when a person asks the radar for something; each message says what to do."""

from __future__ import annotations


class RadarError(Exception):
    """A request the radar cannot carry out; `str(error)` is a sentence for people."""


class NotFound(RadarError, LookupError):
    """No source, suggestion or entry with that id."""
