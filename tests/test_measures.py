"""Tests of the PAN text-alignment measures (unspin.eval._measures)."""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin._exceptions import FormatError
from unspin.eval import EvaluationReport, PanScores, evaluate_corpus, format_report, pan_scores
from unspin.eval._measures import obfuscation_group_name
from unspin.report._pan import PanFeature, format_pan_xml

PAN13_TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pan13-train"


def case(
    this_offset: int,
    this_length: int,
    source_offset: int,
    source_length: int,
    *,
    susp: str = "susp-1.txt",
    src: str = "src-1.txt",
    obfuscation: str | None = "none",
) -> PanFeature:
    return PanFeature(
        susp, this_offset, this_length, src, source_offset, source_length, "plagiarism", obfuscation
    )


def detection(
    this_offset: int,
    this_length: int,
    source_offset: int,
    source_length: int,
    *,
    susp: str = "susp-1.txt",
    src: str = "src-1.txt",
) -> PanFeature:
    return PanFeature(susp, this_offset, this_length, src, source_offset, source_length)


# --------------------------------------------------------------------------- hand-computed


def test_perfect_detection_scores_one() -> None:
    scores = pan_scores([case(10, 100, 200, 80)], [detection(10, 100, 200, 80)])
    assert scores == PanScores(1.0, 1.0, 1.0, 1.0, cases=1, detections=1)


def test_half_covered_case() -> None:
    # The detection covers 50 + 50 of the case's 100 + 100 chars, and lies wholly inside it.
    scores = pan_scores([case(0, 100, 0, 100)], [detection(0, 50, 0, 50)])
    assert scores.recall == pytest.approx(0.5)
    assert scores.precision == pytest.approx(1.0)
    assert scores.granularity == 1.0
    assert scores.plagdet == pytest.approx(2 / 3)


def test_detection_overhanging_case_lowers_precision() -> None:
    # Detection [0, 200) x [0, 100) over case [0, 100) x [0, 100): 200 of its 300 chars are in it.
    scores = pan_scores([case(0, 100, 0, 100)], [detection(0, 200, 0, 100)])
    assert scores.recall == pytest.approx(1.0)
    assert scores.precision == pytest.approx(2 / 3)


def test_case_split_into_two_detections() -> None:
    scores = pan_scores(
        [case(0, 100, 0, 100)], [detection(0, 50, 0, 50), detection(50, 50, 50, 50)]
    )
    assert scores.recall == pytest.approx(1.0)
    assert scores.precision == pytest.approx(1.0)
    assert scores.granularity == 2.0
    assert scores.plagdet == pytest.approx(1 / math.log2(3))


def test_overlapping_detections_are_not_double_counted() -> None:
    scores = pan_scores(
        [case(0, 100, 0, 100)], [detection(0, 60, 0, 60), detection(40, 60, 40, 60)]
    )
    assert scores.recall == pytest.approx(1.0)
    assert scores.granularity == 2.0


def test_wrong_source_reference_detects_nothing() -> None:
    scores = pan_scores([case(0, 100, 0, 100)], [detection(0, 100, 0, 100, src="src-2.txt")])
    assert scores.recall == 0.0
    assert scores.precision == 0.0
    assert scores.granularity == 1.0
    assert scores.plagdet == 0.0


def test_overlap_in_one_document_only_detects_nothing() -> None:
    scores = pan_scores([case(0, 100, 0, 100)], [detection(0, 100, 500, 100)])
    assert scores.recall == 0.0
    assert scores.precision == 0.0


def test_detection_on_negative_pair_has_zero_precision() -> None:
    negative = detection(0, 100, 0, 100, susp="susp-2.txt", src="src-9.txt")
    assert pan_scores([], [negative]).precision == 0.0
    # Mixed with a perfect detection, it halves the macro precision and spares recall.
    scores = pan_scores([case(0, 100, 0, 100)], [detection(0, 100, 0, 100), negative])
    assert scores.recall == pytest.approx(1.0)
    assert scores.precision == pytest.approx(0.5)
    assert scores.plagdet == pytest.approx(2 / 3)


def test_empty_set_conventions() -> None:
    assert pan_scores([], []) == PanScores(1.0, 1.0, 1.0, 1.0, 0, 0)
    assert pan_scores([case(0, 10, 0, 10)], []) == PanScores(0.0, 0.0, 1.0, 0.0, 1, 0)
    assert pan_scores([], [detection(0, 10, 0, 10)]) == PanScores(0.0, 0.0, 1.0, 0.0, 0, 1)


def test_zero_length_features_are_ignored() -> None:
    scores = pan_scores(
        [case(0, 100, 0, 100), case(5, 0, 5, 10)],
        [detection(0, 100, 0, 100), detection(50, 10, 50, 0)],
    )
    assert scores == PanScores(1.0, 1.0, 1.0, 1.0, cases=1, detections=1)


def test_duplicate_detections_count_once() -> None:
    scores = pan_scores([case(0, 100, 0, 100)], [detection(0, 100, 0, 100)] * 3)
    assert scores == PanScores(1.0, 1.0, 1.0, 1.0, cases=1, detections=1)


def test_large_offsets_are_cheap() -> None:
    # Millions of characters: sizes come from interval arithmetic, not character sets.
    scores = pan_scores([case(0, 5_000_000, 0, 5_000_000)], [detection(0, 2_500_000, 0, 2_500_000)])
    assert scores.recall == pytest.approx(0.5)
    assert scores.precision == pytest.approx(1.0)


# --------------------------------------------------------------------------- reference model


def _chars(feature: PanFeature) -> set[tuple[str, str, int]]:
    """The feature's characters, tagged by document so both sides are counted."""
    this_side = {
        ("this", feature.this_reference, i)
        for i in range(feature.this_offset, feature.this_offset + feature.this_length)
    }
    source_side = {
        ("source", feature.source_reference, i)
        for i in range(feature.source_offset, feature.source_offset + feature.source_length)
    }
    return this_side | source_side


def _detects(a: PanFeature, b: PanFeature) -> bool:
    same_pair = (a.this_reference, a.source_reference) == (b.this_reference, b.source_reference)
    this_overlap = {c for c in _chars(a) if c[0] == "this"} & _chars(b)
    source_overlap = {c for c in _chars(a) if c[0] == "source"} & _chars(b)
    return same_pair and bool(this_overlap) and bool(source_overlap)


def _key(feature: PanFeature) -> tuple[object, ...]:
    return tuple(feature[:6])


def _usable(features: Sequence[PanFeature]) -> list[PanFeature]:
    unique = {_key(f): f for f in features if f.this_length > 0 and f.source_length > 0}
    return list(unique.values())


def _reference_macro_recall(cases: list[PanFeature], detections: list[PanFeature]) -> float:
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    total = 0.0
    for c in cases:
        covered: set[tuple[str, str, int]] = set()
        for d in detections:
            if _detects(c, d):
                covered |= _chars(c) & _chars(d)
        total += len(covered) / len(_chars(c))
    return total / len(cases)


def reference_scores(
    cases: Sequence[PanFeature], detections: Sequence[PanFeature]
) -> tuple[float, float, float]:
    """Recall, precision and granularity straight from the definitions, on char sets."""
    usable_cases, usable_detections = _usable(cases), _usable(detections)
    recall = _reference_macro_recall(usable_cases, usable_detections)
    precision = _reference_macro_recall(usable_detections, usable_cases)
    counts = [sum(_detects(c, d) for d in usable_detections) for c in usable_cases]
    detected = [n for n in counts if n > 0]
    granularity = sum(detected) / len(detected) if detected else 1.0
    return recall, precision, granularity


_REFERENCES = st.sampled_from([("s1", "r1"), ("s1", "r2"), ("s2", "r1")])


@st.composite
def features(draw: st.DrawFn, name: str) -> PanFeature:
    susp, src = draw(_REFERENCES)
    return PanFeature(
        this_reference=susp,
        this_offset=draw(st.integers(0, 40)),
        this_length=draw(st.integers(0, 20)),
        source_reference=src,
        source_offset=draw(st.integers(0, 40)),
        source_length=draw(st.integers(0, 20)),
        name=name,
    )


CASE_LISTS = st.lists(features("plagiarism"), max_size=6)
DETECTION_LISTS = st.lists(features("detected-plagiarism"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(CASE_LISTS, DETECTION_LISTS)
def test_scores_are_bounded(cases: list[PanFeature], detections: list[PanFeature]) -> None:
    scores = pan_scores(cases, detections)
    assert 0.0 <= scores.recall <= 1.0
    assert 0.0 <= scores.precision <= 1.0
    assert scores.granularity >= 1.0
    total = scores.recall + scores.precision
    f1 = 2 * scores.recall * scores.precision / total if total else 0.0
    assert 0.0 <= scores.plagdet <= f1 + 1e-12


@settings(max_examples=300, deadline=None)
@given(CASE_LISTS, DETECTION_LISTS)
def test_agrees_with_character_set_reference(
    cases: list[PanFeature], detections: list[PanFeature]
) -> None:
    scores = pan_scores(cases, detections)
    recall, precision, granularity = reference_scores(cases, detections)
    assert scores.recall == pytest.approx(recall)
    assert scores.precision == pytest.approx(precision)
    assert scores.granularity == pytest.approx(granularity)


# --------------------------------------------------------------------------- corpora


def _write(path: Path, reference: str, features: Sequence[PanFeature]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_pan_xml(reference, features), encoding="utf-8")


def test_obfuscation_group_names() -> None:
    assert obfuscation_group_name("01-no-plagiarism") == "no-plagiarism"
    assert obfuscation_group_name("02-no-obfuscation") == "none"
    assert obfuscation_group_name("03-random-obfuscation") == "random"
    assert obfuscation_group_name("04-translation-obfuscation") == "translation"
    assert obfuscation_group_name("05-summary-obfuscation") == "summary"
    assert obfuscation_group_name("custom") == "custom"


def test_evaluate_corpus_pan13_layout(tmp_path: Path) -> None:
    truth, found = tmp_path / "truth", tmp_path / "found"
    none_case = case(0, 100, 0, 100, susp="s1.txt", src="r1.txt")
    random_case = case(0, 100, 0, 100, susp="s2.txt", src="r2.txt", obfuscation="random")
    _write(truth / "01-no-plagiarism" / "s3-r3.xml", "s3.txt", [])
    _write(truth / "02-no-obfuscation" / "s1-r1.xml", "s1.txt", [none_case])
    _write(truth / "03-random-obfuscation" / "s2-r2.xml", "s2.txt", [random_case])
    found.mkdir()
    # Flat detections: a perfect one, a half one, and one on the negative pair.
    _write(found / "s1-r1.xml", "s1.txt", [detection(0, 100, 0, 100, susp="s1.txt", src="r1.txt")])
    _write(found / "s2-r2.xml", "s2.txt", [detection(0, 50, 0, 50, susp="s2.txt", src="r2.txt")])
    _write(found / "s3-r3.xml", "s3.txt", [detection(0, 10, 0, 10, susp="s3.txt", src="r3.txt")])

    report = evaluate_corpus(truth, found)

    assert set(report.by_obfuscation) == {"no-plagiarism", "none", "random"}
    assert report.by_obfuscation["none"] == PanScores(1.0, 1.0, 1.0, 1.0, 1, 1)
    assert report.by_obfuscation["random"].recall == pytest.approx(0.5)
    assert report.by_obfuscation["random"].precision == pytest.approx(1.0)
    assert report.by_obfuscation["no-plagiarism"].precision == 0.0
    overall = report.overall
    assert (overall.cases, overall.detections) == (2, 3)
    assert overall.recall == pytest.approx(0.75)
    assert overall.precision == pytest.approx(2 / 3)

    table = format_report(report)
    lines = table.splitlines()
    assert lines[0].split() == [
        "subset", "plagdet", "recall", "precision", "granularity", "cases", "detections"
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[1:]] == ["overall", "no-plagiarism", "none", "random"]
    assert len({len(line) for line in lines}) == 1  # aligned columns


def test_evaluate_corpus_flat_truth_groups_by_attribute(tmp_path: Path) -> None:
    truth, found = tmp_path / "truth", tmp_path / "found"
    _write(truth / "a.xml", "s1.txt", [case(0, 10, 0, 10, susp="s1.txt", src="r1.txt")])
    mixed = [
        case(0, 10, 0, 10, susp="s2.txt", src="r2.txt", obfuscation="random"),
        case(50, 10, 50, 10, susp="s2.txt", src="r2.txt", obfuscation="summary"),
    ]
    _write(truth / "b.xml", "s2.txt", mixed)
    _write(truth / "c.xml", "s3.txt", [])
    # Detections mirror the truth layout; b.xml has no detection file at all.
    _write(found / "a.xml", "s1.txt", [detection(0, 10, 0, 10, susp="s1.txt", src="r1.txt")])

    report = evaluate_corpus(str(truth), str(found))

    assert set(report.by_obfuscation) == {"no-plagiarism", "none", "random", "summary"}
    assert report.by_obfuscation["none"].plagdet == 1.0
    assert report.by_obfuscation["random"] == report.by_obfuscation["summary"]
    assert report.by_obfuscation["random"].cases == 2
    assert report.by_obfuscation["random"].recall == 0.0
    assert report.by_obfuscation["no-plagiarism"] == PanScores(1.0, 1.0, 1.0, 1.0, 0, 0)
    assert report.overall.recall == pytest.approx(1 / 3)


def test_evaluate_corpus_ignores_other_feature_names(tmp_path: Path) -> None:
    truth, found = tmp_path / "truth", tmp_path / "found"
    the_case = case(0, 10, 0, 10, susp="s1.txt", src="r1.txt")
    _write(truth / "a.xml", "s1.txt", [the_case])
    # A detection file holding the truth's own "plagiarism" feature detects nothing.
    _write(found / "a.xml", "s1.txt", [the_case])
    assert evaluate_corpus(truth, found).overall.detections == 0


def test_evaluate_corpus_errors(tmp_path: Path) -> None:
    found = tmp_path / "found"
    found.mkdir()
    with pytest.raises(FormatError, match="does not exist"):
        evaluate_corpus(tmp_path / "missing", found)
    not_a_dir = tmp_path / "file.xml"
    not_a_dir.write_text("<document reference='x'/>", encoding="utf-8")
    with pytest.raises(FormatError, match="not a directory"):
        evaluate_corpus(not_a_dir, found)
    truth = tmp_path / "truth"
    truth.mkdir()
    with pytest.raises(FormatError, match="no ground-truth"):
        evaluate_corpus(truth, found)
    (truth / "broken.xml").write_text("<document reference='x'><feature", encoding="utf-8")
    with pytest.raises(FormatError, match=r"broken\.xml"):
        evaluate_corpus(truth, found)


def test_evaluate_report_type(tmp_path: Path) -> None:
    # One pair without cases and nothing detected in it: the PAN convention scores 1.
    _write(tmp_path / "truth" / "a.xml", "s1.txt", [])
    (tmp_path / "found").mkdir()
    report = evaluate_corpus(tmp_path / "truth", tmp_path / "found")
    assert isinstance(report, EvaluationReport)
    assert report.overall == PanScores(1.0, 1.0, 1.0, 1.0, 0, 0)
    assert report.by_obfuscation == {"no-plagiarism": PanScores(1.0, 1.0, 1.0, 1.0, 0, 0)}


@pytest.mark.skipif(not PAN13_TRAIN.is_dir(), reason="PAN13 training corpus not available")
def test_pan13_truth_against_itself_scores_one(tmp_path: Path) -> None:
    subset = "02-no-obfuscation"
    truth_files = sorted((PAN13_TRAIN / subset).glob("*.xml"))[:50]
    assert truth_files
    truth, found = tmp_path / "truth" / subset, tmp_path / "found"
    truth.mkdir(parents=True)
    found.mkdir()
    for file in truth_files:
        shutil.copy(file, truth / file.name)
        text = file.read_text(encoding="utf-8")
        (found / file.name).write_text(
            text.replace('name="plagiarism"', 'name="detected-plagiarism"'), encoding="utf-8"
        )

    report = evaluate_corpus(tmp_path / "truth", found)

    assert report.overall.cases > 0
    assert report.overall.detections == report.overall.cases
    assert report.overall.plagdet == 1.0
    assert set(report.by_obfuscation) == {"none"}
    assert report.by_obfuscation["none"].plagdet == 1.0
