"""Pairwise passage alignment (seed → extend → filter) and the account of rewrites."""

from __future__ import annotations

from unspin.align._engine import AlignOptions, align
from unspin.align._types import Alignment, MatchType, Passage, Rewrite, RewriteKind, Span, Verdict

__all__ = [
    "AlignOptions",
    "Alignment",
    "MatchType",
    "Passage",
    "Rewrite",
    "RewriteKind",
    "Span",
    "Verdict",
    "align",
]
