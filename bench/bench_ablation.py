"""Ablation: what each alignment component buys, in PAN plagdet per obfuscation type.

Runs unspin in-process on PAN-layout corpora with one component switched off at a
time and prints, per corpus, plagdet overall and per obfuscation group (the same
scorer as the other benchmarks, ``unspin.eval.pan_scores``), and the seconds spent
aligning (documents are read and analysed once per analysis setting, outside the
timing). Variants:

* ``full``: the defaults;
* ``no synonyms``: no WordNet synonym concepts (lemmas must be equal);
* ``no phrase table``: no canonical forms for phrase rewrites ("as a result of");
* ``no un-gluing``: scraper joins ("WhenNorth") stay one token;
* ``no edge partners``: a passage's box never grows by a sentence that only pairs with
  one inside it (merged or split sentences; ``edge_partner_steps=0``);
* ``no edge refinement``: passages end on sentence boundaries (``refine=False``);
* ``no verbatim edges``: word-for-word passages keep the sentence-level edges of the
  ordinary refinement (``verbatim_share=2``);
* ``no summary pass``: ``summary=False``;
* ``no passage merging``: ``merge_gap_share=0``;
* ``no near-best seeds``: every seed kept (``near_best_ratio=0``);
* ``no short-passage rules``: no minimum over both sides, no higher similarity for short
  passages (``min_pair_words=0``, ``short_base=short_scale=0``);
* ``no outshone rule``: weak short passages beside a verbatim one kept (``outshone_ratio=0``);
* ``no source-reuse rule``: two rewritten passages aligned with one stretch of the source
  both kept (``max_source_reuse=1``);
* ``single-sentence summary seeds``: a summary sentence must be contained in one source
  sentence (``summary_window=0``), as before the window.

Static embeddings are not a component: measured, they did not earn a place
(``bench/README.md``, "Static embeddings").

    python bench/bench_ablation.py [--every K] [--corpus DIR ...] [--variants NAME,...]
        [--try "NAME=VALUE,NAME=VALUE" ...]

``--try`` adds a variant of your own: the listed ``AlignOptions`` fields changed from the
defaults (values are Python literals), e.g. ``--try min_pair_words=24`` or
``--try "synonym_weight=0.5"``; it may be given several times. ``--variants ""`` with
``--try`` runs only those (plus nothing else).

Defaults: every 10th pair of the PAN13 training corpus, plus the simulator and SpinBot
corpora when ``bench/make_corpora.py`` has built them.
"""

from __future__ import annotations

import argparse
import ast
import time
from collections import defaultdict
from pathlib import Path

from unspin.align import AlignOptions, align
from unspin.eval import pan_scores
from unspin.eval._measures import obfuscation_group_name
from unspin.io import read_document
from unspin.report import PanFeature, read_pan_xml
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

ROOT = Path(__file__).resolve().parents[1]
OVERALL = "overall"
NEGATIVE = "no-plagiarism"
VARIANTS: dict[str, AlignOptions] = {
    "full": AlignOptions(),
    "no synonyms": AlignOptions(analysis=AnalysisOptions(synonyms=False), synonym_weight=0.0),
    "no phrase table": AlignOptions(analysis=AnalysisOptions(phrases=False)),
    "no un-gluing": AlignOptions(analysis=AnalysisOptions(unglue=False)),
    "no edge partners": AlignOptions(edge_partner_steps=0),
    "no edge refinement": AlignOptions(refine=False),
    "no verbatim edges": AlignOptions(verbatim_share=2.0),
    "no summary pass": AlignOptions(summary=False),
    "no passage merging": AlignOptions(merge_gap_share=0.0),
    "no near-best seeds": AlignOptions(near_best_ratio=0.0),
    "no short-passage rules": AlignOptions(min_pair_words=0, short_base=0.0, short_scale=0.0),
    "no outshone rule": AlignOptions(outshone_ratio=0.0),
    "no source-reuse rule": AlignOptions(max_source_reuse=1.0),
    "single-sentence summary seeds": AlignOptions(summary_window=0, summary_containment=0.4),
}

Analyses = dict[tuple[Path, AnalysisOptions], TextAnalysis | None]


def _truth_root(corpus: Path) -> Path:
    return corpus / "truth" if (corpus / "truth").is_dir() else corpus


def _group(relative: Path, cases: list[PanFeature]) -> str:
    """The pair's obfuscation group: its truth sub-folder, else its cases' type."""
    if len(relative.parts) > 1:
        return obfuscation_group_name(relative.parts[0])
    if not cases:
        return NEGATIVE
    return cases[0].obfuscation or "unknown"


class Corpus:
    """A corpus sample: its pairs, their cases and groups, analyses cached."""

    def __init__(self, path: Path, every: int) -> None:
        self.path = path
        truth_root = _truth_root(path)
        truth = {file.name: file for file in truth_root.rglob("*.xml")}
        lines = (path / "pairs").read_text(encoding="utf-8").splitlines()
        self.pairs = [line.split() for line in lines if line.strip()][::every]
        self.cases: list[list[PanFeature]] = []
        self.groups: list[str] = []
        for suspicious, source in self.pairs:
            file = truth[f"{Path(suspicious).stem}-{Path(source).stem}.xml"]
            cases = [c for c in read_pan_xml(file) if c.name == "plagiarism"]
            self.cases.append(cases)
            self.groups.append(_group(file.relative_to(truth_root), cases))
        self._analyses: Analyses = {}

    def analysed(self, path: Path, options: AnalysisOptions) -> TextAnalysis | None:
        key = (path, options)
        if key not in self._analyses:
            try:
                self._analyses[key] = analyse_text(read_document(path).text, options=options)
            except Exception:  # unreadable documents have no detections
                self._analyses[key] = None
        return self._analyses[key]


def evaluate(corpus: Corpus, options: AlignOptions) -> tuple[dict[str, float], float]:
    """Plagdet overall and per group, and the seconds spent in ``align``."""
    options = options._replace(rewrites=False)
    analyses = [
        (
            corpus.analysed(corpus.path / "susp" / suspicious, options.analysis),
            corpus.analysed(corpus.path / "src" / source, options.analysis),
        )
        for suspicious, source in corpus.pairs
    ]
    cases: dict[str, list[PanFeature]] = defaultdict(list)
    detections: dict[str, list[PanFeature]] = defaultdict(list)
    seconds = 0.0
    for (suspicious, source), pair_cases, group, (analysis_s, analysis_r) in zip(
        corpus.pairs, corpus.cases, corpus.groups, analyses, strict=True
    ):
        found: list[PanFeature] = []
        if analysis_s is not None and analysis_r is not None:
            started = time.perf_counter()
            result = align(analysis_s, analysis_r, options=options)
            seconds += time.perf_counter() - started
            found = [
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
        for key in (OVERALL, group):
            cases[key] += pair_cases
            detections[key] += found
    scores = {key: pan_scores(cases[key], detections[key]).plagdet for key in cases}
    return scores, seconds


def _options_from(spec: str) -> AlignOptions:
    """``"a=1,b=0.5"`` -> ``AlignOptions(a=1, b=0.5)``."""
    changes: dict[str, object] = {}
    for item in spec.split(","):
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or name not in AlignOptions._fields:
            raise ValueError(f"expected NAME=VALUE with NAME an AlignOptions field, got {item!r}")
        try:
            changes[name] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError) as exc:
            raise ValueError(f"{value!r} is not a Python literal") from exc
    return AlignOptions()._replace(**changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10, help="use every K-th pair")
    parser.add_argument("--corpus", action="append", type=Path)
    parser.add_argument(
        "--variants", help="comma-separated variant names (default: all)", default=None
    )
    parser.add_argument(
        "--try",
        dest="tries",
        action="append",
        default=[],
        metavar="NAME=VALUE,...",
        help="an extra variant: AlignOptions fields changed from the defaults",
    )
    args = parser.parse_args()
    variants = dict(VARIANTS)
    for spec in args.tries:
        try:
            variants[spec] = _options_from(spec)
        except ValueError as exc:
            parser.error(f"--try {spec!r}: {exc}")
    corpora = args.corpus or [
        path
        for path in (
            ROOT / "../shared/data/pan13-train",
            ROOT / "bench/corpora/sim-bbc",
            ROOT / "bench/corpora/spinbot",
        )
        if (path / "pairs").is_file()
    ]
    if args.variants is None:
        names = list(VARIANTS)
    else:
        names = [name for name in args.variants.split(",") if name]
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {list(VARIANTS)}")
    names += args.tries
    for path in corpora:
        corpus = Corpus(path, args.every)
        groups = [OVERALL, *sorted(set(corpus.groups))]
        print(f"\n{path.resolve().name}: {len(corpus.pairs)} pairs (every {args.every}th)")
        print("| variant | " + " | ".join(groups) + " | align s |")
        print("|---" * (len(groups) + 2) + "|")
        for name in names:
            scores, seconds = evaluate(corpus, variants[name])
            cells = " | ".join(f"{scores[g]:.4f}" for g in groups)
            print(f"| {name} | {cells} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
