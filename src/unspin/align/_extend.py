"""Extension: grow seeds into passages, then keep the passages that hold up.

Seeds (sentence pairs) that lie close together in *both* texts belong to one copied
passage; closeness is measured in sentences, so reordered sentences inside a passage,
dropped sentences and inserted filler sentences all stay inside it. A passage is the
bounding box of its seeds, trimmed to its first and last matching words.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.align._seed import ContentView, SeedMatrix, TypeMatches
from unspin.text._analysis import TextAnalysis

__all__ = [
    "Candidate",
    "attach_weak_seeds",
    "cluster_seeds",
    "drop_weakest_edge",
    "keep_consistent_seeds",
    "keep_near_best_seeds",
    "merge_consecutive",
    "resolve_overlaps",
    "score_candidate",
    "score_tokens",
    "sentence_tokens",
    "trim_weak_edges",
]

IntArray = npt.NDArray[np.int64]


class Candidate(NamedTuple):
    """A passage in token coordinates (half-open ranges) with its evidence."""

    suspicious_tokens: tuple[int, int]
    source_tokens: tuple[int, int]
    similarity: float
    seeds: int
    containment: float = 0.0  # share of the suspicious side's content matched
    summary: bool = False  # found by the summary pass
    exact_share: float = 0.0  # of its in-order chain matching word for word (refinement)


def keep_near_best_seeds(seeds: SeedMatrix, *, ratio: float) -> IntArray:
    """Seeds at least ``ratio`` times as similar as the best seed of *both* their
    sentences.

    In a copy each sentence has a partner far more similar than anything else; a
    sentence next to a copied passage that only shares the topic seeds with a copied
    sentence whose real partner is much closer. Such secondary seeds would widen a
    passage by a sentence of unrelated text.
    """
    count = len(seeds.suspicious)
    if count == 0 or ratio <= 0:
        return np.arange(count, dtype=np.int64)
    best_row = np.zeros(int(seeds.suspicious.max()) + 1)
    best_col = np.zeros(int(seeds.source.max()) + 1)
    np.maximum.at(best_row, seeds.suspicious, seeds.similarity)
    np.maximum.at(best_col, seeds.source, seeds.similarity)
    best = np.maximum(best_row[seeds.suspicious], best_col[seeds.source])
    kept: IntArray = np.flatnonzero(seeds.similarity >= ratio * best).astype(np.int64)
    return kept


def cluster_seeds(seeds: SeedMatrix, *, gap_suspicious: int, gap_source: int) -> list[IntArray]:
    """Group seeds closer than the gaps (in sentences) on both sides."""
    count = len(seeds.suspicious)
    if count == 0:
        return []
    order = np.lexsort((seeds.source, seeds.suspicious))
    rows = seeds.suspicious[order].tolist()
    cols = seeds.source[order].tolist()
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    window_start = 0
    for current in range(count):
        row, col = rows[current], cols[current]
        while rows[window_start] < row - gap_suspicious:
            window_start += 1
        for earlier in range(window_start, current):
            if abs(cols[earlier] - col) <= gap_source:
                root_a, root_b = find(earlier), find(current)
                if root_a != root_b:
                    parent[root_b] = root_a
    groups: dict[int, list[int]] = {}
    for node in range(count):
        groups.setdefault(find(node), []).append(int(order[node]))
    return [np.asarray(members, dtype=np.int64) for members in groups.values()]


def attach_weak_seeds(
    seeds: SeedMatrix,
    groups: list[IntArray],
    weak: IntArray,
    *,
    gap_suspicious: int,
    gap_source: int,
    diagonal_tolerance: int,
) -> list[IntArray]:
    """Let weak seeds join the cluster of a nearby strong seed, never each other.

    A weak seed (a loosely matching sentence pair: a heavily spun sentence, or one
    whose sentence break was lost) extends a passage only when it lies close to a
    strong seed of it and roughly on its diagonal, so weak seeds cannot chain a
    passage into unrelated text.
    """
    if len(weak) == 0 or not groups:
        return groups
    owner = np.full(len(seeds.suspicious), -1, dtype=np.int64)
    for index, members in enumerate(groups):
        owner[members] = index
    strong = np.concatenate(groups)
    strong = strong[np.argsort(seeds.suspicious[strong], kind="stable")]
    strong_rows = seeds.suspicious[strong]
    strong_cols = seeds.source[strong]
    extra: list[list[int]] = [[] for _ in groups]
    # The best weak seed of each suspicious sentence only.
    order = np.lexsort((-seeds.similarity[weak], seeds.suspicious[weak]))
    weak = weak[order]
    rows = seeds.suspicious[weak]
    best_of_row = np.ones(len(weak), dtype=np.bool_)
    best_of_row[1:] = rows[1:] != rows[:-1]
    for seed in weak[best_of_row].tolist():
        row, col = int(seeds.suspicious[seed]), int(seeds.source[seed])
        lo = int(np.searchsorted(strong_rows, row - gap_suspicious, side="left"))
        hi = int(np.searchsorted(strong_rows, row + gap_suspicious, side="right"))
        for near in range(lo, hi):
            delta_row = row - int(strong_rows[near])
            delta_col = col - int(strong_cols[near])
            if abs(delta_col) <= gap_source and abs(delta_row - delta_col) <= diagonal_tolerance:
                extra[int(owner[strong[near]])].append(seed)
                break
    return [
        np.concatenate([members, np.asarray(more, dtype=np.int64)]) if more else members
        for members, more in zip(groups, extra, strict=True)
    ]


def keep_consistent_seeds(seeds: SeedMatrix, members: IntArray, *, tolerance: int) -> IntArray:
    """Drop a cluster's seeds that pair a sentence with a far-off repeat.

    Text often repeats itself (a photo caption restating the lead): a suspicious
    sentence then seeds with both copies and would stretch the passage's source side
    over both. Each sentence keeps its anchor seed (the strongest; among near-equals
    the one nearest the cluster's median source position) and the seeds within
    ``tolerance`` sentences of it (a sentence whose break was lost matches two).
    """
    rows = seeds.suspicious[members]
    if len(np.unique(rows)) == len(rows):
        return members
    cols = seeds.source[members]
    similarity = seeds.similarity[members]
    row_best = np.zeros(int(rows.max()) + 1)
    np.maximum.at(row_best, rows, similarity)
    near_best = similarity >= 0.8 * row_best[rows]
    distance = np.abs(cols - np.median(cols)).astype(np.float64)
    distance[~near_best] = np.inf
    order = np.lexsort((distance, rows))
    first_of_row = np.ones(len(order), dtype=np.bool_)
    first_of_row[1:] = rows[order][1:] != rows[order][:-1]
    anchor_col = np.zeros(int(rows.max()) + 1, dtype=np.int64)
    anchor_col[rows[order[first_of_row]]] = cols[order[first_of_row]]
    keep = np.abs(cols - anchor_col[rows]) <= tolerance
    kept: IntArray = members[keep]
    return kept


def trim_weak_edges(seeds: SeedMatrix, members: IntArray, *, ratio: float) -> IntArray:
    """Peel off seeds at a passage's edges that are much weaker than its core.

    Texts on one topic share words everywhere, so the sentences next to a copied
    passage often reach the seed threshold by chance; they stand out by being far
    weaker than the passage itself (a verbatim core of 1.0 next to a 0.35 edge).
    """
    members = members.copy()
    while len(members) > 1:
        similarity = seeds.similarity[members]
        floor = ratio * float(np.median(similarity))
        rows, cols = seeds.suspicious[members], seeds.source[members]
        at_edge = (
            (rows == rows.min())
            | (rows == rows.max())
            | (cols == cols.min())
            | (cols == cols.max())
        )
        weak = at_edge & (similarity < floor)
        if not weak.any() or weak.all():
            break
        members = members[~weak]
    return members


def drop_weakest_edge(seeds: SeedMatrix, members: IntArray) -> IntArray:
    """The group without its weakest seed among those on an edge of its box."""
    rows, cols = seeds.suspicious[members], seeds.source[members]
    at_edge = (
        (rows == rows.min()) | (rows == rows.max()) | (cols == cols.min()) | (cols == cols.max())
    )
    similarity = np.where(at_edge, seeds.similarity[members], np.inf)
    kept: IntArray = np.delete(members, int(np.argmin(similarity)))
    return kept


def _type_slice(view: ContentView, first_token: int, end_token: int) -> tuple[IntArray, IntArray]:
    """Content positions and unique types of the tokens ``first_token:end_token``."""
    lo = int(np.searchsorted(view.tokens, first_token))
    hi = int(np.searchsorted(view.tokens, end_token))
    return np.arange(lo, hi), np.unique(view.types[lo:hi])


def score_candidate(
    suspicious: TextAnalysis,
    view_s: ContentView,
    source: TextAnalysis,
    view_r: ContentView,
    matches: TypeMatches,
    sentences_s: tuple[int, int],
    sentences_r: tuple[int, int],
    seed_count: int,
) -> Candidate | None:
    """Turn a sentence box into a trimmed token passage with its similarity."""
    tokens_s = sentence_tokens(suspicious, sentences_s)
    tokens_r = sentence_tokens(source, sentences_r)
    positions_s, types_s = _type_slice(view_s, *tokens_s)
    positions_r, types_r = _type_slice(view_r, *tokens_r)
    if len(types_s) == 0 or len(types_r) == 0:
        return None
    best_s, best_r = _best_matches(matches, types_s, types_r)
    # Trim each side to its first and last content word that matches the other side.
    matched_types_s = types_s[best_s > 0]
    matched_types_r = types_r[best_r > 0]
    hits_s = positions_s[np.isin(view_s.types[positions_s], matched_types_s)]
    hits_r = positions_r[np.isin(view_r.types[positions_r], matched_types_r)]
    if len(hits_s) == 0 or len(hits_r) == 0:
        return None
    trimmed_s = _trim(view_s, tokens_s, positions_s, hits_s)
    trimmed_r = _trim(view_r, tokens_r, positions_r, hits_r)
    similarity, containment = _similarity(best_s, best_r)
    return Candidate(trimmed_s, trimmed_r, similarity, seed_count, containment)


def sentence_tokens(analysis: TextAnalysis, sentences: tuple[int, int]) -> tuple[int, int]:
    """The token range of sentences ``sentences[0]:sentences[1]``."""
    return int(analysis.sentence_ptr[sentences[0]]), int(analysis.sentence_ptr[sentences[1]])


def score_tokens(
    view_s: ContentView,
    view_r: ContentView,
    matches: TypeMatches,
    tokens_s: tuple[int, int],
    tokens_r: tuple[int, int],
    seed_count: int,
) -> Candidate | None:
    """A candidate for exactly these token ranges, with their similarity."""
    _, types_s = _type_slice(view_s, *tokens_s)
    _, types_r = _type_slice(view_r, *tokens_r)
    if len(types_s) == 0 or len(types_r) == 0:
        return None
    similarity, containment = _similarity(*_best_matches(matches, types_s, types_r))
    return Candidate(tokens_s, tokens_r, similarity, seed_count, containment)


def _best_matches(
    matches: TypeMatches, types_s: IntArray, types_r: IntArray
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The best match weight of each type of one side among the other's types."""
    selected_s = np.zeros(matches.count_a, dtype=np.bool_)
    selected_r = np.zeros(matches.count_b, dtype=np.bool_)
    selected_s[types_s] = True
    selected_r[types_r] = True
    best_s = matches.best_a(selected_s, selected_r)[types_s]
    best_r = matches.best_b(selected_s, selected_r)[types_r]
    return best_s, best_r


def _similarity(
    best_s: npt.NDArray[np.float64], best_r: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """Dice over matched types, and the share of the suspicious side's types matched."""
    similarity = float((best_s.sum() + best_r.sum()) / (len(best_s) + len(best_r)))
    return similarity, float(best_s.sum() / len(best_s))


_KEEP_UNMATCHED_EDGE = 4


def _trim(
    view: ContentView, box: tuple[int, int], positions: IntArray, hits: IntArray
) -> tuple[int, int]:
    """Trim a sentence box to its first and last matching content words, unless
    only a few content words would go: a sentence's edges are often rewritten."""
    first, end = box
    if hits[0] - positions[0] > _KEEP_UNMATCHED_EDGE:
        first = int(view.tokens[hits[0]])
    if positions[-1] - hits[-1] > _KEEP_UNMATCHED_EDGE:
        end = int(view.tokens[hits[-1]]) + 1
    return first, end


def merge_consecutive(candidates: list[Candidate], *, max_gap_share: float) -> list[Candidate]:
    """Join passages that follow each other in both texts with a small gap.

    A long copy can break where a stretch was rewritten beyond recognition (a
    paragraph with no seed), and the parts found on either side of a break can
    overlap by a few words once their edges are refined; the parts still run on
    in both texts. A gap (or overlap) is small when it is at most
    ``max_gap_share`` of the shorter part, on each side.
    """
    if max_gap_share <= 0 or len(candidates) < 2:
        return candidates
    ordered = sorted(candidates, key=lambda c: c.suspicious_tokens)
    merged = [ordered[0]]
    for candidate in ordered[1:]:
        last = merged[-1]
        (a0, a1), (b0, b1) = last.suspicious_tokens, last.source_tokens
        (c0, c1), (d0, d1) = candidate.suspicious_tokens, candidate.source_tokens
        limit_s = max_gap_share * min(a1 - a0, c1 - c0)
        limit_r = max_gap_share * min(b1 - b0, d1 - d0)
        consecutive = (
            not last.summary
            and not candidate.summary
            and a0 < c0
            and a1 < c1
            and b0 < d0
            and b1 < d1
            and abs(c0 - a1) <= limit_s
            and abs(d0 - b1) <= limit_r
        )
        if not consecutive:
            merged.append(candidate)
            continue
        length_a, length_c = a1 - a0, c1 - c0
        merged[-1] = Candidate(
            suspicious_tokens=(a0, c1),
            source_tokens=(b0, d1),
            similarity=(last.similarity * length_a + candidate.similarity * length_c)
            / (length_a + length_c),
            seeds=last.seeds + candidate.seeds,
            containment=(last.containment * length_a + candidate.containment * length_c)
            / (length_a + length_c),
        )
    return merged


def resolve_overlaps(candidates: list[Candidate], *, keep_share: float = 0.5) -> list[Candidate]:
    """Keep the strongest of candidates that claim the same suspicious words.

    A weaker candidate that only overlaps a stronger one at an edge (two parts of
    one long copy, refined to share a few words) keeps its free part, when that is
    at least ``keep_share`` of it; one mostly inside a stronger one goes.
    """
    ranked = sorted(
        candidates,
        key=lambda c: c.similarity * (c.suspicious_tokens[1] - c.suspicious_tokens[0]),
        reverse=True,
    )
    kept: list[Candidate] = []
    for candidate in ranked:
        start, end = candidate.suspicious_tokens
        for other in kept:
            other_start, other_end = other.suspicious_tokens
            if other_end <= start or end <= other_start:
                continue
            if other_start <= start:
                start = max(start, other_end)  # overlaps at its start
            elif other_end >= end:
                end = min(end, other_start)  # overlaps at its end
            else:
                end = start  # holds a stronger candidate inside: no free edge part
            if end <= start:
                break
        if end - start >= keep_share * (
            candidate.suspicious_tokens[1] - candidate.suspicious_tokens[0]
        ):
            kept.append(candidate._replace(suspicious_tokens=(start, end)))
    kept.sort(key=lambda c: c.suspicious_tokens)
    return kept
