"""Tests of normalization: the normalized text and its exact map back to the raw input."""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.text._analysis import AnalysisOptions, analyse_text
from unspin.text._normalize import looks_like_html, normalize

# Pieces that exercise every step: markup, entities, mojibake, odd spaces, scraper scars.
_FRAGMENTS = (
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br/>",
    "<div class='x'>",
    "</div>",
    "<script>var a = '<p>';</script>",
    "<style>p { color: red }</style>",
    "<!-- a comment -->",
    "&amp;",
    "&nbsp;",
    "&amp;nbsp;",
    "&#233;",
    "&#x263a;",
    "&bogus;",
    "Ã©",
    "Ã¨s",
    "â€™",
    "â€œquotedâ€\x9d",
    "\u00a0",
    "\u2019",
    "P TAGEND",
    "LI TAGEND",
    "TAGEND",
    "café",
    "e\u0301",
    "\r\n",
    "\n\n",
    " ",
    "WhenNorth",
    "<",
    ">",
    "&",
)

_mixed_text = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=30
).map("".join)

_PLAIN_ALPHABET = string.ascii_letters + string.digits + " .,;:!?'\"()-\n\t"
_plain_ascii = st.text(alphabet=_PLAIN_ALPHABET, max_size=300).filter(
    lambda text: "TAGEND" not in text
)


def _check_offsets(raw: str, html_input: bool | None) -> None:
    normalized = normalize(raw, html_input=html_input)
    offsets = normalized.offsets
    assert normalized.raw == raw
    assert len(offsets) == len(normalized.text) + 1
    assert offsets.dtype == np.int64
    assert np.all(np.diff(offsets) >= 0), "offsets must be non-decreasing"
    assert offsets.min(initial=0) >= 0
    assert offsets.max(initial=0) <= len(raw)
    assert int(offsets[-1]) == len(raw)
    for start in range(0, len(normalized.text), 7):
        raw_start, raw_end = normalized.raw_span(start, min(start + 5, len(normalized.text)))
        assert 0 <= raw_start <= raw_end <= len(raw)


@settings(max_examples=150, deadline=None)
@given(_mixed_text)
def test_offsets_are_a_monotone_map_into_the_raw_text(raw: str) -> None:
    _check_offsets(raw, None)


@settings(max_examples=75, deadline=None)
@given(_mixed_text)
def test_offsets_hold_when_html_is_forced(raw: str) -> None:
    _check_offsets(raw, True)


@settings(max_examples=100, deadline=None)
@given(_plain_ascii)
def test_plain_ascii_text_is_left_alone(raw: str) -> None:
    normalized = normalize(raw)
    if not looks_like_html(raw):
        assert normalized.text == raw
        assert normalized.offsets.tolist() == list(range(len(raw) + 1))


def test_html_markup_is_dropped_and_entities_decoded() -> None:
    raw = "<p>Hello &amp; <b>world</b></p>"
    normalized = normalize(raw)
    assert "<" not in normalized.text and "&amp;" not in normalized.text
    assert "Hello & world" in " ".join(normalized.text.split())
    start = normalized.text.index("world")
    raw_start, raw_end = normalized.raw_span(start, start + len("world"))
    assert raw[raw_start:raw_end] == "world"
    amp = normalized.text.index("&")
    assert raw[normalized.raw_span(amp, amp + 1)[0] :].startswith("&amp;")


def test_hidden_html_elements_carry_no_text() -> None:
    raw = (
        "<html><head><title>T</title></head>"
        "<body><script>alert('x')</script><p>Shown</p></body></html>"
    )
    text = normalize(raw).text
    assert "alert" not in text and "Shown" in text


def test_block_elements_become_paragraph_breaks() -> None:
    text = normalize("<p>One.</p><p>Two.</p>").text
    assert "One.\n\n" in text and text.strip().endswith("Two.")


def test_mojibake_is_repaired() -> None:
    raw = "The cafÃ© opened."
    normalized = normalize(raw)
    assert "café" in normalized.text
    start = normalized.text.index("café")
    raw_start, _ = normalized.raw_span(start, start + len("café"))
    assert raw[raw_start:].startswith("cafÃ")


def test_mojibake_span_covers_the_whole_raw_word() -> None:
    raw = "The cafÃ© opened."
    normalized = normalize(raw)
    assert "café" in normalized.text
    start = normalized.text.index("café")
    raw_start, raw_end = normalized.raw_span(start, start + len("café"))
    assert raw[raw_start:raw_end] == "cafÃ©"


def test_scars_and_odd_spaces_are_blanked_in_place() -> None:
    raw = "end of a paragraph. P TAGEND Next\u00a0one &nbsp;here"
    normalized = normalize(raw)
    assert "TAGEND" not in normalized.text
    assert "\u00a0" not in normalized.text and "nbsp" not in normalized.text
    for word in ("paragraph", "Next", "one", "here"):
        start = normalized.text.index(word)
        raw_start, raw_end = normalized.raw_span(start, start + len(word))
        assert raw[raw_start:raw_end] == word


def test_html_detection() -> None:
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("Some text <p>and a paragraph</p>")
    assert not looks_like_html("5 < 6 and 7 > 3, plain text")


# --- the fast path against the reference ---------------------------------------------------
#
# normalize() skips ftfy on lines where it provably changes nothing or only uncurls
# quotes (_FtfyShortcut). It must give exactly what reference_normalize (ftfy on every
# non-ASCII line) gives.


def _ftfy_characters() -> list[str]:
    """Characters that set off ftfy's steps, and their neighbours."""
    from ftfy import badness, chardata

    chars = set("&#;<>'\"\r\n\t\x1b[mA aZz09.,é")
    for category in badness.MOJIBAKE_CATEGORIES.values():
        chars.update(char for char in category if char != "-")
    for table in (chardata.LIGATURES, chardata.WIDTH_MAP, chardata.CONTROL_CHARS):
        chars.update(map(chr, list(table)[::7]))
    chars.update("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u02bc\u2028\u2029\x85")
    chars.update(chr(code) for code in range(0x80, 0xA0))
    chars.update("\u0301\u0308\u0338\u00a0\ufeff\ud800\udc00")
    return sorted(chars)


_FTFY_ALPHABET = _ftfy_characters()
_ftfy_line = st.text(alphabet=st.sampled_from(_FTFY_ALPHABET), max_size=24)
_entity = st.sampled_from(["&amp;", "&eacute;", "&#233;", "&#x263a;", "&EACUTE;", "&bogus;"])
_mojibake = st.sampled_from(["Ã©", "â€™", "â€œ", "Ã\xa0", "Ã ", "вЂ", "Ã¨s", "ÃƒÂ©"])
_line_with_pieces = st.lists(
    st.one_of(_ftfy_line, _entity, _mojibake, st.text(max_size=5)), max_size=8
).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_ftfy_line, _line_with_pieces))
def test_a_line_is_fixed_as_ftfy_fixes_it(line: str) -> None:
    import ftfy

    from unspin.text._normalize import INVISIBLE_IN_WORDS, _fix_line

    expected = ftfy.fix_text(line, normalization="NFC").translate(INVISIBLE_IN_WORDS)
    assert _fix_line(line) == expected


def test_every_single_character_is_fixed_as_ftfy_fixes_it() -> None:
    import ftfy

    from unspin.text._normalize import _ftfy_shortcut

    shortcut = _ftfy_shortcut()
    if shortcut is None:
        pytest.skip("the shortcut is off for this ftfy version")
    for code in range(0x80, 0x10000):
        line = f"a{chr(code)}b"
        fixed = shortcut.fix(line)
        if fixed is not None:  # None sends the line to ftfy itself
            assert fixed == ftfy.fix_text(line, normalization="NFC"), hex(code)


def test_the_ftfy_shortcut_is_on_for_ftfy_6() -> None:
    import ftfy

    from unspin.text._normalize import _ftfy_shortcut

    if not ftfy.__version__.startswith("6."):
        pytest.skip(f"ftfy {ftfy.__version__}")
    shortcut = _ftfy_shortcut()
    assert shortcut is not None
    assert (
        shortcut.fix("caf\u00e9 \u2019quoted\u2019\u00a0text\n") == "caf\u00e9 'quoted'\u00a0text\n"
    )
    assert shortcut.fix("The caf\u00c3\u00a9 opened.") is None  # mojibake: ftfy decides


def _same_normalization(raw: str, html_input: bool | None = None) -> None:
    from unspin.text._reference import reference_normalize

    got = normalize(raw, html_input=html_input)
    expected = reference_normalize(raw, html_input=html_input)
    assert got.text == expected.text
    assert got.offsets.dtype == expected.offsets.dtype
    assert np.array_equal(got.offsets, expected.offsets)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_mixed_text, _line_with_pieces, st.just("\n")), max_size=6).map("".join))
def test_normalize_matches_the_reference(raw: str) -> None:
    _same_normalization(raw)


@settings(max_examples=75, deadline=None)
@given(_mixed_text)
def test_normalize_matches_the_reference_when_html_is_forced(raw: str) -> None:
    _same_normalization(raw, html_input=True)


def test_normalize_matches_the_reference_on_scars_and_long_lines() -> None:
    for raw in (
        "a\u00a0b P TAGEND c&nbsp;d &amp;nbsp; e\u00a0",
        "x\u00a0" * 500,
        ("caf\u00e9 " * 3000 + "\n") * 3,
        "\u2019" * 10 + "\r\n" + "\u00c3\u00a9" * 10 + "\n\n\u201cq\u201d",
    ):
        _same_normalization(raw)


def test_the_ftfy_shortcut_is_off_for_an_ftfy_that_runs_other_steps() -> None:
    import ftfy

    from unspin.text._normalize import _FTFY_FIXER_STEPS, _ftfy_fixer_steps

    assert _ftfy_fixer_steps(ftfy.fix_and_explain) == _FTFY_FIXER_STEPS

    def fix_and_explain(text: str) -> None:
        for fixer in ["fix_c1_controls", "fix_something_new"]:
            print(fixer)

    assert _ftfy_fixer_steps(fix_and_explain) == ["fix_c1_controls", "fix_something_new"]
    assert _ftfy_fixer_steps(print) is None


@pytest.mark.parametrize(
    ("raw", "word", "expected"),
    [
        ("<p>the fir&#101; went out</p>", "fire", "fir&#101;"),  # an entity
        ("the first fir&#101;</p>", "fire", "fir&#101;"),  # then markup, not taken
        ("make\u0301 it so", "maké", "make\u0301"),  # a combining accent
        ("hot cafÃ©\tnext", "café", "cafÃ©"),  # repaired mojibake, then space
    ],
)
def test_a_span_ends_past_all_the_raw_text_its_last_character_came_from(
    raw: str, word: str, expected: str
) -> None:
    normalized = normalize(raw, html_input=raw.startswith("<") or "</" in raw)  # as read
    start = normalized.text.index(word)
    raw_start, raw_end = normalized.raw_span(start, start + len(word))
    assert raw[raw_start:raw_end] == expected
    html = raw.startswith("<") or "</" in raw
    analysis = analyse_text(raw, options=AnalysisOptions(html_input=html))
    spans = {raw[a:b] for a, b in zip(analysis.starts, analysis.ends, strict=True)}
    assert expected in spans  # the tokens' raw spans, which passages and rewrites use


def test_script_tags_and_comments_are_read_in_order_neither_inside_the_other() -> None:
    # Paired across two comments, a "<script>" and a "</script>" hid the text between them.
    raw = (
        "<html><body><p>A note.</p><!-- <script> --><p>Visible words.</p><!-- </script> -->"
        "<script><!-- var a; --> var b;</script><p>End.</p></body></html>"
    )
    text = normalize(raw, html_input=True).text
    assert "Visible words." in text and "End." in text
    assert "script" not in text and "var" not in text


def test_invisible_characters_inside_words_are_dropped_keeping_the_offsets() -> None:
    # Soft hyphens or zero-width spaces strewn inside words split every word: an easy
    # way to hide a copy from matching.
    raw = "The sum\u00admit in Ha\u200bnoi ended\u2060 early."
    normalized = normalize(raw)
    assert normalized.text == "The summit in Hanoi ended early."
    start = normalized.text.index("summit")
    raw_start, raw_end = normalized.raw_span(start, start + len("summit"))
    assert raw[raw_start:raw_end] == "sum\u00admit"
