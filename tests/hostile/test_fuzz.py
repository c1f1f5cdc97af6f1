"""Fuzzing the three doors of the journal with Hypothesis: the spreadsheet reader, the bundle reader and the
command line's argument parser. Whatever comes in, the outcome is a result or a sentence (BundleError, a
FieldError, argparse's exit 2, a JournalError's exit 1), never another exception, and whatever a reader
accepts can be imported.

Bounded for `make test` (and so CI): STORY_JOURNAL_FUZZ_EXAMPLES examples per target (default 150, a few
seconds in all); run longer with, e.g.,
`STORY_JOURNAL_FUZZ_EXAMPLES=20000 make test PYTEST_ARGS=tests/hostile/test_fuzz.py`.
No example database is written: each run explores afresh from its seed (printed on failure, for replay).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from journal.bundles.csv_import import guess_mapping, import_rows, read_sheet
from journal.bundles.format import BundleError
from journal.bundles.merge import apply_import
from journal.bundles.read import read_bundle
from journal.store.database import Journal, open_journal
from tests.hostile import corpus

EXAMPLES = int(os.environ.get("STORY_JOURNAL_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # machines differ in speed; a hang is caught by the readers' own limits, not by time
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def journal(folder: Path) -> Iterator[Journal]:
    opened = open_journal(folder / "fuzz.journal")
    yield opened
    opened.close()


# ------------------------------------------------------------------------------------------- spreadsheets

CELL = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="abcdefgh éüß-", min_size=1, max_size=12),
    st.sampled_from(['"', '""', '"a', 'a"b', "\n", "\r\n", "\r", ",", ";", "\t", "é", "€", "\x00", "1e309", "-1"]),
    st.sampled_from(["2024-01-02", "13/13/2024", "USD", "€", "approved", "named", "https://x.example/p", "a,b"]),
)
HEADER = st.sampled_from(["Title", "Date", "Cost", "Currency", "Tags", "URL", "Status", "Consent", "Notes", "", "x"])


@st.composite
def spreadsheets(draw: st.DrawFn) -> bytes:
    """CSV-ish bytes: rows of odd cells joined by odd separators, in one or two encodings, or raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    headers = draw(st.lists(HEADER, min_size=1, max_size=5))
    if draw(st.booleans()):
        headers[0] = "Title"  # half the sheets name a title column, so rows get as far as the journal
    rows = draw(st.lists(st.lists(CELL, max_size=6), max_size=8))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(separator.join(row) for row in [headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "mixed"]))
    if encoding == "mixed":
        lines = text.split(ending)
        return ending.encode().join(
            line.encode("cp1252", "replace") if number % 2 else line.encode("utf-8", "surrogatepass")
            for number, line in enumerate(lines)
        )
    return text.encode(encoding, "replace") if encoding == "cp1252" else text.encode(encoding, "surrogatepass")


@FUZZ
@given(data=spreadsheets())
def test_the_spreadsheet_reader_answers_anything_with_rows_or_a_sentence(
    data: bytes, folder: Path, journal: Journal
) -> None:
    path = folder / "fuzz.csv"
    path.write_bytes(data)
    try:
        sheet = read_sheet(path)
    except BundleError as error:
        assert str(error).strip() and "Traceback" not in str(error)
        event("refused")
        return
    sheet.check(guess_mapping(sheet.headers))
    for row in sheet.bad:
        assert row.errors and all(isinstance(error, str) and error for error in row.errors)
    event(f"read, {'some' if sheet.good else 'no'} good rows")
    import_rows(journal, sheet.good[:3])  # what the reader accepts, the journal takes


# ------------------------------------------------------------------------------------------- bundles

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(["", "to_fetch", "fetched", "ok", "dead", "\x00", "javascript:alert(1)", corpus.WHEN]),
    ),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


TEXTS = st.text(max_size=40).filter(lambda text: text.strip())


@st.composite
def bundles(draw: st.DrawFn) -> bytes:
    """A good bundle with some of its values replaced, removed or added, or a document of random JSON, or bytes."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.binary(max_size=300))
    records = [corpus.good_record("Fuzzed", corpus.STORY_ID), corpus.good_record("Other", corpus.STORY_ID[:-1] + "2")]
    if choice <= 4:  # only texts changed, as a person could type them: most of these must import
        for record in records:
            record["id"] = str(draw(st.uuids(version=4)))
            record["links"][0]["id"] = str(draw(st.uuids(version=4)))
            record["readings"][0]["id"] = str(draw(st.uuids(version=4)))
            record["readings"][0]["link_id"] = record["links"][0]["id"]
            for name in ("title", "situation", "organization", "outcome"):
                record["fields"][name] = draw(TEXTS)
            record["links"][0]["title"] = draw(TEXTS)
            record["tags"][0]["name"] = draw(st.text(alphabet="abcxyz/ é", min_size=1, max_size=10))
        return corpus.bundle_bytes(records)
    if choice == 5:
        document: Any = draw(JSON_VALUES)
        raw = json.dumps(document).encode()
    else:
        for _ in range(draw(st.integers(1, 4))):
            where = draw(st.sampled_from(_paths(records)[1:]))
            parent: Any = records
            for step in where[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "remove", "add"]))
            if action == "remove" and isinstance(parent, dict):
                parent.pop(where[-1], None)
            elif action == "add" and isinstance(parent, dict):
                parent[draw(st.text(max_size=8))] = draw(JSON_VALUES)
            else:
                parent[where[-1]] = draw(JSON_VALUES)
        return corpus.bundle_bytes(records)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bundle.json", raw)
    return out.getvalue()


@FUZZ
@given(data=bundles())
def test_the_bundle_reader_answers_anything_with_a_bundle_or_a_sentence(
    data: bytes, folder: Path, journal: Journal
) -> None:
    path = folder / "fuzz.sjbundle"
    path.write_bytes(data)
    try:
        bundle = read_bundle(path)
    except BundleError as error:
        assert str(error).strip()
        event("refused by the reader")
        return
    try:
        apply_import(journal, bundle)  # what the reader accepts, the journal takes (or refuses in words)
    except BundleError as error:
        assert str(error).strip()
        event("refused by the import")
        return
    event("imported")


# ------------------------------------------------------------------------------------------- the command line

WORDS = st.one_of(
    st.text(max_size=12).filter(lambda text: "\x00" not in text),
    st.sampled_from([os.fsdecode(b"caf\xe9"), "1e309", "1e26", "-1", "NaN", "9" * 31, "²", "", "-", "--", "x" * 400]),
    st.sampled_from(["https://example.com/a", "javascript:x", "http://10.0.0.1/", "2024-02-30", "USD", "kids"]),
)
COMMANDS = [
    ["add", "--title"],
    ["add", "--title", "Fuzzed", "--cost"],
    ["add", "--title", "Fuzzed", "--currency", "USD", "--cost"],
    ["add", "--title", "Fuzzed", "--tag"],
    ["add", "--title", "Fuzzed", "--link"],
    ["add", "--title", "Fuzzed", "--occurred"],
    ["add", "--title", "Fuzzed", "--status"],
    ["list", "--search"],
    ["list", "--tag"],
    ["list", "--from"],
    ["show"],
    ["link", "add"],
    ["links", "fetch", "--timeout"],
    ["reach", "add"],
    ["case-study", "create"],
    ["import-csv"],
    ["bundle", "import"],
]


@FUZZ
@given(command=st.sampled_from(COMMANDS), words=st.lists(WORDS, min_size=1, max_size=3))
def test_the_command_line_answers_any_arguments_with_a_result_or_a_sentence(
    command: list[str], words: list[str], folder: Path
) -> None:
    from journal.__main__ import main

    argv = ["--journal", str(folder / "cli.journal"), *command, *words]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse: --help (0) or a bad argument (2)
            status = stop.code if isinstance(stop.code, int) else 2
    assert status in (0, 1, 2, 75), (argv, status, err.getvalue())
    event(f"exit {status}")
    if status:
        lines = err.getvalue().strip().splitlines()
        assert lines and "Traceback" not in err.getvalue(), (argv, err.getvalue())
