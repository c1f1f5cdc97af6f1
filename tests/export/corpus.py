"""A fixed journal for export tests: every id and time is given, so its exports are byte-for-byte stable.

The stories cover each consent and status, costs, coverage (live, dead with an archived copy, the
customer's own post), readings, and text that tries to break out of its place (HTML, fences, links).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from journal.store.database import Journal, open_journal
from journal.store.models import (
    CaseStudy,
    CaseStudyStory,
    CoverageLink,
    LinkSnapshot,
    Reading,
    Story,
    StoryTag,
    Tag,
)

T0 = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
CASE_STUDY_ID = "c0000000-0000-4000-8000-000000000001"
EMPTY_CASE_STUDY_ID = "c0000000-0000-4000-8000-000000000002"


def sid(n: int) -> str:
    return f"50000000-0000-4000-8000-{n:012d}"


def lid(n: int) -> str:
    return f"11000000-0000-4000-8000-{n:012d}"


STORIES: list[dict[str, object]] = [
    dict(
        id=sid(1),
        title="Courier pickup and flowers after a customer's mother died",
        occurred=dt.date(2007, 7, 1),
        organization="Zappos",
        employees="Customer Loyalty Team",
        channel="email",
        customer_name="Zaz Lamarr",
        customer_contact="zaz@example.org",
        consent="named",
        situation="Zaz Lamarr's mother died before the **return** could be sent.",
        policy="Returns within 15 days; the customer takes the box to UPS.",
        action="Booked a courier pickup from her home and sent flowers.",
        cost_cents=7500,
        currency="USD",
        outcome="Her post drew more than 100 comments:\n\n- Seth Godin wrote about it\n- 4th on Google",
        internal_notes="PRIVATE-NOTE-1 refund was authorised by the team lead",
        status="approved",
    ),
    dict(
        id=sid(2),
        title="Jane Doe's lost giraffe came home with a photo album",
        occurred=dt.date(2012, 5, 1),
        organization="Ritz-Carlton",
        employees="Loss prevention team",
        channel="phone",
        customer_name="Jane Doe",
        customer_contact="+1 555 0100",
        consent="anonymous",
        situation="Jane left her son's giraffe in the hotel. JANE DOE called the next day; jane's son was upset."
        "\n# Not a heading\n---\n<script>alert('x')</script>",
        policy="Lost property is kept for 30 days and posted at the guest's cost.",
        action="Staff photographed the giraffe around the hotel. [Ticket](javascript:alert(1)) closed.",
        cost_cents=None,
        currency="",
        outcome="Doe wrote a blog post; it went viral. Call 555-867-5309 for details, order #4412345.",
        internal_notes="PRIVATE-NOTE-2",
        status="approved",
    ),
    dict(
        id=sid(3),
        title="Declined story",
        organization="Acme",
        customer_name="Dee Clined",
        consent="declined",
        situation="Must never be published.",
        status="approved",
    ),
    dict(
        id=sid(4),
        title="Draft story",
        organization="Acme",
        consent="named",
        customer_name="Dra Ft",
        situation="Not approved yet.",
        status="draft",
    ),
]

LINKS: list[dict[str, object]] = [
    dict(
        id=lid(1),
        story_id=sid(1),
        position=0,
        url="https://seths.blog/2007/10/do-you-think-th/",
        title="Do you think they did it for the PR?",
        outlet="Seth's Blog",
        author="Seth Godin",
        published=dt.date(2007, 10, 16),
        kind="blog",
        comment_count=12,
        notes="PRIVATE-LINK-NOTE",
        health="ok",
    ),
    dict(
        id=lid(2),
        story_id=sid(1),
        position=1,
        url="http://example.com/gone-post",
        title="A post that is gone",
        outlet="Example",
        kind="news",
        health="dead",
    ),
    dict(
        id=lid(3),
        story_id=sid(2),
        position=0,
        url="https://janedoe.example/blog/giraffe",
        title="Our giraffe's holiday",
        kind="customer_post",
        health="ok",
    ),
    dict(
        id=lid(4),
        story_id=sid(2),
        position=1,
        url="https://news.example/giraffe?a=1&b=(2)",
        title="Hotel <b>staff</b> and the giraffe",
        outlet="News",
        author="A. Reporter",
        kind="news",
        health="ok",
    ),
]


def build(path: Path) -> Journal:
    journal = open_journal(path)
    with journal.write() as session:
        tags = {
            name: Tag(id=f"7a000000-0000-4000-8000-{i:012d}", name=name, created_at=T0)
            for i, name in enumerate(["beyond-policy", "industry/retail", "kids"], 1)
        }
        session.add_all(tags.values())
        for number, fields in enumerate(STORIES, 1):
            session.add(Story(**fields, created_at=T0, updated_at=T0 + dt.timedelta(days=number)))
        session.flush()
        for story_id, names in {
            sid(1): ["beyond-policy", "industry/retail"],
            sid(2): ["kids", "beyond-policy"],
        }.items():
            session.add_all(StoryTag(story_id=story_id, tag_id=tags[name].id) for name in names)
        for fields in LINKS:
            session.add(CoverageLink(**fields, created_at=T0, updated_at=T0))
        session.flush()
        session.add(
            LinkSnapshot(
                link_id=lid(2),
                fetched_at=T0,
                url="http://example.com/gone-post",
                title="Gone",
                text="The archived words of the post.\n\nA second paragraph with <b>tags</b>.",
            )
        )
        session.add(
            Reading(
                id="9e000000-0000-4000-8000-000000000001",
                story_id=sid(1),
                link_id=lid(1),
                metric="comments",
                value=143,
                taken_at=T0,
            )
        )
        session.add(
            Reading(
                id="9e000000-0000-4000-8000-000000000002",
                story_id=sid(1),
                metric="search_rank",
                query="Zappos customer service",
                value=4,
                taken_at=T0,
            )
        )
        session.add(
            CaseStudy(
                id=CASE_STUDY_ID,
                title="Going beyond policy",
                audience="the company blog",
                introduction="Five stories where people **bent the rules** for the right reasons.\n\n"
                "Jane Doe's story shows it <img src=x onerror=alert(1)>.",
                closing="## What we learn\n\nAsk what the customer needs. [Contact us](mailto:stories@example.com)",
                created_at=T0,
                updated_at=T0,
            )
        )
        session.add(CaseStudy(id=EMPTY_CASE_STUDY_ID, title="Empty one", created_at=T0, updated_at=T0))
        for position, story_id in enumerate([sid(2), sid(1), sid(3), sid(4)]):
            session.add(
                CaseStudyStory(
                    case_study_id=CASE_STUDY_ID,
                    story_id=story_id,
                    position=position,
                    headline="The giraffe's holiday" if story_id == sid(2) else "",
                    include_coverage=True,
                )
            )
    return journal
