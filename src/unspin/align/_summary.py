"""The summary pass: a short passage that condenses a long stretch of the source.

A summary keeps few sentences of its source whole, so sentence-pair similarity
finds at most its closest sentences, as short separate passages. Summary seeds
ask instead how much of a suspicious sentence the source sentence *contains*;
seeds close together in the suspicious text but far apart in the source (a
summary jumps ahead through its source) are grouped into one candidate, which
must contain its own sentences clearly better than the source contains the rest
of the suspicious text (a long source on the same topic contains many words of
anything written about that topic). A candidate whose matches in the source
mostly lie within a stretch about as long as itself is a rewrite of that
stretch, and becomes an ordinary passage over it (:func:`source_concentration`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.align._extend import (
    Candidate,
    cluster_seeds,
    resolve_overlaps,
    score_candidate,
    score_tokens,
)
from unspin.align._seed import ContentView, PairScores, SeedMatrix, TypeMatches
from unspin.text._analysis import TextAnalysis

__all__ = [
    "SummaryOptions",
    "absorb_into_summaries",
    "background_containment",
    "find_summaries",
    "source_concentration",
    "windowed_seeds",
]

IntArray = npt.NDArray[np.int64]


class SummaryOptions(NamedTuple):
    """How summaries are found (see :class:`~unspin.AlignOptions`)."""

    gap_suspicious: int
    gap_source: int
    min_containment: float
    min_compression: float
    margin: float
    whole_source_share: float
    min_words: int
    min_sentences: int
    max_concentration: float = 2.0  # above 1: no candidate is concentrated
    window_factor: float = 2.0


def background_containment(
    view_s: ContentView, view_r: ContentView, matches: TypeMatches, candidate: Candidate
) -> float:
    """How much of the *rest* of the suspicious text the candidate's source side
    contains: the share of types matched, over the sentences outside the
    candidate's sentences (each type counted once per sentence)."""
    lo, hi = np.searchsorted(view_r.tokens, candidate.source_tokens)
    types_r = view_r.types[lo:hi]
    start, end = np.searchsorted(view_s.tokens, candidate.suspicious_tokens)
    if len(types_r) == 0 or end <= start:
        return 0.0
    occurrences = view_s.occurrences
    outside = (occurrences.sentences < view_s.sentences[start]) | (
        occurrences.sentences > view_s.sentences[end - 1]
    )
    if not outside.any():
        return 0.0
    selected_r = np.zeros(matches.count_b, dtype=np.bool_)
    selected_r[types_r] = True
    best = matches.best_a(np.ones(matches.count_a, dtype=np.bool_), selected_r)
    return float(best[occurrences.types[outside]].mean())


def windowed_seeds(
    scores: PairScores,
    source_sentences: int,
    *,
    radius: int,
    threshold: float,
    min_matches: float,
) -> SeedMatrix:
    """Summary seeds: (suspicious sentence, source sentence) pairs whose suspicious
    sentence the source sentences around it (``radius`` on each side) contain.

    A summary sentence fuses several sentences of its source, so no single one of
    them contains much of it; the ones around it together do. Containments of the
    window's pairs are added (capped at 1), which counts a word found in two of
    them twice: an upper bound, with the threshold set accordingly.
    """
    width = max(source_sentences, 1)
    keys = scores.suspicious * width + scores.source
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    containment = scores.containment[order]
    matched = scores.matched[order]
    rows, cols = scores.suspicious[order], scores.source[order]
    lo = np.searchsorted(keys, rows * width + np.maximum(cols - radius, 0), side="left")
    hi = np.searchsorted(keys, rows * width + np.minimum(cols + radius, width - 1), side="right")
    total = np.concatenate([[0.0], np.cumsum(containment)])
    total_matched = np.concatenate([[0.0], np.cumsum(matched)])
    window = np.minimum(total[hi] - total[lo], 1.0)
    window_matched = total_matched[hi] - total_matched[lo]
    keep = (window >= threshold) & (window_matched >= min_matches) & (containment > 0)
    return SeedMatrix(
        suspicious=rows[keep],
        source=cols[keep],
        similarity=scores.similarity[order][keep],
        matched=window_matched[keep],
        containment=window[keep],
    )


def find_summaries(
    suspicious: TextAnalysis,
    view_s: ContentView,
    source: TextAnalysis,
    view_r: ContentView,
    matches: TypeMatches,
    seeds: SeedMatrix,
    options: SummaryOptions,
) -> list[Candidate]:
    """Summary candidates from containment seeds."""
    candidates: list[Candidate] = []
    groups = cluster_seeds(
        seeds, gap_suspicious=options.gap_suspicious, gap_source=options.gap_source
    )
    for members in groups:
        if len(np.unique(seeds.suspicious[members])) < options.min_sentences:
            continue
        rows, cols = seeds.suspicious[members], seeds.source[members]
        ptr_s, ptr_r = suspicious.sentence_ptr, source.sentence_ptr
        box_s = int(ptr_s[rows.max() + 1] - ptr_s[rows.min()])
        box_r = int(ptr_r[cols.max() + 1] - ptr_r[cols.min()])
        if box_r < options.min_compression * box_s / 2:
            continue  # far too little source for a summary, even after trimming
        candidate = score_candidate(
            suspicious,
            view_s,
            source,
            view_r,
            matches,
            (int(rows.min()), int(rows.max()) + 1),
            (int(cols.min()), int(cols.max()) + 1),
            len(members),
        )
        if candidate is None or candidate.containment < options.min_containment:
            continue
        (s0, s1), (r0, r1) = candidate.suspicious_tokens, candidate.source_tokens
        if r1 - r0 < options.min_compression * (s1 - s0):
            continue
        lo, hi = np.searchsorted(view_s.tokens, candidate.suspicious_tokens)
        if hi - lo < options.min_words:
            continue
        background = background_containment(view_s, view_r, matches, candidate)
        if candidate.containment < background + options.margin:
            continue
        share, window = source_concentration(
            view_s,
            view_r,
            matches,
            candidate,
            width=max(1, int(options.window_factor * (s1 - s0))),
        )
        if share >= options.max_concentration:
            # Most of what the source explains lies within a stretch about as long as
            # the passage: a rewrite of that stretch, not a summary of the source.
            local = score_tokens(
                view_s, view_r, matches, candidate.suspicious_tokens, window, candidate.seeds
            )
            if local is not None:
                candidates.append(local)
            continue
        # A summary spread over much of its source summarizes all of it.
        if r1 - r0 >= options.whole_source_share * source.token_count:
            candidate = candidate._replace(source_tokens=(0, source.token_count))
        candidates.append(candidate._replace(summary=True))
    return resolve_overlaps(candidates)


def source_concentration(
    view_s: ContentView,
    view_r: ContentView,
    matches: TypeMatches,
    candidate: Candidate,
    *,
    width: int,
) -> tuple[float, tuple[int, int]]:
    """The share of the candidate's suspicious content types matched in its
    source side that the densest stretch of ``width`` source tokens (all tokens,
    stopwords included) matches, and the token extent of that stretch's matches.
    A synonym match counts as much as an equal word.

    A summary draws on much of its source, so no short stretch holds most of its
    words; a lightly rewritten passage next to a few sentences on its topic takes
    nearly all of them from the stretch it rewrites. (Each type counts once, so a
    common word found all through a long source does not make a summary.)"""
    lo, hi = np.searchsorted(view_s.tokens, candidate.suspicious_tokens)
    selected_s = np.zeros(matches.count_a, dtype=np.bool_)
    selected_s[view_s.types[lo:hi]] = True
    keep = selected_s[matches.a]
    pair_a, pair_b = matches.a[keep], matches.b[keep]
    order = np.argsort(pair_b, kind="stable")
    pair_a, pair_b = pair_a[order], pair_b[order]
    lo_r, hi_r = np.searchsorted(view_r.tokens, candidate.source_tokens)
    types_r = view_r.types[lo_r:hi_r]
    starts = np.searchsorted(pair_b, types_r, side="left")
    ends = np.searchsorted(pair_b, types_r, side="right")
    hit = ends > starts
    if not hit.any():
        return 0.0, candidate.source_tokens
    positions = view_r.tokens[lo_r:hi_r][hit].tolist()
    spans = list(zip(starts[hit].tolist(), ends[hit].tolist(), strict=True))
    suspicious_types: list[int] = pair_a.tolist()
    total = len({kind for start, end in spans for kind in suspicious_types[start:end]})

    def kinds(at: int) -> list[int]:
        return suspicious_types[spans[at][0] : spans[at][1]]

    counts: dict[int, int] = {}
    covered, best, best_at = 0, -1, (0, 0)
    left = 0
    for right, position in enumerate(positions):
        for kind in kinds(right):
            counts[kind] = counts.get(kind, 0) + 1
            covered += counts[kind] == 1
        while position - positions[left] >= width:
            for gone in kinds(left):
                counts[gone] -= 1
                covered -= counts[gone] == 0
            left += 1
        if covered > best:
            best, best_at = covered, (left, right)
    # Tighten the stretch to the matches it needs: drop matches at either end whose
    # types it holds elsewhere too.
    first, last = best_at
    counts = {}
    for at in range(first, last + 1):
        for kind in kinds(at):
            counts[kind] = counts.get(kind, 0) + 1
    while first < last and all(counts[kind] > 1 for kind in kinds(first)):
        for kind in kinds(first):
            counts[kind] -= 1
        first += 1
    while last > first and all(counts[kind] > 1 for kind in kinds(last)):
        for kind in kinds(last):
            counts[kind] -= 1
        last -= 1
    return best / total, (positions[first], positions[last] + 1)


def absorb_into_summaries(
    candidates: list[Candidate],
    summaries: list[Candidate],
    *,
    max_explained: float,
    max_piece_similarity: float,
    added_containment: Callable[[tuple[int, int], tuple[int, int]], tuple[float, int]]
    | None = None,
    min_added_containment: float = 0.0,
) -> list[Candidate]:
    """Replace the pieces of a summary found by the main pass with the summary.

    A summary stands for the main-pass passages it overlaps when its source side
    holds all of them and it explains clearly more of the suspicious text: it
    holds several pieces, or one covering less than ``max_explained`` of it (a
    copied passage next to one sentence on the same topic is no summary). A piece
    copied word for word (similarity ``max_piece_similarity`` or more) is a copy,
    not part of a summary, and stays as it is. With ``added_containment`` (the
    containment of suspicious tokens in source tokens, and their type count), the
    summary must also explain what it adds: its source contains at least
    ``min_added_containment`` of its text outside the pieces. A lightly rewritten
    passage beside a few sentences on its topic is otherwise taken for a summary
    of the whole source around it.
    """
    result = list(candidates)
    for summary in summaries:
        (s0, s1), (r0, r1) = summary.suspicious_tokens, summary.source_tokens
        overlapping = [
            c for c in result if c.suspicious_tokens[0] < s1 and c.suspicious_tokens[1] > s0
        ]
        if not overlapping:
            continue
        inside = all(r0 <= c.source_tokens[0] and c.source_tokens[1] <= r1 for c in overlapping)
        explained = sum(
            min(c.suspicious_tokens[1], s1) - max(c.suspicious_tokens[0], s0) for c in overlapping
        )
        verbatim = any(c.similarity >= max_piece_similarity for c in overlapping)
        several = len(overlapping) >= 2
        adds = added_containment is None or (
            _added_containment(summary, overlapping, added_containment) >= min_added_containment
        )
        if inside and not verbatim and adds and (several or explained < max_explained * (s1 - s0)):
            result = [c for c in result if c not in overlapping]
            result.append(summary)
    return resolve_overlaps(result)


def _added_containment(
    summary: Candidate,
    pieces: list[Candidate],
    containment: Callable[[tuple[int, int], tuple[int, int]], tuple[float, int]],
) -> float:
    """How much of the summary's suspicious text outside ``pieces`` its source
    contains (1 when nothing is left outside): what the summary explains beyond
    the passages it would replace."""
    (s0, s1), source = summary.suspicious_tokens, summary.source_tokens
    gaps: list[tuple[int, int]] = []
    at = s0
    for piece in sorted(pieces, key=lambda c: c.suspicious_tokens):
        start, end = piece.suspicious_tokens
        if start > at:
            gaps.append((at, start))
        at = max(at, end)
    if s1 > at:
        gaps.append((at, s1))
    total, weight = 0.0, 0
    for gap in gaps:
        share, types = containment(gap, source)
        total, weight = total + share * types, weight + types
    return total / weight if weight else 1.0
