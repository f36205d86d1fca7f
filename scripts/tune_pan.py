"""Grid-search alignment options on a subset of a PAN-layout training corpus.

    python scripts/tune_pan.py [--every K] [--corpus DIR] name=v1,v2 ...

Tuning happens on training data only (PAN13 training corpus by default).
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from pathlib import Path

from unspin.align import AlignOptions, align
from unspin.eval import pan_scores
from unspin.io import read_document
from unspin.report import PanFeature, read_pan_xml
from unspin.text._analysis import analyse_text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--corpus", default=str(Path(__file__).parents[1] / "../shared/data/pan13-train")
    )
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("grid", nargs="*")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    truth = {f.name: (f.parent.name, f) for f in corpus.rglob("*.xml")}
    pairs = [line.split() for line in (corpus / "pairs").read_text().splitlines() if line.strip()]
    pairs = pairs[:: args.every]
    cache = {}

    def get(path: Path):
        if path not in cache:
            cache[path] = analyse_text(read_document(path).text)
        return cache[path]

    grid = {}
    for item in args.grid:
        name, values = item.split("=")
        grid[name] = [type(getattr(AlignOptions(), name))(v) for v in values.split(",")]
    names = list(grid)
    for combo in itertools.product(*grid.values()) if grid else [()]:
        options = AlignOptions(rewrites=False)._replace(**dict(zip(names, combo, strict=True)))
        cases, detections = defaultdict(list), defaultdict(list)
        for susp, src in pairs:
            name = f"{Path(susp).stem}-{Path(src).stem}.xml"
            group, file = truth[name]
            cases[group] += [c for c in read_pan_xml(file) if c.name == "plagiarism"]
            result = align(get(corpus / "susp" / susp), get(corpus / "src" / src), options=options)
            detections[group] += [
                PanFeature(
                    susp,
                    p.suspicious.start,
                    p.suspicious.length,
                    src,
                    p.source.start,
                    p.source.length,
                )
                for p in result.passages
            ]
        overall = pan_scores(
            list(itertools.chain.from_iterable(cases.values())),
            list(itertools.chain.from_iterable(detections.values())),
        )
        row = " ".join(
            f"{g[3:8]}={pan_scores(cases[g], detections[g]).plagdet:.3f}"
            for g in sorted(cases)
            if cases[g]
        )
        print(
            dict(zip(names, combo, strict=True)),
            f"plagdet={overall.plagdet:.4f} R={overall.recall:.3f}",
            f"P={overall.precision:.3f} G={overall.granularity:.3f}",
            row,
            flush=True,
        )


if __name__ == "__main__":
    main()
