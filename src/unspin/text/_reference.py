"""The reference analysis: the plain, obviously-correct path the fast one is tested against.

This is the analysis as first written: every distinct token string is un-glued with
:func:`~unspin.text._tokenize.split_glued` and looked up through :class:`Lexicon`'s
methods, every non-ASCII line goes through ftfy, phrases are matched word by word.
:func:`unspin.text._analysis.analyse_text` must return exactly what
:func:`reference_analyse_text` returns, array for array (``tests/test_analysis.py``
checks it on fixtures, the bundled examples, corpus samples and generated text), in the
way rapidfuzz tests its C++ scorers against pure-Python ones. Keep this module simple
and slow; speed belongs in the fast path.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import ftfy
import numpy as np
import regex

from unspin.text._analysis import (
    AnalysisOptions,
    BoolArray,
    IntArray,
    TextAnalysis,
    _segment,
)
from unspin.text._lexicon import Lexicon, first_senses, link_ids
from unspin.text._normalize import (
    INVISIBLE_IN_WORDS,
    NormalizedText,
    OffsetArray,
    _compose,
    _diff_origins,
    _identity,
    _strip_html,
    looks_like_html,
)
from unspin.text._tokenize import split_glued

__all__ = ["reference_analyse_text", "reference_normalize", "reference_stable_key"]


# --- normalization -----------------------------------------------------------------------


def _repair_unicode(text: str) -> tuple[str, OffsetArray] | None:
    """ftfy on every non-ASCII line; None when nothing changed."""
    if text.isascii():
        return None
    pieces: list[str] = []
    origins: list[OffsetArray] = []
    changed = False
    position = 0
    for line in text.splitlines(keepends=True):
        fixed = (
            line
            if line.isascii()
            else ftfy.fix_text(line, normalization="NFC").translate(INVISIBLE_IN_WORDS)
        )
        if fixed == line or len(fixed) == len(line):
            pieces.append(fixed)
            origins.append(np.arange(position, position + len(line), dtype=np.int64))
            changed = changed or fixed != line
        else:
            changed = True
            pieces.append(fixed)
            origins.append(position + _diff_origins(line, fixed))
        position += len(line)
    if not changed:
        return None
    offsets = np.concatenate([*origins, np.array([len(text)], dtype=np.int64)])
    return "".join(pieces), offsets


_SCAR = regex.compile(r"(?:\b[A-Z]{1,10}\s?)?TAGEND\b|&nbsp;?|&amp;nbsp;?|\u00a0")


def _blank_scars(text: str) -> str:
    if "TAGEND" not in text and "nbsp" not in text and "\u00a0" not in text:
        return text
    blanked: str = _SCAR.sub(lambda m: " " * len(m.group()), text)
    return blanked


def reference_normalize(
    raw: str, *, html_input: bool | None = None, repair_unicode: bool = True
) -> NormalizedText:
    """What :func:`unspin.text._normalize.normalize` must return."""
    text = raw
    offsets: OffsetArray | None = None
    if html_input or (html_input is None and looks_like_html(raw)):
        text, offsets = _strip_html(text)
    if repair_unicode:
        repaired = _repair_unicode(text)
        if repaired is not None:
            text, step = repaired
            offsets = step if offsets is None else _compose(offsets, step)
    text = _blank_scars(text)
    if offsets is None:
        offsets = _identity(len(raw))
    return NormalizedText(raw=raw, text=text, offsets=offsets)


# --- look-up --------------------------------------------------------------------------------


def reference_stable_key(term: str) -> int:
    """A 63-bit id of ``term``, the same in every process."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


class _TermInfo(NamedTuple):
    key: int
    content: bool
    concepts: tuple[int, ...]


_term_memo: dict[tuple[str, bool, int], _TermInfo] = {}


def _term_info(form: str, lexicon: Lexicon, options: AnalysisOptions) -> _TermInfo:
    """Lemma key, content flag and concepts of a lowercase word form.

    Memoized for the default lexicon only (as the first implementation was), so that
    benchmarks compare the fast path with a reference of that implementation's speed.
    """
    if lexicon is not Lexicon.default():
        return _compute_term_info(form, lexicon, options)
    memo_key = (form, options.synonyms, options.max_senses)
    info = _term_memo.get(memo_key)
    if info is None:
        info = _term_memo[memo_key] = _compute_term_info(form, lexicon, options)
    return info


def _compute_term_info(form: str, lexicon: Lexicon, options: AnalysisOptions) -> _TermInfo:
    number = lexicon.number_form(form)
    if number is not None:
        links = link_ids(lexicon.concepts(number)) if options.synonyms else ()
        return _TermInfo(reference_stable_key(number), True, links)
    if lexicon.is_stopword(form) or lexicon.is_filler(form):
        return _TermInfo(reference_stable_key(lexicon.lemma(form)), False, ())
    lemma = lexicon.lemma(form)
    concepts = first_senses(lexicon.concepts(form), options.max_senses) if options.synonyms else ()
    # Single letters and bare tokens like "s" (from "Korea's") carry no content.
    return _TermInfo(reference_stable_key(lemma), len(form) > 1, concepts)


_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


class _Token(NamedTuple):
    start: int  # in the normalized text
    end: int
    form: str  # lowercase
    info: _TermInfo


def _lookup_tokens(text: str, lexicon: Lexicon, options: AnalysisOptions) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _WORD.finditer(text):
        token = match.group()
        pieces = split_glued(token) if options.unglue else ((0, len(token)),)
        for start, end in pieces:
            form = token[start:end].lower()
            tokens.append(
                _Token(
                    match.start() + start,
                    match.start() + end,
                    form,
                    _term_info(form, lexicon, options),
                )
            )
    return tokens


def _rewrite_phrases(
    tokens: list[_Token],
    keys: list[int],
    content: list[bool],
    lexicon: Lexicon,
    options: AnalysisOptions,
) -> None:
    """Give variant phrases the keys of their canonical form, token for token.

    At each position the longest variant that matches wins, and the words it covers
    are not looked at again; a variant longer than its canonical phrase leaves
    tokens over, which lose their content flag.
    """
    table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for variant, canonical in lexicon.phrase_rewrites().items():
        table.setdefault(variant[0], []).append((variant, canonical))
    for candidates in table.values():
        candidates.sort(key=lambda pair: -len(pair[0]))
    forms = [token.form for token in tokens]
    index = 0
    while index < len(forms):
        for variant, canonical in table.get(forms[index], ()):
            end = index + len(variant)
            if tuple(forms[index:end]) == variant:
                for offset in range(len(variant)):
                    if offset < len(canonical):
                        info = _term_info(canonical[offset], lexicon, options)
                        keys[index + offset] = info.key
                        content[index + offset] = info.content
                    else:
                        content[index + offset] = False
                index = end - 1
                break
        index += 1


def raw_ends_of(normalized: NormalizedText, ends: IntArray) -> IntArray:
    """Reference of :func:`unspin.text._normalize.raw_ends`, one span at a time: the raw
    end of a span is past every raw character up to the next normalized character's,
    but for space and markup."""
    found = []
    for end in ends.tolist():
        position = int(normalized.offsets[end - 1]) + 1
        stop = int(normalized.offsets[end])
        while position < stop:
            character = normalized.raw[position]
            if character == "<" or character.isspace():
                break
            position += 1
        found.append(position)
    return np.array(found, dtype=np.int64)


def reference_analyse_text(
    raw: str, *, options: AnalysisOptions | None = None, lexicon: Lexicon | None = None
) -> TextAnalysis:
    """What :func:`unspin.text._analysis.analyse_text` must return."""
    options = options or AnalysisOptions()
    lexicon = lexicon or Lexicon.default()
    normalized = reference_normalize(raw, html_input=options.html_input)
    tokens = _lookup_tokens(normalized.text, lexicon, options)
    keys = [token.info.key for token in tokens]
    content = [token.info.content for token in tokens]
    if options.phrases:
        _rewrite_phrases(tokens, keys, content, lexicon, options)
    concept_counts = [len(token.info.concepts) for token in tokens]
    concept_ptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum(concept_counts, out=concept_ptr[1:])
    concept_ids: IntArray = np.array(
        [c for token in tokens for c in token.info.concepts], dtype=np.int64
    )
    starts: IntArray = np.array([token.start for token in tokens], dtype=np.int64)
    ends: IntArray = np.array([token.end for token in tokens], dtype=np.int64)
    content_array: BoolArray = np.array(content, dtype=np.bool_)
    offsets = normalized.offsets
    if len(tokens):
        raw_starts = offsets[starts]
        raw_ends = np.maximum(raw_ends_of(normalized, ends), raw_starts + 1)
    else:
        raw_starts, raw_ends = starts, ends
    return TextAnalysis(
        raw=raw,
        starts=raw_starts,
        ends=raw_ends,
        keys=np.array(keys, dtype=np.int64),
        content=content_array,
        concept_ptr=concept_ptr,
        concept_ids=concept_ids,
        sentence_ptr=_segment(normalized.text, starts, content_array),
    )
