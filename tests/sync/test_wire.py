"""What a laptop accepts from a team server is checked as a bundle is: a page that is not what the protocol
says is refused whole, with a sentence, before anything is written."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from journal.bundles.format import BundleError
from journal.bundles.records import story_records
from journal.store import stories
from journal.store.database import Journal
from journal.sync import wire
from journal.sync.client import SyncError, check_server_url
from journal.sync.wire import check_page


def a_change(journal: Journal, seq: int = 1) -> dict[str, Any]:
    with journal.write() as session:
        story_id = stories.create_story(stories.StoryCreate(title="A story"), session=session).id
    with journal.session() as session:
        records, texts = story_records(session, [story_id])
    record = wire.to_wire(records[0], texts)[0]
    current = {"version": record["version"], "record": record, "deleted_at": None, "by": "anna@example.com"}
    return {"kind": "story", "id": story_id, "seq": seq, "current": current, "conflicts": []}


def page(*changes: dict[str, Any], nxt: int = 1) -> bytes:
    return json.dumps({"changes": list(changes), "next": nxt, "more": False}).encode()


def test_a_good_page_is_read(journal: Journal) -> None:
    change = a_change(journal)
    read = check_page(page(change), 0)
    assert [c.id for c in read.changes] == [change["id"]] and read.next == 1
    assert read.changes[0].view is None  # an older server does not say the view


@pytest.mark.parametrize("view", ["full", "rep", "marketer"])
def test_the_view_a_change_was_sent_in_is_read(journal: Journal, view: str) -> None:
    change = {**a_change(journal), "view": view}
    assert check_page(page(change), 0).changes[0].view == view


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (lambda c: c.update(seq=0), "out of order"),
        (lambda c: c.update(kind="virus"), "not a kind of change"),
        (lambda c: c["current"]["record"]["fields"].update(title=" "), "needs a title"),
        (lambda c: c["current"].update(version={str(uuid.uuid4()): 1}), "does not match"),
        (lambda c: c["current"]["record"].update(extra=1), "does not know"),
        (lambda c: c.update(conflicts="all"), "not a list"),
        (lambda c: c.update(view="god"), "not a view of a story"),
        (lambda c: c.update(view=["rep"]), "not a view of a story"),
    ],
)
def test_a_spoiled_page_is_refused_whole(journal: Journal, spoil: Any, expected: str) -> None:
    change = a_change(journal)
    spoil(change)
    with pytest.raises(BundleError, match=expected):
        check_page(page(change), 0)


def test_hostile_json_is_refused(journal: Journal) -> None:
    for raw in (b"[" * 100_000 + b"]" * 100_000, b'{"changes": NaN}', b'{"next": 1, "next": 2}', b"{"):
        with pytest.raises(BundleError):
            check_page(raw, 0)


def test_only_loopback_may_be_plain_http(tmp_path: Path) -> None:
    assert check_server_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert check_server_url("http://[::1]:8765") == "http://[::1]:8765"
    assert check_server_url("https://journal.example.com") == "https://journal.example.com"
    for refused in ("http://journal.example.com", "http://10.0.0.5:8765", "ftp://x", "journal.example.com"):
        with pytest.raises(SyncError):
            check_server_url(refused)
