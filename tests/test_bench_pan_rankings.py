"""Tests of bench/pan_rankings.py: judged@k recomputed under another order of the
reported sources, as bench_pan_retrieval.py counts it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _bench import load_bench_module

rankings = load_bench_module("pan_rankings.py", "pan_rankings")


def _match(source: str, score: float, support: int) -> dict[str, object]:
    return {
        "id": source,
        "score": score,
        "query_coverage": score,
        "source_coverage": 0.5,
        "evidence": 10.0,
        "support": support,
    }


# Six listed sources, so k = 6; "extra" is unlisted and unconfirmed, "confirmed" unlisted
# and confirmed by the anchor (passed over, whatever its rank).
QUERY = {
    "truth": [[f"s{n}", "random"] for n in range(6)],
    "unlisted_confirmed_by_anchor": ["confirmed"],
    "matches": [
        _match("confirmed", 0.9, 1),
        _match("extra", 0.8, 1),
        *(_match(f"s{n}", 0.5 - n / 100, 100 - n) for n in range(6)),
    ],
}


def test_an_unconfirmed_unlisted_source_takes_a_place_and_the_order_decides_which() -> None:
    by_score = rankings.judged_at_k([QUERY], rankings.RANKINGS["score (the search's)"])
    assert by_score == {"random": 5 / 6}  # "extra" pushes s5 to place 7
    by_support = rankings.judged_at_k([QUERY], rankings.RANKINGS["support"])
    assert by_support == {"random": 1.0}  # "extra" ranks last


def test_a_run_without_matches_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = {key: value for key, value in QUERY.items() if key != "matches"}
    (tmp_path / "queries.jsonl").write_text(json.dumps(old) + "\n")
    assert rankings.main([str(tmp_path)]) == 2
    assert "rerun it" in capsys.readouterr().out
    (tmp_path / "queries.jsonl").write_text(json.dumps(QUERY) + "\n")
    assert rankings.main([str(tmp_path)]) == 0
    assert "| support | 1.000 |" in capsys.readouterr().out
