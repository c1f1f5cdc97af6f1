"""A case study or a story as a Markdown document with YAML front matter.

The same journal gives the same bytes: everything is ordered, dates come from the journal (never from
the clock), and YAML is written with fixed settings.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
from dataclasses import dataclass, field

import markdown
from sqlmodel import Session

from journal.export.collect import Gathered, PublicLink, PublicStory, Publisher, gather, hidden_names
from journal.export.front_matter import GENERATOR, front_matter
from journal.export.privacy import Finding, LeftOut, confidential_findings, name_findings
from journal.export.text import escape_block, escape_inline, neutralise_markdown, safe_url, story_markdown
from journal.privacy.names import NameMatcher
from journal.store import case_studies
from journal.store.errors import StoryNotFoundError
from journal.store.models import Story

ARCHIVE_EXCERPT = 600  # characters of archived text quoted in a single-file export


@dataclass
class Export:
    title: str
    markdown: str
    stories: list[PublicStory]
    left_out: list[LeftOut] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: NameMatcher = field(default_factory=NameMatcher)  # the customers hidden in it
    audience: str = ""  # whom a case study is for, as published

    def page(self) -> str:
        """The export as a standalone HTML page."""
        from journal.export.html import standalone_page

        return standalone_page(self.markdown, self.title)

    def page_findings(self, page: str) -> list[Finding]:
        """What the HTML page of this export still shows of a hidden name (its <title> and its text)."""
        from journal.export.html import visible_text

        return name_findings(f"“{self.title}”", "the web page", visible_text(page), self.names)


class NothingToExportError(StoryNotFoundError):
    """The story may not be exported (declined, or not approved); the message says why and what to do."""


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def property_tag(tag: str) -> str:
    """A tag as a front-matter tag: Obsidian takes letters, digits, `_`, `-` and `/` (nesting), no spaces;
    anything else becomes `-` ("went viral" → "went-viral")."""
    cleaned = re.sub(r"[^\w/-]+", "-", tag, flags=re.UNICODE).strip("-/")
    return re.sub(r"-{2,}", "-", re.sub(r"/{2,}", "/", cleaned)) or "tag"


def _link_line(link: PublicLink, archive_pages: bool) -> list[str]:
    """A coverage link as a list item. With `archive_pages` (a site page), a dead link's archived copy is
    a page of its own, at `/archive/<link>/` beside the case study's `/<slug>/`."""
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
        return [line + f" (no longer online; [archived copy](../archive/{link.id}/))"]
    if not link.archived_text:
        return [line + " (no longer online)"]
    excerpt = link.archived_text.strip()
    if len(excerpt) > ARCHIVE_EXCERPT:
        excerpt = excerpt[:ARCHIVE_EXCERPT].rsplit(" ", 1)[0] + " …"
    when = f", as archived on {_long_date(link.archived_at)}" if link.archived_at else ""
    quoted = "\n".join(f"  > {line}" if line else "  >" for line in escape_block(excerpt).split("\n"))
    return [line + f" (no longer online{when}):", "", quoted]


_RENDERERS = threading.local()  # a Markdown object is reused, but never shared between threads
# Without these characters a text renders as it is written (whitespace aside): no need to render it.
_MARKUP = re.compile(r"[*_`\[\]&\\<>~]")


def _rendered_text(markdown_text: str) -> str:
    """What a reader sees of some Markdown: rendered by Python-Markdown, tags taken out, entities decoded."""
    if not _MARKUP.search(markdown_text):
        return markdown_text
    if not hasattr(_RENDERERS, "markdown"):
        _RENDERERS.markdown = markdown.Markdown()
    rendered = _RENDERERS.markdown.reset().convert(markdown_text)
    return html.unescape(re.sub(r"<[^>]*>", "", rendered))


def guarded(markdown_text: str, plain_text: str, names: NameMatcher) -> str:
    """`markdown_text`, unless its formatting puts a hidden name back together for the reader (“Ja*ne*”
    shows as “Jane”): then the text goes out as plain text, which reads exactly as it is written."""
    if names and names.found_in(_rendered_text(markdown_text)):
        return escape_block(plain_text)
    return markdown_text


def _story_text(text: str, story: PublicStory) -> str:
    return guarded(story_markdown(text), text, story.names)


def story_sections(story: PublicStory, level: int, *, archive_pages: bool = False, heading: bool = True) -> str:
    """A story's part of a document: its heading at `level` (none when the document's title is the
    story's: the front matter carries it), a line of facts, then its sections one level down."""
    hashes = "#" * level
    parts = [f"{hashes} {escape_inline(story.title)}"] if heading else []
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
    for section, text in (
        ("What happened", story.situation),
        ("What the policy said", story.policy),
        ("What was done", story.action),
    ):
        if text.strip():
            parts += [f"{sub} {section}", _story_text(text, story)]
    if story.cost:
        parts += [f"{sub} What it cost", escape_inline(story.cost)]
    if story.outcome.strip():
        parts += [f"{sub} What came of it", _story_text(story.outcome, story)]
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
    return sorted({property_tag(tag) for story in stories for tag in story.tags}, key=lambda t: (t.casefold(), t))


def case_study_export(
    case_study_id: str,
    *,
    session: Session,
    include_unapproved: bool = False,
    names: NameMatcher | None = None,
    site_page: str | None = None,
) -> Export:
    """The case study as Markdown, through the privacy rules. `names` are more names to hide (a site
    export hides every case study's customers in every file). `site_page` (a slug) makes it a page of a
    site folder: `permalink: /<slug>/`, and archived copies linked as pages of their own.

    The title is in the front matter only (a standalone Pandoc document, Hugo, Jekyll and MkDocs show it
    from there; a `# title` in the body as well would show it twice)."""
    study = case_studies.get_case_study(case_study_id, session=session)
    entries = case_studies.entries(case_study_id, session=session)
    story_ids = [entry.story_id for entry in entries]
    hidden = NameMatcher(hidden_names(story_ids, session=session))
    if names is not None:
        hidden = hidden | names
    gathered: Gathered = gather(
        story_ids,
        session=session,
        include_unapproved=include_unapproved,
        show_costs=study.show_costs,
        headlines={entry.story_id: entry.headline for entry in entries if entry.headline},
        with_coverage={entry.story_id for entry in entries if entry.include_coverage},
        names=hidden,
    )
    stories = gathered.stories
    publish = Publisher(hidden, gathered.notes)
    title = publish(study.title, "The case study's title")
    where = f"“{title}”"
    audience = publish(study.audience.strip(), where, "audience")
    introduction = publish(study.introduction, where, "introduction")
    closing = publish(study.closing, where, "closing")
    front = front_matter(
        {
            "title": title,
            "date": study.updated_at.date(),
            **({"audience": audience} if audience else {}),
            "tags": _all_tags(stories),
            "stories": [{"id": story.id, "title": story.title} for story in stories],
            **({"permalink": f"/{site_page}/"} if site_page else {}),
            "generator": GENERATOR,
        }
    )
    parts: list[str] = []

    def own_text(text: str) -> str:
        return guarded(neutralise_markdown(text), text, hidden).strip()

    if introduction.strip():
        parts.append(own_text(introduction))
    parts += [story_sections(story, 2, archive_pages=site_page is not None) for story in stories]
    if closing.strip():
        parts.append(own_text(closing))
    if not stories:
        parts.append("*No story of this case study can be published yet.*")
    document = front + "\n" + "\n\n".join(parts) + "\n"
    return Export(
        title=title,
        markdown=document,
        stories=stories,
        left_out=gathered.left_out,
        findings=confidential_findings(title, {"introduction": introduction, "closing": closing})
        + gathered.findings
        + name_findings(where, "the Markdown", document, hidden),
        notes=gathered.notes,
        names=hidden,
        audience=audience,
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
            "tags": sorted({property_tag(tag) for tag in story.tags}, key=lambda t: (t.casefold(), t)),
            "stories": [{"id": story.id, "title": story.title}],
            "generator": GENERATOR,
        }
    )
    document = front + "\n" + story_sections(story, 1, heading=False) + "\n"
    return Export(
        title=story.title,
        markdown=document,
        stories=gathered.stories,
        findings=gathered.findings + name_findings(f"“{story.title}”", "the Markdown", document, gathered.names),
        notes=gathered.notes,
        names=gathered.names,
    )
