"""Build the benchmark corpora (PAN text-alignment layout) from the shared data sets.

    python bench/make_corpora.py [--data DIR] [--out DIR] [--sim-pairs N] [--spinbot-pairs N]

Writes ``<out>/sim-bbc`` (BBC news spun by unspin's simulator: light, medium, heavy,
negative) and ``<out>/spinbot`` (real SpinBot output: whole, embedded, reordered, negative).
Each target directory is wiped and rebuilt, so running it twice gives the same corpora.
This is a benchmarking tool; the corpora are not shipped (``bench/corpora`` is git-ignored).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from unspin.eval import CorpusSummary, build_simulated_corpus, build_spinbot_corpus

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=_REPO_ROOT.parent / "shared" / "data",
        help="folder holding bbc-news/ and spinbot-wiki-train/ (default: ../shared/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=_REPO_ROOT / "bench" / "corpora",
        help="where sim-bbc/ and spinbot/ are written (default: bench/corpora)",
    )
    parser.add_argument("--sim-pairs", type=int, default=360, help="pairs in sim-bbc")
    parser.add_argument("--spinbot-pairs", type=int, default=400, help="pairs in spinbot")
    parser.add_argument("--seed", type=int, default=0, help="random seed of both builders")
    return parser.parse_args(argv)


def _print_summary(name: str, summary: CorpusSummary, seconds: float) -> None:
    groups = ", ".join(
        f"{group} {pairs} pairs/{summary.cases_by_group[group]} cases"
        for group, pairs in summary.by_group.items()
    )
    print(
        f"{name}: {summary.pairs} pairs, {summary.cases} cases in {seconds:.1f}s -> "
        f"{summary.out_dir}\n  {groups}"
    )


def main(argv: list[str] | None = None) -> int:
    arguments = _parse_arguments(argv)
    builds = (
        ("sim-bbc", arguments.data / "bbc-news", build_simulated_corpus, arguments.sim_pairs),
        (
            "spinbot",
            arguments.data / "spinbot-wiki-train",
            build_spinbot_corpus,
            arguments.spinbot_pairs,
        ),
    )
    for name, input_dir, build, pairs in builds:
        if not input_dir.is_dir():
            print(f"error: {input_dir} not found (use --data)", file=sys.stderr)
            return 2
        target = arguments.out / name
        shutil.rmtree(target, ignore_errors=True)  # rebuild from scratch: idempotent
        started = time.perf_counter()
        summary = build(input_dir, target, pairs=pairs, seed=arguments.seed)
        _print_summary(name, summary, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
