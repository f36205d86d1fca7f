"""Refinement: from a box of whole sentences to word-exact passage boundaries.

Seeding and extension work on sentences, so a passage found there starts and ends
on sentence boundaries and takes in whole edge sentences that merely share the
topic (or a heading glued to the first sentence). Refinement re-reads the box word
by word: the content words of both sides are aligned in order (longest common
subsequence over lemma keys, with synonyms mapped onto the word they stand for),
the densest chain of aligned words is kept, and its ends are grown back over
identical words and snapped to a sentence edge when only a few words separate
them from it (rewrites often touch the first and last words of a sentence).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from unspin.align._seed import ContentView, TypeMatches
from unspin.text._analysis import TextAnalysis

__all__ = ["Chain", "refine_box"]

IntArray = npt.NDArray[np.int64]


class Chain(NamedTuple):
    """A refined passage in token coordinates (half-open) and its word evidence."""

    suspicious_tokens: tuple[int, int]
    source_tokens: tuple[int, int]


def _supported(
    view: ContentView,
    other_view: ContentView,
    weights: sparse.csr_matrix,
    lo: int,
    hi: int,
    partners: sparse.csr_matrix,
) -> npt.NDArray[np.bool_]:
    """Which content words ``lo:hi`` of one side match a word of a sentence their
    own sentence was paired with (``partners``: this side's sentences × the other
    side's sentences)."""
    sentences = view.sentences[lo:hi]
    types = view.types[lo:hi]
    rows = np.unique(sentences)
    # Types present in each of the other side's sentences that are partners.
    other_types = sparse.csr_matrix(
        (np.ones(len(other_view.types)), (other_view.sentences, other_view.types)),
        shape=(int(other_view.sentences.max()) + 1, len(other_view.type_keys)),
    )
    reachable = (partners[rows] @ other_types @ weights.T).tocsr()
    local_row = np.searchsorted(rows, sentences)
    return np.asarray(reachable[local_row, types] > 0).ravel()


def _densest_run(supported: npt.NDArray[np.bool_], gap_cost: float) -> tuple[int, int]:
    """The run of words with the highest total: a supported word gains 1, another
    costs ``gap_cost`` (Kadane's maximum-sum segment); half-open indexes."""
    values = np.where(supported, 1.0, -gap_cost).tolist()
    best_total, best_first, best_end = -1.0, 0, 0
    total, first = 0.0, 0
    for index, value in enumerate(values):
        if total <= 0:
            total, first = value, index
        else:
            total += value
        if total > best_total:
            best_total, best_first, best_end = total, first, index + 1
    return best_first, best_end


def _snap(analysis: TextAnalysis, tokens: tuple[int, int], slack: int) -> tuple[int, int]:
    """Move each end to its sentence's edge when at most ``slack`` content words
    lie between them."""
    start, end = tokens
    ptr = analysis.sentence_ptr
    content_before = _content_prefix(analysis)
    sentence = int(np.searchsorted(ptr, start, side="right")) - 1
    sentence_start = int(ptr[sentence])
    if content_before[start] - content_before[sentence_start] <= slack:
        start = sentence_start
    sentence = int(np.searchsorted(ptr, end - 1, side="right")) - 1
    sentence_end = int(ptr[sentence + 1])
    if content_before[sentence_end] - content_before[end] <= slack:
        end = sentence_end
    return start, end


_prefix_cache: dict[int, tuple[TextAnalysis, IntArray]] = {}


def _content_prefix(analysis: TextAnalysis) -> IntArray:
    """Number of content tokens before each token index (length ``n + 1``)."""
    cached = _prefix_cache.get(id(analysis))
    if cached is not None and cached[0] is analysis:
        return cached[1]
    prefix = np.zeros(analysis.token_count + 1, dtype=np.int64)
    np.cumsum(analysis.content, out=prefix[1:])
    if len(_prefix_cache) > 64:
        _prefix_cache.clear()
    _prefix_cache[id(analysis)] = (analysis, prefix)
    return prefix


def refine_box(
    suspicious: TextAnalysis,
    view_s: ContentView,
    source: TextAnalysis,
    view_r: ContentView,
    matches: TypeMatches,
    seeds_s: IntArray,
    seeds_r: IntArray,
    *,
    gap_cost: float,
    edge_slack: int,
) -> Chain | None:
    """The word-exact passage of a group of seeds (sentence pairs ``seeds_s[k]``,
    ``seeds_r[k]``), or None when no content word finds its match."""
    box_s = (
        int(suspicious.sentence_ptr[seeds_s.min()]),
        int(suspicious.sentence_ptr[seeds_s.max() + 1]),
    )
    box_r = (int(source.sentence_ptr[seeds_r.min()]), int(source.sentence_ptr[seeds_r.max() + 1]))
    lo_s, hi_s = (int(x) for x in np.searchsorted(view_s.tokens, box_s))
    lo_r, hi_r = (int(x) for x in np.searchsorted(view_r.tokens, box_r))
    if hi_s <= lo_s or hi_r <= lo_r:
        return None
    partners = sparse.csr_matrix(
        (np.ones(len(seeds_s)), (seeds_s, seeds_r)),
        shape=(suspicious.sentence_count, source.sentence_count),
    )
    supported_s = _supported(view_s, view_r, matches.weights, lo_s, hi_s, partners)
    supported_r = _supported(view_r, view_s, matches.weights.T.tocsr(), lo_r, hi_r, partners.T.tocsr())
    if not supported_s.any() or not supported_r.any():
        return None
    first_s, end_s = _densest_run(supported_s, gap_cost)
    first_r, end_r = _densest_run(supported_r, gap_cost)
    span_s = (int(view_s.tokens[lo_s + first_s]), int(view_s.tokens[lo_s + end_s - 1]) + 1)
    span_r = (int(view_r.tokens[lo_r + first_r]), int(view_r.tokens[lo_r + end_r - 1]) + 1)
    if edge_slack >= 0:
        span_s = _snap(suspicious, span_s, edge_slack)
        span_r = _snap(source, span_r, edge_slack)
    return Chain(suspicious_tokens=span_s, source_tokens=span_r)
