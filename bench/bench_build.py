"""Index build speed with and without bag pairs, measured side by side in one process.

Builds an index of N synthetic news-like documents (the generator of ``bench_scale.py``)
once per setting, the settings interleaved over ``--rounds`` rounds so that a change in
the machine's speed hits both alike, and reports documents per CPU-second of each and
their ratio.

    python bench/bench_build.py                    # 100,000 documents, 2 rounds
    python bench/bench_build.py --docs 20000 --rounds 3
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from _harness import new_run_dir  # noqa: E402
from bench_scale import BBC, GENERATION_BATCH, Generator  # noqa: E402

from unspin.index import BAG_WINDOW, FingerprintOptions, Index, fingerprint_documents  # noqa: E402

SETTINGS = {"default": FingerprintOptions(), "bag pairs": FingerprintOptions(bag_window=BAG_WINDOW)}


def build_once(texts: list[str], options: FingerprintOptions) -> tuple[float, int]:
    """Documents per CPU-second of one build, and the postings it wrote."""
    with tempfile.TemporaryDirectory() as work:
        index = Index.open(Path(work) / "index", create=True, fingerprint_options=options)
        started = time.process_time()
        with index.writer() as writer:
            for number, text in enumerate(texts):
                writer.add(f"doc-{number:07d}", text, html=False)
        seconds = time.process_time() - started
        postings = index.info().postings
        index.close()
    return len(texts) / seconds, postings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=BBC)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--profile", action="store_true", help="print where the default build's CPU goes"
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: not found, skipped")
        return 0
    generator = Generator(args.corpus, args.seed)
    texts: list[str] = []
    while len(texts) < args.docs:
        texts += generator.batch(min(GENERATION_BATCH, args.docs - len(texts)))
    # The word-class table fills on first sight of each form: fill it before timing, or
    # the first build pays for it.
    for start in range(0, len(texts), GENERATION_BATCH):
        fingerprint_documents(texts[start : start + GENERATION_BATCH])
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(build_once, texts, SETTINGS["default"])
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    speeds: dict[str, list[float]] = {name: [] for name in SETTINGS}
    postings: dict[str, int] = {}
    for round_number in range(args.rounds):
        for name, options in SETTINGS.items():
            speed, postings[name] = build_once(texts, options)
            speeds[name].append(speed)
            print(f"  round {round_number + 1}, {name}: {speed:,.0f} documents per CPU-second")
    summary = {
        name: {
            "docs_per_cpu_s": [round(s) for s in values],
            "median": round(statistics.median(values)),
            "postings_per_doc": round(postings[name] / len(texts), 1),
        }
        for name, values in speeds.items()
    }
    ratio = summary["bag pairs"]["median"] / summary["default"]["median"]
    print(f"{len(texts)} documents, {args.rounds} rounds")
    print("| index | documents per CPU-second (median) | postings per document |")
    print("|---|---|---|")
    for name, entry in summary.items():
        print(f"| {name} | {entry['median']:,} | {entry['postings_per_doc']} |")
    print(f"bag pairs / default: {ratio:.3f}")
    out = new_run_dir("build")
    (out / "results.json").write_text(
        json.dumps(
            {"documents": len(texts), "settings": summary, "ratio": round(ratio, 3)}, indent=2
        )
    )
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
