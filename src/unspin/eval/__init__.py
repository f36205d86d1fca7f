"""Evaluation of unspin against ground truth (PAN text-alignment measures)."""

from __future__ import annotations

from unspin.eval._measures import (
    EvaluationReport,
    PanScores,
    evaluate_corpus,
    format_report,
    pan_scores,
)

__all__ = [
    "EvaluationReport",
    "PanScores",
    "evaluate_corpus",
    "format_report",
    "pan_scores",
]
