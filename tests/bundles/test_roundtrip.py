"""Export a bundle, import it into an empty journal: every story, tag, link (every column), snapshot and
reading arrives identical, as stored, and so do the tombstones of stories deleted for good; importing the
same bundle again changes nothing. Real files."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.store import stories as story_store
from journal.store.database import open_journal
from journal.store.fields import Consent, LinkKind, Status
from journal.store.models import CoverageLink, LinkSnapshot, Reading, Story, StoryTag, Tag, new_id
from tests.bundles.helpers import dump, transfer

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
word = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12)
title = st.lists(word, min_size=1, max_size=5).map(" ".join)
moment = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
    lambda value: value.replace(tzinfo=dt.UTC)
)
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1))
tag_name = st.lists(word, min_size=1, max_size=2).map("/".join)
color = st.none() | st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)


@st.composite
def links(draw: Any) -> dict[str, Any]:
    return {
        "url": "https://example.com/" + draw(word),
        "title": draw(text),
        "outlet": draw(text),
        "author": draw(text),
        "published": draw(st.none() | day),
        "kind": draw(st.sampled_from([kind.value for kind in LinkKind])),
        "comment_count": draw(st.none() | st.integers(0, 10**6)),
        "notes": draw(text),
        "created_at": draw(moment),
        "updated_at": draw(moment),
        "description": draw(text),
        "canonical_url": draw(text),
        "typed_fields": draw(st.sampled_from(["", "title", "title,outlet"])),
        "fetch_state": draw(st.sampled_from(["to_fetch", "fetched", "failed"])),
        "fetched_at": draw(st.none() | moment),
        "fetch_error": draw(text),
        "health": draw(st.sampled_from(["unknown", "ok", "moved", "dead"])),
        "http_status": draw(st.none() | st.integers(100, 599)),
        "final_url": draw(text),
        "checked_at": draw(st.none() | moment),
        "snapshot": draw(st.none() | st.tuples(moment, text, text, st.text(max_size=300))),
        "readings": draw(
            st.lists(st.tuples(st.sampled_from(["comments", "views"]), st.integers(-5, 10**9), moment), max_size=2)
        ),
    }


@st.composite
def stories(draw: Any) -> dict[str, Any]:
    return {
        "title": draw(title),
        "occurred": draw(st.none() | day),
        "organization": draw(text),
        "employees": draw(text),
        "channel": draw(text),
        "customer_name": draw(text),
        "customer_contact": draw(text),
        "consent": draw(st.sampled_from([c.value for c in Consent])),
        "situation": draw(st.text(max_size=200)),
        "policy": draw(text),
        "action": draw(text),
        "cost_cents": draw(st.none() | st.integers(0, 10**12)),
        "currency": draw(st.sampled_from(["", "USD", "EUR"])),
        "outcome": draw(text),
        "internal_notes": draw(text),
        "status": draw(st.sampled_from([s.value for s in Status])),
        "created_at": draw(moment),
        "updated_at": draw(moment),
        "tags": draw(st.lists(st.tuples(tag_name, color), max_size=3, unique_by=lambda t: t[0].casefold())),
        "links": draw(st.lists(links(), max_size=3)),
        "story_readings": draw(st.lists(st.tuples(st.integers(0, 100), moment), max_size=2)),
        "purged": draw(st.booleans()),  # deleted for good before the export: travels as a tombstone
    }


def fill(journal: Any, drawn: list[dict[str, Any]]) -> None:
    with journal.write() as session:
        tags: dict[str, Tag] = {}
        for data in drawn:
            story = Story(**{k: v for k, v in data.items() if k not in ("tags", "links", "story_readings", "purged")})
            session.add(story)
            session.flush()
            for name, tag_color in data["tags"]:
                tag = tags.get(name.casefold())
                if tag is None:
                    tag = tags[name.casefold()] = Tag(name=name, color=tag_color)
                    session.add(tag)
                    session.flush()
                session.add(StoryTag(story_id=story.id, tag_id=tag.id))
            for position, link_data in enumerate(data["links"]):
                fields = {k: v for k, v in link_data.items() if k not in ("snapshot", "readings")}
                link = CoverageLink(**fields, story_id=story.id, position=position, id=new_id())
                session.add(link)
                session.flush()
                if link_data["snapshot"] is not None:
                    fetched, url, content_type, body = link_data["snapshot"]
                    session.add(
                        LinkSnapshot(
                            link_id=link.id,
                            fetched_at=fetched,
                            url=url or "https://example.com/x",
                            content_type=content_type,
                            title=url,
                            text=body,
                        )
                    )
                for metric, value, taken in link_data["readings"]:
                    session.add(Reading(story_id=story.id, link_id=link.id, metric=metric, value=value, taken_at=taken))
            for value, taken in data["story_readings"]:
                session.add(Reading(story_id=story.id, metric="search_rank", query="q", value=value, taken_at=taken))
            if data["purged"]:
                story.deleted_at = story.created_at
    with journal.write() as session:
        story_store.purge_deleted(session=session)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(stories(), min_size=1, max_size=4))
def test_export_then_import_into_an_empty_journal_is_identical_and_a_second_import_changes_nothing(
    drawn: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        source, target = open_journal(folder / "source.journal"), open_journal(folder / "target.journal")
        try:
            fill(source, drawn)
            plan = transfer(source, target, folder)
            kept = sum(1 for data in drawn if not data["purged"])
            assert plan.counts()["new"] == kept
            assert dump(target, with_tag_ids=False) == dump(source, with_tag_ids=False)
            assert len(dump(target)["story"]) == kept
            assert len(dump(target)["tombstone"]) == len(drawn) - kept
            before = dump(target)
            again = transfer(source, target, folder)
            assert again.counts() == {"new": 0, "updated": 0, "unchanged": len(drawn), "conflicts": 0, "deletions": 0}
            assert dump(target) == before
        finally:
            source.close()
            target.close()
