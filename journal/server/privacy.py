"""Who sees what of a story, and how an edit made from a partial view is put back together.

- The story's author (who first sent it to the server) and admins see everything.
- Other reps see it without the customer's contact, the internal notes and the coverage links' notes.
- Marketers see what other reps see, and, unless the customer agreed to be named, not the customer's name
  either: it is replaced wherever it appears in the story, as the exporter replaces it, and the coverage that
  would tell who the customer is (their own post, an address with their name) is left out.

A version sent back from a partial view never erases what that view did not show: the private fields, the
links left out and every text that comes back exactly as it was shown are taken from the server's version.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, Protocol

from journal.server.accounts import Caller
from journal.store.fields import Consent, LinkKind

HIDDEN_TEXT = ("title", "organization", "employees", "situation", "policy", "action", "outcome")
HIDDEN_LINK_TEXT = ("title", "outlet", "author", "description", "fetch_error")
LINK_ADDRESSES = ("url", "canonical_url", "final_url")
PRIVATE = ("customer_contact", "internal_notes")

TextOf = Callable[[str], str]  # snapshot text by its SHA-256


class View(StrEnum):
    FULL = "full"
    REP = "rep"
    MARKETER = "marketer"


class Hider(Protocol):
    def __call__(self, text: str) -> str: ...

    def reveals(self, url: str) -> bool: ...


class _ExportHider:
    def __init__(self, customer_name: str) -> None:
        from journal.export.collect import _reveals
        from journal.export.privacy import NameHider

        self._hider = NameHider(customer_name)
        self._reveals = _reveals

    def __call__(self, text: str) -> str:
        return self._hider(text)

    def reveals(self, url: str) -> bool:
        return bool(self._hider.variants) and self._reveals(url, self._hider)


def customer_hider(customer_name: str) -> Hider:
    """The exporter's rule for hiding a customer's name (journal/export/privacy.py), in one place: when the
    exporter's single name matcher lands, this is the function to point at it."""
    return _ExportHider(customer_name)


def view_of(caller: Caller, author_id: str | None) -> View:
    if caller.role == "admin" or (author_id is not None and caller.account_id == author_id):
        return View.FULL
    return View.MARKETER if caller.role == "marketer" else View.REP


def _hides_name(fields: dict[str, Any]) -> bool:
    return fields["consent"] != Consent.NAMED.value


def _identifies(link: dict[str, Any], hider: Hider) -> bool:
    return link["kind"] == LinkKind.CUSTOMER_POST.value or any(
        hider.reveals(link[name]) for name in LINK_ADDRESSES if link.get(name)
    )


def redact(record: dict[str, Any], view: View, text_of: TextOf) -> dict[str, Any]:
    """The story (wire record) as `view` may see it."""
    if view == View.FULL:
        return record
    shown = copy.deepcopy(record)
    fields = shown["fields"]
    for name in PRIVATE:
        fields[name] = ""
    for link in shown["links"]:
        link["notes"] = ""
    if view != View.MARKETER or not _hides_name(fields):
        return shown
    hider = customer_hider(fields["customer_name"])
    fields["customer_name"] = ""
    for name in HIDDEN_TEXT:
        fields[name] = hider(fields[name])
    tags: dict[str, dict[str, Any]] = {}
    for tag in shown["tags"]:
        name = hider(tag["name"])
        tags.setdefault(name.casefold(), {"name": name, "color": tag["color"]})
    shown["tags"] = list(tags.values())
    links = []
    for link in shown["links"]:
        if _identifies(link, hider):
            continue
        for name in HIDDEN_LINK_TEXT:
            link[name] = hider(link[name])
        snapshot = link.get("snapshot")
        if snapshot is not None:
            snapshot["title"] = hider(snapshot["title"])
            snapshot["text"] = hider(text_of(snapshot.pop("sha256")))
        links.append(link)
    kept = {link["id"] for link in links}
    shown["links"] = links
    shown["readings"] = [
        {**reading, "query": hider(reading["query"])}
        for reading in shown["readings"]
        if reading["link_id"] is None or reading["link_id"] in kept
    ]
    return shown


def _same_or(pushed: str, current: str, hider: Hider | None) -> str:
    """What the person sent, unless it is exactly what they were shown of the current text."""
    if pushed == current:
        return current
    if hider is not None and pushed == hider(current):
        return current
    return pushed


def restore(pushed: dict[str, Any], current: dict[str, Any], view: View, text_of: TextOf) -> dict[str, Any]:
    """A version sent from `view`, with what that view was not shown taken from the server's `current`."""
    if view == View.FULL:
        return pushed
    result = copy.deepcopy(pushed)
    fields, now = result["fields"], current["fields"]
    for name in PRIVATE:
        fields[name] = now[name]
    hider = customer_hider(now["customer_name"]) if view == View.MARKETER and _hides_name(now) else None
    if hider is not None:
        fields["customer_name"] = now["customer_name"]
        for name in HIDDEN_TEXT:
            fields[name] = _same_or(fields[name], now[name], hider)
        result["tags"] = _restored_tags(result["tags"], now_tags=current["tags"], hider=hider)
    current_links = {link["id"]: link for link in current["links"]}
    for link in result["links"]:
        before = current_links.get(link["id"])
        if before is None:
            continue
        link["notes"] = before["notes"]
        if hider is None:
            continue
        for name in HIDDEN_LINK_TEXT:
            link[name] = _same_or(link[name], before[name], hider)
        snapshot, old = link.get("snapshot"), before.get("snapshot")
        shown_as_it_was = snapshot is not None and old is not None and "text" in snapshot
        if shown_as_it_was and snapshot["text"] == hider(text_of(old["sha256"])):
            link["snapshot"] = copy.deepcopy(old)
    if hider is not None:
        sent = {link["id"] for link in result["links"]}
        unseen = [link for link in current["links"] if link["id"] not in sent and _identifies(link, hider)]
        result["links"] += copy.deepcopy(unseen)
        unseen_ids = {link["id"] for link in unseen}
        queries = {reading["id"]: reading["query"] for reading in current["readings"]}
        for reading in result["readings"]:
            if reading["id"] in queries:
                reading["query"] = _same_or(reading["query"], queries[reading["id"]], hider)
        result["readings"] += [copy.deepcopy(r) for r in current["readings"] if r["link_id"] in unseen_ids]
    return result


def _restored_tags(sent: Iterable[dict[str, Any]], *, now_tags: list[dict[str, Any]], hider: Hider) -> list[Any]:
    sent_names = {tag["name"].casefold(): tag for tag in sent}
    result: dict[str, dict[str, Any]] = {}
    matched: set[str] = set()
    for tag in now_tags:
        shown = hider(tag["name"]).casefold()
        if shown in sent_names:
            result.setdefault(tag["name"].casefold(), tag)
            matched.add(shown)
    for key, tag in sent_names.items():
        if key not in matched:
            result.setdefault(key, tag)
    return list(result.values())
