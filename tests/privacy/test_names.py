"""The name matcher against a hand-written corpus: the spellings people and web pages really use, names in
other scripts, common words that are also names, addresses that hold a name, and readable wording."""

from __future__ import annotations

import unicodedata

import pytest

from journal.privacy.names import NameMatcher, fold, name_parts

ANN = NameMatcher(["Ann-Marie O'Brien"])


@pytest.mark.parametrize(
    "text",
    [
        "Ann-Marie O'Brien",
        "Ann\u2011Marie O\u2019Brien",  # non-breaking hyphen, curly apostrophe
        "Ann\u2013Marie O\u02bcBrien",  # en dash, modifier letter apostrophe
        "Ann\u2014Marie O`Brien",
        "Ann\u2212Marie O\u2032Brien",  # minus sign, prime
        "Ann\u2010Marie O\u00b4Brien",
        "Ann\u2012Marie",
        "Ann\u00adMarie",  # soft hyphen
        "Ann\u200bMarie",  # zero-width space
        "Ann Marie",
        "AnnMarie",
        "ANNMARIE",
        "annmarie",
        "OBrien",
        "O Brien",
        "O\u2019 Brien",
        "Ann",
        "ANN",
        "Marie",
        "Brien",
        "Ａｎｎ－Ｍａｒｉｅ",  # fullwidth
        "O'Brien, Ann-Marie",
        "Ann_Marie",
        "Ann.Marie",
    ],
)
def test_every_spelling_of_the_name_is_found_and_replaced_whole(text: str) -> None:
    for form in {text, unicodedata.normalize("NFD", text), unicodedata.normalize("NFKC", text)}:
        sentence = f"We thank {form} for the post."
        assert ANN.found_in(sentence), form
        assert ANN(sentence) == "We thank the customer for the post."


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Ann-Marie's blog", "The customer's blog"),
        ("Ann-Marie\u2019s blog", "The customer\u2019s blog"),
        ("Ms. Natarajan was thrilled.", "The customer was thrilled."),
        ("Later, Mrs Natarajan wrote back.", "Later, the customer wrote back."),
        ("Dr. Priya Natarajan's dog. Priya smiled.", "The customer's dog. The customer smiled."),
        ("Contact Natarajan.n@example.com today.", "Contact (e-mail address left out) today."),
        ("Call 1-800-NATARAJAN now.", "Call (phone number left out) now."),
        ("See https://example.com/priya-natarajan/post.", "See (web address left out)."),
        ("See www.natarajan.blog, then", "See (web address left out), then"),
        ("[her post](https://natarajan.example/x) went viral", "her post went viral"),
        ("@storyjournal and @priya_n82 posted", "@storyjournal and (user name left out) posted"),
        ("priyanatarajan.com is hers", "(web address left out) is hers"),
        ("The annual report", "The annual report"),  # not a whole word
        ("Priyanka came too", "Priyanka came too"),
    ],
)
def test_replacement_reads_well_and_addresses_go_whole(text: str, hidden: str) -> None:
    matcher = NameMatcher(["Priya Natarajan"]) if "Ann" not in text else ANN
    assert matcher(text) == hidden


def test_percent_encoded_and_punycode_addresses_are_decoded() -> None:
    for url in (
        "https://blog.example/ann%2Dmarie",
        "https://blog.example/o%E2%80%99brien",
        "https://blog.example/o%25E2%2580%2599brien",  # encoded twice
        "https://blog.example/?q=ann+marie",
        "https://xn--zo-ija.example/",  # zoë
    ):
        matcher = NameMatcher(["Zoë Ann-Marie O'Brien"])
        assert matcher.holds(url), url
        assert matcher(f"read {url} now") == "read (web address left out) now"
    assert not ANN.holds("https://news.example/announcement")


@pytest.mark.parametrize(
    ("name", "text", "hidden"),
    [
        ("Zoë Ölçer", "Zoe Olcer and ZOË and zoe.", "The customer and the customer and the customer."),
        ("Łukasz Żółć", "Lukasz met ŁUKASZ ŻÓŁĆ.", "The customer met the customer."),
        ("Nguyễn Văn An", "Mr. Nguyen and nguyễn văn an", "The customer and the customer"),
        ("李小龙", "我见过李小龙先生，小龙很好。", "我见过the customer先生，the customer很好。"),
        ("김민준", "김민준씨와 민준", "The customer씨와 the customer"),
        ("山田 太郎", "山田太郎さん", "The customerさん"),
        ("Σωκράτης Παππάς", "ο ΣΩΚΡΑΤΗΣ είπε", "ο the customer είπε"),
        (
            "Jürgen Groß",
            "Juergen? No, Jurgen Gross and JÜRGEN GROSS",
            "The customer? No, the customer and the customer",
        ),
    ],
)
def test_names_in_other_scripts(name: str, text: str, hidden: str) -> None:
    matcher = NameMatcher([name])
    assert matcher(text) == hidden
    assert matcher(unicodedata.normalize("NFD", text)) == unicodedata.normalize("NFD", hidden)


def test_a_cjk_name_is_matched_without_word_boundaries_by_its_beginnings_and_ends() -> None:
    assert name_parts("李小龙") == ["李小龙"]
    matcher = NameMatcher(["李小龙"])
    assert matcher("李小的狗") == "The customer的狗"
    assert matcher("李先生") == "李先生"  # one character alone is not the name
    assert name_parts("Ann李小龙") == ["ann", "李小龙"]


def test_common_words_are_the_name_only_where_they_stand_as_one() -> None:
    will = NameMatcher(["Will May"])
    hidden = will.hide("You will see it in May. She met Will at noon; Will's dog barked. On May 3 Will May came.")
    assert hidden.text == (
        "You will see it in May. She met the customer at noon; the customer's dog barked. On May 3 the customer came."
    )
    assert not hidden.unsure
    unsure = will.hide("Will called back. WILL IT WORK")
    assert unsure.text == "Will called back. WILL IT WORK"
    assert len(unsure.unsure) == 2  # a sentence start and capitals: it cannot tell
    assert will.leftovers("Will called back.") and not will.leftovers("you will see")


def test_the_honorific_goes_and_the_sentence_start_is_capitalised() -> None:
    matcher = NameMatcher(["Priya Natarajan"])
    assert matcher("“Ms. Natarajan was thrilled,” he said.") == "“The customer was thrilled,” he said."
    assert matcher("# Natarajan\n\n- Natarajan called") == "# The customer\n\n- the customer called"


def test_an_empty_matcher_finds_nothing_and_folding_keeps_the_map() -> None:
    assert not NameMatcher([" ", ""])
    assert NameMatcher([])("Ann") == "Ann"
    folded = fold("Zoe\u0308 Ann\u00adMarie")
    assert folded.text == "zoe annmarie"
    assert folded.original_span(0, 3) == (0, 4)
    assert NameMatcher(["A"]).forms == []  # one letter alone is never the name
