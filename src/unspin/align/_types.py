"""Result types of alignment: small, tuple-like, plain data."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "Alignment",
    "MatchType",
    "Passage",
    "Rewrite",
    "RewriteKind",
    "Span",
    "Verdict",
]


class Span(NamedTuple):
    """A half-open character range ``[start, end)`` of a raw input text."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class MatchType(StrEnum):
    """How much a passage was changed on its way from the source."""

    IDENTICAL = "identical"
    MINOR_CHANGES = "minor-changes"
    SPUN = "spun"


class RewriteKind(StrEnum):
    """One step of the word-level account of a rewrite."""

    SUBSTITUTION = "substitution"
    INSERTION = "insertion"
    DELETION = "deletion"


class Rewrite(NamedTuple):
    """Words of the source replaced, inserted or deleted in the suspicious text.

    An insertion has an empty ``source`` span (at the place it was inserted), a
    deletion an empty ``suspicious`` span. ``synonym`` says the lexicon knows the
    two sides of a substitution as synonyms ("top" for "summit") or as words one step
    apart in WordNet ("large" for "huge", "preacher" for "evangelist").
    """

    kind: RewriteKind
    suspicious: Span
    source: Span
    suspicious_text: str
    source_text: str
    synonym: bool


class Passage(NamedTuple):
    """A passage of the suspicious text traced to a passage of the source."""

    suspicious: Span
    source: Span
    score: float
    match_type: MatchType
    rewrites: tuple[Rewrite, ...]


class Verdict(StrEnum):
    """The overall judgement on a (suspicious, source) pair."""

    COPY = "copy"
    SPUN_COPY = "spun-copy"
    PARTIAL_COPY = "partial-copy"
    NO_COPY = "no-copy"


class Alignment(NamedTuple):
    """Everything found between one suspicious text and one source.

    Coverages are the fractions of each text's words inside a passage, each word
    counted once.
    """

    passages: tuple[Passage, ...]
    suspicious_coverage: float
    source_coverage: float
    score: float
    verdict: Verdict
