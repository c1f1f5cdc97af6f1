"""YAML front matter: written so that Hugo, Jekyll, MkDocs, Pandoc, Obsidian and Joplin all read it, and read
back. Used by the Markdown documents (journal.export.markdown), the site folder and the HTML page."""

from __future__ import annotations

import re

import yaml

from journal import APP_NAME, __version__

GENERATOR = f"{APP_NAME} {__version__}"


class _FrontMatterDumper(yaml.SafeDumper):
    """YAML with list items indented under their key (`tags:\n  - a`). Both layouts are valid YAML, but
    Joplin's importer re-indents only lines that start with `-`, so a list of mappings written at the
    key's indent (PyYAML's default) comes out as "bad indentation of a mapping entry"."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def front_matter(data: dict[str, object]) -> str:
    """YAML front matter that Hugo, Jekyll, MkDocs, Pandoc, Obsidian and Joplin all read: block style, list
    items indented under their key, dates as YYYY-MM-DD, always in the order given (deterministic)."""
    text = yaml.dump(
        data,
        Dumper=_FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )
    return f"---\n{text}---\n"


def split_front_matter(document: str) -> tuple[dict[str, object], str]:
    """(front matter, body) of a document; a document without a well-formed front matter is all body."""
    match = re.match(r"---\n(.*?\n)?---(?:\n|$)", document, re.DOTALL)
    if match is None:
        return {}, document
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError:
        return {}, document
    if not isinstance(data, dict):
        return {}, document
    return data, document[match.end() :]
