"""Ways a journal file gets damaged, done to real files: flipped bytes, truncation, a zeroed header, and
another kind of file under a journal's name."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

from journal.store import stories
from journal.store.database import open_journal
from journal.store.stories import StoryCreate

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 200


def make_journal(path: Path, count: int = 300) -> list[str]:
    """A closed journal with `count` stories of some length (so the story table spans many pages)."""
    journal = open_journal(path)
    with journal.write() as session:
        ids = [
            stories.create_story(
                StoryCreate(title=f"Story {number}", situation=f"Refund number {number} " * 40), session=session
            ).id
            for number in range(count)
        ]
    journal.close()
    return ids


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flip_bytes(path: Path) -> None:
    """Invert the cell pointers of the story table's root page: its B-tree no longer adds up."""
    with closing(sqlite3.connect(path)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'story'").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size + 12
    for offset in range(start, start + 64):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = bytes(100)
    path.write_bytes(bytes(data))


def make_png(path: Path) -> None:
    path.write_bytes(PNG)


def make_text(path: Path) -> None:
    path.write_text("Shopping list\n- milk\n- eggs\n", encoding="utf-8")


DAMAGES = {"flipped-bytes": flip_bytes, "truncated": truncate, "zeroed-header": zero_header}
NOT_JOURNALS = {"png": make_png, "text": make_text}
