"""Tests of unspin._shown: text made safe to print on one terminal line."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from unspin._shown import one_line


def test_breaking_and_driving_characters_are_escaped_and_the_rest_kept() -> None:
    assert one_line("a\nb\x1b[2J\u2028c\u202ed") == "a\\nb\\x1b[2J\\u2028c\\u202ed"
    # Joiners, no-break spaces and other scripts are text, not controls.
    for text in ("ketab\u200cha.txt", "10\xa0km", "👩\u200d💻", "naïve — 東京"):
        assert one_line(text) == text
    assert one_line("line\nnext\tcell\x07", keep="\n\t") == "line\nnext\tcell\\x07"


@given(st.text())
def test_the_result_never_holds_a_line_break_or_a_control(text: str) -> None:
    shown = one_line(text)
    assert "\n" not in shown and "\r" not in shown
    assert not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in shown)
    if all(unicodedata.category(char) not in ("Cc", "Zl", "Zp", "Cf") for char in text):
        assert shown == text
