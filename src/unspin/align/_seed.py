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

# Sentence pairs scored at once (in a dense array): more suspicious sentences are
# scored block by block.
_DENSE_PAIR_LIMIT = 4_000_000
# See score_sentence_pairs: 64 sentences on both sides.
MAX_LINKS = 4096


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
    # Matches only through a WordNet link (see match_types); None: no such matches.
    linked: BoolArray | None = None

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


def match_types(
    view_a: ContentView,
    view_b: ContentView,
    *,
    synonym_weight: float,
    related_weight: float | None = None,
) -> TypeMatches:
    """Every matching type pair of the two texts, with its weight: 1 for equal types,
    ``synonym_weight`` for types sharing a synset, ``related_weight`` (by default
    ``synonym_weight``) for types linked only one step apart in WordNet (a shared
    negative concept id, see :meth:`~unspin.text.Lexicon.concepts`), which
    ``linked`` marks."""
    if related_weight is None:
        related_weight = synonym_weight
    _, exact_a, exact_b = np.intersect1d(
        view_a.type_keys, view_b.type_keys, assume_unique=True, return_indices=True
    )
    pair_a, pair_b = exact_a.astype(np.int64), exact_b.astype(np.int64)
    weights = np.ones(len(pair_a))
    via_link = np.zeros(len(pair_a), dtype=np.bool_)
    if synonym_weight > 0 and len(view_a.concepts) and len(view_b.concepts):
        lo = np.searchsorted(view_b.concepts, view_a.concepts, side="left")
        hi = np.searchsorted(view_b.concepts, view_a.concepts, side="right")
        owner, positions = _expand_ranges(lo, hi - lo)
        pair_a = np.concatenate([pair_a, view_a.concept_types[owner]])
        pair_b = np.concatenate([pair_b, view_b.concept_types[positions]])
        linked = view_a.concepts[owner] < 0
        weights = np.concatenate(
            [weights, np.where(linked, related_weight, synonym_weight).astype(np.float64)]
        )
        via_link = np.concatenate([via_link, linked])
    # One edge per type pair, an exact match outranking a synonym match, and a match
    # through a shared synset outranking one through a link of the same weight.
    key = pair_a * view_b.type_count + pair_b
    order = np.lexsort((via_link, -weights, key))
    key, weights, via_link = key[order], weights[order], via_link[order]
    first = np.ones(len(key), dtype=np.bool_)
    first[1:] = key[1:] != key[:-1]
    key, weights, via_link = key[first], weights[first], via_link[first]
    return TypeMatches(
        a=key // max(view_b.type_count, 1),
        b=key % max(view_b.type_count, 1),
        weight=weights,
        count_a=view_a.type_count,
        count_b=view_b.type_count,
        linked=via_link if via_link.any() else None,
    )


class PairScores(NamedTuple):
    """Similarity of every sentence pair sharing at least one matched type."""

    suspicious: IntArray  # sentence index in the suspicious text
    source: IntArray  # sentence index in the source text
    similarity: FloatArray  # Dice coefficient over matched types (idf-weighted)
    matched: FloatArray  # number of matched type pairs
    containment: FloatArray  # share of the suspicious sentence's weight matched
    source_containment: FloatArray  # share of the source sentence's weight matched


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


def _block_occurrences(
    occurrences: _Occurrences, first: int, end: int, type_count: int
) -> _Occurrences:
    """The occurrences in sentences ``first:end`` only."""
    inside = (occurrences.sentences >= first) & (occurrences.sentences < end)
    types = occurrences.types[inside]
    ptr = np.zeros(type_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(types, minlength=type_count), out=ptr[1:])
    return _Occurrences(occurrences.sentences[inside], ptr, types)


def score_sentence_pairs(
    view_s: ContentView,
    view_r: ContentView,
    matches: TypeMatches,
    *,
    max_links: int = MAX_LINKS,
    keep_similarity: float = 0.0,
    keep_containment: float = 0.0,
    keep_source_containment: float = 2.0,
) -> PairScores:
    """Scores of the sentence pairs linked by a matched type pair whose
    similarity reaches ``keep_similarity``, containment ``keep_containment`` or
    source containment ``keep_source_containment``.

    The matched weight of a pair, seen from one side, sums that side's idf times
    the match weight over the matched type pairs, capped at the sentence's weight
    (each type counts once per sentence). A type pair linking more than
    ``max_links`` sentence pairs (a word running through two long texts, with
    next to no idf weight) is left out of the matches, so long texts cost what
    their informative words cost, not the square of their length. Suspicious
    sentences are scored in blocks, so memory stays bounded.
    """
    idf_s, idf_r = _idf(view_s, view_r)
    occurrences_s, occurrences_r = view_s.occurrences, view_r.occurrences
    weight_s = np.bincount(
        occurrences_s.sentences, weights=idf_s[occurrences_s.types], minlength=view_s.sentence_count
    )
    weight_r = np.bincount(
        occurrences_r.sentences, weights=idf_r[occurrences_r.types], minlength=view_r.sentence_count
    )
    degree_r = np.diff(occurrences_r.ptr)
    allowed = np.diff(occurrences_s.ptr)[matches.a] * degree_r[matches.b] <= max_links
    a, b, link_weight = matches.a[allowed], matches.b[allowed], matches.weight[allowed]
    # A sentence pair's containment (what summary seeds and edge partners are found
    # by) counts no WordNet link: over a long source window, links to related words
    # ("award" and "Oscar") add up without any copying.
    plain_weight = None
    if matches.linked is not None:
        plain_weight = np.where(matches.linked[allowed], 0.0, link_weight)
    width = max(view_r.sentence_count, 1)
    rows_per_block = max(1, _DENSE_PAIR_LIMIT // width)
    blocks: list[PairScores] = []
    for first in range(0, view_s.sentence_count, rows_per_block):
        end = min(first + rows_per_block, view_s.sentence_count)
        block = _block_occurrences(occurrences_s, first, end, view_s.type_count)
        per_edge = np.diff(block.ptr)[a] * degree_r[b]
        local, offset = _expand_ranges(np.zeros(len(per_edge), dtype=np.int64), per_edge)
        span_r = degree_r[b][local]
        rows = block.sentences[block.ptr[a][local] + offset // span_r] - first
        cols = occurrences_r.sentences[occurrences_r.ptr[b][local] + offset % span_r]
        key = rows * width + cols
        size = (end - first) * width
        count = np.bincount(key, minlength=size)
        present = np.flatnonzero(count)
        from_s = np.bincount(key, weights=idf_s[a][local] * link_weight[local], minlength=size)
        from_r = np.bincount(key, weights=idf_r[b][local] * link_weight[local], minlength=size)
        pair_rows, pair_cols = present // width + first, present % width
        matched_s = np.minimum(from_s[present], weight_s[pair_rows])
        matched_r = np.minimum(from_r[present], weight_r[pair_cols])
        similarity = (matched_s + matched_r) / (weight_s[pair_rows] + weight_r[pair_cols])
        if plain_weight is not None:
            plain_s = np.bincount(
                key, weights=idf_s[a][local] * plain_weight[local], minlength=size
            )
            plain_r = np.bincount(
                key, weights=idf_r[b][local] * plain_weight[local], minlength=size
            )
            contained_s = np.minimum(plain_s[present], weight_s[pair_rows])
            contained_r = np.minimum(plain_r[present], weight_r[pair_cols])
        else:
            contained_s, contained_r = matched_s, matched_r
        containment = contained_s / np.maximum(weight_s[pair_rows], 1e-9)
        source_containment = contained_r / np.maximum(weight_r[pair_cols], 1e-9)
        keep = (
            (similarity >= keep_similarity)
            | (containment >= keep_containment)
            | (source_containment >= keep_source_containment)
        )
        blocks.append(
            PairScores(
                suspicious=pair_rows[keep].astype(np.int64),
                source=pair_cols[keep].astype(np.int64),
                similarity=similarity[keep],
                matched=count[present][keep].astype(np.float64),
                containment=containment[keep],
                source_containment=source_containment[keep],
            )
        )
    if not blocks:
        empty = np.zeros(0)
        no_sentences = empty.astype(np.int64)
        return PairScores(no_sentences, no_sentences, empty, empty, empty, empty)
    return PairScores(*(np.concatenate(column) for column in zip(*blocks, strict=True)))


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
