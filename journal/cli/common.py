"""What the command groups share: how a command gets its journal, and argparse types made from the field
parsers, so the command line refuses exactly what the window refuses. Imports nothing heavy."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from journal.store.fields import FieldError, enum_value

# How a command gets its journal (the `opens` default of its subparser): opened for reading, opened for
# writing (created when missing), or given the path to open itself.
READ, WRITE, ITSELF = "read", "write", "itself"
# sysexits' EX_TEMPFAIL: nothing is wrong with the journal; the network could not be reached, run again later.
EXIT_OFFLINE = 75

# argparse's subparsers action: a command group's `register(commands)` adds its commands to it.
if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Commands = argparse._SubParsersAction

T = TypeVar("T")


def checked(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from one of the field parsers: a FieldError becomes argparse's one-line refusal."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except FieldError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__.removeprefix("parse_")
    return convert


def choice(enum: type[StrEnum], what: str) -> Callable[[str], str]:
    """An argparse type for one of an enum's values (as the window's drop-down offers them)."""
    return checked(lambda text: enum_value(enum, text, what))
