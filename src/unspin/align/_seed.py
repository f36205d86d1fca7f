"""Seeding: which sentence of one text shares its content with which of the other.

Each text's content words become *types* (lemma or canonical number). A type of one
text matches a type of the other when the lemmas are equal, or, with a lower weight,
when the lexicon puts them in a shared synonym concept ("summit" and "top"). Sentence
similarity is then a Dice coefficient over matched types, computed for all sentence
pairs at once with sparse matrix products, so cost follows the number of matching
pairs rather than the product of the text lengths.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from unspin.text._analysis import TextAnalysis

__all__ = [
    "ContentView",
    "SeedMatrix",
    "TypeMatches",
    "content_view",
    "match_types",
    "seed_sentences",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class ContentView(NamedTuple):
    """The content words of a text, grouped into types."""

    tokens: IntArray  # token index of each content word
    sentences: IntArray  # sentence index of each content word
    types: IntArray  # type index of each content word
    type_keys: IntArray  # key of each type
    type_first_token: IntArray  # a token of each type (for its concepts)


def content_view(analysis: TextAnalysis) -> ContentView:
    tokens = np.flatnonzero(analysis.content).astype(np.int64)
    sentences = np.searchsorted(analysis.sentence_ptr, tokens, side="right") - 1
    keys = analysis.keys[tokens]
    type_keys, first, types = np.unique(keys, return_index=True, return_inverse=True)
    return ContentView(
        tokens=tokens,
        sentences=sentences.astype(np.int64),
        types=types.astype(np.int64),
        type_keys=type_keys,
        type_first_token=tokens[first],
    )


class TypeMatches(NamedTuple):
    """Sparse (types of A) × (types of B) match weights: 1 equal, ``w`` synonyms."""

    weights: sparse.csr_matrix


def _type_concepts(analysis: TextAnalysis, view: ContentView) -> sparse.csr_matrix:
    ptr = analysis.concept_ptr
    starts = ptr[view.type_first_token]
    lengths = ptr[view.type_first_token + 1] - starts
    rows = np.repeat(np.arange(len(view.type_keys)), lengths)
    # Gather each type's concept ids without a Python loop.
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    cols = analysis.concept_ids[np.repeat(starts, lengths) + offsets]
    data = np.ones(len(rows), dtype=np.float64)
    width = int(cols.max()) + 1 if len(cols) else 1
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(view.type_keys), width))


def match_types(
    a: TextAnalysis,
    view_a: ContentView,
    b: TextAnalysis,
    view_b: ContentView,
    *,
    synonym_weight: float,
) -> TypeMatches:
    size = (len(view_a.type_keys), len(view_b.type_keys))
    _, index_a, index_b = np.intersect1d(
        view_a.type_keys, view_b.type_keys, assume_unique=True, return_indices=True
    )
    exact = sparse.csr_matrix(
        (np.ones(len(index_a)), (index_a, index_b)), shape=size, dtype=np.float64
    )
    if synonym_weight <= 0 or len(a.concept_ids) == 0 or len(b.concept_ids) == 0:
        return TypeMatches(exact)
    concepts_a = _type_concepts(a, view_a)
    concepts_b = _type_concepts(b, view_b)
    width = max(concepts_a.shape[1], concepts_b.shape[1])
    concepts_a.resize((concepts_a.shape[0], width))
    concepts_b.resize((concepts_b.shape[0], width))
    shared = (concepts_a @ concepts_b.T).tocsr()
    shared.data[:] = synonym_weight
    # An exact match outranks a synonym match of the same two types.
    weights = shared.maximum(exact).tocsr()
    return TypeMatches(weights)


class SeedMatrix(NamedTuple):
    """Seeds: sentence pairs whose content overlaps enough."""

    suspicious: IntArray  # sentence index in the suspicious text
    source: IntArray  # sentence index in the source text
    similarity: FloatArray  # Dice coefficient over matched types
    matched: FloatArray  # number of matched types
    containment: FloatArray  # share of the suspicious sentence's weight matched


def _sentence_types(view: ContentView, sentence_count: int) -> sparse.csr_matrix:
    matrix = sparse.csr_matrix(
        (np.ones(len(view.types)), (view.sentences, view.types)),
        shape=(sentence_count, len(view.type_keys)),
    )
    matrix.data[:] = 1.0  # a type counts once per sentence
    return matrix


def _idf(
    view_s: ContentView,
    sentences_s: sparse.csr_matrix,
    view_r: ContentView,
    sentences_r: sparse.csr_matrix,
) -> tuple[FloatArray, FloatArray]:
    """Inverse sentence frequency of each type over both texts of the pair.

    Words that run through both texts (the shared topic: "Korea", "student") say
    little about whether two particular sentences are copies; rarer shared words do.
    """
    frequency_s = np.asarray(sentences_s.sum(axis=0)).ravel()
    frequency_r = np.asarray(sentences_r.sum(axis=0)).ravel()
    _, index_s, index_r = np.intersect1d(
        view_s.type_keys, view_r.type_keys, assume_unique=True, return_indices=True
    )
    total_s, total_r = frequency_s.copy(), frequency_r.copy()
    total_s[index_s] += frequency_r[index_r]
    total_r[index_r] += frequency_s[index_s]
    sentences = sentences_s.shape[0] + sentences_r.shape[0]
    return np.log1p(sentences / total_s), np.log1p(sentences / total_r)


def seed_sentences(
    suspicious: TextAnalysis,
    view_s: ContentView,
    source: TextAnalysis,
    view_r: ContentView,
    matches: TypeMatches,
    *,
    threshold: float,
    min_matches: float,
    containment_threshold: float = 2.0,
) -> SeedMatrix:
    sentences_s = _sentence_types(view_s, suspicious.sentence_count)
    sentences_r = _sentence_types(view_r, source.sentence_count)
    idf_s, idf_r = _idf(view_s, sentences_s, view_r, sentences_r)
    binary = matches.weights.copy()
    binary.data[:] = 1.0
    # Matched weight seen from each side: a type's weight counts once if it has any
    # match in the other sentence (capped below), scaled by the match quality.
    from_s = (sentences_s.multiply(idf_s).tocsr() @ matches.weights @ sentences_r.T).tocoo()
    count = (sentences_s @ binary @ sentences_r.T).tocsr()
    from_r = (sentences_s @ matches.weights @ sentences_r.multiply(idf_r).T).tocsr()
    weight_s = np.asarray(sentences_s.multiply(idf_s).sum(axis=1)).ravel()
    weight_r = np.asarray(sentences_r.multiply(idf_r).sum(axis=1)).ravel()
    rows, cols = from_s.row, from_s.col
    matched_s = np.minimum(from_s.data, weight_s[rows])
    matched_r = np.minimum(np.asarray(from_r[rows, cols]).ravel(), weight_r[cols])
    matched = np.asarray(count[rows, cols]).ravel()
    similarity = (matched_s + matched_r) / (weight_s[rows] + weight_r[cols])
    containment = matched_s / np.maximum(weight_s[rows], 1e-9)
    keep = ((similarity >= threshold) | (containment >= containment_threshold)) & (
        matched >= min_matches
    )
    return SeedMatrix(
        suspicious=rows[keep].astype(np.int64),
        source=cols[keep].astype(np.int64),
        similarity=similarity[keep],
        matched=matched[keep],
        containment=containment[keep],
    )
