"""Pairwise passage alignment: seed → extend → filter → account.

``align`` is a pure function of two texts (or their cached analyses) and options.
"""

from __future__ import annotations

import math
import threading
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.align._account import account_rewrites, classify_match
from unspin.align._extend import (
    Candidate,
    attach_weak_seeds,
    cluster_seeds,
    drop_weakest_edge,
    keep_consistent_seeds,
    keep_near_best_seeds,
    merge_consecutive,
    resolve_overlaps,
    score_candidate,
    score_tokens,
    sentence_tokens,
    trim_weak_edges,
)
from unspin.align._refine import Edges, in_order_share, refine_edges
from unspin.align._seed import (
    ContentView,
    PairScores,
    SeedMatrix,
    TypeMatches,
    content_view,
    match_types,
    score_sentence_pairs,
    select_seeds,
)
from unspin.align._summary import (
    SummaryOptions,
    absorb_into_summaries,
    find_summaries,
    windowed_seeds,
)
from unspin.align._types import Alignment, MatchType, Passage, Span, Verdict
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

__all__ = ["AlignOptions", "align"]

IntArray = npt.NDArray[np.int64]


class AlignOptions(NamedTuple):
    """Tuning knobs of alignment; the defaults are the documented behaviour.

    Similarities are idf-weighted Dice coefficients over content words, matched
    equal (weight 1), as synonyms (``synonym_weight``: a shared WordNet synset) or as
    words one step apart in WordNet (``related_weight``: an adjective and the head of
    its cluster, "huge" and "large"; a noun or verb and its direct hypernym,
    "evangelist" and "preacher"). A sentence pair's containment, which seeds
    summaries and finds edge partners, leaves those links out. Gaps are in sentences.

    Seeding
        ``seed_threshold``, ``min_seed_matches``: a sentence pair that can start a
        passage. ``extend_threshold``, ``min_extend_matches``: one that can only
        grow a passage. ``near_best_ratio``: a seed must be at least this share as
        similar as the best seed of each of its two sentences.
    Extension
        ``gap_suspicious``, ``gap_source``: seeds closer than this on both sides
        form one passage. ``diagonal_tolerance``: how far off a passage's diagonal a
        weak seed (or a repeated sentence) may lie. ``edge_ratio``: edge seeds
        weaker than this share of the passage's median are peeled off.
        ``edge_partner_share``, ``edge_partner_steps``, ``edge_partner_reach``: a
        sentence just outside one side of a passage joins it when one of the
        ``edge_partner_reach`` sentences at the same edge of the other side matches
        this share of its words and ``min_extend_matches`` of its types (a rewrite
        merged two sentences into one, or split one), up to this many times per
        edge, while the passage stays as similar; 0 steps switches it off.
    Refinement
        ``refine``: cut the edge sentences of in-order passages back word by word
        (``refine_min_order`` of the words in order, a chain gap costing
        ``chain_gap_cost``, ``edge_slack`` words near a sentence edge kept).
        Last, a passage whose in-order chain matches word for word (at least
        ``verbatim_share`` of the words it spans, above 1 never) gets its edges on
        the chain's first and last runs of copied words, across units and with no
        slack.
    Filtering
        ``min_passage_similarity``, and at least ``short_base + short_scale /
        sqrt(n)`` for a passage of ``n`` content words (on its shorter side);
        ``min_passage_words`` content words on each side and ``min_pair_words`` on
        both together. ``in_order_seeds``, ``in_order_bar``: a group of seeds that
        does not hold up on these bars (shrunk from its weakest edge seed as usual) is
        tried again with ``min_passage_similarity``, ``short_base`` and
        ``short_scale`` lowered to ``in_order_bar`` times themselves, as long as its
        seeds keep a run of ``in_order_seeds`` that follow one another on both sides
        (each one or two sentences after the one before, in both texts): a heavy
        spinner rewrites every sentence of a paragraph but keeps them in order, each
        still pairing with its original, which an independent text on the same
        subject rarely does for that many sentences in a row (0: off).
        ``contained_share``, ``contained_bar``, ``contained_min_words``,
        ``contained_max_similarity``: in a pair where nothing else holds up, a
        passage that still does not is tried on similarity bars lowered to
        ``contained_bar`` times themselves and with ``contained_min_words`` content
        words on its shorter side (twice that on both together), and kept when an
        in-order alignment pairs at least ``contained_share`` of its shorter side's
        content words with the other side, its similarity is at most
        ``contained_max_similarity``, and so is the share of word-for-word pairs
        between its first and last aligned words (``InOrder.verbatim_core``: a
        shared verbatim formula, such as an attribution, before different words
        is not a rewrite): an obfuscator that deletes, inserts and swaps
        words in a sentence or two leaves little similarity (the longer side keeps
        what was deleted), but what is left is contained in its source in order, as
        a same-topic sentence rarely is. Short text shared nearly word for word (a
        template, a footer) is what the size bars keep out; beside passages of their
        own, such pieces are mostly summary fragments or boilerplate (0: off).
        ``outshone_ratio``: in a
        pair with a passage copied word for word (similarity ``outshone_verbatim``,
        ``outshone_min_words`` long), shorter passages under this share of it go.
        ``max_source_reuse``: of two passages (neither a summary) whose source sides
        overlap by more than this share of the weaker's (weaker: lower similarity
        times source length), the weaker goes, unless it is itself copied word for
        word (similarity ``outshone_verbatim``); 1 or more keeps both.
    Summaries
        ``summary``: look for summaries (a suspicious sentence contained
        ``summary_containment`` in the source sentences ``summary_window`` around
        one that contains at least ``summary_pair_containment`` of it; at least
        ``summary_min_sentences`` such sentences, gaps ``summary_gap_*``; the
        passage contained ``summary_min_containment`` and ``summary_margin`` more
        than the rest of the text, its source ``summary_min_compression`` times
        longer; over ``summary_whole_source_share`` of the source, the whole
        source). ``summary_max_concentration``, ``summary_window_factor``: a
        candidate whose source matches lie, for this share of its words, within a
        stretch this many times its length is no summary but a passage over that
        stretch. ``summary_max_explained``: a summary replaces a single passage of
        the main pass covering less than this share of it;
        ``summary_max_piece_similarity``: it never replaces a passage this similar;
        ``summary_min_added_containment``: the source must contain at least this
        share of the summary's text outside the passages it replaces.
    Results
        ``minor_changes_min_equal``: share of words unchanged for "minor changes";
        ``copy_min_coverage``: share of the suspicious text in passages for the
        verdicts "copy" and "spun copy". ``rewrites``: compute the word-level
        account.
    """

    seed_threshold: float = 0.3
    min_seed_matches: float = 3.0
    extend_threshold: float = 0.3
    min_extend_matches: float = 2.0
    synonym_weight: float = 0.7
    related_weight: float = 0.2
    near_best_ratio: float = 0.7
    gap_suspicious: int = 4
    gap_source: int = 4
    diagonal_tolerance: int = 2
    edge_ratio: float = 0.4
    merge_gap_share: float = 0.25
    refine: bool = True
    refine_min_order: float = 0.85
    chain_gap_cost: float = 0.5
    edge_slack: int = 2
    verbatim_share: float = 0.95
    edge_partner_share: float = 0.3
    edge_partner_steps: int = 3
    edge_partner_reach: int = 2
    min_passage_similarity: float = 0.5
    min_passage_words: int = 12
    min_pair_words: int = 36
    in_order_seeds: int = 4
    in_order_bar: float = 0.8
    contained_share: float = 0.75
    contained_bar: float = 0.6
    contained_min_words: int = 7
    contained_max_similarity: float = 0.8
    short_base: float = 0.4
    short_scale: float = 0.6
    outshone_ratio: float = 0.7
    outshone_verbatim: float = 0.99
    outshone_min_words: int = 40
    max_source_reuse: float = 0.5
    summary: bool = True
    summary_window: int = 1
    summary_containment: float = 0.5
    summary_pair_containment: float = 0.15
    summary_gap_suspicious: int = 2
    summary_min_sentences: int = 3
    summary_gap_source: int = 40
    summary_min_containment: float = 0.65
    summary_margin: float = 0.4
    summary_min_compression: float = 3.0
    summary_whole_source_share: float = 1 / 3
    summary_max_explained: float = 0.8
    summary_max_piece_similarity: float = 0.95
    summary_min_added_containment: float = 0.6
    summary_max_concentration: float = 0.9
    summary_window_factor: float = 2.0
    minor_changes_min_equal: float = 0.8
    copy_min_coverage: float = 0.5
    rewrites: bool = True
    analysis: AnalysisOptions = AnalysisOptions()


def align(
    suspicious: str | TextAnalysis,
    source: str | TextAnalysis,
    *,
    options: AlignOptions | None = None,
) -> Alignment:
    """Find every passage of ``suspicious`` copied (verbatim, edited, spun or
    summarized) from ``source``. Spans in the result index the raw texts."""
    options = options or AlignOptions()
    analysis_s = _analysed(suspicious, options)
    analysis_r = _analysed(source, options)
    view_s, view_r = _content_view(analysis_s), _content_view(analysis_r)
    candidates: list[Candidate] = []
    partner_share = options.edge_partner_share if options.edge_partner_steps > 0 else 2.0
    if len(view_s.tokens) and len(view_r.tokens):
        matches = match_types(
            view_s,
            view_r,
            synonym_weight=options.synonym_weight,
            related_weight=options.related_weight,
        )
        pair = _Pair(
            analysis_s,
            view_s,
            analysis_r,
            view_r,
            matches,
            score_sentence_pairs(
                view_s,
                view_r,
                matches,
                # Only what a seed of either pass or an edge partner can use.
                keep_similarity=min(options.extend_threshold, options.seed_threshold),
                keep_containment=min(
                    options.summary_pair_containment if options.summary else 2.0,
                    partner_share,
                ),
                keep_source_containment=partner_share,
            ),
        )
        found = _find_passages(pair, options)
        candidates = found.passages
        if options.summary:
            # A summary candidate turned into an ordinary passage (concentrated on
            # one stretch of the source) must hold up like any other.
            summaries = [
                summary
                for summary in _find_summaries(pair, options)
                if summary.summary or _holds_up(pair, summary, options)
            ]
            if candidates:
                candidates = absorb_into_summaries(
                    candidates,
                    summaries,
                    max_explained=options.summary_max_explained,
                    max_piece_similarity=options.summary_max_piece_similarity,
                    added_containment=pair.containment,
                    min_added_containment=options.summary_min_added_containment,
                )
            else:
                candidates = summaries
        if not candidates:
            candidates = _find_contained(pair, found, options)
        candidates = merge_consecutive(candidates, max_gap_share=options.merge_gap_share)
        candidates = _drop_outshone(pair, candidates, options)
        candidates = _drop_source_reuse(candidates, options)
        if options.refine:
            candidates = [_verbatim_edges(pair, c, options) for c in candidates]
    passages = tuple(_to_passage(analysis_s, analysis_r, c, options) for c in candidates)
    return _summarize(analysis_s, analysis_r, candidates, passages, options)


class _CachedView(NamedTuple):
    analysis: TextAnalysis
    view: ContentView


_views: dict[int, _CachedView] = {}
_views_lock = threading.Lock()
_MAX_CACHED_VIEWS = 128


def _content_view(analysis: TextAnalysis) -> ContentView:
    """The content view of an analysis, remembered for the analyses seen last:
    callers pair one analysed text with many others. (Keyed by identity, checked,
    so a recycled id never returns another text's view; safe across threads.)"""
    cached = _views.get(id(analysis))
    if cached is not None and cached.analysis is analysis:
        return cached.view
    view = content_view(analysis)
    with _views_lock:
        if len(_views) >= _MAX_CACHED_VIEWS:
            del _views[next(iter(_views))]
        _views[id(analysis)] = _CachedView(analysis, view)
    return view


def _analysed(text: str | TextAnalysis, options: AlignOptions) -> TextAnalysis:
    if isinstance(text, TextAnalysis):
        return text
    return analyse_text(text, options=options.analysis)


class _Pair(NamedTuple):
    """The two analysed texts and their type matches, computed once per pair."""

    suspicious: TextAnalysis
    view_s: ContentView
    source: TextAnalysis
    view_r: ContentView
    matches: TypeMatches
    scores: PairScores

    def containment(
        self, tokens_s: tuple[int, int], tokens_r: tuple[int, int]
    ) -> tuple[float, int]:
        """The share of the content types of ``tokens_s`` that ``tokens_r``
        contains, and how many types that is."""
        candidate = score_tokens(self.view_s, self.view_r, self.matches, tokens_s, tokens_r, 0)
        if candidate is None:
            return 0.0, 0
        lo, hi = np.searchsorted(self.view_s.tokens, tokens_s)
        return candidate.containment, len(np.unique(self.view_s.types[lo:hi]))


class _Found(NamedTuple):
    """What the main pass found: its passages, and the groups of seeds that did not
    hold up, for :func:`_find_contained`."""

    passages: list[Candidate]
    seeds: SeedMatrix | None = None
    failed: tuple[IntArray, ...] = ()
    partners: _EdgePartners | None = None


def _find_passages(pair: _Pair, options: AlignOptions) -> _Found:
    """The main pass: seeds grouped into passages, each refined and checked."""
    seeds = select_seeds(
        pair.scores,
        threshold=min(options.extend_threshold, options.seed_threshold),
        min_matches=min(options.min_extend_matches, options.min_seed_matches),
    )
    seeds = seeds.subset(keep_near_best_seeds(seeds, ratio=options.near_best_ratio))
    # Weak seeds may extend a passage but never start one: clusters without a
    # strong seed are dropped.
    strong = (seeds.similarity >= options.seed_threshold) & (
        seeds.matched >= options.min_seed_matches
    )
    strong_seeds = np.flatnonzero(strong)
    groups = [
        strong_seeds[members]
        for members in cluster_seeds(
            seeds.subset(strong_seeds),
            gap_suspicious=options.gap_suspicious,
            gap_source=options.gap_source,
        )
    ]
    groups = attach_weak_seeds(
        seeds,
        groups,
        np.flatnonzero(~strong),
        gap_suspicious=options.gap_suspicious,
        gap_source=options.gap_source,
        diagonal_tolerance=options.diagonal_tolerance,
    )
    if not groups:
        return _Found([])
    partners = _edge_partners(pair, options)
    in_order_bars = _in_order_options(options)
    min_pair_words = options.min_pair_words
    if options.contained_share > 0:
        min_pair_words = min(min_pair_words, _contained_options(options).min_pair_words)
    candidates: list[Candidate] = []
    failed: list[IntArray] = []
    for members in groups:
        members = keep_consistent_seeds(seeds, members, tolerance=options.diagonal_tolerance)
        if options.edge_ratio > 0:
            members = trim_weak_edges(seeds, members, ratio=options.edge_ratio)
        if _box_words(pair, seeds, members, partners) < min_pair_words:
            continue  # too small even before refinement cuts it down
        candidate = _holding_passage(pair, seeds, members, partners, options)
        if candidate is None and options.in_order_seeds > 0:
            # A heavily spun passage whose sentences still pair up one by one, in
            # order, holds up on lower bars.
            candidate = _holding_passage(
                pair, seeds, members, partners, in_order_bars, in_order=options.in_order_seeds
            )
        if candidate is not None:
            candidates.append(candidate)
        else:
            failed.append(members)
    return _Found(
        resolve_overlaps(merge_consecutive(candidates, max_gap_share=options.merge_gap_share)),
        seeds,
        tuple(failed),
        partners,
    )


def _find_contained(pair: _Pair, found: _Found, options: AlignOptions) -> list[Candidate]:
    """The last pass, for a pair where nothing else held up: the main pass's failed
    groups that hold up as contained in order (see ``contained_share``)."""
    if options.contained_share <= 0 or found.seeds is None or found.partners is None:
        return []
    bars = _contained_options(options)
    contained = [
        candidate
        for members in found.failed
        if (
            candidate := _contained_passage(
                pair, found.seeds, members, found.partners, options, bars
            )
        )
        is not None
    ]
    return resolve_overlaps(contained)


def _in_order_options(options: AlignOptions) -> AlignOptions:
    """The filtering bars of a passage whose seeds run in order (see ``in_order_seeds``)."""
    return options._replace(
        min_passage_similarity=options.min_passage_similarity * options.in_order_bar,
        short_base=options.short_base * options.in_order_bar,
        short_scale=options.short_scale * options.in_order_bar,
    )


def _contained_options(options: AlignOptions) -> AlignOptions:
    """The filtering bars of a passage contained in order (see ``contained_share``)."""
    return options._replace(
        min_passage_similarity=options.min_passage_similarity * options.contained_bar,
        short_base=options.short_base * options.contained_bar,
        short_scale=options.short_scale * options.contained_bar,
        min_passage_words=min(options.min_passage_words, options.contained_min_words),
        min_pair_words=min(options.min_pair_words, 2 * options.contained_min_words),
    )


def _contained_passage(
    pair: _Pair,
    seeds: SeedMatrix,
    members: IntArray,
    partners: _EdgePartners,
    options: AlignOptions,
    bars: AlignOptions,
) -> Candidate | None:
    """The passage of a group of seeds on the lowered bars of a passage whose
    shorter side the other contains in order, if it is one (see ``contained_share``)."""
    candidate = _holding_passage(pair, seeds, members, partners, bars)
    if candidate is None or candidate.similarity > options.contained_max_similarity:
        return None
    in_order = in_order_share(
        pair.view_s,
        pair.view_r,
        pair.matches,
        candidate.suspicious_tokens,
        candidate.source_tokens,
    )
    # The verbatim core guard, like the similarity one: what two texts share as one
    # word-for-word run before different words is a formula (an attribution, a
    # footer), not a rewrite of a sentence.
    if in_order.verbatim_core > options.contained_max_similarity:
        return None
    return candidate if in_order.share >= options.contained_share else None


def _holding_passage(
    pair: _Pair,
    seeds: SeedMatrix,
    members: IntArray,
    partners: _EdgePartners,
    bars: AlignOptions,
    *,
    in_order: int = 0,
) -> Candidate | None:
    """The passage of a group of seeds if it holds up on ``bars``' filtering bars;
    with ``in_order``, only while its seeds keep a run of that many in order (see
    :func:`longest_in_order_run`)."""

    def kept(members: IntArray) -> bool:
        return in_order <= 0 or longest_in_order_run(seeds, members) >= in_order

    if not kept(members):
        return None
    candidate = _passage_of(pair, seeds, members, partners, bars)
    # A passage that does not hold up is shrunk from its weakest edge seed until
    # it does: one stray seed at an edge must not sink a whole copied passage.
    while (candidate is None or candidate.similarity < bars.min_passage_similarity) and len(
        members
    ) > 1:
        members = drop_weakest_edge(seeds, members)
        if not kept(members):
            return None
        candidate = _passage_of(pair, seeds, members, partners, bars)
    if candidate is not None and _holds_up(pair, candidate, bars):
        return candidate
    return None


def longest_in_order_run(seeds: SeedMatrix, members: IntArray) -> int:
    """The most seeds of ``members`` that follow one another on both sides at once:
    each one or two sentences after the one before it in the suspicious text *and* in
    the source. A longest path, so a sentence that pairs with two (merged or split)
    does not break the run."""
    order = members[np.lexsort((seeds.source[members], seeds.suspicious[members]))]
    rows, cols = seeds.suspicious[order].tolist(), seeds.source[order].tolist()
    # The longest run ending at each seed, by its sentence of the suspicious text.
    ending: dict[int, list[tuple[int, int]]] = {}
    longest = 0
    for row, col in zip(rows, cols, strict=True):
        run = 1 + max(
            (
                length
                for before in (row - 2, row - 1)
                for before_col, length in ending.get(before, ())
                if 1 <= col - before_col <= 2
            ),
            default=0,
        )
        ending.setdefault(row, []).append((col, run))
        longest = max(longest, run)
    return longest


def _holds_up(pair: _Pair, candidate: Candidate, options: AlignOptions) -> bool:
    """Whether a passage is similar and long enough to report (see ``AlignOptions``,
    "Filtering")."""
    if candidate.similarity < options.min_passage_similarity:
        return False
    words_s = _content_words(pair.view_s, candidate.suspicious_tokens)
    words_r = _content_words(pair.view_r, candidate.source_tokens)
    if min(words_s, words_r) < options.min_passage_words:
        return False
    if words_s + words_r < options.min_pair_words:
        return False
    # Few words match by chance more easily: short passages need more.
    shorter = min(words_s, words_r)
    return candidate.similarity >= options.short_base + options.short_scale / math.sqrt(shorter)


def _passage_of(
    pair: _Pair,
    seeds: SeedMatrix,
    members: IntArray,
    partners: _EdgePartners,
    options: AlignOptions,
) -> Candidate | None:
    """The passage of a group of seeds: its sentence box, grown by its edge partners
    while that keeps it as similar, edges refined."""
    rows, cols = seeds.suspicious[members], seeds.source[members]
    box = (int(rows.min()), int(rows.max()) + 1), (int(cols.min()), int(cols.max()) + 1)
    candidate = _box_passage(pair, *box, len(members), options)
    for _ in range(partners.steps):
        grown = partners.grow(*box)
        if grown == box:
            break
        wider = _box_passage(pair, *grown, len(members), options)
        if wider is None or (candidate is not None and wider.similarity < candidate.similarity):
            break
        candidate, box = wider, grown
    return candidate


def _box_passage(
    pair: _Pair,
    sentences_s: tuple[int, int],
    sentences_r: tuple[int, int],
    seeds: int,
    options: AlignOptions,
) -> Candidate | None:
    if not options.refine:
        return score_candidate(
            pair.suspicious,
            pair.view_s,
            pair.source,
            pair.view_r,
            pair.matches,
            sentences_s,
            sentences_r,
            seeds,
        )
    edges = _refined(
        pair,
        sentence_tokens(pair.suspicious, sentences_s),
        sentence_tokens(pair.source, sentences_r),
        options,
        verbatim=False,
    )
    candidate = score_tokens(
        pair.view_s,
        pair.view_r,
        pair.matches,
        edges.suspicious_tokens,
        edges.source_tokens,
        seeds,
    )
    return None if candidate is None else candidate._replace(exact_share=edges.exact_share)


class _EdgePartners(NamedTuple):
    """Sentence pairs that may grow a passage's box by one sentence on one side.

    One sentence of a rewrite often stands for two of the original (merged) or two
    for one (split); the weaker of the two pairings is then no seed of its own, and
    the box of the seeds misses a sentence at an edge. A sentence just outside one
    side of a box joins it when one of the ``edge_partner_reach`` sentences at the
    same edge of the other side holds ``edge_partner_share`` of its words (and at
    least ``min_extend_matches`` of its types match).
    """

    source_side: frozenset[tuple[int, int]]  # (inside suspicious, outside source)
    suspicious_side: frozenset[tuple[int, int]]  # (outside suspicious, inside source)
    steps: int
    reach: int  # how many sentences of the box, from the edge, a partner may pair with

    def grow(
        self, sentences_s: tuple[int, int], sentences_r: tuple[int, int]
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """The box grown by every edge partner it has (at most one sentence per edge)."""
        (s0, s1), (r0, r1) = sentences_s, sentences_r
        reach = self.reach
        top_rows, bottom_rows = range(s0, min(s1, s0 + reach)), range(max(s0, s1 - reach), s1)
        top_cols, bottom_cols = range(r0, min(r1, r0 + reach)), range(max(r0, r1 - reach), r1)
        grow_r0 = any((row, r0 - 1) in self.source_side for row in top_rows)
        grow_r1 = any((row, r1) in self.source_side for row in bottom_rows)
        grow_s0 = any((s0 - 1, col) in self.suspicious_side for col in top_cols)
        grow_s1 = any((s1, col) in self.suspicious_side for col in bottom_cols)
        return (s0 - grow_s0, s1 + grow_s1), (r0 - grow_r0, r1 + grow_r1)


def _edge_partners(pair: _Pair, options: AlignOptions) -> _EdgePartners:
    scores = pair.scores
    if options.edge_partner_steps <= 0:
        return _EdgePartners(frozenset(), frozenset(), 0, 0)
    enough = scores.matched >= options.min_extend_matches
    share = options.edge_partner_share
    by_source = np.flatnonzero(enough & (scores.source_containment >= share))
    by_suspicious = np.flatnonzero(enough & (scores.containment >= share))

    def pairs(selected: IntArray) -> frozenset[tuple[int, int]]:
        rows, cols = scores.suspicious[selected].tolist(), scores.source[selected].tolist()
        return frozenset(zip(rows, cols, strict=True))

    return _EdgePartners(
        pairs(by_source),
        pairs(by_suspicious),
        options.edge_partner_steps,
        options.edge_partner_reach,
    )


def _refined(
    pair: _Pair,
    box_s: tuple[int, int],
    box_r: tuple[int, int],
    options: AlignOptions,
    *,
    verbatim: bool,
) -> Edges:
    """Refined edges of a box: the ordinary refinement, or (``verbatim``) only the
    verbatim one."""
    return refine_edges(
        pair.suspicious,
        pair.view_s,
        pair.source,
        pair.view_r,
        pair.matches,
        box_s,
        box_r,
        gap_cost=options.chain_gap_cost,
        edge_slack=options.edge_slack,
        min_order=options.refine_min_order,
        verbatim_share=options.verbatim_share if verbatim else 2.0,
        only_verbatim=verbatim,
    )


def _verbatim_edges(pair: _Pair, candidate: Candidate, options: AlignOptions) -> Candidate:
    """A word-for-word passage with its edges on the first and last copied words.

    Sentence-level extension takes in whole units, and on a page of short lines
    (headings, list items, a line of markup) a unit can be a neighbouring line that
    only shares a word or two. Where the passage's words match one for one, in
    order, its edges are known exactly, and no rewrite at an edge need be allowed
    for. Done last, so that the summary pass still sees the passages it replaces
    as they were found.
    """
    if candidate.summary or candidate.exact_share < options.verbatim_share:
        return candidate  # (cheap: refinement measured its chain already)
    edges = _refined(
        pair, candidate.suspicious_tokens, candidate.source_tokens, options, verbatim=True
    )
    if (edges.suspicious_tokens, edges.source_tokens) == (
        candidate.suspicious_tokens,
        candidate.source_tokens,
    ):
        return candidate
    rescored = score_tokens(
        pair.view_s,
        pair.view_r,
        pair.matches,
        edges.suspicious_tokens,
        edges.source_tokens,
        candidate.seeds,
    )
    return candidate if rescored is None else rescored


def _find_summaries(pair: _Pair, options: AlignOptions) -> list[Candidate]:
    seeds = windowed_seeds(
        pair.scores,
        pair.source.sentence_count,
        radius=options.summary_window,
        threshold=options.summary_containment,
        min_matches=options.min_seed_matches,
    )
    return find_summaries(
        pair.suspicious,
        pair.view_s,
        pair.source,
        pair.view_r,
        pair.matches,
        seeds,
        SummaryOptions(
            gap_suspicious=options.summary_gap_suspicious,
            gap_source=options.summary_gap_source,
            min_containment=options.summary_min_containment,
            min_compression=options.summary_min_compression,
            margin=options.summary_margin,
            whole_source_share=options.summary_whole_source_share,
            min_words=options.min_passage_words,
            min_sentences=options.summary_min_sentences,
            max_concentration=options.summary_max_concentration,
            window_factor=options.summary_window_factor,
        ),
    )


def _drop_outshone(
    pair: _Pair, candidates: list[Candidate], options: AlignOptions
) -> list[Candidate]:
    """Drop short passages far weaker than a long passage of the pair copied word for word.

    Whoever copies a source word for word rarely also paraphrases a sentence or two
    of it; a short, loosely similar passage beside verbatim copies is far more often
    the two texts sharing a topic.
    """
    if options.outshone_ratio <= 0:
        return candidates
    long_enough = [
        c.similarity
        for c in candidates
        if _content_words(pair.view_s, c.suspicious_tokens) >= options.outshone_min_words
    ]
    best = max(long_enough, default=0.0)
    if best < options.outshone_verbatim:
        return candidates
    return [
        c
        for c in candidates
        if c.similarity >= options.outshone_ratio * best
        or min(
            _content_words(pair.view_s, c.suspicious_tokens),
            _content_words(pair.view_r, c.source_tokens),
        )
        >= options.outshone_min_words
    ]


def _drop_source_reuse(candidates: list[Candidate], options: AlignOptions) -> list[Candidate]:
    """Keep only the strongest of passages that claim the same source words.

    A copier takes each passage of a source once; two passages of the suspicious text
    aligned with one stretch of the source are two texts telling the same events, at
    least one of them in its own words.
    """
    if options.max_source_reuse >= 1:
        return candidates
    ranked = sorted(
        candidates,
        key=lambda c: c.similarity * (c.source_tokens[1] - c.source_tokens[0]),
        reverse=True,
    )
    kept: list[Candidate] = []
    for candidate in ranked:
        start, end = candidate.source_tokens
        reused = candidate.similarity < options.outshone_verbatim and any(
            not other.summary
            and not candidate.summary
            and min(end, other.source_tokens[1]) - max(start, other.source_tokens[0])
            > options.max_source_reuse * (end - start)
            for other in kept
        )
        if not reused:
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.suspicious_tokens)


def _box_words(pair: _Pair, seeds: SeedMatrix, members: IntArray, partners: _EdgePartners) -> int:
    """Content words of both sides of a group's sentence box grown by all its edge
    partners: the most the passage can become."""
    rows, cols = seeds.suspicious[members], seeds.source[members]
    sentences_s = (int(rows.min()), int(rows.max()) + 1)
    sentences_r = (int(cols.min()), int(cols.max()) + 1)
    for _ in range(partners.steps):
        grown = partners.grow(sentences_s, sentences_r)
        if grown == (sentences_s, sentences_r):
            break
        sentences_s, sentences_r = grown
    box_s = sentence_tokens(pair.suspicious, sentences_s)
    box_r = sentence_tokens(pair.source, sentences_r)
    return _content_words(pair.view_s, box_s) + _content_words(pair.view_r, box_r)


def _content_words(view: ContentView, tokens: tuple[int, int]) -> int:
    lo, hi = np.searchsorted(view.tokens, tokens)
    return int(hi - lo)


def _to_passage(
    analysis_s: TextAnalysis, analysis_r: TextAnalysis, candidate: Candidate, options: AlignOptions
) -> Passage:
    (s0, s1), (r0, r1) = candidate.suspicious_tokens, candidate.source_tokens
    span_s = Span(int(analysis_s.starts[s0]), _end_with_punctuation(analysis_s, s1))
    span_r = Span(int(analysis_r.starts[r0]), _end_with_punctuation(analysis_r, r1))
    if options.rewrites:
        rewrites, equal_share = account_rewrites(
            analysis_s, candidate.suspicious_tokens, analysis_r, candidate.source_tokens
        )
        match_type = classify_match(
            rewrites, equal_share, minor_changes_min_equal=options.minor_changes_min_equal
        )
    else:
        rewrites, match_type = (), MatchType.SPUN
    return Passage(
        suspicious=span_s,
        source=span_r,
        # A summary's Dice with its long source is low by nature; how much of
        # the summary its source contains says more.
        score=round(candidate.containment if candidate.summary else candidate.similarity, 4),
        match_type=match_type,
        rewrites=rewrites,
    )


_CLOSING_PUNCTUATION = frozenset(".!?\"')]”’")


def _end_with_punctuation(analysis: TextAnalysis, token_end: int) -> int:
    """The raw end of token ``token_end - 1``, taking in the sentence's closing
    punctuation ("war." rather than "war") when it directly follows."""
    end = int(analysis.ends[token_end - 1])
    limit = min(len(analysis.raw), end + 3)
    if token_end < len(analysis.starts):
        limit = min(limit, int(analysis.starts[token_end]))
    while end < limit and analysis.raw[end] in _CLOSING_PUNCTUATION:
        end += 1
    return end


def _covered_share(token_count: int, ranges: list[tuple[int, int]]) -> float:
    if token_count == 0:
        return 0.0
    covered = np.zeros(token_count, dtype=np.bool_)
    for start, end in ranges:
        covered[start:end] = True
    return float(covered.sum()) / token_count


def _summarize(
    analysis_s: TextAnalysis,
    analysis_r: TextAnalysis,
    candidates: list[Candidate],
    passages: tuple[Passage, ...],
    options: AlignOptions,
) -> Alignment:
    coverage_s = _covered_share(analysis_s.token_count, [c.suspicious_tokens for c in candidates])
    coverage_r = _covered_share(analysis_r.token_count, [c.source_tokens for c in candidates])
    words = [c.suspicious_tokens[1] - c.suspicious_tokens[0] for c in candidates]
    total = max(analysis_s.token_count, 1)
    score = sum(w * c.similarity for w, c in zip(words, candidates, strict=True)) / total
    if not passages:
        verdict = Verdict.NO_COPY
    elif coverage_s < options.copy_min_coverage:
        verdict = Verdict.PARTIAL_COPY
    else:
        spun_words = sum(
            w for w, p in zip(words, passages, strict=True) if p.match_type is MatchType.SPUN
        )
        verdict = Verdict.SPUN_COPY if spun_words * 2 > sum(words) else Verdict.COPY
    return Alignment(
        passages=passages,
        suspicious_coverage=round(coverage_s, 4),
        source_coverage=round(coverage_r, 4),
        score=round(min(score, 1.0), 4),
        verdict=verdict,
    )
