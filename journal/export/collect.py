"""Reads what an export may show from the journal, through the privacy rules.

Only the fields named here are read into the public records, so a private field cannot reach an export
by accident; every text passes the story's NameHider when its consent hides the customer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from journal.export.privacy import HIDDEN_CONSENTS, Finding, LeftOut, NameHider, confidential_findings, exclusion
from journal.store.fields import Consent, LinkKind, format_cost
from journal.store.models import CoverageLink, LinkSnapshot, Reading, Story, StoryTag, Tag


@dataclass(frozen=True)
class PublicLink:
    id: str
    url: str
    title: str
    outlet: str
    author: str
    published: dt.date | None
    comments: int | None
    gone: bool  # the original no longer answers (dead link)
    archived_text: str
    archived_at: dt.date | None


@dataclass(frozen=True)
class PublicRank:
    query: str
    rank: int
    taken: dt.date


@dataclass(frozen=True)
class PublicStory:
    id: str
    title: str
    occurred: dt.date | None
    organization: str
    employees: str
    channel: str
    customer: str  # the name, only with consent `named`
    situation: str
    policy: str
    action: str
    cost: str  # "75.00 USD", or ""
    outcome: str
    tags: tuple[str, ...]
    links: tuple[PublicLink, ...]
    ranks: tuple[PublicRank, ...]
    updated: dt.datetime
    hider: NameHider | None = field(default=None, compare=False)  # when the customer's name is hidden


@dataclass
class Gathered:
    stories: list[PublicStory] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hiders: list[NameHider] = field(default_factory=list)


_TEXT_FIELDS = {
    "title": "title",
    "situation": "what happened",
    "policy": "the policy",
    "action": "what was done",
    "outcome": "the outcome",
    "organization": "organisation",
    "employees": "employees",
}


def _reveals(url: str, hider: NameHider) -> bool:
    squashed = re.sub(r"[\W_]+", "", url.casefold())
    return any(re.sub(r"[\W_]+", "", v.casefold()) in squashed for v in hider.variants)


def gather(
    story_ids: list[str],
    *,
    session: Session,
    include_unapproved: bool,
    show_costs: bool,
    headlines: dict[str, str] | None = None,
    with_coverage: set[str] | None = None,
) -> Gathered:
    """The public records of these stories, in this order; the ones that may not be published are listed
    in `left_out` with the reason. `with_coverage` (None = all) names the stories whose coverage is shown."""
    result = Gathered()
    headlines = headlines or {}
    for story_id in story_ids:
        story = session.get(Story, story_id)
        if story is None or story.deleted_at is not None:
            continue
        reason = exclusion(story.consent, story.status, include_unapproved=include_unapproved)
        if reason is not None:
            result.left_out.append(LeftOut(story.id, story.title, reason))
            continue
        hidden = story.consent in HIDDEN_CONSENTS
        hider = NameHider(story.customer_name if hidden else "")
        if hidden:
            result.hiders.append(hider)
        title = headlines.get(story_id) or story.title
        texts = {label: getattr(story, name) for name, label in _TEXT_FIELDS.items()}
        texts["title"] = title
        result.findings += confidential_findings(title, texts, hider if hidden else None)
        links: list[PublicLink] = []
        if with_coverage is None or story_id in with_coverage:
            links = _links(story, hider, hidden, result, session)
        result.stories.append(
            PublicStory(
                id=story.id,
                title=hider(title),
                occurred=story.occurred,
                organization=hider(story.organization),
                employees=hider(story.employees),
                channel=story.channel,
                customer=story.customer_name.strip() if story.consent == Consent.NAMED.value else "",
                situation=hider(story.situation),
                policy=hider(story.policy),
                action=hider(story.action),
                cost=f"{format_cost(story.cost_cents)} {story.currency}".strip()
                if show_costs and story.cost_cents is not None
                else "",
                outcome=hider(story.outcome),
                tags=tuple(hider(name) for name in _tags(story.id, session)),
                links=tuple(links),
                ranks=tuple(
                    PublicRank(hider(query), value, taken.date()) for query, value, taken in _ranks(story.id, session)
                ),
                updated=story.updated_at,
                hider=hider if hidden else None,
            )
        )
    return result


def _tags(story_id: str, session: Session) -> list[str]:
    names = session.exec(
        select(Tag.name).join(StoryTag, col(StoryTag.tag_id) == col(Tag.id)).where(col(StoryTag.story_id) == story_id)
    ).all()
    return sorted(names, key=lambda name: (name.casefold(), name))


def _latest_comments(link_id: str, session: Session) -> int | None:
    value = session.exec(
        select(Reading.value)
        .where(col(Reading.link_id) == link_id, col(Reading.metric) == "comments")
        .order_by(col(Reading.taken_at).desc(), col(Reading.id))
        .limit(1)
    ).first()
    return value


def _ranks(story_id: str, session: Session) -> list[tuple[str, int, dt.datetime]]:
    """The latest search rank for each query of the story (or of its links)."""
    readings = session.exec(
        select(Reading.query, Reading.value, Reading.taken_at)
        .where(col(Reading.story_id) == story_id, col(Reading.metric) == "search_rank")
        .order_by(col(Reading.taken_at).desc(), col(Reading.id))
    ).all()
    latest: dict[str, tuple[str, int, dt.datetime]] = {}
    for query, value, taken in readings:
        latest.setdefault(query.casefold(), (query, value, taken))
    return sorted(latest.values(), key=lambda r: (r[1], r[0].casefold()))


def _links(story: Story, hider: NameHider, hidden: bool, result: Gathered, session: Session) -> list[PublicLink]:
    links: list[PublicLink] = []
    rows = session.exec(
        select(CoverageLink, LinkSnapshot.text, LinkSnapshot.fetched_at)
        .outerjoin(LinkSnapshot, col(LinkSnapshot.link_id) == col(CoverageLink.id))
        .where(col(CoverageLink.story_id) == story.id)
        .order_by(col(CoverageLink.position), col(CoverageLink.id))
    ).all()
    for link, snapshot_text, snapshot_at in rows:
        if hidden and (link.kind == LinkKind.CUSTOMER_POST.value or _reveals(link.url, hider)):
            result.notes.append(
                f"A coverage link of “{hider(story.title)}” was left out: it would show who the customer is "
                f"({'their own post' if link.kind == LinkKind.CUSTOMER_POST.value else 'the address names them'})."
            )
            continue
        comments = _latest_comments(link.id, session)
        gone = link.health == "dead"
        links.append(
            PublicLink(
                id=link.id,
                url=link.final_url if link.health == "moved" and link.final_url else link.url,
                title=hider(link.title),
                outlet=hider(link.outlet),
                author=hider(link.author),
                published=link.published,
                comments=comments if comments is not None else link.comment_count,
                gone=gone,
                archived_text=hider(snapshot_text or "") if gone else "",
                archived_at=snapshot_at.date() if gone and snapshot_at is not None else None,
            )
        )
    return links
