"""The privacy rules of every export, applied here and nowhere else.

- Private fields (customer name and contact, internal notes, link notes) are never read into an export.
- Consent `named` shows the customer's name; with any other consent the name is hidden in every text of
  the export (journal.privacy.names decides what names the customer, and replaces it); `declined`
  stories are always left out.
- Only `approved` stories are exported unless the caller asks for the others too.
- A finished document is scanned again (`name_findings`): what still names a hidden customer, and what
  looks confidential, is a finding, and the export is not written unless the person says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journal.privacy.names import NameMatcher
from journal.store.fields import Consent, Status, status_label

HIDDEN_CONSENTS = frozenset({Consent.ANONYMOUS.value, Consent.UNKNOWN.value})
UNREPLACED = "a part of a hidden customer's name that could not be replaced"


@dataclass(frozen=True)
class LeftOut:
    story_id: str
    title: str
    reason: str


def exclusion(consent: str, status: str, *, include_unapproved: bool) -> str | None:
    """Why a story cannot be in the export, or None when it can."""
    if consent == Consent.DECLINED.value:
        return "the customer declined to have it published"
    if status != Status.APPROVED.value and not include_unapproved:
        return f"it is not approved for publishing yet (status: {status_label(status)})"
    return None


# ------------------------------------------------------------------ things that look confidential

_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "a phone number",
        re.compile(r"(?<![\w/.#])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?![\w/])"),
    ),
    (
        "an order or ticket number",
        re.compile(
            r"(?i)\b(?:order|ticket|case|invoice|booking|reservation|account|ref(?:erence)?|confirmation)"
            r"(?:\s+(?:no\.?|number|#|id))?\s*[:#]?\s*[A-Z]{0,4}-?\d[\dA-Z-]{3,}\b"
            r"|#\s?\d{5,}\b"
        ),
    ),
)


@dataclass(frozen=True)
class Finding:
    story_title: str
    field: str
    what: str
    excerpt: str

    def sentence(self) -> str:
        excerpt = f" — “{self.excerpt}”" if self.excerpt else ""
        return f"“{self.story_title}”, {self.field}: {self.what}{excerpt}"


def _excerpt(text: str, start: int, end: int) -> str:
    left, right = max(0, start - 25), min(len(text), end + 25)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")


def confidential_findings(story_title: str, fields: dict[str, str]) -> list[Finding]:
    """What in these published texts looks like it should not be published: e-mail addresses, phone
    numbers, order or ticket numbers."""
    findings: list[Finding] = []
    for field, text in fields.items():
        for what, pattern in _CHECKS:
            for match in pattern.finditer(text):
                if what == "a phone number" and not 7 <= sum(ch.isdigit() for ch in match.group()) <= 15:
                    continue
                findings.append(Finding(story_title, field, what, _excerpt(text, match.start(), match.end())))
    return findings


def name_findings(where: str, part: str, text: str, names: NameMatcher) -> list[Finding]:
    """What in a finished document (or a file name) still names a hidden customer: each is a finding."""
    return [Finding(where, part, UNREPLACED, excerpt) for excerpt in names.leftovers(text)]
