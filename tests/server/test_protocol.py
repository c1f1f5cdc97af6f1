"""The team server's HTTP API as anything on the network may use it: raw requests to a real server on a real
PostgreSQL. Sign-in, wrong passwords slowed down, revoked and unknown tokens, the protocol version, another
team's data, and hostile pushes (the bundle corpus of tests/bundles/test_hostile.py, as push bodies)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from journal.bundles.records import story_records
from journal.store import stories
from journal.store.database import open_journal
from journal.sync import wire
from tests.bundles import test_hostile
from tests.server.conftest import PASSWORD, Server, add_user, sql

HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL)}


def sign_in(server: Server, email: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/sign-in", json={"email": email, "password": password, "device": "test"}, headers=HEADERS
    )


def token_of(server: Server, email: str) -> dict[str, str]:
    answer = sign_in(server, email)
    assert answer.status_code == 200, answer.text
    return {**HEADERS, "Authorization": f"Bearer {answer.json()['token']}"}


def a_story(tmp_path: Any, title: str = "A story") -> dict[str, Any]:
    journal = open_journal(tmp_path / f"{uuid.uuid4()}.journal")
    try:
        with journal.write() as session:
            story_id = stories.create_story(
                stories.StoryCreate(title=title, customer_contact="secret@example.com", tags=["retail"]),
                session=session,
            ).id
            stories.add_link(story_id, stories.CoverageLinkBase(url="https://news.example.com/a"), session=session)
        with journal.session() as session:
            records, texts = story_records(session, [story_id])
    finally:
        journal.close()
    return wire.to_wire(records[0], texts)[0]


def push(server: Server, headers: dict[str, str], body: bytes | dict[str, Any]) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{server.url}/v1/push", content=content, headers=headers, timeout=60)


def test_a_laptop_speaking_another_protocol_is_told_in_plain_words(server: Server) -> None:
    add_user(server.db_url, "anna@example.com")
    old = httpx.get(f"{server.url}/v1/changes")
    assert old.status_code == 426
    assert "Update Story Journal" in old.json()["message"]
    newer = httpx.get(f"{server.url}/v1/changes", headers={wire.PROTOCOL_HEADER: str(wire.PROTOCOL + 1)})
    assert newer.status_code == 426 and "Ask your admin to update the server" in newer.json()["message"]
    hello = httpx.get(f"{server.url}/v1/hello")  # the one /v1 request that needs no protocol: what this server speaks
    assert hello.status_code == 200 and hello.json()["protocol"] == wire.PROTOCOL
    # No answer is kept by a proxy or a cache on the way, the refusals included.
    assert {a.headers.get("Cache-Control") for a in (old, newer, hello)} == {"no-store"}


def test_wrong_passwords_are_slowed_down_in_the_database(server: Server) -> None:
    add_user(server.db_url, "anna@example.com")
    answers = [sign_in(server, "anna@example.com", "wrong password") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert all(a.json()["message"] == "Wrong e-mail address or password." for a in answers)
    blocked = sign_in(server, "anna@example.com")  # even the right password waits now
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "try again in" in blocked.json()["message"]
    # The count is in PostgreSQL, so every server process sees it.
    assert sql(server.db_url, "SELECT failures FROM login_failure WHERE email = 'anna@example.com'") == [(3,)]
    unknown = sign_in(server, "nobody@example.com")
    assert unknown.status_code == 401 and unknown.json()["message"] == "Wrong e-mail address or password."


def test_passwords_are_argon2id_and_tokens_are_kept_only_as_hashes(server: Server) -> None:
    add_user(server.db_url, "anna@example.com")
    token = sign_in(server, "anna@example.com").json()["token"]
    (stored,) = sql(server.db_url, "SELECT password_hash FROM account")
    assert str(stored[0]).startswith("$argon2id$") and PASSWORD not in str(stored[0])
    hashes = [row[0] for row in sql(server.db_url, "SELECT token_hash FROM device")]
    assert token not in hashes and len(hashes) == 1


def test_a_revoked_device_is_refused_and_pushes_nothing(server: Server, tmp_path: Any) -> None:
    add_user(server.db_url, "anna@example.com")
    headers = token_of(server, "anna@example.com")
    assert httpx.get(f"{server.url}/v1/status", headers=headers).status_code == 200
    (device,) = sql(server.db_url, "SELECT id::text FROM device")
    from journal.server import accounts, database

    with database.connect(server.db_url) as connection:
        accounts.revoke_device(connection, str(device[0])[:8])
    refused = push(server, headers, {"push_id": str(uuid.uuid4()), "stories": [a_story(tmp_path)]})
    assert refused.status_code == 401 and refused.json()["error"] == "revoked"
    assert sql(server.db_url, "SELECT count(*) FROM item") == [(0,)]
    assert sql(server.db_url, "SELECT seq FROM team") == [(0,)]
    pulled = httpx.get(f"{server.url}/v1/changes", headers=headers)
    assert pulled.status_code == 401 and "signed this laptop out" in pulled.json()["message"]
    nobody = httpx.get(f"{server.url}/v1/changes", headers={**HEADERS, "Authorization": "Bearer sj1_made-up"})
    assert nobody.status_code == 401 and nobody.json()["error"] == "unauthorized"


def test_a_team_reads_and_writes_only_its_own_stories(server: Server, tmp_path: Any) -> None:
    add_user(server.db_url, "anna@example.com", team="Support")
    add_user(server.db_url, "eve@example.com", team="Other company")
    anna, eve = token_of(server, "anna@example.com"), token_of(server, "eve@example.com")
    story = a_story(tmp_path, "Support's story")
    assert push(server, anna, {"push_id": str(uuid.uuid4()), "stories": [story]}).status_code == 200
    seen = httpx.get(f"{server.url}/v1/changes", headers=eve).json()
    assert seen == {"changes": [], "next": 0, "more": False}
    # Eve sends the same story id with her own text: it is her team's story, Support's stays as it was.
    mine = {**story, "fields": {**story["fields"], "title": "Eve's version"}, "version": {str(uuid.uuid4()): 9}}
    assert push(server, eve, {"push_id": str(uuid.uuid4()), "stories": [mine]}).status_code == 200
    support = httpx.get(f"{server.url}/v1/changes", headers=anna).json()["changes"]
    assert [c["current"]["record"]["fields"]["title"] for c in support] == ["Support's story"]
    assert "Eve" not in json.dumps(support)
    digest = wire.text_hash("a page")
    assert httpx.put(f"{server.url}/v1/snapshots/{digest}", content=b"a page", headers=anna).status_code == 200
    assert httpx.get(f"{server.url}/v1/snapshots/{digest}", headers=eve).status_code == 404


def test_a_retried_push_gets_the_same_answer_and_changes_nothing(server: Server, tmp_path: Any) -> None:
    add_user(server.db_url, "anna@example.com")
    headers = token_of(server, "anna@example.com")
    body = {"push_id": str(uuid.uuid4()), "stories": [a_story(tmp_path)]}
    first, second = push(server, headers, body), push(server, headers, body)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert sql(server.db_url, "SELECT seq FROM team") == [(1,)]
    assert sql(server.db_url, "SELECT count(*) FROM push") == [(1,)]


def hostile_pushes(document: dict[str, Any]) -> Iterator[tuple[str, bytes, str]]:
    """The bundle corpus's spoiled documents, sent as push bodies (the zip-level cases do not apply to JSON):
    (case, body, what the refusal must say)."""
    for case, make, expected in test_hostile.CASES:
        try:
            made = make(document)
        except (TypeError, AttributeError, KeyError):
            continue  # makes a file, not a document
        if callable(made):
            continue
        if isinstance(made, bytes):
            yield case, made, ""
        elif isinstance(made, dict) and made.get("stories") != document["stories"]:  # not the bundle's own header
            yield case, json.dumps({"push_id": str(uuid.uuid4()), "stories": made["stories"]}).encode(), expected


@pytest.fixture
def bundle_document(tmp_path: Any) -> dict[str, Any]:
    story = a_story(tmp_path)
    plain = wire.bundle_form(story)
    return {"format": "story-journal-bundle", "version": 1, "stories": [plain], "tombstones": []}


def test_hostile_pushes_are_refused_whole_with_a_clear_message(server: Server, bundle_document: dict[str, Any]) -> None:
    add_user(server.db_url, "anna@example.com")
    headers = token_of(server, "anna@example.com")
    cases = list(hostile_pushes(bundle_document))
    cases += [  # the corpus's JSON-level cases that it writes straight into zip files
        ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("invalid JSON", b'{"push_id": ', "not valid JSON"),
        ("NaN", b'{"push_id": NaN}', "not a number JSON allows"),
        ("duplicate key", b'{"push_id": "x", "push_id": "y"}', "twice"),
        ("not an object", b"[]", "not a JSON object"),
        ("unknown field", json.dumps({"push_id": str(uuid.uuid4()), "mood": 1}).encode(), "does not know"),
    ]
    assert len(cases) >= 16, [case for case, _b, _e in cases]
    for case, body, expected in cases:
        answer = push(server, headers, body)
        assert answer.status_code in (400, 413, 422), (case, answer.status_code, answer.text)
        message = answer.json()["message"]
        assert expected in message and "Traceback" not in message, (case, message)
    too_big = push(server, headers, b" " * (wire.MAX_BODY_BYTES + 1))
    assert too_big.status_code == 413
    assert sql(server.db_url, "SELECT count(*) FROM item") == [(0,)]
    assert sql(server.db_url, "SELECT seq FROM team") == [(0,)]


def test_last_seen_is_written_at_most_once_a_minute_and_never_for_a_revoked_device(
    server: Server, tmp_path: Any
) -> None:
    """By any request (the sign-in check writes it), and by a push (in the push's own transaction)."""
    from journal.server import accounts, database

    add_user(server.db_url, "anna@example.com")
    headers = token_of(server, "anna@example.com")

    def status() -> httpx.Response:
        return httpx.get(f"{server.url}/v1/status", headers=headers)

    def a_push() -> httpx.Response:
        return push(server, headers, {"push_id": str(uuid.uuid4()), "stories": [a_story(tmp_path)]})

    def seen_ago(seconds: int, request: Any, status_code: int = 200) -> float:
        """Sets the device's last sighting `seconds` ago, makes a request, and says how long ago it is now."""
        with database.connect(server.db_url) as connection:
            connection.execute("UPDATE device SET last_seen_at = now() - make_interval(secs => %s)", (seconds,))
        assert request().status_code == status_code
        ((ago,),) = sql(server.db_url, "SELECT extract(epoch FROM now() - last_seen_at)::float FROM device")
        assert isinstance(ago, float)
        return ago

    for request in (status, a_push):
        assert seen_ago(3600, request) < 60  # an hour ago: written again
        assert 25 < seen_ago(30, request) < 60  # half a minute ago: left as it was
    (device,) = sql(server.db_url, "SELECT id::text FROM device")
    with database.connect(server.db_url) as connection:
        accounts.revoke_device(connection, str(device[0])[:8])
    for request in (status, a_push):
        assert seen_ago(3600, request, 401) > 3000  # revoked: refused, and its last sighting is not touched


def test_connections_that_postgresql_ended_are_replaced_before_a_request_uses_them(
    server: Server, tmp_path: Any
) -> None:
    """What a database restart does to a server's pooled connections: each is ended by PostgreSQL. The next
    requests are answered as usual (the pool's check sees the ended connection and replaces it)."""
    add_user(server.db_url, "anna@example.com")
    headers = token_of(server, "anna@example.com")
    assert httpx.get(f"{server.url}/v1/status", headers=headers).status_code == 200
    ended = sql(
        server.db_url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'",
    )
    assert ended, "the server holds pooled connections"
    sql(server.db_url, "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [row[0] for row in ended])
    deadline = time.monotonic() + 30
    while sql(server.db_url, "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)", [row[0] for row in ended]):
        assert time.monotonic() < deadline, "PostgreSQL did not end the connections"
        time.sleep(0.05)
    for _ in range(3):
        answer = httpx.get(f"{server.url}/v1/status", headers=headers)
        assert answer.status_code == 200, answer.text
    pushed = push(server, headers, {"push_id": str(uuid.uuid4()), "stories": [a_story(tmp_path)]})
    assert pushed.status_code == 200, pushed.text
    assert sql(server.db_url, "SELECT seq FROM team") == [(1,)]
