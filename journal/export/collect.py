"""Reads what an export may show from the journal, through the privacy rules.

Only the fields named here are read into the public records, so a private field cannot reach an export
by accident. Every published text (each story field, the channel, tags, link titles, outlets and authors,
archived pages, search queries) passes the export's NameMatcher, which hides every customer of the
export who is not to be named; a link whose address (as typed, after a redirect, canonical, or archived;
percent-decoded) holds such a name is left out whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from journal.export.privacy import HIDDEN_CONSENTS, Finding, LeftOut, confidential_findings, exclusion
from journal.privacy.names import NameMatcher
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
    names: NameMatcher = field(default_factory=NameMatcher, compare=False)  # the names hidden in the export


@dataclass
class Gathered:
    stories: list[PublicStory] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: NameMatcher = field(default_factory=NameMatcher)


class Publisher:
    """Hides the names in each text that goes out, and notes each address it had to leave out whole."""

    def __init__(self, names: NameMatcher, notes: list[str]) -> None:
        self.names = names
        self._notes = notes

    def __call__(self, text: str, where: str = "", part: str = "") -> str:
        hidden = self.names.hide(text)
        for what in hidden.left_out:
            place = f"{where}, {part}" if part else where
            self._notes.append(f"{place}: {what} that names a hidden customer was left out (it cannot be reworded).")
        return hidden.text


_TEXT_FIELDS = {
    "title": "title",
    "situation": "what happened",
    "policy": "the policy",
    "action": "what was done",
    "outcome": "the outcome",
    "organization": "organisation",
    "employees": "employees",
}


def hidden_names(story_ids: Sequence[str], *, session: Session) -> list[str]:
    """The customers of these stories who may not be named (every consent but `named`)."""
    if not story_ids:
        return []
    names = session.exec(
        select(Story.customer_name).where(
            col(Story.id).in_(list(story_ids)),
            col(Story.consent) != Consent.NAMED.value,
            col(Story.customer_name) != "",
        )
    ).all()
    return sorted(set(names))


def gather(
    story_ids: list[str],
    *,
    session: Session,
    include_unapproved: bool,
    show_costs: bool,
    headlines: dict[str, str] | None = None,
    with_coverage: set[str] | None = None,
    names: NameMatcher | None = None,
) -> Gathered:
    """The public records of these stories, in this order; the ones that may not be published are listed
    in `left_out` with the reason. `with_coverage` (None = all) names the stories whose coverage is shown.
    `names` are the names to hide (by default every customer of these stories who may not be named)."""
    result = Gathered()
    result.names = names if names is not None else NameMatcher(hidden_names(story_ids, session=session))
    publish = Publisher(result.names, result.notes)
    headlines = headlines or {}
    loaded = _Loaded(story_ids, session)
    for story_id in story_ids:
        story = loaded.stories.get(story_id)
        if story is None or story.deleted_at is not None:
            continue
        reason = exclusion(story.consent, story.status, include_unapproved=include_unapproved)
        if reason is not None:
            result.left_out.append(LeftOut(story.id, publish(story.title), reason))
            continue
        title = publish(headlines.get(story_id) or story.title, "A story's title")
        where = f"“{title}”"
        texts = {label: publish(getattr(story, name), where, label) for name, label in _TEXT_FIELDS.items()}
        texts["title"] = title
        result.findings += confidential_findings(title, texts)
        links: list[PublicLink] = []
        if with_coverage is None or story_id in with_coverage:
            links = _links(story, where, publish, result, loaded)
        result.stories.append(
            PublicStory(
                id=story.id,
                title=title,
                occurred=story.occurred,
                organization=texts["organisation"],
                employees=texts["employees"],
                channel=publish(story.channel, where, "channel"),
                customer=story.customer_name.strip() if story.consent == Consent.NAMED.value else "",
                situation=texts["what happened"],
                policy=texts["the policy"],
                action=texts["what was done"],
                cost=f"{format_cost(story.cost_cents)} {story.currency}".strip()
                if show_costs and story.cost_cents is not None
                else "",
                outcome=texts["the outcome"],
                tags=tuple(publish(name, where, "tags") for name in loaded.tags.get(story.id, [])),
                links=tuple(links),
                ranks=tuple(
                    PublicRank(publish(query, where, "search rank"), value, taken.date())
                    for query, value, taken in loaded.ranks(story.id)
                ),
                updated=story.updated_at,
                names=result.names,
            )
        )
    return result


def _chunks(ids: Sequence[str], size: int = 500) -> list[list[str]]:
    """Story ids in pieces small enough for one SQL statement's parameters."""
    unique = list(dict.fromkeys(ids))
    return [unique[at : at + size] for at in range(0, len(unique), size)]


class _Loaded:
    """Everything an export reads about some stories, in a few queries for all of them (not a few per
    story): the stories, their tags, search ranks, links with their archived copies, comment counts."""

    def __init__(self, story_ids: Sequence[str], session: Session) -> None:
        self.stories: dict[str, Story] = {}
        self.tags: dict[str, list[str]] = {}
        self.readings: dict[str, list[tuple[str, int, dt.datetime]]] = {}
        self.links: dict[str, list[tuple[CoverageLink, str | None, dt.datetime | None, str | None]]] = {}
        self.comments: dict[str, int] = {}
        for ids in _chunks(story_ids):
            self._load(ids, session)
        for names in self.tags.values():
            names.sort(key=lambda name: (name.casefold(), name))

    def _load(self, ids: list[str], session: Session) -> None:
        for story in session.exec(select(Story).where(col(Story.id).in_(ids))).all():
            self.stories[story.id] = story
        for story_id, name in session.exec(
            select(StoryTag.story_id, Tag.name)
            .join(Tag, col(StoryTag.tag_id) == col(Tag.id))
            .where(col(StoryTag.story_id).in_(ids))
        ).all():
            self.tags.setdefault(story_id, []).append(name)
        readings = session.exec(
            select(Reading)
            .where(col(Reading.story_id).in_(ids), col(Reading.metric).in_(["search_rank", "comments"]))
            .order_by(col(Reading.taken_at).desc(), col(Reading.id))
        ).all()
        for reading in readings:
            if reading.metric == "search_rank":
                self.readings.setdefault(reading.story_id, []).append((reading.query, reading.value, reading.taken_at))
            elif reading.link_id is not None:
                self.comments.setdefault(reading.link_id, reading.value)  # the latest comes first
        for row in session.exec(
            select(CoverageLink, LinkSnapshot.text, LinkSnapshot.fetched_at, LinkSnapshot.url)
            .outerjoin(LinkSnapshot, col(LinkSnapshot.link_id) == col(CoverageLink.id))
            .where(col(CoverageLink.story_id).in_(ids))
            .order_by(col(CoverageLink.position), col(CoverageLink.id))
        ).all():
            self.links.setdefault(row[0].story_id, []).append(tuple(row))  # type: ignore[arg-type]

    def ranks(self, story_id: str) -> list[tuple[str, int, dt.datetime]]:
        """The latest search rank for each query of the story (or of its links)."""
        latest: dict[str, tuple[str, int, dt.datetime]] = {}
        for query, value, taken in self.readings.get(story_id, []):
            latest.setdefault(query.casefold(), (query, value, taken))
        return sorted(latest.values(), key=lambda r: (r[1], r[0].casefold()))


def _links(story: Story, where: str, publish: Publisher, result: Gathered, loaded: _Loaded) -> list[PublicLink]:
    links: list[PublicLink] = []
    for link, snapshot_text, snapshot_at, snapshot_url in loaded.links.get(story.id, []):
        own_post = story.consent in HIDDEN_CONSENTS and link.kind == LinkKind.CUSTOMER_POST.value
        addresses = (link.url, link.final_url, link.canonical_url, snapshot_url or "")
        if own_post or any(publish.names.holds(address) for address in addresses if address):
            result.notes.append(
                f"A coverage link of {where} was left out: it would show who the customer is "
                f"({'their own post' if own_post else 'its address names them'})."
            )
            continue
        comments = loaded.comments.get(link.id)
        gone = link.health == "dead"
        links.append(
            PublicLink(
                id=link.id,
                url=link.final_url if link.health == "moved" and link.final_url else link.url,
                title=publish(link.title, where, "a link's title"),
                outlet=publish(link.outlet, where, "a link's outlet"),
                author=publish(link.author, where, "a link's author"),
                published=link.published,
                comments=comments if comments is not None else link.comment_count,
                gone=gone,
                archived_text=publish(snapshot_text or "", where, "an archived page") if gone else "",
                archived_at=snapshot_at.date() if gone and snapshot_at is not None else None,
            )
        )
    return links
