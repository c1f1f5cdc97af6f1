"""Command-line commands for coverage capture, link health and reach.

Registered through journal.cli.COMMAND_GROUPS.
"""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Add this group's subparsers to `commands` (argparse's subparsers action)."""
    del commands
