"""Two versions of a story that differ only in what the program filled in by itself are merged without
asking: for each coverage link the fresher fetch (page metadata and snapshot) and the fresher health check
win, and reach readings (dated measurements with their own ids) are the union of both sides. Anything a
person typed that differs leaves the decision to the person (a conflict)."""

from __future__ import annotations

import copy
from typing import Any

FETCHED = ("description", "canonical_url", "fetch_state", "fetched_at", "fetch_error")
CHECKED = ("health", "http_status", "final_url", "checked_at")
MACHINE = frozenset((*FETCHED, *CHECKED, "updated_at"))


def _typed(record: dict[str, Any]) -> Any:
    links = [{k: v for k, v in link.items() if k not in MACHINE and k != "snapshot"} for link in record["links"]]
    tags = sorted(str(tag["name"]).casefold() for tag in record["tags"])
    return record["fields"], tags, links, record["created_at"]


def _later(a: Any, b: Any) -> bool:
    """Is time `b` later than `a` (ISO texts; None is never)?"""
    return b is not None and (a is None or b > a)


def auto_merge(
    mine: dict[str, Any], theirs: dict[str, Any], my_texts: dict[str, str], their_texts: dict[str, str]
) -> dict[str, Any] | None:
    """The merged record (snapshot texts inline), or None when a person must decide."""
    if _typed(mine) != _typed(theirs):
        return None
    result = copy.deepcopy(mine)
    theirs_links = {link["id"]: link for link in theirs["links"]}
    for link in result["links"]:
        if "snapshot" in link:
            link["snapshot"]["text"] = my_texts.get(link["id"], "")
        other = theirs_links[link["id"]]
        if _later(link["fetched_at"], other["fetched_at"]):
            for name in FETCHED:
                link[name] = other[name]
            link.pop("snapshot", None)
            if "snapshot" in other:
                link["snapshot"] = {
                    **other["snapshot"],
                    "text": their_texts.get(other["id"], other["snapshot"].get("text", "")),
                }
        if _later(link["checked_at"], other["checked_at"]):
            for name in CHECKED:
                link[name] = other[name]
        link["updated_at"] = max(link["updated_at"], other["updated_at"])
    known = {reading["id"] for reading in result["readings"]}
    result["readings"] += [copy.deepcopy(r) for r in theirs["readings"] if r["id"] not in known]
    result["updated_at"] = max(mine["updated_at"], theirs["updated_at"])
    return result
