"""Word tokenization with character spans, including un-gluing of scraper scars.

Scrapers and spinners glue words together ("WhenNorth", "Morethan", "by2020",
"10,000North", "Putinconference"). A glued token matches nothing, so tokens are
split where the lexicon says both halves are words. Splitting is applied the same
way to every text, so an over-eager split (a name made of two words) costs nothing:
both sides of a comparison are split alike.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from unspin.text._lexicon import Lexicon

__all__ = ["split_glued", "word_spans"]

# Letters and digits; apostrophes and hyphens separate tokens ("Korea's" -> "Korea", "s").
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# Boundaries between letters and digits, kept apart unless the letters are an ordinal
# or decade suffix ("2nd", "1990s").
_LETTER_DIGIT = regex.compile(r"(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})(?!(?:st|nd|rd|th|s)\b)")
# A lowercase letter followed by an uppercase one: "WhenNorth", "theNorth".
_CASE_GLUE = regex.compile(r"(?<=\p{Ll}\p{Ll})(?=\p{Lu})|(?<=\b\p{Ll})(?=\p{Lu}\p{Ll})")

_MIN_GLUED_LENGTH = 5


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the word tokens of ``text``, glued words split apart."""
    spans: list[tuple[int, int]] = []
    append = spans.append
    for match in _WORD.finditer(text):
        start, end = match.span()
        pieces = split_glued(match.group())
        if len(pieces) == 1:
            append((start, end))
        else:
            for piece_start, piece_end in pieces:
                append((start + piece_start, start + piece_end))
    return spans


@lru_cache(maxsize=1 << 18)
def split_glued(token: str) -> tuple[tuple[int, int], ...]:
    """Relative spans of the words glued together in ``token`` (one span if none)."""
    pieces: list[tuple[int, int]] = []
    for start, end in _split_at(token, _LETTER_DIGIT, 0, len(token)):
        for case_start, case_end in _split_at(token, _CASE_GLUE, start, end):
            pieces.extend(_split_by_lexicon(token, case_start, case_end))
    return tuple(pieces)


def _split_at(
    token: str, pattern: regex.Pattern[str], start: int, end: int
) -> list[tuple[int, int]]:
    cuts = [m.start() for m in pattern.finditer(token, start, end) if start < m.start() < end]
    bounds = [start, *cuts, end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def _split_by_lexicon(token: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an unknown word into two parts when the lexicon knows them."""
    piece = token[start:end]
    if len(piece) < _MIN_GLUED_LENGTH or not piece.isalpha():
        return [(start, end)]
    lexicon = Lexicon.default()
    lowered = piece.lower()
    if piece.isupper() or _quickly_known(lexicon, lowered) or lexicon.is_word(lowered):
        return [(start, end)]
    best: tuple[int, int] | None = None
    best_rank = (0, 0)
    for cut in range(1, len(piece)):
        left, right = lowered[:cut], lowered[cut:]
        rank = _glue_rank(lexicon, left, right, left_capitalized=piece[0].isupper())
        if rank is not None and rank > best_rank:
            best, best_rank = (start, start + cut), rank
    if best is None:
        return [(start, end)]
    return [best, (best[1], end)]


def _glue_rank(
    lexicon: Lexicon, left: str, right: str, *, left_capitalized: bool
) -> tuple[int, int] | None:
    """How plausible the split ``left|right`` is; None if implausible.

    Ranked first by kind (two known words, then a name followed by a known word),
    then by the length of the shorter part, which prefers balanced splits.
    """
    left_known = _is_part(lexicon, left)
    right_known = _is_part(lexicon, right)
    shorter = min(len(left), len(right))
    if left_known and right_known:
        return (2, shorter)
    # "Kimhas", "Putinconference": an unknown capitalized name glued to a word.
    if (
        left_capitalized
        and right_known
        and len(left) >= 2
        and (lexicon.is_stopword(right) or len(right) >= 4)
    ):
        return (1, shorter)
    return None


_INFLECTION_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "est")


def _quickly_known(lexicon: Lexicon, word: str) -> bool:
    """A cheap test that settles most words before full morphology is needed."""
    if lexicon.is_lemma(word) or lexicon.is_stopword(word):
        return True
    return any(
        word.endswith(suffix) and lexicon.is_lemma(word[: -len(suffix)])
        for suffix in _INFLECTION_SUFFIXES
    )


def _is_part(lexicon: Lexicon, part: str) -> bool:
    # Single letters are words only as "a"/"i"; short non-stopwords are too easily
    # found inside longer words ("co", "mp") to count as a glued word.
    if len(part) == 1:
        return part in ("a", "i")
    if len(part) <= 2:
        return lexicon.is_stopword(part)
    return _quickly_known(lexicon, part)
