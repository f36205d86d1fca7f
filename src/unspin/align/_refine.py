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

A chain that matches word for word (``verbatim_share`` of the words it spans, between
its first and last runs of copied text) is a verbatim copy: its edges are known
exactly, so they move to those runs in any unit of the box, with no slack.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import LCSseq

from unspin.align._seed import ContentView, TypeMatches
from unspin.text._analysis import TextAnalysis

__all__ = ["Edges", "InOrder", "in_order_share", "refine_edges"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Edges(NamedTuple):
    """Refined token ranges (half-open) of both sides of a passage."""

    suspicious_tokens: tuple[int, int]
    source_tokens: tuple[int, int]
    # Share of the words spanned by the chain that match word for word, in order,
    # when that chain holds most of the passage (0 otherwise).
    exact_share: float = 0.0


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
    selected_s = np.zeros(matches.count_a, dtype=np.bool_)
    selected_r = np.zeros(matches.count_b, dtype=np.bool_)
    selected_s[unique_s] = True
    selected_r[types_r] = True
    best_weight, best_type = matches.best_choice_a(selected_s, selected_r)
    best_weight, best_type = best_weight[unique_s], best_type[unique_s]
    unmatched = -1 - np.arange(len(unique_s), dtype=np.int64)  # never a source key
    mapped = np.where(best_weight > 0, view_r.type_keys[np.maximum(best_type, 0)], unmatched)
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


class InOrder(NamedTuple):
    """How a passage's two sides align in order (see :func:`in_order_share`)."""

    # Share of the shorter side's content words paired with words of the other side.
    share: float
    # Share of the words between the first and last pair (the longer side's count)
    # that pair word for word: near 1.0 when all the two sides share is one verbatim
    # run, such as "the harbour authority spokeswoman said" before different words.
    verbatim_core: float


def in_order_share(
    view_s: ContentView,
    view_r: ContentView,
    matches: TypeMatches,
    tokens_s: tuple[int, int],
    tokens_r: tuple[int, int],
) -> InOrder:
    """How much of a passage's shorter side an in-order alignment (longest common
    subsequence, synonyms mapped as in refinement) pairs with words of the other
    side: a share of 1.0 when the shorter side is contained in the longer one, in
    the same order."""
    lo_s, hi_s = (int(x) for x in np.searchsorted(view_s.tokens, tokens_s))
    lo_r, hi_r = (int(x) for x in np.searchsorted(view_r.tokens, tokens_r))
    shorter = min(hi_s - lo_s, hi_r - lo_r)
    if shorter <= 0:
        return InOrder(0.0, 0.0)
    keys_s, keys_r, weights = _mapped_keys(
        view_s, view_r, matches, view_s.types[lo_s:hi_s], view_r.types[lo_r:hi_r]
    )
    pairs_s, pairs_r = _aligned_pairs(keys_s, keys_r)
    if len(pairs_s) == 0:
        return InOrder(0.0, 0.0)
    core = max(pairs_s[-1] - pairs_s[0], pairs_r[-1] - pairs_r[0]) + 1
    exact = int(np.count_nonzero(weights[pairs_s] >= 1.0))
    return InOrder(len(pairs_s) / shorter, exact / int(core))


EDGE_GAP = 2


def _without_stray_ends(
    pairs_s: IntArray, pairs_r: IntArray, first: int, last: int, max_gap: int
) -> tuple[int, int]:
    """Drop aligned pairs at the chain's ends that a gap of more than ``max_gap``
    words (on either side) separates from the rest: a word repeated just before a
    copy ("museum news" above "The museum reopened") aligns as well as the copied
    one, and the alignment takes the first."""

    def gap(k: int) -> int:  # words skipped between pair k and pair k + 1
        return int(max(pairs_s[k + 1] - pairs_s[k], pairs_r[k + 1] - pairs_r[k])) - 1

    while first < last and gap(first) > max_gap:
        first += 1
    while last > first and gap(last - 1) > max_gap:
        last -= 1
    return first, last


VERBATIM_RUN = 3
# A chain is verbatim when it holds at least this share of the passage's shorter side.
VERBATIM_MIN_SHARE = 0.5


def _run_ends(
    tokens_s: IntArray, tokens_r: IntArray, first: int, last: int, run: int = VERBATIM_RUN
) -> tuple[int, int]:
    """Move the chain's ends in to the first and last ``run`` aligned words that
    are as far apart on both sides (token positions ``tokens_*`` of the aligned
    pairs): a verbatim copy starts and ends in a run of copied text, while a word
    repeated just before it ("Professor Wayne Zelinski ... Professor Zelinski
    will") aligns with gaps that differ."""
    in_step = np.diff(tokens_s) == np.diff(tokens_r)
    if len(in_step) < run - 1:
        return first, last
    # starts[k]: pairs k .. k + run - 1 are in step.
    starts = np.flatnonzero(np.lib.stride_tricks.sliding_window_view(in_step, run - 1).all(axis=1))
    inside = starts[(starts >= first) & (starts + run - 1 <= last)]
    if len(inside) == 0:
        return first, last
    return int(inside[0]), int(inside[-1]) + run - 1


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
    analysis: TextAnalysis,
    box: tuple[int, int],
    chain: tuple[int, int],
    slack: int,
    *,
    verbatim: bool = False,
) -> tuple[int, int]:
    """The box's edges moved to the chain's ends: cut back inside the box's first
    and last unit (anywhere in the box when ``verbatim``), or grown into the unit
    beyond; a move over at most ``slack`` content words is not made (rewrites
    often touch a sentence's edge words)."""
    before = _content_before(analysis)
    start, end = box
    first_unit_end = box[1] if verbatim else _unit_bounds(analysis, box[0])[1]
    last_unit_start = box[0] if verbatim else _unit_bounds(analysis, box[1] - 1)[0]
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


# Content words aligned at each end of a long passage: its edges are decided
# near them, and aligning all of a long copy word by word would cost its square.
WINDOW = 240


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
    verbatim_share: float = 2.0,
    only_verbatim: bool = False,
) -> Edges:
    """The token ranges of sentence boxes ``box_s`` / ``box_r`` with their edges
    moved to the ends of the densest in-order chain of matching words, within one
    unit of where they were.

    Only passages that kept their word order (at least ``min_order`` of the words
    of the shorter side in the in-order alignment) are refined: where words were
    shuffled, an in-order chain ends at random places. A long passage is aligned
    in two windows, one at each end.

    A verbatim chain (see the module docstring) moves the edges anywhere in the
    box; with ``only_verbatim`` any other chain leaves the box as it is. The
    result carries the chain's exact share either way.
    """
    wide_s, wide_r = _with_margin(suspicious, box_s), _with_margin(source, box_r)
    box_lo_s, box_hi_s = (int(x) for x in np.searchsorted(view_s.tokens, box_s))
    box_lo_r, box_hi_r = (int(x) for x in np.searchsorted(view_r.tokens, box_r))
    lo_s, hi_s = (int(x) for x in np.searchsorted(view_s.tokens, wide_s))
    lo_r, hi_r = (int(x) for x in np.searchsorted(view_r.tokens, wide_r))
    if box_hi_s <= box_lo_s or box_hi_r <= box_lo_r:
        return Edges(box_s, box_r)
    aligner = _Aligner(view_s, view_r, matches, gap_cost, min_order, verbatim_share)
    if max(box_hi_s - box_lo_s, box_hi_r - box_lo_r) <= 2 * WINDOW:
        chain = aligner.chain(
            (lo_s, hi_s), (lo_r, hi_r), (box_lo_s, box_hi_s), (box_lo_r, box_hi_r)
        )
        if chain is None:
            return Edges(box_s, box_r)
        chain_s, chain_r, exact_share = chain
    else:
        head = aligner.chain(
            (lo_s, box_lo_s + WINDOW),
            (lo_r, box_lo_r + WINDOW),
            (box_lo_s, box_lo_s + WINDOW),
            (box_lo_r, box_lo_r + WINDOW),
        )
        tail = aligner.chain(
            (box_hi_s - WINDOW, hi_s),
            (box_hi_r - WINDOW, hi_r),
            (box_hi_s - WINDOW, box_hi_s),
            (box_hi_r - WINDOW, box_hi_r),
        )
        chain_s = (head[0][0] if head else box_s[0], tail[0][1] if tail else box_s[1])
        chain_r = (head[1][0] if head else box_r[0], tail[1][1] if tail else box_r[1])
        exact_share = min(head.exact_share if head else 0.0, tail.exact_share if tail else 0.0)
    chain_s, chain_r = _grow_identical(suspicious, source, chain_s, chain_r)
    verbatim = exact_share >= verbatim_share
    if only_verbatim and not verbatim:
        return Edges(box_s, box_r, exact_share)
    # A word-for-word copy has no rewritten edge words to allow for.
    slack = 0 if verbatim else edge_slack
    return Edges(
        _new_edges(suspicious, box_s, chain_s, slack, verbatim=verbatim),
        _new_edges(source, box_r, chain_r, slack, verbatim=verbatim),
        exact_share,
    )


class _Chain(NamedTuple):
    suspicious: tuple[int, int]
    source: tuple[int, int]
    exact_share: float  # content words spanned that match word for word, in order


class _Aligner(NamedTuple):
    view_s: ContentView
    view_r: ContentView
    matches: TypeMatches
    gap_cost: float
    min_order: float
    verbatim_share: float

    def chain(
        self,
        window_s: tuple[int, int],
        window_r: tuple[int, int],
        inner_s: tuple[int, int],
        inner_r: tuple[int, int],
    ) -> _Chain | None:
        """Token ranges of the densest in-order chain of matching words between
        the content words ``window_s`` and ``window_r`` (positions in the views),
        or None when the words ``inner_*`` (the part inside the passage) are not
        in order enough to trust one."""
        view_s, view_r = self.view_s, self.view_r
        (lo_s, hi_s), (lo_r, hi_r) = window_s, window_r
        keys_s, keys_r, weight_s = _mapped_keys(
            view_s, view_r, self.matches, view_s.types[lo_s:hi_s], view_r.types[lo_r:hi_r]
        )
        pairs_s, pairs_r = _aligned_pairs(keys_s, keys_r)
        if len(pairs_s) == 0:
            return None
        in_inner = (
            (pairs_s >= inner_s[0] - lo_s)
            & (pairs_s < inner_s[1] - lo_s)
            & (pairs_r >= inner_r[0] - lo_r)
            & (pairs_r < inner_r[1] - lo_r)
        )
        shorter = min(inner_s[1] - inner_s[0], inner_r[1] - inner_r[0])
        if in_inner.sum() < self.min_order * shorter:
            return None
        gains = weight_s[pairs_s]
        first, last = _densest_chain(pairs_s, pairs_r, gains, self.gap_cost)
        first, last = _without_stray_ends(pairs_s, pairs_r, first, last, EDGE_GAP)
        # Judged between the chain's first and last runs of copied text, so that a
        # stray word aligned before a verbatim copy does not hide it.
        run_first, run_last = _run_ends(
            view_s.tokens[lo_s + pairs_s], view_r.tokens[lo_r + pairs_r], first, last
        )
        spanned = max(
            pairs_s[run_last] - pairs_s[run_first], pairs_r[run_last] - pairs_r[run_first]
        )
        exact = np.count_nonzero(gains[run_first : run_last + 1] >= 1.0)
        exact_share = float(exact) / float(spanned + 1)
        if exact < VERBATIM_MIN_SHARE * shorter:
            exact_share = 0.0  # a few copied words in a longer passage
        elif exact_share >= self.verbatim_share:
            first, last = run_first, run_last
        chain_s = (
            int(view_s.tokens[lo_s + pairs_s[first]]),
            int(view_s.tokens[lo_s + pairs_s[last]]) + 1,
        )
        chain_r = (
            int(view_r.tokens[lo_r + pairs_r[first]]),
            int(view_r.tokens[lo_r + pairs_r[last]]) + 1,
        )
        return _Chain(chain_s, chain_r, exact_share)


def _grow_identical(
    suspicious: TextAnalysis,
    source: TextAnalysis,
    chain_s: tuple[int, int],
    chain_r: tuple[int, int],
    limit: int = 40,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Extend both chains outwards over tokens with equal keys: the words of a
    verbatim edge the in-order alignment paired elsewhere."""
    (a0, a1), (b0, b1) = chain_s, chain_r
    keys_s, keys_r = suspicious.keys, source.keys
    steps = 0
    while a0 > 0 and b0 > 0 and steps < limit and keys_s[a0 - 1] == keys_r[b0 - 1]:
        a0, b0, steps = a0 - 1, b0 - 1, steps + 1
    steps = 0
    while a1 < len(keys_s) and b1 < len(keys_r) and steps < limit and keys_s[a1] == keys_r[b1]:
        a1, b1, steps = a1 + 1, b1 + 1, steps + 1
    return (a0, a1), (b0, b1)
