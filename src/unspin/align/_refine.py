"""Refinement: word-exact passage edges inside a box of whole sentences.

Seeding and extension work on sentences, so a passage found there starts and ends
on sentence boundaries. Where a copied passage begins or ends inside a unit the
segmenter could not split (a heading on the line before the first sentence, a list
item without a full stop running on into other text) the edge unit is only partly
copied. Refinement re-reads the box word by word: the content words of both sides
are aligned in order (longest common subsequence over lemma keys, synonyms mapped
onto the word they stand for), the densest chain of aligned words is found, and
each side's first and last unit are cut back to where that chain starts and ends.
Units further in are never dropped, so sentences reordered inside a passage (which
an in-order alignment cannot follow) stay in it. An edge cut back by only a few
content words is snapped back to its unit's edge: rewrites often touch the first
and last words of a sentence.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import LCSseq

from unspin.align._seed import ContentView, TypeMatches
from unspin.text._analysis import TextAnalysis

__all__ = ["Edges", "refine_edges"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Edges(NamedTuple):
    """Refined token ranges (half-open) of both sides of a passage."""

    suspicious_tokens: tuple[int, int]
    source_tokens: tuple[int, int]


def _mapped_keys(
    view_s: ContentView,
    view_r: ContentView,
    matches: TypeMatches,
    types_s: IntArray,
    types_r: IntArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Sequences to align: the source's own keys, and for each suspicious word the
    key of the source type it best matches in the box (a key of its own when it
    matches none), with the weight of that match."""
    unique_s, inverse_s = np.unique(types_s, return_inverse=True)
    unique_r = np.unique(types_r)
    block = matches.weights[unique_s][:, unique_r].tocsr()
    best_column = np.asarray(block.argmax(axis=1)).ravel()
    best_weight = np.asarray(block.max(axis=1).todense()).ravel()
    unmatched = -1 - np.arange(len(unique_s), dtype=np.int64)  # never a source key
    mapped = np.where(best_weight > 0, view_r.type_keys[unique_r[best_column]], unmatched)
    return mapped[inverse_s], view_r.type_keys[types_r], best_weight[inverse_s]


def _aligned_pairs(keys_s: IntArray, keys_r: IntArray) -> tuple[IntArray, IntArray]:
    """Positions of the words aligned by a longest common subsequence."""
    pairs_s: list[int] = []
    pairs_r: list[int] = []
    for opcode in LCSseq.opcodes(keys_s.tolist(), keys_r.tolist()):
        if opcode.tag == "equal":
            length = opcode.src_end - opcode.src_start
            pairs_s.extend(range(opcode.src_start, opcode.src_start + length))
            pairs_r.extend(range(opcode.dest_start, opcode.dest_start + length))
    return np.asarray(pairs_s, dtype=np.int64), np.asarray(pairs_r, dtype=np.int64)


def _densest_chain(
    pairs_s: IntArray, pairs_r: IntArray, gains: FloatArray, gap_cost: float
) -> tuple[int, int]:
    """Indexes ``first, last`` of the run of aligned pairs with the highest total:
    each pair gains its weight, each word skipped between two pairs (averaged over
    both sides) costs ``gap_cost``. Kadane's maximum-sum segment."""
    skipped = np.zeros(len(pairs_s))
    skipped[1:] = (np.diff(pairs_s) + np.diff(pairs_r) - 2) / 2.0
    steps = (gains - gap_cost * skipped).tolist()
    gain_list = gains.tolist()
    best_total, best_first, best_last = -1.0, 0, 0
    total, first = 0.0, 0
    for index, step in enumerate(steps):
        if index == 0 or total + step < gain_list[index]:
            total, first = gain_list[index], index
        else:
            total += step
        if total > best_total:
            best_total, best_first, best_last = total, first, index
    return best_first, best_last


class _Prefix(NamedTuple):
    analysis: TextAnalysis
    content_before: IntArray


_prefix_cache: dict[int, _Prefix] = {}


def _content_before(analysis: TextAnalysis) -> IntArray:
    """Number of content tokens before each token index (length ``n + 1``)."""
    cached = _prefix_cache.get(id(analysis))
    if cached is not None and cached.analysis is analysis:
        return cached.content_before
    prefix = np.zeros(analysis.token_count + 1, dtype=np.int64)
    np.cumsum(analysis.content, out=prefix[1:])
    if len(_prefix_cache) > 64:
        _prefix_cache.clear()
    _prefix_cache[id(analysis)] = _Prefix(analysis, prefix)
    return prefix


def _unit_bounds(analysis: TextAnalysis, token: int) -> tuple[int, int]:
    """The token range of the unit (sentence) holding ``token``."""
    ptr = analysis.sentence_ptr
    unit = int(np.searchsorted(ptr, token, side="right")) - 1
    return int(ptr[unit]), int(ptr[unit + 1])


def _with_margin(analysis: TextAnalysis, box: tuple[int, int]) -> tuple[int, int]:
    """The box grown by one unit on each side (where there is one)."""
    start, end = box
    if start > 0:
        start = _unit_bounds(analysis, start - 1)[0]
    if end < analysis.token_count:
        end = _unit_bounds(analysis, end)[1]
    return start, end


def _new_edges(
    analysis: TextAnalysis, box: tuple[int, int], chain: tuple[int, int], slack: int
) -> tuple[int, int]:
    """The box's edges moved to the chain's ends: cut back inside the box's first
    and last unit, or grown into the unit beyond; a move over at most ``slack``
    content words is not made (rewrites often touch a sentence's edge words)."""
    before = _content_before(analysis)
    start, end = box
    first_unit_end = _unit_bounds(analysis, box[0])[1]
    last_unit_start = _unit_bounds(analysis, box[1] - 1)[0]
    new_start = chain[0] if chain[0] < first_unit_end else start
    if abs(int(before[new_start]) - int(before[start])) > slack:
        start = new_start
        # Keep the function words leading up to the first matching word ("in the").
        floor = _unit_bounds(analysis, start)[0]
        while start > floor and not analysis.content[start - 1]:
            start -= 1
    new_end = chain[1] if chain[1] > last_unit_start else end
    if abs(int(before[end]) - int(before[new_end])) > slack:
        end = new_end
    return start, end


def refine_edges(
    suspicious: TextAnalysis,
    view_s: ContentView,
    source: TextAnalysis,
    view_r: ContentView,
    matches: TypeMatches,
    box_s: tuple[int, int],
    box_r: tuple[int, int],
    *,
    gap_cost: float,
    edge_slack: int,
    min_order: float,
) -> Edges:
    """The token ranges of sentence boxes ``box_s`` / ``box_r`` with their edges
    moved to the ends of the densest in-order chain of matching words, within one
    unit of where they were.

    Only passages that kept their word order (at least ``min_order`` of the words
    of the shorter side in the in-order alignment) are refined: where words were
    shuffled, an in-order chain ends at random places.
    """
    wide_s, wide_r = _with_margin(suspicious, box_s), _with_margin(source, box_r)
    lo_s, hi_s = (int(x) for x in np.searchsorted(view_s.tokens, wide_s))
    lo_r, hi_r = (int(x) for x in np.searchsorted(view_r.tokens, wide_r))
    if hi_s <= lo_s or hi_r <= lo_r:
        return Edges(box_s, box_r)
    keys_s, keys_r, weight_s = _mapped_keys(
        view_s, view_r, matches, view_s.types[lo_s:hi_s], view_r.types[lo_r:hi_r]
    )
    pairs_s, pairs_r = _aligned_pairs(keys_s, keys_r)
    if len(pairs_s) == 0:
        return Edges(box_s, box_r)
    inside_s = np.searchsorted(view_s.tokens, box_s) - lo_s
    inside_r = np.searchsorted(view_r.tokens, box_r) - lo_r
    in_box = (
        (pairs_s >= inside_s[0]) & (pairs_s < inside_s[1])
        & (pairs_r >= inside_r[0]) & (pairs_r < inside_r[1])
    )
    shorter = min(inside_s[1] - inside_s[0], inside_r[1] - inside_r[0])
    if in_box.sum() < min_order * shorter:
        return Edges(box_s, box_r)
    first, last = _densest_chain(pairs_s, pairs_r, weight_s[pairs_s], gap_cost)
    chain_s = (
        int(view_s.tokens[lo_s + pairs_s[first]]),
        int(view_s.tokens[lo_s + pairs_s[last]]) + 1,
    )
    chain_r = (
        int(view_r.tokens[lo_r + pairs_r[first]]),
        int(view_r.tokens[lo_r + pairs_r[last]]) + 1,
    )
    return Edges(
        _new_edges(suspicious, box_s, chain_s, edge_slack),
        _new_edges(source, box_r, chain_r, edge_slack),
    )
