"""Per-document analysis: everything alignment needs, computed once per text.

``analyse_text`` is a pure function from a raw string to plain arrays (no handles to
shared state), so its result can be cached, pickled to a worker process or computed
inside a Spark task. Sources repeat across pairs, so callers cache analyses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import regex

from unspin.text._lexicon import Lexicon
from unspin.text._normalize import NormalizedText, normalize
from unspin.text._tokenize import word_spans

__all__ = ["AnalysisOptions", "TextAnalysis", "analyse_text", "stable_key"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class AnalysisOptions(NamedTuple):
    """Switches for the analysis steps (all on by default; ablation turns them off)."""

    synonyms: bool = True
    phrases: bool = True
    unglue: bool = True
    html_input: bool | None = None
    max_senses: int = 8


class TextAnalysis(NamedTuple):
    """A text's tokens and sentences as plain arrays, offsets into the raw text.

    ``keys[t]`` identifies token ``t``'s lemma (or canonical number); its synonym
    concepts are ``concept_ids[concept_ptr[t]:concept_ptr[t + 1]]``. Sentence ``s``
    covers tokens ``sentence_ptr[s]:sentence_ptr[s + 1]``.
    """

    raw: str
    starts: IntArray
    ends: IntArray
    keys: IntArray
    content: BoolArray
    concept_ptr: IntArray
    concept_ids: IntArray
    sentence_ptr: IntArray

    @property
    def token_count(self) -> int:
        return len(self.keys)

    @property
    def sentence_count(self) -> int:
        return len(self.sentence_ptr) - 1

    def words(self, start: int, end: int) -> list[str]:
        """The raw words of tokens ``start:end``."""
        return [self.raw[a:b] for a, b in zip(self.starts[start:end], self.ends[start:end], strict=True)]


_key_cache: dict[str, int] = {}


def stable_key(term: str) -> int:
    """A 63-bit id of ``term``, the same in every process (unlike ``hash``)."""
    key = _key_cache.get(term)
    if key is None:
        digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
        key = int.from_bytes(digest, "little") >> 1
        _key_cache[term] = key
    return key


class _TermInfo(NamedTuple):
    key: int
    content: bool
    concepts: tuple[int, ...]


_term_cache: dict[tuple[str, bool, int], _TermInfo] = {}


def _term_info(form: str, lexicon: Lexicon, options: AnalysisOptions) -> _TermInfo:
    cache_key = (form, options.synonyms, options.max_senses)
    info = _term_cache.get(cache_key)
    if info is not None:
        return info
    number = lexicon.number_form(form)
    if number is not None:
        info = _TermInfo(stable_key(number), True, ())
    elif lexicon.is_stopword(form) or lexicon.is_filler(form):
        info = _TermInfo(stable_key(lexicon.lemma(form)), False, ())
    else:
        lemma = lexicon.lemma(form)
        concepts = lexicon.concepts(form)[: options.max_senses] if options.synonyms else ()
        # Single letters and bare tokens like "s" (from "Korea's") carry no content.
        info = _TermInfo(stable_key(lemma), len(form) > 1, concepts)
    _term_cache[cache_key] = info
    return info


# Sentence ends: terminal punctuation (and closing quotes) before whitespace, or a
# blank line (paragraph break).
_SENTENCE_END = regex.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n[ \t\r\f\v]*\n")
_MAX_SENTENCE_TOKENS = 60
_MIN_SENTENCE_CONTENT = 4


def analyse_text(
    raw: str, *, options: AnalysisOptions | None = None, lexicon: Lexicon | None = None
) -> TextAnalysis:
    """Normalize, tokenize, look up and segment ``raw``."""
    options = options or AnalysisOptions()
    lexicon = lexicon or Lexicon.default()
    normalized = normalize(raw, html_input=options.html_input)
    text = normalized.text
    spans = word_spans(text) if options.unglue else _plain_word_spans(text)
    forms = [text[a:b].lower() for a, b in spans]
    if options.phrases:
        forms, dropped = _rewrite_phrases(forms, lexicon)
    else:
        dropped = set()
    infos = [_term_info(form, lexicon, options) for form in forms]
    count = len(infos)
    keys = np.fromiter((i.key for i in infos), dtype=np.int64, count=count)
    content = np.fromiter((i.content for i in infos), dtype=np.bool_, count=count)
    if dropped:
        content[list(dropped)] = False
    concept_lengths = np.fromiter((len(i.concepts) for i in infos), dtype=np.int64, count=count)
    concept_ptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(concept_lengths, out=concept_ptr[1:])
    concept_ids = np.fromiter(
        (c for i in infos for c in i.concepts), dtype=np.int64, count=int(concept_ptr[-1])
    )
    normalized_starts = np.fromiter((a for a, _ in spans), dtype=np.int64, count=count)
    normalized_ends = np.fromiter((b for _, b in spans), dtype=np.int64, count=count)
    starts, ends = _raw_token_spans(normalized, normalized_starts, normalized_ends)
    sentence_ptr = _segment(text, normalized_starts, content)
    return TextAnalysis(
        raw=raw,
        starts=starts,
        ends=ends,
        keys=keys,
        content=content,
        concept_ptr=concept_ptr,
        concept_ids=concept_ids,
        sentence_ptr=sentence_ptr,
    )


_PLAIN_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def _plain_word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PLAIN_WORD.finditer(text)]


def _raw_token_spans(
    normalized: NormalizedText, starts: IntArray, ends: IntArray
) -> tuple[IntArray, IntArray]:
    offsets = normalized.offsets
    if len(starts) == 0:
        return starts, ends
    raw_starts = offsets[starts]
    raw_ends = offsets[ends - 1] + 1
    return raw_starts, np.maximum(raw_ends, raw_starts + 1)


def _rewrite_phrases(forms: list[str], lexicon: Lexicon) -> tuple[list[str], set[int]]:
    """Replace variant phrases by their canonical form, token for token.

    A variant longer than its canonical phrase leaves tokens over; they are marked
    dropped (no content) instead of being removed, so spans stay one per token.
    """
    table = _phrase_index(lexicon)
    rewritten = list(forms)
    dropped: set[int] = set()
    index = 0
    while index < len(forms):
        candidates = table.get(forms[index])
        if candidates:
            for variant, canonical in candidates:
                end = index + len(variant)
                if tuple(forms[index:end]) == variant:
                    for offset in range(len(variant)):
                        if offset < len(canonical):
                            rewritten[index + offset] = canonical[offset]
                        else:
                            dropped.add(index + offset)
                    index = end - 1
                    break
        index += 1
    return rewritten, dropped


_phrase_tables: dict[int, dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]] = {}


def _phrase_index(lexicon: Lexicon) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    table = _phrase_tables.get(id(lexicon))
    if table is None:
        table = {}
        for variant, canonical in lexicon.phrase_rewrites().items():
            table.setdefault(variant[0], []).append((variant, canonical))
        for candidates in table.values():
            candidates.sort(key=lambda pair: -len(pair[0]))  # longest match first
        _phrase_tables[id(lexicon)] = table
    return table


def _segment(text: str, token_starts: IntArray, content: BoolArray) -> IntArray:
    """Sentence boundaries as token indexes.

    Very long runs without punctuation are cut into chunks, and fragments with few
    content words are joined to the next sentence, so every unit can be compared.
    """
    count = len(token_starts)
    if count == 0:
        return np.zeros(1, dtype=np.int64)
    ends = np.fromiter((m.end() for m in _SENTENCE_END.finditer(text)), dtype=np.int64)
    cuts = np.unique(np.searchsorted(token_starts, ends))
    cuts = cuts[(cuts > 0) & (cuts < count)]
    bounds = [0, *cuts.tolist(), count]
    pieces: list[int] = [0]
    for start, end in zip(bounds, bounds[1:], strict=False):
        for chunk_end in range(start + _MAX_SENTENCE_TOKENS, end, _MAX_SENTENCE_TOKENS):
            pieces.append(chunk_end)
        pieces.append(end)
    content_before = np.concatenate([[0], np.cumsum(content)])
    merged = [0]
    for end in pieces[1:]:
        if content_before[end] - content_before[merged[-1]] >= _MIN_SENTENCE_CONTENT:
            merged.append(end)
    if merged[-1] != count:
        if len(merged) > 1:
            merged[-1] = count  # a short tail joins the sentence before it
        else:
            merged.append(count)
    return np.asarray(merged, dtype=np.int64)


def _iter_concepts(infos: Iterable[_TermInfo]) -> Iterable[int]:
    for info in infos:
        yield from info.concepts
