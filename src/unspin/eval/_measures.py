"""PAN text-alignment evaluation measures.

Implements the measures of Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation
Framework for Plagiarism Detection" (COLING 2010), with the conventions of the PAN
2013/2014 text alignment task's official ``perfmeasures.py``:

* a *case* (ground truth) or *detection* is a pair of character ranges, one in the
  suspicious document (``this_*``) and one in the source document (``source_*``);
* a detection *detects* a case when both belong to the same (suspicious, source)
  document pair and their ranges overlap in **both** documents;
* sizes count characters of both documents (suspicious chars + source chars);
* macro recall is the mean, over cases, of the fraction of the case's characters
  covered by the union of the detections that detect it; macro precision is the same
  with the roles of cases and detections swapped;
* granularity is the mean number of detections per *detected* case (1 if none);
* plagdet is ``F1(precision, recall) / log2(1 + granularity)``.

Empty-set conventions (as in the official script): no cases and no detections gives
recall = precision = 1 (plagdet 1); otherwise, when either set is empty, recall and
precision are both 0 (plagdet 0). Granularity is 1 when no case is detected.
Features with a non-positive length on either side carry no characters and are ignored,
and exact duplicates (same pair and ranges) count once, as the official script keeps
its annotations in a set.

Overlap sizes are computed by sorting and merging intervals, never by building
per-character sets, so documents of any length cost the same.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from unspin._exceptions import FormatError
from unspin.report._pan import PanFeature, read_pan_xml

__all__ = [
    "EvaluationReport",
    "PanScores",
    "evaluate_corpus",
    "format_report",
    "obfuscation_group_name",
    "pan_scores",
    "plagdet_score",
]

CASE_NAME = "plagiarism"
DETECTION_NAME = "detected-plagiarism"
NO_PLAGIARISM_GROUP = "no-plagiarism"
UNKNOWN_OBFUSCATION_GROUP = "unknown"


class PanScores(NamedTuple):
    """The PAN text-alignment scores of a set of detections against a set of cases."""

    recall: float
    precision: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


class EvaluationReport(NamedTuple):
    """Scores of a whole corpus, and of each obfuscation type's document pairs."""

    overall: PanScores
    by_obfuscation: dict[str, PanScores]


# --------------------------------------------------------------------------- ranges


class _Passage(NamedTuple):
    """A feature reduced to what the measures look at: its pair and two half-open ranges."""

    this_reference: str
    source_reference: str
    this_start: int
    this_end: int
    source_start: int
    source_end: int

    @property
    def size(self) -> int:
        return (self.this_end - self.this_start) + (self.source_end - self.source_start)


def _passages(features: Iterable[PanFeature]) -> list[_Passage]:
    """Convert features to passages, dropping empty ranges and exact duplicates."""
    unique: dict[_Passage, None] = {}  # a dict keeps first-seen order, unlike a set
    for feature in features:
        if feature.this_length <= 0 or feature.source_length <= 0:
            continue
        passage = _Passage(
            this_reference=feature.this_reference,
            source_reference=feature.source_reference,
            this_start=feature.this_offset,
            this_end=feature.this_offset + feature.this_length,
            source_start=feature.source_offset,
            source_end=feature.source_offset + feature.source_length,
        )
        unique[passage] = None
    return list(unique)


def _union_length(intervals: list[tuple[int, int]]) -> int:
    """Return the number of integers covered by half-open intervals (sort, then sweep)."""
    if not intervals:
        return 0
    intervals.sort()
    covered = 0
    reach = intervals[0][0]  # right end of everything merged so far
    for start, end in intervals:
        if end <= reach:
            continue
        covered += end - max(start, reach)
        reach = end
    return covered


class _PairIndex:
    """The passages of one document pair, sorted for range lookups on the suspicious side."""

    def __init__(self, passages: list[_Passage]) -> None:
        self.passages = sorted(passages, key=lambda passage: passage.this_start)
        self.starts = [passage.this_start for passage in self.passages]
        # Anything ending after `x` starts after `x - longest`: bounds the scan on the left.
        self.longest = max((p.this_end - p.this_start for p in self.passages), default=0)

    def overlapping(self, reference: _Passage) -> list[_Passage]:
        """Return the passages overlapping `reference` in both documents."""
        low = bisect_right(self.starts, reference.this_start - self.longest)
        high = bisect_left(self.starts, reference.this_end)
        return [
            other
            for other in self.passages[low:high]
            if other.this_end > reference.this_start
            and other.source_start < reference.source_end
            and other.source_end > reference.source_start
        ]


def _coverage(references: list[_Passage], others: list[_Passage]) -> tuple[list[float], list[int]]:
    """For each reference passage: the covered fraction of its chars, and how many overlap it.

    Recall is the mean coverage of cases by detections; precision the mean coverage of
    detections by cases. The overlap counts of cases give granularity.
    """
    others_by_pair: dict[tuple[str, str], list[_Passage]] = defaultdict(list)
    for other in others:
        others_by_pair[other.this_reference, other.source_reference].append(other)
    indexes = {pair: _PairIndex(passages) for pair, passages in others_by_pair.items()}

    fractions: list[float] = []
    counts: list[int] = []
    for reference in references:
        index = indexes.get((reference.this_reference, reference.source_reference))
        hits = index.overlapping(reference) if index is not None else []
        this_covered = _union_length(
            [
                (max(hit.this_start, reference.this_start), min(hit.this_end, reference.this_end))
                for hit in hits
            ]
        )
        source_covered = _union_length(
            [
                (
                    max(hit.source_start, reference.source_start),
                    min(hit.source_end, reference.source_end),
                )
                for hit in hits
            ]
        )
        fractions.append((this_covered + source_covered) / reference.size)
        counts.append(len(hits))
    return fractions, counts


# --------------------------------------------------------------------------- scores


def plagdet_score(recall: float, precision: float, granularity: float) -> float:
    """Return ``F1(precision, recall) / log2(1 + granularity)`` (0 when F1 is undefined)."""
    if recall <= 0.0 and precision <= 0.0:
        return 0.0
    f1 = 2.0 * recall * precision / (recall + precision)
    return f1 / math.log2(1.0 + max(granularity, 1.0))


def pan_scores(cases: Sequence[PanFeature], detections: Sequence[PanFeature]) -> PanScores:
    """Score `detections` against ground-truth `cases` with the PAN measures.

    Both are taken as given, whatever their ``name``; document pairs are keyed by
    ``(this_reference, source_reference)``. The ``cases``/``detections`` counts of the
    result are those left after dropping empty ranges and duplicates.
    """
    case_passages = _passages(cases)
    detection_passages = _passages(detections)
    if not case_passages and not detection_passages:
        return PanScores(1.0, 1.0, 1.0, 1.0, 0, 0)
    if not case_passages or not detection_passages:
        return PanScores(0.0, 0.0, 1.0, 0.0, len(case_passages), len(detection_passages))

    case_fractions, detections_per_case = _coverage(case_passages, detection_passages)
    detection_fractions, _ = _coverage(detection_passages, case_passages)
    recall = sum(case_fractions) / len(case_fractions)
    precision = sum(detection_fractions) / len(detection_fractions)
    detected = [count for count in detections_per_case if count > 0]
    granularity = sum(detected) / len(detected) if detected else 1.0
    return PanScores(
        recall=recall,
        precision=precision,
        granularity=granularity,
        plagdet=plagdet_score(recall, precision, granularity),
        cases=len(case_passages),
        detections=len(detection_passages),
    )


# --------------------------------------------------------------------------- corpora


_NUMBER_PREFIX = re.compile(r"^\d+[-_ ]*")


def obfuscation_group_name(directory_name: str) -> str:
    """Map a PAN13 sub-corpus folder name to its obfuscation type.

    ``"03-random-obfuscation"`` → ``"random"``, ``"02-no-obfuscation"`` → ``"none"``
    (the value of PAN's ``obfuscation`` attribute), ``"01-no-plagiarism"`` →
    ``"no-plagiarism"``.
    """
    name = _NUMBER_PREFIX.sub("", directory_name)
    if name == "no-obfuscation":
        return "none"
    return name.removesuffix("-obfuscation") or directory_name


class _Pair(NamedTuple):
    """One truth file with its detections and the obfuscation groups it belongs to."""

    cases: list[PanFeature]
    detections: list[PanFeature]
    groups: tuple[str, ...]


def _require_directory(path: Path, role: str) -> None:
    if not path.exists():
        raise FormatError(f"{path}: {role} directory does not exist")
    if not path.is_dir():
        raise FormatError(f"{path}: {role} path is not a directory")


def _index_by_name(directory: Path) -> dict[str, list[Path]]:
    files_by_name: dict[str, list[Path]] = defaultdict(list)
    for file in sorted(directory.rglob("*.xml")):
        if file.is_file():
            files_by_name[file.name].append(file)
    return files_by_name


def _find_detection_file(
    relative: Path, detections_dir: Path, files_by_name: dict[str, list[Path]]
) -> Path | None:
    """Same relative path first (mirrored layout), else the unique file of that name (flat)."""
    mirrored = detections_dir / relative
    if mirrored.is_file():
        return mirrored
    candidates = files_by_name.get(relative.name, [])
    if len(candidates) > 1:
        listed = ", ".join(str(candidate) for candidate in candidates)
        raise FormatError(f"{relative.name}: ambiguous detection files ({listed})")
    return candidates[0] if candidates else None


def _groups_of(relative: Path, cases: list[PanFeature]) -> tuple[str, ...]:
    """A pair's obfuscation groups: its sub-corpus folder, else its cases' attributes."""
    if len(relative.parts) > 1:
        return (obfuscation_group_name(relative.parts[0]),)
    if not cases:
        return (NO_PLAGIARISM_GROUP,)
    kinds = {case.obfuscation or UNKNOWN_OBFUSCATION_GROUP for case in cases}
    return tuple(sorted(kinds))


def evaluate_corpus(truth_dir: str | Path, detections_dir: str | Path) -> EvaluationReport:
    """Score a directory of detection files against a directory of ground-truth files.

    `truth_dir` is searched recursively for ``*.xml`` (one file per document pair);
    the detections for a pair are read from the file of the same name in
    `detections_dir` (same relative path, or anywhere below it); a missing file means
    no detections. Only ``name="plagiarism"`` truth features and
    ``name="detected-plagiarism"`` detection features count; detection files with no
    truth counterpart are ignored. A truth directory without any ``*.xml`` file is an
    error (:class:`~unspin.FormatError`), not a perfect score.

    The breakdown groups document pairs by sub-corpus folder (PAN13 layout), or, for a
    flat truth directory, by the ``obfuscation`` attribute of each pair's cases (a pair
    without cases is ``"no-plagiarism"``; one with mixed types counts in each).
    """
    truth_root = Path(truth_dir)
    detections_root = Path(detections_dir)
    _require_directory(truth_root, "truth")
    _require_directory(detections_root, "detections")

    detection_files_by_name = _index_by_name(detections_root)
    pairs: list[_Pair] = []
    for truth_file in sorted(truth_root.rglob("*.xml")):
        if not truth_file.is_file():
            continue
        relative = truth_file.relative_to(truth_root)
        cases = [feature for feature in read_pan_xml(truth_file) if feature.name == CASE_NAME]
        detection_file = _find_detection_file(relative, detections_root, detection_files_by_name)
        detections = (
            [feature for feature in read_pan_xml(detection_file) if feature.name == DETECTION_NAME]
            if detection_file is not None
            else []
        )
        pairs.append(_Pair(cases, detections, _groups_of(relative, cases)))

    if not pairs:  # a score of 1.0 over nothing would look like a perfect run
        raise FormatError(f"{truth_root}: no ground-truth *.xml files in the truth directory")
    group_names = sorted({group for pair in pairs for group in pair.groups})
    by_obfuscation = {
        group: _score_pairs([pair for pair in pairs if group in pair.groups])
        for group in group_names
    }
    return EvaluationReport(overall=_score_pairs(pairs), by_obfuscation=by_obfuscation)


def _score_pairs(pairs: Sequence[_Pair]) -> PanScores:
    return pan_scores(
        [case for pair in pairs for case in pair.cases],
        [detection for pair in pairs for detection in pair.detections],
    )


def format_report(report: EvaluationReport) -> str:
    """Render a report as a plain, column-aligned text table (overall first, then types)."""
    header = ("subset", "plagdet", "recall", "precision", "granularity", "cases", "detections")
    rows = [header]
    named_scores = [("overall", report.overall), *sorted(report.by_obfuscation.items())]
    for name, scores in named_scores:
        rows.append(
            (
                name,
                f"{scores.plagdet:.4f}",
                f"{scores.recall:.4f}",
                f"{scores.precision:.4f}",
                f"{scores.granularity:.4f}",
                str(scores.cases),
                str(scores.detections),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(
            [row[0].ljust(widths[0])]
            + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        ).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"
