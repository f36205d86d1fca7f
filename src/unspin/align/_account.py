"""The word-level account of a rewrite: what was substituted, inserted, deleted.

Token keys (lemmas) of the source passage are edited into those of the suspicious
passage with a Levenshtein alignment (rapidfuzz, on sequences of integers), so an
inflection change ("meets"/"meet") is no edit and a synonym swap is a substitution.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from unspin.align._types import MatchType, Rewrite, RewriteKind, Span
from unspin.text._analysis import TextAnalysis

__all__ = ["account_rewrites", "classify_match"]


def _shares_concept(
    suspicious: TextAnalysis, s0: int, s1: int, source: TextAnalysis, r0: int, r1: int
) -> bool:
    ptr_s, ptr_r = suspicious.concept_ptr, source.concept_ptr
    concepts_s = set(suspicious.concept_ids[ptr_s[s0] : ptr_s[s1]].tolist())
    if not concepts_s:
        return False
    return not concepts_s.isdisjoint(source.concept_ids[ptr_r[r0] : ptr_r[r1]].tolist())


def account_rewrites(
    suspicious: TextAnalysis,
    suspicious_tokens: tuple[int, int],
    source: TextAnalysis,
    source_tokens: tuple[int, int],
) -> tuple[tuple[Rewrite, ...], float]:
    """Rewrites turning the source passage into the suspicious one, and the share
    of tokens left unchanged."""
    s_start, s_end = suspicious_tokens
    r_start, r_end = source_tokens
    keys_s = suspicious.keys[s_start:s_end].tolist()
    keys_r = source.keys[r_start:r_end].tolist()
    rewrites: list[Rewrite] = []
    equal = 0
    for opcode in Levenshtein.opcodes(keys_r, keys_s):
        tag = opcode.tag
        r0, r1 = int(opcode.src_start), int(opcode.src_end)
        s0, s1 = int(opcode.dest_start), int(opcode.dest_end)
        if tag == "equal":
            equal += r1 - r0
            continue
        a0, a1, b0, b1 = s_start + s0, s_start + s1, r_start + r0, r_start + r1
        span_s = _char_span(suspicious, a0, a1, s_end)
        span_r = _char_span(source, b0, b1, r_end)
        if tag == "replace":
            kind = RewriteKind.SUBSTITUTION
            synonym = _shares_concept(suspicious, a0, a1, source, b0, b1)
        elif tag == "insert":
            kind, synonym = RewriteKind.INSERTION, False
        else:
            kind, synonym = RewriteKind.DELETION, False
        rewrites.append(
            Rewrite(
                kind=kind,
                suspicious=span_s,
                source=span_r,
                suspicious_text=suspicious.raw[span_s.start : span_s.end],
                source_text=source.raw[span_r.start : span_r.end],
                synonym=synonym,
            )
        )
    longest = max(s_end - s_start, r_end - r_start, 1)
    return tuple(rewrites), equal / longest


def _char_span(analysis: TextAnalysis, start: int, end: int, passage_end: int) -> Span:
    """Raw span of tokens ``start:end``; an empty token range gives an empty span
    at the next token, or, at the end of the passage (token ``passage_end``), just
    after its last token, so that it stays inside the passage."""
    if end > start:
        return Span(int(analysis.starts[start]), int(analysis.ends[end - 1]))
    if start >= passage_end > 0:
        return Span(int(analysis.ends[passage_end - 1]), int(analysis.ends[passage_end - 1]))
    if start < len(analysis.starts):
        position = int(analysis.starts[start])
    else:
        position = int(analysis.ends[-1]) if len(analysis.ends) else 0
    return Span(position, position)


def classify_match(
    rewrites: tuple[Rewrite, ...], equal_share: float, *, minor_changes_min_equal: float
) -> MatchType:
    """Identical without rewrites; minor changes when at least
    ``minor_changes_min_equal`` of the words are unchanged; else spun."""
    if not rewrites:
        return MatchType.IDENTICAL
    if equal_share >= minor_changes_min_equal:
        return MatchType.MINOR_CHANGES
    return MatchType.SPUN
