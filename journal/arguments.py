"""Checks every command-line argument passes before any command runs (journal.cli.check_arguments).

A terminal whose encoding is not UTF-8 (or a script passing raw bytes) hands Python arguments holding bytes
that are not UTF-8; Python keeps them as lone surrogates, which the journal file cannot hold. Text options
(a title, a tag, a link, a search...) holding them are refused with one line naming the option. File names
are exempt: a name in another encoding is still a file the system can open. An argument naming a file is
typed `Path`, or has its destination listed in PATH_DESTINATIONS.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from journal.inputs import not_text

# Destinations of arguments that name files or folders but are kept as text (e.g. `restore 3` or a path).
PATH_DESTINATIONS = frozenset({"journal", "file", "backup", "folder", "output"})


def _option_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """How a person writes each destination (`--title`, or the positional's name), across subcommands."""
    names: dict[str, str] = {}
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            elif action.dest not in names:
                names[action.dest] = action.option_strings[-1] if action.option_strings else action.dest.upper()
    return names


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def undecodable_argument(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """A sentence about the first text argument that holds bytes that are not UTF-8, or None."""
    names: dict[str, str] | None = None
    for dest, value in vars(args).items():
        if dest in PATH_DESTINATIONS:
            continue
        if any(not_text(text) for text in _texts(value)):
            names = names if names is not None else _option_names(parser)
            return (
                f"{names.get(dest, dest)} holds bytes that are not UTF-8 text; set your terminal to UTF-8 "
                "(or pass the text in UTF-8) and try again"
            )
    return None
