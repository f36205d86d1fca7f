"""Per-document analysis: everything alignment needs, computed once per text.

``analyse_text`` is a pure function from a raw string to plain arrays (no handles to
shared state), so its result can be cached, pickled to a worker process or computed
inside a Spark task. Sources repeat across pairs, so callers cache analyses.
"""

from __future__ import annotations

import hashlib
import itertools
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import regex

from unspin.text._lexicon import Lexicon
from unspin.text._normalize import NormalizedText, normalize
from unspin.text._tokenize import split_glued

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
        return [
            self.raw[a:b] for a, b in zip(self.starts[start:end], self.ends[start:end], strict=True)
        ]


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


# Sentence ends: terminal punctuation (and closing quotes) before whitespace, a
# blank line (paragraph break), or a line break before a capital letter or digit
# (a heading or list item on a line of its own; hard-wrapped prose mostly goes on
# in lower case).
_SENTENCE_END = regex.compile(
    r"[.!?]+[\"'”’)\]]*(?=\s)|\n[ \t\r\f\v]*\n|\n(?=[ \t\xa0]*[\p{Lu}\p{N}\"“(\[])"
)
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
    tokens = _lookup_tokens(text, lexicon, options)
    if options.phrases:
        _rewrite_phrases(tokens, lexicon, options)
    starts, ends = _raw_token_spans(normalized, tokens.starts, tokens.ends)
    sentence_ptr = _segment(text, tokens.starts, tokens.content)
    return TextAnalysis(
        raw=raw,
        starts=starts,
        ends=ends,
        keys=tokens.keys,
        content=tokens.content,
        concept_ptr=tokens.concept_ptr,
        concept_ids=tokens.concept_ids,
        sentence_ptr=sentence_ptr,
    )


class _Tokens(NamedTuple):
    starts: IntArray  # in the normalized text
    ends: IntArray
    keys: IntArray
    content: BoolArray
    concept_ptr: IntArray
    concept_ids: IntArray
    forms: list[str]  # lowercase form of each token


class _Entry(NamedTuple):
    """Everything about one distinct raw token string, computed once per process."""

    relative: tuple[tuple[int, int], ...]  # spans of its words (several if glued)
    forms: tuple[str, ...]
    infos: tuple[_TermInfo, ...]


_entry_cache: dict[tuple[str, bool, bool, int], _Entry] = {}


def _entry(token: str, lexicon: Lexicon, options: AnalysisOptions) -> _Entry:
    cache_key = (token, options.unglue, options.synonyms, options.max_senses)
    entry = _entry_cache.get(cache_key)
    if entry is None:
        relative = split_glued(token) if options.unglue else ((0, len(token)),)
        forms = tuple(token[a:b].lower() for a, b in relative)
        infos = tuple(_term_info(form, lexicon, options) for form in forms)
        entry = _Entry(relative, forms, infos)
        _entry_cache[cache_key] = entry
    return entry


def _lookup_tokens(text: str, lexicon: Lexicon, options: AnalysisOptions) -> _Tokens:
    """Tokenize and look every token up, working per distinct token string.

    A document repeats its words, so the per-token work is reduced to a dict
    lookup and numpy gathers; lexicon work happens once per distinct string.
    """
    matches = list(_WORD.finditer(text))
    distinct: dict[str, int] = {}
    token_ids = np.fromiter(
        (distinct.setdefault(m.group(), len(distinct)) for m in matches),
        dtype=np.int64,
        count=len(matches),
    )
    match_starts = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    entries = [_entry(token, lexicon, options) for token in distinct]
    # Flatten the distinct strings' words (usually one each) into arrays.
    word_counts = np.fromiter((len(e.infos) for e in entries), dtype=np.int64, count=len(entries))
    word_ptr = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum(word_counts, out=word_ptr[1:])
    infos = [info for e in entries for info in e.infos]
    forms = [form for e in entries for form in e.forms]
    relative_starts = np.fromiter((a for e in entries for a, _ in e.relative), dtype=np.int64)
    relative_ends = np.fromiter((b for e in entries for _, b in e.relative), dtype=np.int64)
    word_keys = np.fromiter((i.key for i in infos), dtype=np.int64, count=len(infos))
    word_content = np.fromiter((i.content for i in infos), dtype=np.bool_, count=len(infos))
    word_concepts = [i.concepts for i in infos]
    # Each token expands to its string's words.
    per_token = word_counts[token_ids] if len(entries) else np.zeros(0, dtype=np.int64)
    first_word = np.repeat(word_ptr[token_ids], per_token)
    token_base = np.repeat(match_starts, per_token)
    within = np.arange(len(first_word)) - np.repeat(np.cumsum(per_token) - per_token, per_token)
    words = first_word + within
    concept_counts = np.fromiter(
        (len(c) for c in word_concepts), dtype=np.int64, count=len(word_concepts)
    )
    concept_word_ptr = np.zeros(len(word_concepts) + 1, dtype=np.int64)
    np.cumsum(concept_counts, out=concept_word_ptr[1:])
    flat_concepts = np.fromiter(
        (c for concepts in word_concepts for c in concepts),
        dtype=np.int64,
        count=int(concept_word_ptr[-1]),
    )
    token_concept_counts = concept_counts[words] if len(words) else np.zeros(0, dtype=np.int64)
    concept_ptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(token_concept_counts, out=concept_ptr[1:])
    gather = np.repeat(concept_word_ptr[words], token_concept_counts) + (
        np.arange(int(concept_ptr[-1])) - np.repeat(concept_ptr[:-1], token_concept_counts)
    )
    return _Tokens(
        starts=token_base + relative_starts[words],
        ends=token_base + relative_ends[words],
        keys=word_keys[words],
        content=word_content[words].copy(),
        concept_ptr=concept_ptr,
        concept_ids=flat_concepts[gather],
        forms=[forms[w] for w in words.tolist()],
    )


_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def _raw_token_spans(
    normalized: NormalizedText, starts: IntArray, ends: IntArray
) -> tuple[IntArray, IntArray]:
    offsets = normalized.offsets
    if len(starts) == 0:
        return starts, ends
    raw_starts = offsets[starts]
    raw_ends = offsets[ends - 1] + 1
    return raw_starts, np.maximum(raw_ends, raw_starts + 1)


def _rewrite_phrases(tokens: _Tokens, lexicon: Lexicon, options: AnalysisOptions) -> None:
    """Give variant phrases the keys of their canonical form, token for token.

    A variant longer than its canonical phrase leaves tokens over; they lose their
    content flag instead of being removed, so spans stay one per token.
    """
    table = _phrase_index(lexicon)
    forms = tokens.forms
    # Only positions whose word can start a phrase need a closer look.
    starts = [i for i, form in enumerate(forms) if form in table]
    done_until = 0
    for index in starts:
        if index < done_until:
            continue
        candidates = table[forms[index]]
        if candidates:
            for variant, canonical in candidates:
                end = index + len(variant)
                if tuple(forms[index:end]) == variant:
                    for offset in range(len(variant)):
                        position = index + offset
                        if offset < len(canonical):
                            info = _term_info(canonical[offset], lexicon, options)
                            tokens.keys[position] = info.key
                            tokens.content[position] = info.content
                        else:
                            tokens.content[position] = False
                    done_until = end
                    break


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
    for start, end in itertools.pairwise(bounds):
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
