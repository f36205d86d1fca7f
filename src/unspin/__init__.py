"""unspin: find spun copies of text and trace them to their sources.

>>> from unspin import align
>>> result = align(suspicious_text, source_text)
>>> result.verdict, [(p.suspicious, p.source) for p in result.passages]
"""

from __future__ import annotations

from unspin._exceptions import (
    BinaryInputError,
    EmptyInputError,
    FormatError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    LexiconError,
    NotAFileError,
    UnspinError,
)
from unspin.align import (
    Alignment,
    AlignOptions,
    MatchType,
    Passage,
    Rewrite,
    RewriteKind,
    Span,
    Verdict,
    align,
)
from unspin.io import Document, read_document

__version__ = "0.1.0"

__all__ = [
    "AlignOptions",
    "Alignment",
    "BinaryInputError",
    "Document",
    "EmptyInputError",
    "FormatError",
    "InputError",
    "InputNotFoundError",
    "InputTooLargeError",
    "LexiconError",
    "MatchType",
    "NotAFileError",
    "Passage",
    "Rewrite",
    "RewriteKind",
    "Span",
    "UnspinError",
    "Verdict",
    "__version__",
    "align",
    "read_document",
]
