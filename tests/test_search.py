"""Tests of retrieval and verification (``unspin.index._search``): explaining away, rival
copies of one text, the work budget of a search on pages copied from many sources, and the
vocabulary contrast that confirms shuffled copies with few shared fingerprints."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import unspin.index._search as search_module
from conftest import prose_article
from unspin import Document, Index, SearchOptions
from unspin.align import Alignment, AlignOptions, MatchType, Passage, Span, Verdict, align
from unspin.eval import settings_for, spin_text
from unspin.index import FingerprintOptions
from unspin.index._search import (
    Contrast,
    Evidence,
    Query,
    SourceText,
    dense_passage,
    explain,
    is_summary,
    isolated_passage,
    isolation_contrast,
    patchwork_options,
    required_support,
    scaled_budget,
    standout_passage,
    stands_out,
    vocabulary_contrast,
    word_starts,
)
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

SOURCES = 40
STITCHED = 12


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _spun_part(seed: int) -> str:
    """Two spun paragraphs of article ``seed``."""
    part = "\n\n".join(_paragraphs(prose_article(seed))[1 + seed % 2 : 3 + seed % 2])
    return spin_text(part, settings=settings_for("medium"), seed=seed)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    path = tmp_path_factory.mktemp("search") / "idx"
    index = Index.open(path, create=True)
    index.add([Document(f"doc-{seed}", prose_article(seed)) for seed in range(SOURCES)])
    # A second copy of doc-3 under another id (a mirrored or syndicated text).
    index.add(Document("doc-3-mirror", prose_article(3)))
    return index


def _evidence(hits: list[list[int]], weights: list[float]) -> Evidence:
    return Evidence(
        np.asarray(weights, dtype=np.float64),
        np.arange(len(hits), dtype=np.int64),
        np.zeros(len(hits), dtype=np.float64),
        [np.asarray(h, dtype=np.int64) for h in hits],
    )


def test_explain_keeps_a_rival_copy_and_explains_an_echo() -> None:
    # Ten query fingerprints at offsets 0, 100, ..., 900, all of weight 1.
    offsets = np.arange(10, dtype=np.int64) * 100
    evidence = _evidence(
        [
            [0, 1, 2, 3, 4, 5],  # the confirmed source: offsets 0-500
            [0, 1, 2, 3, 4, 5, 9],  # a second copy of it (and a hit elsewhere)
            [1, 4, 8],  # an echo: two of the source's six, and one elsewhere
        ],
        [1.0] * 10,
    )
    explained = [np.zeros(len(h), dtype=np.bool_) for h in evidence.hits]
    assert explain(explained, [1, 2], evidence, offsets, 0, [(0, 550)]) == {2}
    assert not explained[1].any()
    assert explained[2].tolist() == [True, True, False]
    assert not explained[0].any()  # only pending candidates are updated


def test_explain_only_counts_hits_inside_the_passages() -> None:
    offsets = np.arange(10, dtype=np.int64) * 100
    evidence = _evidence([[0, 1, 2], [2, 3, 4]], [4.0, 4.0, 4.0, 1.0, 1.0] + [1.0] * 5)
    explained = [np.zeros(len(h), dtype=np.bool_) for h in evidence.hits]
    # Inside (150, 350) the source holds offset 200 (weight 4) and the candidate offsets
    # 200 and 300 (weight 5): a rival there, nothing explained.
    assert explain(explained, [1], evidence, offsets, 0, [(150, 350)]) == set()
    assert not explained[1].any()
    # Inside (250, 450) the source holds nothing: the passage explains what lies in it.
    assert explain(explained, [1], evidence, offsets, 0, [(250, 450)]) == {1}
    assert explained[1].tolist() == [False, True, True]
    # Explaining what is already explained changes nothing.
    assert explain(explained, [1], evidence, offsets, 0, [(250, 450)]) == set()


def test_explain_keeps_the_next_source_a_passage_runs_on_into() -> None:
    # Twenty fingerprints of weight 1 at offsets 0, 100, ..., 1900. The confirmed
    # source's passage runs on from its own text (offsets 0-900) into the next source's
    # (1200-1500), where the confirmed source holds nothing.
    offsets = np.arange(20, dtype=np.int64) * 100
    evidence = _evidence(
        [
            list(range(10)),  # the confirmed source
            [12, 13, 14, 15],  # the next source: 4 hits to the confirmed 10 in the passage
            [2, 5, 8],  # an echo of the confirmed source, inside its own text
        ],
        [1.0] * 20,
    )
    passage = [(0, 1550)]
    explained = [np.zeros(len(h), dtype=np.bool_) for h in evidence.hits]
    assert explain(explained, [1, 2], evidence, offsets, 0, passage, min_rival_evidence=3) == {2}
    assert not explained[1].any()
    assert explained[2].all()
    # Under the floor, the next source's hits are explained like any others.
    explained = [np.zeros(len(h), dtype=np.bool_) for h in evidence.hits]
    assert explain(explained, [1], evidence, offsets, 0, passage, min_rival_evidence=5) == {1}
    assert explained[1].all()
    # With no floor given, the passage's total alone decides (4 < half of 10).
    explained = [np.zeros(len(h), dtype=np.bool_) for h in evidence.hits]
    assert explain(explained, [1], evidence, offsets, 0, passage) == {1}


@pytest.mark.parametrize(
    ("confirmed_hit", "weight", "rival"),
    [
        (11, 1.0, True),  # 100 characters before the cluster: nearby, but light
        (11, 9.0, False),  # nearby and heavy: 4 < half of 9, explained
        (10, 9.0, True),  # as heavy, 200 characters off: not nearby
    ],
)
def test_explain_weighs_only_the_confirmed_hits_near_the_cluster(
    confirmed_hit: int, weight: float, rival: bool
) -> None:
    # As above, with one more hit of the confirmed source, at offset 1100 or 1000.
    offsets = np.arange(20, dtype=np.int64) * 100
    weights = [1.0] * 20
    weights[confirmed_hit] = weight
    evidence = _evidence([[*range(10), confirmed_hit], [12, 13, 14, 15]], weights)
    explained = [np.zeros(len(h), dtype=np.bool_) for h in evidence.hits]
    changed = explain(explained, [1], evidence, offsets, 0, [(0, 1550)], min_rival_evidence=3)
    assert changed == (set() if rival else {1})
    assert bool(explained[1].any()) is not rival


def _alignment(*spans: tuple[int, int, int, int]) -> Alignment:
    passages = tuple(
        Passage(Span(a, b), Span(c, d), 0.8, MatchType.SPUN, ()) for a, b, c, d in spans
    )
    return Alignment(passages, 0.5, 0.5, 0.4, Verdict.PARTIAL_COPY)


def test_a_summary_needs_less_structural_support() -> None:
    options = SearchOptions(min_support=30, min_summary_support=20)
    # 100 query characters condensing 300 source characters: a summary (3x, alignment's bar).
    assert is_summary(_alignment((0, 100, 0, 300)).passages[0], 3.0)
    assert not is_summary(_alignment((0, 100, 0, 299)).passages[0], 3.0)
    assert required_support(_alignment((0, 100, 0, 300)), options) == 20
    assert required_support(_alignment((0, 100, 0, 300), (200, 400, 900, 2000)), options) == 20
    # One passage that does not condense its source: the ordinary bar for all.
    assert required_support(_alignment((0, 100, 0, 300), (200, 400, 900, 1000)), options) == 30
    assert required_support(_alignment((0, 100, 0, 120)), options) == 30
    wider = options._replace(align=options.align._replace(summary_min_compression=4.0))
    assert required_support(_alignment((0, 100, 0, 300)), wider) == 30
    # A summary never needs more than any other passage.
    assert required_support(_alignment((0, 100, 0, 300)), options._replace(min_support=15)) == 15
    # A paragraph "contained" in a source many times its length is no summary to trust.
    assert is_summary(_alignment((0, 100, 0, 4000)).passages[0], 3.0, 40.0)
    assert not is_summary(_alignment((0, 100, 0, 4001)).passages[0], 3.0, 40.0)
    assert required_support(_alignment((0, 100, 0, 4001)), options) == 30
    assert (
        required_support(
            _alignment((0, 100, 0, 4001)), options._replace(summary_max_compression=50.0)
        )
        == 20
    )


def test_every_source_of_a_page_stitched_from_many_is_found(index: Index) -> None:
    page = "\n\n".join(_spun_part(seed) for seed in range(STITCHED))
    result = index.search(page, options=SearchOptions(top=20))
    found = {match.id for match in result.matches}
    assert {f"doc-{seed}" for seed in range(STITCHED)} <= found
    # Confirmed sources do not use up the budget of rejected candidates: with only eight
    # alignments in all, four of the twelve sources would be missed.
    assert sum(c.verified for c in result.candidates) > 8
    # Each source's passages lie on its own part of the page.
    for seed in range(STITCHED):
        match = next(m for m in result.matches if m.id == f"doc-{seed}")
        start = page.index(_spun_part(seed))
        middle = sum(p.suspicious.start + p.suspicious.end for p in match.alignment.passages)
        middle /= 2 * len(match.alignment.passages)
        assert start <= middle <= start + len(_spun_part(seed))


def test_an_index_keeping_every_fingerprint_weighs_evidence_on_the_same_scale(
    index: Index, tmp_path: Path
) -> None:
    # sample=1 keeps four times the fingerprints of the default 1 in 4; each weighs a
    # quarter, so evidence, and every bar set on it, means what it means by default.
    dense = Index.open(
        tmp_path / "dense", create=True, fingerprint_options=FingerprintOptions(sample=1)
    )
    dense.add([Document(f"doc-{seed}", prose_article(seed)) for seed in range(SOURCES)])
    host = _paragraphs(prose_article(SOURCES + 3))  # never indexed
    query = "\n\n".join([*host[:2], _spun_part(5), *host[2:]])
    sampled, kept = index.search(query), dense.search(query)
    assert [m.id for m in kept.matches] == [m.id for m in sampled.matches] == ["doc-5"]
    ratio = kept.matches[0].evidence / sampled.matches[0].evidence
    assert 0.5 <= ratio <= 2.0  # unscaled, about 4
    assert dense.search(prose_article(SOURCES + 7)).matches == ()  # never indexed
    with pytest.raises(ValueError, match="sample must be at least 1"):
        Index.open(tmp_path / "none", create=True, fingerprint_options=FingerprintOptions(sample=0))


def test_max_verified_and_max_rejected_bound_the_alignments(index: Index) -> None:
    page = "\n\n".join(_spun_part(seed) for seed in range(STITCHED))
    # budget_words=0: the budgets as given, whatever the page's length.
    capped = index.search(page, options=SearchOptions(max_verified=3, budget_words=0))
    assert len(capped.matches) == 3 and sum(c.verified for c in capped.candidates) == 3
    clean = prose_article(SOURCES + 7)  # never indexed
    for budget in (0, 1, 3):
        options = SearchOptions(max_rejected=budget, min_evidence=0.0, budget_words=0)
        result = index.search(clean, options=options)
        assert result.matches == ()
        assert sum(c.verified for c in result.candidates) == budget


def test_a_second_copy_of_a_source_is_reported_beside_it(index: Index) -> None:
    host = _paragraphs(prose_article(SOURCES + 3))  # never indexed
    query = "\n\n".join([*host[:2], _spun_part(3), *host[2:]])
    result = index.search(query)
    assert {m.id for m in result.matches} == {"doc-3", "doc-3-mirror"}
    first, second = result.matches
    assert [p.suspicious for p in first.alignment.passages] == [
        p.suspicious for p in second.alignment.passages
    ]


def test_a_document_echoing_a_found_source_is_not_aligned(tmp_path: Path) -> None:
    source = prose_article(5)
    paragraphs = _paragraphs(source)
    # Shares one sentence of the copied paragraph, and nothing else of the query.
    echo = paragraphs[1].split(". ")[0] + ".\n\n" + prose_article(60)
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("source", source), Document("echo", echo)])
        index.add([Document(f"other-{seed}", prose_article(seed)) for seed in range(61, 70)])
        query = "\n\n".join([*_paragraphs(prose_article(80))[:2], paragraphs[1]])
        options = SearchOptions(min_evidence=5.0)
        result = index.search(query, options=options)
        assert [m.id for m in result.matches] == ["source"]
        echoed = next(c for c in result.candidates if c.id == "echo")
        # Strong enough to be aligned on its own, but all of it lies in the found passage.
        assert echoed.evidence >= options.min_evidence and not echoed.verified


def _shuffled(text: str, seed: int, window: int = 3) -> str:
    """``text`` with its words shuffled inside consecutive windows of ``window`` words:
    PAN's random obfuscation in its simplest form, which breaks word n-grams."""
    rng = random.Random(seed)
    words = text.split()
    out: list[str] = []
    for start in range(0, len(words), window):
        piece = words[start : start + window]
        rng.shuffle(piece)
        out += piece
    return " ".join(out)


def _one_passage(query: str, part: str, source: str, source_part: str) -> Alignment:
    start, source_start = query.index(part), source.index(source_part)
    passage = Passage(
        Span(start, start + len(part)),
        Span(source_start, source_start + len(source_part)),
        0.8,
        MatchType.SPUN,
        (),
    )
    return Alignment((passage,), 0.3, 0.3, 0.3, Verdict.PARTIAL_COPY)


def test_vocabulary_contrast_sets_a_copied_passage_against_the_rest() -> None:
    source = prose_article(0)
    copied = _paragraphs(source)[2]
    shuffled = _shuffled(copied, 0)
    # The shuffled paragraph inside an unrelated article: the same words as its source
    # passage, and little vocabulary in common elsewhere.
    host = _paragraphs(prose_article(100))
    query = "\n\n".join([*host[:2], shuffled, *host[2:]])
    alignment = _one_passage(query, shuffled, source, copied)
    island = vocabulary_contrast(alignment, analyse_text(query), analyse_text(source))
    assert island.passages == 1.0
    assert island.background < 0.25
    assert stands_out(island, SearchOptions())
    # The whole source shuffled, one paragraph of it aligned: the rest of the two texts
    # shares the same vocabulary, and the passage no longer stands out.
    throughout = "\n\n".join(_shuffled(p, 1) for p in _paragraphs(source))
    everywhere = vocabulary_contrast(
        _one_passage(throughout, _shuffled(copied, 1), source, copied),
        analyse_text(throughout),
        analyse_text(source),
    )
    assert everywhere.passages == 1.0
    assert everywhere.background > 0.5
    assert not stands_out(everywhere, SearchOptions())
    # Names and numbers are left out: two write-ups of one story share them anywhere.
    names = "Alice Smith and Bob Jones of Paris, 2004."
    alike = vocabulary_contrast(
        _one_passage(names, names, names, names), *2 * [analyse_text(names)]
    )
    assert alike == Contrast(0.0, 0.0)


def test_stands_out_needs_overlap_and_contrast() -> None:
    options = SearchOptions(min_passage_overlap=0.3, min_contrast=4.0)
    assert stands_out(Contrast(0.8, 0.2), options)
    assert stands_out(Contrast(0.3, 0.0), options)
    assert not stands_out(Contrast(0.8, 0.21), options)  # 0.8 < 4 x 0.21
    assert not stands_out(Contrast(0.29, 0.0), options)


def test_a_shuffled_paragraph_with_little_support_is_confirmed_by_contrast(index: Index) -> None:
    copied = _paragraphs(prose_article(0))[2]
    host = _paragraphs(prose_article(SOURCES + 60))  # never indexed
    query = "\n\n".join([*host[:2], _shuffled(copied, 0), *host[2:]])
    support = index.search(query).matches[0].support
    # Bag pairs keep much of a shuffled paragraph's support; a bar just above it leaves
    # too few shared fingerprints for the ordinary rule, enough for the contrast rule.
    defaults = SearchOptions(min_support=support + 1)
    assert defaults.min_contrast_support <= support
    result = index.search(query, options=defaults)
    assert [m.id for m in result.matches] == ["doc-0"]
    # Without the contrast rule (unreachable contrast, or a floor above its support),
    # alignment's copy is rejected.
    for options in (
        defaults._replace(min_contrast=1e9),
        defaults._replace(min_contrast_support=support + 1),
        defaults._replace(min_passage_overlap=1.01),
    ):
        rejected = index.search(query, options=options)
        assert rejected.matches == ()
        assert next(c for c in rejected.candidates if c.id == "doc-0").verified


def test_support_counts_the_bag_pairs_a_shuffle_keeps(index: Index) -> None:
    copied = _paragraphs(prose_article(0))[2]
    host = _paragraphs(prose_article(SOURCES + 60))  # never indexed
    query = "\n\n".join([*host[:2], _shuffled(copied, 0), *host[2:]])
    lenient = SearchOptions(min_support=0)
    with_bags = index.search(query, options=lenient).matches[0]
    ordered_only = index.search(query, options=lenient._replace(support_bag_window=0)).matches[0]
    assert with_bags.id == ordered_only.id == "doc-0"
    assert with_bags.alignment.passages == ordered_only.alignment.passages
    assert with_bags.support > ordered_only.support


def test_weaker_candidates_are_aligned_once_a_source_is_confirmed(index: Index) -> None:
    strong = _spun_part(1)  # two spun paragraphs of doc-1
    weak_part = spin_text(_paragraphs(prose_article(2))[1], settings=settings_for("medium"), seed=2)
    host = _paragraphs(prose_article(SOURCES + 20))  # never indexed
    query = "\n\n".join([host[0], strong, host[1], weak_part, *host[2:]])
    everything = index.search(query, options=SearchOptions(min_evidence=0.0))
    evidence = {c.id: c.evidence for c in everything.candidates}
    assert {"doc-1", "doc-2"} <= {m.id for m in everything.matches}
    assert evidence["doc-2"] < evidence["doc-1"]
    # doc-2's evidence is under min_evidence, doc-1's is not; the lower bar (half of
    # doc-2's, some of which lies in doc-1's passages) is above every other candidate's.
    between = (evidence["doc-2"] + evidence["doc-1"]) / 2
    lower = evidence["doc-2"] / 2
    assert all(e < lower for doc, e in evidence.items() if doc not in {"doc-1", "doc-2"})
    options = SearchOptions(min_evidence=between, min_further_evidence=lower)
    found = index.search(query, options=options)
    assert {m.id for m in found.matches} == {"doc-1", "doc-2"}
    # Without the lower bar after a confirmed source, doc-2 is never aligned.
    for off in (
        options._replace(min_further_evidence=between),
        options._replace(max_further_rejected=0),
    ):
        result = index.search(query, options=off)
        assert [m.id for m in result.matches] == ["doc-1"]
        assert not next(c for c in result.candidates if c.id == "doc-2").verified
    # Without a confirmed source (the weak part alone), the lower bar does not apply.
    alone = "\n\n".join([host[0], weak_part, *host[1:]])
    result = index.search(alone, options=options)
    assert result.matches == () and not any(c.verified for c in result.candidates)


def _company_list(seed: int, names: int) -> str:
    rng = random.Random(seed)
    words = "Northland Pacific Quaker Rock Valley Summit Harbor Granite Pioneer Atlas Crown"
    kinds = ("Oil Company", "Products, Inc.", "Chemical Corporation", "Packaging LLC", "Fluids")
    picks = [f"{rng.choice(words.split())} {rng.choice(words.split())}" for _ in range(names)]
    return " ".join(f"{pick} {rng.choice(kinds)}" for pick in picks)


def test_a_long_list_copied_whole_is_reported_though_it_is_not_prose(tmp_path: Path) -> None:
    listing = _company_list(0, 45)
    source = "\n\n".join([*_paragraphs(prose_article(200))[:2], listing])
    with Index.open(tmp_path / "lists.idx", create=True) as index:
        index.add([Document("members", source), Document("other", prose_article(201))])
        query = "\n\n".join([*_paragraphs(prose_article(202)), listing])  # host never indexed
        defaults = SearchOptions()
        result = index.search(query, options=defaults)
        assert [m.id for m in result.matches] == ["members"]
        match = result.matches[0]
        assert match.support >= defaults.min_list_support
        # Capitalised names only: the prose rule alone would have turned it down.
        strict = index.search(query, options=defaults._replace(min_list_support=10**6))
        assert strict.matches == ()
        assert next(c for c in strict.candidates if c.id == "members").verified


def test_a_cropped_alignment_that_confirms_nothing_is_redone_on_the_whole_query(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = _spun_part(5)  # two spun paragraphs of doc-5
    host = _paragraphs(prose_article(SOURCES + 30))  # never indexed
    before = "\n\n".join(host[:3])
    query = "\n\n".join([before, copied, *host[3:]])
    assert [m.id for m in index.search(query).matches] == ["doc-5"]
    # A crop that misses the copied paragraphs (as a crop drawn around hits elsewhere
    # in a long query can), so alignment of the crop alone finds nothing.
    monkeypatch.setattr(search_module, "crop_for", lambda *args: (0, len(before)))
    result = index.search(query)
    assert [m.id for m in result.matches] == ["doc-5"]
    passage = result.matches[0].alignment.passages[0]
    assert passage.suspicious.start >= len(before)  # spans index the whole query
    off = index.search(query, options=SearchOptions(realign_whole=False))
    assert off.matches == ()
    assert next(c for c in off.candidates if c.id == "doc-5").verified


def test_scaled_budget_counts_the_query_in_units_of_budget_words() -> None:
    options = SearchOptions(max_rejected=8, max_verified=32, budget_words=500)
    for words in (0, 1, 500, 749):
        assert scaled_budget(options, words) == options
    doubled = scaled_budget(options, 751)
    assert (doubled.max_rejected, doubled.max_verified) == (16, 64)
    tenfold = scaled_budget(options, 5000)
    assert (tenfold.max_rejected, tenfold.max_verified) == (80, 320)
    assert tenfold._replace(max_rejected=8, max_verified=32) == options  # nothing else
    off = options._replace(budget_words=0)
    assert scaled_budget(off, 5000) == off


def test_a_long_query_gets_a_budget_in_proportion_to_its_length(index: Index) -> None:
    # Four unindexed articles: a clean query several budget units long.
    clean = "\n\n".join(prose_article(SOURCES + 40 + seed) for seed in range(4))
    words = len(clean.split())
    options = SearchOptions(max_rejected=1, min_evidence=0.0, budget_words=words // 3)
    result = index.search(clean, options=options)
    assert result.matches == ()
    assert sum(c.verified for c in result.candidates) == 3
    fixed = index.search(clean, options=options._replace(budget_words=0))
    assert sum(c.verified for c in fixed.candidates) == 1


def _one_hit_candidates(scores: list[float]) -> tuple[Evidence, Query, TextAnalysis]:
    """Evidence of one fingerprint hit per candidate with these scores, best first, for
    an empty query (whose analysis is also returned): verification with a faked
    alignment."""
    hits = [np.asarray([i], dtype=np.int64) for i in range(len(scores))]
    evidence = Evidence(np.ones(len(scores)), np.arange(len(scores)), np.asarray(scores), hits)
    empty = analyse_text("")
    query = Query(
        "",
        False,
        np.arange(len(scores), dtype=np.int64),
        lambda: empty,
        AnalysisOptions(),
        np.zeros(0, dtype=np.int64),
    )
    return evidence, query, empty


def _verify(
    evidence: Evidence, query: Query, empty: TextAnalysis, options: SearchOptions
) -> search_module.Verified:
    """:func:`verify_candidates` on :func:`_one_hit_candidates`, candidate i named "i"."""
    count = len(evidence.documents)
    return search_module.verify_candidates(
        evidence,
        {i: str(i) for i in range(count)},
        query,
        lambda number: SourceText(str(number), empty, False),
        options,
        search_module.FingerprintOptions(),
    )


def _weak_candidates_aligned(
    monkeypatch: pytest.MonkeyPatch, scores: list[float], copies: set[str], options: SearchOptions
) -> tuple[list[str], list[str]]:
    """The sources :func:`verify_candidates` confirms and the candidates it aligns, in
    order, when those named in ``copies`` are copies and every other is rejected."""
    evidence, query, empty = _one_hit_candidates(scores)
    nothing = Alignment((), 0.0, 0.0, 0.0, Verdict.NO_COPY)
    aligned: list[str] = []

    def fake_align(query: Query, found: SourceText, *args: object) -> tuple[Alignment, bool]:
        aligned.append(found.id)
        return nothing, False

    monkeypatch.setattr(search_module, "_align_candidate", fake_align)
    monkeypatch.setattr(
        search_module, "_confirms", lambda alignment, q, found, *a: (found.id in copies, 40)
    )
    verified = _verify(evidence, query, empty, options)
    return [m.id for m in verified.matches], aligned


def test_each_confirmed_source_earns_its_own_weak_candidates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two strong candidates that are copies, then weak ones that are not: with
    # max_further_rejected=1, each confirmed source lets one weak candidate be aligned.
    scores = [50.0, 40.0, 25.0, 24.0, 23.0, 22.0]
    options = SearchOptions(
        min_evidence=30.0,
        min_further_evidence=20.0,
        max_further_rejected=1,
        budget_words=0,
        patchwork_sources=3,  # two sources are no patchwork here
    )
    matches, aligned = _weak_candidates_aligned(monkeypatch, scores, {"0", "1"}, options)
    assert matches == ["0", "1"]
    assert aligned == ["0", "1", "2", "3"]


def test_a_patchwork_aligns_weak_candidates_on_its_own_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two copies make a patchwork; then weak candidates that are not copies, down to
    # the patchwork's evidence floor (9 is under it), two per confirmed source.
    scores = [50.0, 40.0, 25.0, 20.0, 15.0, 12.0, 11.0, 10.0, 9.0]
    options = SearchOptions(
        min_evidence=30.0,
        min_further_evidence=20.0,
        max_further_rejected=1,
        patchwork_further_evidence=10.0,
        patchwork_further_rejected=2,
        budget_words=0,
    )
    _, aligned = _weak_candidates_aligned(monkeypatch, scores, {"0", "1"}, options)
    assert aligned == ["0", "1", "2", "3", "4", "5"]
    roomy = options._replace(patchwork_further_rejected=10)
    assert _weak_candidates_aligned(monkeypatch, scores, {"0", "1"}, roomy)[1] == [
        str(i) for i in range(8)
    ]
    # One source is no patchwork: its own bars hold (evidence 20, one rejection).
    assert _weak_candidates_aligned(monkeypatch, scores, {"0"}, roomy)[1] == ["0", "1", "2"]


@pytest.mark.parametrize(("option", "floor"), [(10.0, 10.0), (25.0, 25.0), (0.0, math.inf)])
def test_min_rival_evidence_is_the_floor_explain_gets(
    monkeypatch: pytest.MonkeyPatch, option: float, floor: float
) -> None:
    floors: list[float] = []
    explain = search_module.explain

    def recording(*args: Any, min_rival_evidence: float) -> set[int]:
        floors.append(min_rival_evidence)
        return explain(*args, min_rival_evidence=min_rival_evidence)

    monkeypatch.setattr(search_module, "explain", recording)
    options = SearchOptions(min_evidence=30.0, budget_words=0, min_rival_evidence=option)
    matches, _ = _weak_candidates_aligned(monkeypatch, [50.0, 40.0], {"0", "1"}, options)
    assert matches == ["0", "1"]
    assert floors == [floor, floor]  # off (0) is a floor no evidence reaches


def test_weak_rejections_leave_the_no_source_budget_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One strong copy, then weak candidates that are not copies: their rejections do
    # not use up max_rejected (1 here); the weak budget alone decides how many are
    # aligned (four for one confirmed source).
    scores = [50.0, 25.0, 24.0, 23.0, 22.0, 21.0]
    options = SearchOptions(
        min_evidence=30.0,
        min_further_evidence=20.0,
        max_further_rejected=4,
        max_rejected=1,
        budget_words=0,
    )
    matches, aligned = _weak_candidates_aligned(monkeypatch, scores, {"0"}, options)
    assert (matches, aligned) == (["0"], ["0", "1", "2", "3", "4"])


def test_a_patchworks_candidates_are_aligned_on_its_lower_bars(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three strong candidates; the first two are copies. Each is aligned on a crop that
    # confirms nothing, then on the whole query: the third, once two sources are
    # confirmed, both times with the patchwork's alignment options.
    scores = [50.0, 45.0, 40.0]
    evidence, query, empty = _one_hit_candidates(scores)
    nothing = Alignment((), 0.0, 0.0, 0.0, Verdict.NO_COPY)
    used: list[tuple[str, str, AlignOptions]] = []
    current: list[str] = []

    def fake_crop(
        query: Query, found: SourceText, hits: object, weights: object, options: SearchOptions
    ) -> tuple[Alignment, bool]:
        current[:] = [found.id]
        used.append((found.id, "crop", options.align))
        return nothing, True

    def fake_align(first: object, second: object, *, options: AlignOptions) -> Alignment:
        used.append((current[0], "whole", options))
        return nothing

    confirmed = {"0", "1"}
    monkeypatch.setattr(search_module, "_align_candidate", fake_crop)
    monkeypatch.setattr(search_module, "align", fake_align)
    monkeypatch.setattr(
        search_module, "_confirms", lambda alignment, q, found, *a: (found.id in confirmed, 40)
    )
    options = SearchOptions(budget_words=0, patchwork_bar=0.75)
    _verify(evidence, query, empty, options)
    lowered = patchwork_options(options).align
    assert lowered != options.align
    assert [(doc, how) for doc, how, _ in used] == [
        ("0", "crop"),
        ("1", "crop"),
        ("2", "crop"),
        ("2", "whole"),
    ]
    assert [aligning for doc, _, aligning in used if doc == "2"] == [lowered, lowered]
    assert [aligning for doc, _, aligning in used if doc != "2"] == [options.align] * 2


def test_patchwork_options_lower_the_confirmation_bars() -> None:
    options = SearchOptions(
        min_support=30, min_summary_support=12, min_contrast_support=14, min_contrast=4.0
    )
    lowered = patchwork_options(options._replace(patchwork_bar=0.75))
    assert (lowered.min_support, lowered.min_summary_support) == (22, 9)
    assert (lowered.min_contrast_support, lowered.min_contrast) == (10, 3.0)
    assert lowered.min_further_evidence == options.patchwork_further_evidence
    assert lowered.max_further_rejected == options.patchwork_further_rejected
    assert (options.align.min_pair_words, lowered.align.min_pair_words) == (36, 27)
    assert lowered.align.seed_threshold == pytest.approx(0.225)
    assert lowered.align.extend_threshold == pytest.approx(0.225)
    # Nothing else is lowered: prose, list and overlap bars, budgets, first evidence,
    # alignment's other bars.
    assert lowered._replace(
        min_support=30,
        min_summary_support=12,
        min_contrast_support=14,
        min_contrast=4.0,
        min_further_evidence=options.min_further_evidence,
        max_further_rejected=options.max_further_rejected,
        align=options.align,
    ) == options._replace(patchwork_bar=0.75)
    assert (
        lowered.align._replace(
            min_pair_words=options.align.min_pair_words,
            seed_threshold=options.align.seed_threshold,
            extend_threshold=options.align.extend_threshold,
        )
        == options.align
    )
    assert patchwork_options(options._replace(patchwork_bar=1.0)) == options._replace(
        patchwork_bar=1.0,
        min_further_evidence=options.patchwork_further_evidence,
        max_further_rejected=options.patchwork_further_rejected,
    )


def _patchwork_page(index: Index) -> tuple[str, str, SearchOptions, int]:
    """A page copying doc-1 and doc-2 (spun) and, weakly, doc-0 (one shuffled paragraph),
    the same unindexed host with the weak paragraph alone, lenient options that confirm
    all three, and the weak copy's support, below the other two's."""
    weak = _shuffled(_paragraphs(prose_article(0))[2], 0)  # little support left
    host = _paragraphs(prose_article(SOURCES + 70))  # never indexed
    page = "\n\n".join([host[0], _spun_part(1), host[1], _spun_part(2), host[2], weak])
    alone = "\n\n".join([*host[:3], weak])
    lenient = SearchOptions(min_support=0, min_evidence=0.0, budget_words=0)
    found = {m.id: m.support for m in index.search(page, options=lenient).matches}
    assert {"doc-0", "doc-1", "doc-2"} <= set(found)
    support = found["doc-0"]
    assert min(found["doc-1"], found["doc-2"]) > support + 1
    return page, alone, lenient, support


def test_a_page_copying_two_sources_gets_a_weak_third_confirmed(index: Index) -> None:
    page, alone, lenient, support = _patchwork_page(index)
    # A bar just above the weak copy's support, no contrast rule: rejected as it stands,
    # confirmed once two sources are, on a bar lowered to its support.
    strict = lenient._replace(
        min_support=support + 1,
        min_contrast=1e9,
        patchwork_bar=1.0,
        patchwork_similarity=2.0,
        patchwork_isolation=0.0,
    )
    lowered = strict._replace(patchwork_bar=support / (support + 1))
    assert patchwork_options(lowered).min_support <= support
    result = index.search(page, options=strict)
    assert {"doc-1", "doc-2"} <= {m.id for m in result.matches}
    assert "doc-0" not in {m.id for m in result.matches}
    assert next(c for c in result.candidates if c.id == "doc-0").verified
    assert "doc-0" in {m.id for m in index.search(page, options=lowered).matches}
    # Not before two sources are confirmed: with a third required, or on its own.
    three = index.search(page, options=lowered._replace(patchwork_sources=3))
    assert "doc-0" not in {m.id for m in three.matches}
    assert index.search(alone, options=lowered).matches == ()


def test_a_patchwork_aligns_shorter_passages(index: Index) -> None:
    page, _, lenient, _ = _patchwork_page(index)

    def sources(options: SearchOptions, pair_words: int) -> set[str]:
        aligning = options._replace(align=options.align._replace(min_pair_words=pair_words))
        return {m.id for m in index.search(page, options=aligning).matches}

    # The shortest-passage bar at which the weak copy's passage no longer counts, while
    # the two spun copies' still do.
    unlowered = lenient._replace(patchwork_bar=1.0)
    bar = next(words for words in range(36, 1000, 4) if "doc-0" not in sources(unlowered, words))
    assert {"doc-1", "doc-2"} <= sources(unlowered, bar)
    # Lowered once two sources are confirmed, it keeps the weak copy's passage.
    lowered = unlowered._replace(patchwork_bar=0.5)
    assert "doc-0" in sources(lowered, bar)
    assert "doc-0" not in sources(lowered._replace(patchwork_sources=3), bar)


def _passage_alignment(
    query: str, part: str, source: str, score: float, source_part: str | None = None
) -> Alignment:
    """One passage, ``part`` in the query against ``source_part`` (by default the same
    text) in the source."""
    source_part = part if source_part is None else source_part
    start, source_start = query.index(part), source.index(source_part)
    passage = Passage(
        Span(start, start + len(part)),
        Span(source_start, source_start + len(source_part)),
        score,
        MatchType.SPUN,
        (),
    )
    return Alignment((passage,), score, 0.1, 0.1, Verdict.PARTIAL_COPY)


def test_dense_passage_needs_similarity_length_and_prose() -> None:
    part = " ".join(["the quick brown fox jumps over the lazy dog"] * 3)  # 27 words
    query, source = f"Intro text here. {part} Outro.", f"Other start. {part}"
    options = SearchOptions(patchwork_similarity=0.65, patchwork_words=25)
    assert dense_passage(_passage_alignment(query, part, source, 0.65), query, source, options)
    # Under the similarity bar, or shorter than the word bar on either side: no.
    assert not dense_passage(_passage_alignment(query, part, source, 0.64), query, source, options)
    longer = options._replace(patchwork_words=28)
    assert not dense_passage(_passage_alignment(query, part, source, 0.9), query, source, longer)
    # A line-up of names is no prose, however similar.
    names = " ".join(["Smith Jones Brown Taylor Wilson Evans Thomas Roberts Walker"] * 3)
    listing, listed = f"Teams: {names} end.", f"Squad {names}"
    alignment = _passage_alignment(listing, names, listed, 0.95)
    assert not dense_passage(alignment, listing, listed, options)
    assert dense_passage(alignment, listing, listed, options._replace(min_prose=0.0))


def test_standout_passage_needs_length_prose_and_contrast(index: Index) -> None:
    page, _, lenient, _ = _patchwork_page(index)
    source = index.sources(index.search(page, options=lenient))["doc-0"]
    found = SourceText("doc-0", analyse_text(source.text), False)
    analysis = analyse_text(page)
    no_hits = np.zeros(0, dtype=np.int64)
    query = Query(page, False, no_hits, lambda: analysis, AnalysisOptions(), word_starts(page))
    alignment = align(analysis, found.analysis)
    assert alignment.passages
    # The generated articles share their templates' words: a contrast bar of 3 here.
    options = SearchOptions(min_contrast=3.0)
    assert standout_passage(alignment, query, found, options)
    # Not under the contrast bars, nor with passages shorter than the word bar.
    assert not standout_passage(alignment, query, found, options._replace(min_contrast=1e9))
    higher = options._replace(min_passage_overlap=1.01)
    assert not standout_passage(alignment, query, found, higher)
    assert not standout_passage(alignment, query, found, options._replace(patchwork_words=10_000))
    assert not standout_passage(alignment, query, found, options._replace(min_prose=1.01))


def test_a_patchworks_weak_passage_that_stands_out_is_confirmed(index: Index) -> None:
    page, alone, lenient, support = _patchwork_page(index)
    # Support bars just above the weak copy's, the contrast rule kept (at 3: the generated
    # articles share their templates' words) but its support floor out of reach;
    # patchwork bars not lowered, the similarity rule off.
    strict = lenient._replace(
        min_support=support + 1,
        min_contrast_support=support + 1,
        min_contrast=3.0,
        patchwork_bar=1.0,
        patchwork_similarity=2.0,
        patchwork_isolation=0.0,
    )
    assert "doc-0" in {m.id for m in index.search(page, options=strict).matches}
    # Only in a patchwork, and only on the contrast bars.
    three = index.search(page, options=strict._replace(patchwork_sources=3))
    assert "doc-0" not in {m.id for m in three.matches}
    assert index.search(alone, options=strict).matches == ()
    unlike = index.search(page, options=strict._replace(min_contrast=1e9))
    assert "doc-0" not in {m.id for m in unlike.matches}


def test_a_patchworks_short_similar_passage_is_confirmed_on_similarity(index: Index) -> None:
    page, alone, lenient, support = _patchwork_page(index)
    # A support bar just above the weak copy's, no contrast rule, patchwork bars not lowered.
    strict = lenient._replace(
        min_support=support + 1,
        min_contrast=1e9,
        patchwork_bar=1.0,
        patchwork_similarity=2.0,
        patchwork_isolation=0.0,
    )
    result = index.search(page, options=strict)
    found = {m.id for m in result.matches}
    assert {"doc-1", "doc-2"} <= found and "doc-0" not in found
    doc0 = next(c for c in result.candidates if c.id == "doc-0")
    assert doc0.verified and not doc0.copy
    dense = strict._replace(patchwork_similarity=0.3, patchwork_words=20)
    assert "doc-0" in {m.id for m in index.search(page, options=dense).matches}
    # Only in a patchwork: not with a third source required first, nor on its own.
    three = index.search(page, options=dense._replace(patchwork_sources=3))
    assert "doc-0" not in {m.id for m in three.matches}
    assert index.search(alone, options=dense).matches == ()


_LIGHTHOUSE = (
    "The old keeper climbed the narrow stairs every evening, polished the cracked lantern, "
    "and watched the fishing boats return before the winter storms reached the harbour."
)
_ORCHARD = (
    "Farmers picked ripe apples in the valley orchards while children carried baskets "
    "along muddy lanes toward the busy market square."
)
_LIBRARY = (
    "Students borrowed dusty volumes from the quiet library and copied faded maps "
    "into thick notebooks during long rainy afternoons."
)
_FOUNDRY = (
    "Workers poured molten iron into heavy moulds at the riverside foundry, "
    "sweating beside furnaces that glowed through the night."
)


def _isolation(query: str, source: str) -> tuple[Alignment, TextAnalysis, TextAnalysis]:
    return (
        _passage_alignment(query, _LIGHTHOUSE, source, 0.9),
        analyse_text(query),
        analyse_text(source),
    )


def test_isolation_contrast_compares_a_passage_with_stretches_of_its_own_size() -> None:
    query = f"{_ORCHARD} {_LIGHTHOUSE} {_LIBRARY}"
    source = f"{_FOUNDRY} {_LIGHTHOUSE} {_FOUNDRY}"
    alignment, query_analysis, source_analysis = _isolation(query, source)
    contrast = isolation_contrast(alignment.passages[0], alignment, query_analysis, source_analysis)
    # The passage is the same words on both sides; nowhere else do the texts share any.
    assert contrast.passages == pytest.approx(1.0)
    assert contrast.background < 0.2
    # A source holding the passage a second time, outside the aligned one: not isolated.
    twice = f"{_FOUNDRY} {_LIGHTHOUSE} {_FOUNDRY} {_LIGHTHOUSE}"
    alignment, query_analysis, source_analysis = _isolation(query, twice)
    contrast = isolation_contrast(alignment.passages[0], alignment, query_analysis, source_analysis)
    assert contrast.background == pytest.approx(contrast.passages)


def test_isolation_contrast_counts_synonyms_as_shared() -> None:
    # The query's passage swaps seven of the source's words for WordNet synonyms, as a
    # translation does: still the same words on both sides, by their classes.
    swapped = (
        _LIGHTHOUSE.replace("old", "ancient")
        .replace("climbed", "mounted")
        .replace("narrow", "thin")
        .replace("stairs", "steps")
        .replace("watched", "observed")
        .replace("storms", "tempests")
        .replace("harbour", "port")
    )
    query = f"{_ORCHARD} {swapped} {_LIBRARY}"
    source = f"{_FOUNDRY} {_LIGHTHOUSE} {_FOUNDRY}"
    alignment = _passage_alignment(query, swapped, source, 0.8, _LIGHTHOUSE)
    passage = alignment.passages[0]
    contrast = isolation_contrast(passage, alignment, analyse_text(query), analyse_text(source))
    assert contrast.passages == pytest.approx(1.0)
    # Exact lemmas alone would share only the words left as they were.
    lemmas_only = vocabulary_contrast(alignment, analyse_text(query), analyse_text(source))
    assert lemmas_only.passages < 0.7


def test_isolated_passage_needs_length_prose_and_isolation() -> None:
    query = f"{_ORCHARD} {_LIGHTHOUSE} {_LIBRARY}"
    source = f"{_FOUNDRY} {_LIGHTHOUSE} {_FOUNDRY}"
    alignment, query_analysis, source_analysis = _isolation(query, source)
    no_hits = np.zeros(0, dtype=np.int64)
    as_query = Query(
        query, False, no_hits, lambda: query_analysis, AnalysisOptions(), word_starts(query)
    )
    found = SourceText("lighthouse", source_analysis, False)
    options = SearchOptions(patchwork_isolation=2.0, patchwork_words=25)
    assert isolated_passage(alignment, as_query, found, options)
    # Off, under the overlap bar, or with a passage shorter than the word bar: no.
    assert not isolated_passage(alignment, as_query, found, options._replace(patchwork_isolation=0))
    assert not isolated_passage(
        alignment, as_query, found, options._replace(min_passage_overlap=1.01)
    )
    assert not isolated_passage(alignment, as_query, found, options._replace(patchwork_words=40))
    # A passage the source holds twice over does not stand out.
    twice = f"{_FOUNDRY} {_LIGHTHOUSE} {_FOUNDRY} {_LIGHTHOUSE}"
    alignment, _, twice_analysis = _isolation(query, twice)
    found = SourceText("lighthouse", twice_analysis, False)
    assert not isolated_passage(alignment, as_query, found, options)


def test_a_patchworks_isolated_passage_is_confirmed(index: Index) -> None:
    page, alone, lenient, support = _patchwork_page(index)
    # Every other patchwork rule out of reach; only the isolation rule can confirm.
    strict = lenient._replace(
        min_support=support + 1,
        min_contrast=1e9,
        patchwork_bar=1.0,
        patchwork_similarity=2.0,
        patchwork_isolation=0.0,
    )
    assert "doc-0" not in {m.id for m in index.search(page, options=strict).matches}
    isolating = strict._replace(patchwork_isolation=1.5)
    assert "doc-0" in {m.id for m in index.search(page, options=isolating).matches}
    # Only in a patchwork.
    three = index.search(page, options=isolating._replace(patchwork_sources=3))
    assert "doc-0" not in {m.id for m in three.matches}
    assert index.search(alone, options=isolating).matches == ()
