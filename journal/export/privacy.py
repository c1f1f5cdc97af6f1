"""The privacy rules of every export, applied here and nowhere else.

- Private fields (customer name and contact, internal notes, link notes) are never read into an export.
- Consent `named` shows the customer's name; `anonymous` and `unknown` replace it, wherever it occurs in
  the story's text, with a neutral wording; `declined` stories are always left out.
- Only `approved` stories are exported unless the caller asks for the others too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journal.store.fields import Consent, Status, status_label

NEUTRAL = "the customer"
HIDDEN_CONSENTS = frozenset({Consent.ANONYMOUS.value, Consent.UNKNOWN.value})


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


def name_variants(customer_name: str) -> list[str]:
    """The ways the name may appear in the text: in full, and each part of two letters or more
    (“Jane Doe” → “Jane Doe”, “Jane”, “Doe”), longest first."""
    full = " ".join(customer_name.split())
    if not full:
        return []
    parts = [part.strip(".,'’\"()") for part in re.split(r"[\s,]+", full)]
    variants = {full, *(part for part in parts if sum(ch.isalnum() for ch in part) >= 2)}
    return sorted(variants, key=lambda v: (-len(v), v.casefold()))


class NameHider:
    """Replaces a customer's name with the neutral wording, in any case, as a whole word."""

    def __init__(self, customer_name: str) -> None:
        self.variants = name_variants(customer_name)
        if self.variants:
            alternatives = "|".join(r"\s+".join(map(re.escape, v.split())) for v in self.variants)
            self._pattern: re.Pattern[str] | None = re.compile(
                rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE
            )
        else:
            self._pattern = None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: _neutral_for(text, match.start()), text)

    def found_in(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(text) is not None


def _neutral_for(text: str, at: int) -> str:
    before = text[:at].rstrip(' \t"“‘(')
    starts_sentence = not before or before[-1] in ".!?\n:"
    return NEUTRAL[0].upper() + NEUTRAL[1:] if starts_sentence else NEUTRAL


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


def confidential_findings(story_title: str, fields: dict[str, str], hider: NameHider | None) -> list[Finding]:
    """What in these texts looks like it should not be published: e-mail addresses, phone numbers,
    order or ticket numbers, and the customer's name where it is to be hidden."""
    findings: list[Finding] = []
    for field, text in fields.items():
        for what, pattern in _CHECKS:
            for match in pattern.finditer(text):
                if what == "a phone number" and not 7 <= sum(ch.isdigit() for ch in match.group()) <= 15:
                    continue
                findings.append(Finding(story_title, field, what, _excerpt(text, match.start(), match.end())))
        if hider is not None and hider.found_in(text):
            findings.append(
                Finding(story_title, field, "the customer's name (it will be replaced with “the customer”)", "")
            )
    return findings
