"""journal.words: the words that follow a count, said the same way everywhere."""

from __future__ import annotations

from journal.words import counted


def test_one_and_many() -> None:
    assert counted(1, "story", "stories") == "1 story"
    assert counted(0, "story", "stories") == "0 stories"
    assert counted(2, "story has", "stories have") == "2 stories have"


def test_many_defaults_to_an_s() -> None:
    assert counted(1, "link") == "1 link"
    assert counted(3, "link") == "3 links"


def test_grouped_thousands() -> None:
    assert counted(12_000, "comment", grouped=True) == "12,000 comments"
    assert counted(12_000, "comment") == "12000 comments"
