"""What a gesture cost against what it earned, for one story and for the stories a search selects.

A story's comments are, for each coverage link, its latest comment reading (or the count typed on the link when
it has none), plus the latest comment reading taken on the story itself; shares and views add up the latest
readings the same way; the best rank is the lowest search rank ever read, with its search. Costs are never
added across currencies: the dashboard keeps each currency's stories apart.

The dashboard figures are aggregated in SQL over the same search and filters as the story list
(`listing.select_matching`), so they stay quick on 100,000 stories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.store import listing
from journal.store.fields import format_cost
from journal.store.listing import ALL, StoryQuery
from journal.store.models import CoverageLink, Reading, Story, StoryTag, Tag
from journal.store.readings import ReadingRead, history, latest_of, latest_values
from journal.words import counted

TOP = 10  # bars in "most covered" and "top tags"
POINTS_PER_CURRENCY = 2000  # the cost-versus-reach chart shows at most this many stories of each currency
MONTHS_BEFORE_YEARS = 36  # more months than this are shown as years


@dataclass(frozen=True)
class Impact:
    cost_cents: int | None
    currency: str
    pieces: int
    comments: int
    shares: int
    views: int
    best_rank: int | None
    best_rank_query: str
    authors: tuple[str, ...]

    def sentence(self) -> str:
        """ "Cost 75.00 USD · earned 3 pieces of coverage, 143 comments, best rank 4 (“…”), authors: Seth Godin"."""
        cost = f"Cost {money(self.cost_cents, self.currency)}" if self.cost_cents is not None else "Cost not given"
        earned = [f"{counted(self.pieces, 'piece')} of coverage"]
        earned.append(counted(self.comments, "comment", grouped=True))
        if self.shares:
            earned.append(counted(self.shares, "share", grouped=True))
        if self.views:
            earned.append(counted(self.views, "view", grouped=True))
        if self.best_rank is not None:
            earned.append(f"best rank {self.best_rank} for “{self.best_rank_query}”")
        if self.authors:
            earned.append("authors: " + ", ".join(self.authors))
        return f"{cost} · earned " + ", ".join(earned)


def money(cents: int | None, currency: str) -> str:
    symbols = {"USD": "$", "EUR": "€", "GBP": "£"}
    if cents is None:
        return ""
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    if currency in symbols:
        return f"{symbols[currency]}{amount}"
    return f"{amount} {currency}".strip() if currency else format_cost(cents)


def _impact(story: Story, links: list[CoverageLink], readings: list[ReadingRead]) -> Impact:
    latest = latest_of(readings)

    def latest_on(metric: str, link_id: str | None) -> int | None:
        values = [r.value for r in latest if r.metric == metric and r.link_id == link_id]
        return sum(values) if values else None

    comments = sum(
        next(v for v in (latest_on("comments", link.id), link.comment_count, 0) if v is not None) for link in links
    ) + (latest_on("comments", None) or 0)
    totals = {m: sum(r.value for r in latest if r.metric == m) for m in ("shares", "views")}
    ranks = [r for r in readings if r.metric == "search_rank"]
    best = min(ranks, key=lambda r: (r.value, r.taken_at)) if ranks else None
    authors = tuple(dict.fromkeys(link.author.strip() for link in links if link.author.strip()))
    return Impact(
        cost_cents=story.cost_cents,
        currency=story.currency,
        pieces=len(links),
        comments=comments,
        shares=totals["shares"],
        views=totals["views"],
        best_rank=best.value if best else None,
        best_rank_query=best.query if best else "",
        authors=authors,
    )


def story_impact(story_id: str, *, session: Session) -> Impact | None:
    story = session.get(Story, story_id)
    if story is None:
        return None
    links = list(session.exec(select(CoverageLink).where(col(CoverageLink.story_id) == story_id)))
    return _impact(story, links, history(story_id, session=session))


# ------------------------------------------------------------ the dashboard
@dataclass(frozen=True)
class CostPoint:
    story_id: str
    title: str
    cost_cents: int
    reach: int  # comments and shares


@dataclass(frozen=True)
class Covered:
    story_id: str
    title: str
    pieces: int
    comments: int


@dataclass
class Dashboard:
    stories: int = 0
    periods: list[tuple[str, int]] = field(default_factory=list)  # ("2026-11", n) or ("2026", n), in order
    by_year: bool = False
    most_covered: list[Covered] = field(default_factory=list)
    top_tags: list[tuple[str, int]] = field(default_factory=list)
    cost_points: dict[str, list[CostPoint]] = field(default_factory=dict)  # by currency ("" when none given)
    costed: dict[str, int] = field(default_factory=dict)  # stories with a cost, by currency (all, not only shown)


def _among(story_id: Any, query: StoryQuery) -> Any:
    """SQL: this story id column is one of the stories the query selects. Without a search or filter, only the
    few deleted stories are left out (through their partial index), so the stories themselves are not read."""
    if not query.is_filtered():
        return story_id.not_in(select(col(Story.id)).where(col(Story.deleted_at).is_not(None)))
    return story_id.in_(listing.select_matching(col(Story.id), query=query))


def _reach_per_story(among: Callable[[Any], Any]) -> Any:
    """SQL: story_id, pieces, comments, shares for the stories `among(story_id)` keeps that have coverage or
    readings. Two passes: the links with their typed comment counts, then the newest readings, each corrected
    by the typed count of its link (which it replaces)."""
    typed: Any = (
        sa.select(
            col(CoverageLink.story_id).label("story_id"),
            sa.func.count().label("pieces"),
            sa.func.sum(sa.func.coalesce(col(CoverageLink.comment_count), 0)).label("comments"),
            sa.literal(0).label("shares"),
        )
        .where(among(col(CoverageLink.story_id)))
        .group_by(col(CoverageLink.story_id))
    )
    latest = latest_values(col(Reading.metric).in_(("comments", "shares")), among(col(Reading.story_id)))
    replaced = sa.func.coalesce(col(CoverageLink.comment_count), 0)
    read = (
        sa.select(
            latest.c.story_id,
            sa.literal(0).label("pieces"),
            sa.func.sum(sa.case((latest.c.metric == "comments", latest.c.value - replaced), else_=0)),
            sa.func.sum(sa.case((latest.c.metric == "shares", latest.c.value), else_=0)),
        )
        .select_from(latest)
        .outerjoin(CoverageLink, col(CoverageLink.id) == latest.c.link_id)
        .where(latest.c.newest == 1)
        .group_by(latest.c.story_id)
    )
    both = sa.union_all(typed, read).subquery("reach_parts")
    return (
        sa.select(
            both.c.story_id,
            sa.func.sum(both.c.pieces).label("pieces"),
            sa.func.sum(both.c.comments).label("comments"),
            sa.func.sum(both.c.shares).label("shares"),
        )
        .group_by(both.c.story_id)
        .subquery("reach")
    )


def periods(session: Session, query: StoryQuery) -> tuple[list[tuple[str, int]], bool]:
    month = sa.func.substr(sa.cast(col(Story.occurred), sa.String), 1, 7).label("month")
    statement = listing.select_matching(month, sa.func.count(), query=query)
    statement = statement.where(col(Story.occurred).is_not(None)).group_by(month).order_by(month)
    months = [(str(m), int(n)) for m, n in session.exec(statement)]
    if len(months) <= MONTHS_BEFORE_YEARS:
        return months, False
    years: dict[str, int] = {}
    for m, n in months:
        years[m[:4]] = years.get(m[:4], 0) + n
    return list(years.items()), True


def most_covered(session: Session, query: StoryQuery) -> list[Covered]:
    """The TOP stories with the most coverage pieces (then comments). The pieces are counted from the link index
    alone; comments are added up only for the stories that can make the list."""
    pieces = sa.func.count().label("pieces")
    counted = (
        sa.select(col(CoverageLink.story_id), pieces)
        .where(_among(col(CoverageLink.story_id), query))
        .group_by(col(CoverageLink.story_id))
        .subquery("counted")
    )
    tenth: Any = sa.select(counted.c.pieces).order_by(counted.c.pieces.desc()).limit(1).offset(TOP - 1)
    least = session.exec(tenth).first()
    if least is None:  # fewer than TOP stories have coverage
        least = (1,)
    candidates = sa.select(counted.c.story_id).where(counted.c.pieces >= least[0])
    reach = _reach_per_story(lambda story_id: story_id.in_(candidates))
    statement: Any = (
        sa.select(col(Story.id), col(Story.title), reach.c.pieces, reach.c.comments)
        .join(reach, reach.c.story_id == col(Story.id))
        .where(reach.c.pieces > 0)
        .order_by(reach.c.pieces.desc(), reach.c.comments.desc(), col(Story.id))
        .limit(TOP)
    )
    return [Covered(i, t, int(p), int(c or 0)) for i, t, p, c in session.exec(statement)]


def top_tags(session: Session, query: StoryQuery) -> list[tuple[str, int]]:
    if not query.is_filtered():  # counted from the tag index alone, as the sidebar does
        counts = [(name, n) for name, n in listing.tag_counts(session=session) if n > 0]
        return sorted(counts, key=lambda pair: (-pair[1], pair[0].lower()))[:TOP]
    count = sa.func.count().label("n")
    statement: Any = (
        sa.select(col(Tag.name), count)
        .select_from(StoryTag)
        .join(Tag, col(Tag.id) == col(StoryTag.tag_id))
        .where(_among(col(StoryTag.story_id), query))
        .group_by(col(Tag.id), col(Tag.name))
        .order_by(count.desc(), sa.func.lower(col(Tag.name)))
        .limit(TOP)
    )
    return [(name, int(n)) for name, n in session.exec(statement)]


def cost_points(session: Session, query: StoryQuery) -> tuple[dict[str, list[CostPoint]], dict[str, int]]:
    # Every story with a cost is read anyway: without a filter the reach of all is summed in one pass.
    reach = _reach_per_story(lambda story_id: _among(story_id, query) if query.is_filtered() else sa.true())
    value = (sa.func.coalesce(reach.c.comments, 0) + sa.func.coalesce(reach.c.shares, 0)).label("reach")
    place = (
        sa.func.row_number()
        .over(partition_by=col(Story.currency), order_by=[value.desc(), col(Story.cost_cents).desc(), col(Story.id)])
        .label("place")
    )
    in_currency = sa.func.count().over(partition_by=col(Story.currency)).label("in_currency")
    inner = (
        listing.select_matching(
            col(Story.id),
            col(Story.title),
            col(Story.cost_cents),
            col(Story.currency),
            value,
            place,
            in_currency,
            query=query,
        )
        .outerjoin(reach, reach.c.story_id == col(Story.id))
        .where(col(Story.cost_cents).is_not(None))
        .subquery("costed")
    )
    points: dict[str, list[CostPoint]] = {}
    costed: dict[str, int] = {}
    statement: Any = (
        sa.select(inner).where(inner.c.place <= POINTS_PER_CURRENCY).order_by(inner.c.currency, inner.c.place)
    )
    for story_id, title, cents, currency, reached, _place, with_cost in session.exec(statement):
        points.setdefault(currency, []).append(CostPoint(story_id, title, int(cents), int(reached)))
        costed[currency] = int(with_cost)
    return points, costed


def dashboard(*, session: Session, query: StoryQuery = ALL) -> Dashboard:
    result = Dashboard(stories=listing.count_stories(session=session, query=query))
    if result.stories == 0:
        return result
    result.periods, result.by_year = periods(session, query)
    result.most_covered = most_covered(session, query)
    result.top_tags = top_tags(session, query)
    result.cost_points, result.costed = cost_points(session, query)
    return result
