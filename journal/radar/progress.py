"""What a radar run reports as it goes and at its end: per source, per phase, in all (no journal, no network)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

READ, UNCHANGED, WAITING, FAILED = "read", "unchanged", "waiting", "failed"


@dataclass
class SourceResult:
    """What reading one source did, for the window and the command line."""

    source_id: str
    name: str
    state: str  # READ, UNCHANGED, WAITING or FAILED
    message: str
    offline: bool = False
    new_entries: int = 0
    known_entries: int = 0
    retry_at: dt.datetime | None = None


@dataclass(frozen=True)
class Progress:
    """Where a run is: `phase` "reading" (sources; `source` is the one just read) or "matching" (entries)."""

    phase: str
    done: int
    total: int
    source: SourceResult | None = None


@dataclass
class FetchReport:
    sources: list[SourceResult] = field(default_factory=list)
    not_tried: int = 0  # offline, or cancelled, before their turn
    backing_off: list[tuple[str, dt.datetime]] = field(default_factory=list)  # (name, not before)
    offline: bool = False
    cancelled: bool = False
    matched: int = 0  # entries matched against the stories
    suggested: int = 0  # new suggestions
