"""Persistent on-disk index for finding the sources of spun text.

>>> from unspin.index import Index
>>> with Index.open("news.idx", create=True) as index:
...     index.add(read_documents(["articles/"]))
...     result = index.search(suspicious_text)
>>> for match in result.matches:
...     print(match.id, match.verdict, match.query_coverage, len(match.alignment.passages))

An index is a directory: SQLite (WAL) for documents and metadata, immutable memory-mapped
segment files for fingerprint postings. See ``_store`` for the layout and crash safety,
``_fingerprint`` for the spin-robust fingerprints and ``_search`` for retrieval and
verification.
"""

from __future__ import annotations

from unspin.index._check import CheckedDocument, check_documents
from unspin.index._fingerprint import (
    BAG_WINDOW,
    FINGERPRINT_SCHEME,
    DocumentPostings,
    FingerprintOptions,
    QueryFingerprints,
    fingerprint_documents,
    fingerprint_query,
)
from unspin.index._index import DEFAULT_BATCH_SIZE, Index, IndexWriter
from unspin.index._store import StoredDocument
from unspin.index._types import (
    Candidate,
    IndexInfo,
    IngestCounts,
    SearchOptions,
    SearchResult,
    SourceMatch,
)

__all__ = [
    "BAG_WINDOW",
    "DEFAULT_BATCH_SIZE",
    "FINGERPRINT_SCHEME",
    "Candidate",
    "CheckedDocument",
    "DocumentPostings",
    "FingerprintOptions",
    "Index",
    "IndexInfo",
    "IndexWriter",
    "IngestCounts",
    "QueryFingerprints",
    "SearchOptions",
    "SearchResult",
    "SourceMatch",
    "StoredDocument",
    "check_documents",
    "fingerprint_documents",
    "fingerprint_query",
]
