"""PAN13 text alignment as a retrieval task: index every source document, search with every
suspicious document, and check that its true sources come back in the top 5.

Per obfuscation group (``02-no-obfuscation`` … ``05-summary-obfuscation``), for every
(suspicious, source) pair of the group that has a plagiarism case in its truth XML (947
of the 1185 summary pairs have none and are left out):

* ``reported@5``: the source is among the first 5 sources unspin *reports* (confirmed by
  alignment), the target read literally;
* ``reported@k``: the same with k = max(5, the document's number of listed sources): a
  suspicious document of PAN13 lists up to 24 sources, which no top 5 can hold;
* ``judged@k``: ``reported@k`` where the reported sources that the corpus does not list
  for the document but that the PAN 2014 winner (the anchor, run on that pair) also finds
  text copied from take no place in the ranking. PAN13's training corpus lists only a
  sample of each suspicious document's sources (1000 pairs per obfuscation type), so a
  document holds passages of further indexed sources; found and confirmed, they outrank
  listed ones on merit. With ``--no-judge`` (or without the anchor) it is left out.
* ``reported@all``: among all the sources reported;
* ``retrieved@5`` / ``retrieved@k`` / ``retrieved@all``: among the first 5 / k / all
  retrieval candidates (by fingerprint evidence, before alignment decides; unlisted
  sources are not set aside here).
* ``anchor|pair``: the baseline beside it, the PAN 2014 winner (the anchor) handed each
  listed pair, with no retrieval and no other candidate to tell apart: the share of pairs
  in which it finds a case. ``either``: found by unspin (``reported@all``) or by the
  anchor handed the pair. Left out with ``--no-judge``.

Searches report up to 50 sources and align up to 50 candidates per query (``--top``,
``--max-verified``; the defaults of ``SearchOptions`` are 10 and 32) since documents have
that many sources; every other setting is the default unless ``--option name=value``
changes it (e.g. ``--option min_support=15``).

Suspicious documents that appear only in ``01-no-plagiarism`` are searched too: the share
for which anything is reported is a false-alarm rate (with the same caveat: these
documents are free of cases with the sources they are paired with, not of all sources).

    python bench/bench_pan_retrieval.py [--corpus ../shared/data/pan13-train] [--jobs N]
        [--no-judge] [--option NAME=VALUE ...]

The anchor's verdicts are kept in bench/out/pan-judge/ (one PAN XML per judged pair) and
reused by later runs.
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
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from _harness import changed_options, new_run_dir, search_options  # noqa: E402

from unspin.index import BAG_WINDOW, FingerprintOptions, Index, SearchOptions, check_documents  # noqa: E402
from unspin.io import SkippedInput, read_documents  # noqa: E402
from unspin.report import read_pan_xml  # noqa: E402

DEFAULT_CORPUS = BENCH_DIR.parent.parent / "shared" / "data" / "pan13-train"
ANCHOR_SCRIPT = BENCH_DIR.parent.parent / "shared" / "anchors" / "sanchez-perez" / "run.sh"
JUDGE_DIR = BENCH_DIR / "out" / "pan-judge"
GROUPS = {
    "02-no-obfuscation": "none",
    "03-random-obfuscation": "random",
    "04-translation-obfuscation": "translation",
    "05-summary-obfuscation": "summary",
}
TARGETS = {"none": 0.99, "random": 0.99, "translation": 0.95, "summary": 0.80}
MEASURES = (
    "reported@5",
    "reported@k",
    "judged@k",
    "reported@all",
    "retrieved@5",
    "retrieved@k",
    "retrieved@all",
    "anchor|pair",
    "either",
)
ANCHOR_MEASURES = ("judged@k", "anchor|pair", "either")


def _pairs(path: Path) -> list[tuple[str, str]]:
    return [
        (fields[0], fields[1])
        for fields in (line.split() for line in path.read_text().splitlines())
        if len(fields) == 2
    ]


def judge_pairs(
    pairs: set[tuple[str, str]], corpus: Path, jobs: int
) -> dict[tuple[str, str], bool]:
    """Whether the anchor finds a plagiarism case in each (suspicious, source) pair; pairs
    it has judged before are read from JUDGE_DIR."""

    def xml(pair: tuple[str, str]) -> Path:
        return JUDGE_DIR / f"{Path(pair[0]).stem}-{Path(pair[1]).stem}.xml"

    todo = sorted(pair for pair in pairs if not xml(pair).is_file())
    if todo:
        print(f"judging {len(todo)} unlisted pairs with the anchor", flush=True)
        JUDGE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".pairs") as handle:
            handle.write("".join(f"{susp} {src}\n" for susp, src in todo))
            handle.flush()
            subprocess.run(
                [
                    str(ANCHOR_SCRIPT),
                    handle.name,
                    str(corpus / "src"),
                    str(corpus / "susp"),
                    str(JUDGE_DIR),
                    str(jobs),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return {pair: xml(pair).is_file() and bool(read_pan_xml(xml(pair))) for pair in pairs}


def _query_line(
    susp: str,
    expected: list[tuple[str, str]],
    result: Any,
    judged: dict[tuple[str, str], bool],
) -> str:
    """One line of ``queries.jsonl``: a suspicious document, its listed sources, and what
    the search reported and retrieved for it."""
    listed = {src for src, _ in expected}
    reported = [m.id for m in result.matches]
    return json.dumps(
        {
            "susp": susp,
            "truth": expected,
            "reported": reported,
            "unlisted_confirmed_by_anchor": [
                s for s in reported if s not in listed and judged.get((susp, s), False)
            ],
            "retrieved": [c.id for c in result.candidates],
            # what the ranking of the reported sources rests on, to study it offline
            "matches": [
                {
                    "id": m.id,
                    "score": round(m.score, 4),
                    "query_coverage": round(m.query_coverage, 4),
                    "source_coverage": round(m.source_coverage, 4),
                    "evidence": round(m.evidence, 1),
                    "support": m.support,
                }
                for m in result.matches
            ],
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--max-verified", type=int, default=50)
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--no-judge", action="store_true", help="do not run the anchor")
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
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "src").is_dir():
        print(f"{corpus}: no PAN corpus there, skipped")
        return 0
    options = search_options(
        args.option, SearchOptions(top=args.top, max_verified=args.max_verified)
    )
    judge = not args.no_judge and ANCHOR_SCRIPT.is_file()
    truth: dict[str, list[tuple[str, str]]] = defaultdict(list)  # susp -> [(src, group)]
    for folder, group in GROUPS.items():
        for susp, src in _pairs(corpus / folder / "pairs"):
            xml = corpus / folder / f"{Path(susp).stem}-{Path(src).stem}.xml"
            if xml.is_file() and read_pan_xml(xml):  # the pair has a case
                truth[susp].append((src, group))
    negatives = sorted(
        {susp for susp, _ in _pairs(corpus / "01-no-plagiarism" / "pairs")} - set(truth)
    )
    out = new_run_dir("pan-retrieval")
    with tempfile.TemporaryDirectory() as work:
        index_dir = Path(work) / "pan.idx"
        started, cpu = time.perf_counter(), time.process_time()
        skipped: list[SkippedInput] = []
        fingerprints = FingerprintOptions(
            sample=args.sample, bag_window=BAG_WINDOW if args.bag_pairs else 0
        )
        with Index.open(index_dir, create=True, fingerprint_options=fingerprints) as index:
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
        for item in check_documents(index_dir, queries, jobs=args.jobs, options=options):
            assert item.result is not None, item.error
            results[item.document.id] = item.result
        search_s = time.perf_counter() - started
    unlisted = {
        (susp, match.id)
        for susp in truth
        if susp in results
        for match in results[susp].matches
        if match.id not in {src for src, _ in truth[susp]}
    }
    # Sources reported for no-plagiarism documents are judged too.
    unlisted |= {
        (susp, m.id) for susp in negatives if susp in results for m in results[susp].matches
    }
    listed_pairs = {(susp, src) for susp, expected in truth.items() for src, _ in expected}
    judged = judge_pairs(unlisted | listed_pairs, corpus, args.jobs) if judge else {}
    per_group: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    lines = []
    # Listed pairs reported, but ranked past k, so judged@k misses them.
    past_k: Counter[str] = Counter()
    for susp, expected in truth.items():
        result = results.get(susp)
        if result is None:  # an unreadable suspicious document: all its pairs missed
            for src, group in expected:
                found_by_anchor = judged.get((susp, src), False)
                for measure in MEASURES:
                    per_group[group][measure].append(
                        found_by_anchor if measure in ("anchor|pair", "either") else False
                    )
            continue
        listed = {src for src, _ in expected}
        k = max(5, len(expected))
        reported = [m.id for m in result.matches]
        # Reported sources that the corpus lists, or that the anchor does not confirm.
        ranked = [s for s in reported if s in listed or not judged.get((susp, s), False)]
        retrieved = [c.id for c in result.candidates]
        for src, group in expected:
            entry = per_group[group]
            entry["reported@5"].append(src in reported[:5])
            entry["reported@k"].append(src in reported[:k])
            entry["judged@k"].append(src in ranked[:k])
            if src in ranked[k:]:
                past_k[group] += 1
            entry["reported@all"].append(src in reported)
            entry["retrieved@5"].append(src in retrieved[:5])
            entry["retrieved@k"].append(src in retrieved[:k])
            entry["retrieved@all"].append(src in retrieved)
            entry["anchor|pair"].append(judged.get((susp, src), False))
            entry["either"].append(src in reported or judged.get((susp, src), False))
        lines.append(_query_line(susp, expected, result, judged))
    searched = [s for s in negatives if s in results]
    # A no-plagiarism document: what it was wrongly given, if anything.
    lines += [_query_line(susp, [], results[susp], judged) for susp in searched]
    flagged = statistics.fmean(bool(results[s].matches) for s in searched) if searched else 0.0
    # ... of which some source is one the anchor does not confirm either.
    unconfirmed = (
        statistics.fmean(
            any(not judged.get((s, m.id), False) for m in results[s].matches) for s in searched
        )
        if searched and judge
        else None
    )
    shown = [m for m in MEASURES if judge or m not in ANCHOR_MEASURES]
    changed = changed_options(options)
    table = [
        f"PAN13 training corpus as retrieval: {info.documents} sources indexed, "
        f"{len(truth)} suspicious documents with plagiarism, {len(negatives)} without; "
        f"SearchOptions changed from the defaults: {changed}",
        "",
        "| obfuscation | pairs | target (top 5) | " + " | ".join(shown) + " |",
        "|---|---|---|" + "---|" * len(shown),
    ]
    summary = {}
    for group in GROUPS.values():
        entry = per_group[group]
        shares = {measure: statistics.fmean(values) for measure, values in entry.items()}
        summary[group] = {"pairs": len(entry["reported@5"]), **shares}
        table.append(
            f"| {group} | {len(entry['reported@5'])} | ≥ {TARGETS[group]} | "
            + " | ".join(f"{shares[m]:.3f}" for m in shown)
            + " |"
        )
    confirmed = sum(judged.get(pair, False) for pair in unlisted)
    table += [
        "",
        f"- reported (document, source) pairs the corpus does not list: {len(unlisted)}"
        + (
            f", of which the anchor finds a case in {confirmed} ({confirmed / len(unlisted):.3f})"
            if judge and unlisted
            else ""
        ),
        "- listed pairs reported but ranked past k, behind unlisted sources"
        + (" the anchor does not confirm" if judge else "")
        + ": "
        + ", ".join(f"{group} {past_k[group]}" for group in GROUPS.values()),
        f"- no-plagiarism-only suspicious documents with a source reported: {flagged:.3f} "
        f"({len(negatives)} documents)"
        + (
            f"; with a reported source the anchor does not confirm: {unconfirmed:.3f}"
            if unconfirmed is not None
            else ""
        ),
        f"- build: {build_s:.1f} s wall ({build_cpu:.1f} s CPU, "
        f"{info.documents / build_cpu:.0f} docs per CPU second), {info.disk_bytes / 2**20:.1f} MiB",
        f"- search: {len(queries)} documents in {search_s:.1f} s with {args.jobs} workers",
        f"- skipped as unreadable (binary-looking): {len(skipped)} files "
        f"({', '.join(Path(s.where).name for s in skipped[:5])})",
    ]
    text = "\n".join(table) + "\n"
    print(text)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(
        json.dumps(
            {
                "groups": summary,
                "flagged": flagged,
                "flagged_unconfirmed": unconfirmed,
                "options": changed,
                "reported_past_k": {group: past_k[group] for group in GROUPS.values()},
                "unlisted": len(unlisted),
                "unlisted_confirmed": confirmed,
            },
            indent=2,
        )
    )
    (out / "queries.jsonl").write_text("\n".join(lines) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
