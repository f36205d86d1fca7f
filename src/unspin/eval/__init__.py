"""Evaluation of unspin against ground truth (PAN text-alignment measures)."""

from __future__ import annotations

from unspin.eval._corpus import (
    SIMULATED_GROUPS,
    SPINBOT_GROUPS,
    CorpusSummary,
    build_simulated_corpus,
    build_spinbot_corpus,
)
from unspin.eval._measures import (
    EvaluationReport,
    PanScores,
    evaluate_corpus,
    format_report,
    pan_scores,
)
from unspin.eval._retrieval import (
    QUERY_KINDS,
    RetrievalBenchmark,
    RetrievalQuery,
    build_simulated_retrieval,
    build_spinbot_retrieval,
    near_duplicate_groups,
)
from unspin.eval._simulator import SpinLevel, SpinSettings, settings_for, spin_text

__all__ = [
    "QUERY_KINDS",
    "SIMULATED_GROUPS",
    "SPINBOT_GROUPS",
    "CorpusSummary",
    "EvaluationReport",
    "PanScores",
    "RetrievalBenchmark",
    "RetrievalQuery",
    "SpinLevel",
    "SpinSettings",
    "build_simulated_corpus",
    "build_simulated_retrieval",
    "build_spinbot_corpus",
    "build_spinbot_retrieval",
    "evaluate_corpus",
    "format_report",
    "near_duplicate_groups",
    "pan_scores",
    "settings_for",
    "spin_text",
]
