"""The hostile-input corpus: spreadsheets, bundles, story records and command lines that must each end in one
clear sentence and an unchanged journal, or in a correct import. Every way into a journal runs through it:
the command line (tests/hostile/test_cli_corpus.py), the window's import dialogs
(tests/ui/test_window_corpus.py), and the team server's push endpoint when it lands.

The loader API (plain data; nothing here runs the app):

    from tests.hostile import corpus

    for case in corpus.cases("csv"):          # also "bundle"
        path = case.make(folder)              # writes the input in `folder` (or names a device / makes a FIFO)
        case.refused                          # words the one-sentence refusal holds; "" when it must import
        case.imports                          # then: the titles the import adds, exactly
        case.mentions                         # words the plan or the preview must show either way

    for case in corpus.record_cases():        # story records as bundles (and sync pushes) carry them
        records = case.records()              # a list of story records (JSON-ready dicts)
        case.refused / case.imports           # as above

    corpus.good_record(title="…")             # a valid story record to build more cases from
    corpus.bundle_bytes(records)              # a bundle file's bytes holding `records`

    for case in corpus.argument_cases():      # command lines
        case.argv(folder)                     # arguments after `journal` (folder for files they name)
        case.status, case.refused             # exit status and words of the one line on stderr

A push endpoint takes `record_cases()`: each must be refused with its words (HTTP 4xx, nothing stored), or
stored with exactly `imports` as titles. Static inputs live in tests/hostile/files/; large or special ones
(a 1,000,000-character cell, a FIFO, /dev/zero) are made by `make`.
"""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILES = Path(__file__).resolve().parent / "files"
STORY_ID = "00000000-0000-4000-8000-0000000000a1"
LINK_ID = "00000000-0000-4000-8000-0000000000b1"
READING_ID = "00000000-0000-4000-8000-0000000000c1"
REPLICA = "00000000-0000-4000-8000-0000000000d1"
WHEN = "2026-01-02T03:04:05+00:00"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "csv" or "bundle"
    make: Callable[[Path], Path]
    refused: str = ""
    imports: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordCase:
    name: str
    records: Callable[[], list[dict[str, Any]]]
    refused: str = ""
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArgumentCase:
    name: str
    argv: Callable[[Path], list[str]]
    status: int
    refused: str


# ------------------------------------------------------------------------------------------- spreadsheets


def _static(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        target = folder / name
        target.write_bytes((FILES / name).read_bytes())
        return target

    return make


def _written(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        target = folder / name
        target.write_bytes(data())
        return target

    return make


def _fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        target = folder / name
        os.mkfifo(target)
        return target

    return make


def _folder(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        target = folder / name
        target.mkdir()
        return target

    return make


def _rows(cell_row: int, cell: str, count: int = 10) -> bytes:
    lines = ["Title,Situation"]
    lines += [f"Story {n},{cell if n == cell_row else f'situation {n}'}" for n in range(1, count + 1)]
    return ("\n".join(lines) + "\n").encode()


def _late_nul() -> bytes:
    rows = "".join(f"Story {n},{'x' * 100}\n" for n in range(1, 800))
    return b"Title,Situation\n" + rows.encode() + b"Bad,nul\x00here\n"


CSV_CASES = [
    Case("long cell in row 3 of 10", "csv", _written("long.csv", lambda: _rows(3, "x" * 200_000)),
         imports=tuple(f"Story {n}" for n in range(1, 11))),
    Case("cell over a million characters", "csv", _written("huge-cell.csv", lambda: _rows(3, "x" * 1_000_001)),
         refused="Line 4 of huge-cell.csv has a cell longer than 1,000,000 characters"),
    Case("unterminated quote", "csv", _static("unterminated-quote.csv"),
         refused="Line 3 of unterminated-quote.csv opens a quoted cell"),
    Case("text after a closing quote", "csv", _static("text-after-quote.csv"),
         refused="Line 3 of text-after-quote.csv has a quoted cell followed by more text"),
    Case("rows swallowed by a quote", "csv", _static("swallowed-rows.csv"), imports=("Five",),
         mentions=("lines 2–4", "swallowing")),
    Case("UTF-8 with one Windows row", "csv", _static("mixed-encodings.csv"),
         imports=("Café crème", "Crème brûlée", "Naïve question"),
         mentions=("UTF-8 and Windows (cp1252)", "line 4")),
    Case("Windows text", "csv", _static("windows.csv"), imports=("Naïve café",), mentions=("Windows (cp1252)",)),
    Case("UTF-16 (Excel's Unicode text)", "csv", _static("unicode-text.csv"), imports=("Łódź bakery",),
         mentions=("UTF-16",)),
    Case("neither UTF-8 nor Windows text", "csv", _static("neither-encoding.csv"),
         refused="Line 3 of neither-encoding.csv is neither UTF-8 nor Windows (cp1252) text"),
    Case("NUL byte after 64 KB", "csv", _written("late-nul.csv", _late_nul),
         refused="line 801 holds binary data"),
    Case("a spreadsheet file renamed .csv", "csv", _static("xlsx-renamed.csv"), refused="not a CSV file"),
    Case("costs of 1e26 and 1e309", "csv", _static("huge-cost.csv"), refused="No row can be imported",
         mentions=("line 2: Cost: That cost is too large", "line 3: Cost: That cost is too large")),
    Case("headers only", "csv", _static("headers-only.csv"), refused="No row can be imported"),
    Case("empty file", "csv", _static("empty.csv"), refused="is empty"),
    Case("over 64 MB", "csv", _written("big.csv", lambda: b"Title\n" + b"x" * (64 * 1024 * 1024)),
         refused="larger than 64 MB"),
    Case("/dev/zero", "csv", lambda _folder: Path("/dev/zero"), refused="/dev/zero is a device"),
    Case("a FIFO", "csv", _fifo("pipe.csv"), refused="is a named pipe (FIFO)"),
    Case("a folder", "csv", _folder("folder.csv"), refused="is a folder"),
]  # fmt: skip


# ------------------------------------------------------------------------------------------- story records


def good_record(title: str = "Kept safe", story_id: str = STORY_ID) -> dict[str, Any]:
    """A valid story record (bundle format 1) with one link, its snapshot and one reading."""
    fields: dict[str, Any] = {
        "title": title,
        "occurred": "2025-12-01",
        "organization": "Acme",
        "employees": "Sam",
        "channel": "phone",
        "customer_name": "",
        "customer_contact": "",
        "consent": "named",
        "situation": "A courier came back for a forgotten parcel.",
        "policy": "",
        "action": "",
        "cost_cents": 1200,
        "currency": "USD",
        "outcome": "",
        "internal_notes": "",
        "status": "draft",
    }
    link = {
        "url": "https://example.com/post",
        "title": "The post",
        "outlet": "Example",
        "author": "",
        "published": None,
        "kind": "blog",
        "comment_count": 3,
        "notes": "",
        "id": LINK_ID.replace("b1", "b" + story_id[-1]),
        "position": 0,
        "created_at": WHEN,
        "updated_at": WHEN,
        "description": "",
        "canonical_url": "",
        "typed_fields": "title",
        "fetch_state": "to_fetch",
        "fetched_at": None,
        "fetch_error": "",
        "health": "unknown",
        "http_status": None,
        "final_url": "",
        "checked_at": None,
    }
    reading = {
        "id": READING_ID.replace("c1", "c" + story_id[-1]),
        "link_id": link["id"],
        "metric": "comments",
        "query": "",
        "value": 3,
        "taken_at": WHEN,
        "source": "typed",
    }
    return {
        "id": story_id,
        "created_at": WHEN,
        "updated_at": WHEN,
        "version": {REPLICA: 1},
        "fields": fields,
        "tags": [{"name": "kept", "color": None}],
        "links": [link],
        "readings": [reading],
    }


def _changed(change: Callable[[dict[str, Any]], None], title: str = "Kept safe") -> Callable[[], list[dict[str, Any]]]:
    def records() -> list[dict[str, Any]]:
        record = copy.deepcopy(good_record(title))
        change(record)
        return [record]

    return records


def _link(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record["links"][0].update(values)


def _reading(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record["readings"][0].update(values)


def _fields(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record["fields"].update(values)


RECORD_CASES = [
    RecordCase("a good record", _changed(lambda _record: None), imports=("Kept safe",)),
    RecordCase("NUL characters in the text", _changed(_fields(title="Kept\x00 safe", situation="a\x00b")),
               imports=("Kept safe",)),
    RecordCase("unknown fetch state", _changed(_link(fetch_state="pwned")), refused="is not a fetch state"),
    RecordCase("unknown link health", _changed(_link(health="excellent")), refused="is not a link health"),
    RecordCase("HTTP status 999", _changed(_link(http_status=999)), refused="is not an HTTP status"),
    RecordCase("typed fields naming no field", _changed(_link(typed_fields="title,owner")),
               refused="not a field of a link"),
    RecordCase("a quadrillion comments", _changed(_link(comment_count=10**15)),
               refused="number of comments is too large"),
    RecordCase("a link to a script", _changed(_link(url="javascript:alert(1)")), refused="web links"),
    RecordCase("unknown kind of reading", _changed(_reading(metric="likes")), refused="is not a kind of reading"),
    RecordCase("unknown reading source", _changed(_reading(source="scraped")), refused="where a reading came from"),
    RecordCase("a reading of ten trillion", _changed(_reading(value=10**13)), refused="out of range"),
    RecordCase("a 26-digit cost", _changed(_fields(cost_cents=10**25)), refused="26 digits"),
    RecordCase("a float for a cost", _changed(_fields(cost_cents=1.5)), refused="the cost"),
    RecordCase("a title of 301 characters", _changed(_fields(title="x" * 301)), refused="under 300 characters"),
    RecordCase("a status that is not one", _changed(_fields(status="published")), refused="not a status"),
    RecordCase("an id that is not one", _changed(lambda record: record.update(id="../../etc")),
               refused="is not an id"),
]  # fmt: skip


def bundle_bytes(records: list[dict[str, Any]], **document: Any) -> bytes:
    """A bundle file holding `records` (format and version first, as every bundle has them)."""
    body = {"format": "story-journal-bundle", "version": 1, "created_at": WHEN}
    body |= {"source": {"replica": REPLICA, "name": "corpus"}, "stories": records, "tombstones": [], **document}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bundle.json", json.dumps(body, ensure_ascii=False))
    return out.getvalue()


def _bundle(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    return _written(name, data)


def _raw_document(text: bytes) -> Callable[[], bytes]:
    def data() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bundle.json", text)
        return out.getvalue()

    return data


DIGITS_26 = b"9" * 26
HEAD = b'{"format": "story-journal-bundle", '


def _records_bundle(case: RecordCase) -> Callable[[], bytes]:
    return lambda: bundle_bytes(case.records())


BUNDLE_CASES = [
    *(
        Case(f"record: {case.name}", "bundle", _bundle(f"record-{n}.sjbundle", _records_bundle(case)),
             refused=case.refused, imports=case.imports)
        for n, case in enumerate(RECORD_CASES)
    ),
    Case("stories before the format", "bundle",
         _bundle("order.sjbundle", _raw_document(b'{"stories": [{}], "format": "story-journal-bundle", "version": 1}')),
         refused="does not begin with its format and version"),
    Case("an unknown top-level field", "bundle", _bundle("unknown.sjbundle", lambda: bundle_bytes([], padding=[1, 2])),
         refused="does not know (padding)"),
    Case("a second document after the first", "bundle",
         _bundle("twice.sjbundle", _raw_document(b'{"format": "story-journal-bundle", "version": 1} {}')),
         refused="not valid JSON"),
    Case("a 26-digit number", "bundle",
         _bundle("digits.sjbundle", _raw_document(HEAD + b"\"version\": " + DIGITS_26 + b"}")),
         refused="26 digits"),
    Case("/dev/zero", "bundle", lambda _folder: Path("/dev/zero"), refused="/dev/zero is a device"),
    Case("a FIFO", "bundle", _fifo("pipe.sjbundle"), refused="is a named pipe (FIFO)"),
    Case("a folder", "bundle", _folder("folder.sjbundle"), refused="is a folder"),
]  # fmt: skip


def cases(kind: str) -> list[Case]:
    """The corpus for one way in: "csv" or "bundle"."""
    return {"csv": CSV_CASES, "bundle": BUNDLE_CASES}[kind]


def record_cases() -> list[RecordCase]:
    return list(RECORD_CASES)


# ------------------------------------------------------------------------------------------- command lines

UNDECODABLE = os.fsdecode(b"Caf\xe9")  # what Python makes of a Latin-1 argument on a UTF-8 system


def _on_journal(*args: str) -> Callable[[Path], list[str]]:
    """`--journal FOLDER/j.journal ARGS` (no journal exists there: a refused command must not make one)."""
    return lambda folder: ["--journal", str(folder / "j.journal"), *args]


def _cost(amount: str) -> Callable[[Path], list[str]]:
    return _on_journal("add", "--title", "ok", "--cost", amount, "--currency", "USD")


def _comments(count: str) -> Callable[[Path], list[str]]:
    return _on_journal("link", "add", "abcd", "https://example.com/", "--comments", count)


NOT_UTF8 = "holds bytes that are not UTF-8 text"
ARGUMENT_CASES = [
    ArgumentCase("title not UTF-8", _on_journal("add", "--title", UNDECODABLE), 2, f"--title {NOT_UTF8}"),
    ArgumentCase("situation not UTF-8", _on_journal("add", "--title", "ok", "--situation", UNDECODABLE), 2,
                 f"--situation {NOT_UTF8}"),
    ArgumentCase("tag not UTF-8", _on_journal("add", "--title", "ok", "--tag", UNDECODABLE), 2, f"--tag {NOT_UTF8}"),
    ArgumentCase("link not UTF-8", _on_journal("add", "--title", "ok", "--link", f"https://example.com/{UNDECODABLE}"),
                 2, f"--link {NOT_UTF8}"),
    ArgumentCase("search not UTF-8", _on_journal("list", "--search", UNDECODABLE), 2, f"--search {NOT_UTF8}"),
    ArgumentCase("cost 1e26", _cost("1e26"), 2, "That cost is too large"),
    ArgumentCase("cost 1e309", _cost("1e309"), 2, "That cost is too large"),
    ArgumentCase("cost NaN", _cost("NaN"), 2, "is not an amount"),
    ArgumentCase("31-digit comment count", _comments("1" * 31), 2, "That number of comments is too large"),
    ArgumentCase("superscript comment count", _comments("²"), 2, "is not a number of comments"),
    ArgumentCase("--journal /dev/null", lambda _f: ["--journal", "/dev/null", "add", "--title", "x"],
                 1, "/dev/null is a device, not a journal file"),
    ArgumentCase("--journal a FIFO", lambda f: ["--journal", str(_fifo("pipe.journal")(f)), "list"],
                 1, "is a named pipe (FIFO), not a journal file"),
    ArgumentCase("--journal a folder", lambda f: ["--journal", str(f), "list"], 1, "is a folder, not a journal file"),
]  # fmt: skip


def argument_cases() -> list[ArgumentCase]:
    return list(ARGUMENT_CASES)
