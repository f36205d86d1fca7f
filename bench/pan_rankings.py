"""Would another order of the reported sources lift PAN13 retrieval? ``judged@k`` of a
run of ``bench_pan_retrieval.py``, recomputed with its reported sources sorted by other
keys than the search's own (score, then evidence).

Each suspicious document's line in the run's ``queries.jsonl`` keeps its reported
sources with their score, query coverage, evidence and support (``matches``), and which
unlisted ones the anchor confirmed; nothing is searched again. A run made before
``matches`` were kept is refused.

    python bench/pan_rankings.py bench/out/pan-retrieval-YYYYMMDD-HHMMSS
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

Match = dict[str, Any]

# Each key sorts ascending; the first is the search's own order.
RANKINGS: dict[str, Callable[[Match], tuple[float, ...]]] = {
    "score (the search's)": lambda m: (-m["score"], -m["evidence"]),
    "query coverage": lambda m: (-m["query_coverage"], -m["score"]),
    "support": lambda m: (-m["support"], -m["score"]),
    "evidence": lambda m: (-m["evidence"], -m["score"]),
    "source coverage": lambda m: (-m["source_coverage"], -m["score"]),
}


def judged_at_k(
    queries: list[dict[str, Any]], key: Callable[[Match], tuple[float, ...]]
) -> dict[str, float]:
    """Per obfuscation group, the share of listed pairs among the first k reported
    sources (k = max(5, sources listed)), unlisted sources the anchor confirms passed
    over, as ``bench_pan_retrieval.py`` counts ``judged@k``."""
    found: dict[str, list[bool]] = defaultdict(list)
    for query in queries:
        listed = {source for source, _ in query["truth"]}
        confirmed = set(query["unlisted_confirmed_by_anchor"])
        ranked = [
            match["id"]
            for match in sorted(query["matches"], key=key)
            if match["id"] in listed or match["id"] not in confirmed
        ]
        k = max(5, len(query["truth"]))
        for source, group in query["truth"]:
            found[group].append(source in ranked[:k])
    return {group: sum(hits) / len(hits) for group, hits in sorted(found.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a bench/out/pan-retrieval-* directory")
    args = parser.parse_args(argv)
    try:
        lines = (args.run / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"pan_rankings: {args.run}: cannot read queries.jsonl ({exc.strerror})")
        return 2
    queries = [json.loads(line) for line in lines if line.strip()]
    if any("matches" not in query for query in queries):
        print(f"pan_rankings: {args.run}: made before the runs kept their matches; rerun it")
        return 2
    groups: list[str] = []
    rows = []
    for name, key in RANKINGS.items():
        shares = judged_at_k(queries, key)
        groups = groups or list(shares)
        rows.append((name, shares))
    print("| ranked by | " + " | ".join(groups) + " |")
    print("|---|" + "---|" * len(groups))
    for name, shares in rows:
        print(f"| {name} | " + " | ".join(f"{shares[group]:.3f}" for group in groups) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
