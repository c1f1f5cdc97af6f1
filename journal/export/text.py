"""Turning a person's text into Markdown that means exactly that text, and checking link addresses.

The output must read the same in CommonMark and in Python-Markdown (the preview), so only the backslash
escapes both understand are used; `<`, `>` and look-alike entities become entities.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# Escapes that both CommonMark and Python-Markdown read as the plain character.
_INLINE = re.compile(r"([\\`*_\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What may start a block at the beginning of a line: headings, quotes, lists, rules, fences, setext lines.
_LINE_START = re.compile(r"^(#+|[-+*]|\d+[.)]|=+|~+|:)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def escape_inline(text: str) -> str:
    """One line of plain text (a title, an outlet) as Markdown inline text."""
    text = " ".join(text.split())
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", text)


def _escape_line(line: str) -> str:
    line = escape_inline(line)
    match = _LINE_START.match(line)
    if match:
        token = match.group(1)
        if token[0].isdigit():
            digits = token[:-1]
            line = f"{digits}&#{ord(token[-1])};{line[len(token) :]}"
        else:
            line = f"&#{ord(token[0])};{line[1:]}"
    return line


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
# underlines (also a front-matter fence, `---`), and code fences.
_STRUCTURE = re.compile(r"^(\s{0,3})(#|(?:[-=_*]\s*){3,}$|[=]+\s*$|```|~~~)")


def story_markdown(text: str) -> str:
    """A story's text, which may use light Markdown (emphasis, lists, quotes, links): kept as written, but
    no raw HTML, no unsafe link, and nothing that makes a heading, a rule or a code fence, so the text
    stays inside its section of the document."""
    lines = []
    for line in neutralise_markdown(text).split("\n"):
        match = _STRUCTURE.match(line)
        if match:
            at = len(match.group(1))
            line = f"{line[:at]}&#{ord(line[at])};{line[at + 1 :]}"
        lines.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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
