"""Extension helpers: seed filtering, clustering, overlap resolution and merging."""

from __future__ import annotations

import numpy as np

from unspin.align._extend import (
    Candidate,
    cluster_seeds,
    keep_near_best_seeds,
    merge_consecutive,
    resolve_overlaps,
)
from unspin.align._seed import SeedMatrix


def _seeds(pairs: list[tuple[int, int, float]]) -> SeedMatrix:
    return SeedMatrix(
        suspicious=np.array([p[0] for p in pairs], dtype=np.int64),
        source=np.array([p[1] for p in pairs], dtype=np.int64),
        similarity=np.array([p[2] for p in pairs]),
        matched=np.full(len(pairs), 5.0),
        containment=np.array([p[2] for p in pairs]),
    )


def test_a_secondary_seed_of_a_copied_sentence_is_dropped() -> None:
    # Sentence 3 is copied from 7 (1.0) and merely shares the topic with 8 (0.35).
    seeds = _seeds([(3, 7, 1.0), (3, 8, 0.35), (4, 8, 0.9)])
    kept = keep_near_best_seeds(seeds, ratio=0.7)
    assert kept.tolist() == [0, 2]


def test_near_equal_seeds_of_a_split_sentence_are_kept() -> None:
    # Sentence 5 was split into 10 and 11: both halves match it about as well.
    seeds = _seeds([(5, 10, 0.6), (5, 11, 0.5)])
    assert keep_near_best_seeds(seeds, ratio=0.7).tolist() == [0, 1]


def test_seeds_close_on_both_sides_form_one_cluster() -> None:
    seeds = _seeds([(0, 0, 1.0), (2, 3, 1.0), (5, 6, 1.0), (30, 1, 1.0), (31, 2, 1.0)])
    groups = sorted(
        sorted(g.tolist()) for g in cluster_seeds(seeds, gap_suspicious=4, gap_source=4)
    )
    assert groups == [[0, 1, 2], [3, 4]]


def _candidate(s: tuple[int, int], r: tuple[int, int], similarity: float = 0.8) -> Candidate:
    return Candidate(suspicious_tokens=s, source_tokens=r, similarity=similarity, seeds=1)


def test_parts_of_one_copy_that_overlap_by_a_few_words_are_both_kept() -> None:
    first = _candidate((0, 1000), (0, 980))
    second = _candidate((990, 3000), (975, 2950), similarity=0.9)
    kept = resolve_overlaps([first, second])
    assert [c.suspicious_tokens for c in kept] == [(0, 990), (990, 3000)]


def test_a_weaker_candidate_inside_a_stronger_one_goes() -> None:
    outer = _candidate((0, 1000), (0, 1000))
    inner = _candidate((100, 200), (5000, 5100))
    assert resolve_overlaps([inner, outer]) == [outer]


def test_consecutive_parts_are_merged_and_distant_ones_are_not() -> None:
    parts = [
        _candidate((0, 1000), (0, 980), 0.8),
        _candidate((1040, 2000), (1020, 1990), 0.6),  # a small gap on both sides
        _candidate((2600, 3000), (2500, 2900), 0.7),  # a gap larger than a quarter of it
    ]
    merged = merge_consecutive(parts, max_gap_share=0.25)
    assert [(c.suspicious_tokens, c.source_tokens) for c in merged] == [
        ((0, 2000), (0, 1990)),
        ((2600, 3000), (2500, 2900)),
    ]
    assert merged[0].similarity == (0.8 * 1000 + 0.6 * 960) / 1960


def test_parts_in_the_opposite_order_in_the_source_are_not_merged() -> None:
    parts = [_candidate((0, 1000), (2000, 3000)), _candidate((1010, 2000), (0, 990))]
    assert merge_consecutive(parts, max_gap_share=0.25) == parts
