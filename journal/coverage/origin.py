"""Where a coverage link came from (coverage_link.origin), kept apart so the window reads it without importing
the page-capture code."""

from __future__ import annotations

# coverage_link.origin: "" for a link added on this laptop; otherwise where it came from ("bundle FILE", or the
# team). Only links added here are fetched unasked, and the origin never travels (bundles.records.LINK_COLUMNS).
SYNC_ORIGIN = "team sync"


def origin_description(origin: str) -> str:
    """Where a received link came from, for people: "the team", or the bundle's file."""
    return "the team" if origin == SYNC_ORIGIN else origin.removeprefix("bundle ")
