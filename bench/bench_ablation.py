"""Ablation: what each analysis component buys, in plagdet.

Runs unspin in-process on PAN-layout corpora with one component switched off at a
time (synonym concepts, phrase table, un-gluing, summary pass) and prints plagdet per
corpus. Same scorer as the other benchmarks (``unspin.eval.pan_scores``).

    python bench/bench_ablation.py [--every K] [--corpus DIR ...]

Defaults: every 5th pair of the PAN13 training corpus, plus the simulator and SpinBot
corpora when ``bench/make_corpora.py`` has built them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from unspin.align import AlignOptions, align
from unspin.eval import pan_scores
from unspin.io import read_document
from unspin.report import PanFeature, read_pan_xml
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

ROOT = Path(__file__).resolve().parents[1]
VARIANTS: dict[str, AlignOptions] = {
    "full": AlignOptions(),
    "no synonyms": AlignOptions(analysis=AnalysisOptions(synonyms=False), synonym_weight=0.0),
    "no phrase table": AlignOptions(analysis=AnalysisOptions(phrases=False)),
    "no un-gluing": AlignOptions(analysis=AnalysisOptions(unglue=False)),
    "no summary pass": AlignOptions(summary=False),
}


def _truth_files(corpus: Path) -> dict[str, Path]:
    truth_root = corpus / "truth" if (corpus / "truth").is_dir() else corpus
    return {file.name: file for file in truth_root.rglob("*.xml")}


def evaluate(corpus: Path, every: int, options: AlignOptions) -> float:
    truth = _truth_files(corpus)
    lines = (corpus / "pairs").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line.strip()][::every]
    cache: dict[Path, TextAnalysis | None] = {}

    def analysed(path: Path) -> TextAnalysis | None:
        if path not in cache:
            try:
                cache[path] = analyse_text(read_document(path).text, options=options.analysis)
            except Exception:  # unreadable documents have no detections
                cache[path] = None
        return cache[path]

    cases: list[PanFeature] = []
    detections: list[PanFeature] = []
    for suspicious, source in pairs:
        name = f"{Path(suspicious).stem}-{Path(source).stem}.xml"
        cases += [c for c in read_pan_xml(truth[name]) if c.name == "plagiarism"]
        analysis_s = analysed(corpus / "susp" / suspicious)
        analysis_r = analysed(corpus / "src" / source)
        if analysis_s is None or analysis_r is None:
            continue
        result = align(analysis_s, analysis_r, options=options._replace(rewrites=False))
        detections += [
            PanFeature(
                suspicious,
                p.suspicious.start,
                p.suspicious.length,
                source,
                p.source.start,
                p.source.length,
            )
            for p in result.passages
        ]
    return pan_scores(cases, detections).plagdet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=5, help="use every K-th pair")
    parser.add_argument("--corpus", action="append", type=Path)
    args = parser.parse_args()
    corpora = args.corpus or [
        path
        for path in (
            ROOT / "../shared/data/pan13-train",
            ROOT / "bench/corpora/sim-bbc",
            ROOT / "bench/corpora/spinbot",
        )
        if (path / "pairs").is_file()
    ]
    print(f"{'variant':<18}" + "".join(f"{c.resolve().name:>14}" for c in corpora))
    for name, options in VARIANTS.items():
        scores = [evaluate(corpus, args.every, options) for corpus in corpora]
        print(f"{name:<18}" + "".join(f"{s:>14.4f}" for s in scores), flush=True)


if __name__ == "__main__":
    main()
