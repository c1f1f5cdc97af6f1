"""Reach over time: dated readings of a story or one of its links (comments, shares, views, search rank).

A reading is typed by a person or read from a fetched page. The latest reading of each (metric, link, query)
is what the story shows at a glance; all of them are its history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.store.fields import FieldError
from journal.store.models import CoverageLink, Reading, utcnow
from journal.words import counted

METRICS: dict[str, str] = {
    "comments": "Comments",
    "shares": "Shares",
    "views": "Views",
    "search_rank": "Search rank",
}
SOURCES = ("typed", "fetched")
MAX_VALUE = 10**12  # more than every person on earth, many times over: a typing mistake
QUERY_MAX = 200
EDITABLE = ("metric", "value", "query", "link_id", "taken_at")


@dataclass(frozen=True)
class ReadingRead:
    id: str
    story_id: str
    link_id: str | None
    metric: str
    query: str
    value: int
    taken_at: dt.datetime
    source: str

    @classmethod
    def of(cls, row: Reading) -> ReadingRead:
        return cls(row.id, row.story_id, row.link_id, row.metric, row.query, row.value, row.taken_at, row.source)


# ------------------------------------------------------------ parsing what a person types
def parse_metric(text: str) -> str:
    value = text.strip().lower().replace(" ", "_").replace("-", "_")
    for key, label in METRICS.items():
        if value in (key, label.lower().replace(" ", "_"), "rank" if key == "search_rank" else key):
            return key
    raise FieldError(f"'{text.strip()}' is not a kind of reading; use one of: {', '.join(METRICS)}.")


def parse_value(text: str, metric: str = "comments") -> int:
    cleaned = text.strip().replace(",", "").replace("_", "").replace("+", "")
    if metric == "search_rank":
        cleaned = cleaned.removeprefix("#").rstrip(".").removesuffix("st").removesuffix("nd")
        cleaned = cleaned.removesuffix("rd").removesuffix("th")
    if not cleaned:
        raise FieldError("Give a number, e.g. 143.")
    if not (cleaned.isascii() and cleaned.isdecimal()):
        raise FieldError(f"'{text.strip()[:40]}' is not a whole number; write it as digits, e.g. 143.")
    if len(cleaned) > len(str(MAX_VALUE)):
        raise FieldError("That number is too large; check it.")
    return int(cleaned)


def parse_day(text: str) -> dt.datetime:
    """A date typed as YYYY-MM-DD, as the moment the reading was taken: now for today, else noon UTC that day."""
    text = text.strip()
    if not text:
        return utcnow()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-02.") from None
    return at_day(day)


def at_day(day: dt.date) -> dt.datetime:
    if day == dt.date.today():
        return utcnow()
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def check(metric: str, value: int, query: str, taken_at: dt.datetime, source: str = "typed") -> None:
    """Refuse a reading that cannot be right, with a sentence saying what to type instead."""
    if metric not in METRICS:
        raise FieldError(f"'{metric}' is not a kind of reading; use one of: {', '.join(METRICS)}.")
    if source not in SOURCES:
        raise FieldError(f"'{source}' is not a source; use typed or fetched.")
    if value < 0:
        raise FieldError("A count cannot be negative; give zero or more.")
    if value >= MAX_VALUE:
        raise FieldError("That number is too large; check it.")
    if metric == "search_rank":
        if value < 1:
            raise FieldError("A search rank starts at 1 (the first result); give 1 or more.")
        if not query.strip():
            raise FieldError("A search rank needs the search it was measured for, e.g. “Zappos customer service”.")
    if len(query) > QUERY_MAX:
        raise FieldError(f"Keep the search under {QUERY_MAX} characters.")
    if taken_at.tzinfo is None:
        raise FieldError("The date of a reading needs a time zone.")
    if taken_at.date() > dt.date.today() + dt.timedelta(days=1) or taken_at > utcnow() + dt.timedelta(days=1):
        raise FieldError("A reading cannot be taken in the future; give today's date or an earlier one.")


# ------------------------------------------------------------ writing
def _check_link(story_id: str, link_id: str | None, session: Session) -> None:
    if link_id is None:
        return
    owner = session.exec(select(CoverageLink.story_id).where(col(CoverageLink.id) == link_id)).first()
    if owner != story_id:
        raise FieldError("That coverage link is not one of this story's links; choose one of its links or the story.")


def add_reading(
    story_id: str,
    *,
    metric: str,
    value: int,
    query: str = "",
    link_id: str | None = None,
    taken_at: dt.datetime | None = None,
    source: str = "typed",
    reading_id: str | None = None,
    session: Session,
) -> ReadingRead:
    """Record a reading (`reading_id` puts back one that was deleted, for undo)."""
    taken_at = taken_at or utcnow()
    query = " ".join(query.split()) if metric == "search_rank" else ""
    check(metric, value, query, taken_at, source)
    _check_link(story_id, link_id, session)
    row = Reading(story_id=story_id, link_id=link_id, metric=metric, query=query, value=value)
    row.taken_at = taken_at
    row.source = source
    if reading_id:
        row.id = reading_id
    session.add(row)
    session.flush()
    return ReadingRead.of(row)


def get_reading(reading_id: str, *, session: Session) -> ReadingRead | None:
    row = session.get(Reading, reading_id)
    return None if row is None else ReadingRead.of(row)


def update_reading(reading_id: str, changes: dict[str, Any], *, session: Session) -> bool:
    """Change some fields of a reading; False when there was nothing to change (or it is gone)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    row = session.get(Reading, reading_id)
    if row is None:
        return False
    merged = {name: getattr(row, name) for name in EDITABLE} | changes
    if merged["metric"] != "search_rank":
        merged["query"] = ""
    merged["query"] = " ".join(str(merged["query"]).split())
    check(merged["metric"], merged["value"], merged["query"], merged["taken_at"], row.source)
    _check_link(row.story_id, merged["link_id"], session)
    changed = False
    for name, value in merged.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.source = "typed"  # a person corrected it
        session.add(row)
        session.flush()
    return changed


def delete_reading(reading_id: str, *, session: Session) -> ReadingRead | None:
    """Remove a reading; returns what it was (for undo), or None if it was already gone."""
    row = session.get(Reading, reading_id)
    if row is None:
        return None
    removed = ReadingRead.of(row)
    session.delete(row)
    session.flush()
    return removed


def restore_reading(reading: ReadingRead, *, session: Session) -> ReadingRead:
    """Put back a deleted reading as it was, with its id and source."""
    return add_reading(
        reading.story_id,
        metric=reading.metric,
        value=reading.value,
        query=reading.query,
        link_id=reading.link_id,
        taken_at=reading.taken_at,
        source=reading.source,
        reading_id=reading.id,
        session=session,
    )


# ------------------------------------------------------------ reading
def history(story_id: str, *, session: Session) -> list[ReadingRead]:
    """Every reading of a story and its links, newest first."""
    statement = (
        select(Reading)
        .where(col(Reading.story_id) == story_id)
        .order_by(col(Reading.taken_at).desc(), col(Reading.id).desc())
    )
    return [ReadingRead.of(row) for row in session.exec(statement)]


def latest_of(readings: list[ReadingRead]) -> list[ReadingRead]:
    """The newest reading of each (metric, link, query), in the order given (history is newest first)."""
    seen: set[tuple[str, str | None, str]] = set()
    latest: list[ReadingRead] = []
    for reading in sorted(readings, key=lambda r: (r.taken_at, r.id), reverse=True):
        key = (reading.metric, reading.link_id, reading.query.casefold())
        if key not in seen:
            seen.add(key)
            latest.append(reading)
    return latest


def latest(story_id: str, *, session: Session) -> list[ReadingRead]:
    return latest_of(history(story_id, session=session))


def latest_values(*where: Any) -> Any:
    """SQL: the newest reading of each (story, link, metric, query) among the readings `where` keeps, as a
    subquery with a `newest` column (1 for the newest)."""
    newest = (
        sa.func.row_number()
        .over(
            partition_by=[
                col(Reading.story_id),
                col(Reading.link_id),
                col(Reading.metric),
                sa.func.lower(col(Reading.query)),
            ],
            order_by=[col(Reading.taken_at).desc(), col(Reading.id).desc()],
        )
        .label("newest")
    )
    columns = [col(Reading.story_id), col(Reading.link_id), col(Reading.metric), col(Reading.query)]
    return sa.select(*columns, col(Reading.value), newest).where(*where).subquery("latest_reading")


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def glance(readings: list[ReadingRead]) -> str:
    """The latest figures in one line: "143 comments · 1,200 shares · 4th for “Zappos customer service”"."""
    latest = latest_of(readings)
    parts: list[str] = []
    for metric in ("comments", "shares", "views"):
        values = [r.value for r in latest if r.metric == metric]
        if values:
            total = sum(values)
            parts.append(counted(total, metric.removesuffix("s"), metric, grouped=True))
    ranks = sorted((r for r in latest if r.metric == "search_rank"), key=lambda r: (r.value, r.query.casefold()))
    parts += [f"{ordinal(r.value)} for “{r.query}”" for r in ranks]
    return " · ".join(parts)
