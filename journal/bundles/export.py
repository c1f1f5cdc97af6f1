"""Writing a bundle: the chosen stories (live ones), their tags, links, snapshots and readings, and the
tombstones of stories deleted for good, into one zip written beside the target and moved into place."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, select

from journal.bundles import format as fmt
from journal.bundles.format import BundleError
from journal.bundles.records import story_records, to_json
from journal.store import versioning
from journal.store.database import Journal
from journal.store.models import Story, StoryTag, Tag
from journal.store.sync_models import Tombstone


@dataclass(frozen=True)
class ExportResult:
    path: Path
    stories: int
    tombstones: int


def chosen_ids(journal: Journal, *, tags: Sequence[str] = (), since: dt.date | None = None) -> list[str]:
    """Live stories with any of these tags (or one nested under them), changed on or after `since`."""
    query = select(Story.id).where(col(Story.deleted_at).is_(None))
    if tags:
        conditions = []
        for name in tags:
            conditions += [sa.func.lower(Tag.name) == name.lower(), sa.func.lower(Tag.name).like(name.lower() + "/%")]
        tagged = select(StoryTag.story_id).join(Tag, col(Tag.id) == col(StoryTag.tag_id)).where(sa.or_(*conditions))
        query = query.where(col(Story.id).in_(tagged))
    if since is not None:
        query = query.where(col(Story.updated_at) >= _start_of(since))
    with journal.session() as session:
        return list(session.exec(query.order_by(col(Story.created_at), col(Story.id))).all())


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def export_bundle(
    journal: Journal, target: Path, story_ids: Sequence[str], *, since: dt.date | None = None
) -> ExportResult:
    with journal.session() as session:
        records, texts = story_records(session, list(story_ids))
        # A story brought back by an edit made after its deletion elsewhere is live again: its old tombstone
        # stays home (the story itself says more than the deletion it outlived).
        graves_query = (
            select(Tombstone).where(col(Tombstone.story_id).not_in(select(Story.id))).order_by(col(Tombstone.story_id))
        )
        if since is not None:
            graves_query = graves_query.where(col(Tombstone.deleted_at) >= _start_of(since))
        graves = [
            {
                "story_id": grave.story_id,
                "deleted_at": to_json(grave.deleted_at),
                "version": versioning.loads(grave.version),
            }
            for grave in session.exec(graves_query).all()
        ]
        replica = versioning.replica_id(session.connection())
    document = {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "created_at": to_json(dt.datetime.now(dt.UTC)),
        "source": {"replica": replica, "name": journal.path.stem},
        "stories": records if len(records) <= fmt.PART_SIZE else [],
        "tombstones": graves,
        "story_parts": 0 if len(records) <= fmt.PART_SIZE else -(-len(records) // fmt.PART_SIZE),
    }
    parts = (
        []
        if len(records) <= fmt.PART_SIZE
        else [records[start : start + fmt.PART_SIZE] for start in range(0, len(records), fmt.PART_SIZE)]
    )
    _write_zip(target, document, parts, texts)
    return ExportResult(path=target, stories=len(records), tombstones=len(graves))


def _write_zip(
    target: Path, document: dict[str, object], parts: list[list[dict[str, object]]], texts: dict[str, str]
) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise BundleError(f"The folder {folder} does not exist; choose another place for the bundle.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise BundleError(f"Cannot write in {folder} ({exc.strerror}); choose another place for the bundle.") from None
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(fmt.DOCUMENT, json.dumps(document, ensure_ascii=False, indent=1))
                for number, part in enumerate(parts, start=1):
                    archive.writestr(fmt.part_entry(number), json.dumps(part, ensure_ascii=False, indent=1))
                for link_id, text in sorted(texts.items()):
                    archive.writestr(fmt.snapshot_entry(link_id), text)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BundleError(
            f"The bundle could not be written to {target} ({exc.strerror}); nothing was left behind."
        ) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
