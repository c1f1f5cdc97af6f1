"""The bundle file: a zip holding `bundle.json` and one `snapshots/<link id>.txt` per coverage snapshot.

bundle.json = {"format": "story-journal-bundle", "version": 1, "created_at": ISO time,
               "source": {"replica": id, "name": journal name}, "stories": [...], "tombstones": [...],
               "story_parts": N}
A bundle of more than PART_SIZE stories keeps them in `stories/00001.json` ... `stories/<N>.json` (JSON lists
of story records), so no single document grows past what the reader accepts.
A story record: {"id", "created_at", "updated_at", "version": {replica: count}, "fields": {editable fields},
"tags": [{"name", "color"}], "links": [every coverage_link column but story_id, with "snapshot": {fetched_at,
url, content_type, title} when there is one], "readings": [every reading column but story_id]}.
"""

from __future__ import annotations

import re

FORMAT = "story-journal-bundle"
VERSION = 1
DOCUMENT = "bundle.json"
SNAPSHOT_DIR = "snapshots/"
SUFFIX = ".sjbundle"
PART_SIZE = 1000  # stories per part
PART_NAME = re.compile(r"stories/(\d{5})\.json")
SNAPSHOT_NAME = re.compile(r"snapshots/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.txt")

# Limits that no real bundle reaches and every hostile one does.
MAX_ENTRIES = 250_000
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024  # bundle.json, and each part
MAX_PARTS = 10_000
MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for entries over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
MAX_STRING = 2_000_000  # characters in one JSON string (a whole story's text fits many times over)
MAX_NUMBER_DIGITS = 20
MAX_VECTOR_ENTRIES = 10_000
MAX_STORIES = 250_000  # stories (and deletions) in one bundle: 2.5 times the largest journal the app is built for


def part_entry(number: int) -> str:
    return f"stories/{number:05d}.json"


def snapshot_entry(link_id: str) -> str:
    return f"{SNAPSHOT_DIR}{link_id}.txt"


class BundleError(Exception):
    """A bundle or spreadsheet that cannot be imported; the message says why, in plain words."""
