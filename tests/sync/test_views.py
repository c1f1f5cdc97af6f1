"""Which fields a laptop takes as withheld by the team server (journal/sync/views.py): what the view the server
said it sent leaves out; from an older server that does not say it, only on a marketer's laptop, only for a
story the server holds, and never for one that arrived whole."""

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


REP_HIDES = ("customer_contact", "internal_notes", "link_notes")


@pytest.mark.parametrize(
    ("role", "view", "consent", "held", "expected"),
    [
        ("rep", "rep", ANONYMOUS, True, REP_HIDES),  # a colleague's story: looks like one's own with empty fields
        ("rep", "full", ANONYMOUS, True, ()),  # the rep's own story
        ("marketer", "full", ANONYMOUS, True, ()),  # the marketer's own story, its private fields empty
        ("marketer", "marketer", ANONYMOUS, True, EVERY),
        ("marketer", "marketer", NAMED, True, REP_HIDES),
        ("rep", "rep", ANONYMOUS, False, ()),  # not held by the server: written here, not sent yet
    ],
)
def test_withheld_as_the_server_said(role: str, view: str, consent: str, held: bool, expected: tuple[str, ...]) -> None:
    assert set(withheld(role, {**EMPTY, "consent": consent}, held, False, view)) == set(expected)
