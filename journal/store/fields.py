"""The closed vocabularies of a story, and the parsing shared by the window and the command line.

No SQLModel import here, so `journal --help` and argument parsing stay quick.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from urllib.parse import urlsplit


class Consent(StrEnum):
    UNKNOWN = "unknown"
    DECLINED = "declined"
    ANONYMOUS = "anonymous"
    NAMED = "named"


class Status(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    APPROVED = "approved"


class LinkKind(StrEnum):
    CUSTOMER_POST = "customer_post"
    BLOG = "blog"
    NEWS = "news"
    SOCIAL_POST = "social_post"
    FORUM = "forum"
    OTHER = "other"


class Sort(StrEnum):
    RELEVANCE = "relevance"  # best match first; only when there is text to search for
    DATE = "date"
    TITLE = "title"
    UPDATED = "updated"
    COVERAGE = "coverage"


# The orders a person can choose, by the name the command line uses: (label, sort, descending).
SORT_ORDERS: dict[str, tuple[str, Sort, bool]] = {
    "best": ("Best match", Sort.RELEVANCE, True),
    "newest": ("Newest first", Sort.DATE, True),
    "oldest": ("Oldest first", Sort.DATE, False),
    "title": ("Title A–Z", Sort.TITLE, False),
    "updated": ("Recently updated", Sort.UPDATED, True),
    "coverage": ("Most coverage", Sort.COVERAGE, True),
}


# Channels are offered as a list, but a team may use its own words (the field is free text).
CHANNELS: dict[str, str] = {
    "phone": "Phone",
    "email": "Email",
    "chat": "Chat",
    "in_person": "In person",
    "social_media": "Social media",
    "letter": "Letter",
    "blog": "Blog",
    "other": "Other",
}

CONSENT_LABELS: dict[Consent, str] = {
    Consent.UNKNOWN: "Not asked yet",
    Consent.DECLINED: "Declined: never publish",
    Consent.ANONYMOUS: "Anonymous: publish without the name",
    Consent.NAMED: "Named: publish with the name",
}

STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.READY: "Ready",
    Status.APPROVED: "Approved",
}

LINK_KIND_LABELS: dict[LinkKind, str] = {
    LinkKind.CUSTOMER_POST: "Customer's own post",
    LinkKind.BLOG: "Blog",
    LinkKind.NEWS: "News",
    LinkKind.SOCIAL_POST: "Social post",
    LinkKind.FORUM: "Forum",
    LinkKind.OTHER: "Other",
}


def status_label(value: str) -> str:
    return next((label for status, label in STATUS_LABELS.items() if status.value == value), value)


TITLE_MAX = 300
MAX_COST_CENTS = 10**13  # a hundred billion in any currency is a typing mistake
MAX_COMMENTS = 10**9  # a billion comments on one page is a typing mistake (and fits every integer column)


class FieldError(ValueError):
    """A value a person typed that cannot be stored; the message says what to type instead."""


def parse_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise FieldError("A story needs a title.")
    if len(title) > TITLE_MAX:
        raise FieldError(f"Keep the title under {TITLE_MAX} characters; put the rest in the situation.")
    return title


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD, or empty for 'not known'."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2007-07-14.") from None


def parse_cost(text: str) -> int | None:
    """An amount such as 45, 45.5 or 1,200.00, returned in hundredths (cents); empty means no cost given."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise FieldError(f"'{text.strip()[:40]}' is not an amount; write a number such as 45 or 120.50.") from None
    if not amount.is_finite():
        raise FieldError(f"'{text.strip()[:40]}' is not an amount; write a number such as 45 or 120.50.")
    if amount < 0:
        raise FieldError("The cost must be zero or more, e.g. 45 or 120.50.")
    # Compared before any arithmetic: 1e26 or 1e309 would overflow the decimal context when scaled.
    if amount >= Decimal(MAX_COST_CENTS) / 100:
        raise FieldError("That cost is too large; check the amount.")
    cents = int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))
    if cents >= MAX_COST_CENTS:
        raise FieldError("That cost is too large; check the amount.")
    return cents


def format_cost(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if code and (len(code) != 3 or not code.isalpha() or not code.isascii()):
        raise FieldError(f"'{text.strip()}' is not a currency code; use three letters such as USD, EUR or GBP.")
    return code


def parse_url(text: str) -> str:
    """Only http and https links are kept: they are what a reader can open."""
    url = text.strip()
    if not url:
        raise FieldError("Paste a link that starts with https:// or http://.")
    if any(ch.isspace() for ch in url):
        raise FieldError("A link cannot contain spaces; paste the address exactly as the browser shows it.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FieldError("Only web links can be added: the address must start with https:// or http://.")
    if not parts.hostname or ("." not in parts.hostname and parts.hostname != "localhost"):
        raise FieldError(f"'{url}' has no web site in it; paste the full address, e.g. https://example.com/post.")
    return url


def parse_comment_count(text: str) -> int | None:
    cleaned = text.strip().replace(",", "").replace("+", "")
    if not cleaned:
        return None
    if not (cleaned.isascii() and cleaned.isdecimal()):
        raise FieldError(f"'{text.strip()[:40]}' is not a number of comments; write a whole number such as 120.")
    if len(cleaned) > len(str(MAX_COMMENTS)) or int(cleaned) >= MAX_COMMENTS:
        raise FieldError("That number of comments is too large; check it.")
    return int(cleaned)


def parse_tag(text: str) -> str:
    """A tag name: trimmed, inner spaces kept single, `parent/child` allowed."""
    if "," in text:
        raise FieldError(f"'{text.strip()}': a tag cannot contain a comma; give each tag separately.")
    parts = [" ".join(part.split()) for part in text.split("/")]
    name = "/".join(p for p in parts if p)
    if len(name) > 80:
        raise FieldError("Keep a tag under 80 characters.")
    return name


def split_tags(text: str) -> list[str]:
    """Comma-separated tags as typed, without empties or duplicates (case-insensitive), in typed order."""
    seen: set[str] = set()
    names: list[str] = []
    for raw in text.split(","):
        name = parse_tag(raw)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def enum_value(enum: type[StrEnum], text: str, what: str) -> str:
    value = text.strip().lower().replace(" ", "_").replace("-", "_")
    allowed = [member.value for member in enum]
    if value not in allowed:
        raise FieldError(f"'{text}' is not a {what}; use one of: {', '.join(allowed)}.")
    return value
