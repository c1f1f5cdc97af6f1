"""A case study or a story as a Markdown document with YAML front matter.

The same journal gives the same bytes: everything is ordered, dates come from the journal (never from
the clock), and YAML is written with fixed settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml
from sqlmodel import Session

from journal import APP_NAME, __version__
from journal.export.collect import Gathered, PublicLink, PublicStory, gather
from journal.export.privacy import Finding, LeftOut
from journal.export.text import escape_block, escape_inline, neutralise_markdown, safe_url, story_markdown
from journal.store import case_studies
from journal.store.errors import StoryNotFoundError
from journal.store.models import Story

GENERATOR = f"{APP_NAME} {__version__}"
ARCHIVE_EXCERPT = 600  # characters of archived text quoted in a single-file export


@dataclass
class Export:
    title: str
    markdown: str
    stories: list[PublicStory]
    left_out: list[LeftOut] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class NothingToExportError(StoryNotFoundError):
    """The story may not be exported (declined, or not approved); the message says why and what to do."""


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def front_matter(data: dict[str, object]) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    return f"---\n{text}---\n"


def _link_line(link: PublicLink, archive_pages: bool) -> list[str]:
    url = safe_url(link.url)
    label = escape_inline(link.title or link.outlet or link.url)
    head = f"[{label}]({url})" if url else label
    details = [
        escape_inline(part)
        for part in (
            link.outlet if link.title else "",
            link.author,
            _long_date(link.published) if link.published else "",
            f"{link.comments:,} comments" if link.comments is not None else "",
        )
        if part
    ]
    line = "- " + head + (" — " + " · ".join(details) if details else "")
    if not link.gone:
        return [line]
    if link.archived_text and archive_pages:
        return [line + f" (no longer online; [archived copy](archive/{link.id}.md))"]
    if not link.archived_text:
        return [line + " (no longer online)"]
    excerpt = link.archived_text.strip()
    if len(excerpt) > ARCHIVE_EXCERPT:
        excerpt = excerpt[:ARCHIVE_EXCERPT].rsplit(" ", 1)[0] + " …"
    when = f", as archived on {_long_date(link.archived_at)}" if link.archived_at else ""
    quoted = "\n".join(f"  > {line}" if line else "  >" for line in escape_block(excerpt).split("\n"))
    return [line + f" (no longer online{when}):", "", quoted]


def story_sections(story: PublicStory, level: int, *, archive_pages: bool = False) -> str:
    """A story's part of a document: its heading at `level`, a line of facts, then its sections."""
    hashes = "#" * level
    parts = [f"{hashes} {escape_inline(story.title)}"]
    facts = [
        story.organization,
        _long_date(story.occurred) if story.occurred else "",
        story.employees,
        story.channel.replace("_", " "),
        f"customer: {story.customer}" if story.customer else "",
    ]
    facts_line = " · ".join(escape_inline(fact) for fact in facts if fact.strip())
    if facts_line:
        parts.append(f"*{facts_line}*")
    sub = "#" * (level + 1)
    for heading, text in (
        ("What happened", story.situation),
        ("What the policy said", story.policy),
        ("What was done", story.action),
    ):
        if text.strip():
            parts += [f"{sub} {heading}", story_markdown(text)]
    if story.cost:
        parts += [f"{sub} What it cost", escape_inline(story.cost)]
    if story.outcome.strip():
        parts += [f"{sub} What came of it", story_markdown(story.outcome)]
    if story.links or story.ranks:
        lines: list[str] = []
        for link in story.links:
            lines += _link_line(link, archive_pages)
        for rank in story.ranks:
            lines.append(f"- Search rank {rank.rank} for “{escape_inline(rank.query)}” ({_long_date(rank.taken)})")
        parts += [f"{sub} Coverage", "\n".join(lines)]
    if story.tags:
        parts.append("Tags: " + ", ".join(escape_inline(tag) for tag in story.tags))
    return "\n\n".join(parts)


def _all_tags(stories: list[PublicStory]) -> list[str]:
    return sorted({tag for story in stories for tag in story.tags}, key=lambda t: (t.casefold(), t))


def case_study_export(
    case_study_id: str, *, session: Session, include_unapproved: bool = False, archive_pages: bool = False
) -> Export:
    """The case study as Markdown, through the privacy rules."""
    study = case_studies.get_case_study(case_study_id, session=session)
    entries = case_studies.entries(case_study_id, session=session)
    gathered: Gathered = gather(
        [entry.story_id for entry in entries],
        session=session,
        include_unapproved=include_unapproved,
        show_costs=study.show_costs,
        headlines={entry.story_id: entry.headline for entry in entries if entry.headline},
        with_coverage={entry.story_id for entry in entries if entry.include_coverage},
    )
    stories = gathered.stories

    def hide_all(text: str) -> str:  # the introduction and closing may name a customer too
        for hider in gathered.hiders:
            text = hider(text)
        return text

    front = front_matter(
        {
            "title": hide_all(study.title),
            "date": study.updated_at.date(),
            **({"audience": study.audience.strip()} if study.audience.strip() else {}),
            "tags": _all_tags(stories),
            "stories": [{"id": story.id, "title": story.title} for story in stories],
            "generator": GENERATOR,
        }
    )
    parts = [f"# {escape_inline(hide_all(study.title))}"]
    if study.introduction.strip():
        parts.append(neutralise_markdown(hide_all(study.introduction)).strip())
    parts += [story_sections(story, 2, archive_pages=archive_pages) for story in stories]
    if study.closing.strip():
        parts.append(neutralise_markdown(hide_all(study.closing)).strip())
    if not stories:
        parts.append("*No story of this case study can be published yet.*")
    return Export(
        title=study.title,
        markdown=front + "\n" + "\n\n".join(parts) + "\n",
        stories=stories,
        left_out=gathered.left_out,
        findings=gathered.findings,
        notes=gathered.notes,
    )


def story_export(story_id: str, *, session: Session, include_unapproved: bool = False) -> Export:
    """One story as a Markdown document; refused (with the reason) when it may not be published."""
    gathered = gather([story_id], session=session, include_unapproved=include_unapproved, show_costs=True)
    if not gathered.stories:
        if gathered.left_out:
            reason = gathered.left_out[0].reason
            advice = (
                ""
                if "declined" in reason
                else " Approve it first, or export it anyway with --include-unapproved (for a review copy)."
            )
            raise NothingToExportError(f"“{gathered.left_out[0].title}” is not exported: {reason}.{advice}")
        raise StoryNotFoundError(f"No story has the id {story_id}.")
    story = gathered.stories[0]
    record = session.get(Story, story_id)
    assert record is not None
    front = front_matter(
        {
            "title": story.title,
            "date": story.occurred or record.updated_at.date(),
            "tags": list(story.tags),
            "stories": [{"id": story.id, "title": story.title}],
            "generator": GENERATOR,
        }
    )
    return Export(
        title=story.title,
        markdown=front + "\n" + story_sections(story, 1) + "\n",
        stories=gathered.stories,
        findings=gathered.findings,
        notes=gathered.notes,
    )


def split_front_matter(document: str) -> tuple[dict[str, object], str]:
    """(front matter, body) of an exported document."""
    if not document.startswith("---\n"):
        return {}, document
    end = document.index("\n---\n", 4)
    data = yaml.safe_load(document[4 : end + 1]) or {}
    return data, document[end + 5 :]
