"""Finding the sources of a query: rank candidates by fingerprint evidence, then let
alignment decide.

Retrieval only proposes. Each query fingerprint found in the index counts for every
document holding it with its idf, ``ln(1 + N / df)``, so a rare shared fingerprint (a name
pair, an unusual skeleton) weighs far more than a common one, and fingerprints in more
than ``max_df`` of the index are ignored outright. A document's *evidence* is local: the
most weight of the query fingerprints it holds that fall inside any ``window`` characters
of the query, so one copied paragraph in a long page outweighs a long article that shares
scattered vocabulary with the whole page.

Verification decides. Candidates are aligned with the query, strongest evidence first,
while their evidence clears ``min_evidence``; a copy that alignment finds is confirmed when
its passages share enough fingerprints with the source, or, with fewer, when they share far
more of their vocabulary than the two texts do elsewhere (word shuffles and translation
break fingerprints, not words). When a candidate is confirmed, the query
fingerprints inside its passages are *explained*: the evidence of the remaining candidates
is recounted without them, so a page stitched from three sources gets each source
verified on the part it supplied, while documents that only echo an already-found source
(near-duplicates, articles on the same story) are not aligned for nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.align import Alignment, Passage, Rewrite, Span, Verdict, align
from unspin.index._fingerprint import FingerprintOptions, QueryFingerprints, fingerprint_documents
from unspin.index._segment import Segment
from unspin.index._types import Candidate, SearchOptions, SourceMatch
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

__all__ = [
    "Contrast",
    "Evidence",
    "Query",
    "SourceText",
    "Verified",
    "covered_share",
    "crop_for",
    "dense_passage",
    "explain",
    "gather_evidence",
    "is_summary",
    "isolated_passage",
    "isolation_contrast",
    "local_evidence",
    "patchwork_options",
    "prose_share",
    "required_support",
    "scaled_budget",
    "standout_passage",
    "stands_out",
    "structural_support",
    "verify_candidates",
    "vocabulary_contrast",
    "word_starts",
]

_MIN_MAX_DF = 50
# Candidates ranked by local evidence are picked among this many times more by total.
_PRESELECT = 8
_DOCUMENT_MASK = np.uint64(0xFFFFFFFF)
# A candidate holding at least this share of a confirmed source's evidence inside one of
# its passages is another copy of that text, not an echo of it (see explain()).
_RIVAL_SHARE = 0.5
# ... or that share of the confirmed source's evidence from this many characters before
# the candidate's first hit there to as many after its last: a passage can run on past
# its source's text into another's.
_RIVAL_REACH = 100


class Evidence(NamedTuple):
    """Retrieval's account of one query: per query fingerprint its weight, and per
    candidate document (strongest first) which fingerprints it holds."""

    weights: npt.NDArray[np.float64]  # per query fingerprint (0: absent or too common)
    documents: npt.NDArray[np.int64]  # candidate document numbers, by evidence
    scores: npt.NDArray[np.float64]  # their evidence
    hits: list[npt.NDArray[np.int64]]  # per candidate: indexes of its query fingerprints


def local_evidence(
    weights: npt.NDArray[np.float64], offsets: npt.NDArray[np.int64], window: int
) -> float:
    """The most weight of hits inside any ``window`` characters of the query."""
    if len(offsets) == 0:
        return 0.0
    order = np.argsort(offsets, kind="stable")
    ordered = offsets[order]
    running = np.concatenate([[0.0], np.cumsum(weights[order])])
    ends = np.searchsorted(ordered, ordered + window)
    return float((running[ends] - running[:-1]).max())


def _local_evidence_of_all(
    owners: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    offsets: npt.NDArray[np.int64],
    window: int,
) -> npt.NDArray[np.float64]:
    """:func:`local_evidence` of every candidate at once: ``owners[i]`` is the candidate
    (0..n-1) of hit ``i``."""
    count = int(owners.max()) + 1 if len(owners) else 0
    key = owners * (1 << 40) + offsets
    order = np.argsort(key, kind="stable")
    key, weights = key[order], weights[order]
    running = np.concatenate([[0.0], np.cumsum(weights)])
    ends = np.searchsorted(key, key + window)
    sums = running[ends] - running[:-1]
    best = np.zeros(count, dtype=np.float64)
    np.maximum.at(best, owners[order], sums)
    return best


def gather_evidence(
    query: QueryFingerprints,
    segments: Sequence[Segment],
    live: npt.NDArray[np.bool_],
    document_count: int,
    *,
    max_df: float,
    keep: int,
    window: int,
    weight_scale: float = 1.0,
) -> Evidence:
    """Score every document sharing a fingerprint with the query; keep the ``keep`` best.

    A document's evidence is *local*: the most weight its hits carry inside any
    ``window`` characters of the query. A source of one paragraph in a long page has all
    its hits there; a long article that merely shares vocabulary with the page has them
    scattered, however many there are.

    Each fingerprint weighs its idf times ``weight_scale``: an index keeping more of the
    fingerprints than the default sample passes its sample over the default's, so that
    evidence, and every bar set on it, keeps its meaning.
    """
    fingerprints = query.fingerprint
    count = len(fingerprints)
    found = [segment.lookup(fingerprints) for segment in segments]
    df = np.zeros(count, dtype=np.int64)
    for postings in found:
        df += np.diff(postings.pointer)
    ceiling = max(_MIN_MAX_DF, int(max_df * document_count))
    usable = (df > 0) & (df <= ceiling)
    weights = np.zeros(count, dtype=np.float64)
    weights[usable] = weight_scale * np.log1p(max(document_count, 1) / df[usable])
    docs_parts: list[npt.NDArray[np.int64]] = []
    fp_parts: list[npt.NDArray[np.int64]] = []
    for postings in found:
        lengths = np.diff(postings.pointer)
        if not len(postings.keys):
            continue
        owners = np.repeat(np.arange(count, dtype=np.int64), lengths)
        counted = usable[owners]
        docs_parts.append((postings.keys[counted] & _DOCUMENT_MASK).astype(np.int64))
        fp_parts.append(owners[counted])
    if not docs_parts:
        empty = np.zeros(0, dtype=np.int64)
        return Evidence(weights, empty, np.zeros(0, dtype=np.float64), [])
    docs = np.concatenate(docs_parts)
    owners = np.concatenate(fp_parts)
    alive = docs < len(live)
    alive[alive] = live[docs[alive]]
    docs, owners = docs[alive], owners[alive]
    unique, inverse = np.unique(docs, return_inverse=True)
    totals = np.bincount(inverse, weights=weights[owners], minlength=len(unique))
    # Local evidence never exceeds the total: rank the strongest totals by it.
    preselected = np.argsort(-totals, kind="stable")[: max(keep * _PRESELECT, 256)]
    rank = np.full(len(unique), -1, dtype=np.int64)
    rank[preselected] = np.arange(len(preselected))
    chosen = rank[inverse] >= 0
    hit_rank, hit_owner = rank[inverse][chosen], owners[chosen]
    local = _local_evidence_of_all(hit_rank, weights[hit_owner], query.offset[hit_owner], window)
    best = np.argsort(-local, kind="stable")[:keep]
    order = np.argsort(hit_rank, kind="stable")
    ranked = hit_rank[order]
    bounds = np.searchsorted(ranked, best), np.searchsorted(ranked, best, "right")
    hits = [hit_owner[order[low:high]] for low, high in zip(*bounds, strict=True)]
    return Evidence(weights, unique[preselected[best]], local[best].astype(np.float64), hits)


class Query(NamedTuple):
    """The query as verification needs it: raw text, HTML flag, the raw offset of each
    query fingerprint, its analysis (computed on first use), the options to analyse a
    crop of it, and the raw offsets where its words start."""

    text: str
    html: bool
    offsets: npt.NDArray[np.int64]
    analysis: Callable[[], TextAnalysis]
    analysis_options: AnalysisOptions
    word_starts: npt.NDArray[np.int64]


_WORD = re.compile(r"\w+")


def word_starts(text: str) -> npt.NDArray[np.int64]:
    """Raw offsets of the words of ``text`` (for coverage shares)."""
    return np.fromiter((m.start() for m in _WORD.finditer(text)), dtype=np.int64)


def crop_for(
    text: str,
    offsets: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    window: int,
) -> tuple[int, int] | None:
    """The part of a long query worth aligning with one candidate: every cluster of its
    hits (hits closer than half a ``window``) that carries a quarter of the weight of the
    best cluster, widened a little (a fingerprint's offset is that of its first word) and
    out to line breaks. ``None`` when that is most
    of the query anyway (or the query is short)."""
    length = len(text)
    if length <= 2 * window or len(offsets) == 0:
        return None
    order = np.argsort(offsets, kind="stable")
    ordered, ordered_weights = offsets[order], weights[order]
    breaks = np.flatnonzero(np.diff(ordered) > window // 2) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(ordered)]])
    cluster_weights = np.add.reduceat(ordered_weights, starts)
    kept = cluster_weights >= 0.25 * cluster_weights.max()
    start = int(ordered[starts[kept]].min()) - window // 4
    end = int(ordered[ends[kept] - 1].max()) + window // 2
    start, end = max(0, start), min(length, end)
    if end - start > 0.7 * length:
        return None
    line_start = text.rfind("\n", max(0, start - window), start)
    start = line_start + 1 if line_start >= 0 else start
    line_end = text.find("\n", end, min(length, end + window))
    end = line_end if line_end >= 0 else end
    return start, end


def _shifted(
    alignment: Alignment, offset: int, query: Query, crop_words: int, copy_min_coverage: float
) -> Alignment:
    """An alignment of a crop of the query, restated for the whole query: spans moved by
    ``offset``, coverage and score as shares of all the query's words, verdict to match."""

    def moved(span: Span) -> Span:
        return Span(span.start + offset, span.end + offset)

    passages = tuple(
        passage._replace(
            suspicious=moved(passage.suspicious),
            rewrites=tuple(
                Rewrite(
                    r.kind,
                    moved(r.suspicious),
                    r.source,
                    r.suspicious_text,
                    r.source_text,
                    r.synonym,
                )
                for r in passage.rewrites
            ),
        )
        for passage in alignment.passages
    )
    total = max(len(query.word_starts), 1)
    coverage = _word_share(query.word_starts, [p.suspicious for p in passages])
    verdict = alignment.verdict
    if passages and coverage < copy_min_coverage:
        verdict = Verdict.PARTIAL_COPY
    return alignment._replace(
        passages=passages,
        suspicious_coverage=coverage,
        score=round(alignment.score * crop_words / total, 4),
        verdict=verdict,
    )


def _word_share(starts: npt.NDArray[np.int64], spans: Sequence[tuple[int, int]]) -> float:
    if not spans or len(starts) == 0:
        return 0.0
    covered = np.zeros(len(starts), dtype=np.bool_)
    for start, end in spans:
        covered[np.searchsorted(starts, start) : np.searchsorted(starts, end)] = True
    return round(float(covered.mean()), 4)


class SourceText(NamedTuple):
    """A candidate source as verification needs it."""

    id: str
    analysis: TextAnalysis  # its ``raw`` is the stored text
    html: bool


def structural_support(
    alignment: Alignment,
    query_text: str,
    query_html: bool,
    source_text: str,
    source_html: bool,
    options: FingerprintOptions,
) -> int:
    """How many fingerprints (all of them, unsampled) each passage's query text shares with
    its source text, summed over the passages.

    Spinning keeps a sentence's skeleton and most word classes, so a spun passage shares
    many; two reporters writing up the same story in their own sentences share few, even
    where alignment finds the sentences similar. A cheap second opinion on alignment.
    """
    texts: list[str] = []
    flags: list[bool] = []
    for passage in alignment.passages:
        texts += [query_text[slice(*passage.suspicious)], source_text[slice(*passage.source)]]
        flags += [query_html, source_html]
    if not texts:
        return 0
    postings = fingerprint_documents(texts, html=flags, options=options._replace(sample=1))
    total = 0
    for number in range(0, len(texts), 2):
        query = postings.fingerprint[postings.document == number]
        source = postings.fingerprint[postings.document == number + 1]
        total += len(np.intersect1d(query, source, assume_unique=True))
    return total


_ALPHA_WORD = re.compile(r"[^\W\d_]+")


def prose_share(text: str, alignment: Alignment) -> float:
    """The share of the words in the query's passages that are written in lower case.

    Prose is mostly lower-case words; squad line-ups, lists of names and tables are
    mostly capitalised, and two reports of one match share them without one copying the
    other's writing.
    """
    words: list[str] = [
        word
        for passage in alignment.passages
        for word in _ALPHA_WORD.findall(text[slice(*passage.suspicious)])
    ]
    if not words:
        return 0.0
    lower = sum(1 for word in words if word.islower())
    return lower / len(words)


def is_summary(passage: Passage, compression: float, max_compression: float = math.inf) -> bool:
    """Whether a passage condenses its source: the source side is at least
    ``compression`` times longer (alignment's own bar for a summary) and at most
    ``max_compression`` times."""
    suspicious = passage.suspicious.end - passage.suspicious.start
    source = passage.source.end - passage.source.start
    return compression * suspicious <= source <= max_compression * suspicious


def required_support(alignment: Alignment, options: SearchOptions) -> int:
    """The :func:`structural_support` a source needs: ``options.min_support``, or
    ``options.min_summary_support`` (if lower) when every passage is a summary of its
    source, condensing it at most ``options.summary_max_compression`` times.

    A summary fuses and shortens the source's sentences, so few of its sentence skeletons
    survive; what it keeps (names, numbers, word pairs) is spread over a source passage
    several times longer than itself, which an independent write-up of the same story
    does not match (alignment's summary pass asks for that containment). A paragraph
    "contained" in a whole long article is another matter: over that much text, the
    shared words of a topic (chart positions, match results) add up without any copying.
    """
    compression = options.align.summary_min_compression
    if alignment.passages and all(
        is_summary(p, compression, options.summary_max_compression) for p in alignment.passages
    ):
        return min(options.min_summary_support, options.min_support)
    return options.min_support


class Contrast(NamedTuple):
    """How alike a candidate's passages are, and how alike the two texts are outside them:
    Dice coefficients over the lemmas of their lower-case content words."""

    passages: float
    background: float


def _ordinary_words(analysis: TextAnalysis) -> npt.NDArray[np.bool_]:
    """Content tokens written in lower case: ordinary words, not names or numbers, which
    two write-ups of one story share wherever they mention them."""
    raw = analysis.raw
    lower = np.fromiter(
        (raw[start : start + 1].islower() for start in analysis.starts.tolist()),
        dtype=np.bool_,
        count=len(analysis.starts),
    )
    return np.asarray(analysis.content, dtype=np.bool_) & lower


def _within(analysis: TextAnalysis, spans: Sequence[tuple[int, int]]) -> npt.NDArray[np.bool_]:
    inside = np.zeros(len(analysis.starts), dtype=np.bool_)
    for start, end in spans:
        inside |= (analysis.starts >= start) & (analysis.starts < end)
    return inside


def _shared_and_total(
    first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> tuple[int, int]:
    """Distinct keys the two hold in common, and the distinct keys of each, summed."""
    first, second = np.unique(first), np.unique(second)
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared, len(first) + len(second)


def vocabulary_contrast(
    alignment: Alignment, query: TextAnalysis, source: TextAnalysis
) -> Contrast:
    """The :class:`Contrast` of an alignment: the passages' Dice coefficient (each
    passage's two sides compared, shared and total counts summed over the passages)
    against the background's (every ordinary word outside the passages on each side).

    Bags of words, not n-grams: local word shuffles, insertions and machine translation
    break the fingerprints of :func:`structural_support` but keep most of a passage's
    words. A copied passage is an island of shared vocabulary in two texts that share
    little elsewhere; an independent write-up of the same story shares its topic's words
    all through, so its most similar passage hardly stands out.
    """
    query_words, source_words = _ordinary_words(query), _ordinary_words(source)
    shared = total = 0
    for passage in alignment.passages:
        query_side = query.keys[query_words & _within(query, [passage.suspicious])]
        source_side = source.keys[source_words & _within(source, [passage.source])]
        passage_shared, passage_total = _shared_and_total(query_side, source_side)
        shared, total = shared + passage_shared, total + passage_total
    outside_query = ~_within(query, [p.suspicious for p in alignment.passages])
    outside_source = ~_within(source, [p.source for p in alignment.passages])
    background_shared, background_total = _shared_and_total(
        query.keys[query_words & outside_query], source.keys[source_words & outside_source]
    )
    return Contrast(
        passages=2 * shared / total if total else 0.0,
        background=2 * background_shared / background_total if background_total else 0.0,
    )


def stands_out(contrast: Contrast, options: SearchOptions) -> bool:
    """Whether the passages share at least ``options.min_passage_overlap`` of their
    vocabulary and ``options.min_contrast`` times the background's share."""
    return (
        contrast.passages >= options.min_passage_overlap
        and contrast.passages >= options.min_contrast * contrast.background
    )


def _token_range(analysis: TextAnalysis, span: Span) -> tuple[int, int]:
    """The tokens of ``analysis`` that start inside ``span`` (raw character offsets)."""
    first = int(np.searchsorted(analysis.starts, span.start))
    return first, int(np.searchsorted(analysis.starts, span.end))


_Side = dict[int, frozenset[int]]


def _side(analysis: TextAnalysis, ordinary: npt.NDArray[np.bool_], first: int, end: int) -> _Side:
    """The ordinary words of tokens ``first:end``, each lemma with its word classes
    (its concepts and, kept apart by sign, the lemma itself)."""
    ptr, concepts, keys = analysis.concept_ptr, analysis.concept_ids, analysis.keys
    side: _Side = {}
    for token in range(first, end):
        if ordinary[token]:
            key = int(keys[token])
            if key not in side:
                side[key] = frozenset(concepts[ptr[token] : ptr[token + 1]].tolist()) | {-1 - key}
    return side


def _class_dice(first: _Side, second: _Side) -> float:
    """Dice over distinct words, a word shared when any of its classes is a class of a
    word of the other side: a translated passage swaps many words for synonyms."""
    if not first or not second:
        return 0.0
    in_first = frozenset().union(*first.values())
    in_second = frozenset().union(*second.values())
    shared = sum(1 for classes in first.values() if classes & in_second)
    shared += sum(1 for classes in second.values() if classes & in_first)
    return shared / (len(first) + len(second))


def _best_stretch_overlap(
    probe: _Side,
    analysis: TextAnalysis,
    ordinary: npt.NDArray[np.bool_],
    length: int,
    avoid: Sequence[tuple[int, int]],
) -> float:
    """The highest Dice coefficient of ``probe`` (distinct keys) with the ordinary words
    of any stretch of ``length`` tokens of ``analysis`` that overlaps none of the token
    ranges ``avoid``; stretches start every ``length // 2`` tokens, and one ends the
    text."""
    count = len(analysis.starts)
    length = max(1, min(length, count))
    blocked = np.zeros(count + 1, dtype=np.int64)
    for first, end in avoid:
        blocked[first] += 1
        blocked[end] -= 1
    # How many tokens before each position lie in an avoided range.
    before = np.concatenate(([0], np.cumsum(np.cumsum(blocked)[:count] > 0)))
    starts = list(range(0, count - length + 1, max(1, length // 2)))
    if starts and starts[-1] != count - length:
        starts.append(count - length)
    best = 0.0
    for start in starts:
        end = start + length
        if before[end] - before[start]:
            continue
        best = max(best, _class_dice(probe, _side(analysis, ordinary, start, end)))
    return best


def isolation_contrast(
    passage: Passage, alignment: Alignment, query: TextAnalysis, source: TextAnalysis
) -> Contrast:
    """How alike a passage's two sides are (the Dice coefficient of their distinct
    ordinary words, a word shared when one of its WordNet concepts, or its lemma, is
    that of a word on the other side), against the most alike that either side is to a
    stretch of the same length elsewhere in the other text (outside every passage of
    ``alignment``).

    :func:`vocabulary_contrast` compares the passage with the whole of the two texts
    outside it, and two long texts share much of their vocabulary overall (two novels,
    two reports on one topic) without either copying the other: the longer they are, the
    less a copied passage stands out there. Compared with stretches of its own size, a
    copied passage still stands out in a long text, and a passage that only shares its
    topic's words with the other text matches other stretches of it about as well.
    Synonyms count, unlike in :func:`vocabulary_contrast`: a translated passage swaps
    many of its words for them (PAN13 random / translation 0.935 / 0.944 with exact
    lemmas, 0.937 / 0.947 with concepts, ``bench/bench_pan_retrieval.py``), and the
    stretches it is compared with are measured the same way.
    """
    query_words, source_words = _ordinary_words(query), _ordinary_words(source)
    query_avoid = [_token_range(query, p.suspicious) for p in alignment.passages]
    source_avoid = [_token_range(source, p.source) for p in alignment.passages]
    query_first, query_end = _token_range(query, passage.suspicious)
    source_first, source_end = _token_range(source, passage.source)
    query_side = _side(query, query_words, query_first, query_end)
    source_side = _side(source, source_words, source_first, source_end)
    elsewhere = max(
        _best_stretch_overlap(
            query_side, source, source_words, source_end - source_first, source_avoid
        ),
        _best_stretch_overlap(
            source_side, query, query_words, query_end - query_first, query_avoid
        ),
    )
    return Contrast(passages=_class_dice(query_side, source_side), background=elsewhere)


class Verified(NamedTuple):
    matches: tuple[SourceMatch, ...]
    candidates: tuple[Candidate, ...]
    spans: list[tuple[int, int]]


def explain(
    explained: list[npt.NDArray[np.bool_]],
    pending: Sequence[int],
    evidence: Evidence,
    offsets: npt.NDArray[np.int64],
    confirmed: int,
    spans: Sequence[tuple[int, int]],
    *,
    min_rival_evidence: float = math.inf,
) -> set[int]:
    """Mark, for every pending candidate, its hits inside the passages (``spans``) of a
    newly confirmed candidate as explained, except in a passage where the pending
    candidate is a *rival*: its hits there weigh at least ``_RIVAL_SHARE`` of the
    confirmed candidate's own there, or they weigh at least ``min_rival_evidence`` and
    ``_RIVAL_SHARE`` of the confirmed candidate's own from ``_RIVAL_REACH`` characters
    before the first of them to as many after the last. Return the candidates with newly
    explained hits.

    ``explained[i]`` is a mask over ``evidence.hits[i]``. A document that only echoes a
    found source (an article on the same story, sharing a few of its phrases) holds a
    fraction of the source's fingerprints in the passage and is explained away; a second
    copy of the source (a syndicated or mirrored text) holds as many and stays a
    candidate, to be reported as a source in its own right. A passage can also run on
    past its source's text into the next one's, another source on the same topic (a
    PAN13 suspicious document strings passages of several together): there the
    confirmed source holds few fingerprints and the next source's cluster stands.
    """
    weights = evidence.weights
    own = evidence.hits[confirmed]
    own_offsets = offsets[own]
    changed: set[int] = set()
    for start, end in spans:
        own_weight = float(weights[own[(own_offsets >= start) & (own_offsets < end)]].sum())
        for candidate in pending:
            hits = evidence.hits[candidate]
            hit_offsets = offsets[hits]
            inside = (hit_offsets >= start) & (hit_offsets < end)
            if not inside.any():
                continue
            weight = weights[hits[inside]].sum()
            if own_weight > 0 and weight >= _RIVAL_SHARE * own_weight:
                continue
            if weight >= min_rival_evidence:
                low = hit_offsets[inside].min() - _RIVAL_REACH
                high = hit_offsets[inside].max() + _RIVAL_REACH
                nearby = weights[own[(own_offsets >= low) & (own_offsets <= high)]].sum()
                if weight >= _RIVAL_SHARE * nearby:
                    continue
            if (inside & ~explained[candidate]).any():
                explained[candidate] |= inside
                changed.add(candidate)
    return changed


def scaled_budget(options: SearchOptions, words: int) -> SearchOptions:
    """``options`` with ``max_rejected`` and ``max_verified`` multiplied by the query's
    length in units of ``options.budget_words`` words (rounded, at least 1).

    A budget fixed per query would search a book with what a news article gets: a long
    document can hold passages of many sources, each of which needs a place in the
    candidate pool and an alignment. Scaled, a long query costs what searching it in
    pieces would, and a query of up to one and a half units is searched as before.
    """
    if options.budget_words <= 0:
        return options
    units = max(1, round(words / options.budget_words))
    if units == 1:
        return options
    return options._replace(
        max_rejected=options.max_rejected * units, max_verified=options.max_verified * units
    )


def patchwork_options(options: SearchOptions) -> SearchOptions:
    """The bars a candidate is aligned and confirmed on once
    ``options.patchwork_sources`` sources are: ``min_further_evidence`` and
    ``max_further_rejected`` become ``options.patchwork_further_evidence`` and
    ``options.patchwork_further_rejected``; ``min_support``, ``min_summary_support``,
    ``min_contrast_support`` (rounded), ``min_contrast``, and alignment's shortest
    passage (``align.min_pair_words``, rounded) and sentence-pair bars
    (``align.seed_threshold``, ``align.extend_threshold``) are multiplied by
    ``options.patchwork_bar``."""
    share = options.patchwork_bar
    return options._replace(
        min_further_evidence=options.patchwork_further_evidence,
        max_further_rejected=options.patchwork_further_rejected,
        min_support=round(options.min_support * share),
        min_summary_support=round(options.min_summary_support * share),
        min_contrast_support=round(options.min_contrast_support * share),
        min_contrast=options.min_contrast * share,
        align=options.align._replace(
            min_pair_words=round(options.align.min_pair_words * share),
            seed_threshold=options.align.seed_threshold * share,
            extend_threshold=options.align.extend_threshold * share,
        ),
    )


def verify_candidates(
    evidence: Evidence,
    ids: dict[int, str],
    query: Query,
    source: Callable[[int], SourceText | None],
    options: SearchOptions,
    fingerprint_options: FingerprintOptions,
) -> Verified:
    """Align candidates, strongest remaining evidence first, explaining away the query
    fingerprints inside each confirmed source's passages (see the module docstring and
    :func:`explain`).

    A candidate is confirmed when alignment finds a copy, its score reaches
    ``options.min_score``, its passages' :func:`prose_share` reaches ``options.min_prose``
    (or their support ``options.min_list_support``) and their :func:`structural_support`
    :func:`required_support`, or at least
    ``options.min_contrast_support`` while the passages :func:`stands_out` from the rest
    of the two texts (:func:`vocabulary_contrast`); once
    ``options.patchwork_sources`` sources are confirmed, on the lower bars of
    :func:`patchwork_options`, or by one :func:`dense_passage`,
    :func:`standout_passage` or :func:`isolated_passage`. The
    work is bounded by ``options.max_rejected`` candidates that confirm nothing (a query
    with no source stops there) and ``options.max_verified`` alignments in all (a page
    stitched from many sources gets each of them aligned, up to that many). A long
    query's candidate is aligned with a crop of the query first; with
    ``options.realign_whole``, a crop that confirms nothing is followed by an alignment
    of the whole query, which counts as a second alignment.

    Once a source is confirmed, candidates under ``options.min_evidence`` but at least
    ``options.min_further_evidence`` (in a patchwork, that of :func:`patchwork_options`)
    are aligned too, until ``options.max_further_rejected``
    of them per confirmed source are rejected: a page found copying one source often
    copies more, and one found copying several more still (stitched
    pages; PAN's suspicious documents hold up to two dozen), and their passages, short or
    heavily rewritten, keep few fingerprints; a query with no source never pays for them,
    and one whose host text is on the topic of other indexed documents pays little."""
    patchwork = patchwork_options(options)
    explained = [np.zeros(len(hits), dtype=np.bool_) for hits in evidence.hits]
    pending = list(range(len(evidence.documents)))
    outcomes: dict[int, tuple[bool, bool]] = {}
    matches: list[SourceMatch] = []
    spans: list[tuple[int, int]] = []
    aligned = rejected = weak_rejected = 0
    # Residual evidence, recomputed only for the candidates that explaining away touched.
    residual = {i: float(evidence.scores[i]) for i in pending}
    while pending and rejected < options.max_rejected and aligned < options.max_verified:
        best = max(range(len(pending)), key=lambda at: residual[pending[at]])
        strength = residual[pending[best]]
        weak = strength < options.min_evidence
        in_patchwork = len(matches) >= options.patchwork_sources
        bars = patchwork if in_patchwork else options
        if weak and not (
            matches
            and weak_rejected < bars.max_further_rejected * len(matches)
            and strength >= bars.min_further_evidence
        ):
            break
        candidate = pending.pop(best)
        found = source(int(evidence.documents[candidate]))
        if found is None:  # removed since the snapshot was taken
            continue
        open_hits = evidence.hits[candidate][~explained[candidate]]
        alignment, cropped = _align_candidate(query, found, open_hits, evidence.weights, bars)
        aligned += 1
        copy, support = _confirms(alignment, query, found, bars, fingerprint_options)
        if not copy and cropped and options.realign_whole:
            # The crop can leave out part of a passage, or (a summary's test compares
            # the passage with the rest of the query) the unrelated text around it.
            alignment = align(query.analysis(), found.analysis, options=bars.align)
            aligned += 1
            copy, support = _confirms(alignment, query, found, bars, fingerprint_options)
        if not copy and in_patchwork:
            copy = (
                dense_passage(alignment, query.text, found.analysis.raw, options)
                or standout_passage(alignment, query, found, options)
                or isolated_passage(alignment, query, found, options)
            )
        outcomes[candidate] = (True, copy)
        if not copy:
            # A weak candidate is only aligned on the budget its confirmed sources
            # earned, so it leaves the no-source budget alone.
            if weak:
                weak_rejected += 1
            else:
                rejected += 1
            continue
        matches.append(_match(found.id, float(evidence.scores[candidate]), support, alignment))
        passages = [(p.suspicious.start, p.suspicious.end) for p in alignment.passages]
        spans += passages
        for touched in explain(
            explained,
            pending,
            evidence,
            query.offsets,
            candidate,
            passages,
            min_rival_evidence=options.min_rival_evidence or math.inf,
        ):
            open_hits = evidence.hits[touched][~explained[touched]]
            residual[touched] = local_evidence(
                evidence.weights[open_hits], query.offsets[open_hits], options.window
            )
    matches.sort(key=lambda match: (-match.score, -match.evidence))
    if options.min_coverage > 0:
        matches = [match for match in matches if match.query_coverage >= options.min_coverage]
        spans = [
            (passage.suspicious.start, passage.suspicious.end)
            for match in matches
            for passage in match.alignment.passages
        ]
    candidates = tuple(
        Candidate(
            id=ids.get(int(evidence.documents[i]), ""),
            evidence=round(float(evidence.scores[i]), 2),
            verified=outcomes.get(i, (False, False))[0],
            copy=outcomes.get(i, (False, False))[1],
        )
        for i in range(len(evidence.documents))
        if int(evidence.documents[i]) in ids
    )
    return Verified(tuple(matches[: options.top]), candidates, spans)


def _long_prose_passages(
    alignment: Alignment, query_text: str, source_text: str, options: SearchOptions
) -> list[Passage]:
    """The passages of ``alignment`` with ``options.patchwork_words`` words on each side
    that are prose (their :func:`prose_share` at least ``options.min_prose``)."""
    found = []
    for passage in alignment.passages:
        query_words = len(_WORD.findall(query_text, *passage.suspicious))
        source_words = len(_WORD.findall(source_text, *passage.source))
        if min(query_words, source_words) < options.patchwork_words:
            continue
        if prose_share(query_text, alignment._replace(passages=(passage,))) >= options.min_prose:
            found.append(passage)
    return found


def dense_passage(
    alignment: Alignment, query_text: str, source_text: str, options: SearchOptions
) -> bool:
    """Whether a passage of ``alignment`` is at least ``options.patchwork_similarity``
    similar, holds ``options.patchwork_words`` words on each side, and is prose (its
    :func:`prose_share` at least ``options.min_prose``): the first rule that confirms a
    patchwork's short passages (see :class:`SearchOptions`).

    Similarity is measured over the passage's words, so it does not fall with the
    passage's length as fingerprint support does. Independent reports of one story
    share a sentence's names and numbers more often than most of its words: at 0.6,
    bench_retrieval.py confirms one such report as a source, at 0.65 none.
    """
    return any(
        passage.score >= options.patchwork_similarity
        for passage in _long_prose_passages(alignment, query_text, source_text, options)
    )


def standout_passage(
    alignment: Alignment, query: Query, found: SourceText, options: SearchOptions
) -> bool:
    """Whether ``alignment`` has a prose passage with ``options.patchwork_words`` words on
    each side and its passages :func:`stand out <stands_out>` from the rest of the two
    texts on ``options``' own bars (not a patchwork's lowered ones), whatever their
    support: the second rule that confirms a patchwork's short passages.

    The contrast rule of :func:`_confirms` asks for ``min_contrast_support`` fingerprints
    as well, which a 40-word translated or shuffled passage does not keep. In a
    patchwork that floor goes, and the contrast bar stays where it is for a query with
    no source confirmed yet: at the patchwork's lowered contrast,
    bench_retrieval.py's logs show the same report of the Brit awards as at a
    ``patchwork_similarity`` of 0.6.
    """
    if not _long_prose_passages(alignment, query.text, found.analysis.raw, options):
        return False
    return stands_out(vocabulary_contrast(alignment, query.analysis(), found.analysis), options)


def isolated_passage(
    alignment: Alignment, query: Query, found: SourceText, options: SearchOptions
) -> bool:
    """Whether ``alignment`` has a prose passage with ``options.patchwork_words`` words on
    each side whose :func:`isolation_contrast` reaches ``options.min_passage_overlap``
    and ``options.patchwork_isolation`` times its background, whatever its support: the
    third rule that confirms a patchwork's short passages (0: off).

    :func:`standout_passage` compares a passage with the whole of the two texts, which
    in long documents (PAN's suspicious documents and sources run to thousands of words)
    share a fifth to a third of their vocabulary with no copying at all, so a 50-word
    translated or shuffled passage sharing 0.45 of its own cannot stand out four times
    over. Against stretches of its own size it still does, while a same-story report
    matches other stretches of the text about as well as its best passage.
    """
    if options.patchwork_isolation <= 0:
        return False
    query_analysis = query.analysis()
    return any(
        stands_out(
            isolation_contrast(passage, alignment, query_analysis, found.analysis),
            options._replace(min_contrast=options.patchwork_isolation),
        )
        for passage in _long_prose_passages(alignment, query.text, found.analysis.raw, options)
    )


def _confirms(
    alignment: Alignment,
    query: Query,
    found: SourceText,
    options: SearchOptions,
    fingerprint_options: FingerprintOptions,
) -> tuple[bool, int]:
    """Whether an alignment confirms its candidate as a source (see
    :func:`verify_candidates`), and its passages' structural support."""
    if alignment.verdict is Verdict.NO_COPY or alignment.score < options.min_score:
        return False, 0
    support = structural_support(
        alignment,
        query.text,
        query.html,
        found.analysis.raw,
        found.html,
        fingerprint_options._replace(bag_window=options.support_bag_window),
    )
    prose = (
        support >= options.min_list_support
        or prose_share(query.text, alignment) >= options.min_prose
    )
    copy = prose and (
        support >= required_support(alignment, options)
        or (
            support >= options.min_contrast_support
            and stands_out(
                vocabulary_contrast(alignment, query.analysis(), found.analysis),
                options,
            )
        )
    )
    return copy, support


def _align_candidate(
    query: Query,
    found: SourceText,
    open_hits: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    options: SearchOptions,
) -> tuple[Alignment, bool]:
    """Align the query with one candidate; a long plain-text query only where the
    candidate's unexplained evidence lies (:func:`crop_for`). Also says whether it
    was cropped."""
    crop = None
    if not query.html:
        crop = crop_for(query.text, query.offsets[open_hits], weights[open_hits], options.window)
    if crop is None:
        return align(query.analysis(), found.analysis, options=options.align), False
    # Cheaper, and a passage is not drowned out by pages of unrelated text around it.
    piece = query.text[crop[0] : crop[1]]
    cropped = analyse_text(piece, options=query.analysis_options)
    alignment = align(cropped, found.analysis, options=options.align)
    shifted = _shifted(
        alignment,
        crop[0],
        query,
        len(_WORD.findall(piece)),
        options.align.copy_min_coverage,
    )
    return shifted, True


def _match(source_id: str, evidence: float, support: int, alignment: Alignment) -> SourceMatch:
    return SourceMatch(
        id=source_id,
        score=alignment.score,
        verdict=alignment.verdict,
        query_coverage=alignment.suspicious_coverage,
        source_coverage=alignment.source_coverage,
        evidence=round(evidence, 2),
        support=support,
        alignment=alignment,
    )


def covered_share(query: Query, spans: Sequence[tuple[int, int]]) -> float:
    """The share of the query's words inside any of ``spans`` (raw character ranges)."""
    return _word_share(query.word_starts, spans)
