"""unspin: find spun copies of text and trace them to their sources.

>>> from unspin import align
>>> result = align(suspicious_text, source_text)
>>> result.verdict, [(p.suspicious, p.source) for p in result.passages]

>>> from unspin import Index, read_documents
>>> index = Index.open("news.idx", create=True)
>>> index.add(read_documents(["articles/"]))
>>> [(m.id, m.verdict) for m in index.search(suspicious_text).matches]
"""

from __future__ import annotations

from unspin._exceptions import (
    BinaryInputError,
    CorruptIndexError,
    EmptyInputError,
    FormatError,
    IndexLockedError,
    IndexNotFoundError,
    IndexStoreError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    LexiconError,
    NotAFileError,
    OutputError,
    ReportLockedError,
    ReportSettingsError,
    SettingDifference,
    UnspinError,
    WorkerError,
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
from unspin.index import Index, SearchOptions, SearchResult, SourceMatch
from unspin.io import Document, read_document, read_documents

__version__ = "0.1.0"

__all__ = [
    "AlignOptions",
    "Alignment",
    "BinaryInputError",
    "CorruptIndexError",
    "Document",
    "EmptyInputError",
    "FormatError",
    "Index",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStoreError",
    "InputError",
    "InputNotFoundError",
    "InputTooLargeError",
    "LexiconError",
    "MatchType",
    "NotAFileError",
    "OutputError",
    "Passage",
    "ReportLockedError",
    "ReportSettingsError",
    "Rewrite",
    "RewriteKind",
    "SearchOptions",
    "SearchResult",
    "SettingDifference",
    "SourceMatch",
    "Span",
    "UnspinError",
    "Verdict",
    "WorkerError",
    "__version__",
    "align",
    "read_document",
    "read_documents",
]
