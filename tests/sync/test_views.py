"""Which fields a marketer's laptop takes as withheld by the team server (journal/sync/views.py): only on a
marketer's laptop, only for a story the server holds, and never for one that arrived whole."""

from __future__ import annotations

import pytest

from journal.store.fields import Consent
from journal.sync.views import withheld

EMPTY = {"customer_name": "", "customer_contact": "", "internal_notes": ""}
ANONYMOUS, NAMED = Consent.ANONYMOUS.value, Consent.NAMED.value
EVERY = ("customer_contact", "internal_notes", "link_notes", "customer_name")


@pytest.mark.parametrize(
    ("role", "fields", "held", "expected"),
    [
        ("marketer", {**EMPTY, "consent": ANONYMOUS, "link_notes": True}, True, ()),  # arrived whole
        ("marketer", {**EMPTY, "consent": ANONYMOUS}, True, EVERY),
        ("marketer", {**EMPTY, "consent": NAMED, "customer_name": "Ali Khan"}, True, EVERY[:3]),
        ("marketer", {**EMPTY, "consent": ANONYMOUS}, False, ()),  # not sent yet: written here
        ("marketer", {**EMPTY, "consent": ANONYMOUS, "internal_notes": "Call back"}, True, ()),  # arrived whole
        ("marketer", {**EMPTY, "consent": ANONYMOUS, "customer_name": "Jane Doe"}, True, ()),  # arrived whole
        ("rep", {**EMPTY, "consent": ANONYMOUS}, True, ()),
        ("admin", {**EMPTY, "consent": ANONYMOUS}, True, ()),
    ],
)
def test_withheld(role: str, fields: dict[str, object], held: bool, expected: tuple[str, ...]) -> None:
    link_notes = bool(fields.pop("link_notes", False))
    assert set(withheld(role, fields, held, link_notes)) == set(expected)
