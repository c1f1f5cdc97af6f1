"""Markdown to HTML for the preview and the standalone page: Python-Markdown, then nh3 keeps only safe
tags, attributes and link schemes (http, https, mailto), whatever the Markdown contained."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import markdown
import nh3

from journal.export.front_matter import GENERATOR, split_front_matter
from journal.export.text import SAFE_SCHEMES, escape_inline
from journal.paths import resources_dir

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"}}


_NOT_AN_AUTOLINK = re.compile(r"<(?!(?:https?|ftp)://[^\s<>]*>)", re.IGNORECASE)


def render_html(markdown_text: str) -> str:
    """A Markdown document as sanitised HTML: its front matter's title as the heading (as Hugo, Jekyll
    themes and Pandoc show it), then its body."""
    front, body = split_front_matter(markdown_text)
    title = front.get("title")
    if isinstance(title, str) and title.strip():
        body = f"# {escape_inline(title)}\n\n{body}"
    # The exporter writes no HTML, only autolinks (`<https://…>`); any other `<` is a person's text, shown as
    # it is (Python-Markdown would pass raw HTML through).
    body = _NOT_AN_AUTOLINK.sub("&lt;", body)
    rendered = markdown.markdown(body, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        url_relative=_same_page_only,
    )


def _same_page_only(url: str) -> str | None:
    """Relative addresses lead nowhere from a preview or a page sent by e-mail: only `#…` is kept."""
    return url if url.startswith("#") else None


def standalone_page(markdown_text: str, title: str) -> str:
    """A complete HTML page with the project's stylesheet, which runs no script and loads nothing but
    images (the Content-Security-Policy says so to the browser as well)."""
    stylesheet = (resources_dir() / "export.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src https: http:\">\n"
        f'<meta name="generator" content="{html.escape(GENERATOR)}">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{stylesheet}</style>\n</head>\n"
        f"<body>\n<main>\n{render_html(markdown_text)}\n</main>\n</body>\n</html>\n"
    )


_INLINE_TAGS = re.compile(r"(?i)</?(?:a|abbr|code|em|strong|b|i|span)\b[^>]*>")


def visible_text(page: str) -> str:
    """What a reader of an HTML page (or fragment) sees and where its links lead: the <title>, the text
    (inline tags joined as the browser shows them), and the addresses of links and images, decoded;
    not the stylesheet, the head's fixed lines or the tags."""
    titles = re.findall(r"(?is)<title>(.*?)</title>", page)
    body = re.sub(r"(?is)<head\b.*?</head>|<style\b.*?</style>", "", page)
    addresses = [unquote(html.unescape(a)) for a in re.findall(r'(?i)\b(?:href|src)\s*=\s*"([^"]*)"', body)]
    text = re.sub(r"<[^>]*>", "\n", _INLINE_TAGS.sub("", body))
    return "\n".join([*map(html.unescape, titles), html.unescape(text), *addresses])
