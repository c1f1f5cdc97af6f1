"""Issue 18 as its tester tried it, through the real command line: a customer "Ann-Marie O'Brien" who
agreed to an anonymous story, named in every field in the spellings people and web pages use; every export
is written (case study as Markdown and HTML, the story as Markdown and HTML, a review copy, the site folder)
and every byte of every file written, and every file name, is searched for any form of her name.

Then what cannot be replaced: a common word that may be the name stops the export (exit 1 and the list)
unless --allow-confidential is given."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from journal.store.database import open_journal
from journal.store.models import CaseStudy, CaseStudyStory, CoverageLink, LinkSnapshot, Reading, Story
from tests.cli.helpers import run, user_env

T0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
STORY = "5a000000-0000-4000-8000-000000000001"
DRAFT = "5a000000-0000-4000-8000-000000000002"
STUDY = "ca000000-0000-4000-8000-000000000001"

# Every spelling the issue found in the files, and a few more.
SPELLINGS = [
    "Ann-Marie O'Brien",
    "Ann\u2011Marie O\u2019Brien",
    "Ann\u2013Marie O\u2019Brien",
    "Ann Marie",
    "AnnMarie",
    "OBrien",
    "Ann",
    "ANN-MARIE",
    "Ann\u00adMarie",
    "O\u02bcBrien",
]


def _text(n: int) -> str:
    """A paragraph naming her in a few spellings, an e-mail address and a web address that hold the name."""
    a, b, c = (SPELLINGS[(n + k) % len(SPELLINGS)] for k in range(3))
    return (
        f"{a} wrote to us. Later Ms. O\u2019Brien said thanks; {b}'s son agreed and {c}\u2019s post went viral.\n\n"
        "Contact ann-marie.obrien@example.com or see https://annmarie.example/blog and "
        "[her post](https://blog.example/o%E2%80%99brien)."
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("privacy-cli")
    journal = open_journal(home / "j.journal")
    with journal.write() as session:
        for number, story_id in enumerate([STORY, DRAFT]):
            session.add(
                Story(
                    id=story_id,
                    title=f"Thanks to Ann-Marie, story {number + 1}",
                    organization="Acme",
                    employees="Chris, who met Ann\u2011Marie",
                    channel="Ann-Marie's blog",
                    customer_name="Ann-Marie O'Brien",
                    customer_contact="PRIVATE-CONTACT",
                    internal_notes="PRIVATE-NOTES",
                    consent="anonymous",
                    situation=_text(0),
                    policy=_text(1),
                    action=_text(2),
                    outcome=_text(3),
                    status="approved" if number == 0 else "ready",
                    occurred=dt.date(2025, 6, 1),
                    created_at=T0,
                    updated_at=T0,
                )
            )
        session.flush()
        links = [
            ("https://news.example/a", "", "ok", "Ann Marie O\u2019Brien and the courier", "AnnMarie"),
            ("https://news.example/old", "https://news.example/ann%2Dmarie-obrien", "moved", "Moved", "News"),
            ("https://news.example/c", "", "dead", "A dead page about OBrien", "Ann"),
            ("https://blog.example/o%E2%80%99brien", "", "ok", "Her own words", "Someone"),
        ]
        for position, (url, final, health, title, author) in enumerate(links):
            link_id = f"1a000000-0000-4000-8000-00000000000{position}"
            session.add(
                CoverageLink(
                    id=link_id,
                    story_id=STORY,
                    position=position,
                    url=url,
                    final_url=final,
                    health=health,
                    title=title,
                    author=author,
                    outlet="Ann-Marie's Weekly",
                    kind="news",
                    notes="PRIVATE-LINK-NOTE",
                    created_at=T0,
                    updated_at=T0,
                )
            )
            if health == "dead":
                session.flush()
                session.add(LinkSnapshot(link_id=link_id, fetched_at=T0, url=url, text=_text(4)))
        session.add(
            Reading(story_id=STORY, metric="search_rank", query="Ann-Marie O\u2019Brien courier", value=2, taken_at=T0)
        )
        session.add(
            CaseStudy(
                id=STUDY,
                title="Thanks to Ann-Marie",
                audience="Ann\u2011Marie's fans",
                introduction=_text(5),
                closing=_text(6),
                created_at=T0,
                updated_at=T0,
            )
        )
        session.flush()
        for position, story_id in enumerate([STORY, DRAFT]):
            session.add(
                CaseStudyStory(case_study_id=STUDY, story_id=story_id, position=position, include_coverage=True)
            )
    journal.close()
    return home


def _forms(view: str) -> list[str]:
    """Any form of her name in a text: the parts folded (NFKD, case-folded, marks dropped) and searched
    with any separator or none between them, and each part of two letters or more alone."""
    text = "".join(c for c in unicodedata.normalize("NFKD", view).casefold() if not unicodedata.combining(c))
    text = text.replace("\u00ad", "")
    sep = r"[\W_]{0,3}"
    forms = rf"ann{sep}marie(?:{sep}o{sep}brien)?|marie{sep}o{sep}brien|o{sep}brien|ann|marie|brien"
    pattern = rf"(?<![^\W\d_])(?:{forms})(?![^\W\d_])"
    return re.findall(pattern, text)


def _every_form_in(path: Path, root: Path) -> list[str]:
    data = path.read_bytes().decode("utf-8")
    views = {data, html.unescape(data), unquote(html.unescape(data))}
    return [*_forms(str(path.relative_to(root))), *(form for view in views for form in _forms(view))]


def test_every_file_every_export_writes_is_free_of_her_name(home: Path) -> None:
    env = user_env(home)
    out = home / "out"
    out.mkdir()
    base = ["--journal", str(home / "j.journal")]
    commands = [
        ["export", STUDY, "-o", str(out / "study.md")],
        ["export", STUDY, "--format", "html", "-o", str(out / "study.html")],
        ["export", STUDY, "--include-unapproved", "-o", str(out / "review.md")],
        ["export", STUDY, "--include-unapproved", "--format", "html", "-o", str(out / "review.html")],
        ["export-story", STORY, "-o", str(out / "story.md")],
        ["export-story", STORY, "--format", "html", "-o", str(out / "story.html")],
        ["export-story", DRAFT, "--include-unapproved", "-o", str(out / "draft.md")],
        ["export-site", str(out / "site"), "--include-unapproved"],
    ]
    for command in commands:
        result = run([*base, *command], env=env, cwd=home)
        assert result.returncode == 0, (command, result.stderr)
        assert "left out" in result.stderr  # the e-mail and web addresses that held her name
    files = sorted(path for path in out.rglob("*") if path.is_file())
    assert len(files) >= 10, files
    for path in files:
        assert _every_form_in(path, out) == [], path
        text = path.read_text(encoding="utf-8")
        for secret in ("PRIVATE-CONTACT", "PRIVATE-NOTES", "PRIVATE-LINK-NOTE", "@example.com", "annmarie.example"):
            assert secret not in text, (path, secret)
    story = (out / "story.md").read_text(encoding="utf-8")
    assert "The customer wrote to us. Later the customer said thanks; the customer's son agreed" in story
    assert "Contact (e-mail address left out) or see (web address left out) and her post." in story
    assert "· The customer's blog*" in story  # the channel
    assert "Search rank 2 for “The customer courier”" in story
    assert "news.example/old" not in story and "ann%2Dmarie" not in story  # the moved address names her
    site = sorted(str(p.relative_to(out / "site")) for p in (out / "site").rglob("*.md"))
    assert "thanks-to-the-customer.md" in site
    assert "<title>Thanks to the customer</title>" in (out / "study.html").read_text(encoding="utf-8")


def test_what_cannot_be_replaced_stops_the_export_unless_allowed(tmp_path: Path) -> None:
    journal = open_journal(tmp_path / "w.journal")
    with journal.write() as session:
        session.add(
            Story(
                id=STORY,
                title="A courier for Will",
                customer_name="Will Bay",
                consent="anonymous",
                status="approved",
                situation="Will wrote to us. Later the courier met Will at home; you will see why.",
                created_at=T0,
                updated_at=T0,
            )
        )
    journal.close()
    env, target = user_env(tmp_path), tmp_path / "will.md"
    base = ["--journal", str(tmp_path / "w.journal"), "export-story", STORY]
    refused = run([*base, "-o", str(target)], env=env, cwd=tmp_path)
    assert refused.returncode == 1, refused.stderr
    assert "a part of a hidden customer's name that could not be replaced" in refused.stderr
    assert "Will wrote to us" in refused.stderr and "--allow-confidential" in refused.stderr
    assert not target.exists()
    allowed = run([*base, "-o", str(target), "--allow-confidential"], env=env, cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    text = target.read_text(encoding="utf-8")
    assert "A courier for the customer" in text
    assert "Later the courier met the customer at home; you will see why." in text
