"""The text of a spreadsheet saved as CSV: its encoding decided for the whole file from what every line shows,
and said (with the evidence) in the import's plan and preview, never guessed silently.

- A byte-order mark decides: UTF-8 or UTF-16 (Excel's "Unicode text").
- Every line valid UTF-8: UTF-8.
- No line with UTF-8 letters and some that are not UTF-8: Windows (cp1252) text, as Excel saves "CSV" on a
  Western Windows.
- Both kinds of lines (a UTF-8 file with one row pasted from a Windows program): each line is read in the
  encoding it is valid in, and the lines read as Windows text are named, so a person checks exactly those.
- A line that is neither, or NUL bytes (a binary file, an .xlsx renamed): refused with the line's number.
Line breaks are the same bytes in all three encodings, so deciding line by line never splits a character.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from journal.bundles.format import BundleError

UTF8, UTF16, CP1252, MIXED = "UTF-8", "UTF-16", "Windows (cp1252)", "UTF-8 and Windows (cp1252)"
SAVE_AS_UTF8 = 'In your spreadsheet, use Save As ▸ "CSV UTF-8" and import that file.'


@dataclass(frozen=True)
class SheetText:
    text: str
    encoding: str  # UTF8, UTF16, CP1252 or MIXED
    evidence: str  # why, in a sentence
    windows_lines: frozenset[int] = field(default_factory=frozenset)  # lines read as cp1252 in a MIXED file

    def note(self, name: str) -> str:
        """What a person should check (the evidence is in the line that names the encoding), or ''."""
        if self.encoding == CP1252:
            return f"{name} is not UTF-8; it was read as Windows (cp1252) text. Check accented letters in the preview."
        if self.encoding == MIXED:
            return f"Check the accented letters on {_lines(self.windows_lines)}: read as Windows (cp1252) text."
        return ""


def decode_sheet(raw: bytes, name: str) -> SheetText:
    if raw.startswith(codecs.BOM_UTF8):
        return _utf8(raw[len(codecs.BOM_UTF8) :], name, bom=True)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BundleError(
                f"{name} starts as UTF-16 text but is not valid UTF-16 (byte {exc.start:,}). {SAVE_AS_UTF8}"
            ) from None
        _refuse_nul(text.encode("utf-8", "surrogatepass"), name)
        return SheetText(text, UTF16, "it starts with a UTF-16 byte-order mark")
    return _utf8(raw, name, bom=False)


def _refuse_nul(raw: bytes, name: str) -> None:
    at = raw.find(b"\x00")
    if at >= 0:
        line = raw.count(b"\n", 0, at) + 1
        raise BundleError(
            f"{name} is not a CSV file: line {line:,} holds binary data (a NUL byte). "
            "In your spreadsheet, use Save As ▸ CSV."
        )


def _utf8(raw: bytes, name: str, *, bom: bool) -> SheetText:
    _refuse_nul(raw, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if bom:
            return SheetText(text, UTF8, "it starts with a UTF-8 byte-order mark")
        return SheetText(text, UTF8, "every line is valid UTF-8")
    utf8_lines: list[int] = []
    windows_lines: list[int] = []
    parts: list[str] = []
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        if line.isascii():
            parts.append(line.decode("ascii"))
            continue
        try:
            parts.append(line.decode("utf-8"))
            utf8_lines.append(number)
            continue
        except UnicodeDecodeError:
            pass
        try:
            parts.append(line.decode("cp1252"))
            windows_lines.append(number)
        except UnicodeDecodeError:
            raise BundleError(
                f"Line {number:,} of {name} is neither UTF-8 nor Windows (cp1252) text, so its letters cannot be "
                f"read with certainty. {SAVE_AS_UTF8}"
            ) from None
    if bom or utf8_lines:
        found = f"{_lines(utf8_lines)} {_are(utf8_lines)} valid UTF-8" if utf8_lines else ""
        evidence = "; ".join(
            part
            for part in (
                "the file starts with a UTF-8 mark" if bom else "",
                found,
                f"{_lines(windows_lines)} {_are(windows_lines)} not",
            )
            if part
        )
        return SheetText("".join(parts), MIXED, evidence, frozenset(windows_lines))
    first = windows_lines[0]
    return SheetText("".join(parts), CP1252, f"line {first:,} is not valid UTF-8, and no line is")


def _are(numbers: list[int]) -> str:
    return "are" if len(numbers) > 1 else "is"


def _lines(numbers: list[int] | frozenset[int]) -> str:
    ordered = sorted(numbers)
    shown = ", ".join(f"{number:,}" for number in ordered[:8])
    more = f" and {len(ordered) - 8:,} more" if len(ordered) > 8 else ""
    return f"line{'s' if len(ordered) > 1 else ''} {shown}{more}"
