"""Seeding: the vectorised type matching and sentence-pair scores against a plain
Python reference written straight from their definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.align._seed import (
    ContentView,
    TypeMatches,
    content_view,
    match_types,
    score_sentence_pairs,
    select_seeds,
)
from unspin.text._analysis import TextAnalysis, analyse_text

# Words with shared WordNet senses among them (summit/top/peak), WordNet links
# (evangelist/preacher, huge/large),
# numbers and function words, so generated texts have exact and synonym matches.
VOCABULARY = [
    "summit",
    "top",
    "peak",
    "meeting",
    "conference",
    "leader",
    "head",
    "chief",
    "sanctions",
    "talks",
    "agreement",
    "deal",
    "first",
    "initial",
    "second",
    "economic",
    "crisis",
    "evangelist",
    "preacher",
    "huge",
    "large",
    "city",
    "town",
    "the",
    "a",
    "of",
    "in",
    "and",
    "2020",
    "three",
    "was",
    "will",
]


def _first_token(view: ContentView, type_: int) -> int:
    return int(view.tokens[np.flatnonzero(view.types == type_)[0]])


def _reference_matches(
    a: TextAnalysis,
    view_a: ContentView,
    b: TextAnalysis,
    view_b: ContentView,
    weight: float,
    link_weight: float,
) -> tuple[dict[tuple[int, int], float], set[tuple[int, int]]]:
    """Every matching type pair with its weight, and the pairs matched only through a
    WordNet link (a shared negative concept id, no shared synset)."""

    def concepts(analysis: TextAnalysis, token: int) -> set[int]:
        ptr = analysis.concept_ptr
        return set(analysis.concept_ids[ptr[token] : ptr[token + 1]].tolist())

    result: dict[tuple[int, int], float] = {}
    linked: set[tuple[int, int]] = set()
    for i in range(view_a.type_count):
        for j in range(view_b.type_count):
            shared = concepts(a, _first_token(view_a, i)) & concepts(b, _first_token(view_b, j))
            if view_a.type_keys[i] == view_b.type_keys[j]:
                result[(i, j)] = 1.0
            elif any(concept >= 0 for concept in shared):
                result[(i, j)] = weight
            elif shared:
                result[(i, j)] = link_weight
                linked.add((i, j))
    return result, linked


def _reference_scores(
    view_s: ContentView,
    view_r: ContentView,
    edges: dict[tuple[int, int], float],
    linked: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> dict[tuple[int, int], tuple[float, float, float]]:
    """(similarity, matched count, containment) of every sentence pair with a match;
    containment leaves out the ``linked`` pairs."""
    types_of_s = [set() for _ in range(view_s.sentence_count)]
    types_of_r = [set() for _ in range(view_r.sentence_count)]
    for sentence, type_ in zip(view_s.sentences.tolist(), view_s.types.tolist(), strict=True):
        types_of_s[sentence].add(type_)
    for sentence, type_ in zip(view_r.sentences.tolist(), view_r.types.tolist(), strict=True):
        types_of_r[sentence].add(type_)
    frequency_s = [sum(t in types for types in types_of_s) for t in range(view_s.type_count)]
    frequency_r = [sum(t in types for types in types_of_r) for t in range(view_r.type_count)]
    keys_r = {int(k): j for j, k in enumerate(view_r.type_keys)}
    keys_s = {int(k): i for i, k in enumerate(view_s.type_keys)}
    sentences = view_s.sentence_count + view_r.sentence_count
    idf_s = [
        math.log1p(
            sentences
            / (frequency_s[i] + frequency_r[keys_r[int(k)]] if int(k) in keys_r else frequency_s[i])
        )
        for i, k in enumerate(view_s.type_keys)
    ]
    idf_r = [
        math.log1p(
            sentences
            / (frequency_r[j] + frequency_s[keys_s[int(k)]] if int(k) in keys_s else frequency_r[j])
        )
        for j, k in enumerate(view_r.type_keys)
    ]
    result = {}
    for row, types_s in enumerate(types_of_s):
        for col, types_r in enumerate(types_of_r):
            pairs = [(a, b) for a in types_s for b in types_r if (a, b) in edges]
            if not pairs:
                continue
            weight_s = sum(idf_s[a] for a in types_s)
            weight_r = sum(idf_r[b] for b in types_r)
            from_s = min(sum(idf_s[a] * edges[(a, b)] for a, b in pairs), weight_s)
            from_r = min(sum(idf_r[b] * edges[(a, b)] for a, b in pairs), weight_r)
            contained = min(
                sum(idf_s[a] * edges[(a, b)] for a, b in pairs if (a, b) not in linked), weight_s
            )
            result[(row, col)] = (
                (from_s + from_r) / (weight_s + weight_r),
                float(len(pairs)),
                contained / weight_s,
            )
    return result


sentence_of_words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=9).map(
    lambda words: " ".join(words).capitalize() + "."
)
texts = st.lists(sentence_of_words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(texts, texts)
def test_type_matches_and_pair_scores_agree_with_the_reference(text_a: str, text_b: str) -> None:
    a, b = analyse_text(text_a), analyse_text(text_b)
    view_a, view_b = content_view(a), content_view(b)
    matches = match_types(view_a, view_b, synonym_weight=0.7, related_weight=0.2)
    edges, linked = _reference_matches(a, view_a, b, view_b, 0.7, 0.2)
    assert {
        (int(x), int(y)): float(w)
        for x, y, w in zip(matches.a, matches.b, matches.weight, strict=True)
    } == edges
    found_linked = (
        set()
        if matches.linked is None
        else {
            (int(x), int(y))
            for x, y in zip(matches.a[matches.linked], matches.b[matches.linked], strict=True)
        }
    )
    assert found_linked == linked
    scores = score_sentence_pairs(view_a, view_b, matches)
    found = {
        (int(r), int(c)): (float(s), float(m), float(k))
        for r, c, s, m, k in zip(
            scores.suspicious,
            scores.source,
            scores.similarity,
            scores.matched,
            scores.containment,
            strict=True,
        )
    }
    expected = _reference_scores(view_a, view_b, edges, linked)
    assert found.keys() == expected.keys()
    for pair, values in expected.items():
        assert found[pair] == pytest.approx(values)


def test_a_synonym_matches_with_the_synonym_weight() -> None:
    a = analyse_text("The summit was held in the city.")
    b = analyse_text("The top was held in the town.")
    view_a, view_b = content_view(a), content_view(b)
    matches = match_types(view_a, view_b, synonym_weight=0.7)
    by_key = {
        (int(view_a.type_keys[x]), int(view_b.type_keys[y])): float(w)
        for x, y, w in zip(matches.a, matches.b, matches.weight, strict=True)
    }
    summit = int(a.keys[1])
    top = int(b.keys[1])
    held = int(a.keys[3])
    assert by_key[(summit, top)] == 0.7
    assert by_key[(held, held)] == 1.0


def test_a_similar_to_link_matches_with_its_own_weight() -> None:
    # "huge" and "large" share no synset, only an adjective cluster (a link).
    a = analyse_text("The huge summit was held in the city.")
    b = analyse_text("The large top was held in the town.")
    view_a, view_b = content_view(a), content_view(b)

    def weights(matches: TypeMatches) -> dict[tuple[int, int], float]:
        return {
            (int(view_a.type_keys[x]), int(view_b.type_keys[y])): float(w)
            for x, y, w in zip(matches.a, matches.b, matches.weight, strict=True)
        }

    huge, large = int(a.keys[1]), int(b.keys[1])
    summit, top = int(a.keys[2]), int(b.keys[2])
    linked = weights(match_types(view_a, view_b, synonym_weight=0.7, related_weight=0.2))
    assert linked[(huge, large)] == 0.2
    assert linked[(summit, top)] == 0.7  # a shared synset keeps the synonym weight
    # Without its own weight, a link weighs as a synonym.
    assert weights(match_types(view_a, view_b, synonym_weight=0.7))[(huge, large)] == 0.7


def _weights(a: TextAnalysis, b: TextAnalysis, **weights: float) -> dict[tuple[int, int], float]:
    view_a, view_b = content_view(a), content_view(b)
    matches = match_types(view_a, view_b, **weights)
    return {
        (int(view_a.type_keys[x]), int(view_b.type_keys[y])): float(w)
        for x, y, w in zip(matches.a, matches.b, matches.weight, strict=True)
    }


@pytest.mark.parametrize(
    "text", ["Their first summit, the 1st one.", "Their 1st summit, the first one."]
)
def test_first_is_a_number_and_still_similar_to_initial(text: str) -> None:
    # The brief's own example: a spinner swaps "first" for "initial". Every spelling
    # of the number links alike, whichever comes first.
    a = analyse_text(text)
    b = analyse_text("Their initial summit.")
    assert a.keys[1] == a.keys[4]  # "first" and "1st" read as one number
    found = _weights(a, b, synonym_weight=0.7, related_weight=0.2)
    assert found[(int(a.keys[1]), int(b.keys[1]))] == 0.2


def test_a_number_keeps_no_other_sense() -> None:
    # "second" is also a sixtieth of a minute in WordNet, and "minute" a kind of it.
    a = analyse_text("He came second in the race.")
    b = analyse_text("He came a minute in the race.")
    found = _weights(a, b, synonym_weight=0.7, related_weight=0.2)
    assert (int(a.keys[2]), int(b.keys[3])) not in found


def test_a_synonym_tied_with_a_link_is_not_marked_linked() -> None:
    # At equal weights the synset match must win the dedupe, or containment would
    # leave a synonym out.
    a = analyse_text("The evangelist spoke at the summit.")
    b = analyse_text("The revivalist spoke at the top.")
    view_a, view_b = content_view(a), content_view(b)
    matches = match_types(view_a, view_b, synonym_weight=0.7, related_weight=0.7)
    assert matches.linked is None or not matches.linked.any()


def test_best_choice_prefers_the_equal_word_over_a_synonym() -> None:
    matches = TypeMatches(
        a=np.array([0, 0, 1]),
        b=np.array([0, 1, 1]),
        weight=np.array([0.7, 1.0, 0.7]),
        count_a=3,
        count_b=2,
    )
    every_a = np.ones(3, dtype=np.bool_)
    best, choice = matches.best_choice_a(every_a, np.ones(2, dtype=np.bool_))
    assert best.tolist() == [1.0, 0.7, 0.0]
    assert choice.tolist() == [1, 1, -1]
    only_first = np.array([True, False])
    best, choice = matches.best_choice_a(every_a, only_first)
    assert best.tolist() == [0.7, 0.0, 0.0]
    assert choice.tolist() == [0, -1, -1]


def test_select_seeds_applies_threshold_and_minimum_matches() -> None:
    a = analyse_text(
        "The leaders met at the summit in the city. Heavy rain fell on the old harbour all day."
    )
    b = analyse_text(
        "The leaders met at the summit in the city. Farmers sold apples and pears at the market."
    )
    view_a, view_b = content_view(a), content_view(b)
    scores = score_sentence_pairs(view_a, view_b, match_types(view_a, view_b, synonym_weight=0.7))
    seeds = select_seeds(scores, threshold=0.9, min_matches=3)
    assert list(zip(seeds.suspicious.tolist(), seeds.source.tolist(), strict=True)) == [(0, 0)]
    assert seeds.similarity[0] == pytest.approx(1.0)
    assert len(select_seeds(scores, threshold=0.9, min_matches=10).suspicious) == 0
