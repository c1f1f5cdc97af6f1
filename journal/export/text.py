"""Turning a person's text into Markdown that means exactly that text, and checking link addresses.

The output must read the same in CommonMark, GitHub-flavoured Markdown (Hugo's goldmark, with tables,
strikethrough, definition lists, footnotes and linkify), Pandoc and Python-Markdown (the preview, MkDocs),
so only the backslash escapes all of them understand are used (before a backslash, a backtick, `*`, `_`,
`[` and `]`), and characters the others would read as syntax become numeric entities: `<` `>` (HTML,
comments), `|` (tables), `~` (strikethrough, fences), the `.` of `www.` (linkify). A bare web address
becomes an autolink `<https://…>`, so no renderer extends it over the `">` that follows it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# Escapes that both CommonMark and Python-Markdown read as the plain character.
_INLINE = re.compile(r"([\\`*_\[\]#])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What may start a block at the beginning of a line: headings, quotes, lists, rules, fences, setext lines.
_LINE_START = re.compile(r"^(#+|[-+*]|\d+[.)](?=\s|$)|=+|~+|:)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


# A bare web address as typed: it ends at a space, a quote, `<`, `>`, a backtick or a backslash (which
# Python-Markdown would read as an escape inside an autolink), and its last character is not punctuation
# that ends a sentence.
_BARE_URL = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"`\\]*[^\s<>\"`\\.,;:!?'’)\]}*_]")
_WWW = re.compile(r"(?i)\bwww\.")


def _url_pieces(text: str, *, skip: re.Pattern[str] | None = None) -> list[tuple[str, bool]]:
    """The text cut into (piece, is a bare web address). `skip` finds addresses that are already part of
    Markdown (a link's destination), which are left as they are."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _BARE_URL.finditer(text):
        url = match.group()
        entity = _ENTITY_LIKE.search(text, match.start())  # an address ends before anything read as an entity
        url = url[: entity.start() - match.start()] if entity and entity.start() < match.end() else url
        url = url.rstrip(".,;:!?'’]}*_")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]
        if not _BARE_URL.fullmatch(url):
            continue
        if skip is not None and skip.search(text[: match.start()]):
            continue
        pieces += [(text[at : match.start()], False), (url, True)]
        at = match.start() + len(url)
    pieces.append((text[at:], False))
    return [(piece, is_url) for piece, is_url in pieces if piece]


def _plain(text: str) -> str:
    text = _INLINE.sub(r"\\\1", _ENTITY_LIKE.sub("&amp;", text))
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "&#124;").replace("~", "&#126;")
    return _WWW.sub(lambda m: m.group()[:-1] + "&#46;", text)


def escape_inline(text: str) -> str:
    """One line of plain text (a title, an outlet) as Markdown inline text that every renderer shows as
    exactly that text (web addresses in it become links to themselves), also at the start of a line or of
    a list item (where `- `, `1. ` or `=` would start a block)."""
    text = " ".join(text.split())
    line = "".join(f"<{piece}>" if is_url else _plain(piece) for piece, is_url in _url_pieces(text))
    match = _LINE_START.match(line)
    if match:
        token = match.group(1)
        if token[0].isdigit():
            digits = token[:-1]
            line = f"{digits}&#{ord(token[-1])};{line[len(token) :]}"
        else:
            line = f"&#{ord(token[0])};{line[1:]}"
    return line


_escape_line = escape_inline


def escape_block(text: str) -> str:
    """Plain text a person typed (paragraphs separated by blank lines) as Markdown paragraphs.

    Every line is its own line of text: no heading, list, quote, code block, rule, fence, HTML or link
    can come out of it, whatever it contains."""
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_escape_line(line.strip()) for line in chunk.split("\n") if line.strip()]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _scheme(url: str) -> str | None:
    """The scheme a browser would see, once entities, invisible characters and a `<` are taken out."""
    match = _SCHEME.match(_INVISIBLE.sub("", html.unescape(url)).lstrip("<"))
    return match.group(1).lower() if match else None


def safe_url(url: str) -> str | None:
    """The address as a Markdown link destination, or None when it must not be a link (anything but
    http, https or mailto)."""
    if _scheme(url) not in SAFE_SCHEMES:
        return None
    decoded = _INVISIBLE.sub("", html.unescape(url.strip()))
    # Characters that could end or break a Markdown link destination are percent-encoded.
    return quote(decoded, safe="/:?#[]@!$&'*+,;=%~.-_")


def _allowed_destination(destination: str) -> bool:
    scheme = _scheme(destination)
    return scheme is None or scheme in SAFE_SCHEMES  # a relative address, or a safe scheme


# Lines of a story's text that would change the document's outline: headings, rules and setext
# underlines (also a front-matter fence, `---`), code fences, and definition-list lines (`: `).
_STRUCTURE = re.compile(r"^(\s{0,3})(#|(?:[-=_*]\s*){3,}$|[=]+\s*$|```|~~~|:)")
# A bare address that is already Markdown: a link's destination `](`, a reference `]: `, an autolink `<`.
_IN_MARKDOWN = re.compile(r"(?:\]\(\s*|\]:\s*|<|&lt;)$")


def story_markdown(text: str) -> str:
    """A story's text, which may use light Markdown (emphasis, lists, quotes, links): kept as written, but
    no raw HTML, no unsafe link, no code, table, footnote or strikethrough, and nothing that makes a
    heading, a rule, a code block or a fence, so the text stays inside its section of the document."""
    lines = []
    start_of_paragraph = True
    for line in neutralise_markdown(text.expandtabs(4)).split("\n"):
        if start_of_paragraph and len(line) - len(line.lstrip(" ")) >= 4:
            line = line.lstrip(" ")  # four spaces after a blank line would make a code block
        match = _STRUCTURE.match(line)
        if match:
            at = len(match.group(1))
            line = f"{line[:at]}&#{ord(line[at])};{line[at + 1 :]}"
        line = "".join(
            f"<{piece}>" if is_url else _story_piece(piece) for piece, is_url in _url_pieces(line, skip=_IN_MARKDOWN)
        )
        lines.append(line.rstrip())
        start_of_paragraph = not line.strip()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _story_piece(text: str) -> str:
    """Light Markdown kept, the rest escaped: backticks (no code), `|` (no table), `~` (no strikethrough),
    `[^` (no footnote), `www.` (no linkify)."""
    text = text.replace("`", "\\`").replace("|", "&#124;").replace("~", "&#126;").replace("[^", "\\[^")
    return _WWW.sub(lambda m: m.group()[:-1] + "&#46;", text)


def neutralise_markdown(text: str) -> str:
    """Markdown a person wrote (a case study's introduction and closing): its formatting is kept, but raw
    HTML cannot get through, and links and images may only point at http, https or mailto addresses (or
    a relative one); any other link keeps its text and loses its address."""
    # No entity is decoded from a person's text: `&#60;` shows as typed, and cannot spell out a tag or a name.
    text = _ENTITY_LIKE.sub("&amp;", text.replace("\r\n", "\n").replace("\r", "\n")).replace("<", "&lt;")
    text = re.sub(
        r"(\]\s*)\(\s*((?:[^()\s]|\([^()\s]*\))*)[^)]*\)",
        lambda m: m.group(0) if _allowed_destination(m.group(2)) else f"{m.group(1)}(#)",
        text,
    )
    return re.sub(
        r"(?m)^( {0,3}\[[^\]]+\]:\s*)(\S+)",
        lambda m: m.group(0) if _allowed_destination(m.group(2)) else f"{m.group(1)}#",
        text,
    )
