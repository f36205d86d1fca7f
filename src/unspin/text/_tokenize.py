"""Word tokenization with character spans, including un-gluing of scraper scars.

Scrapers and spinners glue words together ("WhenNorth", "Morethan", "by2020",
"10,000North", "Putinconference"). A glued token matches nothing, so tokens are
split where the lexicon says both halves are words. Splitting is applied the same
way to every text, so an over-eager split (a name made of two words) costs nothing:
both sides of a comparison are split alike.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt
import regex

from unspin.text import _lexicon
from unspin.text._lexicon import Lexicon

if TYPE_CHECKING:
    from unspin.text._forms import FormTable

__all__ = ["GlueSplitter", "split_glued", "word_spans", "word_tokens"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

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
    # Only cuts whose right part could be known: one long run of letters costs a few
    # dozen cuts, not one per letter (each slicing the whole run).
    for cut in range(max(1, len(lowered) - _longest_part(lexicon)), len(piece)):
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
    if not _is_part(lexicon, right):
        return None
    return split_rank(
        left_known=_is_part(lexicon, left),
        left_stopword=lexicon.is_stopword(left),
        right=right,
        right_stopword=lexicon.is_stopword(right),
        left_length=len(left),
        shorter=min(len(left), len(right)),
        capitalized=left_capitalized,
    )


def split_rank(
    *,
    left_known: bool,
    left_stopword: bool,
    right: str,
    right_stopword: bool,
    left_length: int,
    shorter: int,
    capitalized: bool,
) -> tuple[int, int] | None:
    """The rank of a split before a known word ``right`` (see ``_glue_rank``).

    A capitalized word without a change of case inside is most often a name
    ("Richard", "Obama", "Greenspan"), so it is split only after a function word of
    three letters or more that starts a sentence ("Theidea", "Whenthe"), before one
    ("Kimhas", "Morethan"; after a long word also a short one: "Borrowingis") or
    before a word of five letters or more ("Hills|borough"); never "Obam|a",
    "Rub|in" or "Green|span".
    """
    starts_with_function_word = left_stopword and left_length >= 3
    # "Borrowingis": a short function word after a long known word.
    ends_with_function_word = right_stopword and (
        len(right) >= 3 or (left_known and left_length >= 5)
    )
    if capitalized and not (
        starts_with_function_word or ends_with_function_word or len(right) >= 5
    ):
        return None
    if left_known:
        return (2, shorter)
    # "Kimhas", "Putinconference": an unknown capitalized name glued to a word (a
    # name of three letters or more, a long word: "Ri|chard" is no such glue).
    if capitalized and left_length >= 3 and (right_stopword or len(right) >= 6):
        return (1, shorter)
    return None


_INFLECTION_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "est")


@lru_cache(maxsize=4)
def _longest_part(lexicon: Lexicon) -> int:
    """The longest part :func:`_is_part` can accept: the longest lemma with the longest
    inflection suffix, or the longest stopword."""
    longest_lemma = max(
        (len(lemma) for lemma, _ in lexicon._table.lemma_parts_of_speech()), default=0
    )
    return _longest_known(longest_lemma)


def _longest_known(longest_lemma: int) -> int:
    return max(
        longest_lemma + max(map(len, _INFLECTION_SUFFIXES)), max(map(len, _lexicon._STOPWORDS))
    )


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


# --- the fast path -----------------------------------------------------------------------
#
# Analysis tokenizes megabytes of text and un-glues every distinct token it meets, so it
# uses the two functions below instead of ``_WORD.finditer`` and ``split_glued``. They
# give the same answers (``tests/test_tokenize.py`` and ``tests/test_analysis.py``
# compare them), faster: tokens are found by a table look-up over the text's code
# points in numpy, and pieces are checked against the precomputed form table.

_UNICODE_SIZE: Final = 0x110000
_word_char_table: list[BoolArray | None] = []
_word_char_lock = threading.Lock()


def _word_chars() -> BoolArray | None:
    """For every code point, whether ``_WORD`` counts it as a word character.

    Built once per process by running ``_WORD`` itself over all code points, so both
    agree by construction. ``None`` (use ``_WORD``) if some word character is
    whitespace to ``str.split``, which the fast tokenizer relies on never happening.
    """
    if _word_char_table:
        return _word_char_table[0]
    with _word_char_lock:
        if not _word_char_table:
            every_char = (
                np.arange(_UNICODE_SIZE, dtype=np.uint32)
                .tobytes()
                .decode("utf-32-le", "surrogatepass")
            )
            table = np.zeros(_UNICODE_SIZE, dtype=np.bool_)
            for match in _WORD.finditer(every_char):
                table[match.start() : match.end()] = True
            spaces = [match.start() for match in re.finditer(r"\s", every_char)]
            _word_char_table.append(None if table[spaces].any() else table)
        return _word_char_table[0]


def word_tokens(text: str) -> tuple[list[str], IntArray, IntArray]:
    """The word tokens of ``text`` (before un-gluing) and their spans, as arrays.

    The same tokens as ``_WORD.finditer(text)`` gives, found with numpy: each code
    point is classified by a table, tokens are the runs of word characters, and their
    strings come from one ``str.split`` of the text with every other character
    turned into a space.
    """
    table = _word_chars()
    if table is not None and text.isascii():
        return _ascii_word_tokens(text, _ascii_spacer(table))
    if table is None:
        matches = list(_WORD.finditer(text))
        starts = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
        ends = np.fromiter((m.end() for m in matches), dtype=np.int64, count=len(matches))
        return [m.group() for m in matches], starts, ends
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    is_word = table[code_points]
    edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    spaced = np.where(is_word, code_points, np.uint32(32))
    tokens = spaced.tobytes().decode("utf-32-le").split()
    return tokens, starts.astype(np.int64, copy=False), ends.astype(np.int64, copy=False)


def _ascii_word_tokens(text: str, spacer: bytes) -> tuple[list[str], IntArray, IntArray]:
    """``word_tokens`` of ASCII text: the same steps on bytes, which is faster."""
    spaced = text.encode("ascii").translate(spacer)
    is_word = np.frombuffer(spaced, dtype=np.uint8) != 32
    edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1).astype(np.int64, copy=False)
    ends = np.flatnonzero(edges == -1).astype(np.int64, copy=False)
    return spaced.decode("ascii").split(), starts, ends


_ascii_spacers: list[bytes] = []


def _ascii_spacer(table: BoolArray) -> bytes:
    """A ``bytes.translate`` table: word characters stay, every other byte is a space."""
    if not _ascii_spacers:
        _ascii_spacers.append(bytes(code if table[code] else 32 for code in range(256)))
    return _ascii_spacers[0]


# A lowercase ASCII letter followed by an uppercase one: the only place where
# ``_CASE_GLUE`` can cut an ASCII word.
_ASCII_CASE_CHANGE = re.compile(r"[a-z][A-Z]")


class GlueSplitter:
    """``split_glued``, answered from the form table instead of ``Lexicon`` calls.

    The pieces it looks up are lowercased runs of letters, which ``Lexicon``'s own
    normalization leaves as they are (lowercasing is idempotent on every code point),
    so the table's answers are the lexicon's.
    """

    def __init__(self, table: FormTable) -> None:
        self._index = table.index
        self._lemmas = table.lemma_forms
        self._is_word_flag = _is_word_flag()
        # No right part of a split is longer (see _split_by_lexicon).
        self._longest_part = _longest_known(max(map(len, table.lemma_forms), default=0))

    def split(self, token: str) -> tuple[tuple[int, int], ...]:
        """Relative spans of the words glued together in ``token`` (one span if none)."""
        length = len(token)
        if token.isascii():
            if token.isalpha() and _ASCII_CASE_CHANGE.search(token) is None:
                # No digit, no lower-to-upper change: neither pattern can cut it.
                return self._split_by_lexicon(token, 0, length)
            if token.isdigit():
                return ((0, length),)
        pieces: list[tuple[int, int]] = []
        for start, end in _split_at(token, _LETTER_DIGIT, 0, length):
            for case_start, case_end in _split_at(token, _CASE_GLUE, start, end):
                pieces.extend(self._split_by_lexicon(token, case_start, case_end))
        return tuple(pieces)

    def _split_by_lexicon(self, token: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
        piece = token[start:end]
        if len(piece) < _MIN_GLUED_LENGTH or not piece.isalpha():
            return ((start, end),)
        lowered = piece.lower()
        if piece.isupper() or self._quickly_known(lowered) or self._is_word(lowered):
            return ((start, end),)
        is_part = self._is_part
        left_capitalized = piece[0].isupper()
        lowered_length = len(lowered)  # lowercasing may lengthen ("İ" -> "i̇")
        best = 0
        best_rank = (0, 0)
        for cut in range(max(1, lowered_length - self._longest_part), len(piece)):
            right = lowered[cut:]
            if not is_part(right):
                continue  # both kinds of split need a known right part
            left = lowered[:cut]
            rank = split_rank(
                left_known=is_part(left),
                left_stopword=left in _lexicon._STOPWORDS,
                right=right,
                right_stopword=right in _lexicon._STOPWORDS,
                left_length=cut,
                shorter=min(cut, lowered_length - cut),
                capitalized=left_capitalized,
            )
            if rank is not None and rank > best_rank:
                best, best_rank = cut, rank
        if not best:
            return ((start, end),)
        return ((start, start + best), (start + best, end))

    def _quickly_known(self, word: str) -> bool:
        """``_quickly_known``: the suffixes to try are looked up by the last letter."""
        lemmas = self._lemmas
        if word in lemmas or word in _lexicon._STOPWORDS:
            return True
        for suffix, cut in _SUFFIX_CUTS_BY_LAST.get(word[-1:], ()):
            if word.endswith(suffix) and word[:cut] in lemmas:
                return True
        return False

    def _is_part(self, part: str) -> bool:
        if len(part) == 1:
            return part in ("a", "i")
        if len(part) <= 2:
            return part in _lexicon._STOPWORDS
        return self._quickly_known(part)

    def _is_word(self, word: str) -> bool:
        """``Lexicon.is_word`` of a lowercase ASCII word of five letters or more."""
        value = self._index.get(word)
        if value is not None:
            return bool(value & self._is_word_flag)
        # Out of the table, only numbers are words; a run of letters and digits is a
        # number only if it starts with a digit or is a number word.
        if not "0" <= word[:1] <= "9" and word not in _NUMBER_WORDS:
            return False
        return Lexicon.default().number_form(word) is not None


_SUFFIX_CUTS_BY_LAST: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    last: tuple((suffix, -len(suffix)) for suffix in _INFLECTION_SUFFIXES if suffix[-1] == last)
    for last in {suffix[-1] for suffix in _INFLECTION_SUFFIXES}
}


_NUMBER_WORDS: Final = frozenset(_lexicon._CARDINAL_WORDS) | frozenset(_lexicon._ORDINAL_WORDS)


def _is_word_flag() -> int:
    from unspin.text._forms import IS_WORD

    return IS_WORD
