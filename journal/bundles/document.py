"""A bundle's JSON read as a stream (ijson), never whole: records are built one at a time within limits, so
what a hostile document holds costs no more memory than one record's worth before it is refused.

`json.loads` on a 100 MB document of small objects peaked at 1.8 GB before any check could run. Here every
value is counted as it arrives: a record past its budget, a text past MAX_STRING, a number past
MAX_NUMBER_DIGITS or nesting past MAX_DEPTH stops the reading at once, with a sentence. A document is read
as a header (its small top-level values) and its lists of records, each record handed to a callback (which
validates it) as soon as it is complete.
"""

from __future__ import annotations

import functools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

from journal.bundles import format as fmt
from journal.bundles.format import BundleError
from journal.inputs import without_nul

MAX_DEPTH = 32  # a story record is six levels deep
RECORD_VALUES = 500_000  # JSON values in one record: a story with tens of thousands of readings fits
HEADER_VALUES = 10_000  # JSON values in one top-level header value (the source, the creation time)
_CHUNK = 1 << 20  # bytes per read; a value spanning many reads is what makes yajl slow (see _Limited)
_LONGEST = 4 * fmt.MAX_STRING + 16  # bytes: a longer run between quotes is a text over MAX_STRING characters
_QUOTE = re.compile(rb'(?<!\\)"')
_DIGITS = re.compile(r"has (\d+) digits")
# A run of digits this long never reaches the parser: yajl's C backend turns a number of more than Python's
# 4,300 digits into a SystemError and is left broken, so that a later document crashes the process.
MAX_DIGITS = 4_000
_DIGIT_RUN = re.compile(rb"[0-9]{%d,}" % MAX_DIGITS)
_ALL_DIGITS = b"0123456789"
_CONSTANT = re.compile(r"[:,\[]\s*(-?Infinity|NaN)\b")  # what json.dumps writes for float("nan") and infinities

Events = Iterator[tuple[str, Any]]


class _Limited:
    """A zip entry's stream that refuses to give more than `limit` bytes, whatever the entry's header says,
    and refuses a single value longer than any field holds before the parser sees it all.

    The second guard is for the parser's sake: yajl re-reads a token that spans reads from its start on
    every read, so one 100 MB text would cost it minutes. A text longer than MAX_STRING characters is a run
    of more than _LONGEST bytes between two quotes, which this finds with a few searches per read."""

    def __init__(self, stream: IO[bytes], limit: int, entry: str) -> None:
        self._stream = stream
        self._left = limit
        self._limit = limit
        self._entry = entry
        self._run = 0  # bytes since the last quote that is not escaped
        self._digits = 0  # digits at the end of what was read so far

    def read(self, size: int = -1) -> bytes:
        want = _CHUNK if size is None or size < 0 else min(size, _CHUNK)
        try:
            chunk = self._stream.read(min(want, self._left + 1))
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise BundleError(f"The bundle entry {self._entry!r} is damaged ({exc}); it was not imported.") from None
        self._left -= len(chunk)
        if self._left < 0:
            raise BundleError(
                f"The bundle entry {self._entry!r} is larger than {self._limit // 2**20} MB; it was not imported."
            )
        self._measure(chunk)
        self._count_digits(chunk)
        return chunk

    def _count_digits(self, chunk: bytes) -> None:
        leading = len(chunk) - len(chunk.lstrip(_ALL_DIGITS))
        if self._digits + leading >= MAX_DIGITS or _DIGIT_RUN.search(chunk):
            raise BundleError(
                f"The bundle holds a number with more than {MAX_DIGITS:,} digits, more than any field holds; "
                "it was not imported."
            )
        trailing = len(chunk) - len(chunk.rstrip(_ALL_DIGITS))
        self._digits = self._digits + leading if leading == len(chunk) else trailing

    def _measure(self, chunk: bytes) -> None:
        first = _QUOTE.search(chunk)
        if first is None:
            self._run += len(chunk)
        else:
            self._run += first.start()
            if self._run <= _LONGEST:
                last = chunk.rfind(b'"')
                while last > 0 and chunk[last - 1] == 0x5C:  # a backslash: an escaped quote, look further back
                    last = chunk.rfind(b'"', 0, last - 1)
                self._run = len(chunk) - max(last, first.start()) - 1
        if self._run > _LONGEST:
            raise BundleError(
                f"The bundle holds a single value (a text, a number or blank space) more than "
                f"{fmt.MAX_STRING:,} characters long, more than any field holds; it was not imported."
            )


def events(stream: IO[bytes], limit: int, entry: str) -> Events:
    """The parse events of one zip entry, with JSON errors as sentences."""
    import ijson

    parser = ijson.basic_parse(_Limited(stream, limit, entry), use_float=False, buf_size=_CHUNK)
    while True:
        try:
            event = next(parser)
        except StopIteration:
            return
        except ijson.JSONError as exc:
            lines = str(exc).strip().splitlines() or [type(exc).__name__]
            constant = _CONSTANT.search(lines[1]) if len(lines) > 1 else None
            if constant:
                raise BundleError(
                    f"The bundle holds {constant.group(1)}, which is not a number JSON allows; it was not imported."
                ) from None
            reason = lines[0].rstrip(".")
            raise BundleError(f"The bundle's {entry} is not valid JSON ({reason}); it was not imported.") from None
        except (ValueError, SystemError) as exc:  # a number Python will not convert (over 4,300 digits)
            found = _DIGITS.search(str(exc.__cause__ or exc))
            what = f"a number with {int(found.group(1)):,} digits" if found else "a value that cannot be read"
            raise BundleError(f"The bundle holds {what}; it was not imported.") from None
        yield event


def build(stream: Events, first: tuple[str, Any], budget: int, what: str) -> Any:
    """The value that starts with the event `first`, built from `stream`; at most `budget` values, each
    checked as it arrives (texts without NUL characters)."""
    kind, value = first
    if kind not in ("start_map", "start_array"):
        return _scalar(kind, value)
    root: Any = {} if kind == "start_map" else []
    stack: list[Any] = [root]
    keys: list[str | None] = [None]
    count = 1
    for kind, value in stream:
        if kind in ("end_map", "end_array"):
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        container = stack[-1]
        if kind == "map_key":
            if value in container:
                raise BundleError(f"The bundle names the field {value!r} twice in one record; it was not imported.")
            keys[-1] = value
            continue
        count += 1
        if count > budget:
            raise BundleError(f"{what} holds more than {budget:,} values, more than any record; it was not imported.")
        if kind in ("start_map", "start_array"):
            if len(stack) >= MAX_DEPTH:
                raise BundleError("The bundle's document is nested too deeply to be a bundle; it was not imported.")
            item: Any = {} if kind == "start_map" else []
        else:
            item = _scalar(kind, value)
        if isinstance(container, dict):
            container[keys[-1]] = item
        else:
            container.append(item)
        if kind in ("start_map", "start_array"):
            stack.append(item)
            keys.append(None)
    raise BundleError("The bundle's document ends in the middle of a record; it was not imported.")


def _scalar(kind: str, value: Any) -> Any:
    if kind == "string":
        if len(value) > fmt.MAX_STRING:
            raise BundleError(
                f"The bundle holds a text {len(value):,} characters long, more than any field holds; "
                "it was not imported."
            )
        return without_nul(value)
    if kind == "number":
        if isinstance(value, Decimal):
            if not value.is_finite() or abs(value.adjusted()) > 2 * fmt.MAX_NUMBER_DIGITS:
                raise BundleError(
                    f"The bundle holds the number {str(value)[:40]}, which is out of range; it was not imported."
                )
            return float(value)
        if abs(value) >= 10**fmt.MAX_NUMBER_DIGITS:
            raise BundleError(f"The bundle holds a number with {len(str(abs(value))):,} digits; it was not imported.")
        return value
    if kind in ("boolean", "null"):
        return value
    raise BundleError(f"The bundle's document has an unexpected {kind}; it was not imported.")


def loads(raw: bytes, what: str, outcome: str) -> Any:
    """A document already whole in memory (a page of changes, a push: their size is limited before they are
    read), under the same limits as build(): the C parser (json) builds it, refusing what build() refuses as
    it goes (a field twice, NaN or infinity, a number out of range), then one walk checks the nesting and the
    texts' length and drops NUL characters. Ten times faster than the stream of events, for the same value.
    `what` names the document in messages ("The page"), `outcome` ends them ("Nothing was changed.")."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{what} is not UTF-8 text (at byte {exc.start}). {outcome}") from None
    if not text.strip():
        raise BundleError(f"{what} is empty. {outcome}")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique,
            parse_int=_whole,
            parse_float=_fraction,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"{what} is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno}). {outcome}"
        ) from None
    except RecursionError:
        raise BundleError(f"{what} is nested too deeply to be what it says. {outcome}") from None
    except BundleError as exc:
        raise BundleError(f"{what}: {exc} {outcome}") from None
    if isinstance(value, str):
        return _scalar("string", value)
    if isinstance(value, dict | list):
        _walk(value, "\\u0000" in text, f"{what} is nested too deeply to be what it says. {outcome}")
    return value


def _walk(root: dict[str, Any] | list[Any], nul: bool, too_deep: str) -> None:
    """Every container within MAX_DEPTH (the root is at depth 1, as in build()) and every text checked as build()
    checks it (length, NUL characters dropped, only searched for when the document escapes one)."""
    level: list[Any] = [root]
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise BundleError(too_deep)
        below: list[Any] = []
        for item in level:
            pairs = item.items() if type(item) is dict else enumerate(item)
            for key, child in pairs:
                kind = type(child)
                if kind is str:
                    if len(child) > fmt.MAX_STRING or (nul and "\x00" in child):
                        item[key] = _scalar("string", child)
                elif kind is dict or kind is list:
                    below.append(child)
        level = below
        depth += 1


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise BundleError(f"it names the field {key[:60]!r} twice in one record.")
            seen.add(key)
    return found


def _whole(digits: str) -> int:
    if len(digits.lstrip("-")) > fmt.MAX_NUMBER_DIGITS:
        raise BundleError(f"it holds a number with {len(digits.lstrip('-')):,} digits.")
    return int(digits)


def _fraction(text: str) -> float:
    number = Decimal(text)
    if not number.is_finite() or abs(number.adjusted()) > 2 * fmt.MAX_NUMBER_DIGITS:
        raise BundleError(f"it holds the number {text[:40]}, which is out of range.")
    return float(number)


def _constant(name: str) -> Any:
    raise BundleError(f"it holds {name}, which is not a number JSON allows.")


def read_document(
    stream: Events,
    on_header: Callable[[str, Any], None],
    lists: dict[str, Callable[[Any], None]],
    what: Callable[[str], str],
    not_a_record: str,
) -> None:
    """A top-level object: each small value goes to on_header(key, value) as soon as it is read (so the format
    and version are checked first); each item of a list named in `lists` goes to its callback as soon as it is
    complete. `what(key)` names the item being read in messages; `not_a_record` is said when the document is not
    an object."""
    first = next(stream, ("end", None))
    if first[0] != "start_map":
        if first[0] != "end":
            build(stream, first, HEADER_VALUES, "The bundle's document")
        raise BundleError(not_a_record)
    seen: set[str] = set()
    for kind, key in stream:
        if kind == "end_map":
            break
        if key in seen:
            raise BundleError(f"The bundle names the field {key!r} twice in one record; it was not imported.")
        seen.add(key)
        start = next(stream)
        if key in lists and start[0] == "start_array":
            read_list(stream, lists[key], functools.partial(what, key))
        else:
            on_header(key, build(stream, start, HEADER_VALUES, f"The bundle's {key}"))
    if next(stream, None) is not None:
        raise BundleError("The bundle's document goes on after its end; it was not imported.")


def read_list(stream: Events, each: Callable[[Any], None], what: Callable[[], str]) -> None:
    """The items of a list whose start_array was just read, each built and handed over as soon as complete."""
    for event in stream:
        if event[0] == "end_array":
            return
        each(build(stream, event, RECORD_VALUES, what()))
    raise BundleError("The bundle's document ends in the middle of a list; it was not imported.")
