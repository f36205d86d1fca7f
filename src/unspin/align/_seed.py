"""Seeding: which sentence of one text shares its content with which of the other.

Each text's content words become *types* (lemma or canonical number). A type of one
text matches a type of the other when the lemmas are equal, or, with a lower weight,
when the lexicon puts them in a shared synonym concept ("summit" and "top"). The
matches are kept as an edge list, and sentence similarity is a Dice coefficient over
matched types, computed for every sentence pair that shares a match at once: each
matched type pair contributes to the sentence pairs its two types occur in, so the
cost follows the number of matching pairs rather than the product of the lengths.

Everything is plain numpy: per pair the work is a handful of array operations,
not the construction of many small sparse matrices.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.text._analysis import TextAnalysis

__all__ = [
    "ContentView",
    "PairScores",
    "SeedMatrix",
    "TypeMatches",
    "content_view",
    "match_types",
    "score_sentence_pairs",
    "select_seeds",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Above this many sentence pairs, sums are gathered by sorting instead of into a
# dense array of every pair.
_DENSE_PAIR_LIMIT = 4_000_000
# See score_sentence_pairs: 32 sentences on both sides.
MAX_LINKS = 1024


class _Occurrences(NamedTuple):
    """The sentences each type occurs in, each (type, sentence) once."""

    sentences: IntArray  # grouped by type
    ptr: IntArray  # sentences of type t: sentences[ptr[t]:ptr[t + 1]]
    types: IntArray  # the type of each entry


class ContentView(NamedTuple):
    """The content words of a text, grouped into types, with what pairing needs
    of them (computed once per text: a text is paired with many others)."""

    tokens: IntArray  # token index of each content word
    sentences: IntArray  # sentence index of each content word
    types: IntArray  # type index of each content word
    type_keys: IntArray  # key of each type (sorted)
    sentence_count: int
    occurrences: _Occurrences
    concepts: IntArray  # synonym concepts of the types, sorted
    concept_types: IntArray  # the type of each of them

    @property
    def type_count(self) -> int:
        return len(self.type_keys)


def content_view(analysis: TextAnalysis) -> ContentView:
    tokens = np.flatnonzero(analysis.content).astype(np.int64)
    sentences = (np.searchsorted(analysis.sentence_ptr, tokens, side="right") - 1).astype(np.int64)
    keys = analysis.keys[tokens]
    type_keys, first, types = np.unique(keys, return_index=True, return_inverse=True)
    types = types.astype(np.int64).ravel()
    concept_types, concepts = _type_concepts(analysis, tokens[first])
    order = np.argsort(concepts, kind="stable")
    return ContentView(
        tokens=tokens,
        sentences=sentences,
        types=types,
        type_keys=type_keys,
        sentence_count=analysis.sentence_count,
        occurrences=_occurrences(types, sentences, len(type_keys), analysis.sentence_count),
        concepts=concepts[order],
        concept_types=concept_types[order],
    )


class TypeMatches(NamedTuple):
    """Matching type pairs of texts A and B: ``a[k]`` matches ``b[k]`` with
    ``weight[k]`` (1 equal, less for synonyms), sorted by ``a`` then ``b``."""

    a: IntArray
    b: IntArray
    weight: FloatArray
    count_a: int
    count_b: int

    def best_a(self, selected_a: BoolArray, selected_b: BoolArray) -> FloatArray:
        """For every type of A, its best match weight among the selected types
        of B (0 where it has none); only selected types of A get a value."""
        keep = selected_a[self.a] & selected_b[self.b]
        best = np.zeros(self.count_a)
        np.maximum.at(best, self.a[keep], self.weight[keep])
        return best

    def best_b(self, selected_a: BoolArray, selected_b: BoolArray) -> FloatArray:
        """As :meth:`best_a`, seen from B."""
        keep = selected_a[self.a] & selected_b[self.b]
        best = np.zeros(self.count_b)
        np.maximum.at(best, self.b[keep], self.weight[keep])
        return best

    def best_choice_a(
        self, selected_a: BoolArray, selected_b: BoolArray
    ) -> tuple[FloatArray, IntArray]:
        """For every type of A, its best match weight among the selected types of
        B and that type (-1 where it has none)."""
        keep = np.flatnonzero(selected_a[self.a] & selected_b[self.b])
        best = np.zeros(self.count_a)
        choice = np.full(self.count_a, -1, dtype=np.int64)
        if len(keep):
            # Sorted by type of A, then weight descending: the first of each run wins.
            order = keep[np.lexsort((-self.weight[keep], self.a[keep]))]
            first = np.ones(len(order), dtype=np.bool_)
            first[1:] = self.a[order][1:] != self.a[order][:-1]
            winners = order[first]
            best[self.a[winners]] = self.weight[winners]
            choice[self.a[winners]] = self.b[winners]
        return best, choice


def _type_concepts(analysis: TextAnalysis, type_first_token: IntArray) -> tuple[IntArray, IntArray]:
    """(type, concept) pairs of every type's synonym concepts (those of a token
    of the type)."""
    ptr = analysis.concept_ptr
    starts = ptr[type_first_token]
    lengths = ptr[type_first_token + 1] - starts
    types = np.repeat(np.arange(len(type_first_token), dtype=np.int64), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    concepts = analysis.concept_ids[np.repeat(starts, lengths) + offsets]
    return types, concepts


def _occurrences(
    types: IntArray, sentences: IntArray, type_count: int, sentence_count: int
) -> _Occurrences:
    width = max(sentence_count, 1)
    key = np.unique(types * width + sentences)
    entry_types, entry_sentences = key // width, key % width
    ptr = np.zeros(type_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_types, minlength=type_count), out=ptr[1:])
    return _Occurrences(entry_sentences, ptr, entry_types)


def _expand_ranges(starts: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges ``starts[k]:starts[k] + counts[k]``: the range of each element
    and the elements themselves, all ranges concatenated."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(starts, counts) + within


def match_types(view_a: ContentView, view_b: ContentView, *, synonym_weight: float) -> TypeMatches:
    """Every matching type pair of the two texts, with its weight."""
    _, exact_a, exact_b = np.intersect1d(
        view_a.type_keys, view_b.type_keys, assume_unique=True, return_indices=True
    )
    pair_a, pair_b = exact_a.astype(np.int64), exact_b.astype(np.int64)
    weights = np.ones(len(pair_a))
    if synonym_weight > 0 and len(view_a.concepts) and len(view_b.concepts):
        lo = np.searchsorted(view_b.concepts, view_a.concepts, side="left")
        hi = np.searchsorted(view_b.concepts, view_a.concepts, side="right")
        owner, positions = _expand_ranges(lo, hi - lo)
        pair_a = np.concatenate([pair_a, view_a.concept_types[owner]])
        pair_b = np.concatenate([pair_b, view_b.concept_types[positions]])
        weights = np.concatenate([weights, np.full(len(owner), synonym_weight)])
    # One edge per type pair, an exact match outranking a synonym match.
    key = pair_a * view_b.type_count + pair_b
    order = np.lexsort((-weights, key))
    key, weights = key[order], weights[order]
    first = np.ones(len(key), dtype=np.bool_)
    first[1:] = key[1:] != key[:-1]
    key, weights = key[first], weights[first]
    return TypeMatches(
        a=key // max(view_b.type_count, 1),
        b=key % max(view_b.type_count, 1),
        weight=weights,
        count_a=view_a.type_count,
        count_b=view_b.type_count,
    )


class PairScores(NamedTuple):
    """Similarity of every sentence pair sharing at least one matched type."""

    suspicious: IntArray  # sentence index in the suspicious text
    source: IntArray  # sentence index in the source text
    similarity: FloatArray  # Dice coefficient over matched types (idf-weighted)
    matched: FloatArray  # number of matched type pairs
    containment: FloatArray  # share of the suspicious sentence's weight matched


def _idf(view_s: ContentView, view_r: ContentView) -> tuple[FloatArray, FloatArray]:
    """Inverse sentence frequency of each type over both texts of the pair.

    Words that run through both texts (the shared topic: "Korea", "student") say
    little about whether two particular sentences are copies; rarer shared words do.
    """
    frequency_s = np.diff(view_s.occurrences.ptr).astype(np.float64)
    frequency_r = np.diff(view_r.occurrences.ptr).astype(np.float64)
    _, index_s, index_r = np.intersect1d(
        view_s.type_keys, view_r.type_keys, assume_unique=True, return_indices=True
    )
    total_s, total_r = frequency_s.copy(), frequency_r.copy()
    total_s[index_s] += frequency_r[index_r]
    total_r[index_r] += frequency_s[index_s]
    sentences = view_s.sentence_count + view_r.sentence_count
    return np.log1p(sentences / total_s), np.log1p(sentences / total_r)


def score_sentence_pairs(
    view_s: ContentView,
    view_r: ContentView,
    matches: TypeMatches,
    *,
    max_links: int = MAX_LINKS,
) -> PairScores:
    """Scores of every sentence pair linked by a matched type pair.

    The matched weight of a pair, seen from one side, sums that side's idf times
    the match weight over the matched type pairs, capped at the sentence's weight
    (each type counts once per sentence). A type pair linking more than
    ``max_links`` sentence pairs (a word running through two long texts, with
    next to no idf weight) is left out of the matches, so long texts cost what
    their informative words cost, not the square of their length.
    """
    occurrences_s, occurrences_r = view_s.occurrences, view_r.occurrences
    idf_s, idf_r = _idf(view_s, view_r)
    weight_s = np.bincount(
        occurrences_s.sentences, weights=idf_s[occurrences_s.types], minlength=view_s.sentence_count
    )
    weight_r = np.bincount(
        occurrences_r.sentences, weights=idf_r[occurrences_r.types], minlength=view_r.sentence_count
    )
    degree_s, degree_r = np.diff(occurrences_s.ptr), np.diff(occurrences_r.ptr)
    # Every (matched type pair, sentence of its A type, sentence of its B type).
    per_edge = degree_s[matches.a] * degree_r[matches.b]
    per_edge[per_edge > max_links] = 0
    edge, offset = _expand_ranges(np.zeros(len(per_edge), dtype=np.int64), per_edge)
    span_r = degree_r[matches.b][edge]
    rows = occurrences_s.sentences[occurrences_s.ptr[matches.a][edge] + offset // span_r]
    cols = occurrences_r.sentences[occurrences_r.ptr[matches.b][edge] + offset % span_r]
    gain_s = idf_s[matches.a][edge] * matches.weight[edge]
    gain_r = idf_r[matches.b][edge] * matches.weight[edge]
    width = max(view_r.sentence_count, 1)
    key = rows * width + cols
    if view_s.sentence_count * width <= _DENSE_PAIR_LIMIT:
        size = view_s.sentence_count * width
        count = np.bincount(key, minlength=size)
        present = np.flatnonzero(count)
        from_s = np.bincount(key, weights=gain_s, minlength=size)[present]
        from_r = np.bincount(key, weights=gain_r, minlength=size)[present]
        matched = count[present].astype(np.float64)
    else:
        present, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        from_s = np.bincount(inverse, weights=gain_s, minlength=len(present))
        from_r = np.bincount(inverse, weights=gain_r, minlength=len(present))
        matched = counts.astype(np.float64)
    rows, cols = present // width, present % width
    matched_s = np.minimum(from_s, weight_s[rows])
    matched_r = np.minimum(from_r, weight_r[cols])
    return PairScores(
        suspicious=rows.astype(np.int64),
        source=cols.astype(np.int64),
        similarity=(matched_s + matched_r) / (weight_s[rows] + weight_r[cols]),
        matched=matched,
        containment=matched_s / np.maximum(weight_s[rows], 1e-9),
    )


class SeedMatrix(NamedTuple):
    """Seeds: sentence pairs whose content overlaps enough."""

    suspicious: IntArray  # sentence index in the suspicious text
    source: IntArray  # sentence index in the source text
    similarity: FloatArray  # Dice coefficient over matched types
    matched: FloatArray  # number of matched types
    containment: FloatArray  # share of the suspicious sentence's weight matched

    def subset(self, selected: IntArray | BoolArray) -> SeedMatrix:
        return SeedMatrix(
            suspicious=self.suspicious[selected],
            source=self.source[selected],
            similarity=self.similarity[selected],
            matched=self.matched[selected],
            containment=self.containment[selected],
        )


def select_seeds(
    scores: PairScores,
    *,
    threshold: float,
    min_matches: float,
    containment_threshold: float = 2.0,
) -> SeedMatrix:
    """The sentence pairs similar enough (or containing enough) to be seeds."""
    keep = ((scores.similarity >= threshold) | (scores.containment >= containment_threshold)) & (
        scores.matched >= min_matches
    )
    return SeedMatrix(
        suspicious=scores.suspicious[keep],
        source=scores.source[keep],
        similarity=scores.similarity[keep],
        matched=scores.matched[keep],
        containment=scores.containment[keep],
    )
