"""Tests of the CSV export: one row per passage, exact offsets, safe cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from unspin import (
    Alignment,
    Document,
    MatchType,
    Passage,
    Rewrite,
    RewriteKind,
    Span,
    Verdict,
    read_document,
)
from unspin.report import CSV_COLUMNS, build_report, compare_documents, report_to_csv

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_passage_with_exact_offsets() -> None:
    suspicious = read_document(EXAMPLES / "spun.txt")
    source = read_document(EXAMPLES / "original.txt")
    report = compare_documents(suspicious, source)
    text = report_to_csv(report)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert text.endswith("\r\n")
    rows = _rows(text)
    passages = report.sources[0].alignment.passages
    assert len(rows) == len(passages) >= 1
    for number, (row, passage) in enumerate(zip(rows, passages, strict=True), start=1):
        assert row["suspicious"] == "spun.txt" and row["source"] == "original.txt"
        assert int(row["passage"]) == number
        assert row["match_type"] == str(passage.match_type)
        start, end = int(row["suspicious_start"]), int(row["suspicious_end"])
        assert (start, end) == passage.suspicious
        assert row["suspicious_text"] == suspicious.text[start:end]
        start, end = int(row["source_start"]), int(row["source_end"])
        assert row["source_text"] == source.text[start:end]
        kinds = [r.kind for r in passage.rewrites]
        assert int(row["replaced"]) == kinds.count(RewriteKind.SUBSTITUTION)
        assert int(row["inserted"]) == kinds.count(RewriteKind.INSERTION)
        assert int(row["deleted"]) == kinds.count(RewriteKind.DELETION)
        assert int(row["replaced_by_synonym"]) == sum(r.synonym for r in passage.rewrites)


def _alignment(text: str) -> Alignment:
    rewrites = (
        Rewrite(RewriteKind.SUBSTITUTION, Span(0, 3), Span(0, 6), "top", "summit", True),
        Rewrite(RewriteKind.INSERTION, Span(4, 13), Span(7, 7), "certainly", "", False),
        Rewrite(RewriteKind.DELETION, Span(14, 14), Span(8, 13), "", "first", False),
    )
    passage = Passage(Span(0, len(text)), Span(0, len(text)), 0.5, MatchType.SPUN, rewrites)
    return Alignment((passage,), 1.0, 1.0, 0.5, Verdict.SPUN_COPY)


def test_rewrites_cell_and_formula_guard() -> None:
    text = '=HYPERLINK("http://x") top, "quoted"\nnew line'
    report = build_report(
        Document("@name.txt", text), [(Document("+src.txt", text), _alignment(text))]
    )
    (row,) = _rows(report_to_csv(report))
    assert row["rewrites"] == "top<-summit; +certainly; -first"
    assert row["suspicious"] == "'@name.txt" and row["source"] == "'+src.txt"
    assert row["suspicious_text"] == "'" + text  # the quotes and line break survive
    assert row["score"] == "0.5"


def test_a_source_without_passages_has_no_row() -> None:
    none = Alignment((), 0.0, 0.0, 0.0, Verdict.NO_COPY)
    report = build_report(Document("a.txt", "some words here"), [(Document("b.txt", "x"), none)])
    assert report_to_csv(report) == ",".join(CSV_COLUMNS) + "\r\n"
