"""Words that follow a count: "1 story", "3 stories". Every sentence in the window, the command line and the
exports says it the same way."""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None, *, grouped: bool = False) -> str:
    """The count and the words for it: `one` for 1, `many` (default: `one` + "s") for any other number.
    `grouped` writes the number with thousands separators (12,000)."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {one if count == 1 else many or one + 's'}"
