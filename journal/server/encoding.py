"""The team server's JSON, with orjson: the answers it sends (a page of changes is most of a megabyte) and
the JSONB it reads from and writes to PostgreSQL. Several times faster than the standard library's json on
the same values; the same JSON (UTF-8, no spaces, keys in order).

What passes through here was checked on the way in (journal/sync/wire.py): whole numbers within 64 bits and
no NaN, which is all orjson and json could disagree on.
"""

from __future__ import annotations

from typing import Any

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads
from starlette.responses import Response


class Json(Response):
    """A JSON answer (what Starlette's JSONResponse sends, encoded with orjson)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def configure(connection: psycopg.Connection[Any]) -> None:
    """A pooled connection's json/jsonb values read and written with orjson."""
    set_json_loads(orjson.loads, connection)
    set_json_dumps(orjson.dumps, connection)
