"""Tests of word tokenization and the un-gluing of words scrapers and spinners glued."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.text._lexicon import Lexicon
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
        ("Kimhas met", ["Kim", "has", "met"]),
        ("Theidea of", ["The", "idea", "of"]),
        ("Borrowingis simple", ["Borrowing", "is", "simple"]),
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
        # Names WordNet does not know, which end in a short word: not glue.
        "Richard",
        "Obama",
        "Wikipedia",
        "Greenspan",
        "Rubin",
        "Bouchard",
        "Thomas",
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


# --- the fast path against the reference ---------------------------------------------------


def _reference_tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    from unspin.text._tokenize import _WORD

    matches = list(_WORD.finditer(text))
    return [m.group() for m in matches], [m.start() for m in matches], [m.end() for m in matches]


@settings(max_examples=300, deadline=None)
@given(st.one_of(_glue_prone_text, st.text(), st.text(st.characters(max_codepoint=127))))
def test_word_tokens_are_the_word_pattern_matches(text: str) -> None:
    from unspin.text._tokenize import word_tokens

    tokens, starts, ends = word_tokens(text)
    assert (tokens, starts.tolist(), ends.tolist()) == _reference_tokens(text)
    assert starts.dtype == ends.dtype == np.int64


def test_word_tokens_of_every_code_point() -> None:
    from unspin.text._tokenize import word_tokens

    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    # Each character alone between spaces, so a word character is a one-character token.
    text = " ".join(every)
    tokens, starts, ends = word_tokens(text)
    assert (tokens, starts.tolist(), ends.tolist()) == _reference_tokens(text)


def _splitter() -> object:
    from unspin.text._forms import form_table
    from unspin.text._tokenize import GlueSplitter

    table = form_table()
    assert table is not None
    return GlueSplitter(table)


_GLUED_TOKENS = [
    "WhenNorth",
    "Morethan",
    "by2020",
    "theNorth",
    "Putinconference",
    "Whenthe",
    "Kimhas",
    "iPhone",
    "McDonald",
    "NATO",
    "NATOsummit",
    "aNorth",
    "2nd",
    "1990s",
    "mp3player",
    "Caf\u00e9society",
    "\u0130stanbulcity",
    "stra\u00dfebahn",
    "\u00c9t\u00e9tim",
    "newspaper",
    "breakfastmeeting",
    "Xyzzyplugh",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
]


@pytest.mark.parametrize("token", _GLUED_TOKENS)
def test_glue_splitter_splits_as_split_glued(token: str) -> None:
    from unspin.text._tokenize import split_glued

    assert _splitter().split(token) == split_glued(token)  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["When", "North", "the", "than", "More", "2020", "s", "ing", "Kim"]),
            st.from_regex(r"[A-Za-z]{1,9}", fullmatch=True),
            st.text(st.characters(categories=("L", "M", "N")), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=4,
    ).map("".join)
)
def test_glue_splitter_matches_split_glued_on_generated_tokens(token: str) -> None:
    from unspin.text._tokenize import split_glued

    assert _splitter().split(token) == split_glued(token)  # type: ignore[attr-defined]


def test_lowercasing_is_idempotent_on_every_code_point() -> None:
    # GlueSplitter looks lowercased pieces up as they are, where Lexicon normalizes them
    # (lowercasing again): the same only because lowercasing is idempotent.
    for code in range(0x110000):
        lowered = chr(code).lower()
        assert lowered.lower() == lowered, hex(code)


def _unbounded_splits(token: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """The splits of both paths with every cut tried, as before they were bounded."""
    from unspin.text import _tokenize

    splitter = _splitter()
    with monkeypatch.context() as patch:
        patch.setattr(splitter, "_longest_part", 10**9)
        patch.setattr(_tokenize, "_longest_part", lambda lexicon: 10**9)
        _tokenize.split_glued.cache_clear()
        try:
            return splitter.split(token), _tokenize.split_glued(token)  # type: ignore[attr-defined]
        finally:
            _tokenize.split_glued.cache_clear()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["When", "North", "the", "than", "Kesterton", "breakfast", "ing"]),
            st.sampled_from(["pneumonoultramicroscopicsilicovolcanoconiosis", "Westerby"]),
            st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True),
        ),
        min_size=1,
        max_size=5,
    ).map("".join)
)
def test_trying_only_the_cuts_a_known_right_part_allows_changes_no_split(token: str) -> None:
    from unspin.text._tokenize import split_glued

    with pytest.MonkeyPatch.context() as monkeypatch:
        unbounded = _unbounded_splits(token, monkeypatch)
    assert (_splitter().split(token), split_glued(token)) == unbounded  # type: ignore[attr-defined]


def test_one_long_run_of_letters_tries_a_bounded_number_of_cuts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unspin.text import _tokenize

    splitter = _splitter()
    tried: list[str] = []
    real = splitter._is_part  # type: ignore[attr-defined]
    monkeypatch.setattr(splitter, "_is_part", lambda part: tried.append(part) or real(part))
    token = "a" * 200_000 + "house"
    assert splitter.split(token) == ((0, len(token)),)  # type: ignore[attr-defined]
    assert len(tried) <= 2 * splitter._longest_part  # type: ignore[attr-defined]
    tried.clear()
    real_reference = _tokenize._is_part
    monkeypatch.setattr(
        _tokenize,
        "_is_part",
        lambda lexicon, part: tried.append(part) or real_reference(lexicon, part),
    )
    assert _tokenize.split_glued("b" * 100_000 + "street") == ((0, 100_006),)
    assert len(tried) <= 2 * _tokenize._longest_part(Lexicon.default())
