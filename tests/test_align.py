"""End-to-end tests of pairwise alignment: verbatim, unrelated, spun, HTML and the seed pair."""

from __future__ import annotations

import html
import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import Alignment, AlignOptions, MatchType, RewriteKind, Verdict, align
from unspin.align._engine import longest_in_order_run
from unspin.align._seed import SeedMatrix
from unspin.eval import settings_for, spin_text

# Written for these tests.
HARBOUR = "\n\n".join(
    (
        "Volunteers restore the old harbour lighthouse",
        "For almost forty years the lighthouse at the end of the northern pier stood dark. "
        "Its lamp was removed when ships began to rely on satellite navigation, and the "
        "paint peeled away in the salt wind until the tower looked grey and forgotten.",
        "Last autumn a group of retired sailors and local students decided to bring it back "
        "to life. They raised money with a series of concerts in the fish market, collected "
        "old photographs from families in the town, and persuaded the harbour authority to "
        "lend them the keys for one year.",
        "The work was harder than anyone expected. Rust had eaten through the iron stairs, "
        "the windows at the top were cracked, and the heavy door had to be lifted off its "
        "hinges before it could be repaired. Every weekend the volunteers climbed the tower "
        "with buckets, brushes and sandwiches, and every Monday they posted pictures of their "
        "progress on the notice board outside the library.",
        "In the spring an engineer from the coast guard offered to install a modern lamp that "
        "uses very little electricity. The light will not guide ships, but it will shine "
        "each evening from sunset until midnight as a reminder of the sailors who worked in "
        "the harbour over the last two centuries.",
        "The lighthouse opened to visitors on Saturday. Children were allowed to climb the "
        "stairs first, and many of them stayed at the top for an hour, watching the boats "
        "return with their catch while their parents waited in a long queue below.",
    )
)

UNRELATED = "\n\n".join(
    (
        "A guide to growing tomatoes on a balcony",
        "Tomatoes need at least six hours of direct sunshine a day, so choose the brightest "
        "corner you have. Use a deep pot with holes in the bottom and fill it with a rich "
        "compost mixed with a handful of sand.",
        "Water the plants in the morning rather than at night, and feed them once a week with "
        "a liquid fertiliser after the first flowers appear. Pinch out the small shoots that "
        "grow between the stem and the branches to keep the plant strong.",
        "When the fruit turns deep red and feels slightly soft, twist it gently from the vine. "
        "Green fruit left at the end of summer will ripen indoors on a sunny windowsill.",
    )
)

SEED_PAIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "seed-pair"


def _check_spans(result: Alignment, suspicious: str, source: str, *, rewrites: bool = True) -> None:
    """Every span lies within its text; every rewrite within its passage and matching
    the raw text it names."""
    for passage in result.passages:
        assert 0 <= passage.suspicious.start < passage.suspicious.end <= len(suspicious)
        assert 0 <= passage.source.start < passage.source.end <= len(source)
        assert 0.0 <= passage.score <= 1.0
        if not rewrites:
            continue
        for rewrite in passage.rewrites:
            s_start, s_end = rewrite.suspicious
            r_start, r_end = rewrite.source
            assert suspicious[s_start:s_end] == rewrite.suspicious_text
            assert source[r_start:r_end] == rewrite.source_text
            assert passage.suspicious.start <= s_start <= s_end <= passage.suspicious.end
            assert passage.source.start <= r_start <= r_end <= passage.source.end
            if rewrite.kind is RewriteKind.INSERTION:
                assert r_start == r_end
            if rewrite.kind is RewriteKind.DELETION:
                assert s_start == s_end


def test_identical_texts_are_one_identical_passage() -> None:
    result = align(HARBOUR, HARBOUR)
    _check_spans(result, HARBOUR, HARBOUR)
    assert len(result.passages) == 1
    passage = result.passages[0]
    assert passage.match_type is MatchType.IDENTICAL
    assert passage.rewrites == ()
    assert passage.suspicious.length >= 0.95 * len(HARBOUR.strip())
    assert passage.source == passage.suspicious
    assert result.suspicious_coverage >= 0.95 and result.source_coverage >= 0.95
    assert result.verdict is Verdict.COPY


def test_unrelated_texts_have_no_passage() -> None:
    result = align(UNRELATED, HARBOUR)
    assert result.passages == ()
    assert result.verdict is Verdict.NO_COPY
    assert result.suspicious_coverage == 0.0


def test_empty_and_wordless_texts_have_no_passage() -> None:
    assert align("", HARBOUR).passages == ()
    assert align("... !!! ???", HARBOUR).passages == ()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_simulated_spun_copy_is_found(seed: int) -> None:
    spun = spin_text(HARBOUR, settings=settings_for("medium"), seed=seed)
    assert spun != HARBOUR
    result = align(spun, HARBOUR)
    _check_spans(result, spun, HARBOUR)
    assert result.suspicious_coverage >= 0.8
    assert result.source_coverage >= 0.8
    assert result.verdict in (Verdict.SPUN_COPY, Verdict.COPY)
    substitutions = [
        r for p in result.passages for r in p.rewrites if r.kind is RewriteKind.SUBSTITUTION
    ]
    assert any(r.synonym for r in substitutions)


def test_a_word_one_step_apart_in_wordnet_is_reported_as_a_synonym() -> None:
    # "heavy" -> "hefty" shares no synset: "hefty" is a satellite of "heavy"'s cluster.
    spun = HARBOUR.replace("the heavy door", "the hefty door")
    result = align(spun, HARBOUR)
    substitutions = [
        r for p in result.passages for r in p.rewrites if r.kind is RewriteKind.SUBSTITUTION
    ]
    assert [(r.suspicious_text, r.source_text, r.synonym) for r in substitutions] == [
        ("hefty", "heavy", True)
    ]


def test_a_spun_copy_inside_other_text_is_traced_to_it() -> None:
    spun = spin_text(HARBOUR, settings=settings_for("light"), seed=5)
    before, after = UNRELATED, UNRELATED.replace("Tomatoes", "Peppers")
    suspicious = before + "\n\n" + spun + "\n\n" + after
    result = align(suspicious, HARBOUR)
    _check_spans(result, suspicious, HARBOUR)
    assert len(result.passages) == 1
    detected = result.passages[0].suspicious
    truth_start = len(before) + 2
    truth_end = truth_start + len(spun)
    assert truth_start <= detected.start <= truth_start + 60  # at most the heading missed
    assert truth_end - 20 <= detected.end <= truth_end
    assert 0.4 < result.suspicious_coverage < 0.7  # the unrelated text is not covered
    assert result.source_coverage >= 0.9


def test_html_suspicious_text_maps_spans_into_the_raw_html() -> None:
    paragraphs = HARBOUR.split("\n\n")
    page = (
        "<!DOCTYPE html><html><head><title>News</title>"
        "<style>p { margin: 0 }</style><script>var x = '<p>';</script></head><body>"
        f"<h1>{html.escape(paragraphs[0])}</h1>\n"
        + "".join(
            f'<p class="story">{html.escape(p).replace("harbour", "<b>harbour</b>")}</p>\n'
            for p in paragraphs[1:]
        )
        + "</body></html>"
    )
    result = align(page, HARBOUR)
    _check_spans(result, page, HARBOUR)
    assert len(result.passages) == 1
    passage = result.passages[0]
    raw = page[passage.suspicious.start : passage.suspicious.end]
    assert raw.startswith("Volunteers restore")
    assert raw.rstrip(".").endswith("waited in a long queue below")
    assert "For almost forty years" in raw and "<p" in raw  # raw HTML, not stripped text
    assert passage.source.start == 0
    assert result.suspicious_coverage >= 0.95


needs_seed_pair = pytest.mark.skipif(
    not SEED_PAIR.is_dir(), reason="the seed pair (../shared/data) is absent"
)


@needs_seed_pair
def test_the_seed_pair_is_one_passage_with_high_precision_and_recall() -> None:
    spun = (SEED_PAIR / "spun.txt").read_text(encoding="utf-8")
    original = (SEED_PAIR / "original.txt").read_text(encoding="utf-8")
    truth_end = spun.index("\n\nLikeKim")
    result = align(spun, original)
    _check_spans(result, spun, original, rewrites=False)
    assert len(result.passages) == 1
    detected = result.passages[0].suspicious
    overlap = max(0, min(detected.end, truth_end) - max(detected.start, 0))
    assert overlap / detected.length >= 0.95, "precision on the suspicious side"
    assert overlap / truth_end >= 0.95, "recall on the suspicious side"
    assert result.verdict is Verdict.SPUN_COPY


@needs_seed_pair
def test_the_seed_pair_rewrites_lie_inside_their_passage() -> None:
    spun = (SEED_PAIR / "spun.txt").read_text(encoding="utf-8")
    original = (SEED_PAIR / "original.txt").read_text(encoding="utf-8")
    # The last copied sentence ("Those connections crumbled after the 1991 Soviet
    # collapse...") pairs with its original only weakly; as an edge partner its original
    # joins the source side, so its rewrites lie inside the passage on both sides.
    _check_spans(align(spun, original), spun, original)


def test_two_rewrites_of_one_source_passage_keep_only_the_closer() -> None:
    paragraph = HARBOUR.split("\n\n")[3]
    first = spin_text(paragraph, settings=settings_for("light"), seed=1)
    second = spin_text(paragraph, settings=settings_for("medium"), seed=2)
    suspicious = "\n\n".join([first, UNRELATED, second])
    both = align(suspicious, HARBOUR, options=AlignOptions(max_source_reuse=1.0))
    assert len(both.passages) == 2  # each rewrite alone is found
    (a, b) = (p.source for p in both.passages)
    assert min(a.end, b.end) - max(a.start, b.start) > 0.5 * min(a.length, b.length)
    result = align(suspicious, HARBOUR)
    assert len(result.passages) == 1
    kept = result.passages[0]
    assert kept.suspicious.end <= len(first)  # the light rewrite, closer to the source
    # A passage repeated word for word is copied twice, and both copies are reported.
    repeated = "\n\n".join([paragraph, UNRELATED, paragraph])
    assert len(align(repeated, HARBOUR).passages) == 2


def test_a_sentence_merged_into_its_neighbour_joins_the_passage() -> None:
    # Two source sentences rewritten as one, the first one's words moved to its end and
    # thinned out: its pairing with the first source sentence is too weak to seed.
    first, second = HARBOUR.split("\n\n")[2].split(". ")[:2]
    merged = (
        "They collected money with a run of concerts at the fish market, gathered old pictures "
        "from families in the town and talked the harbour office into lending them the keys for "
        "a year, after a group of old sailors and students chose last autumn to bring it back."
    )
    suspicious = "\n\n".join([UNRELATED, merged, UNRELATED.replace("Tomatoes", "Peppers")])
    start = HARBOUR.index(first)
    grown = align(suspicious, HARBOUR)
    assert len(grown.passages) == 1
    assert grown.passages[0].source.start == start  # both source sentences
    alone = align(suspicious, HARBOUR, options=AlignOptions(edge_partner_steps=0))
    assert len(alone.passages) == 1
    assert alone.passages[0].source.start == HARBOUR.index(second)  # the second only
    assert grown.passages[0].score > alone.passages[0].score


# Paragraphs 3-5 of HARBOUR rewritten sentence by sentence, most words replaced (written
# for these tests): each sentence still pairs with its original, in order, but the
# passage as a whole is under the usual similarity bar.
HEAVY_REWRITE = (
    "Last fall a band of former seamen and pupils from the area resolved to revive it. "
    "They raised funds with several shows in the fish hall, gathered aged pictures from "
    "households in the village, and convinced the port office to lend them its keys for "
    "twelve months. "
    "The work turned out much harder than anybody had expected: corrosion had chewed "
    "through the metal steps, the panes up high were broken, and the weighty entrance "
    "needed lifting from its hinges prior to any mending. "
    "Each Saturday the helpers went up the tower carrying pails, brushes and lunch, and "
    "each Monday they put up photos of how far they had got on the board in front of the "
    "library. "
    "During spring an engineer from the coast guard proposed fitting a new lamp that "
    "consumes hardly any electricity."
)


def test_a_heavy_rewrite_whose_sentences_pair_up_in_order_is_found() -> None:
    suspicious = "\n\n".join([UNRELATED, HEAVY_REWRITE])
    found = align(suspicious, HARBOUR)
    assert [p.suspicious.start for p in found.passages] == [suspicious.index("Last fall")]
    passage = found.passages[0]
    options = AlignOptions()
    assert passage.score < options.min_passage_similarity  # held up on the chain's bar
    assert passage.score >= options.min_passage_similarity * options.in_order_bar
    assert HARBOUR[passage.source.start :].startswith("Last autumn")
    assert "coast guard" in HARBOUR[passage.source.start : passage.source.end]
    _check_spans(found, suspicious, HARBOUR)
    # Without the chain rule the same passage is under the bars.
    assert align(suspicious, HARBOUR, options=AlignOptions(in_order_seeds=0)).passages == ()
    # The same sentences out of order pair up as well, but form no chain.
    sentences = HEAVY_REWRITE.removesuffix(".").split(". ")
    shuffled = ". ".join(sentences[::-1]) + "."
    assert align("\n\n".join([UNRELATED, shuffled]), HARBOUR).passages == ()


# HARBOUR's "Rust had eaten through the iron stairs, ..." with words deleted and two
# inserted, as an obfuscator that deletes, inserts and swaps words leaves it.
OBFUSCATED_SENTENCE = (
    "Rust eaten stairs, top windows cracked, so purple heavy door lifted off piano hinges."
)
TOMATOES = "Green tomatoes ripen slowly in autumn."


def test_a_short_obfuscated_sentence_contained_in_order_is_found() -> None:
    suspicious = "\n\n".join([UNRELATED, OBFUSCATED_SENTENCE, TOMATOES])
    found = align(suspicious, HARBOUR)
    assert [p.suspicious.start for p in found.passages] == [suspicious.index("Rust")]
    passage = found.passages[0]
    options = AlignOptions()
    assert passage.score <= options.contained_max_similarity
    assert "Rust had eaten" in HARBOUR[passage.source.start : passage.source.end]
    _check_spans(found, suspicious, HARBOUR)
    # It holds up only as contained in order: off, and out of order, it is not found.
    assert align(suspicious, HARBOUR, options=AlignOptions(contained_share=0)).passages == ()
    shuffled = (
        "Hinges piano off lifted door heavy purple, so cracked windows top, stairs eaten rust."
    )
    assert align("\n\n".join([UNRELATED, shuffled, TOMATOES]), HARBOUR).passages == ()


def test_a_short_near_verbatim_sentence_stays_under_the_size_bars() -> None:
    # Short text shared word for word is what templates and page footers look like.
    sentence = "Rust had eaten through the iron stairs, and the windows at the top were cracked."
    suspicious = "\n\n".join([UNRELATED, sentence, TOMATOES])
    assert align(suspicious, HARBOUR).passages == ()
    lifted = AlignOptions(contained_max_similarity=1.0)
    assert len(align(suspicious, HARBOUR, options=lifted).passages) == 1


def test_a_shared_verbatim_attribution_before_different_words_is_not_contained() -> None:
    # Reporters of one beat share formulas ("spokeswoman X said") and nothing more.
    quoted = 'Harbour authority spokeswoman Janet Morrow said: "There is a lot of work left."'
    source = "\n\n".join(
        [
            HARBOUR,
            "Harbour authority spokeswoman Janet Morrow also said there was "
            '"a strong case for a full independent survey".',
        ]
    )
    suspicious = "\n\n".join([UNRELATED, quoted, TOMATOES])
    assert align(suspicious, source).passages == ()
    lifted = align(suspicious, source, options=AlignOptions(contained_max_similarity=1.0))
    assert len(lifted.passages) == 1
    assert lifted.passages[0].score <= AlignOptions().contained_max_similarity


def test_a_pair_with_a_passage_of_its_own_takes_no_contained_sentence() -> None:
    copied = HARBOUR.split("\n\n")[1]
    suspicious = "\n\n".join([copied, UNRELATED, OBFUSCATED_SENTENCE])
    found = align(suspicious, HARBOUR)
    assert [p.suspicious.start for p in found.passages] == [0]
    assert found.passages[0].suspicious.end <= suspicious.index(UNRELATED)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], 0),
        ([(0, 0)], 1),
        ([(0, 0), (1, 1), (2, 2), (3, 3)], 4),
        ([(0, 0), (2, 1), (3, 3), (4, 4)], 4),  # a merged or split sentence skipped
        ([(0, 0), (1, 1), (4, 2), (5, 3)], 2),  # three sentences apart: a new run
        ([(3, 0), (2, 1), (1, 2), (0, 3)], 1),  # the reverse order
        ([(0, 0), (0, 1), (1, 2), (2, 3)], 3),  # one sentence paired twice: one counts
        ([(0, 0), (1, 1), (1, 2), (2, 3), (3, 4)], 4),  # merged: a sentence pairs with two
        ([(0, 0), (1, 1), (2, 1), (3, 2), (4, 3)], 4),  # split: two pair with one
        ([(0, 0), (1, 1), (2, 4), (3, 5)], 2),  # the source jumps three sentences
    ],
)
def test_longest_in_order_run_counts_seeds_following_one_another(
    pairs: list[tuple[int, int]], expected: int
) -> None:
    members = np.arange(len(pairs), dtype=np.int64)[::-1].copy()  # in any order
    assert longest_in_order_run(_seed_matrix(pairs), members) == expected


def _seed_matrix(pairs: list[tuple[int, int]]) -> SeedMatrix:
    return SeedMatrix(
        suspicious=np.array([s for s, _ in pairs], dtype=np.int64),
        source=np.array([r for _, r in pairs], dtype=np.int64),
        similarity=np.full(len(pairs), 0.4),
        matched=np.full(len(pairs), 3.0),
        containment=np.full(len(pairs), 0.4),
    )


def _longest_run_by_search(pairs: list[tuple[int, int]]) -> int:
    """The reference: the longest sequence of distinct seeds, in any choice of them, each
    one or two sentences after the one before on both sides."""

    def follows(before: tuple[int, int], after: tuple[int, int]) -> bool:
        return 1 <= after[0] - before[0] <= 2 and 1 <= after[1] - before[1] <= 2

    seeds = sorted(set(pairs))
    for length in range(len(seeds), 0, -1):
        for chosen in itertools.combinations(seeds, length):
            if all(follows(a, b) for a, b in itertools.pairwise(chosen)):
                return length
    return 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=0, max_size=8, unique=True),
    st.randoms(use_true_random=False),
)
def test_longest_in_order_run_matches_an_exhaustive_search(
    pairs: list[tuple[int, int]], shuffler: random.Random
) -> None:
    members = np.arange(len(pairs), dtype=np.int64)
    shuffler.shuffle(members)
    assert longest_in_order_run(_seed_matrix(pairs), members) == _longest_run_by_search(pairs)


def test_only_a_word_for_word_copy_outshines_a_weak_passage_beside_it() -> None:
    paragraphs = HARBOUR.split("\n\n")
    long_part = paragraphs[3] + "\n\n" + paragraphs[4]
    weak = spin_text(paragraphs[1], settings=settings_for("heavy"), seed=5)
    beside_copy = "\n\n".join([long_part, UNRELATED, weak])
    kept = align(beside_copy, HARBOUR, options=AlignOptions(outshone_ratio=0.0))
    assert len(kept.passages) == 2  # the heavy rewrite alone is found
    # Beside a verbatim copy, a weak short passage is more likely the shared topic.
    assert len(align(beside_copy, HARBOUR).passages) == 1
    # Beside a light rewrite (no longer word for word) it stays.
    rewritten = spin_text(long_part, settings=settings_for("light"), seed=5)
    beside_rewrite = "\n\n".join([rewritten, UNRELATED, weak])
    result = align(beside_rewrite, HARBOUR)
    assert len(result.passages) == 2
    assert max(p.score for p in result.passages) < AlignOptions().outshone_verbatim
