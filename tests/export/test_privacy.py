"""The privacy rules on a fixed corpus and on hand-made cases: private fields never appear, a hidden
customer's name is nowhere in the Markdown nor in what a reader sees of the rendered page, and every field
named in issue 18 is hidden. The property test over random names is tests/export/test_name_leaks.py."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from pathlib import Path

import pytest

from journal.export.html import render_html
from journal.export.markdown import case_study_export, story_export
from journal.privacy.names import NameMatcher
from journal.store.database import Journal, open_journal
from journal.store.models import Story
from tests.export.corpus import CASE_STUDY_ID, build

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TEXT_FIELDS = ("title", "organization", "employees", "situation", "policy", "action", "outcome")


def visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def test_the_corpus_export_holds_no_private_field_and_no_hidden_name(tmp_path: Path) -> None:
    journal = build(tmp_path / "c.journal")
    with journal.session() as session:
        export = case_study_export(CASE_STUDY_ID, session=session, include_unapproved=True)
    journal.close()
    for secret in ("PRIVATE-NOTE", "PRIVATE-LINK-NOTE", "zaz@example.org", "+1 555 0100", "janedoe.example"):
        assert secret not in export.markdown
    page = render_html(export.markdown)
    for hidden in ("Jane", "Doe", "Dee Clined"):
        assert not re.search(rf"\b{hidden}\b", export.markdown, re.IGNORECASE)
        assert not re.search(rf"\b{hidden}\b", visible_text(page), re.IGNORECASE)
    assert "Zaz Lamarr" in export.markdown  # consent `named`: the name is shown
    assert any("own post" in note for note in export.notes)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    journal = open_journal(tmp_path_factory.mktemp("privacy") / "p.journal")
    yield journal
    journal.close()


@pytest.mark.parametrize(
    "text",
    ["Ja*ne* called", "[Ja](https://x.example)ne called", "J&#97;ne called", "Ja`ne` called", "**Jane**'s son"],
)
def test_formatting_cannot_spell_a_hidden_name_back(journal: Journal, text: str) -> None:
    story_id = str(uuid.uuid4())
    with journal.write() as session:
        session.add(
            Story(
                id=story_id,
                title="T",
                situation=text,
                customer_name="Jane",
                consent="anonymous",
                status="approved",
                created_at=T0,
                updated_at=T0,
            )
        )
    with journal.session() as session:
        export = story_export(story_id, session=session)
    assert not NameMatcher(["Jane"]).found_in(visible_text(render_html(export.markdown)))
