"""What the PAN13 random and translation pairs that a run of ``bench_pan_retrieval.py``
missed look like, against those it found: the length of their cases, and what pairwise
alignment and the anchor find in each pair handed to them on its own.

For each group it prints the median length (characters, suspicious side) of a pair's
cases and the share of pairs whose cases add up to under 600 characters, for the missed
pairs and the found ones; then, for the missed pairs, how many ``unspin.align.align``
finds a passage on a case in (and the range of those passages' similarity), and how many
the PAN 2014 winner (the anchor) finds a case in.

    python bench/pan_missed_pairs.py bench/out/pan-retrieval-YYYYMMDD-HHMMSS

The anchor's verdicts are read from, and added to, bench/out/pan-judge/ as by
``bench_pan_retrieval.py``; without the anchor that column is left out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

from bench_pan_retrieval import ANCHOR_SCRIPT, DEFAULT_CORPUS, GROUPS, judge_pairs  # noqa: E402

from unspin import UnspinError  # noqa: E402
from unspin.align import align  # noqa: E402
from unspin.io import read_document  # noqa: E402
from unspin.report import PanFeature, read_pan_xml  # noqa: E402

FOLDERS = {group: folder for folder, group in GROUPS.items()}
SHORT = 600  # characters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a bench/out/pan-retrieval-* directory")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    queries_file = args.run / "queries.jsonl"
    if not queries_file.is_file():
        parser.error(f"{queries_file}: no such file (pass a pan-retrieval run directory)")
    corpus: Path = args.corpus
    pairs: dict[tuple[str, bool], list[tuple[str, str]]] = defaultdict(list)
    for line in queries_file.read_text().splitlines():
        query = json.loads(line)
        for source, group in query["truth"]:
            if group in ("random", "translation"):
                pairs[(group, source in query["reported"])].append((query["susp"], source))

    def cases(group: str, susp: str, source: str) -> list[PanFeature]:
        name = f"{Path(susp).stem}-{Path(source).stem}.xml"
        return read_pan_xml(corpus / FOLDERS[group] / name)

    missed = {pair for (_, found), listed in pairs.items() if not found for pair in listed}
    judged = judge_pairs(missed, corpus, args.jobs) if ANCHOR_SCRIPT.is_file() else None
    print(
        "| group | pairs | median case characters | cases under 600 characters "
        "| align finds a passage on the case (similarity) | anchor finds a case |"
    )
    print("|---|---|---|---|---|---|")
    for group in ("random", "translation"):
        for found in (True, False):
            listed = pairs[(group, found)]
            lengths = [sum(c.this_length for c in cases(group, *pair)) for pair in listed]
            row = [
                f"{group}, {'found' if found else 'missed'}",
                str(len(listed)),
                f"{statistics.median(lengths):.0f}" if lengths else "-",
                f"{sum(n < SHORT for n in lengths) / len(lengths):.2f}" if lengths else "-",
            ]
            if found:
                print("| " + " | ".join(row) + " | | |")
                continue
            hits, scores, unreadable = 0, [], 0
            for susp, source in listed:
                try:
                    text = read_document(corpus / "susp" / susp).text
                    source_text = read_document(corpus / "src" / source).text
                except UnspinError:
                    unreadable += 1
                    continue
                truth = cases(group, susp, source)
                on_case = [
                    p.score
                    for p in align(text, source_text).passages
                    if any(
                        p.suspicious.start < c.this_offset + c.this_length
                        and c.this_offset < p.suspicious.end
                        for c in truth
                    )
                ]
                hits += bool(on_case)
                scores += on_case
            spread = f" ({min(scores):.2f}-{max(scores):.2f})" if scores else ""
            row.append(f"{hits} of {len(listed) - unreadable} readable{spread}")
            row.append(f"{sum(judged[pair] for pair in listed)}" if judged is not None else "-")
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
