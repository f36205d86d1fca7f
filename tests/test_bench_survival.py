"""Tests of bench/fingerprint_survival.py: fingerprints told apart by kind, and the share
of them a rewritten passage keeps."""

from __future__ import annotations

from _bench import load_bench_module
from conftest import news_article, prose_article
from unspin.index import BAG_WINDOW, FingerprintOptions, fingerprint_query

survival = load_bench_module("fingerprint_survival.py", "fingerprint_survival")


def _all(text: str, sample: int = 1) -> set[int]:
    options = FingerprintOptions(sample=sample, bag_window=BAG_WINDOW)
    return set(fingerprint_query(text, options=options).fingerprint.tolist())


def test_the_kinds_split_a_texts_fingerprints_without_overlap() -> None:
    text = news_article(3)
    for sample in (1, 4):
        kinds = survival.kinds(text, sample)
        assert all(kinds) and not kinds.class_pairs & kinds.skeleton
        assert kinds.class_pairs | kinds.skeleton | kinds.bag_pairs == _all(text, sample)
    # sampling keeps a subset of each kind
    every, sampled = survival.kinds(text), survival.kinds(text, 4)
    assert all(few < many for few, many in zip(sampled, every, strict=True))


def test_a_copy_keeps_every_fingerprint_and_an_unrelated_text_about_none() -> None:
    text = news_article(1)
    counts = survival.name_frequencies(iter([text, prose_article(2)]))
    same = survival.survival(iter([(text, text)]), counts)
    assert same["passages"] == 1
    assert all(figures["survive"] == 1.0 for figures in same["kinds"].values())
    assert same["kinds"]["class pairs"]["median_shared_at_default_sample"] > 0
    assert same[survival.NAMES]["survive"] == 1.0
    other = survival.survival(iter([(prose_article(2), text)]), counts)
    assert other["kinds"]["class pairs"]["survive"] < 0.1
    shares = [same["kinds"][kind]["share_of_default_postings"] for kind in survival.KINDS[:2]]
    assert abs(sum(shares) - 1) < 1e-9  # class pairs and skeletons: all a default index holds


def test_names_and_numbers_are_digits_and_capitals_past_a_sentence_start() -> None:
    text = "The summit in Hanoi ended.\nTrump left by 2020. Kim stayed; BBC said so"
    assert survival.names_and_numbers(text) == {"hanoi", "2020", "bbc"}


def test_a_name_an_index_could_use_stands_in_few_documents() -> None:
    texts = [f"It was in Paris, said Dr Lee {number}." for number in range(2000)]
    counts, most = survival.name_frequencies(iter(texts))
    assert most == 4  # max_df 0.002 of 2000 documents
    assert counts["paris"] == 2000 and counts["1999"] == 1
    assert survival.name_frequencies(iter(texts[:10]))[1] == 2  # at least 2
