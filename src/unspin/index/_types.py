"""Result and option types of the index: small, tuple-like, plain data."""

from __future__ import annotations

from typing import Any, NamedTuple

from unspin.align import Alignment, AlignOptions, Verdict
from unspin.index._fingerprint import BAG_WINDOW

__all__ = [
    "Candidate",
    "IndexInfo",
    "IngestCounts",
    "SearchOptions",
    "SearchResult",
    "SourceMatch",
]


class SearchOptions(NamedTuple):
    """How a search finds and verifies sources; the defaults are the documented behaviour.

    ``top``: most sources reported. ``max_rejected``: most candidates aligned without
    being confirmed before the search gives up (what a query with no source costs).
    ``max_verified``: most candidates aligned per query in all (a page stitched from many
    sources gets each of them aligned, up to this many). ``budget_words``: those two
    budgets, and the pool of candidates retrieval keeps, are per this many words of the
    query: a query of N times as many words (rounded; at least 1) gets N times each, as
    if it were searched in pieces (a long document can hold passages of many sources;
    0: no scaling).
    ``min_evidence``: retrieval evidence (idf-weighted fingerprint hits not yet explained
    by a verified source, the most inside any ``window`` characters of the query) a
    candidate needs to be aligned at all; once a source is confirmed,
    ``min_further_evidence`` is enough, until ``max_further_rejected`` such weaker
    candidates per confirmed source have been rejected (a page copying one source often
    copies more, and short or heavily rewritten passages keep few fingerprints).
    ``realign_whole``: a long plain-text query is aligned with a candidate only around
    that candidate's evidence; when that crop confirms nothing, the whole query is
    aligned again (a crop drawn around hits can miss a passage with few fingerprints, and
    a summary's test compares it with the rest of the query, which a crop shortens).
    ``max_df``: fingerprints
    in more documents than this share of the index (or 50, if more) are too common to
    count. ``min_score``: alignment score a source needs to be reported.
    ``min_coverage``: share of the query's words its passages must cover for a confirmed
    source to be reported (0: any source; checking a collection for near-duplicates, a
    source that shares one sentence is not a copy of the document). It is applied last,
    so such a source still explains its passages away. ``min_support``:
    fingerprints its passages must share with it (all fingerprints, not the indexed
    sample), which separates spun passages (their sentence skeletons survive) from the
    same story written up independently. ``min_summary_support``: the same for a source
    whose passages are all summaries of it (the source side at least
    ``align.summary_min_compression`` times longer, and at most
    ``summary_max_compression`` times), which keep fewer skeletons.
    ``min_contrast_support``, ``min_passage_overlap``, ``min_contrast``: a source with less
    support than that, but at least ``min_contrast_support``, is still confirmed when its
    passages stand out from the rest of the two texts: the Dice coefficient of the
    lower-case content-word lemmas of each passage's two sides (summed over passages)
    reaches ``min_passage_overlap`` and ``min_contrast`` times that of the words outside
    the passages (see ``unspin.index._search.vocabulary_contrast``). Local word shuffles
    and translation break fingerprints but keep the words; the same story written up
    independently shares its vocabulary all through, not in one passage.
    ``min_prose``: share of the words of its
    passages (on the query side) that must be lower-case, so shared lists of names (squad
    line-ups, tables) are not reported as copied writing; ``min_list_support``: the
    support at which such a source is reported all the same (a long list or table copied
    whole keeps many fingerprints; a line-up two match reports share keeps about as many
    as ``min_support``). ``support_bag_window``: structural support also counts the bag
    pairs (``FingerprintOptions.bag_window``) of windows of this many content words,
    whether or not the index holds them (0: it does not count them); word shuffles and
    translation break the ordered fingerprints but keep many bag pairs.
    ``patchwork_sources``, ``patchwork_bar``: once this many sources are confirmed, the
    query is a patchwork of copies (a page stitched from several sources), and each
    further candidate's alignment keeps
    passages down to ``align.min_pair_words`` and sentence pairs down to
    ``align.seed_threshold`` and ``align.extend_threshold``, and it is confirmed on
    ``min_support``, ``min_summary_support``, ``min_contrast_support`` and
    ``min_contrast``, each lowered to this share of itself: a
    text shown to copy from several sources likely copies from the next one too, whose
    passage may be short or heavily rewritten (1.0: the same bars throughout).
    ``patchwork_similarity``, ``patchwork_words``: in such a patchwork, a candidate is
    also confirmed, whatever its support, by a passage at least this similar (the
    alignment's passage score) with at least this many words on each side: a short
    rewritten passage keeps too few fingerprints for any support bar, but most of its
    words (above 1: off). It is also confirmed, whatever its support, by a prose passage
    of ``patchwork_words`` words on each side when its passages stand out from the rest
    of the two texts on ``min_passage_overlap`` and ``min_contrast`` (not lowered): the
    contrast rule without its ``min_contrast_support`` floor, which a short translated
    or shuffled passage cannot reach. ``patchwork_isolation``: and by a prose passage of
    ``patchwork_words`` words on each side whose two sides share at least
    ``min_passage_overlap`` of their vocabulary (synonyms counted) and this many times as
    much as either side shares with any stretch of the same length elsewhere in the
    other text (see ``unspin.index._search.isolation_contrast``; 0: off): the contrast
    rule measured
    against like-sized stretches, since two long texts share much of their vocabulary
    overall without sharing any one passage.
    ``min_rival_evidence``: a candidate whose fingerprints inside a confirmed source's
    passage weigh this much, and at least half of the confirmed source's own around them
    (from 100 characters before the first to 100 after the last), stays a candidate
    there rather than being explained away: a passage can run on past its source's text
    into the next source's, on the same topic, where the confirmed source holds little
    (0: off; a lighter bar keeps single shared fingerprints too, each an alignment).
    ``patchwork_further_evidence``, ``patchwork_further_rejected``: in such a patchwork,
    the weaker candidates are aligned down to this much evidence (in place of
    ``min_further_evidence`` lowered by ``patchwork_bar``), until this many of them per
    confirmed source have been rejected (in place of ``max_further_rejected``): a PAN13
    suspicious document holds up to two dozen sources, and a translated or shuffled
    passage often keeps one or two sampled fingerprints. Those rejections never count
    against ``max_rejected``, the budget of a query with no source.
    ``align``: the alignment options used to verify (a patchwork lowers some of them, see
    ``patchwork_bar``).
    """

    top: int = 10
    max_rejected: int = 8
    max_verified: int = 32
    budget_words: int = 500
    min_evidence: float = 30.0
    min_further_evidence: float = 10.0
    max_further_rejected: int = 2
    realign_whole: bool = True
    window: int = 2000
    max_df: float = 0.002
    min_score: float = 0.0
    min_coverage: float = 0.0
    min_support: int = 30
    min_summary_support: int = 12
    summary_max_compression: float = 40.0
    min_contrast_support: int = 14
    min_passage_overlap: float = 0.3
    min_contrast: float = 4.0
    min_prose: float = 0.25
    min_list_support: int = 60
    support_bag_window: int = BAG_WINDOW
    patchwork_sources: int = 2
    patchwork_bar: float = 0.75
    patchwork_similarity: float = 0.65
    patchwork_words: int = 25
    patchwork_isolation: float = 1.5
    min_rival_evidence: float = 10.0
    patchwork_further_evidence: float = 6.0
    patchwork_further_rejected: int = 16
    align: AlignOptions = AlignOptions()


class SourceMatch(NamedTuple):
    """One indexed document that the query was copied or spun from.

    ``score``, ``verdict`` and the coverages are the alignment's (coverages are word
    shares in [0, 1]: ``query_coverage`` of the query, ``source_coverage`` of the
    source); ``evidence`` is the retrieval evidence that made it a candidate, ``support``
    the fingerprints its passages share with the source (see ``SearchOptions``). The
    passages, with spans into the query and into the source's stored text, are in
    ``alignment.passages``.
    """

    id: str
    score: float
    verdict: Verdict
    query_coverage: float
    source_coverage: float
    evidence: float
    support: int
    alignment: Alignment


class Candidate(NamedTuple):
    """A document retrieval proposed, and whether alignment confirmed it as a source."""

    id: str
    evidence: float
    verified: bool
    copy: bool


class SearchResult(NamedTuple):
    """The sources of one query, best first, and the share of the query they cover.

    ``matches`` are the confirmed sources ranked by alignment score (empty: no copy
    found). ``query_coverage`` is the share of the query's words inside a passage of any
    of them. ``candidates`` lists what retrieval proposed, by evidence, with what
    verification decided.
    """

    matches: tuple[SourceMatch, ...]
    query_coverage: float
    candidates: tuple[Candidate, ...]

    @property
    def verdict(self) -> Verdict:
        """The best match's verdict, ``no-copy`` when there is none."""
        return self.matches[0].verdict if self.matches else Verdict.NO_COPY


class IngestCounts(NamedTuple):
    """What an ingest did: documents added (new ids), replaced (same id, new text),
    unchanged (same id and text: skipped, so a re-run is cheap), and repeated: ids given
    again within one batch, whose later text was kept (a repeat in a later batch counts
    as a replacement)."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    repeated: int = 0

    def __add__(self, other: tuple[Any, ...]) -> IngestCounts:
        return IngestCounts(*(a + b for a, b in zip(self, other, strict=True)))


class IndexInfo(NamedTuple):
    """The state of an index directory."""

    path: str
    documents: int
    tombstones: int
    segments: int
    postings: int
    disk_bytes: int
    format_version: int
    fingerprint_scheme: int
    fingerprint_options: dict[str, int]
    created: str | None
