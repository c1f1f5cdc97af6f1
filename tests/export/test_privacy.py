"""The privacy rules hold whatever the story's text: private fields never appear, and a hidden customer's
name is nowhere in the Markdown nor in what a reader sees of the rendered page (hypothesis)."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from journal.export.html import render_html, standalone_page
from journal.export.markdown import case_study_export, story_export
from journal.export.privacy import NameHider
from journal.store.case_studies import create_case_study, update_case_study
from journal.store.database import Journal, open_journal
from journal.store.models import CoverageLink, Story
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


# Words the document itself writes (headings, dates, the neutral wording): a customer with one of these
# names cannot be told apart from the template, so such names are left out of the generated ones.
TEMPLATE_WORDS = {
    w.casefold()
    for w in re.findall(
        r"\w+",
        "the customer What happened policy said was done it cost came of Coverage Tags comments Search rank for "
        "no longer online as archived on January February March April May June July August September October "
        "November December USD title date stories generator Story Journal id tags audience No story of this "
        "case study can be published yet Case review x y",
    )
}

letters = st.characters(categories=["Lu", "Ll"], exclude_characters="ıİſK")
name_word = st.text(letters, min_size=2, max_size=9).filter(lambda w: w.casefold() not in TEMPLATE_WORDS)
names = st.lists(name_word, min_size=1, max_size=3).map(" ".join)
story_text = st.text(max_size=120)


@st.composite
def text_with_name(draw: st.DrawFn, name: str) -> str:
    """Arbitrary text with the name (or one of its parts, in any case) put in at arbitrary places."""
    pieces = draw(st.lists(story_text, min_size=1, max_size=4))
    variants = [name, *name.split()]
    inserts = draw(
        st.lists(st.sampled_from(variants).map(lambda v: draw(st.sampled_from([v, v.upper(), v.lower()]))), max_size=3)
    )
    joined = pieces[0]
    for piece, insert in zip(pieces[1:], inserts, strict=False):
        joined += f" {insert} {piece}"
    return joined + (f" {inserts[-1]}'s" if inserts else "")


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    journal = open_journal(tmp_path_factory.mktemp("privacy") / "p.journal")
    yield journal
    journal.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), name=names, consent=st.sampled_from(["anonymous", "unknown"]))
def test_a_hidden_name_and_private_fields_never_reach_an_export(
    journal: Journal, data: st.DataObject, name: str, consent: str
) -> None:
    hider = NameHider(name)
    assume(hider.variants)
    fields = {field: data.draw(text_with_name(name), label=field) for field in TEXT_FIELDS}
    fields["title"] = " ".join(fields["title"].split())[:300] or name
    secret = uuid.uuid4().hex
    story_id = str(uuid.uuid4())
    with journal.write() as session:
        session.add(
            Story(
                id=story_id,
                **fields,
                customer_name=name,
                customer_contact=f"contact-{secret}",
                internal_notes=f"notes-{secret}",
                consent=consent,
                status="approved",
                created_at=T0,
                updated_at=T0,
            )
        )
        session.add(
            CoverageLink(
                story_id=story_id,
                url="https://news.example/a",
                title=data.draw(text_with_name(name)),
                author=name,
                notes=f"link-{secret}",
                kind="news",
            )
        )
        session.flush()
        study = create_case_study("Case review", session=session, story_ids=[story_id])
        update_case_study(study.id, {"introduction": data.draw(text_with_name(name), label="intro")}, session=session)
        study_id = study.id
    with journal.session() as session:
        exports = [case_study_export(study_id, session=session), story_export(story_id, session=session)]
    for export in exports:
        for document in (export.markdown, visible_text(render_html(export.markdown))):
            assert secret not in document
            assert not hider.found_in(document), (name, document)
        assert secret not in standalone_page(export.markdown, export.title)


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
    assert not NameHider("Jane").found_in(visible_text(render_html(export.markdown)))
