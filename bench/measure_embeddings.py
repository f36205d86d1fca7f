"""Offline check: do static embeddings separate copied sentences from topical ones?

For every suspicious sentence of a PAN-layout corpus (every K-th pair), the ground
truth says whether it was copied (half or more of its characters inside a case) or
not (no character inside a case; the pair's source is on the same topic in PAN13's
no-plagiarism pairs and the simulator's negatives). Each signal scores a sentence by
its best source sentence:

* ``dice``: the seed similarity alignment uses now (idf-weighted Dice over content
  types, WordNet synonyms at 0.7, ``unspin.align._seed``);
* ``containment``: the share of the suspicious sentence's weight matched (summary seeds);
* ``cos``: cosine of the static sentence vectors (``bench/_embeddings.py``), all words;
* ``cos-content``: the same over content words only;
* ``cos-centred``: cosine after subtracting the pair's mean sentence vector (the
  direction every sentence on the shared topic has);
* ``dice+L*cos``, ``dice+L*cosc``: combinations, maxed over source sentences.

Printed per obfuscation group (negatives pooled over the whole corpus): ROC AUC, the
share of copied sentences found at a false-positive rate of 1% and 0.1% of the
non-copied ones (what a seed threshold can afford) and at the rate today's seed
threshold lets through ("TPR@seed", at the threshold "thr@seed"), and how often the best source
sentence lies inside the case's source span ("located").

    python scripts/distill_embeddings.py       # once: bench/out/embeddings/embeddings.npz
    python bench/measure_embeddings.py [--every K] [--corpus DIR ...] [--dims D] [--embeddings FILE]

``--dims`` truncates the vectors to their first D principal components (PCA orders
them), to compare sizes without re-distilling.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from _embeddings import DEFAULT_PATH, EmbeddingTable, sentence_vectors

from unspin._exceptions import LexiconError
from unspin.align._seed import content_view, match_types, score_sentence_pairs
from unspin.eval._measures import obfuscation_group_name
from unspin.io import read_document
from unspin.report import PanFeature, read_pan_xml
from unspin.text._analysis import TextAnalysis, analyse_text

ROOT = Path(__file__).resolve().parents[1]
FloatArray = npt.NDArray[np.float64]
LAMBDAS = (0.25, 0.5, 1.0)
NEGATIVE = "negative"
SEED_THRESHOLD = 0.3  # AlignOptions.seed_threshold


class Sentences(NamedTuple):
    group: str
    label: list[int]  # 1 copied, 0 not copied (partially copied sentences are left out)
    scores: dict[str, list[float]]
    located: dict[str, list[bool]]  # copied sentences only


def _truth_files(corpus: Path) -> dict[str, Path]:
    truth_root = corpus / "truth" if (corpus / "truth").is_dir() else corpus
    return {file.name: file for file in truth_root.rglob("*.xml")}


def _group(truth_file: Path, corpus: Path, cases: list[PanFeature]) -> str:
    truth_root = corpus / "truth" if (corpus / "truth").is_dir() else corpus
    relative = truth_file.relative_to(truth_root)
    if len(relative.parts) > 1:
        return obfuscation_group_name(relative.parts[0])
    return cases[0].obfuscation or "unknown" if cases else NEGATIVE


def _sentence_spans(analysis: TextAnalysis) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    ptr = analysis.sentence_ptr
    return analysis.starts[ptr[:-1]], analysis.ends[ptr[1:] - 1]


def _overlap(
    starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64], lo: int, hi: int
) -> FloatArray:
    overlap: FloatArray = np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0, None).astype(
        np.float64
    )
    return overlap


def _truncate(table: EmbeddingTable, dims: int | None) -> EmbeddingTable:
    if dims is None or dims >= table.dims:
        return table
    vectors = table._vectors[:, :dims].copy()
    pieces = sorted(table._ids, key=table._ids.__getitem__)
    return EmbeddingTable(pieces, vectors)


def _centred_cosine(
    vectors_s: npt.NDArray[np.float32], vectors_r: npt.NDArray[np.float32]
) -> FloatArray:
    """Cosine after removing the pair's mean sentence vector (the shared topic)."""
    mean = np.concatenate([vectors_s, vectors_r]).mean(axis=0)
    a, b = vectors_s - mean, vectors_r - mean
    a /= np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-9)
    b /= np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-9)
    cosine: FloatArray = (a @ b.T).astype(np.float64)
    return cosine


def measure_pair(
    analysis_s: TextAnalysis,
    analysis_r: TextAnalysis,
    cases: list[PanFeature],
    table: EmbeddingTable,
    out: Sentences,
) -> None:
    n_s, n_r = analysis_s.sentence_count, analysis_r.sentence_count
    if n_s == 0 or n_r == 0:
        return
    view_s, view_r = content_view(analysis_s), content_view(analysis_r)
    dice = np.zeros((n_s, n_r))
    containment = np.zeros((n_s, n_r))
    if len(view_s.tokens) and len(view_r.tokens):
        matches = match_types(view_s, view_r, synonym_weight=0.7)
        scores = score_sentence_pairs(view_s, view_r, matches)
        dice[scores.suspicious, scores.source] = scores.similarity
        containment[scores.suspicious, scores.source] = scores.containment
    signals: dict[str, FloatArray] = {"dice": dice, "containment": containment}
    signals["cos"] = (
        sentence_vectors(analysis_s, table=table) @ sentence_vectors(analysis_r, table=table).T
    ).astype(np.float64)
    signals["cos-content"] = (
        sentence_vectors(analysis_s, table=table, content_only=True)
        @ sentence_vectors(analysis_r, table=table, content_only=True).T
    ).astype(np.float64)
    signals["cos-centred"] = _centred_cosine(
        sentence_vectors(analysis_s, table=table), sentence_vectors(analysis_r, table=table)
    )
    for weight in LAMBDAS:
        signals[f"dice+{weight}*cos"] = dice + weight * signals["cos"]
    for weight in LAMBDAS:
        signals[f"dice+{weight}*cosc"] = dice + weight * signals["cos-centred"]

    starts_s, ends_s = _sentence_spans(analysis_s)
    starts_r, ends_r = _sentence_spans(analysis_r)
    length_s = np.maximum(ends_s - starts_s, 1).astype(np.float64)
    length_r = np.maximum(ends_r - starts_r, 1).astype(np.float64)
    inside_any = np.zeros(n_s)
    best_case = np.full(n_s, -1)
    best_share = np.zeros(n_s)
    for index, case in enumerate(cases):
        share = _overlap(starts_s, ends_s, case.this_offset, case.this_offset + case.this_length)
        inside_any += share
        share = share / length_s
        better = share > best_share
        best_case[better], best_share[better] = index, share[better]
    inside_any /= length_s
    for i in range(n_s):
        if best_share[i] >= 0.5:
            label = 1
        elif inside_any[i] == 0:
            label = 0
        else:
            continue
        out.label.append(label)
        if label:
            case = cases[best_case[i]]
            in_span = (
                _overlap(
                    starts_r, ends_r, case.source_offset, case.source_offset + case.source_length
                )
                / length_r
                >= 0.5
            )
        for name, matrix in signals.items():
            row = matrix[i]
            out.scores[name].append(float(row.max()))
            if label:
                out.located[name].append(bool(in_span[int(row.argmax())]))


def _auc(positive: FloatArray, negative: FloatArray) -> float:
    """Probability that a copied sentence outscores a non-copied one (ties count half)."""
    if len(positive) == 0 or len(negative) == 0:
        return float("nan")
    values = np.concatenate([positive, negative])
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    # average ranks of ties
    _, first, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    average = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(average, counts)
    rank_sum = ranks[: len(positive)].sum()
    return float(
        (rank_sum - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative))
    )


def _tpr_at(positive: FloatArray, negative: FloatArray, fpr: float) -> float:
    if len(positive) == 0 or len(negative) == 0:
        return float("nan")
    threshold = np.quantile(negative, 1 - fpr)
    return float((positive > threshold).mean())


def run(corpus: Path, every: int, table: EmbeddingTable) -> None:
    truth = _truth_files(corpus)
    lines = (corpus / "pairs").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line.strip()][::every]
    cache: dict[Path, TextAnalysis | None] = {}

    def analysed(path: Path) -> TextAnalysis | None:
        if path not in cache:
            try:
                cache[path] = analyse_text(read_document(path).text)
            except Exception:  # unreadable documents are left out
                cache[path] = None
        return cache[path]

    by_group: dict[str, Sentences] = {}
    started = time.perf_counter()
    for suspicious, source in pairs:
        truth_file = truth[f"{Path(suspicious).stem}-{Path(source).stem}.xml"]
        cases = [c for c in read_pan_xml(truth_file) if c.name == "plagiarism"]
        group = _group(truth_file, corpus, cases)
        if group == "no-plagiarism":
            group = NEGATIVE
        out = by_group.setdefault(group, Sentences(group, [], defaultdict(list), defaultdict(list)))
        analysis_s = analysed(corpus / "susp" / suspicious)
        analysis_r = analysed(corpus / "src" / source)
        if analysis_s is None or analysis_r is None:
            continue
        measure_pair(analysis_s, analysis_r, cases, table, out)
    elapsed = time.perf_counter() - started

    names = list(next(iter(by_group.values())).scores)
    negatives = {
        name: np.asarray(
            [
                s
                for g in by_group.values()
                for s, y in zip(g.scores[name], g.label, strict=True)
                if not y
            ]
        )
        for name in names
    }
    total_negative = len(negatives[names[0]])
    # The operating point of today's seeds: the share of non-copied sentences whose
    # best Dice reaches the seed threshold; every signal is read at that rate.
    seed_fpr = float((negatives["dice"] >= SEED_THRESHOLD).mean())
    print(
        f"\n## {corpus.resolve().name}: {len(pairs)} pairs (every {every}th), "
        f"{total_negative} non-copied sentences, {table.dims} dims, {elapsed:.0f} s; "
        f"Dice >= {SEED_THRESHOLD} on {seed_fpr:.2%} of them (TPR@seed)"
    )
    columns = ("AUC", "TPR@1%", "TPR@.1%", "TPR@seed", "thr@seed", "located")
    print(f"{'group':<12}{'copied':>7}  {'signal':<16}" + "".join(f"{c:>9}" for c in columns))
    for group, data in sorted(by_group.items()):
        labels = np.asarray(data.label)
        if not labels.any():
            continue
        for name in names:
            positive = np.asarray(data.scores[name])[labels == 1]
            located = np.mean(data.located[name]) if data.located[name] else float("nan")
            print(
                f"{group:<12}{int(labels.sum()):>7}  {name:<16}"
                f"{_auc(positive, negatives[name]):>9.3f}"
                f"{_tpr_at(positive, negatives[name], 0.01):>9.3f}"
                f"{_tpr_at(positive, negatives[name], 0.001):>9.3f}"
                f"{_tpr_at(positive, negatives[name], seed_fpr):>9.3f}"
                f"{np.quantile(negatives[name], 1 - seed_fpr):>9.3f}"
                f"{located:>9.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10, help="use every K-th pair")
    parser.add_argument("--corpus", action="append", type=Path)
    parser.add_argument("--dims", type=int, default=None, help="keep the first D dimensions")
    parser.add_argument("--embeddings", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    corpora = args.corpus or [
        path
        for path in (
            ROOT / "../shared/data/pan13-train",
            ROOT / "bench/corpora/spinbot",
            ROOT / "bench/corpora/sim-bbc",
        )
        if (path / "pairs").is_file()
    ]
    started = time.perf_counter()
    try:
        table = _truncate(EmbeddingTable.load(args.embeddings), args.dims)
    except LexiconError as error:
        parser.exit(2, f"measure_embeddings: {error}\n")
    print(
        f"{args.embeddings.name}: {args.embeddings.stat().st_size / 2**20:.1f} MiB on disk, "
        f"{table.piece_count} pieces x {table.dims} dims, loaded in "
        f"{time.perf_counter() - started:.2f} s, {table.memory_bytes / 2**20:.1f} MiB in memory"
    )
    for corpus in corpora:
        run(corpus, args.every, table)


if __name__ == "__main__":
    main()
