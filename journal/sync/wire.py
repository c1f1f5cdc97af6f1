"""The team sync's wire format, shared by the laptop (journal.sync) and the team server (journal.server).

Every request carries the protocol version in a header. A story travels as a bundle's story record
(journal/bundles/format.py), except that a coverage snapshot's text is named by its SHA-256 (`"sha256"`)
and sent once, on its own; a story whose customer's name is hidden from the reader carries its snapshot
text inline (`"text"`), already hidden. A case study travels as
{"id", "created_at", "updated_at", "version", "fields": {title, audience, introduction, closing,
show_costs}, "entries": [{"story_id", "position", "headline", "include_coverage"}]}.

Whatever arrives, at the server or at a laptop, is checked with the bundle reader's checks and limits
(journal/bundles/read.py) before anything is written: it is as hostile as a bundle someone handed over.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from journal.bundles import format as fmt
from journal.bundles import read
from journal.bundles.format import BundleError
from journal.store.fields import FieldError, parse_title

PROTOCOL = 1
PROTOCOL_HEADER = "Story-Journal-Protocol"
MAX_BODY_BYTES = 64 * 1024 * 1024  # one push or one page of changes
MAX_BATCH = 200  # stories and case studies in one push
PAGE_SIZE = 200  # changes in one page
MAX_PAGE = 1000
MAX_SNAPSHOT_BYTES = fmt.MAX_SNAPSHOT_BYTES
CASE_STUDY_FIELDS = ("title", "audience", "introduction", "closing", "show_costs")
ENTRY_KEYS = frozenset({"story_id", "position", "headline", "include_coverage"})
STORY, CASE_STUDY = "story", "case_study"
_HASH = re.compile(r"[0-9a-f]{64}")


class WireError(BundleError):
    """Something received that is not what the protocol allows; the message says what, in plain words."""


def is_loopback(host: str) -> bool:
    """Is `host` this computer (127.0.0.0/8, ::1, localhost)? Plain HTTP is allowed only there."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- snapshots by hash


def to_wire(record: dict[str, Any], texts: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A story record as bundles make it (snapshot texts by link id) -> the wire record (snapshots by hash)
    and the texts by hash."""
    wired = copy.deepcopy(record)
    by_hash: dict[str, str] = {}
    for link in wired["links"]:
        snapshot = link.get("snapshot")
        if snapshot is None:
            continue
        text = snapshot.pop("text", None)
        if text is None:
            text = texts.get(link["id"], "")
        digest = text_hash(text)
        by_hash[digest] = text
        snapshot["sha256"] = digest
    return wired, by_hash


def snapshot_refs(record: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A wire record's snapshots: link id -> ("sha256", digest) or ("text", the text sent inline)."""
    refs: dict[str, tuple[str, str]] = {}
    for link in record["links"]:
        snapshot = link.get("snapshot")
        if snapshot is not None:
            refs[link["id"]] = ("sha256", snapshot["sha256"]) if "sha256" in snapshot else ("text", snapshot["text"])
    return refs


def digests(record: dict[str, Any]) -> dict[str, str]:
    """A wire record's snapshots as link id -> SHA-256 of the text: what the decisions compare."""
    return {
        link_id: value if kind == "sha256" else text_hash(value)
        for link_id, (kind, value) in snapshot_refs(record).items()
    }


def bundle_form(record: dict[str, Any]) -> dict[str, Any]:
    """The wire record without its snapshot references, as journal/bundles/decide.py and write_record take it
    (the texts are passed beside it)."""
    links = []
    for link in record["links"]:
        link = dict(link)
        if link.get("snapshot") is not None:
            link["snapshot"] = {k: v for k, v in link["snapshot"].items() if k not in ("sha256", "text")}
        links.append(link)
    return {**record, "fields": dict(record["fields"]), "links": links}


def wire_form(record: dict[str, Any], digests_by_link: dict[str, str]) -> dict[str, Any]:
    """Back from bundle form: a snapshot's text (inline after an automatic merge) or the given digest."""
    wired = copy.deepcopy(record)
    for link in wired["links"]:
        snapshot = link.get("snapshot")
        if snapshot is None:
            continue
        text = snapshot.pop("text", None)
        digest = digests_by_link.get(link["id"]) if text is None else text
        if digest is None or not _HASH.fullmatch(digest):
            digest = text_hash(text or "")
        snapshot["sha256"] = digest
    return wired


# ---------------------------------------------------------------- checks


def _story(raw: Any, what: str, link_ids: set[str], reading_ids: set[str]) -> dict[str, Any]:
    """A wire story record, checked as a bundle's story is, with its snapshot references checked too."""
    if not isinstance(raw, dict) or not isinstance(raw.get("links"), list):
        raise WireError(f"{what} is not a story record. Nothing was changed.")
    # What arrives was just parsed and is used only through what this returns: copied only where changed
    # (a deep copy of every page cost as much as checking it).
    plain = {**raw, "links": [dict(link) if isinstance(link, dict) else link for link in raw["links"]]}
    refs: dict[str, tuple[str, str]] = {}
    for link in plain["links"]:
        snapshot = link.get("snapshot") if isinstance(link, dict) else None
        if not isinstance(snapshot, dict):
            continue
        snapshot = link["snapshot"] = dict(snapshot)
        digest, text = snapshot.pop("sha256", None), snapshot.pop("text", None)
        link_id = str(link.get("id"))
        if (digest is None) == (text is None):
            raise WireError(f"{what}: a snapshot needs its SHA-256 or its text. Nothing was changed.")
        if digest is not None:
            if not isinstance(digest, str) or not _HASH.fullmatch(digest):
                raise WireError(f"{what}: a snapshot's SHA-256 is not 64 hexadecimal digits. Nothing was changed.")
            refs[link_id] = ("sha256", digest)
        else:
            if not isinstance(text, str):
                raise WireError(f"{what}: a snapshot's text is not text. Nothing was changed.")
            refs[link_id] = ("text", text)
    checked = read.checked_story(plain, what, link_ids, reading_ids)
    for link in checked["links"]:
        if "snapshot" in link:
            kind, value = refs[link["id"]]
            link["snapshot"] = {**link["snapshot"], kind: value}
    return checked


def check_grave(raw: Any, what: str) -> dict[str, Any]:
    return read.checked_grave(raw, what)


def check_case_study_grave(raw: Any, what: str) -> dict[str, Any]:
    grave = read.checked_fields(raw, what, {"id", "deleted_at", "version"})
    grave["id"] = read.checked_uuid(grave["id"], what)
    read.checked_time(grave["deleted_at"], what, "deleted_at")
    grave["version"] = read.checked_vector(grave["version"], what)
    return grave


def check_case_study(raw: Any, what: str) -> dict[str, Any]:
    study = read.checked_fields(raw, what, {"id", "created_at", "updated_at", "version", "fields", "entries"})
    study["id"] = read.checked_uuid(study["id"], what)
    read.checked_time(study["created_at"], what, "created_at")
    read.checked_time(study["updated_at"], what, "updated_at")
    study["version"] = read.checked_vector(study["version"], what)
    fields = read.checked_fields(study["fields"], what, set(CASE_STUDY_FIELDS))
    for name in CASE_STUDY_FIELDS[:-1]:
        read.checked_text(fields[name], what, name)
    try:
        parse_title(fields["title"])
    except FieldError as error:
        raise WireError(f"{what}: {error} Nothing was changed.") from None
    if not isinstance(fields["show_costs"], bool):
        raise WireError(f"{what}: show_costs is not true or false. Nothing was changed.")
    study["fields"] = fields
    if not isinstance(study["entries"], list):
        raise WireError(f"{what}: its entries are not a list. Nothing was changed.")
    seen: set[str] = set()
    entries = []
    for raw_entry in study["entries"]:
        entry = read.checked_fields(raw_entry, what, set(ENTRY_KEYS))
        entry["story_id"] = read.checked_uuid(entry["story_id"], what)
        read.checked_count(entry["position"], what, "position")
        read.checked_text(entry["headline"], what, "headline")
        if not isinstance(entry["include_coverage"], bool):
            raise WireError(f"{what}: include_coverage is not true or false. Nothing was changed.")
        if entry["story_id"] in seen:
            raise WireError(f"{what}: it names the story {entry['story_id']} twice. Nothing was changed.")
        seen.add(entry["story_id"])
        entries.append(entry)
    study["entries"] = entries
    return study


def _list(document: dict[str, Any], key: str, what: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise WireError(f"{what}: {key} is not a list. Nothing was changed.")
    return value


@dataclass
class Push:
    push_id: str
    stories: list[dict[str, Any]] = field(default_factory=list)  # wire records
    graves: list[dict[str, Any]] = field(default_factory=list)  # {"story_id", "deleted_at", "version"}
    case_studies: list[dict[str, Any]] = field(default_factory=list)
    case_study_graves: list[dict[str, Any]] = field(default_factory=list)  # {"id", "deleted_at", "version"}

    def document(self) -> dict[str, Any]:
        return {
            "push_id": self.push_id,
            "stories": self.stories,
            "tombstones": self.graves,
            "case_studies": self.case_studies,
            "case_study_tombstones": self.case_study_graves,
        }

    def size(self) -> int:
        return len(self.stories) + len(self.graves) + len(self.case_studies) + len(self.case_study_graves)


def check_push(raw: bytes) -> Push:
    """A push as the server receives it, checked whole before anything is written."""
    document = read.parse_json(raw)
    what = "The push"
    if not isinstance(document, dict):
        raise WireError("The push is not a JSON object. Nothing was changed.")
    unknown = set(document) - {"push_id", "stories", "tombstones", "case_studies", "case_study_tombstones"}
    if unknown:
        raise WireError(f"The push has fields this server does not know ({', '.join(sorted(unknown))}).")
    push = Push(push_id=read.checked_uuid(document.get("push_id"), what))
    lists = {key: _list(document, key, what) for key in ("stories", "tombstones", "case_studies")}
    lists["case_study_tombstones"] = _list(document, "case_study_tombstones", what)
    if sum(len(items) for items in lists.values()) > MAX_BATCH:
        raise WireError(f"The push holds more than {MAX_BATCH} changes; send them in smaller batches.")
    ids: set[tuple[str, str]] = set()
    link_ids: set[str] = set()
    reading_ids: set[str] = set()

    def once(kind: str, item_id: str) -> None:
        if (kind, item_id) in ids:
            raise WireError(f"The push holds the {kind.replace('_', ' ')} {item_id} twice. Nothing was changed.")
        ids.add((kind, item_id))

    for index, record in enumerate(lists["stories"]):
        story = _story(record, f"Story {index + 1} in the push", link_ids, reading_ids)
        once(STORY, story["id"])
        push.stories.append(story)
    for index, record in enumerate(lists["tombstones"]):
        grave = check_grave(record, f"Deletion {index + 1} in the push")
        once(STORY, grave["story_id"])
        push.graves.append(grave)
    for index, record in enumerate(lists["case_studies"]):
        study = check_case_study(record, f"Case study {index + 1} in the push")
        once(CASE_STUDY, study["id"])
        push.case_studies.append(study)
    for index, record in enumerate(lists["case_study_tombstones"]):
        grave = check_case_study_grave(record, f"Case study deletion {index + 1} in the push")
        once(CASE_STUDY, grave["id"])
        push.case_study_graves.append(grave)
    return push


@dataclass
class Version:
    """One version of a story or case study as the server holds it: a record, or a deletion."""

    version: dict[str, int]
    record: dict[str, Any] | None  # wire record; None for a deletion
    deleted_at: str | None = None
    by: str = ""  # who sent it (an e-mail address), shown with a conflict


@dataclass
class Change:
    """What the server holds for one story or case study now: its current version and the versions kept in
    conflicts with it."""

    kind: str
    id: str
    seq: int
    current: Version
    conflicts: list[Version] = field(default_factory=list)
    view: str | None = None  # one of VIEWS: what the server left out of these versions; None if it did not say


# The views of a story the team server sends (journal/server/privacy.py View): whole, as another rep sees it
# (no contact, internal notes or links' notes), as a marketer sees it (nor the name, unless named).
VIEWS = ("full", "rep", "marketer")


@dataclass
class Page:
    changes: list[Change]
    next: int  # the cursor after this page
    more: bool


def _version(raw: Any, kind: str, item_id: str, what: str, link_ids: set[str], reading_ids: set[str]) -> Version:
    value = read.checked_fields(raw, what, {"version", "record", "deleted_at", "by"})
    vector = read.checked_vector(value["version"], what)
    by = read.checked_text(value["by"], what, "by")
    if value["record"] is None:
        deleted_at = read.checked_time(value["deleted_at"], what, "deleted_at")
        return Version(vector, None, deleted_at, by)
    if kind == STORY:
        record = _story(value["record"], what, link_ids, reading_ids)
    else:
        record = check_case_study(value["record"], what)
    if record["id"] != item_id or record["version"] != vector:
        raise WireError(f"{what}: its record does not match its id or version. Nothing was changed.")
    return Version(vector, record, None, by)


def check_page(raw: bytes, after: int) -> Page:
    """A page of changes as a laptop receives it, checked whole before anything is written."""
    document = read.parse_json(raw)
    what = "The page of changes from the team server"
    if not isinstance(document, dict):
        raise WireError(f"{what} is not a JSON object. Nothing was changed.")
    page = read.checked_fields(document, what, {"changes", "next", "more"})
    nxt = read.checked_count(page["next"], what, "next")
    if not isinstance(page["more"], bool) or not isinstance(page["changes"], list):
        raise WireError(f"{what} is not what the protocol says. Nothing was changed.")
    changes: list[Change] = []
    seen: set[tuple[str, str]] = set()
    last = after
    for index, raw_change in enumerate(page["changes"]):
        where = f"Change {index + 1} from the team server"
        item = read.checked_fields(
            raw_change, where, {"kind", "id", "seq", "current", "conflicts"}, frozenset({"view"})
        )
        view = item.get("view")
        if view is not None and view not in VIEWS:
            raise WireError(f"{where}: {str(view)[:40]!r} is not a view of a story. Nothing was changed.")
        kind = item["kind"]
        if kind not in (STORY, CASE_STUDY):
            raise WireError(f"{where}: {str(kind)[:40]!r} is not a kind of change. Nothing was changed.")
        item_id = read.checked_uuid(item["id"], where)
        seq = read.checked_count(item["seq"], where, "seq")
        if seq <= last or (kind, item_id) in seen:
            raise WireError(f"{where} is out of order or repeated. Nothing was changed.")
        last = seq
        seen.add((kind, item_id))
        if not isinstance(item["conflicts"], list):
            raise WireError(f"{where}: its conflicts are not a list. Nothing was changed.")
        current = _version(item["current"], kind, item_id, where, set(), set())
        # Every version is a whole story of its own: ids repeat across them, never within one.
        conflicts = [_version(c, kind, item_id, where, set(), set()) for c in item["conflicts"]]
        changes.append(Change(kind, item_id, seq, current, conflicts, view))
    if nxt < last:
        raise WireError(f"{what} names a cursor before its own changes. Nothing was changed.")
    return Page(changes=changes, next=nxt, more=page["more"])
