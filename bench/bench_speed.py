"""Speed benchmark: analysis throughput, per-pair latency, start-up, and `unspin pan` vs the anchor.

Wall times on a shared machine are noisy, so every speed-up is reported as a ratio
against a baseline measured in the same process or the same run:

* ``startup``: median wall time of ``python -c "import unspin.cli"`` and of
  ``unspin --help`` (fresh processes); in a fresh process, the time to load each
  per-process table (the surface-form table, the code-point table, the ftfy shortcut)
  against loading the lexicon table the reference path needs.
* ``analysis``: the documents of every k-th pair, analysed in one process by the fast
  path (first pass: its vocabulary starts empty; second pass: warm) and by the
  reference path (``unspin.text._reference``); MB/s of raw text, the ratio, and a check
  that both return identical arrays for every document.
* ``align``: per-pair ``unspin.align`` time on those pairs, documents analysed
  beforehand (p50/p95/mean).
* ``pan``: ``unspin pan`` on the corpus (all pairs unless ``--limit``), then the anchor
  on the same pairs in the same run: wall time, peak RSS, the per-pair p50/p95 that
  ``unspin pan`` prints, plagdet, and the anchor/unspin wall ratio. ``--compare-to DIR``
  also checks that every XML file is byte-identical to the one in ``DIR``.

    python bench/bench_speed.py                          # everything, full PAN13 corpus
    python bench/bench_speed.py --sections startup,analysis --every 5
    python bench/bench_speed.py --sections pan --no-anchor --compare-to bench/out/...

Results go to ``bench/out/speed-<timestamp>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _harness import (
    ANCHOR,
    PAN13_TRAIN_DIR,
    SYSTEMS,
    Corpus,
    SystemSpec,
    detect_truth_dir,
    new_run_dir,
    read_pairs,
    restrict_corpus,
    run_system,
    system_unavailable_reason,
)

SECTIONS = ("startup", "analysis", "fingerprint", "align", "pan")


def _median_wall(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_LOAD_TIMES = """
import json, time
from unspin.text import _forms, _lexicon, _normalize, _tokenize
times = {}
for name, load in (
    ("form_table", _forms.form_table),
    ("code_point_table", _tokenize._word_chars),
    ("ftfy_shortcut", _normalize._ftfy_shortcut),
    ("lexicon_table (reference path)", _lexicon._load_table),
):
    start = time.perf_counter()
    load()
    times[name] = time.perf_counter() - start
print(json.dumps(times))
"""


def measure_startup() -> dict[str, float]:
    python = sys.executable
    results = {
        "import unspin.cli": _median_wall([python, "-c", "import unspin.cli"]),
        "unspin --help": _median_wall([python, "-m", "unspin.cli", "--help"]),
        "python -c pass": _median_wall([python, "-c", "pass"]),
    }
    loads = subprocess.run([python, "-c", _LOAD_TIMES], check=True, capture_output=True)
    results.update({f"load {k}": v for k, v in json.loads(loads.stdout).items()})
    for name, seconds in results.items():
        print(f"  {name:40s} {seconds * 1000:8.1f} ms")
    return results


def _sample_documents(corpus_dir: Path, every: int) -> tuple[list[tuple[str, str]], list[Path]]:
    pairs = read_pairs(corpus_dir / "pairs")[::every]
    paths = sorted(
        {corpus_dir / "susp" / s for s, _ in pairs} | {corpus_dir / "src" / r for _, r in pairs}
    )
    return pairs, paths


def measure_analysis(corpus_dir: Path, every: int) -> dict[str, object]:
    import numpy as np

    from unspin.io import read_document
    from unspin.text._analysis import TextAnalysis, analyse_text
    from unspin.text._forms import form_table
    from unspin.text._reference import reference_analyse_text

    _, paths = _sample_documents(corpus_dir, every)
    texts = []
    for path in paths:
        try:
            texts.append(read_document(path).text)
        except Exception:  # binary or empty: not analysed by the batch either
            continue
    chars = sum(map(len, texts))
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    print(f"  {len(texts)} documents, {chars} characters, {megabytes:.1f} MB (UTF-8)")

    def timed(function: object) -> tuple[float, list[TextAnalysis]]:
        start = time.process_time()
        results = [function(text) for text in texts]  # type: ignore[operator]
        return time.process_time() - start, results

    start = time.process_time()
    form_table()
    table_s = time.process_time() - start
    cold_s, fast = timed(analyse_text)
    warm_s, _ = timed(analyse_text)
    reference_s, reference = timed(reference_analyse_text)

    def same(a: TextAnalysis, b: TextAnalysis) -> bool:
        return a.raw == b.raw and all(
            getattr(a, f).dtype == getattr(b, f).dtype
            and np.array_equal(getattr(a, f), getattr(b, f))
            for f in TextAnalysis._fields[1:]
        )

    differing = sum(not same(a, b) for a, b in zip(fast, reference, strict=True))
    results: dict[str, object] = {
        "documents": len(texts),
        "characters": chars,
        "megabytes": megabytes,
        "form_table_load_cpu_s": table_s,
        "fast_cold_cpu_s": cold_s,
        "fast_warm_cpu_s": warm_s,
        "reference_cpu_s": reference_s,
        "fast_cold_mb_per_s": megabytes / cold_s,
        "fast_warm_mb_per_s": megabytes / warm_s,
        "reference_mb_per_s": megabytes / reference_s,
        "speedup_cold": reference_s / cold_s,
        "speedup_warm": reference_s / warm_s,
        "documents_differing_from_reference": differing,
    }
    print(
        f"  reference {megabytes / reference_s:6.2f} MB/s ({reference_s:.2f} s CPU)\n"
        f"  fast cold {megabytes / cold_s:6.2f} MB/s ({cold_s:.2f} s CPU)  "
        f"x{reference_s / cold_s:.1f}\n"
        f"  fast warm {megabytes / warm_s:6.2f} MB/s ({warm_s:.2f} s CPU)  "
        f"x{reference_s / warm_s:.1f}\n"
        f"  (form table loaded first: {table_s * 1000:.0f} ms CPU)\n"
        f"  documents whose analysis differs from the reference: {differing}"
    )
    return results


def measure_fingerprint(corpus_dir: Path, every: int) -> dict[str, object]:
    """Fingerprints of the same documents, as an index build makes them (batches of
    ``fingerprint_documents``) and as queries do (``fingerprint_query`` per document),
    each from a word-code table that starts empty: its codes from the packaged form
    table (the fast path) or from the lexicon's morphology (the reference); the
    postings of both must be identical."""
    import numpy as np

    from unspin.index import _fingerprint, fingerprint_documents, fingerprint_query
    from unspin.io import read_document
    from unspin.text._forms import form_table
    from unspin.text._lexicon import Lexicon

    _, paths = _sample_documents(corpus_dir, every)
    texts = []
    for path in paths:
        try:
            texts.append(read_document(path).text)
        except Exception:  # binary or empty: not indexed either
            continue
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    form_table()  # loaded once per process by both paths' callers (analysis needs it)
    batch = 1000

    def cold(fast: bool) -> None:
        lexicon = Lexicon.default()  # its memos too: the reference starts as cold
        for memo in (lexicon._concepts_cache, lexicon._lemma_cache, lexicon._base_forms_cache):
            memo.clear()
        _fingerprint._tables.clear()
        tables = _fingerprint._tables_for(None)
        if not fast:
            tables.text._forms = None

    def build() -> tuple[float, list[object]]:
        start = time.process_time()
        parts = [
            fingerprint_documents(texts[at : at + batch]) for at in range(0, len(texts), batch)
        ]
        return time.process_time() - start, parts

    def queries() -> tuple[float, list[object]]:
        start = time.process_time()
        found = [fingerprint_query(text) for text in texts]
        return time.process_time() - start, found

    figures: dict[str, object] = {"documents": len(texts), "megabytes": megabytes}
    differing = 0
    for name, run in (("build", build), ("query", queries)):
        cold(fast=False)
        reference_s, reference = run()
        cold(fast=True)
        fast_s, fast = run()
        warm_s, _ = run()
        differing += sum(
            not all(np.array_equal(a, b) for a, b in zip(x, y, strict=True))  # type: ignore[call-overload]
            for x, y in zip(fast, reference, strict=True)
        )
        figures[name] = {
            "reference_cpu_s": reference_s,
            "fast_cold_cpu_s": fast_s,
            "fast_warm_cpu_s": warm_s,
            "speedup_cold": reference_s / fast_s,
        }
        print(
            f"  {name}: reference {megabytes / reference_s:6.2f} MB/s ({reference_s:.2f} s CPU), "
            f"fast cold {megabytes / fast_s:6.2f} MB/s ({fast_s:.2f} s), "
            f"x{reference_s / fast_s:.2f}; warm {megabytes / warm_s:6.2f} MB/s ({warm_s:.2f} s)"
        )
    cold(fast=True)
    figures["results_differing_from_reference"] = differing
    print(f"  batches or queries whose fingerprints differ from the reference: {differing}")
    return figures


def measure_align(corpus_dir: Path, every: int) -> dict[str, float]:
    from unspin.align import AlignOptions, align
    from unspin.io import read_document
    from unspin.text._analysis import analyse_text

    pairs, _ = _sample_documents(corpus_dir, every)
    options = AlignOptions(rewrites=False)  # as unspin pan aligns
    cache = {}
    timed_pairs = []
    for suspicious, source in pairs:
        try:
            for path in (corpus_dir / "susp" / suspicious, corpus_dir / "src" / source):
                if path not in cache:
                    cache[path] = analyse_text(read_document(path).text)
        except Exception:
            continue
        timed_pairs.append(
            (cache[corpus_dir / "susp" / suspicious], cache[corpus_dir / "src" / source])
        )
    times = []
    for analysis_s, analysis_r in timed_pairs:
        start = time.process_time()
        align(analysis_s, analysis_r, options=options)
        times.append(time.process_time() - start)
    times.sort()
    results = {
        "pairs": len(times),
        "p50_ms": 1000 * times[len(times) // 2],
        "p95_ms": 1000 * times[min(len(times) - 1, (95 * len(times)) // 100)],
        "mean_ms": 1000 * statistics.fmean(times),
        "total_cpu_s": sum(times),
    }
    print(
        f"  {len(times)} pairs: p50 {results['p50_ms']:.1f} ms, p95 {results['p95_ms']:.1f} ms,"
        f" mean {results['mean_ms']:.1f} ms CPU per pair"
    )
    return results


def _unspin_here(corpus: Corpus, output_dir: Path, jobs: int) -> list[str]:
    # This checkout's code, whatever `unspin` is first on PATH.
    arguments = (corpus.pairs_file, corpus.src_dir, corpus.susp_dir, output_dir)
    return [sys.executable, "-m", "unspin.cli", "pan", *map(str, arguments), "--jobs", str(jobs)]


def _summary_fields(log: Path) -> dict[str, float]:
    for line in reversed(log.read_text(encoding="utf-8", errors="replace").splitlines()):
        fields = line.split()
        if fields[:1] == ["pairs"]:
            return {k: float(v) for k, v in zip(fields[::2], fields[1::2], strict=False)}
    return {}


def measure_pan(
    corpus_dir: Path, limit: int | None, jobs: int, anchor: bool, compare_to: Path | None
) -> dict[str, object]:
    truth_dir = detect_truth_dir(corpus_dir)
    run_dir = new_run_dir("speed-pan")
    results: dict[str, object] = {"run_dir": str(run_dir)}
    with tempfile.TemporaryDirectory(prefix="unspin-speed-") as work_dir:
        corpus, pair_count = restrict_corpus(corpus_dir, truth_dir, limit, Path(work_dir))
        print(f"  {pair_count} pairs, jobs {jobs}")
        unspin = run_system(SystemSpec("unspin", _unspin_here), corpus, pair_count, run_dir, jobs)
        summary = _summary_fields(run_dir / "unspin.log")
        results["unspin"] = {
            "wall_s": unspin.wall_s,
            "reported_wall_s": unspin.reported_wall_s,
            "peak_rss_mib": unspin.peak_rss_mib,
            "pair_p50_ms": summary.get("pair_p50_ms"),
            "pair_p95_ms": summary.get("pair_p95_ms"),
            "plagdet": unspin.report.overall.plagdet,
            "exit_code": unspin.exit_code,
        }
        print(
            f"  unspin: wall {unspin.wall_s:.2f} s, peak RSS {unspin.peak_rss_mib:.0f} MiB, "
            f"per pair p50 {summary.get('pair_p50_ms')} ms p95 {summary.get('pair_p95_ms')} ms, "
            f"plagdet {unspin.report.overall.plagdet:.4f}"
        )
        if compare_to is not None:
            names = sorted(path.name for path in unspin.output_dir.glob("*.xml"))
            differing = [
                name
                for name in names
                if not (compare_to / name).is_file()
                or (compare_to / name).read_bytes() != (unspin.output_dir / name).read_bytes()
            ]
            results["xml_files_compared"] = len(names)
            results["xml_files_differing"] = len(differing)
            print(f"  XML vs {compare_to}: {len(differing)} of {len(names)} files differ")
        if anchor:
            reason = system_unavailable_reason(ANCHOR)
            if reason is not None:
                print(f"  anchor: {reason}")
            else:
                run = run_system(SYSTEMS[ANCHOR], corpus, pair_count, run_dir, jobs)
                results["anchor"] = {
                    "wall_s": run.wall_s,
                    "peak_rss_mib": run.peak_rss_mib,
                    "plagdet": run.report.overall.plagdet,
                }
                results["anchor_over_unspin_wall"] = run.wall_s / unspin.wall_s
                print(
                    f"  anchor: wall {run.wall_s:.2f} s, peak RSS {run.peak_rss_mib:.0f} MiB, "
                    f"plagdet {run.report.overall.plagdet:.4f}; "
                    f"unspin is {run.wall_s / unspin.wall_s:.1f}x faster"
                )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=PAN13_TRAIN_DIR, help="PAN-layout corpus")
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--every", type=int, default=5, help="analysis/align sample: every k-th pair (default 5)"
    )
    parser.add_argument("--limit", type=int, help="pan: N pairs spread over the corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pan: processes")
    parser.add_argument("--no-anchor", action="store_true", help="pan: do not run the anchor")
    parser.add_argument(
        "--compare-to", type=Path, help="pan: directory of XML files that must be identical"
    )
    args = parser.parse_args(argv)
    sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    corpus_dir: Path = args.corpus.resolve()

    results: dict[str, object] = {"corpus": str(corpus_dir), "cpu_count": os.cpu_count()}
    if "startup" in sections:
        print("start-up (median of 5 fresh processes):")
        results["startup_s"] = measure_startup()
    if "analysis" in sections:
        print(f"analysis (documents of every {args.every}th pair, one process, CPU time):")
        results["analysis"] = measure_analysis(corpus_dir, args.every)
    if "fingerprint" in sections:
        print(f"fingerprints (documents of every {args.every}th pair, one process, CPU time):")
        results["fingerprint"] = measure_fingerprint(corpus_dir, args.every)
    if "align" in sections:
        print(f"alignment per pair (every {args.every}th pair, documents analysed beforehand):")
        results["align"] = measure_align(corpus_dir, args.every)
    if "pan" in sections:
        print("unspin pan, then the anchor on the same pairs:")
        results["pan"] = measure_pan(
            corpus_dir, args.limit, args.jobs, not args.no_anchor, args.compare_to
        )
    run_dir = new_run_dir("speed")
    results_path = run_dir / "results.json"
    results_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {results_path}")
    analysis = results.get("analysis")
    if isinstance(analysis, dict) and analysis["documents_differing_from_reference"]:
        return 1
    fingerprint = results.get("fingerprint")
    if isinstance(fingerprint, dict) and fingerprint["results_differing_from_reference"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
