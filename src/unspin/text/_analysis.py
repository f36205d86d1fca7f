"""Per-document analysis: everything alignment needs, computed once per text.

``analyse_text`` is a pure function from a raw string to plain arrays (no handles to
shared state), so its result can be cached, pickled to a worker process or computed
inside a Spark task. Sources repeat across pairs, so callers cache analyses.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Sequence
from itertools import repeat
from typing import Any, ClassVar, NamedTuple

import numpy as np
import numpy.typing as npt
import regex

from unspin.text import _lexicon
from unspin.text._forms import IS_FILLER, IS_STOPWORD, form_table_for
from unspin.text._lexicon import Lexicon, first_senses, link_ids
from unspin.text._normalize import NormalizedText, normalize, raw_ends
from unspin.text._tokenize import GlueSplitter, split_glued, word_tokens

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


def stable_key(term: str) -> int:
    """A 63-bit id of ``term``, the same in every process (unlike ``hash``)."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


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
    tokens = _lookup_tokens(text, _vocabulary(lexicon, options), options)
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


# --- the vocabulary: per-process memory of every token and word form seen --------------


class _Column:
    """A growable numpy array: appended to in batches, read as one array."""

    __slots__ = ("_data", "_size")

    def __init__(self, dtype: type[np.generic]) -> None:
        self._data: npt.NDArray[Any] = np.zeros(1024, dtype=dtype)
        self._size = 0

    def extend(self, values: Sequence[int] | Sequence[bool]) -> None:
        size = self._size + len(values)
        if size > len(self._data):
            grown = np.zeros(max(size, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : size] = values
        self._size = size

    @property
    def array(self) -> npt.NDArray[Any]:
        return self._data[: self._size]

    def __len__(self) -> int:
        return self._size


_Phrase = tuple[tuple[int, ...], tuple[int, ...]]  # (variant, canonical) as word ids


class _PendingWords:
    """Columns of words made since the last flush, as lists."""

    __slots__ = ("concept_counts", "concept_starts", "concepts", "content", "keys", "phrase_rank")

    def __init__(self) -> None:
        self.keys: list[int] = []
        self.content: list[bool] = []
        self.concept_starts: list[int] = []
        self.concept_counts: list[int] = []
        self.concepts: list[int] = []
        self.phrase_rank: list[int] = []


class _Vocabulary:
    """Every distinct token string and word form analysis has met, as numpy columns.

    A document repeats its words and a corpus repeats its vocabulary, so the lexicon is
    consulted once per new string per process; each text then costs a dict look-up
    per token and numpy gathers. A token is an *entry* (its pieces after un-gluing,
    usually one); each piece is a *word* (one per distinct lowercase form, with its
    lemma key, content flag and concepts). Word ids stand for forms when phrases are
    matched.
    """

    # Past this many entries the vocabulary starts afresh, so a stream of unique
    # strings (ids, typos, a web crawl) cannot grow it without bound.
    MAX_ENTRIES: ClassVar[int] = 2_000_000

    def __init__(self, lexicon: Lexicon, options: AnalysisOptions) -> None:
        self._lexicon = lexicon
        self._options = options
        table = form_table_for(lexicon)
        self._table = table
        self._splitter = GlueSplitter(table) if table is not None and options.unglue else None
        self.lock = threading.Lock()
        # Entries: distinct raw token strings.
        self.entry_of: dict[str, int] = {}
        self.entry_first = _Column(np.int64)  # its first piece
        self.entry_pieces = _Column(np.int64)  # how many pieces
        self.glued = False  # whether any entry has several pieces (set before it is added)
        # Pieces of entries, flattened.
        self.piece_word = _Column(np.int64)
        self.piece_start = _Column(np.int64)  # relative to the token
        self.piece_end = _Column(np.int64)
        # Words: distinct lowercase forms.
        self.word_of: dict[str, int] = {}
        self.word_key = _Column(np.int64)
        self.word_content = _Column(np.bool_)
        self.word_concept_start = _Column(np.int64)
        self.word_concept_count = _Column(np.int64)
        self.word_phrase_rank = _Column(np.int64)  # 0 unless it opens a phrase
        self.concepts = _Column(np.int64)
        self._pending = _PendingWords()
        # Phrases, as word ids: first two words -> the variants [(variant, canonical)]
        # that can start with them, longest first; one-word variants by their word.
        self.phrases_by_pair: dict[tuple[int, int], list[_Phrase]] = {}
        self.phrases_of_one_word: dict[int, list[_Phrase]] = {}
        # Indexed by the phrase ranks of two successive words: can a variant start here?
        self.phrase_start_table = np.zeros((1, 1), dtype=np.bool_)
        self.longest_phrase = 2
        self._phrase_rank: dict[str, int] = {}
        if options.phrases:
            self._index_phrases()

    # -- building ------------------------------------------------------------------

    def add_tokens(self, tokens: Sequence[str]) -> None:
        """Make entries (and words) for ``tokens``: distinct, none of which has one yet.

        Callers hold :attr:`lock`. Readers do not: a token appears in
        :attr:`entry_of` only once its columns hold it.
        """
        unglue = self._options.unglue
        splitter = self._splitter
        firsts: list[int] = []
        counts: list[int] = []
        words: list[int] = []
        piece_starts: list[int] = []
        piece_ends: list[int] = []
        piece_base = len(self.piece_word)
        for token in tokens:
            if not unglue:
                pieces: tuple[tuple[int, int], ...] = ((0, len(token)),)
            elif splitter is not None:
                pieces = splitter.split(token)
            else:
                pieces = split_glued(token)
            firsts.append(piece_base + len(words))
            counts.append(len(pieces))
            for start, end in pieces:
                words.append(self.word(token[start:end].lower()))
                piece_starts.append(start)
                piece_ends.append(end)
            if len(pieces) > 1:
                self.glued = True
        self._flush()
        self.entry_first.extend(firsts)
        self.entry_pieces.extend(counts)
        self.piece_word.extend(words)
        self.piece_start.extend(piece_starts)
        self.piece_end.extend(piece_ends)
        first_id = len(self.entry_of)
        self.entry_of.update(zip(tokens, range(first_id, len(self.entry_first)), strict=True))

    def word(self, form: str) -> int:
        """The word id of lowercase ``form``, adding the word if it is new.

        New words wait in ``_pending`` until :meth:`_flush` appends them to the
        columns in one go.
        """
        word = self.word_of.get(form)
        if word is not None:
            return word
        key, content, concepts = self._term_info(form)
        word = len(self.word_of)
        self.word_of[form] = word
        pending = self._pending
        pending.keys.append(key)
        pending.content.append(content)
        pending.concept_starts.append(len(self.concepts) + len(pending.concepts))
        pending.concept_counts.append(len(concepts))
        pending.concepts.extend(concepts)
        pending.phrase_rank.append(self._phrase_rank.get(form, 0))
        return word

    def _flush(self) -> None:
        pending = self._pending
        self.word_key.extend(pending.keys)
        self.word_content.extend(pending.content)
        self.word_concept_start.extend(pending.concept_starts)
        self.word_concept_count.extend(pending.concept_counts)
        self.concepts.extend(pending.concepts)
        self.word_phrase_rank.extend(pending.phrase_rank)
        self._pending = _PendingWords()

    def _term_info(self, form: str) -> tuple[int, bool, tuple[int, ...]]:
        """Lemma key, content flag and concepts of a word form (see the reference)."""
        table = self._table
        if table is None:
            from unspin.text._reference import _term_info

            info = _term_info(form, self._lexicon, self._options)
            return info.key, info.content, info.concepts
        key = form if form.isascii() else _lexicon._normalize(form)
        # A token has no hyphen, so only these can be numbers (see Lexicon.number_form).
        if "0" <= key[:1] <= "9" or key in _lexicon._CARDINAL_WORDS or key in _ORDINALS:
            number = self._lexicon.number_form(form)
            if number is not None:
                # A number keeps only its links, looked up by its canonical spelling
                # so that "first" and "1st" link alike (Lexicon.number_links).
                known = table.index.get(number) if self._options.synonyms else None
                links = () if known is None else link_ids(table.concepts(known))
                return stable_key(number), True, links
        value = table.index.get(key)
        if value is None:  # the lexicon knows nothing of it
            return stable_key(key), len(form) > 1, ()
        lemma = stable_key(table.lemma(value))
        if value & (IS_STOPWORD | IS_FILLER):
            return lemma, False, ()
        options = self._options
        concepts = (
            first_senses(table.concepts(value), options.max_senses) if options.synonyms else ()
        )
        # Single letters and bare tokens like "s" (from "Korea's") carry no content.
        return lemma, len(form) > 1, concepts

    def _index_phrases(self) -> None:
        rewrites = self._lexicon.phrase_rewrites()
        # Words that open or continue a variant get ranks 1.., every other word 0.
        leading = sorted({word for variant in rewrites for word in variant[:2]})
        self._phrase_rank = {word: rank for rank, word in enumerate(leading, start=1)}
        table = np.zeros((len(leading) + 1, len(leading) + 1), dtype=np.bool_)
        by_first: dict[int, list[_Phrase]] = {}
        for variant, canonical in rewrites.items():
            entry = (tuple(map(self.word, variant)), tuple(map(self.word, canonical)))
            by_first.setdefault(entry[0][0], []).append(entry)
            first = self._phrase_rank[variant[0]]
            if len(variant) == 1:
                table[first, :] = True  # a one-word variant starts whatever follows
            else:
                table[first, self._phrase_rank[variant[1]]] = True
        self._flush()
        for first, candidates in by_first.items():
            candidates.sort(key=lambda pair: -len(pair[0]))  # longest match first
            # The variants that can match after (first, second), in the same order.
            for second in {variant[1] for variant, _ in candidates if len(variant) > 1}:
                self.phrases_by_pair[first, second] = [
                    pair for pair in candidates if len(pair[0]) == 1 or pair[0][1] == second
                ]
            singles = [pair for pair in candidates if len(pair[0]) == 1]
            if singles:
                self.phrases_of_one_word[first] = singles
        self.phrase_start_table = table
        self.longest_phrase = max(2, *map(len, rewrites))  # windows hold two words at least


_ORDINALS = _lexicon._ORDINAL_WORDS

_vocabularies: dict[tuple[int, bool, bool, int], _Vocabulary] = {}
_vocabularies_lock = threading.Lock()


def _vocabulary(lexicon: Lexicon, options: AnalysisOptions) -> _Vocabulary:
    """The process's vocabulary for ``lexicon`` and the options that shape it."""
    if lexicon._own_table is not None:
        return _Vocabulary(lexicon, options)  # not shared: its table is not the package's
    cache_key = (lexicon.max_senses, options.unglue, options.synonyms, options.max_senses)
    vocabulary = _vocabularies.get(cache_key)
    if vocabulary is None or len(vocabulary.entry_of) > _Vocabulary.MAX_ENTRIES:
        with _vocabularies_lock:
            vocabulary = _vocabularies.get(cache_key)
            if vocabulary is None or len(vocabulary.entry_of) > _Vocabulary.MAX_ENTRIES:
                # Phrases are indexed unconditionally in the shared one.
                vocabulary = _Vocabulary(lexicon, options._replace(phrases=True))
                _vocabularies[cache_key] = vocabulary
    return vocabulary


def _lookup_tokens(text: str, vocabulary: _Vocabulary, options: AnalysisOptions) -> _Tokens:
    """Tokenize and look every token up: a dict look-up per token, then numpy gathers."""
    tokens, starts, ends = word_tokens(text)
    count = len(tokens)
    entry_of = vocabulary.entry_of
    # One C-level pass of dict look-ups; -1 marks tokens the vocabulary lacks.
    entries = np.array(list(map(entry_of.get, tokens, repeat(-1))), dtype=np.int64)
    missing = np.flatnonzero(entries < 0).tolist() if count else []
    if missing:
        new = {tokens[index] for index in missing}
        with vocabulary.lock:
            # Sorted, so that entry ids do not depend on the order of a set.
            vocabulary.add_tokens([token for token in sorted(new) if token not in entry_of])
        entries[missing] = [entry_of[tokens[index]] for index in missing]
    first = vocabulary.entry_first.array[entries]
    per_token = vocabulary.entry_pieces.array[entries] if vocabulary.glued else None
    total = count if per_token is None else int(per_token.sum())
    if per_token is None or total == count:
        pieces = first
    else:
        # Glued tokens stand for several words: expand each token to its pieces.
        token_of_piece = np.repeat(np.arange(count), per_token)
        within = np.arange(total) - np.repeat(np.cumsum(per_token) - per_token, per_token)
        pieces = first[token_of_piece] + within
        base = starts[token_of_piece]
        starts = base + vocabulary.piece_start.array[pieces]
        ends = base + vocabulary.piece_end.array[pieces]
    words = vocabulary.piece_word.array[pieces]
    keys = vocabulary.word_key.array[words]
    content = vocabulary.word_content.array[words]
    concept_counts = vocabulary.word_concept_count.array[words]
    concept_ptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(concept_counts, out=concept_ptr[1:])
    gather = np.repeat(vocabulary.word_concept_start.array[words], concept_counts) + (
        np.arange(int(concept_ptr[-1])) - np.repeat(concept_ptr[:-1], concept_counts)
    )
    concept_ids = vocabulary.concepts.array[gather]
    if options.phrases:
        _rewrite_phrases(words, keys, content, vocabulary)
    return _Tokens(starts, ends, keys, content, concept_ptr, concept_ids)


def _rewrite_phrases(
    words: IntArray, keys: IntArray, content: BoolArray, vocabulary: _Vocabulary
) -> None:
    """Give variant phrases the keys of their canonical form, token for token.

    At each position the longest variant that matches wins, and the words it covers
    are not looked at again; a variant longer than its canonical phrase leaves tokens
    over, which lose their content flag instead of being removed, so spans stay one
    per token. Only positions whose first two words start some variant (or whose
    word is a one-word variant) are looked at in Python.
    """
    count = len(words)
    if count == 0:
        return
    ranks = vocabulary.word_phrase_rank.array[words]
    # The word after the last one has rank 0: only a one-word variant can start there.
    following = np.zeros(count, dtype=np.int64)
    following[:-1] = ranks[1:]
    positions = np.flatnonzero(vocabulary.phrase_start_table[ranks, following])
    if len(positions) == 0:
        return
    word_key = vocabulary.word_key.array
    word_content = vocabulary.word_content.array
    longest = vocabulary.longest_phrase
    # The words from each candidate position on, as lists (-1 past the end).
    padded = np.concatenate([words, np.full(longest - 1, -1, dtype=words.dtype)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, longest)[positions].tolist()
    by_pair = vocabulary.phrases_by_pair
    of_one_word = vocabulary.phrases_of_one_word
    done_until = 0
    for index, window in zip(positions.tolist(), windows, strict=True):
        if index < done_until:
            continue
        candidates = by_pair.get((window[0], window[1])) or of_one_word.get(window[0], [])
        for variant, canonical in candidates:
            end = index + len(variant)
            if tuple(window[: len(variant)]) == variant:
                for offset in range(len(variant)):
                    position = index + offset
                    if offset < len(canonical):
                        keys[position] = word_key[canonical[offset]]
                        content[position] = word_content[canonical[offset]]
                    else:
                        content[position] = False
                done_until = end
                break


def _raw_token_spans(
    normalized: NormalizedText, starts: IntArray, ends: IntArray
) -> tuple[IntArray, IntArray]:
    offsets = normalized.offsets
    if len(starts) == 0:
        return starts, ends
    raw_starts = offsets[starts]
    return raw_starts, np.maximum(raw_ends(normalized, ends), raw_starts + 1)


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
