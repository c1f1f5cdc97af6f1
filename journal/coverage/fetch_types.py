"""What a fetch is asked to respect (FetchSettings), what it brings back (Response) and how it fails
(FetchError): plain classes shared by journal.coverage.fetch and the HTTP client behind it
(journal.coverage.http), importable without either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERMANENT_REDIRECTS = frozenset({301, 308})
GONE = frozenset({404, 410})


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0  # everything a request does (lookup, connect, headers, body) ends by then
    max_redirects: int = 8
    max_bytes: int = 5 * 1024 * 1024  # read this much of a page, then stop: metadata sits at the top
    user_agent: str = "StoryJournal/1 (+coverage capture; one request per link)"


@dataclass
class Response:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # "text/html", lower case, without parameters
    charset: str  # from the Content-Type header, "" when it names none
    body: bytes
    truncated: bool  # the size cap was reached
    redirects: list[int] = field(default_factory=list)  # the status of each redirect followed
    filename: str = ""  # from Content-Disposition, when the server names one
    headers: dict[str, str] = field(default_factory=dict)  # the answer's headers, names in lower case

    @property
    def moved_permanently(self) -> bool:
        return any(status in PERMANENT_REDIRECTS for status in self.redirects)

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml") or (
            not self.content_type and self.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
        )


class FetchError(Exception):
    """`str(error)` is a sentence for people; `transient` says whether trying again later may help."""

    def __init__(
        self, message: str, *, transient: bool, offline: bool = False, status: int | None = None, private: bool = False
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.offline = offline  # the network (or the site's host) could not be reached at all
        self.status = status
        self.private = private  # refused: the address is on a private network (journal.coverage.destinations)
