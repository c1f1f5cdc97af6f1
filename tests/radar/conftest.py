from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.radar.api import Radar
from journal.store.database import Journal, open_journal
from journal.store.sample import fill_with_sample
from tests.radar.feeds import FeedServer, Item, serve


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FeedServer]:
    with serve(tmp_path / "site") as running:
        yield running


@pytest.fixture
def sample(journal_path: Path) -> Iterator[Journal]:
    """A journal with the six sample stories (Zappos, Southwest, Ritz-Carlton, Morton's, LEGO, Sainsbury's)."""
    opened = open_journal(journal_path)
    fill_with_sample(opened)
    yield opened
    opened.close()


@pytest.fixture
def radar(sample: Journal) -> Radar:
    return Radar(sample)


def story_id(journal: Journal, start: str) -> str:
    from sqlmodel import col, select

    from journal.store.models import Story

    with journal.session() as session:
        return session.exec(select(Story.id).where(col(Story.title).startswith(start))).one()


# Posts about the sample stories, written for these tests, and posts about nothing in the journal.
def about_the_stories(base: str) -> list[Item]:
    return [
        Item(
            "Zappos sent flowers when my mother died",
            f"{base}/posts/zappos-flowers?utm_source=feed",
            guid="zappos-1",
            summary="<p>I asked Zappos for more time to return my mother's shoes after she died. They sent UPS to "
            "collect them and a florist delivered lilies and roses with a card.</p>",
            published="Sat, 14 Jul 2007 10:00:00 GMT",
            comments=143,
        ),
        Item(
            "Joshie the giraffe's extra holiday at the Ritz-Carlton",
            f"{base}/posts/joshie",
            guid="joshie-1",
            summary="<p>Staff at the Ritz-Carlton photographed Joshie, a boy's stuffed giraffe, by the pool and "
            "getting a spa treatment before sending him home.</p>",
            published="Mon, 28 May 2012 09:00:00 GMT",
        ),
        Item(
            "Morton's meets Peter Shankman at Newark with a porterhouse",
            f"{base}/posts/mortons",
            guid="mortons-1",
            summary="<p>Peter Shankman tweeted at Morton's as a joke, and a server met him at Newark airport with "
            "a porterhouse steak.</p>",
        ),
    ]


def about_nothing(base: str) -> list[Item]:
    return [
        Item(
            "How to bake sourdough at home",
            f"{base}/posts/sourdough",
            guid="bread-1",
            summary="<p>Feed your starter twice a day and keep the dough warm overnight.</p>",
        ),
        Item(
            "Ten hiking trails in the Alps",
            f"{base}/posts/alps",
            guid="alps-1",
            summary="<p>Mountain paths with lakes, huts and views of glaciers.</p>",
        ),
    ]
