"""The preview's and the HTML page's HTML, against an XSS corpus: whatever the story or the introduction
says, no script, no event handler, and no link or image that is not http, https or mailto."""

from __future__ import annotations

import datetime as dt
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest

from journal.export.html import render_html, standalone_page
from journal.export.markdown import case_study_export
from journal.store.case_studies import create_case_study, update_case_study
from journal.store.database import Journal, open_journal
from journal.store.models import CoverageLink, Story

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<svg onload="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;script&#58;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[data](data:text/html,<script>alert(1)</script>)",
    "[file](file:///etc/passwd)",
    "![local](file:///etc/passwd)",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "[ref][2]\n\n[2]: data:text/html;base64,PHNjcmlwdD4=",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<a href='https://ok.example' onclick='alert(1)'>ok</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "---\ntitle: injected\n---",
]

SAFE = ("http://", "https://", "mailto:", "#")


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_harmless(page: str, *, whole_page: bool = False) -> None:
    parser = Elements()
    parser.feed(page)
    allowed_extra = {"html", "head", "meta", "title", "style", "body", "main"} if whole_page else set()
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "svg", "object", "embed", "form", "div"}, page
        assert tag != "style" or tag in allowed_extra
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            if name in {"href", "src"}:
                assert str(value).startswith(SAFE), (tag, name, value)


@pytest.mark.parametrize("attack", XSS)
def test_rendered_markdown_from_any_text_is_harmless(attack: str) -> None:
    assert_harmless(render_html(attack))
    assert_harmless(standalone_page(attack, attack), whole_page=True)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    journal = open_journal(tmp_path_factory.mktemp("xss") / "x.journal")
    yield journal
    journal.close()


@pytest.mark.parametrize("attack", XSS)
def test_exports_of_hostile_stories_are_harmless_and_keep_the_text(journal: Journal, attack: str) -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    story_id = str(uuid.uuid4())
    with journal.write() as session:
        session.add(
            Story(
                id=story_id,
                title=attack.replace("\n", " ")[:300],
                situation=attack,
                outcome=attack,
                consent="named",
                status="approved",
                created_at=t0,
                updated_at=t0,
            )
        )
        session.add(CoverageLink(story_id=story_id, url="https://ok.example/", title=attack, author=attack))
        session.flush()
        study = create_case_study("XSS", session=session, story_ids=[story_id])
        update_case_study(study.id, {"introduction": attack, "closing": attack}, session=session)
        study_id = study.id
    with journal.session() as session:
        export = case_study_export(study_id, session=session)
    assert export.markdown.startswith("---\ntitle: XSS\n")  # the fence in the text did not become front matter
    page = standalone_page(export.markdown, export.title)
    assert_harmless(page, whole_page=True)
    assert_harmless(render_html(export.markdown))


def test_the_page_forbids_scripts_and_has_its_stylesheet(tmp_path: Path) -> None:
    page = standalone_page("# Hello\n\nText", "Hello & <you>")
    assert "<title>Hello &amp; &lt;you&gt;</title>" in page
    assert "default-src 'none'" in page
    assert "max-width" in page  # resources/export.css is inlined
    assert "<h1>Hello</h1>" in page
