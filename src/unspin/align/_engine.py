"""Pairwise passage alignment: seed → extend → filter → account.

``align`` is a pure function of two texts (or their cached analyses) and options.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.align._account import account_rewrites, classify_match
from unspin.align._extend import (
    Candidate,
    attach_weak_seeds,
    background_containment,
    cluster_seeds,
    drop_weakest_edge,
    keep_consistent_seeds,
    keep_near_best_seeds,
    resolve_overlaps,
    score_candidate,
    score_tokens,
    sentence_tokens,
    trim_weak_edges,
)
from unspin.align._refine import refine_edges
from unspin.align._seed import (
    ContentView,
    SeedMatrix,
    TypeMatches,
    content_view,
    match_types,
    seed_sentences,
)
from unspin.align._types import Alignment, MatchType, Passage, Span, Verdict
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

__all__ = ["AlignOptions", "align"]

IntArray = npt.NDArray[np.int64]


class AlignOptions(NamedTuple):
    """Tuning knobs of alignment; the defaults are the documented behaviour.

    Gaps are in sentences; thresholds are Dice coefficients over content words.
    """

    seed_threshold: float = 0.3
    min_seed_matches: float = 3.0
    extend_threshold: float = 0.3
    min_extend_matches: float = 2.0
    synonym_weight: float = 0.7
    gap_suspicious: int = 4
    gap_source: int = 4
    diagonal_tolerance: int = 2
    edge_ratio: float = 0.4
    min_passage_similarity: float = 0.5
    min_passage_words: int = 12
    summary: bool = True
    summary_containment: float = 0.4
    summary_gap_source: int = 40
    summary_min_containment: float = 0.65
    summary_merge: bool = True
    summary_max_explained: float = 0.7
    summary_gap_suspicious: int = 2
    summary_min_compression: float = 3.0
    near_best_ratio: float = 0.7
    refine: bool = True
    chain_gap_cost: float = 0.5
    edge_slack: int = 2
    refine_min_order: float = 0.85
    rewrites: bool = True
    analysis: AnalysisOptions = AnalysisOptions()


_COPY_MIN_COVERAGE = 0.5


def align(
    suspicious: str | TextAnalysis,
    source: str | TextAnalysis,
    *,
    options: AlignOptions | None = None,
) -> Alignment:
    """Find every passage of ``suspicious`` copied (verbatim, edited or spun) from
    ``source``. Spans in the result index the raw texts."""
    options = options or AlignOptions()
    analysis_s = _analysed(suspicious, options)
    analysis_r = _analysed(source, options)
    view_s, view_r = content_view(analysis_s), content_view(analysis_r)
    candidates: list[Candidate] = []
    if len(view_s.tokens) and len(view_r.tokens):
        matches = match_types(
            analysis_s, view_s, analysis_r, view_r, synonym_weight=options.synonym_weight
        )
        pair = _Pair(analysis_s, view_s, analysis_r, view_r, matches)
        candidates = _find_candidates(pair, options)
        if options.summary:
            if not candidates:
                candidates = _find_summary(pair, options)
            elif options.summary_merge:
                candidates = _absorb_into_summaries(
                    candidates,
                    _find_summary(pair, options),
                    max_explained=options.summary_max_explained,
                )
    passages = tuple(_to_passage(analysis_s, analysis_r, c, options) for c in candidates)
    return _summarize(analysis_s, analysis_r, candidates, passages)


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


def _box_candidate(pair: _Pair, seeds: SeedMatrix, members: IntArray) -> Candidate | None:
    """The passage spanned by a group of seeds (their bounding box, trimmed)."""
    rows, cols = seeds.suspicious[members], seeds.source[members]
    return score_candidate(
        pair.suspicious,
        pair.view_s,
        pair.source,
        pair.view_r,
        pair.matches,
        (int(rows.min()), int(rows.max()) + 1),
        (int(cols.min()), int(cols.max()) + 1),
        len(members),
    )


def _candidate(
    pair: _Pair, seeds: SeedMatrix, members: IntArray, options: AlignOptions
) -> Candidate | None:
    if options.refine:
        return _refined_candidate(pair, seeds, members, options)
    return _box_candidate(pair, seeds, members)


def _refined_candidate(
    pair: _Pair, seeds: SeedMatrix, members: IntArray, options: AlignOptions
) -> Candidate | None:
    """The passage of a group of seeds, its edge units cut back word by word."""
    rows, cols = seeds.suspicious[members], seeds.source[members]
    edges = refine_edges(
        pair.suspicious,
        pair.view_s,
        pair.source,
        pair.view_r,
        pair.matches,
        sentence_tokens(pair.suspicious, (int(rows.min()), int(rows.max()) + 1)),
        sentence_tokens(pair.source, (int(cols.min()), int(cols.max()) + 1)),
        gap_cost=options.chain_gap_cost,
        edge_slack=options.edge_slack,
        min_order=options.refine_min_order,
    )
    return score_tokens(
        pair.view_s,
        pair.view_r,
        pair.matches,
        edges.suspicious_tokens,
        edges.source_tokens,
        len(members),
    )


def _find_candidates(pair: _Pair, options: AlignOptions) -> list[Candidate]:
    seeds = seed_sentences(
        pair.suspicious,
        pair.view_s,
        pair.source,
        pair.view_r,
        pair.matches,
        threshold=min(options.extend_threshold, options.seed_threshold),
        min_matches=min(options.min_extend_matches, options.min_seed_matches),
    )
    seeds = _subset(seeds, keep_near_best_seeds(seeds, ratio=options.near_best_ratio))
    # Weak seeds may extend a passage but never start one: clusters without a
    # strong seed are dropped.
    strong = (seeds.similarity >= options.seed_threshold) & (
        seeds.matched >= options.min_seed_matches
    )
    strong_seeds = np.flatnonzero(strong)
    groups = [
        strong_seeds[members]
        for members in cluster_seeds(
            _subset(seeds, strong_seeds),
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
    candidates: list[Candidate] = []
    for members in groups:
        members = keep_consistent_seeds(seeds, members, tolerance=options.diagonal_tolerance)
        if options.edge_ratio > 0:
            members = trim_weak_edges(seeds, members, ratio=options.edge_ratio)
        candidate = _candidate(pair, seeds, members, options)
        # A passage that does not hold up is shrunk from its weakest edge seed until
        # it does: one stray seed at an edge must not sink a whole copied passage.
        while (
            candidate is None or candidate.similarity < options.min_passage_similarity
        ) and len(members) > 1:
            members = drop_weakest_edge(seeds, members)
            candidate = _candidate(pair, seeds, members, options)
        if candidate is None or candidate.similarity < options.min_passage_similarity:
            continue
        words_s = _content_words(pair.view_s, candidate.suspicious_tokens)
        words_r = _content_words(pair.view_r, candidate.source_tokens)
        if min(words_s, words_r) < options.min_passage_words:
            continue
        candidates.append(candidate)
    return resolve_overlaps(candidates)


SUMMARY_WHOLE = 1 / 3
SUMMARY_MARGIN = 0.4


def _widen_summary(source: TextAnalysis, candidate: Candidate, share: float) -> Candidate:
    """A summary whose source side spans at least ``share`` of the source is a
    summary of the whole source: its source side becomes the whole text."""
    start, end = candidate.source_tokens
    if end - start >= share * source.token_count:
        return candidate._replace(source_tokens=(0, source.token_count))
    return candidate


def _find_summary(pair: _Pair, options: AlignOptions) -> list[Candidate]:
    """Second chance for a summary: suspicious sentences mostly made of the
    source's words, spread thinly over a much longer stretch of the source."""
    seeds = seed_sentences(
        pair.suspicious,
        pair.view_s,
        pair.source,
        pair.view_r,
        pair.matches,
        threshold=2.0,  # containment only
        min_matches=options.min_seed_matches,
        containment_threshold=options.summary_containment,
    )
    groups = cluster_seeds(
        seeds, gap_suspicious=options.summary_gap_suspicious, gap_source=options.summary_gap_source
    )
    candidates: list[Candidate] = []
    for members in groups:
        if len(np.unique(seeds.suspicious[members])) < 2:
            continue
        candidate = _box_candidate(pair, seeds, members)
        if candidate is None or candidate.containment < options.summary_min_containment:
            continue
        length_s = candidate.suspicious_tokens[1] - candidate.suspicious_tokens[0]
        length_r = candidate.source_tokens[1] - candidate.source_tokens[0]
        if length_r < options.summary_min_compression * length_s:
            continue
        if _content_words(pair.view_s, candidate.suspicious_tokens) < options.min_passage_words:
            continue
        background = background_containment(
            pair.suspicious, pair.view_s, pair.view_r, pair.matches, candidate
        )
        if candidate.containment < background + SUMMARY_MARGIN:
            continue
        candidate = _widen_summary(pair.source, candidate, SUMMARY_WHOLE)
        candidates.append(candidate)
    return resolve_overlaps(candidates)


def _absorb_into_summaries(
    candidates: list[Candidate], summaries: list[Candidate], *, max_explained: float
) -> list[Candidate]:
    """Replace the pieces of a summary found by the main pass with the summary.

    The main pass finds a summary's closest sentences as separate short passages;
    a summary candidate whose two sides contain all the pieces it overlaps stands
    for them as one passage when it explains clearly more of the suspicious text:
    it holds several pieces, or one that covers less than ``max_explained`` of it
    (a copied passage next to one sentence on the same topic is no summary).
    """
    result = list(candidates)
    for summary in summaries:
        (s0, s1), (r0, r1) = summary.suspicious_tokens, summary.source_tokens
        overlapping = [
            c for c in result if c.suspicious_tokens[0] < s1 and c.suspicious_tokens[1] > s0
        ]
        inside = all(
            c.source_tokens[0] >= r0 and c.source_tokens[1] <= r1 for c in overlapping
        )
        explained = sum(
            min(c.suspicious_tokens[1], s1) - max(c.suspicious_tokens[0], s0) for c in overlapping
        )
        pieces = len(overlapping) >= 2 or (
            len(overlapping) == 1 and explained < max_explained * (s1 - s0)
        )
        if inside and pieces:
            result = [c for c in result if c not in overlapping]
            result.append(summary)
    return resolve_overlaps(result)


def _subset(seeds: SeedMatrix, selected: npt.NDArray[np.int64]) -> SeedMatrix:
    return SeedMatrix(
        suspicious=seeds.suspicious[selected],
        source=seeds.source[selected],
        similarity=seeds.similarity[selected],
        matched=seeds.matched[selected],
        containment=seeds.containment[selected],
    )


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
        match_type = classify_match(rewrites, equal_share)
    else:
        rewrites, match_type = (), MatchType.SPUN
    return Passage(
        suspicious=span_s,
        source=span_r,
        score=round(candidate.similarity, 4),
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
) -> Alignment:
    coverage_s = _covered_share(analysis_s.token_count, [c.suspicious_tokens for c in candidates])
    coverage_r = _covered_share(analysis_r.token_count, [c.source_tokens for c in candidates])
    words = [c.suspicious_tokens[1] - c.suspicious_tokens[0] for c in candidates]
    total = max(analysis_s.token_count, 1)
    score = sum(w * c.similarity for w, c in zip(words, candidates, strict=True)) / total
    if not passages:
        verdict = Verdict.NO_COPY
    elif coverage_s < _COPY_MIN_COVERAGE:
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
