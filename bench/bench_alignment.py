"""Alignment benchmark: unspin, the anchor and the n-gram baseline on one PAN-layout corpus.

All systems run in the same invocation on the same pairs, are scored with the PAN
measures (``unspin.eval.evaluate_corpus``) and are printed side by side, per obfuscation
group and overall, with wall time, peak RSS and speed relative to the anchor
(Sanchez-Perez et al., the PAN 2014 text-alignment winner). unspin's per-pair latency is
also measured in-process through its Python API on a sample of pairs.

    python bench/bench_alignment.py                      # full PAN13 training corpus
    python bench/bench_alignment.py --limit 300          # quick: 300 pairs, all groups
    python bench/bench_alignment.py --corpus DIR --systems anchor,ngram

Results go to ``bench/out/alignment-<timestamp>/results.json`` (plus each system's
detections and log).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from _harness import (
    ALL_SYSTEMS,
    PAN13_TRAIN_DIR,
    SYSTEMS,
    UNSPIN,
    Corpus,
    SystemRun,
    detect_truth_dir,
    format_side_by_side,
    load_unspin_align,
    new_run_dir,
    read_pairs,
    restrict_corpus,
    run_as_dict,
    run_system,
    spread_sample,
    system_unavailable_reason,
    unspin_api_available,
)

DEFAULT_LATENCY_SAMPLE = 100


class Latency(NamedTuple):
    """Per-pair `unspin.align` call times, in milliseconds."""

    pairs: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation, so it is always an observed time)."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _read_raw(path: Path) -> str:
    # newline="" keeps raw characters, as the offsets of PAN XML count them.
    with path.open(encoding="utf-8", errors="replace", newline="") as file:
        return file.read()


def measure_unspin_latency(corpus: Corpus, sample_size: int) -> Latency:
    """Time `unspin.align` on a spread sample of the corpus's pairs, documents pre-read."""
    align = load_unspin_align()
    if align is None:
        raise RuntimeError("unspin.align is not available")
    pairs = spread_sample(read_pairs(corpus.pairs_file), sample_size)
    documents = [
        (_read_raw(corpus.susp_dir / susp_name), _read_raw(corpus.src_dir / src_name))
        for susp_name, src_name in pairs
    ]
    align(*documents[0])  # warm-up: lazy loading of resources is not per-pair latency
    times_ms: list[float] = []
    for susp_text, src_text in documents:
        start = time.perf_counter()
        align(susp_text, src_text)
        times_ms.append((time.perf_counter() - start) * 1000)
    times_ms.sort()
    return Latency(
        pairs=len(times_ms),
        p50_ms=percentile(times_ms, 0.50),
        p95_ms=percentile(times_ms, 0.95),
        mean_ms=sum(times_ms) / len(times_ms),
        max_ms=times_ms[-1],
    )


def parse_systems(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(ALL_SYSTEMS)}"
        )
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=PAN13_TRAIN_DIR, help="PAN-layout corpus")
    parser.add_argument(
        "--truth",
        type=Path,
        help="truth XML directory (default: CORPUS/truth if present, else CORPUS)",
    )
    parser.add_argument("--limit", type=int, help="use N pairs, spread evenly over the corpus")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes per system"
    )
    parser.add_argument(
        "--systems", type=parse_systems, default=list(ALL_SYSTEMS), help="comma-separated"
    )
    parser.add_argument(
        "--latency-sample",
        type=int,
        default=DEFAULT_LATENCY_SAMPLE,
        help="pairs timed through unspin.align (0: skip)",
    )
    args = parser.parse_args(argv)

    corpus_dir: Path = args.corpus.resolve()
    truth_dir: Path = (args.truth or detect_truth_dir(corpus_dir)).resolve()
    run_dir = new_run_dir("alignment")
    runs: list[SystemRun] = []
    skipped: dict[str, str] = {}
    latency: Latency | None = None

    with tempfile.TemporaryDirectory(prefix="unspin-bench-") as work_dir:
        corpus, pair_count = restrict_corpus(corpus_dir, truth_dir, args.limit, Path(work_dir))
        print(f"corpus {corpus_dir} ({pair_count} pairs), truth {truth_dir}, jobs {args.jobs}")
        for name in args.systems:
            reason = system_unavailable_reason(name)
            if reason is not None:
                skipped[name] = reason
                print(f"{name}: {reason}", flush=True)
                continue
            print(f"{name}: running ...", flush=True)
            run = run_system(SYSTEMS[name], corpus, pair_count, run_dir, args.jobs)
            print(
                f"{name}: plagdet {run.report.overall.plagdet:.4f}, wall {run.wall_s:.1f} s",
                flush=True,
            )
            runs.append(run)

        if UNSPIN in args.systems and args.latency_sample > 0:
            if unspin_api_available():
                latency = measure_unspin_latency(corpus, args.latency_sample)
            else:
                print("unspin: not available (no unspin.align API yet): latency skipped")

    table = format_side_by_side(runs)
    print()
    print(table)
    if latency is not None:
        print(
            f"\nunspin.align latency over {latency.pairs} pairs (in-process, documents pre-read):"
            f" p50 {latency.p50_ms:.1f} ms, p95 {latency.p95_ms:.1f} ms,"
            f" mean {latency.mean_ms:.1f} ms, max {latency.max_ms:.1f} ms"
        )

    results = {
        "corpus": str(corpus_dir),
        "truth": str(truth_dir),
        "pairs": pair_count,
        "limit": args.limit,
        "jobs": args.jobs,
        "cpu_count": os.cpu_count(),
        "runs": [run_as_dict(run) for run in runs],
        "skipped": skipped,
        "unspin_latency_ms": latency._asdict() if latency is not None else None,
        "table": table,
    }
    results_path = run_dir / "results.json"
    results_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {results_path}")
    return 0 if all(run.exit_code == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
