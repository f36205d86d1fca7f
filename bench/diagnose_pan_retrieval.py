"""Why PAN13 retrieval misses what it misses: each listed (document, source) pair that a
run of ``bench_pan_retrieval.py`` did not report is searched again, and the verification
step it stopped at is counted per obfuscation group.

Stages: ``not retrieved`` (the source is not among the candidates), ``not aligned``
(a candidate, but its evidence stayed under the bar), ``no copy`` (aligned, alignment
found nothing), ``rejected`` (alignment found a copy that the support, prose or contrast
rules turned down; counted by its passages' shared fingerprints).

    python bench/diagnose_pan_retrieval.py bench/out/pan-retrieval-YYYYMMDD-HHMMSS

The run's search options are the benchmark's defaults (``--top 50 --max-verified 50``);
pass the same ``--option NAME=VALUE`` as the run if it had any.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from _harness import search_options  # noqa: E402
from bench_pan_retrieval import DEFAULT_CORPUS  # noqa: E402

import unspin.index._search as search_module  # noqa: E402
from unspin.align import Verdict  # noqa: E402
from unspin.index import BAG_WINDOW, FingerprintOptions, Index, SearchOptions  # noqa: E402
from unspin.io import read_document, read_documents  # noqa: E402

SUPPORT_BINS = ((25, 29), (20, 24), (0, 19))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a bench/out/pan-retrieval-* directory")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--max-verified", type=int, default=50)
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--bag-pairs",
        action="store_true",
        help="index bag pairs too (bag_window 8, as `unspin index add --bag-pairs`)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=FingerprintOptions().sample,
        help="keep one fingerprint in N (as `unspin index add --sample`)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="also print each missed pair: its group, stage, and candidate evidence and rank",
    )
    args = parser.parse_args(argv)
    queries_file = args.run / "queries.jsonl"
    if not queries_file.is_file():
        parser.error(f"{queries_file}: no such file (pass a pan-retrieval run directory)")
    options = search_options(
        args.option, SearchOptions(top=args.top, max_verified=args.max_verified)
    )
    missed: dict[str, list[tuple[str, str]]] = defaultdict(list)  # susp -> [(src, group)]
    for line in queries_file.read_text().splitlines():
        query = json.loads(line)
        for source, group in query["truth"]:
            if source not in query["reported"]:
                missed[query["susp"]].append((source, group))
    # Every verification of a candidate, by source id: (alignment verdict, confirmed, support).
    verified: dict[str, list[tuple[Verdict, bool, int]]] = defaultdict(list)
    confirms = search_module._confirms

    def recording(alignment: Any, query: Any, found: Any, *rest: Any) -> tuple[bool, int]:
        outcome = confirms(alignment, query, found, *rest)
        verified[found.id].append((alignment.verdict, *outcome))
        return outcome

    search_module._confirms = recording  # type: ignore[assignment]
    stages: dict[str, Counter[str]] = defaultdict(Counter)
    with (
        tempfile.TemporaryDirectory() as work,
        Index.open(
            Path(work) / "pan.idx",
            create=True,
            fingerprint_options=FingerprintOptions(
                sample=args.sample, bag_window=BAG_WINDOW if args.bag_pairs else 0
            ),
        ) as index,
    ):
        index.add(
            document._replace(id=Path(document.id).name)
            for document in read_documents([args.corpus / "src"], on_skip=lambda _: None)
        )
        for number, (susp, pairs) in enumerate(sorted(missed.items())):
            verified.clear()
            result = index.search(read_document(args.corpus / "susp" / susp).text, options=options)
            candidates = {candidate.id for candidate in result.candidates}
            for source, group in pairs:
                stage = _stage(source, candidates, verified.get(source, []))
                stages[group][stage] += 1
                if args.list:
                    ranked = [(c.id, c.evidence) for c in result.candidates]
                    rank = next((i for i, (c, _) in enumerate(ranked) if c == source), None)
                    evidence = ranked[rank][1] if rank is not None else None
                    print(f"  {group}\t{susp}\t{source}\t{stage}\trank {rank}\tev {evidence}")
            if number % 100 == 0:
                print(f"  {number} of {len(missed)} documents", flush=True)
    print("| obfuscation | missed | " + " | ".join(_STAGES) + " |")
    print("|---|---|" + "---|" * len(_STAGES))
    for group in sorted(stages):
        counts = stages[group]
        cells = " | ".join(str(counts.get(stage, 0)) for stage in _STAGES)
        print(f"| {group} | {sum(counts.values())} | {cells} |")
    return 0


_STAGES = (
    "not retrieved",
    "not aligned",
    "no copy",
    *(f"rejected, support {low}-{high}" for low, high in SUPPORT_BINS),
    "rejected, support 30+",
    "reported now",
)


def _stage(source: str, candidates: set[str], outcomes: list[tuple[Verdict, bool, int]]) -> str:
    if source not in candidates:
        return "not retrieved"
    if not outcomes:
        return "not aligned"
    if all(verdict is Verdict.NO_COPY for verdict, _, _ in outcomes):
        return "no copy"
    if any(confirmed for _, confirmed, _ in outcomes):
        return "reported now"  # the search differs from the run's (options, code)
    support = max(support for verdict, _, support in outcomes if verdict is not Verdict.NO_COPY)
    for low, high in SUPPORT_BINS:
        if low <= support <= high:
            return f"rejected, support {low}-{high}"
    return "rejected, support 30+"


if __name__ == "__main__":
    raise SystemExit(main())
