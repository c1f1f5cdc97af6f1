"""Sample team journals for load tests, fault tests and benchmarks (benchmarks/team_bench.py, tests/server):
realistic stories as a laptop sends them (text lengths, three tags, two coverage links, one with a saved
page), and a whole team of them written straight into the server's tables with COPY, which is what pushing
them would leave there, minutes faster."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import psycopg

from journal.server import accounts, database
from journal.sync import wire

PASSWORD = "sample password"
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "bel", "dor", "an", "ex", "pra", "qu", "st", "ium")


def _vocabulary() -> list[str]:
    rng = random.Random(16)
    return ["".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))) for _ in range(3000)]


VOCABULARY = _vocabulary()


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(VOCABULARY, k=count))


def now() -> str:
    return "2026-01-05T09:00:00+00:00"


# ---------------------------------------------------------------- records as a laptop sends them


def _link(rng: random.Random, number: int, which: str, snapshot: str | None) -> dict[str, Any]:
    link: dict[str, Any] = {
        "url": f"https://{which}.example.com/{number}",
        "title": words(rng, 5),
        "outlet": which,
        "author": "",
        "published": None,
        "kind": "other",
        "comment_count": None,
        "notes": words(rng, 4),
        "id": str(uuid.uuid4()),
        "position": 0 if which == "news" else 1,
        "created_at": now(),
        "updated_at": now(),
        "description": "",
        "canonical_url": "",
        "typed_fields": "",
        "fetch_state": "fetched" if snapshot else "to_fetch",
        "fetched_at": now() if snapshot else None,
        "fetch_error": "",
        "health": "unknown",
        "http_status": None,
        "final_url": "",
        "checked_at": None,
    }
    if snapshot is not None:
        link["snapshot"] = {
            "fetched_at": now(),
            "url": link["url"],
            "content_type": "text/html",
            "title": link["title"],
            "sha256": wire.text_hash(snapshot),
        }
    return link


def story(rng: random.Random, number: int, replica: str, *, snapshot: bool = True) -> tuple[dict[str, Any], str]:
    """A wire story record like the ones sync_bench.py's laptops send (text lengths, 3 tags, 2 links, one
    with a saved page), and its snapshot text ("" when none)."""
    text = words(rng, 400) if snapshot else ""
    record = {
        "id": str(uuid.uuid4()),
        "created_at": now(),
        "updated_at": now(),
        "version": {replica: 1},
        "fields": {
            "title": words(rng, 6),
            "occurred": None,
            "organization": "",
            "employees": "",
            "channel": "",
            "customer_name": "Jane Doe",
            "customer_contact": "jane@example.com",
            "consent": "anonymous",
            "situation": words(rng, 120),
            "policy": words(rng, 30),
            "action": words(rng, 60),
            "cost_cents": None,
            "currency": "",
            "outcome": words(rng, 60),
            "internal_notes": words(rng, 20),
            "status": "draft",
        },
        "tags": [{"name": f"tag{n}", "color": None} for n in rng.sample(range(200), 3)],
        "links": [_link(rng, number, "news", text if snapshot else None), _link(rng, number, "blog", None)],
        "readings": [],
    }
    return record, text


def seed(url: str, team: str, count: int, password: str = PASSWORD) -> dict[str, str]:
    """A team of `count` stories written by writer@, read by reader@ (a rep: private fields hidden), put
    straight into the server's tables with COPY (what pushing them would leave there)."""
    prefix = team.lower()
    with database.connect(url) as connection:
        writer = accounts.add_user(connection, f"writer@{prefix}.example.com", team, "rep", password)
        accounts.add_user(connection, f"reader@{prefix}.example.com", team, "rep", password)
        row = connection.execute("SELECT id FROM team WHERE name = %s", (team,)).fetchone()
        assert row is not None
        team_id = str(row[0])
    rng = random.Random(count)
    replica = str(uuid.uuid4())
    by = f"writer@{prefix}.example.com"
    with (
        psycopg.connect(database.libpq_url(url)) as connection,
        psycopg.connect(database.libpq_url(url)) as other,
        connection.cursor() as cursor,
        other.cursor() as texts_cursor,
    ):
        row = cursor.execute("SELECT seq FROM team WHERE id = %s FOR NO KEY UPDATE", (team_id,)).fetchone()
        first = int(str(row[0])) if row else 0
        texts: list[str] = []
        with cursor.copy(
            "COPY item (team_id, kind, id, seq, version, record, by, conflicts, author_id) FROM STDIN"
        ) as copy:
            for number in range(first + 1, first + count + 1):
                record, text = story(rng, number, replica)
                version = json.dumps(record["version"])
                copy.write_row((team_id, "story", record["id"], number, version, json.dumps(record), by, "[]", writer))
                texts.append(text)
                if len(texts) >= 2000:
                    _snapshots(texts_cursor, team_id, texts)
        _snapshots(texts_cursor, team_id, texts)
        other.commit()
        cursor.execute("UPDATE team SET seq = %s WHERE id = %s", (first + count, team_id))
        connection.commit()
        cursor.execute("ANALYZE")
    return {"team_id": team_id, "writer": writer}


def _snapshots(cursor: psycopg.Cursor[Any], team_id: str, texts: list[str]) -> None:
    with cursor.copy("COPY snapshot (team_id, sha256, text) FROM STDIN") as copy:
        for text in texts:
            copy.write_row((team_id, wire.text_hash(text), text))
    texts.clear()
