"""Reading a bundle someone handed over, as if it were hostile: only a regular file is opened, the zip's
limits are checked before anything is unpacked, the JSON is read as a stream (journal.bundles.document) and
every record is validated with the same parsers as typed input as soon as it is read. Anything wrong raises
BundleError with a plain sentence; nothing is written anywhere by this module."""

from __future__ import annotations

import datetime as dt
import functools
import re
import stat
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.bundles import document
from journal.bundles import format as fmt
from journal.bundles.format import BundleError
from journal.bundles.records import LINK_COLUMNS, READING_COLUMNS, SNAPSHOT_COLUMNS, column_kind
from journal.inputs import InputFileError, not_text, open_regular, without_nul
from journal.store.fields import (
    MAX_COMMENTS,
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
from journal.store.models import (
    EDITABLE_FIELDS,
    FETCH_STATES,
    HEALTH_STATES,
    LINK_FIELDS,
    CoverageLink,
    LinkSnapshot,
    Reading,
    table_of,
)

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
        handle = open_regular(path, "bundle file")
    except InputFileError as error:
        raise BundleError(str(error)) from None
    with handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BundleError(
                f"{path.name} is not a Story Journal bundle (it is not a readable zip file: {exc})."
            ) from None
        with archive:
            infos = _checked_entries(archive, path.name)
            reader = _Reader(path.name)
            _read_json(archive, infos[fmt.DOCUMENT], reader.read_document)
            present = {name for name in infos if fmt.PART_NAME.fullmatch(name)}
            if present != {fmt.part_entry(number) for number in range(1, reader.parts + 1)}:
                raise BundleError("The bundle's story parts do not match its document; it was not imported.")
            for number in range(1, reader.parts + 1):
                _read_json(archive, infos[fmt.part_entry(number)], reader.read_part)
            wanted = reader.links_with_snapshot()
            found = {
                match.group(1): info for name, info in infos.items() if (match := fmt.SNAPSHOT_NAME.fullmatch(name))
            }
            missing = wanted - set(found)
            if missing:
                raise BundleError(
                    f"The bundle lacks the snapshot text of link {sorted(missing)[0]}; it was not imported."
                )
            stray = set(found) - wanted
            if stray:
                raise BundleError(
                    f"The bundle holds a snapshot for an unknown link ({sorted(stray)[0]}); it was not imported."
                )
            texts = {}
            for link_id in sorted(wanted):
                raw = _read_entry(archive, found[link_id], fmt.MAX_SNAPSHOT_BYTES)
                try:
                    texts[link_id] = without_nul(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    raise BundleError(
                        f"The snapshot {found[link_id].filename} in the bundle is not UTF-8 text."
                    ) from None
    return reader.bundle(texts)


def _read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, read: Any) -> None:
    if info.file_size > fmt.MAX_DOCUMENT_BYTES:
        raise BundleError(
            f"The bundle entry {info.filename!r} is larger than {fmt.MAX_DOCUMENT_BYTES // 2**20} MB; "
            "it was not imported."
        )
    try:
        with archive.open(info) as stream:
            read(document.events(stream, fmt.MAX_DOCUMENT_BYTES, info.filename))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise BundleError(f"The bundle entry {info.filename!r} is damaged ({exc}); it was not imported.") from None


_DOCUMENT_KEYS = frozenset({"format", "version", "created_at", "source", "stories", "tombstones", "story_parts"})


class _Reader:
    """Checks a bundle's documents as they stream in: the format and version first, then each story and
    deletion as soon as it is read, so a wrong record stops the reading at once."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.where = _Where("The bundle")
        self.header: dict[str, Any] = {}
        self.stories: list[dict[str, Any]] = []
        self.graves: list[dict[str, Any]] = []
        self.story_ids: set[str] = set()
        self.grave_ids: set[str] = set()
        self.link_ids: set[str] = set()
        self.reading_ids: set[str] = set()

    @property
    def parts(self) -> int:
        return int(self.header.get("story_parts", 0))

    def read_document(self, stream: document.Events) -> None:
        document.read_document(
            stream,
            self.on_header,
            {"stories": self.on_story, "tombstones": self.on_grave},
            self.describe,
            f"{self.file_name} is not a Story Journal bundle (its document has another format).",
        )
        if "format" not in self.header:
            raise BundleError(f"{self.file_name} is not a Story Journal bundle (its document has another format).")
        if "version" not in self.header:
            raise self.where.fail("its format version is missing.")

    def read_part(self, stream: document.Events) -> None:
        first = next(stream, ("end", None))
        if first[0] != "start_array":
            raise BundleError("The bundle's story part is not a list of stories; it was not imported.")
        document.read_list(stream, self.on_story, lambda: self.describe("stories"))
        if next(stream, None) is not None:
            raise BundleError("The bundle's story part goes on after its end; it was not imported.")

    def describe(self, key: str) -> str:
        if key == "tombstones":
            return f"Deletion {len(self.graves) + 1} in the bundle"
        return f"Story {len(self.stories) + 1} in the bundle"

    def on_header(self, key: str, value: Any) -> None:
        where = self.where
        if key == "format":
            if value != fmt.FORMAT:
                raise BundleError(f"{self.file_name} is not a Story Journal bundle (its document has another format).")
        elif key == "version":
            if not isinstance(value, int) or isinstance(value, bool):
                raise where.fail("its format version is missing.")
            if value > fmt.VERSION:
                raise BundleError(
                    f"{self.file_name} was made by a newer Story Journal (bundle format {value}); "
                    "update Story Journal to import it. Nothing was changed."
                )
            if value != fmt.VERSION:
                raise where.fail(f"its format version {value} is unknown.")
        elif key in ("stories", "tombstones"):
            raise where.fail(f"its {key} are not a list.")
        elif key == "story_parts":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= fmt.MAX_PARTS:
                raise BundleError("The bundle's number of story parts is not a count; it was not imported.")
        elif key == "created_at":
            _text(value, where, "created_at")
        elif key == "source" and not isinstance(value, dict):
            raise where.fail("its source is not a record.")
        elif key not in _DOCUMENT_KEYS:  # read first (within the header's small budget), as its size may be the news
            raise where.fail(
                f"it has fields this version of Story Journal does not know ({key[:60]}); update Story Journal to "
                "import it."
            )
        self.header[key] = value

    def _started(self) -> None:
        if "format" not in self.header or "version" not in self.header:
            raise BundleError(
                f"{self.file_name} does not begin with its format and version, as every bundle does; "
                "it was not imported."
            )

    def on_story(self, record: Any) -> None:
        self._started()
        if len(self.stories) >= fmt.MAX_STORIES:
            raise BundleError(f"The bundle holds more than {fmt.MAX_STORIES:,} stories; it was not imported.")
        where = _Where(self.describe("stories"))
        story = _story(record, where, self.link_ids, self.reading_ids)
        if story["id"] in self.story_ids:
            raise BundleError(f"The bundle holds the story {story['id']} twice; it was not imported.")
        self.story_ids.add(story["id"])
        self.stories.append(story)

    def on_grave(self, record: Any) -> None:
        self._started()
        if len(self.graves) >= fmt.MAX_STORIES:
            raise BundleError(f"The bundle holds more than {fmt.MAX_STORIES:,} deletions; it was not imported.")
        grave = _grave(record, _Where(self.describe("tombstones")))
        if grave["story_id"] in self.grave_ids:
            raise BundleError(f"The bundle holds the deletion of {grave['story_id']} twice; it was not imported.")
        self.grave_ids.add(grave["story_id"])
        self.graves.append(grave)

    def links_with_snapshot(self) -> set[str]:
        return {link["id"] for story in self.stories for link in story["links"] if "snapshot" in link}

    def bundle(self, texts: dict[str, str]) -> Bundle:
        both = self.story_ids & self.grave_ids
        if both:
            raise BundleError(
                f"The bundle holds the story {sorted(both)[0]} twice (also as deleted); it was not imported."
            )
        created_at = self.header.get("created_at", "")
        return Bundle(self.file_name, created_at, self.stories, self.graves, texts)


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


# ---------------------------------------------------------------- the records


class _Where:
    """Names the record being checked in error messages."""

    def __init__(self, what: str, outcome: str = "The bundle was not imported.") -> None:
        self.what = what
        self.outcome = outcome

    def fail(self, message: str) -> BundleError:
        return BundleError(f"{self.what}: {message} {self.outcome}")


def _grave(record: Any, where: _Where) -> dict[str, Any]:
    grave = _record(record, where, {"story_id", "deleted_at", "version"})
    grave["story_id"] = _uuid(grave["story_id"], where)
    grave["deleted_at"] = _datetime(grave["deleted_at"], where, "deleted_at")
    grave["version"] = _vector(grave["version"], where)
    return grave


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
    if not_text(value):
        raise where.fail(f"{name} holds characters that are not text.")
    return value


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(value: Any, where: _Where) -> str:
    if isinstance(value, str) and _CANONICAL_UUID.fullmatch(value):
        return value  # written as str(uuid.UUID(...)) writes it: what the checks below accept, at once
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
        _reading_values(reading, where)
        if reading["link_id"] is not None and reading["link_id"] not in story_links:
            raise where.fail("a reading names a link the story does not have.")
        if reading_id in reading_ids:
            raise BundleError(f"The bundle holds the reading {reading_id} twice; it was not imported.")
        reading_ids.add(reading_id)
    return story


def _reading_values(reading: dict[str, Any], where: _Where) -> None:
    from journal.store import readings

    if reading["metric"] not in readings.METRICS:
        raise where.fail(f"{reading['metric'][:60]!r} is not a kind of reading.")
    if reading["source"] not in readings.SOURCES:
        raise where.fail(f"{reading['source'][:60]!r} is not where a reading came from (typed or fetched).")
    if not -readings.MAX_VALUE < reading["value"] < readings.MAX_VALUE:  # what the journal holds travels
        raise where.fail("a reading's value is out of range.")
    if len(reading["query"]) > readings.QUERY_MAX:
        raise where.fail("a reading's search is too long.")


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
    # What fetching and checking recorded: the window shows and acts on these, so only known values pass.
    if link["fetch_state"] not in FETCH_STATES:
        raise where.fail(f"{link['fetch_state'][:60]!r} is not a fetch state (one of: {', '.join(FETCH_STATES)}).")
    if link["health"] not in HEALTH_STATES:
        raise where.fail(f"{link['health'][:60]!r} is not a link health (one of: {', '.join(HEALTH_STATES)}).")
    if link["http_status"] is not None and not 100 <= link["http_status"] <= 599:
        raise where.fail(f"{link['http_status']} is not an HTTP status.")
    if link["comment_count"] is not None and link["comment_count"] >= MAX_COMMENTS:
        raise where.fail("its number of comments is too large.")
    unknown = {name for name in link["typed_fields"].split(",") if name} - set(LINK_FIELDS)
    if unknown:
        raise where.fail(f"its typed fields name {sorted(unknown)[0][:60]!r}, which is not a field of a link.")
    if "snapshot" in link:
        snapshot = _record(link["snapshot"], where, set(SNAPSHOT_COLUMNS))
        for column in _columns(table_of(LinkSnapshot), SNAPSHOT_COLUMNS):
            _column_value(column, snapshot[column[0]], where)
    return link_id


def _generic(
    record: Any, where: _Where, model: Any, columns: tuple[str, ...], optional: frozenset[str] = frozenset()
) -> str:
    """A record with exactly these columns, each of the column's type; returns its id."""
    checked = _record(record, where, set(columns), optional)
    for column in _columns(model.__table__, columns):
        _column_value(column, checked[column[0]], where)
    return _uuid(checked["id"], where)


@functools.cache
def _columns(table: Any, names: tuple[str, ...]) -> tuple[tuple[str, bool, str], ...]:
    """(name, nullable, kind) of these columns of `table`, worked out once (a first sync checks millions of
    values): the kind is "id" for an id, else what column_kind says."""
    found = []
    for name in names:
        column = table.columns[name]
        found.append(
            (name, bool(column.nullable), "id" if name == "id" or name.endswith("_id") else column_kind(column))
        )
    return tuple(found)


def _column_value(column: tuple[str, bool, str], value: Any, where: _Where) -> None:
    name, nullable, kind = column
    if value is None:
        if not nullable:
            raise where.fail(f"{name} is empty.")
        if name.endswith("_id") and name != "link_id":
            raise where.fail(f"{name} is empty.")
        return
    if kind == "text":
        _text(value, where, name)
    elif kind == "id":
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
    """JSON under the bundle's limits (depth, digits, string length, duplicate keys, no NaN, no NUL), from a
    document already whole in memory (journal.bundles.document.loads)."""
    return document.loads(raw, "The document", _REFUSED)


def checked_story(record: Any, what: str, link_ids: set[str], reading_ids: set[str]) -> dict[str, Any]:
    """A story record checked as a bundle's story is; `link_ids` and `reading_ids` collect ids across records."""
    return _story(record, _Where(what, _REFUSED), link_ids, reading_ids)


def checked_grave(record: Any, what: str) -> dict[str, Any]:
    return _grave(record, _Where(what, _REFUSED))


def checked_fields(record: Any, what: str, keys: set[str], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A record with exactly these keys, and perhaps the optional ones."""
    return _record(record, _Where(what, _REFUSED), keys, optional)


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
