"""Tests of bench/bench_dedup.py: how a collection's planted spun copies and its related
originals are scored, and that the unspin run finds a copy inside a small collection."""

from __future__ import annotations

from _bench import load_bench_module
from conftest import prose_article
from unspin.eval import settings_for, spin_text

dedup = load_bench_module("bench_dedup.py", "bench_dedup")


def _collection() -> object:
    documents = [
        ("a-orig", "x"),
        ("a-spun", "x"),
        ("b-orig", "x"),
        ("b-spun", "x"),
        ("c-orig", "x"),
        ("d-orig", "x"),
        ("e-orig", "x"),
        ("f-orig", "x"),
    ]
    planted = [("a-orig", "a-spun"), ("b-orig", "b-spun")]
    related = {frozenset(("e-orig", "f-orig"))}
    return dedup.Collection(documents, planted, related)


def test_score_counts_planted_pairs_each_way_and_clean_documents_flagged() -> None:
    found = {
        "a-orig": ["a-spun"],
        "a-spun": ["a-orig"],
        "b-orig": [],
        "b-spun": ["b-orig"],  # found one way only
        "c-orig": ["d-orig"],  # a false pair: both documents are clean
        "d-orig": [],
        "e-orig": ["f-orig"],  # related before spinning: neither false nor clean
        "f-orig": [],
    }
    scores = dedup.score(_collection(), found)
    assert scores["planted_pairs"] == 2
    assert scores["pairs_found"] == 1.0 and scores["both_ways"] == 0.5
    assert scores["clean_documents"] == 2  # c and d
    assert scores["clean_flagged"] == 0.5
    assert scores["false_pairs"] == 1 and scores["false_pair_examples"] == [["c-orig", "d-orig"]]
    nothing = dedup.score(_collection(), {doc_id: [] for doc_id, _ in _collection().documents})
    assert nothing["pairs_found"] == 0.0 and nothing["clean_flagged"] == 0.0


def test_related_pairs_share_three_eight_word_sequences() -> None:
    base = prose_article(1)
    words = base.split()
    quoting = prose_article(2) + "\n\n" + " ".join(words[:40])  # quotes 40 words of it
    glancing = prose_article(3) + "\n\n" + " ".join(words[:9])  # two sequences only
    related = dedup._related(["base", "quoting", "glancing"], [base, quoting, glancing])
    assert related == {frozenset(("base", "quoting"))}


def test_unspin_finds_the_spun_copy_inside_a_collection() -> None:
    original = prose_article(4)
    spun = spin_text(original, settings=settings_for("medium"), seed=1)
    documents = [("p4-orig", original), ("p4-spun", spun)]
    documents += [(f"p{seed}-orig", prose_article(seed)) for seed in range(5, 12)]
    collection = dedup.Collection(documents, [("p4-orig", "p4-spun")], set())
    found, coverage, _ = dedup.run_unspin(collection, jobs=1)
    assert found["p4-orig"] == ["p4-spun"] and found["p4-spun"] == ["p4-orig"]
    assert coverage["p4-spun", "p4-orig"] > 0.5
    scores = dedup.score(collection, found)
    assert scores["pairs_found"] == 1.0 and scores["clean_flagged"] == 0.0
    assert dedup.at_coverage(found, coverage, 0.5) == found
    assert all(not others for others in dedup.at_coverage(found, coverage, 1.01).values())
