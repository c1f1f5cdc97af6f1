from __future__ import annotations

import datetime as dt

import pytest

from journal.store.fields import (
    FieldError,
    format_cost,
    parse_comment_count,
    parse_cost,
    parse_currency,
    parse_date,
    parse_title,
    parse_url,
    split_tags,
)


@pytest.mark.parametrize(
    "url",
    ["https://example.com/post", "http://blog.example.org/2007/07/zappos.html?c=1#x", "HTTPS://EXAMPLE.COM"],
)
def test_web_links_are_accepted(url: str) -> None:
    assert parse_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("javascript:alert(1)", "https://"),
        ("ftp://example.com/file", "https://"),
        ("file:///etc/passwd", "https://"),
        ("mailto:someone@example.com", "https://"),
        ("example.com/post", "https://"),
        ("https://", "web site"),
        ("https://exa mple.com", "spaces"),
        ("", "Paste a link"),
    ],
)
def test_anything_but_a_web_link_is_refused_with_advice(url: str, says: str) -> None:
    with pytest.raises(FieldError, match=says):
        parse_url(url)


def test_titles_are_trimmed_and_must_not_be_empty() -> None:
    assert parse_title("  Free   courier pickup \n") == "Free courier pickup"
    with pytest.raises(FieldError, match="needs a title"):
        parse_title("   \t ")
    with pytest.raises(FieldError, match="under 300"):
        parse_title("x" * 301)


def test_costs_are_kept_in_hundredths() -> None:
    assert parse_cost("45") == 4500
    assert parse_cost("1,200.50") == 120050
    assert parse_cost("0.015") == 2  # rounded half to even: 1.5 -> 2
    assert parse_cost("") is None
    assert format_cost(120050) == "1200.50"
    assert format_cost(None) == ""
    for bad in ("abc", "-5", "nan", "inf", "1e20"):
        with pytest.raises(FieldError):
            parse_cost(bad)


def test_dates_currencies_and_counts() -> None:
    assert parse_date("2007-07-14") == dt.date(2007, 7, 14)
    assert parse_date(" ") is None
    with pytest.raises(FieldError, match="YYYY-MM-DD"):
        parse_date("14/07/2007")
    assert parse_currency(" usd ") == "USD"
    with pytest.raises(FieldError, match="three letters"):
        parse_currency("dollars")
    assert parse_comment_count("100+") == 100
    with pytest.raises(FieldError):
        parse_comment_count("many")


def test_tags_split_on_commas_without_duplicates() -> None:
    assert split_tags("went-viral, Went-Viral ,, industry / retail,bereavement") == [
        "went-viral",
        "industry/retail",
        "bereavement",
    ]
