"""The Markdown of a case study and of a story, compared with golden files, and checked as CommonMark.

Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 make test` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from journal.export.front_matter import split_front_matter
from journal.export.markdown import NothingToExportError, case_study_export, story_export
from journal.store.database import Journal, open_journal
from journal.store.models import StoryTag, Tag
from tests.export.corpus import CASE_STUDY_ID, EMPTY_CASE_STUDY_ID, build, sid

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def corpus(tmp_path: Path) -> Journal:
    journal = build(tmp_path / "corpus.journal")
    yield journal
    journal.close()


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; UPDATE_GOLDEN=1 rewrites it"


def test_case_study_markdown_matches_the_golden_file(corpus: Journal) -> None:
    with corpus.session() as session:
        export = case_study_export(CASE_STUDY_ID, session=session)
    matches_golden("case-study.md", export.markdown)


def test_unapproved_stories_only_on_request_and_declined_never(corpus: Journal) -> None:
    with corpus.session() as session:
        default = case_study_export(CASE_STUDY_ID, session=session)
        review = case_study_export(CASE_STUDY_ID, session=session, include_unapproved=True)
    assert [item.title for item in default.left_out] == ["Declined story", "Draft story"]
    assert "not approved" in default.left_out[1].reason and "declined" in default.left_out[0].reason
    assert "Draft story" not in default.markdown
    assert "Draft story" in review.markdown
    assert [item.title for item in review.left_out] == ["Declined story"]
    assert "Must never be published" not in review.markdown


def test_single_story_markdown_matches_the_golden_file(corpus: Journal) -> None:
    with corpus.session() as session:
        export = story_export(sid(1), session=session)
    matches_golden("story.md", export.markdown)


def test_a_story_that_may_not_be_published_is_refused_with_the_reason(corpus: Journal) -> None:
    with corpus.session() as session:
        with pytest.raises(NothingToExportError, match="declined"):
            story_export(sid(3), session=session, include_unapproved=True)
        with pytest.raises(NothingToExportError, match="--include-unapproved"):
            story_export(sid(4), session=session)
        assert "Draft story" in story_export(sid(4), session=session, include_unapproved=True).markdown


def test_the_same_journal_gives_the_same_bytes_even_copied(corpus: Journal, tmp_path: Path) -> None:
    with corpus.session() as session:
        first = case_study_export(CASE_STUDY_ID, session=session).markdown
        again = case_study_export(CASE_STUDY_ID, session=session).markdown
    corpus.close()
    shutil.copy(corpus.path, tmp_path / "copy.journal")
    copy = open_journal(tmp_path / "copy.journal")
    with copy.session() as session:
        copied = case_study_export(CASE_STUDY_ID, session=session).markdown
    copy.close()
    assert first == again == copied


def test_front_matter_parses_and_describes_the_export(corpus: Journal) -> None:
    with corpus.session() as session:
        export = case_study_export(CASE_STUDY_ID, session=session)
    front, body = split_front_matter(export.markdown)
    assert front["title"] == "Going beyond policy"
    assert str(front["date"]) == "2026-03-01"
    assert front["tags"] == ["beyond-policy", "industry/retail", "kids"]
    assert [story["id"] for story in front["stories"]] == [sid(2), sid(1)]  # type: ignore[index]
    assert str(front["generator"]).startswith("Story Journal ")
    assert body.startswith("\nFive stories where people")  # the title is the front matter's, not a `# `
    assert yaml.safe_load(export.markdown.split("---\n")[1]) == front


def _front_matter_lines(document: str) -> list[str]:
    assert document.startswith("---\n")
    return document.split("---\n")[1].splitlines()


def test_front_matter_follows_joplins_and_obsidians_rules(corpus: Journal) -> None:
    """Joplin re-indents only lines that start with `-`: every list item must be indented under its key.
    Obsidian's properties: `tags` a list of tags without spaces, dates YYYY-MM-DD."""
    from journal.store.stories import update_story

    with corpus.write() as session:
        update_story(sid(1), {"title": "Tags: a list"}, session=session)
        session.add(Tag(id="7a000000-0000-4000-8000-000000000099", name="went viral & more", created_at=T0))
        session.flush()
        session.add(StoryTag(story_id=sid(1), tag_id="7a000000-0000-4000-8000-000000000099"))
    with corpus.session() as session:
        documents = [case_study_export(CASE_STUDY_ID, session=session).markdown]
        documents.append(story_export(sid(1), session=session).markdown)
    for document in documents:
        lines = _front_matter_lines(document)
        for number, line in enumerate(lines):
            if line.lstrip().startswith("- "):
                key = next(above for above in reversed(lines[:number]) if not above.lstrip().startswith("- "))
                key_indent = len(key) - len(key.lstrip())
                if key.rstrip().endswith(":"):  # the first item of the list under `key:`
                    assert len(line) - len(line.lstrip()) > key_indent, (line, key)
            assert not line.startswith("- "), line  # never at the key's own indent
        front, _body = split_front_matter(document)
        assert isinstance(front["tags"], list) and all(" " not in tag and "&" not in tag for tag in front["tags"])
        assert re.search(r"^date: \d{4}-\d{2}-\d{2}$", "\n".join(lines), re.MULTILINE)
    assert "went-viral-more" in split_front_matter(documents[1])[0]["tags"]  # type: ignore[operator]


def test_the_document_is_commonmark_with_no_html_and_only_safe_links(corpus: Journal) -> None:
    with corpus.session() as session:
        export = case_study_export(CASE_STUDY_ID, session=session)
    _front, body = split_front_matter(export.markdown)
    tokens = MarkdownIt("commonmark").parse(body)
    flat = [t for token in tokens for t in [token, *(token.children or [])]]
    assert not [t for t in flat if t.type in {"html_block", "html_inline"}]
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [text for tag, text in headings if tag == "h1"] == []  # the title is in the front matter
    assert [text for tag, text in headings if tag == "h2"] == [
        "The giraffe's holiday",
        "Courier pickup and flowers after a customer's mother died",
        "What we learn",
    ]  # the story's “# Not a heading” and “---” stayed text
    hrefs = [t.attrGet("href") for t in flat if t.type == "link_open"]
    assert hrefs and all(str(h).startswith(("https://", "http://", "mailto:", "#")) for h in hrefs)
    assert "javascript" not in " ".join(map(str, hrefs)).lower()
    assert "alert('x')" in body  # the text is shown, as text


def test_an_empty_case_study_says_so(corpus: Journal) -> None:
    with corpus.session() as session:
        export = case_study_export(EMPTY_CASE_STUDY_ID, session=session)
    assert "No story of this case study can be published yet." in export.markdown
    assert split_front_matter(export.markdown)[0]["stories"] == []


def test_the_case_studys_own_text_is_checked_for_confidential_things(corpus: Journal) -> None:
    from journal.store.case_studies import update_case_study

    with corpus.write() as session:
        update_case_study(CASE_STUDY_ID, {"closing": "Write to anna.b@example.com"}, session=session)
    with corpus.session() as session:
        findings = case_study_export(CASE_STUDY_ID, session=session).findings
    assert any(f.field == "closing" and f.what == "an e-mail address" for f in findings)
