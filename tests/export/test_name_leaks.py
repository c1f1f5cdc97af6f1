"""No form of a hidden customer's name survives in any byte of any file an export writes (hypothesis).

Random names are built from random parts (real ones and random letters in Latin, Greek, Cyrillic and CJK)
joined by random separators; random story text mentions them in random forms (any dash or apostrophe,
joined, one part alone, possessive, with a title, in capitals, decomposed or fullwidth, inside an e-mail
address, a percent-encoded web address or a handle) in random fields: every story field, the channel,
tags, link titles, outlets, authors and addresses (as typed and after a redirect), archived pages, search
queries, a case study's title, audience, introduction, closing and headlines. Then every export is made
and written: the case study as Markdown and as a web page, the story as Markdown and as a web page, their
review copies (stories not approved yet), and the site folder (index, case studies, archive pages).

The check is written here, apart from the matcher it tests (journal.privacy.names): each file's bytes, as
written, entity-decoded and percent-decoded, are folded (NFKD, case-folded, combining marks dropped) and
cut into words; no run of words may spell a run of the name's parts, and no part of a name in a script
written without spaces may stand anywhere in it. File names are checked the same way.

`NAME_LEAK_EXAMPLES` sets the number of examples (2,000 by default; CI runs the default).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import random
import re
import unicodedata
import uuid
from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete

from journal.export.files import plan_site, slug
from journal.export.markdown import case_study_export, story_export
from journal.privacy.names import COMMON_WORDS
from journal.store.database import Journal, open_journal
from journal.store.models import (
    CaseStudy,
    CaseStudyStory,
    CoverageLink,
    LinkSnapshot,
    Reading,
    Story,
    StoryTag,
    Tag,
)

EXAMPLES = int(os.environ.get("NAME_LEAK_EXAMPLES", "2000"))
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# ------------------------------------------------------------------ the check, independent of the matcher

_KEEP_MARKS = {
    "\u0131": "i",
    "\u0142": "l",
    "\u00f8": "o",
    "\u0111": "d",
    "\u0127": "h",
    "\u00e6": "ae",
    "\u0153": "oe",
}


def _cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "") or "HANGUL" in unicodedata.name(ch, "") or "\u3040" <= ch <= "\u30ff"


_DROP_MARKS = {code: None for code in range(0x300, 0x20000) if unicodedata.combining(chr(code))} | {
    ord(ch): plain for ch, plain in _KEEP_MARKS.items()
}


def oracle_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    text = unicodedata.normalize("NFKD", text).translate(_DROP_MARKS)
    return unicodedata.normalize("NFC", text)  # Hangul syllables back together


_SPLIT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+|[^\W_\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")


# What may stand between two parts of a name: spaces, any dash, apostrophes, dots, underscores (3 at most).
_DASH_PUNCTUATION = "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Pd")
_GAP = "[\\s" + re.escape(_DASH_PUNCTUATION + "'’ʼ`′´._·\u2212") + "]{0,3}"
_WORD = "(?:" + _SPLIT.pattern + ")"
_GROUP = re.compile(f"{_WORD}(?:{_GAP}{_WORD})*")


def oracle_words(text: str) -> list[str]:
    """Runs of letters and digits, cut where a CJK run begins or ends; soft hyphens and zero-width
    characters are nothing (they join what is on either side)."""
    return [word for group in oracle_groups(text) for word in group]


def oracle_groups(text: str) -> list[list[str]]:
    """The words of the text, in groups of words that only separators stand between."""
    text = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", oracle_fold(text))
    return [_SPLIT.findall(group) for group in _GROUP.findall(text)]


class Oracle:
    """The forms of a name that must not be written: a run of its parts, each word of the text one part or
    several joined ("ann marie", "annmarie", "o brien"), at least two letters for one part and three for
    more; and its CJK parts anywhere."""

    def __init__(self, name: str) -> None:
        self.parts = oracle_words(name)
        self.cjk: set[str] = set()
        for part in self.parts:
            if _cjk(part[0]) and len(part) >= 2:
                self.cjk |= {part[:n] for n in range(2, len(part) + 1)} | {part[-n:] for n in range(2, len(part))}

    def _runs_from(self, words: list[str], part: int) -> list[str]:
        """The runs of parts, starting with part `part`, that the words spell from their first on."""
        found: list[str] = []
        if not words:
            return found
        joined = ""
        for end in range(part, len(self.parts)):
            joined += self.parts[end]
            if words[0] == joined:
                found.append(joined)
                found += [joined + more for more in self._runs_from(words[1:], end + 1)]
            if not words[0].startswith(joined):
                break
        return found

    def leaks(self, text: str) -> list[str]:
        found: list[str] = []
        for view in {text, html.unescape(text), unquote(html.unescape(text), errors="replace")}:
            for words in oracle_groups(view):
                for i, first in enumerate(words):
                    for part, name_part in enumerate(self.parts):
                        if not first.startswith(name_part):
                            continue
                        for run in self._runs_from(words[i:], part):
                            single = run in self.parts
                            if (single and len(run) >= 2) or (not single and len(run) >= 3):
                                found.append(run)
            folded = oracle_fold(view)
            found += [part for part in self.cjk if part in folded]
        return found


def _places(text: str, leaks: list[str]) -> list[int]:
    """Where in the text (roughly) the leaked forms are, for the failure message."""
    folded = oracle_fold(unquote(html.unescape(text)))
    return sorted({folded.find(leak[:2]) for leak in leaks})[:5]


# ------------------------------------------------------------------ random names and mentions

REAL_PARTS = [
    "Ann", "Marie", "Brien", "Zoë", "Łukasz", "Nguyễn", "Văn", "Natarajan", "Priya", "José", "Ødegård",
    "Søren", "Çelik", "Şahin", "Dvořák", "Siobhán", "Aoife", "Jürgen", "Ngozi", "Oluwaseun", "Mbali",
]  # fmt: skip
CJK_PARTS = ["李小龙", "王芳", "김민준", "山田", "太郎"]
LATIN = st.characters(min_codepoint=0x41, max_codepoint=0x17F, categories=["Lu", "Ll"], exclude_characters="ıİſŉK")
GREEK_CYRILLIC = st.characters(min_codepoint=0x391, max_codepoint=0x44F, categories=["Lu", "Ll"])
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
TITLES = {"mr", "mrs", "ms", "miss", "mx", "mister", "missus", "dr", "doctor", "prof", "professor", "sir", "dame",
          "madam", "madame", "mme", "mlle", "herr", "frau", "sr", "sra", "srta", "senor", "senora", "signor",
          "signora", "monsieur"}  # fmt: skip
NAME_SEPARATORS = [" ", "-", "\u2011", "'", "\u2019"]
MENTION_SEPARATORS = ["", " ", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "'", "\u2019",
                      "\u02bc", "`", "\u2032", "\u00ad", " - ", ". ", "_"]  # fmt: skip
APOSTROPHES = ["'", "\u2019", "\u02bc", "`"]


def template_words() -> set[str]:
    """Words the exporter writes itself (headings, dates, labels, the page's head and stylesheet): a name
    made of them could not be told from the document, so generated names avoid them."""
    words = set(oracle_words(TEMPLATE_TEXT))
    return words | {w for w in words for w in [w.rstrip("s")]}


TEMPLATE_TEXT = ""  # filled by the `template` fixture from real exports of a journal without names


def part_ok(part: str) -> bool:
    words = oracle_words(part)
    return (
        len(words) == 1
        and len(words[0]) >= 2
        and words[0] not in COMMON_WORDS
        and words[0] not in TITLES
        and words[0] not in TEMPLATE_WORDS
        and all(ch.isalpha() for ch in words[0])
    )


TEMPLATE_WORDS: set[str] = set()

name_part = st.one_of(
    st.sampled_from(REAL_PARTS),
    st.text(LATIN, min_size=2, max_size=8),
    st.text(GREEK_CYRILLIC, min_size=2, max_size=7),
    st.sampled_from(CJK_PARTS),
    st.text(CJK, min_size=2, max_size=3),
).filter(part_ok)


@st.composite
def names(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A name as typed in the customer field, and its parts. "O" may come before an apostrophe."""
    parts = draw(st.lists(name_part, min_size=1, max_size=3))
    if draw(st.booleans()) and not _cjk(oracle_fold(parts[0])[0]):
        parts = ["O", *parts]
        separators = [draw(st.sampled_from(["'", "\u2019"]))]
    else:
        separators = []
    separators += [draw(st.sampled_from(NAME_SEPARATORS)) for _ in parts[len(separators) + 1 :]]
    name = parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:], strict=True))
    return name, parts


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def mention(draw: st.DrawFn, parts: list[str]) -> str:
    """One form of the name as a person or a web page might write it."""
    start = draw(st.integers(0, len(parts) - 1))
    end = draw(st.integers(start + 1, len(parts)))
    run = parts[start:end]
    if run == ["O"]:
        run = parts[:2]
    joined = run[0] + "".join(draw(st.sampled_from(MENTION_SEPARATORS)) + part for part in run[1:])
    case = draw(st.sampled_from(["as is", "upper", "lower", "title"]))
    joined = {"as is": joined, "upper": joined.upper(), "lower": joined.lower(), "title": joined.title()}[case]
    form = draw(st.sampled_from(["NFC", "NFD", "NFKD", "fullwidth"]))
    joined = _fullwidth(joined) if form == "fullwidth" else unicodedata.normalize(form, joined)
    dotted = ".".join(p.lower() for p in run)
    container = draw(
        st.sampled_from(["plain", "plain", "plain", "possessive", "title", "e-mail", "url", "handle", "link"])
    )
    if container == "possessive":
        return joined + draw(st.sampled_from(APOSTROPHES)) + "s"
    if container == "title":
        return draw(st.sampled_from(["Ms. ", "Mr ", "Dr. ", "Mrs "])) + joined
    if container == "e-mail":
        return f"{dotted}{draw(st.sampled_from(['', '.n', '82']))}@example.com"
    if container == "url":
        return f"https://blog.example/{quote('-'.join(run).lower(), safe='')}/post"
    if container == "handle":
        return "@" + "".join(p.lower() for p in run) + draw(st.sampled_from(["", "82", "_official"]))
    return f"[her post](https://news.example/{quote(''.join(run), safe='')})" if container == "link" else joined


filler = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@st.composite
def material(draw: st.DrawFn, parts: list[str]) -> Texts:
    """What the example's texts are made of: some mentions, some random text, and a seeded chooser."""
    mentions = draw(st.lists(mention(parts), min_size=1, max_size=8), label="mentions")
    fillers = draw(st.lists(filler, min_size=1, max_size=5), label="fillers")
    return Texts(mentions, fillers, draw(st.randoms(use_true_random=False)))


class Texts:
    """Random text with the name in random forms at random places, for every field of an example."""

    def __init__(self, mentions: list[str], fillers: list[str], chooser: random.Random) -> None:
        self.mentions, self.fillers, self.chooser = mentions, fillers, chooser
        self.addresses = [m for m in mentions if m.startswith("https://")] or ["https://news.example/a"]

    def __repr__(self) -> str:
        return f"Texts(mentions={self.mentions!r}, fillers={self.fillers!r})"

    def __call__(self, one_line: bool = False) -> str:
        pieces = [self.chooser.choice(self.fillers)]
        for _ in range(self.chooser.randint(0, 3)):
            pieces += [self.chooser.choice(self.mentions), self.chooser.choice(self.fillers)]
        text = " ".join(pieces)
        return " ".join(text.split())[:250] if one_line else text

    def address(self) -> str:
        return self.chooser.choice(["https://news.example/a", *self.addresses])


class Plain(Texts):
    """Texts with no name in them, for the template's words."""

    def __init__(self) -> None:
        super().__init__(["plain words"], ["plain words"], random.Random(0))


FIELDS = ["title", "organization", "employees", "channel", "situation", "policy", "action", "outcome"]


# ------------------------------------------------------------------ the journal, built once per example


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    journal = open_journal(tmp_path_factory.mktemp("leaks") / "leaks.journal")
    yield journal
    journal.close()


def _empty(journal: Journal) -> None:
    with journal.write() as session:
        for table in (CaseStudyStory, CaseStudy, Reading, LinkSnapshot, CoverageLink, StoryTag, Tag, Story):
            session.execute(delete(table))


def _fill(journal: Journal, name: str, text: Texts, consent: str) -> tuple[str, str]:
    """A hidden approved story, a named story and a hidden draft, all mentioning the name; one case study
    with them. Returns (hidden story id, case study id)."""
    ids = [str(uuid.uuid4()) for _ in range(3)]
    study_id = str(uuid.uuid4())
    rows: list[object] = []
    for number, (story_id, story_consent) in enumerate(zip(ids, [consent, "named", "unknown"], strict=True)):
        fields = {field: text(one_line=field == "title") for field in FIELDS}
        fields["title"] = fields["title"] or "A story"
        tag_id = str(uuid.uuid4())
        rows += [
            Story(
                id=story_id,
                **fields,
                customer_name=name if story_consent != "named" else "Zed Named",
                customer_contact="contact-secret",
                internal_notes="notes-secret",
                consent=story_consent,
                status="draft" if number == 2 else "approved",
                occurred=dt.date(2020, 5, 1),
                created_at=T0,
                updated_at=T0,
            ),
            Tag(id=tag_id, name=f"{number}-{text(one_line=True)[:60]}", created_at=T0),  # SQLite stops at a NUL
            StoryTag(story_id=story_id, tag_id=tag_id),
            Reading(story_id=story_id, metric="search_rank", query=text(one_line=True) or "q", value=3, taken_at=T0),
            CaseStudyStory(
                case_study_id=study_id,
                story_id=story_id,
                position=number,
                headline=text(one_line=True) if number == 0 else "",
                include_coverage=True,
            ),
        ]
        for position, health in enumerate(["ok", "moved", "dead"] if number == 0 else ["dead"]):
            link_id, url = str(uuid.uuid4()), text.address()
            rows.append(
                CoverageLink(
                    id=link_id,
                    story_id=story_id,
                    position=position,
                    url=url,
                    final_url=text.address() if health == "moved" else "",
                    title=text(one_line=True),
                    outlet=text(one_line=True),
                    author=text(one_line=True),
                    kind="news",
                    health=health,
                    notes="link-secret",
                    created_at=T0,
                    updated_at=T0,
                )
            )
            if health == "dead":
                rows.append(LinkSnapshot(link_id=link_id, fetched_at=T0, url=url, title="", text=text()))
    rows.append(
        CaseStudy(
            id=study_id,
            title=text(one_line=True) or "A case study",
            audience=text(one_line=True),
            introduction=text(),
            closing=text(),
            created_at=T0,
            updated_at=T0,
        )
    )
    with journal.write() as session:  # one insert per table, in the order of their foreign keys
        for table in (Story, Tag, StoryTag, Reading, CoverageLink, LinkSnapshot, CaseStudy, CaseStudyStory):
            session.add_all(row for row in rows if type(row) is table)
            session.flush()
    return ids[0], study_id


def _every_export(journal: Journal, hidden: str, study: str) -> dict[str, bytes]:
    """Every file each export writes, by file name, as the bytes handed to the writer (atomic_write
    writes exactly these; tests/export/test_site.py and the CLI tests read written files back)."""
    with journal.session() as session:
        documents = {
            "case-study": case_study_export(study, session=session),
            "story": story_export(hidden, session=session),
        }
        # The site's review copy (stories not approved yet) holds the draft, so its case study file is
        # the case study's review copy (`journal export --include-unapproved` gives the same text).
        site = plan_site(session=session, include_unapproved=True)
    files: dict[str, bytes] = {}
    for kind, export in documents.items():
        files[f"{kind}/{slug(export.title)}.md"] = export.markdown.encode()
        files[f"{kind}/{slug(export.title)}.html"] = export.page().encode()
    files |= {f"site/{path}": text.encode() for path, text in site.files.items()}
    return files


@pytest.fixture(scope="module")
def template(journal: Journal) -> None:
    """The words of exports of a journal whose name and text hold nothing of a name."""
    global TEMPLATE_TEXT
    ids = _fill(journal, "Zed Quux", Plain(), "anonymous")
    files = _every_export(journal, *ids)
    _empty(journal)
    months = " ".join(dt.date(2020, m, 1).strftime("%B") for m in range(1, 13))
    TEMPLATE_TEXT = months + " " + " ".join(f"{name} {data.decode()}" for name, data in files.items())
    TEMPLATE_WORDS.update(template_words())


@settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=10),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_no_form_of_a_hidden_name_survives_in_any_file(journal: Journal, template: None, data: st.DataObject) -> None:
    name, parts = data.draw(names(), label="name")
    oracle = Oracle(name)
    texts = data.draw(material(parts), label="texts")
    ids = _fill(journal, name, texts, data.draw(st.sampled_from(["anonymous", "unknown"]), label="consent"))
    try:
        files = _every_export(journal, *ids)
    finally:
        _empty(journal)
    for file_name, content in files.items():
        assert not oracle.leaks(file_name), (name, file_name)
        text = content.decode("utf-8")
        leaks = oracle.leaks(text)
        assert not leaks, (name, file_name, leaks, [text[max(0, i - 80) : i + 80] for i in _places(text, leaks)])
        for secret in ("contact-secret", "notes-secret", "link-secret"):
            assert secret not in text, (file_name, secret)
