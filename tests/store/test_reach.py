"""Readings, per-story impact and the dashboard figures, against real journal files."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from journal.store import impact, readings, stories
from journal.store.database import Journal, open_journal
from journal.store.fields import FieldError
from journal.store.listing import StoryQuery
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate

DAY = dt.timedelta(days=1)


def at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=dt.UTC)


def create(journal: Journal, title: str, **fields) -> str:  # type: ignore[no-untyped-def]
    tags = fields.pop("tags", [])
    with journal.write() as session:
        story_id = stories.create_story(StoryCreate(title=title, **fields), session=session).id
        stories.set_story_tags(story_id, tags, session=session)
        return story_id


def link(journal: Journal, story_id: str, url: str, **fields) -> str:  # type: ignore[no-untyped-def]
    with journal.write() as session:
        return stories.add_link(story_id, CoverageLinkBase(url=url, **fields), session=session).id


def read(journal: Journal, story_id: str, metric: str, value: int, day: str, **more) -> str:  # type: ignore[no-untyped-def]
    with journal.write() as session:
        return readings.add_reading(story_id, metric=metric, value=value, taken_at=at(day), session=session, **more).id


def test_readings_round_trip_and_the_latest_wins(journal: Journal, journal_path: Path) -> None:
    story = create(journal, "Flowers", cost_cents=7500, currency="USD")
    post = link(journal, story, "https://sethgodin.typepad.com/flowers", author="Seth Godin", comment_count=12)
    read(journal, story, "comments", 90, "2026-01-05", link_id=post)
    read(journal, story, "comments", 143, "2026-02-05", link_id=post)
    read(journal, story, "search_rank", 9, "2026-01-05", query="Zappos  customer service")
    read(journal, story, "search_rank", 4, "2026-02-05", query="Zappos customer service")
    read(journal, story, "shares", 30, "2026-02-01")
    journal.close()

    reopened = open_journal(journal_path)
    with reopened.session() as session:
        history = readings.history(story, session=session)
        latest = readings.latest(story, session=session)
        result = impact.story_impact(story, session=session)
    reopened.close()
    newest_first = [(r.taken_at.date().isoformat(), r.value) for r in history]
    assert sorted(newest_first, key=lambda pair: pair[0], reverse=True) == newest_first
    assert sorted(newest_first) == [("2026-01-05", 9), ("2026-01-05", 90), ("2026-02-01", 30), ("2026-02-05", 4),
                                    ("2026-02-05", 143)]  # fmt: skip
    assert {r.query for r in history if r.metric == "search_rank"} == {"Zappos customer service"}  # spaces tidied
    assert sorted(r.value for r in latest) == [4, 30, 143]
    assert readings.glance(latest) == "143 comments · 30 shares · 4th for “Zappos customer service”"
    assert result is not None
    assert (result.pieces, result.comments, result.shares, result.best_rank) == (1, 143, 30, 4)
    assert result.sentence() == (
        "Cost $75.00 · earned 1 piece of coverage, 143 comments, 30 shares, "
        "best rank 4 for “Zappos customer service”, authors: Seth Godin"
    )
    with sqlite3.connect(journal_path) as raw:
        assert raw.execute("SELECT count(*), min(source), max(source) FROM reading").fetchone() == (5, "typed", "typed")


@pytest.mark.parametrize(
    ("metric", "value", "query", "taken", "message"),
    [
        ("comments", -1, "", None, "cannot be negative"),
        ("search_rank", 0, "Zappos", None, "starts at 1"),
        ("search_rank", 3, "  ", None, "needs the search"),
        ("comments", 5, "", dt.datetime.now(dt.UTC) + 3 * DAY, "future"),
        ("likes", 5, "", None, "not a kind of reading"),
    ],
)
def test_bad_readings_are_refused_with_a_sentence_and_nothing_is_written(
    journal: Journal, metric: str, value: int, query: str, taken: dt.datetime | None, message: str
) -> None:
    story = create(journal, "Flowers")
    with pytest.raises(FieldError, match=message), journal.write() as session:
        readings.add_reading(story, metric=metric, value=value, query=query, taken_at=taken, session=session)
    with journal.session() as session:
        assert readings.history(story, session=session) == []


def test_a_reading_on_another_storys_link_is_refused(journal: Journal) -> None:
    first, second = create(journal, "One"), create(journal, "Two")
    other = link(journal, second, "https://example.com/two")
    with pytest.raises(FieldError, match="not one of this story's links"), journal.write() as session:
        readings.add_reading(first, metric="comments", value=3, link_id=other, session=session)


def test_parsing_what_people_type() -> None:
    assert readings.parse_metric("Search rank") == "search_rank"
    assert readings.parse_metric("rank") == "search_rank"
    assert readings.parse_value("1,200") == 1200
    assert readings.parse_value("4th", "search_rank") == 4
    assert readings.parse_value("#2", "search_rank") == 2
    with pytest.raises(FieldError, match="whole number"):
        readings.parse_value("lots")
    with pytest.raises(FieldError, match="YYYY-MM-DD"):
        readings.parse_day("yesterday")
    assert readings.parse_day("2026-01-02") == at("2026-01-02")
    assert [readings.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd"
    ]  # fmt: skip


def test_edit_delete_and_restore_a_reading(journal: Journal) -> None:
    story = create(journal, "Flowers")
    reading_id = read(journal, story, "comments", 10, "2026-01-01")
    with journal.write() as session:
        assert readings.update_reading(reading_id, {"value": 12}, session=session)
        assert not readings.update_reading(reading_id, {"value": 12}, session=session)
        with pytest.raises(FieldError, match="needs the search"):
            readings.update_reading(reading_id, {"metric": "search_rank"}, session=session)
    with journal.write() as session:
        removed = readings.delete_reading(reading_id, session=session)
    assert removed is not None and removed.value == 12
    with journal.write() as session:
        readings.restore_reading(removed, session=session)
    with journal.session() as session:
        assert readings.history(story, session=session) == [removed]


def test_link_without_readings_counts_its_typed_comment_count(journal: Journal) -> None:
    story = create(journal, "Flowers")
    link(journal, story, "https://example.com/a", comment_count=40, author="Ann")
    link(journal, story, "https://example.com/b", author="Ann")
    read(journal, story, "comments", 5, "2026-01-01")  # on the story itself
    with journal.session() as session:
        result = impact.story_impact(story, session=session)
    assert result is not None
    assert (result.pieces, result.comments, result.authors, result.best_rank) == (2, 45, ("Ann",), None)
    assert result.sentence().startswith("Cost not given · earned 2 pieces of coverage, 45 comments")


def test_the_dashboard_figures_match_the_stories_and_follow_a_query(journal: Journal) -> None:
    rng = random.Random(7)
    expected_months: Counter[str] = Counter()
    expected_tags: Counter[str] = Counter()
    coverage: dict[str, tuple[str, int, int]] = {}  # id -> (title, pieces, comments)
    reach_by_currency: dict[str, dict[str, tuple[int, int]]] = {}  # currency -> id -> (cost, comments + shares)
    for number in range(40):
        occurred = dt.date(2025, 1 + number % 12, 1 + number % 27)
        tags = rng.sample(["refund", "travel", "viral", "pets", "retail/shoes"], k=rng.randint(0, 3))
        currency = rng.choice(["USD", "EUR", ""])
        cost = rng.choice([None, rng.randint(0, 50_000)])
        story = create(journal, f"Story {number}", occurred=occurred, tags=tags, cost_cents=cost, currency=currency)
        expected_months[occurred.isoformat()[:7]] += 1
        expected_tags.update(tags)
        comments = shares = 0
        pieces = rng.randint(0, 3)
        for piece in range(pieces):
            typed = rng.choice([None, rng.randint(0, 100)])
            link_id = link(journal, story, f"https://example.com/{number}/{piece}", comment_count=typed)
            if rng.random() < 0.5:
                read(journal, story, "comments", 1000, "2025-06-01", link_id=link_id)  # older: superseded
                newest = rng.randint(0, 500)
                read(journal, story, "comments", newest, "2025-07-01", link_id=link_id)
                comments += newest
            else:
                comments += typed or 0
        if rng.random() < 0.3:
            shares = rng.randint(1, 90)
            read(journal, story, "shares", 1, "2025-01-01")
            read(journal, story, "shares", shares, "2025-02-01")
        coverage[story] = (f"Story {number}", pieces, comments)
        if cost is not None:
            reach_by_currency.setdefault(currency, {})[story] = (cost, comments + shares)
    deleted = create(journal, "Deleted", occurred=dt.date(2025, 1, 1), tags=["refund"], cost_cents=5, currency="USD")
    link(journal, deleted, "https://example.com/deleted")
    with journal.write() as session:
        stories.delete_story(deleted, session=session)

    with journal.session() as session:
        board = impact.dashboard(session=session)
    assert board.stories == 40
    assert dict(board.periods) == dict(expected_months) and not board.by_year
    assert [p for p, _n in board.periods] == sorted(expected_months)
    top = sorted(coverage.items(), key=lambda item: (-item[1][1], -item[1][2], item[0]))
    wanted = [(i, t, p, c) for i, (t, p, c) in top if p > 0][: impact.TOP]
    assert [(c.story_id, c.title, c.pieces, c.comments) for c in board.most_covered] == wanted
    tag_order = sorted(expected_tags.items(), key=lambda item: (-item[1], item[0].lower()))
    assert board.top_tags == tag_order[: impact.TOP]
    assert set(board.cost_points) == set(reach_by_currency)
    for currency, points in board.cost_points.items():
        assert {p.story_id: (p.cost_cents, p.reach) for p in points} == reach_by_currency[currency]
        assert board.costed[currency] == len(reach_by_currency[currency])

    with journal.session() as session:
        tagged = impact.dashboard(session=session, query=StoryQuery(tags=("pets",)))
        nothing = impact.dashboard(session=session, query=StoryQuery(text="zeppelin"))
    assert tagged.stories == expected_tags["pets"]
    assert dict(tagged.top_tags)["pets"] == expected_tags["pets"]
    assert nothing.stories == 0 and nothing.periods == [] and nothing.cost_points == {}


def test_many_months_are_shown_as_years(journal: Journal) -> None:
    for year in range(2020, 2024):
        for month in range(1, 13):
            create(journal, f"{year}-{month}", occurred=dt.date(year, month, 1))
    with journal.session() as session:
        board = impact.dashboard(session=session)
    assert board.by_year and board.periods == [("2020", 12), ("2021", 12), ("2022", 12), ("2023", 12)]
