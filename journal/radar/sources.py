"""The sources the radar watches (feed addresses and folders of alert e-mails), and the excluded domains.

Every function takes the session by keyword; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from journal.radar.addresses import parse_feed_address
from journal.radar.errors import NotFound, RadarError
from journal.store.fields import FieldError
from journal.store.radar_models import RadarEntry, RadarExcludedDomain, RadarSource, RadarSuggestion

FEED, MAIL_FOLDER = "feed", "mail_folder"


@dataclass(frozen=True)
class SourceRead:
    id: str
    kind: str
    address: str
    title: str
    state: str  # new | ok | waiting | failed
    message: str
    fetched_at: dt.datetime | None
    succeeded_at: dt.datetime | None
    failures: int
    retry_at: dt.datetime | None
    entries: int = 0

    @property
    def name(self) -> str:
        return self.title or self.address

    @classmethod
    def of(cls, row: RadarSource, entries: int = 0) -> SourceRead:
        return cls(
            row.id,
            row.kind,
            row.address,
            row.title,
            row.state,
            row.message,
            row.fetched_at,
            row.succeeded_at,
            row.failures,
            row.retry_at,
            entries,
        )


def add_feed(address: str, *, title: str = "", session: Session) -> SourceRead:
    """Watch a feed (RSS, Atom or JSON Feed). Nothing is fetched here."""
    return _add(FEED, parse_feed_address(address), title, session)


def add_mail_folder(folder: Path, *, session: Session) -> SourceRead:
    """Watch a folder of saved alert e-mails (.eml files)."""
    folder = folder.expanduser().absolute()
    if not folder.is_dir():
        raise FieldError(f"{folder} is not a folder. Give the folder your mail program saves alert e-mails into.")
    return _add(MAIL_FOLDER, str(folder), f"Alert e-mails in {folder.name}", session)


def _add(kind: str, address: str, title: str, session: Session) -> SourceRead:
    existing = session.exec(select(RadarSource).where(col(RadarSource.address) == address)).first()
    if existing is not None:
        raise RadarError(f"{address} is already watched (source {existing.id[:8]}).")
    row = RadarSource(kind=kind, address=address, title=title.strip())
    session.add(row)
    session.flush()
    return SourceRead.of(row)


def add_feeds(feeds: list[tuple[str, str]], *, session: Session) -> tuple[list[SourceRead], int]:
    """Watch each (address, title) not watched yet; returns the sources added and how many were already."""
    known = set(session.exec(select(RadarSource.address)).all())
    added: list[SourceRead] = []
    for address, title in feeds:
        if address in known:
            continue
        known.add(address)
        row = RadarSource(kind=FEED, address=address, title=title.strip())
        session.add(row)
        added.append(SourceRead.of(row))
    session.flush()
    return added, len(feeds) - len(added)


def list_sources(*, session: Session) -> list[SourceRead]:
    counts = dict(session.exec(select(RadarEntry.source_id, sa.func.count()).group_by(col(RadarEntry.source_id))).all())
    rows = session.exec(select(RadarSource).order_by(col(RadarSource.created_at), col(RadarSource.id))).all()
    return [SourceRead.of(row, counts.get(row.id, 0)) for row in rows]


def resolve_source(text: str, *, session: Session) -> str:
    """A source's id, from its id, the start of its id, or its address."""
    text = text.strip()
    exact = session.exec(select(RadarSource.id).where(col(RadarSource.address) == text)).first()
    if exact is not None:
        return exact
    if len(text) < 4:
        raise NotFound(f"'{text}' is too short to name a source; give at least 4 characters of its id.")
    ids = session.exec(select(RadarSource.id).where(col(RadarSource.id).startswith(text.lower())).limit(2)).all()
    if len(ids) != 1:
        raise NotFound(
            f"No source has the id {text}. `journal radar sources` lists them."
            if not ids
            else f"More than one source's id starts with {text}; give more of the id."
        )
    return ids[0]


def remove_source(source_id: str, *, session: Session) -> SourceRead:
    """Stop watching a source. Its undecided suggestions go; its entries stay (unlinked from it), so nothing
    dismissed or linked comes back if it is added again."""
    row = session.get(RadarSource, source_id)
    if row is None:
        raise NotFound(f"No source has the id {source_id}.")
    removed = SourceRead.of(row)
    undecided = select(RadarSuggestion.id).join(RadarEntry, col(RadarEntry.id) == col(RadarSuggestion.entry_id))
    undecided = undecided.where(col(RadarEntry.source_id) == source_id, col(RadarSuggestion.state) == "new")
    session.execute(sa.delete(RadarSuggestion).where(col(RadarSuggestion.id).in_(undecided.scalar_subquery())))
    session.delete(row)
    session.flush()
    return removed


# ---------------------------------------------------------------- excluded domains


def excluded_domains(*, session: Session) -> frozenset[str]:
    return frozenset(session.exec(select(RadarExcludedDomain.domain)).all())


def exclude_domain(domain: str, *, session: Session) -> int:
    """Never suggest pages of `domain` (already parsed: journal.radar.addresses.parse_domain) or its
    sub-domains; the undecided suggestions already made for them go. Returns how many went."""
    from journal.radar.addresses import excluded, host_of

    if session.get(RadarExcludedDomain, domain) is None:
        session.add(RadarExcludedDomain(domain=domain))
    rows = session.exec(
        select(RadarSuggestion.id, RadarEntry.link)
        .join(RadarEntry, col(RadarEntry.id) == col(RadarSuggestion.entry_id))
        .where(col(RadarSuggestion.state) == "new")
    ).all()
    doomed = [suggestion_id for suggestion_id, link in rows if excluded(host_of(link), frozenset({domain}))]
    if doomed:
        session.execute(sa.delete(RadarSuggestion).where(col(RadarSuggestion.id).in_(doomed)))
    session.flush()
    return len(doomed)


def include_domain(domain: str, *, session: Session) -> bool:
    """Suggest pages of `domain` again (from the next entries on); False when it was not excluded."""
    row = session.get(RadarExcludedDomain, domain)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
