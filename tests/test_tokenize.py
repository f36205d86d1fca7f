"""Tests of word tokenization and the un-gluing of words scrapers and spinners glued."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.text._tokenize import word_spans


def _words(text: str) -> list[str]:
    return [text[start:end] for start, end in word_spans(text)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("WhenNorth Korean leader", ["When", "North", "Korean", "leader"]),
        ("Morethan a decade", ["More", "than", "a", "decade"]),
        ("by2020", ["by", "2020"]),
        ("10,000North", ["10", "000", "North"]),
        ("theNorth", ["the", "North"]),
        ("Putinconference", ["Putin", "conference"]),
        ("Whenthe council met", ["When", "the", "council", "met"]),
    ],
)
def test_glued_words_are_split(text: str, words: list[str]) -> None:
    assert _words(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "2nd",
        "1990s",
        "21st",
        "newspaper",
        "therefore",
        "meanwhile",
        "nevertheless",
        "breakfast",
        "understanding",
        "afternoon",
        "Washington",
        "Vladivostok",
        "NATO",
    ],
)
def test_known_words_and_ordinals_stay_whole(text: str) -> None:
    assert _words(text) == [text]


def test_spans_index_the_input() -> None:
    text = "  WhenNorth Korean leader Kim's 2nd visit, by2020 (10,000North).\n"
    spans = word_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "When",
        "North",
        "Korean",
        "leader",
        "Kim",
        "s",
        "2nd",
        "visit",
        "by",
        "2020",
        "10",
        "000",
        "North",
    ]
    assert spans[0] == (2, 6) and spans[1] == (6, 11)


def test_punctuation_and_space_are_not_words() -> None:
    assert word_spans("  ... -- !? \n\t") == []
    assert _words("well-known, isn't it?") == ["well", "known", "isn", "t", "it"]


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


_glue_prone_text = st.lists(
    st.one_of(
        st.sampled_from(
            ["When", "North", "the", "council", "More", "than", "2020", "10,000", " ", ". ", "s"]
        ),
        # Characters unassigned in Python's Unicode database are left out: the regex
        # module may know them from a newer Unicode version.
        st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=10),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_glue_prone_text)
def test_spans_are_sorted_disjoint_in_bounds_and_alphanumeric(text: str) -> None:
    spans = word_spans(text)
    previous_end = 0
    for start, end in spans:
        assert 0 <= previous_end <= start < end <= len(text)
        assert all(_is_word_char(char) for char in text[start:end])
        previous_end = end


@settings(max_examples=100, deadline=None)
@given(_glue_prone_text)
def test_every_word_character_is_in_a_span(text: str) -> None:
    covered = set()
    for start, end in word_spans(text):
        covered.update(range(start, end))
    for index, char in enumerate(text):
        if _is_word_char(char):
            assert index in covered, (text, index)
