"""PAN13 text alignment as a retrieval task: index every source document, search with every
suspicious document, and check that its true sources come back in the top 5.

Per obfuscation group (``02-no-obfuscation`` … ``05-summary-obfuscation``), for every
(suspicious, source) pair of the group that has a plagiarism case in its truth XML (947
of the 1185 summary pairs have none and are left out):

* ``reported@5``: the source is among the first 5 sources unspin *reports* (confirmed by
  alignment at the default thresholds);
* ``reported@k``: the same with k = max(5, the document's number of true sources): a
  suspicious document of PAN13 has up to 24 listed sources, which no top 5 can hold, and
  contains passages of further sources that its pairs do not list (found and confirmed,
  they outrank listed ones);
* ``reported@30``: among all the sources reported (at most 30);
* ``retrieved@5`` / ``retrieved@k``: the source is among the first 5 / k retrieval
  candidates (by fingerprint evidence, before alignment decides).

Searches report up to 30 sources and align up to 30 candidates per query
(``SearchOptions(top=30, max_verified=30)``; the defaults are 10 and 8), since documents
have that many sources; every other setting is the default.

Suspicious documents that appear only in ``01-no-plagiarism`` are searched too: the share
for which anything is reported is a false-alarm rate.

    python bench/bench_pan_retrieval.py [--corpus ../shared/data/pan13-train] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from unspin.index import Index, SearchOptions, check_documents  # noqa: E402
from unspin.io import SkippedInput, read_documents  # noqa: E402
from unspin.report import read_pan_xml  # noqa: E402

DEFAULT_CORPUS = BENCH_DIR.parent.parent / "shared" / "data" / "pan13-train"
GROUPS = {
    "02-no-obfuscation": "none",
    "03-random-obfuscation": "random",
    "04-translation-obfuscation": "translation",
    "05-summary-obfuscation": "summary",
}
TARGETS = {"none": 0.99, "random": 0.99, "translation": 0.95, "summary": 0.80}


def _pairs(path: Path) -> list[tuple[str, str]]:
    return [
        (fields[0], fields[1])
        for fields in (line.split() for line in path.read_text().splitlines())
        if len(fields) == 2
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "src").is_dir():
        print(f"{corpus}: no PAN corpus there, skipped")
        return 0
    truth: dict[str, list[tuple[str, str]]] = defaultdict(list)  # susp -> [(src, group)]
    for folder, group in GROUPS.items():
        for susp, src in _pairs(corpus / folder / "pairs"):
            xml = corpus / folder / f"{Path(susp).stem}-{Path(src).stem}.xml"
            if xml.is_file() and read_pan_xml(xml):  # the pair has a case
                truth[susp].append((src, group))
    negatives = sorted(
        {susp for susp, _ in _pairs(corpus / "01-no-plagiarism" / "pairs")} - set(truth)
    )
    out = BENCH_DIR / "out" / f"pan-retrieval-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as work:
        index_dir = Path(work) / "pan.idx"
        started, cpu = time.perf_counter(), time.process_time()
        skipped: list[SkippedInput] = []
        with Index.open(index_dir, create=True) as index:
            # A few PAN files trip the binary-data sniffer: skipped, counted, as by
            # `unspin index add`.
            index.add(
                document._replace(id=Path(document.id).name)
                for document in read_documents([corpus / "src"], on_skip=skipped.append)
            )
            info = index.info()
        build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"indexed {info.documents} sources in {build_s:.1f} s", flush=True)
        wanted = set(truth) | set(negatives)
        queries = [
            document._replace(id=Path(document.id).name)
            for document in read_documents([corpus / "susp"], on_skip=skipped.append)
            if Path(document.id).name in wanted
        ]
        started = time.perf_counter()
        results: dict[str, Any] = {}
        options = SearchOptions(top=30, max_verified=30)
        for item in check_documents(index_dir, queries, jobs=args.jobs, options=options):
            assert item.result is not None, item.error
            results[item.document.id] = item.result
        search_s = time.perf_counter() - started
    per_group: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    lines = []
    for susp, expected in truth.items():
        result = results.get(susp)
        if result is None:  # an unreadable suspicious document: all its pairs missed
            for _, group in expected:
                for measure in (
                    "reported",
                    "reported@k",
                    "reported@30",
                    "retrieved",
                    "retrieved@k",
                ):
                    per_group[group][measure].append(False)
            continue
        k = max(5, len(expected))
        reported = [m.id for m in result.matches]
        retrieved = [c.id for c in result.candidates]
        for src, group in expected:
            per_group[group]["reported"].append(src in reported[:5])
            per_group[group]["reported@k"].append(src in reported[:k])
            per_group[group]["reported@30"].append(src in reported)
            per_group[group]["retrieved"].append(src in retrieved[:5])
            per_group[group]["retrieved@k"].append(src in retrieved[:k])
        lines.append(
            json.dumps(
                {"susp": susp, "truth": expected, "reported": reported, "retrieved": retrieved}
            )
        )
    searched = [s for s in negatives if s in results]
    flagged = statistics.fmean(bool(results[s].matches) for s in searched) if searched else 0.0
    table = [
        f"PAN13 training corpus as retrieval: {info.documents} sources indexed, "
        f"{len(truth)} suspicious documents with plagiarism, {len(negatives)} without",
        "",
        "| obfuscation | pairs | target (top 5) | reported@5 | reported@k | reported@30 | "
        "retrieved@5 | retrieved@k |",
        "|---|---|---|---|---|---|---|---|",
    ]
    summary = {}
    for group in GROUPS.values():
        entry = per_group[group]
        shares = {measure: statistics.fmean(values) for measure, values in entry.items()}
        summary[group] = {"pairs": len(entry["reported"]), **shares}
        table.append(
            f"| {group} | {len(entry['reported'])} | ≥ {TARGETS[group]} | "
            f"{shares['reported']:.3f} | {shares['reported@k']:.3f} | "
            f"{shares['reported@30']:.3f} | {shares['retrieved']:.3f} | "
            f"{shares['retrieved@k']:.3f} |"
        )
    table += [
        "",
        f"- no-plagiarism-only suspicious documents with a source reported: {flagged:.3f} "
        f"({len(negatives)} documents)",
        f"- build: {build_s:.1f} s wall ({build_cpu:.1f} s CPU, "
        f"{info.documents / build_cpu:.0f} docs per CPU second), {info.disk_bytes / 2**20:.1f} MiB",
        f"- search: {len(queries)} documents in {search_s:.1f} s with {args.jobs} workers",
        f"- skipped as unreadable (binary-looking): {len(skipped)} files "
        f"({', '.join(Path(s.where).name for s in skipped[:5])})",
    ]
    text = "\n".join(table) + "\n"
    print(text)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(json.dumps({"groups": summary, "flagged": flagged}, indent=2))
    (out / "queries.jsonl").write_text("\n".join(lines) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
