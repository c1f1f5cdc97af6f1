"""Stories from a spreadsheet saved as CSV: the encoding and separator are guessed, headers are matched to
fields (with common synonyms; a person may change the mapping), every row is checked with the same parsers
as typed input, and bad rows are reported by line. Nothing is written until import_rows() is called."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.bundles.format import BundleError
from journal.bundles.sheet_text import decode_sheet
from journal.inputs import InputFileError, open_regular, read_bounded
from journal.store.fields import (
    Consent,
    FieldError,
    Status,
    enum_value,
    parse_cost,
    parse_currency,
    parse_date,
    parse_title,
    parse_url,
    split_tags,
)

MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL = 1_000_000  # characters in one cell (Python's reader stops at 131,072 unless told)

# Target fields a column can fill, with the label a person sees.
TARGETS: dict[str, str] = {
    "title": "Title",
    "occurred": "Date",
    "organization": "Organisation",
    "employees": "Employees",
    "channel": "Channel",
    "customer_name": "Customer (private)",
    "customer_contact": "Contact (private)",
    "consent": "Consent",
    "situation": "Situation",
    "policy": "Policy",
    "action": "What was done",
    "cost": "Cost",
    "currency": "Currency",
    "outcome": "Outcome",
    "internal_notes": "Internal notes (private)",
    "status": "Status",
    "tags": "Tags",
    "links": "Coverage links",
}
IGNORE = ""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "story", "subject", "summary", "name of story"),
    "occurred": ("date", "occurred", "when", "day", "date occurred", "occurred on"),
    "organization": ("organization", "organisation", "company", "org", "business", "team", "store"),
    "employees": ("employees", "employee", "staff", "rep", "reps", "agent", "agents", "who"),
    "channel": ("channel", "via", "medium", "contact channel"),
    "customer_name": ("customer", "customer name", "client", "client name"),
    "customer_contact": ("contact", "customer contact", "email", "e mail", "phone", "customer email"),
    "consent": ("consent", "permission"),
    "situation": ("situation", "what happened", "description", "problem", "issue", "details"),
    "policy": ("policy", "rule", "what the policy said"),
    "action": ("action", "what was done", "what we did", "done", "resolution"),
    "cost": ("cost", "amount", "price", "spent", "cost amount"),
    "currency": ("currency", "cur", "currency code"),
    "outcome": ("outcome", "result", "what came of it", "impact"),
    "internal_notes": ("notes", "internal notes", "note", "comments"),
    "status": ("status", "state", "stage"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category"),
    "links": ("links", "link", "url", "urls", "coverage", "coverage links"),
}


def normalise(header: str) -> str:
    return " ".join(re.sub(r"[_\-./]+", " ", header).casefold().split())


def guess_mapping(headers: Sequence[str]) -> list[str]:
    """The field each column fills (IGNORE for none); each field is filled by one column at most."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        key = normalise(header)
        target = next((name for name, words in SYNONYMS.items() if key in words and name not in taken), IGNORE)
        if target:
            taken.add(target)
        mapping.append(target)
    return mapping


@dataclass
class Row:
    line: int
    values: list[str]
    data: dict[str, Any] | None = None  # what create_story gets (StoryCreate fields), when the row is good
    errors: list[str] = field(default_factory=list)
    last_line: int = 0  # a row with a line break in a quoted cell runs on to this line
    windows_text: bool = False  # (part of) the row was read as Windows (cp1252) text in a mixed file

    @property
    def lines(self) -> str:
        return f"line {self.line}" if self.last_line <= self.line else f"lines {self.line}–{self.last_line}"


@dataclass
class Sheet:
    path: Path
    headers: list[str]
    rows: list[Row]
    note: str = ""  # what a person should check (e.g. lines read in another encoding)
    encoding: str = "UTF-8"
    evidence: str = ""  # why that encoding, in a phrase

    @property
    def encoding_line(self) -> str:
        """`Read as UTF-8: every line is valid UTF-8.` for the plan and the preview."""
        return f"Read as {self.encoding}: {self.evidence}."

    def check(self, mapping: Sequence[str]) -> None:
        """Validate every row against this mapping (fills data/errors)."""
        problems = mapping_problems(self.headers, mapping)
        for row in self.rows:
            row.data, row.errors = None, list(problems)
            if not problems:
                row.data, row.errors = parse_row(row.values, mapping)
                if row.last_line > row.line and "title" in mapping:
                    title = row.values[mapping.index("title")] if mapping.index("title") < len(row.values) else ""
                    if "\n" in title or "\r" in title:
                        row.data = None
                        row.errors.insert(
                            0,
                            f"Title: runs over {row.lines}; a quote opened on line {row.line} is probably closed "
                            "only later, swallowing the rows between. Fix the quote in the spreadsheet",
                        )

    @property
    def good(self) -> list[Row]:
        return [row for row in self.rows if row.data is not None]

    @property
    def bad(self) -> list[Row]:
        return [row for row in self.rows if row.data is None]


def mapping_problems(headers: Sequence[str], mapping: Sequence[str]) -> list[str]:
    if len(mapping) != len(headers):
        return ["Every column needs a field or (ignore)."]
    targets = [target for target in mapping if target]
    if "title" not in targets:
        return ["Choose the column that holds the title: every story needs one."]
    doubled = sorted({target for target in targets if targets.count(target) > 1})
    if doubled:
        return [f"More than one column is mapped to {TARGETS[doubled[0]]}; map each field once."]
    return []


def read_sheet(path: Path) -> Sheet:
    """Read and split the whole file, or raise BundleError with the line and the reason: a file that cannot be
    read as the person expects (a quote never closed, a cell past the limit, bytes that are not text) is
    refused whole, so nothing is imported half-way."""
    try:
        with open_regular(path, "spreadsheet saved as CSV") as handle:
            raw = read_bounded(handle, MAX_BYTES)
    except InputFileError as error:
        raise BundleError(str(error)) from None
    except OSError as exc:
        raise BundleError(f"{path} cannot be read ({exc.strerror}).") from None
    if raw is None:
        raise BundleError(f"{path.name} is larger than {MAX_BYTES // 2**20} MB; split it and import the parts.")
    decoded = decode_sheet(raw, path.name)
    del raw
    if not decoded.text.strip():
        raise BundleError(f"{path.name} is empty: there is nothing to import.")
    lines = io.StringIO(decoded.text, newline="").readlines()
    text_sample = decoded.text[:65536]
    try:
        sniffed: Any = csv.Sniffer().sniff(text_sample, delimiters=",;\t|")
    except csv.Error:
        sniffed = csv.excel
    # Strict: a quote never closed, or text after a closing quote, is an error (never a silent merge); quotes
    # inside a quoted cell are doubled, as every spreadsheet writes them (the sniffer cannot always tell).
    dialect = type("Strict", (sniffed,), {"strict": True, "doublequote": True})
    if csv.field_size_limit() < MAX_CELL:
        csv.field_size_limit(MAX_CELL)
    reader = csv.reader(iter(lines), dialect)
    headers = _next_record(reader, lines, path.name, 1)
    if headers is None or not any(header.strip() for header in headers):
        raise BundleError(f"Line 1 of {path.name} has no column names; the first line must name the columns.")
    rows: list[Row] = []
    while True:
        line = reader.line_num + 1
        values = _next_record(reader, lines, path.name, line)
        if values is None:
            break
        if not any(value.strip() for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise BundleError(f"{path.name} has more than {MAX_ROWS:,} rows; split it and import the parts.")
        last = reader.line_num
        windows = any(number in decoded.windows_lines for number in range(line, last + 1))
        rows.append(Row(line=line, values=values, last_line=last, windows_text=windows))
    return Sheet(path, headers, rows, decoded.note(path.name), decoded.encoding, decoded.evidence)


def _next_record(reader: Any, lines: list[str], name: str, line: int) -> list[str] | None:
    """The next record, or None at the end; a record that cannot be read refuses the whole file, naming the
    line where it starts and why."""
    try:
        return list(next(reader))
    except StopIteration:
        return None
    except csv.Error as exc:
        reason = str(exc)
    quote = getattr(reader.dialect, "quotechar", '"') or '"'
    unclosed = sum(text.count(quote) for text in lines[line - 1 :]) % 2 == 1
    if "field larger than field limit" in reason:
        why = f"has a cell longer than {MAX_CELL:,} characters, more than any field holds"
        if unclosed:
            why = f"opens a quoted cell ({quote}) that is never closed, so the rest of the file would become one cell"
    elif "unexpected end of data" in reason:
        why = f"opens a quoted cell ({quote}) that is never closed, so the rest of the file would become one cell"
    elif "expected after" in reason:
        where = "" if reader.line_num == line else f" (on line {reader.line_num})"
        why = (
            f"has a quoted cell followed by more text after its closing quote{where}; a {quote} inside a cell "
            f"must be doubled ({quote}{quote})"
        )
    else:
        why = f"cannot be read as CSV ({reason})"
    raise BundleError(
        f"Line {line:,} of {name} {why}. Nothing was imported; fix it in the spreadsheet and save it again."
    )


def _links(text: str) -> list[str]:
    return [parse_url(part) for part in re.split(r"[\s,;]+", text) if part]


_PARSERS: dict[str, Callable[[str], Any]] = {
    "title": parse_title,
    "occurred": parse_date,
    "cost": parse_cost,
    "currency": parse_currency,
    "consent": lambda text: enum_value(Consent, text, "consent") if text.strip() else Consent.UNKNOWN.value,
    "status": lambda text: enum_value(Status, text, "status") if text.strip() else Status.DRAFT.value,
    "tags": split_tags,
    "links": _links,
}


def parse_row(values: Sequence[str], mapping: Sequence[str]) -> tuple[dict[str, Any] | None, list[str]]:
    data: dict[str, Any] = {}
    errors: list[str] = []
    if len(values) > len(mapping):
        extra = values[len(mapping) :]
        if any(value.strip() for value in extra):
            errors.append(f"has {len(values)} cells but the first line names {len(mapping)} columns")
    for target, value in zip(mapping, values, strict=False):
        if not target:
            continue
        parse = _PARSERS.get(target, str.strip)
        try:
            data[target] = parse(value)
        except FieldError as exc:
            errors.append(f"{TARGETS[target]}: {exc}")
    if "title" not in data and not any(e.startswith("Title") for e in errors):
        errors.append("Title: A story needs a title.")
    if data.get("cost") is not None and not data.get("currency"):
        errors.append("Cost: give the currency too (a Currency column with e.g. USD).")
    if errors:
        return None, errors
    if "cost" in data:
        data["cost_cents"] = data.pop("cost")
    return data, []


def import_rows(journal: Any, rows: Sequence[Row], progress: Callable[[int, int], None] | None = None) -> int:
    """Add the good rows' stories in one transaction: all of them or, on any error, none."""
    from journal.store.models import CoverageLinkBase
    from journal.store.stories import StoryCreate, create_story

    good = [row for row in rows if row.data is not None]
    with journal.write() as session:
        for done, row in enumerate(good, start=1):
            assert row.data is not None
            data = dict(row.data)
            links = [CoverageLinkBase(url=url) for url in data.pop("links", [])]
            create_story(StoryCreate(**data, links=links), session=session)
            if progress is not None:
                progress(done, len(good))
    return len(good)


def apply_overrides(headers: Sequence[str], mapping: list[str], overrides: Mapping[str, str]) -> list[str]:
    """`--map COLUMN=FIELD` choices on top of the guess; FIELD may be `ignore`."""
    result = list(mapping)
    for column, target in overrides.items():
        target = "" if target in ("ignore", "-", "") else target
        if target and target not in TARGETS:
            raise BundleError(f"'{target}' is not a field; use one of: {', '.join(TARGETS)}, or ignore.")
        matches = [i for i, header in enumerate(headers) if normalise(header) == normalise(column)]
        if not matches:
            raise BundleError(f"The file has no column named '{column}'; its columns are: {', '.join(headers)}.")
        for index in matches:
            if target:
                result = [IGNORE if existing == target else existing for existing in result]
            result[index] = target
    return result
