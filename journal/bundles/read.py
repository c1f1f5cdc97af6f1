"""Reading a bundle someone handed over, as if it were hostile: every limit is checked before the data is
trusted, and every record is validated with the same parsers as typed input. Anything wrong raises
BundleError with a plain sentence; nothing is written anywhere by this module."""

from __future__ import annotations

import datetime as dt
import json
import re
import stat
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.bundles import format as fmt
from journal.bundles.format import BundleError
from journal.bundles.records import LINK_COLUMNS, READING_COLUMNS, SNAPSHOT_COLUMNS, column_kind
from journal.store.fields import (
    MAX_COST_CENTS,
    Consent,
    FieldError,
    LinkKind,
    Status,
    enum_value,
    parse_currency,
    parse_date,
    parse_tag,
    parse_title,
    parse_url,
)
from journal.store.models import EDITABLE_FIELDS, CoverageLink, LinkSnapshot, Reading, table_of

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Bundle:
    source: str  # the file's name, shown with conflicts ("changed in anna.sjbundle")
    created_at: str
    stories: list[dict[str, Any]]
    tombstones: list[dict[str, Any]]
    texts: dict[str, str] = field(default_factory=dict)  # snapshot text by link id


def read_bundle(path: Path) -> Bundle:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleError(f"There is no file at {path}. Check the name and try again.") from None
    except IsADirectoryError:
        raise BundleError(f"{path} is a folder; choose a bundle file.") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BundleError(
            f"{path.name} is not a Story Journal bundle (it is not a readable zip file: {exc})."
        ) from None
    with archive:
        infos = _checked_entries(archive, path.name)
        document = _parse_document(_read_entry(archive, infos[fmt.DOCUMENT], fmt.MAX_DOCUMENT_BYTES))
        parts = document.get("story_parts", 0) if isinstance(document, dict) else 0
        if not isinstance(parts, int) or isinstance(parts, bool) or not 0 <= parts <= fmt.MAX_PARTS:
            raise BundleError("The bundle's number of story parts is not a count; it was not imported.")
        present = {name for name in infos if fmt.PART_NAME.fullmatch(name)}
        if present != {fmt.part_entry(number) for number in range(1, parts + 1)}:
            raise BundleError("The bundle's story parts do not match its document; it was not imported.")
        for number in range(1, parts + 1):
            part = _parse_document(_read_entry(archive, infos[fmt.part_entry(number)], fmt.MAX_DOCUMENT_BYTES))
            inline = document.get("stories", [])
            if not isinstance(part, list) or not isinstance(inline, list):
                raise BundleError(
                    f"The bundle's {fmt.part_entry(number)} is not a list of stories; it was not imported."
                )
            inline.extend(part)
            document["stories"] = inline
        texts = {}
        for name, info in infos.items():
            match = fmt.SNAPSHOT_NAME.fullmatch(name)
            if match:
                raw = _read_entry(archive, info, fmt.MAX_SNAPSHOT_BYTES)
                try:
                    texts[match.group(1)] = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise BundleError(f"The snapshot {name} in the bundle is not UTF-8 text.") from None
    return _validated(document, texts, path.name)


# ---------------------------------------------------------------- the zip


def _checked_entries(archive: zipfile.ZipFile, file_name: str) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > fmt.MAX_ENTRIES:
        raise BundleError(
            f"{file_name} has {len(infos):,} entries, more than a bundle ever holds; it was not imported."
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        unsafe = (
            name.startswith(("/", "\\"))
            or "\\" in name
            or _DRIVE.match(name)
            or ".." in name.split("/")
            or "\x00" in name
        )
        if unsafe:
            raise BundleError(f"The bundle holds an entry with an unsafe path ({name!r}); it was not imported.")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise BundleError(f"The bundle holds a symbolic link ({name!r}); it was not imported.")
        if info.flag_bits & 0x1:
            raise BundleError(f"The bundle entry {name!r} is encrypted; bundles are never encrypted.")
        if name in entries:
            raise BundleError(f"The bundle holds {name!r} twice; it was not imported.")
        if name != fmt.DOCUMENT and not fmt.SNAPSHOT_NAME.fullmatch(name) and not fmt.PART_NAME.fullmatch(name):
            raise BundleError(f"The bundle holds an unexpected entry ({name!r}); it was not imported.")
        if info.file_size > fmt.RATIO_FLOOR and info.file_size > fmt.MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(
                f"The bundle entry {name!r} would expand {info.file_size // max(info.compress_size, 1):,} times "
                "(a compression bomb); it was not imported."
            )
        total += info.file_size
        if total > fmt.MAX_TOTAL_BYTES:
            raise BundleError("The bundle would expand to more than 2 GB; it was not imported.")
        entries[name] = info
    if fmt.DOCUMENT not in entries:
        raise BundleError(f"{file_name} is a zip file but not a Story Journal bundle (it has no {fmt.DOCUMENT}).")
    return entries


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The entry's bytes, reading no more than `limit` whatever its header claims."""
    if info.file_size > limit:
        raise BundleError(
            f"The bundle entry {info.filename!r} is larger than {limit // 2**20} MB; it was not imported."
        )
    chunks = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise BundleError(
                        f"The bundle entry {info.filename!r} expands beyond its stated size; it was not imported."
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise BundleError(f"The bundle entry {info.filename!r} is damaged ({exc}); it was not imported.") from None
    return b"".join(chunks)


# ---------------------------------------------------------------- the JSON document


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > fmt.MAX_NUMBER_DIGITS:
        raise BundleError(f"The bundle holds a number with {len(text):,} digits; it was not imported.")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 2 * fmt.MAX_NUMBER_DIGITS:
        raise BundleError(f"The bundle holds a number {len(text):,} characters long; it was not imported.")
    return float(text)


def _parse_constant(text: str) -> Any:
    raise BundleError(f"The bundle holds {text}, which is not a number JSON allows; it was not imported.")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BundleError(f"The bundle names the field {key!r} twice in one record; it was not imported.")
        result[key] = value
    return result


def _parse_document(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(f"The bundle's {fmt.DOCUMENT} is not UTF-8 text; it was not imported.") from None
    try:
        document = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except RecursionError:
        raise BundleError("The bundle's document is nested too deeply to be a bundle; it was not imported.") from None
    except json.JSONDecodeError as exc:
        raise BundleError(f"The bundle's document is not valid JSON ({exc}); it was not imported.") from None
    except ValueError as exc:  # e.g. Python's limit on digits in an integer
        raise BundleError(f"The bundle holds a value that cannot be read ({exc}); it was not imported.") from None
    _check_strings(document)
    return document


def _check_strings(document: Any) -> None:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if len(value) > fmt.MAX_STRING:
                raise BundleError(
                    f"The bundle holds a text {len(value):,} characters long, more than any field holds; "
                    "it was not imported."
                )
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


# ---------------------------------------------------------------- the records


class _Where:
    """Names the record being checked in error messages."""

    def __init__(self, what: str, outcome: str = "The bundle was not imported.") -> None:
        self.what = what
        self.outcome = outcome

    def fail(self, message: str) -> BundleError:
        return BundleError(f"{self.what}: {message} {self.outcome}")


def _validated(document: Any, texts: dict[str, str], file_name: str) -> Bundle:
    where = _Where("The bundle")
    if not isinstance(document, dict) or document.get("format") != fmt.FORMAT:
        raise BundleError(f"{file_name} is not a Story Journal bundle (its document has another format).")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise where.fail("its format version is missing.")
    if version > fmt.VERSION:
        raise BundleError(
            f"{file_name} was made by a newer Story Journal (bundle format {version}); "
            "update Story Journal to import it. Nothing was changed."
        )
    if version != fmt.VERSION:
        raise where.fail(f"its format version {version} is unknown.")
    stories = _list(document, "stories", where)
    document.pop("story_parts", None)
    tombstones = _list(document, "tombstones", where)
    source = document.get("source", {})
    created_at = _text(document.get("created_at", ""), where, "created_at")
    if not isinstance(source, dict):
        raise where.fail("its source is not a record.")
    story_ids: set[str] = set()
    link_ids: set[str] = set()
    reading_ids: set[str] = set()
    checked = []
    for index, record in enumerate(stories):
        story = _story(record, _Where(f"Story {index + 1} in the bundle"), link_ids, reading_ids)
        if story["id"] in story_ids:
            raise BundleError(f"The bundle holds the story {story['id']} twice; it was not imported.")
        story_ids.add(story["id"])
        checked.append(story)
    graves = []
    for index, record in enumerate(tombstones):
        grave = _grave(record, _Where(f"Deletion {index + 1} in the bundle"))
        if grave["story_id"] in story_ids:
            raise BundleError(
                f"The bundle holds the story {grave['story_id']} twice (also as deleted); it was not imported."
            )
        story_ids.add(grave["story_id"])
        graves.append(grave)
    with_snapshot = {link["id"] for story in checked for link in story["links"] if "snapshot" in link}
    missing = with_snapshot - set(texts)
    if missing:
        raise BundleError(f"The bundle lacks the snapshot text of link {sorted(missing)[0]}; it was not imported.")
    stray = set(texts) - with_snapshot
    if stray:
        raise BundleError(f"The bundle holds a snapshot for an unknown link ({sorted(stray)[0]}); it was not imported.")
    return Bundle(source=file_name, created_at=created_at, stories=checked, tombstones=graves, texts=texts)


def _grave(record: Any, where: _Where) -> dict[str, Any]:
    grave = _record(record, where, {"story_id", "deleted_at", "version"})
    grave["story_id"] = _uuid(grave["story_id"], where)
    grave["deleted_at"] = _datetime(grave["deleted_at"], where, "deleted_at")
    grave["version"] = _vector(grave["version"], where)
    return grave


def _list(document: dict[str, Any], key: str, where: _Where) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise where.fail(f"its {key} are not a list.")
    return value


def _record(value: Any, where: _Where, keys: set[str], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.fail("it is not a record.")
    unknown = set(value) - keys - optional
    if unknown:
        raise where.fail(
            f"it has fields this version of Story Journal does not know ({', '.join(sorted(unknown))}); "
            "update Story Journal to import it."
        )
    missing = keys - set(value)
    if missing:
        raise where.fail(f"it lacks {', '.join(sorted(missing))}.")
    return dict(value)


def _text(value: Any, where: _Where, name: str) -> str:
    if not isinstance(value, str):
        raise where.fail(f"{name} is not text.")
    return value


def _uuid(value: Any, where: _Where) -> str:
    text = _text(value, where, "the id")
    try:
        parsed = str(uuid.UUID(text))
    except ValueError:
        raise where.fail(f"{text[:60]!r} is not an id.") from None
    if parsed != text:
        raise where.fail(f"{text[:60]!r} is not written as an id is.")
    return text


def _datetime(value: Any, where: _Where, name: str) -> str:
    text = _text(value, where, name)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise where.fail(f"{name} {text[:60]!r} is not a time.") from None
    if moment.tzinfo is None:
        raise where.fail(f"{name} {text[:60]!r} has no time zone.")
    return text


def _integer(value: Any, where: _Where, name: str, *, low: int = 0, high: int = 2**62, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value < high:
        raise where.fail(f"{name} is not a whole number between {low} and {high - 1}.")
    return value


def _vector(value: Any, where: _Where) -> dict[str, int]:
    if not isinstance(value, dict) or not value or len(value) > fmt.MAX_VECTOR_ENTRIES:
        raise where.fail("its version is not a version vector.")
    return {_uuid(key, where): _integer(count, where, "a version count", low=1) for key, count in value.items()}


def _parsed(parse: Any, value: Any, where: _Where, name: str) -> None:
    try:
        parse(value)
    except FieldError as exc:
        raise where.fail(f"{name}: {exc}") from None


def _story(record: Any, where: _Where, link_ids: set[str], reading_ids: set[str]) -> dict[str, Any]:
    story = _record(record, where, {"id", "created_at", "updated_at", "version", "fields", "tags", "links", "readings"})
    story["id"] = _uuid(story["id"], where)
    where = _Where(f"The story {story['id']} in the bundle")
    _datetime(story["created_at"], where, "created_at")
    _datetime(story["updated_at"], where, "updated_at")
    story["version"] = _vector(story["version"], where)
    fields = _record(story["fields"], where, set(EDITABLE_FIELDS))
    for name in EDITABLE_FIELDS:
        value = fields[name]
        if name == "cost_cents":
            _integer(value, where, "the cost", high=MAX_COST_CENTS, optional=True)
        elif name == "occurred":
            if value is not None:
                _parsed(parse_date, _text(value, where, name), where, "the date")
        else:
            _text(value, where, name)
    _parsed(parse_title, fields["title"], where, "the title")
    _parsed(parse_currency, fields["currency"], where, "the currency")
    for name, enum in (("consent", Consent), ("status", Status)):
        if enum_value_safe(enum, fields[name]) != fields[name]:
            raise where.fail(f"{fields[name][:60]!r} is not a {name}.")
    tags = story["tags"]
    if not isinstance(tags, list):
        raise where.fail("its tags are not a list.")
    seen_tags: set[str] = set()
    for tag in tags:
        tag = _record(tag, where, {"name", "color"})
        name = _text(tag["name"], where, "a tag")
        try:
            if parse_tag(name) != name or not name:
                raise where.fail(f"{name[:60]!r} is not a tag name.")
        except FieldError as exc:
            raise where.fail(str(exc)) from None
        if name.casefold() in seen_tags:
            raise where.fail(f"it has the tag {name!r} twice.")
        seen_tags.add(name.casefold())
        if tag["color"] is not None and not (isinstance(tag["color"], str) and _COLOR.fullmatch(tag["color"])):
            raise where.fail(f"the colour of the tag {name!r} is not #rrggbb.")
    if not isinstance(story["links"], list) or not isinstance(story["readings"], list):
        raise where.fail("its links or readings are not lists.")
    story_links = set()
    for link in story["links"]:
        link_id = _link(link, where)
        if link_id in link_ids:
            raise BundleError(f"The bundle holds the coverage link {link_id} twice; it was not imported.")
        link_ids.add(link_id)
        story_links.add(link_id)
    for reading in story["readings"]:
        reading_id = _generic(reading, where, Reading, READING_COLUMNS)
        if reading["link_id"] is not None and reading["link_id"] not in story_links:
            raise where.fail("a reading names a link the story does not have.")
        if reading_id in reading_ids:
            raise BundleError(f"The bundle holds the reading {reading_id} twice; it was not imported.")
        reading_ids.add(reading_id)
    return story


def enum_value_safe(enum: Any, value: str) -> str | None:
    try:
        return enum_value(enum, value, "value")
    except FieldError:
        return None


def _link(link: Any, where: _Where) -> str:
    link_id = _generic(link, where, CoverageLink, LINK_COLUMNS, optional=frozenset({"snapshot"}))
    _parsed(parse_url, link["url"], where, "a link")
    if enum_value_safe(LinkKind, link["kind"]) != link["kind"]:
        raise where.fail(f"{link['kind'][:60]!r} is not a kind of link.")
    if "snapshot" in link:
        snapshot = _record(link["snapshot"], where, set(SNAPSHOT_COLUMNS))
        for name in SNAPSHOT_COLUMNS:
            _column_value(table_of(LinkSnapshot).columns[name], snapshot[name], where)
    return link_id


def _generic(
    record: Any, where: _Where, model: Any, columns: tuple[str, ...], optional: frozenset[str] = frozenset()
) -> str:
    """A record with exactly these columns, each of the column's type; returns its id."""
    checked = _record(record, where, set(columns), optional)
    table_columns = model.__table__.columns
    for name in columns:
        _column_value(table_columns[name], checked[name], where)
    return _uuid(checked["id"], where)


def _column_value(column: Any, value: Any, where: _Where) -> None:
    name = column.name
    if value is None:
        if not column.nullable:
            raise where.fail(f"{name} is empty.")
        if name.endswith("_id") and name != "link_id":
            raise where.fail(f"{name} is empty.")
        return
    kind = column_kind(column)
    if name == "id" or name.endswith("_id"):
        _uuid(value, where)
    elif kind == "datetime":
        _datetime(value, where, name)
    elif kind == "date":
        _parsed(parse_date, _text(value, where, name), where, name)
    elif kind == "bool":
        if not isinstance(value, bool):
            raise where.fail(f"{name} is not true or false.")
    elif kind == "int":
        _integer(value, where, name, low=-(2**62) if name == "value" else 0)
    else:
        _text(value, where, name)


# ---------------------------------------------------------------- the same checks, for the team sync
# A push reaching the team server and a page of changes reaching a laptop are as hostile as a bundle:
# journal.sync.wire checks them with these, under the same limits.
_REFUSED = "Nothing was changed."


def parse_json(raw: bytes) -> Any:
    """JSON under the bundle's limits (depth, digits, string length, duplicate keys, no NaN)."""
    return _parse_document(raw)


def checked_story(record: Any, what: str, link_ids: set[str], reading_ids: set[str]) -> dict[str, Any]:
    """A story record checked as a bundle's story is; `link_ids` and `reading_ids` collect ids across records."""
    return _story(record, _Where(what, _REFUSED), link_ids, reading_ids)


def checked_grave(record: Any, what: str) -> dict[str, Any]:
    return _grave(record, _Where(what, _REFUSED))


def checked_fields(record: Any, what: str, keys: set[str]) -> dict[str, Any]:
    """A record with exactly these keys."""
    return _record(record, _Where(what, _REFUSED), keys)


def checked_uuid(value: Any, what: str) -> str:
    return _uuid(value, _Where(what, _REFUSED))


def checked_time(value: Any, what: str, name: str) -> str:
    return _datetime(value, _Where(what, _REFUSED), name)


def checked_vector(value: Any, what: str) -> dict[str, int]:
    return _vector(value, _Where(what, _REFUSED))


def checked_text(value: Any, what: str, name: str) -> str:
    return _text(value, _Where(what, _REFUSED), name)


def checked_count(value: Any, what: str, name: str) -> int:
    return int(_integer(value, _Where(what, _REFUSED), name))
