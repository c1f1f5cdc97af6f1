"""Link health: does the page still answer, did it move for good, is it gone?

2xx → ok; a 301/308 on the way to a 2xx → moved (with the final address); 404/410 → dead. A timeout, a
refused connection, a server error: the previous health stays (a laptop offline must not bury every link),
only the error and the time are recorded. The snapshot is never touched here, so a dead link keeps its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from journal.coverage.capture import health_of, record_health
from journal.coverage.fetch import FetchError, FetchSettings, describe_status, get

if TYPE_CHECKING:
    import httpx
    from sqlmodel import Session


@dataclass
class Check:
    url: str
    health: str | None  # ok | moved | dead, or None when the answer did not tell
    status: int | None = None
    final_url: str = ""
    error: str = ""
    offline: bool = False
    private: bool = False  # refused: a private address


def check_url(url: str, settings: FetchSettings, client: httpx.Client) -> Check:
    """Ask for the page (headers only: the body is not read). Never raises for network trouble."""
    try:
        response = get(url, settings, client, read_body=False)
    except FetchError as failure:
        return Check(url, None, error=str(failure), offline=failure.offline, private=failure.private)
    health = health_of(response)
    problem = "" if health in ("ok", "moved") else describe_status(response.status)
    return Check(url, health, response.status, response.final_url, problem)


@dataclass
class Checked:
    link_id: str
    story_id: str
    health: str  # the link's health after the check
    changed: bool  # the health differs from before
    answered: bool  # the site's answer told the health (else the previous health stays)
    error: str = ""
    offline: bool = False
    final_url: str = ""


def store_check(link_id: str, check: Check, *, session: Session) -> Checked | None:
    """Record `check` on the link (unless it was removed, or its address changed, meanwhile)."""
    from journal.store.models import CoverageLink, utcnow

    link = session.get(CoverageLink, link_id)
    if link is None or link.url != check.url:
        return None
    before = link.health
    now = utcnow()
    if check.status is not None:
        record_health(link, check.health, check.status, check.final_url, now)
    else:
        link.checked_at = now
    answered = check.health is not None
    return Checked(
        link.id, link.story_id, link.health, link.health != before, answered, check.error, check.offline, link.final_url
    )


def all_link_ids(*, session: Session) -> list[str]:
    """Every link of the stories not in the bin, least recently checked first."""
    from sqlmodel import col, select

    from journal.store.models import CoverageLink, Story

    query = (
        select(CoverageLink.id)
        .join(Story, col(Story.id) == col(CoverageLink.story_id))
        .where(col(Story.deleted_at).is_(None))
        .order_by(col(CoverageLink.checked_at).is_not(None), col(CoverageLink.checked_at))
    )
    return list(session.exec(query).all())


HEALTH_LABELS = {"ok": "OK", "moved": "Moved", "dead": "Dead", "unknown": "Not checked"}
__all__ = ["HEALTH_LABELS", "Check", "Checked", "all_link_ids", "check_url", "describe_status", "store_check"]
