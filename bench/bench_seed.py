"""Seed-pair target: align the spun copy of a news article to its original as ONE passage.

``spun.txt`` is an article-spinner rewrite of ``original.txt`` (an AP story) followed by
paragraphs the original does not have. Everything before the paragraph starting with
"LikeKim" is the spun copy; it reproduces the original from the "When North Korean
leader ..." sentence after the "TOKYO (AP) — " dateline to the end of the "Moscow played
an instrumental role ..." paragraph (the original's last), dropping on the way the
"___" rules and the "KIM'S WISH LIST" / "WHY NOW?" headings, which lie inside that region.

The target: exactly one passage with at least 95 % character precision and recall on both
sides. The ground-truth spans are located at run time with short marker strings, written
as a one-pair PAN-layout corpus, and every available system runs on it side by side:
unspin, the anchor (Sanchez-Perez et al., PAN 2014 winner) and the n-gram baseline.

    python bench/bench_seed.py [--systems unspin,anchor,ngram]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from _harness import (
    ALL_SYSTEMS,
    SEED_PAIR_DIR,
    SYSTEMS,
    UNSPIN,
    Corpus,
    load_unspin_align,
    new_run_dir,
    pan_output_name,
    run_system,
    system_unavailable_reason,
    unspin_api_available,
)

from unspin.eval import evaluate_corpus
from unspin.report._pan import PanFeature, read_pan_xml, write_pan_xml

SOURCE_NAME = "original.txt"
SUSPICIOUS_NAME = "spun.txt"
TARGET_CHAR_SCORE = 0.95

# Markers (each must occur exactly once). Starts are where the marker starts; ends where
# the marker ends, except the suspicious end, which is the start of the first paragraph
# that is not copied (trailing whitespace of the copy stripped).
SUSPICIOUS_START_MARKER = "WhenNorth Korean leader"  # spun glues the first two words
SUSPICIOUS_LAST_COPIED_MARKER = "very own financial disaster."  # cross-check of the end
SUSPICIOUS_NOT_COPIED_MARKER = "LikeKim, Putin is no admirer"
SOURCE_START_MARKER = "When North Korean leader"  # after the "TOKYO (AP) — " dateline
SOURCE_END_MARKER = "its own economic meltdown."
SOURCE_DROPPED_HEADINGS = ("KIM'S WISH LIST", "WHY NOW?")


class Span(NamedTuple):
    """A half-open character range."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class SeedTruth(NamedTuple):
    suspicious: Span
    source: Span


def read_raw(path: Path) -> str:
    # newline="" keeps raw characters, as the offsets of PAN XML count them.
    with path.open(encoding="utf-8", errors="replace", newline="") as file:
        return file.read()


def locate(text: str, marker: str, document: str) -> int:
    """Offset of `marker` in `text`; fails loudly unless it occurs exactly once."""
    count = text.count(marker)
    if count != 1:
        raise SystemExit(f"marker {marker!r} occurs {count} times in {document}, expected once")
    return text.index(marker)


def derive_truth(suspicious_text: str, source_text: str) -> SeedTruth:
    """Locate the copied region in both documents from the marker strings."""
    suspicious_start = locate(suspicious_text, SUSPICIOUS_START_MARKER, SUSPICIOUS_NAME)
    not_copied = locate(suspicious_text, SUSPICIOUS_NOT_COPIED_MARKER, SUSPICIOUS_NAME)
    suspicious_end = len(suspicious_text[:not_copied].rstrip())
    last_copied = locate(suspicious_text, SUSPICIOUS_LAST_COPIED_MARKER, SUSPICIOUS_NAME)
    if last_copied + len(SUSPICIOUS_LAST_COPIED_MARKER) != suspicious_end:
        raise SystemExit("spun.txt: the copy does not end with its last copied paragraph")

    source_start = locate(source_text, SOURCE_START_MARKER, SOURCE_NAME)
    source_end = locate(source_text, SOURCE_END_MARKER, SOURCE_NAME) + len(SOURCE_END_MARKER)
    for heading in SOURCE_DROPPED_HEADINGS:
        if not source_start < locate(source_text, heading, SOURCE_NAME) < source_end:
            raise SystemExit(f"{SOURCE_NAME}: heading {heading!r} is outside the copied region")
    return SeedTruth(Span(suspicious_start, suspicious_end), Span(source_start, source_end))


def write_mini_corpus(root: Path, truth: SeedTruth) -> Corpus:
    """Lay the seed pair out as a one-pair PAN corpus (files linked, not copied)."""
    (root / "src").mkdir()
    (root / "susp").mkdir()
    (root / "truth").mkdir()
    (root / "src" / SOURCE_NAME).symlink_to(SEED_PAIR_DIR / SOURCE_NAME)
    (root / "susp" / SUSPICIOUS_NAME).symlink_to(SEED_PAIR_DIR / SUSPICIOUS_NAME)
    pairs_file = root / "pairs"
    pairs_file.write_text(f"{SUSPICIOUS_NAME} {SOURCE_NAME}\n", encoding="utf-8")
    case = PanFeature(
        this_reference=SUSPICIOUS_NAME,
        this_offset=truth.suspicious.start,
        this_length=truth.suspicious.length,
        source_reference=SOURCE_NAME,
        source_offset=truth.source.start,
        source_length=truth.source.length,
        name="plagiarism",
        obfuscation="spinner",
    )
    write_pan_xml(
        root / "truth" / pan_output_name(SUSPICIOUS_NAME, SOURCE_NAME), SUSPICIOUS_NAME, [case]
    )
    return Corpus(pairs_file, root / "src", root / "susp", root / "truth")


# --------------------------------------------------------------------------- scoring


def union_length(spans: Sequence[Span]) -> int:
    covered = 0
    reach = 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def char_precision_recall(detected: Sequence[Span], truth: Span) -> tuple[float, float]:
    """Character precision and recall of the union of `detected` against one truth span."""
    detected_chars = union_length(detected)
    clipped = [Span(max(span.start, truth.start), min(span.end, truth.end)) for span in detected]
    hit_chars = union_length([span for span in clipped if span.length > 0])
    precision = hit_chars / detected_chars if detected_chars else 0.0
    return precision, hit_chars / truth.length


class SeedResult(NamedTuple):
    system: str
    passages: int
    suspicious_precision: float
    suspicious_recall: float
    source_precision: float
    source_recall: float
    plagdet: float
    wall_s: float

    @property
    def meets_target(self) -> bool:
        char_scores = (
            self.suspicious_precision,
            self.suspicious_recall,
            self.source_precision,
            self.source_recall,
        )
        return self.passages == 1 and min(char_scores) >= TARGET_CHAR_SCORE


def score_detections(
    system: str, detections_dir: Path, corpus: Corpus, truth: SeedTruth, wall_s: float
) -> SeedResult:
    detection_file = detections_dir / pan_output_name(SUSPICIOUS_NAME, SOURCE_NAME)
    features = (
        [f for f in read_pan_xml(detection_file) if f.name == "detected-plagiarism"]
        if detection_file.is_file()
        else []
    )
    suspicious_spans = [Span(f.this_offset, f.this_offset + f.this_length) for f in features]
    source_spans = [Span(f.source_offset, f.source_offset + f.source_length) for f in features]
    suspicious_precision, suspicious_recall = char_precision_recall(
        suspicious_spans, truth.suspicious
    )
    source_precision, source_recall = char_precision_recall(source_spans, truth.source)
    return SeedResult(
        system=system,
        passages=len(features),
        suspicious_precision=suspicious_precision,
        suspicious_recall=suspicious_recall,
        source_precision=source_precision,
        source_recall=source_recall,
        plagdet=evaluate_corpus(corpus.truth_dir, detections_dir).overall.plagdet,
        wall_s=wall_s,
    )


def align_with_unspin_api(corpus: Corpus, output_dir: Path) -> float:
    """Fallback while the CLI is missing: align in-process, write the PAN XML, return secs."""
    align = load_unspin_align()
    if align is None:
        raise RuntimeError("unspin.align is not available")
    suspicious_text = read_raw(corpus.susp_dir / SUSPICIOUS_NAME)
    source_text = read_raw(corpus.src_dir / SOURCE_NAME)
    start = time.perf_counter()
    alignment = align(suspicious_text, source_text)
    wall_s = time.perf_counter() - start
    features = [
        PanFeature(
            this_reference=SUSPICIOUS_NAME,
            this_offset=passage.suspicious.start,
            this_length=passage.suspicious.end - passage.suspicious.start,
            source_reference=SOURCE_NAME,
            source_offset=passage.source.start,
            source_length=passage.source.end - passage.source.start,
        )
        for passage in alignment.passages
    ]
    output_dir.mkdir(parents=True, exist_ok=True)
    write_pan_xml(
        output_dir / pan_output_name(SUSPICIOUS_NAME, SOURCE_NAME), SUSPICIOUS_NAME, features
    )
    return wall_s


def format_results(results: Sequence[SeedResult]) -> str:
    header = [
        "system",
        "passages",
        "susp P",
        "susp R",
        "src P",
        "src R",
        "plagdet",
        "wall s",
        "target",
    ]
    rows = [header]
    for result in results:
        rows.append(
            [
                result.system,
                str(result.passages),
                f"{result.suspicious_precision:.3f}",
                f"{result.suspicious_recall:.3f}",
                f"{result.source_precision:.3f}",
                f"{result.source_recall:.3f}",
                f"{result.plagdet:.3f}",
                f"{result.wall_s:.2f}",
                "met" if result.meets_target else "missed",
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return "\n".join(
        "  ".join(
            [row[0].ljust(widths[0])]
            + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        )
        for row in rows
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--systems",
        default=",".join(ALL_SYSTEMS),
        help=f"comma-separated, from {','.join(ALL_SYSTEMS)}",
    )
    args = parser.parse_args(argv)
    system_names = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = [name for name in system_names if name not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}")

    truth = derive_truth(
        read_raw(SEED_PAIR_DIR / SUSPICIOUS_NAME), read_raw(SEED_PAIR_DIR / SOURCE_NAME)
    )
    print(
        f"truth: {SUSPICIOUS_NAME} [{truth.suspicious.start}, {truth.suspicious.end})"
        f" ({truth.suspicious.length} chars) <- {SOURCE_NAME}"
        f" [{truth.source.start}, {truth.source.end}) ({truth.source.length} chars)"
    )
    run_dir = new_run_dir("seed")
    results: list[SeedResult] = []
    with tempfile.TemporaryDirectory(prefix="unspin-seed-") as work_dir:
        corpus = write_mini_corpus(Path(work_dir), truth)
        for name in system_names:
            reason = system_unavailable_reason(name)
            if reason is None:
                run = run_system(SYSTEMS[name], corpus, 1, run_dir, jobs=1)
                results.append(score_detections(name, run.output_dir, corpus, truth, run.wall_s))
            elif name == UNSPIN and unspin_api_available():
                output_dir = run_dir / UNSPIN
                wall_s = align_with_unspin_api(corpus, output_dir)
                results.append(
                    score_detections(f"{UNSPIN} (API)", output_dir, corpus, truth, wall_s)
                )
            else:
                print(f"{name}: {reason}")

    table = format_results(results)
    print(table)
    print(f"target: 1 passage, char precision and recall >= {TARGET_CHAR_SCORE:.0%} on both sides")
    summary = {
        "truth": {"suspicious": truth.suspicious._asdict(), "source": truth.source._asdict()},
        "results": [result._asdict() | {"meets_target": result.meets_target} for result in results],
        "table": table,
    }
    results_path = run_dir / "results.json"
    results_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"results: {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
