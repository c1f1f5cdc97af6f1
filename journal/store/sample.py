"""The sample journal: well-known public stories, kept as JSON in resources/, loaded into a journal file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from journal.paths import resources_dir
from journal.store.database import Journal
from journal.store.fields import (
    CHANNELS,
    Consent,
    FieldError,
    LinkKind,
    Status,
    enum_value,
    parse_cost,
    parse_currency,
    parse_date,
    parse_title,
    parse_url,
)
from journal.store.listing import count_stories
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate, create_story

SAMPLE_FORMAT = "story-journal-sample"


def sample_file() -> Path:
    return resources_dir() / "sample-journal.json"


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key) or ""
    if not isinstance(value, str):
        raise FieldError(f"'{key}' must be text")
    return value


def _story(record: dict[str, Any]) -> StoryCreate:
    links = [
        CoverageLinkBase(
            url=parse_url(_text(link, "url")),
            title=_text(link, "title"),
            outlet=_text(link, "outlet"),
            author=_text(link, "author"),
            published=parse_date(_text(link, "published")),
            kind=enum_value(LinkKind, _text(link, "kind") or "other", "kind of link"),
            comment_count=link.get("comment_count"),
            notes=_text(link, "notes"),
        )
        for link in record.get("links", [])
    ]
    channel = _text(record, "channel")
    if channel and channel not in CHANNELS:
        raise FieldError(f"unknown channel {channel!r}")
    return StoryCreate(
        title=parse_title(_text(record, "title")),
        occurred=parse_date(_text(record, "occurred")),
        organization=_text(record, "organization"),
        employees=_text(record, "employees"),
        channel=channel,
        customer_name=_text(record, "customer_name"),
        customer_contact=_text(record, "customer_contact"),
        consent=enum_value(Consent, _text(record, "consent") or "unknown", "consent"),
        situation=_text(record, "situation"),
        policy=_text(record, "policy"),
        action=_text(record, "action"),
        cost_cents=parse_cost(_text(record, "cost_amount")),
        currency=parse_currency(_text(record, "currency")),
        outcome=_text(record, "outcome"),
        internal_notes=_text(record, "internal_notes"),
        status=enum_value(Status, _text(record, "status") or "draft", "status"),
        tags=list(record.get("tags", [])),
        links=links,
    )


def read_sample(path: Path | None = None) -> list[StoryCreate]:
    """The sample stories, validated as strictly as anything a person types."""
    document = json.loads((path or sample_file()).read_text(encoding="utf-8"))
    if document.get("format") != SAMPLE_FORMAT or document.get("version") != 1:
        raise FieldError("the sample journal file has an unknown format")
    return [_story(record) for record in document["stories"]]


def fill_with_sample(journal: Journal) -> int:
    """Add the sample stories to an empty journal; returns how many were added (0 if it had stories)."""
    stories = read_sample()
    with journal.write() as session:
        if count_stories(session=session):
            return 0
        for story in stories:
            create_story(story, session=session)
    return len(stories)
