"""A page of changes or a push is read whole from memory (journal.bundles.document.loads, the C parser), a bundle's
document as a stream of events (document.build): both must give the same values, and the in-memory reader must
refuse everything the bundle limits refuse, with a sentence. (The refusals are not run through the stream reader
here: after a few refused documents, ijson's C parser crashed the process on the 5,000-digit number.)"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from journal.bundles import document
from journal.bundles import format as fmt
from journal.bundles.format import BundleError
from journal.bundles.read import parse_json

STORY_LIKE = {
    "id": "0b7c8f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f",
    "version": {"0b7c8f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f": 3},
    "fields": {"title": "Réunion à Zürich ✓", "cost_cents": -1250, "occurred": None, "ratio": 0.25},
    "tags": [{"name": "a/b", "color": None}],
    "links": [],
    "flag": True,
}

GOOD = [
    STORY_LIKE,
    {"changes": [STORY_LIKE, STORY_LIKE], "next": 7, "more": False},
    [1, -2, 3.5, 1e3, 12345678901234567890, "x", None, False, [], {}],
    {"text": "a\u0000b\u0000", "nested": [["c\u0000"]], "\u0000key": "kept as it is"},
    {"escaped backslash then u0000": "\\u0000"},
    "a whole string",
    42,
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],  # 32 deep: the deepest allowed
]

BAD = [
    b"",
    b"   ",
    b"{",
    b"[1, 2",
    b'{"a": 1} {"b": 2}',
    b'{"a": 1, "a": 2}',
    b'[{"x": {"y": 1, "y": 1}}]',
    b'{"n": NaN}',
    b"[Infinity]",
    b"[-Infinity]",
    b"[123456789012345678901]",
    b"[-123456789012345678901]",
    b"[1e999]",
    b"[1.5e-100]",
    b"[" + b"1" * 5000 + b"]",
    b"[" * 33 + b"]" * 33,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": "\xff\xfe"}',
    b'"' + b"x" * (fmt.MAX_STRING + 1) + b'"',
    b'{"long": "' + b"y" * (fmt.MAX_STRING + 1) + b'"}',
]


def streamed(raw: bytes) -> Any:
    stream = document.events(io.BytesIO(raw), len(raw), "document")
    first = next(stream, None)
    if first is None:
        raise BundleError("empty")
    value = document.build(stream, first, len(raw) + 1, "The document")
    if next(stream, None) is not None:
        raise BundleError("goes on")
    return value


@pytest.mark.parametrize("value", GOOD, ids=range(len(GOOD)))
def test_a_good_document_reads_the_same_from_memory_as_streamed(value: Any) -> None:
    raw = json.dumps(value, ensure_ascii=False).encode()
    assert parse_json(raw) == streamed(raw)
    if isinstance(value, dict) and "text" in value:
        assert parse_json(raw)["text"] == "ab" and parse_json(raw)["nested"] == [["c"]]  # NUL characters dropped


@pytest.mark.parametrize("raw", BAD, ids=range(len(BAD)))
def test_a_bad_document_is_refused_from_memory(raw: bytes) -> None:
    with pytest.raises(BundleError) as refused:
        parse_json(raw)
    message = str(refused.value)
    assert message.endswith("Nothing was changed.") or "not imported" in message
    assert "Traceback" not in message and len(message) < 400
