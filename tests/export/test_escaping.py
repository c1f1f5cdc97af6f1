"""Whatever a person types comes out as that text, never as structure (hypothesis).

Random text built from the characters and runs that Markdown renderers read as syntax (every backtick run,
`<`, `>`, `"` after a web address, `|` tables, `~~`, `---` and `title:` lines that look like front matter,
`<!--` comments, `#`, `=`, `:` definition lines, entities, `www.`) is escaped as the exporter escapes it,
rendered by a CommonMark parser (markdown-it-py, with GFM tables and strikethrough switched on) and by
Python-Markdown (the app's own HTML, and with MkDocs' `tables` extension), and found back as the same text:
only paragraphs, line breaks and links to the typed web addresses, nothing else.

Plain fields (titles, outlets, tags, archived pages) take any text. A story's text may use light Markdown
on purpose (emphasis, links, lists, quotes), so its random text leaves out `*`, `_`, `[`, `]`, `\\` and
lines that start a list or a quote; everything else must come back as typed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal.export.html import render_html
from journal.export.text import escape_block, escape_inline, story_markdown

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
ALLOWED = {"paragraph_open", "paragraph_close", "inline", "text", "softbreak", "link_open", "link_close"}

PIECES = [
    *"`<>\"'|~:#-=+!&;.()/ \t\n{}$^%@?,",
    *["``", "```", "~~~", "~~", "---", "***", "===", "<!--", "-->", "<b>", "</b>", "<https://q.example>"],
    *[
        "https://x.example/",
        "https://x.example/a?b=1&c=2",
        "http://y.example",
        "www.",
        "www.z.example",
        "mailto:a@b.example",
        "ftp://f.example/x",
    ],
    *["&amp;", "&#96;", "&lt;", "&#124;", "&nbsp;", "title: x", "| a | b |", "|---|", ": ", "1. ", "1) "],
    *["[^1]", "![", "](", "\\", "*", "_", "[", "]", "> ", "- ", "+ "],
    *["a", "b", "Z", "é", "李", "42", "    ", "\n\n"],
]
MARKDOWN_ON_PURPOSE = set("*_[]\\")
# Characters a person can type: anything but control characters (tabs and line breaks are in PIECES).
letters = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=3)
typed = st.lists(st.sampled_from(PIECES) | letters, max_size=30).map("".join)


def normalised(text: str) -> str:
    """Paragraphs and lines as a reader sees them: spaces collapsed, blank lines between paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [[" ".join(line.split()) for line in chunk.split("\n")] for chunk in paragraphs]
    return "\n\n".join("\n".join(line for line in chunk if line) for chunk in lines if any(chunk)).strip()


def commonmark_text(document: str, *, also: frozenset[str] = frozenset()) -> str:
    """The text of the rendered document; fails on any structure but paragraphs, breaks and autolinks
    (and `also`)."""
    out: list[str] = []
    for token in COMMONMARK.parse(document):
        assert token.type in ALLOWED | also, (token.type, document)
        if token.type == "paragraph_close":
            out.append("\n\n")
        for child in token.children or []:
            assert child.type in ALLOWED | also, (child.type, document)
            if child.type == "link_open":
                assert child.markup == "autolink", document  # only a typed web address, as itself
            out.append({"text": child.content, "softbreak": "\n"}.get(child.type, ""))
    return normalised("".join(out))


class Visible(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def python_markdown_text(document: str) -> list[str]:
    """The text of the document rendered by the app (render_html) and by Python-Markdown with MkDocs'
    tables; fails on any element but paragraphs, line breaks and links."""
    texts = []
    for page in (render_html(document), markdown.markdown(document, extensions=["tables"])):
        seen = Visible(page)
        assert seen.tags <= {"p", "a", "br"}, (seen.tags, document, page)
        texts.append(normalised("".join(seen.parts)))
    return texts


@settings(max_examples=1000, deadline=None)
@given(typed)
def test_a_plain_field_is_that_text_in_every_renderer(text: str) -> None:
    one_line = escape_inline(text)
    assert "\n" not in one_line
    expected = normalised(" ".join(text.split()))
    # As the exporter uses it: in a heading, in a list item, inside emphasis (the facts line).
    assert commonmark_text(f"## {one_line}", also=frozenset({"heading_open", "heading_close"})) == expected
    listed = commonmark_text(
        f"- {one_line}", also=frozenset({"bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close"})
    )
    assert listed == expected
    if expected:
        emphasis = commonmark_text(f"*{one_line}*", also=frozenset({"em_open", "em_close"}))
        assert emphasis == expected
    block = escape_block(text)
    assert commonmark_text(block) == normalised(text)
    for shown in python_markdown_text(block):
        assert shown == normalised(text), (text, block)


def _no_markdown_on_purpose(text: str) -> str:
    text = "".join(ch for ch in text if ch not in MARKDOWN_ON_PURPOSE)
    lines = [line for line in text.split("\n") if not re.match(r"\s*(?:[-+]|\d{1,9}[.)])(?:\s|$)|\s*>", line)]
    return "\n".join(lines)


@settings(max_examples=1000, deadline=None)
@given(typed.map(_no_markdown_on_purpose))
def test_a_storys_text_is_that_text_in_every_renderer(text: str) -> None:
    document = story_markdown(text)
    assert commonmark_text(document) == normalised(text), (text, document)
    for shown in python_markdown_text(document):
        assert shown == normalised(text), (text, document)


def test_the_cases_named_in_the_issue() -> None:
    fence = "Her reply:\n```python\nprint(1)\n```"
    assert commonmark_text(story_markdown(fence)) == normalised(fence)
    url = 'See https://y.example/"> now'
    document = story_markdown(url)
    assert "<https://y.example/>" in document and commonmark_text(document) == url
    assert commonmark_text(escape_inline(url)) == url
