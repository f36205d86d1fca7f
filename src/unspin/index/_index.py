"""The public face of the index: :class:`Index` (open, add, remove, search) and
:class:`IndexWriter` (batched, crash-safe ingest).

>>> from unspin.index import Index
>>> from unspin.io import Document
>>> index = Index.open("news.idx", create=True)
>>> with index.writer() as writer:
...     writer.add("bbc/001", "Ministers met the unions on Monday ...")
>>> result = index.search(suspicious_text)
>>> [(m.id, m.verdict, m.query_coverage) for m in result.matches]
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np
import numpy.typing as npt

from unspin._exceptions import CorruptIndexError
from unspin.index._fingerprint import FingerprintOptions, fingerprint_documents, fingerprint_query
from unspin.index._search import (
    Query,
    SourceText,
    covered_share,
    gather_evidence,
    scaled_budget,
    verify_candidates,
    word_starts,
)
from unspin.index._segment import Segment, segment_keys
from unspin.index._store import (
    NewDocument,
    Store,
    StoredDocument,
    StoreWriter,
    metadata_summary,
    storable_id,
    store_errors,
)
from unspin.index._types import IndexInfo, IngestCounts, SearchOptions, SearchResult
from unspin.io import Document
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text
from unspin.text._normalize import looks_like_html, normalize

__all__ = ["DEFAULT_BATCH_SIZE", "Index", "IndexWriter"]

DEFAULT_BATCH_SIZE = 2000
_ANALYSIS_CACHE_SIZE = 256
# Retrieval keeps this many candidates per allowed rejection (explaining away may skip
# some), and at least one per allowed verification.
_CANDIDATES_PER_REJECTION = 4


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Pending(NamedTuple):
    text: str
    html: bool
    path: str | None


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _store_errors(method: _Method) -> _Method:
    """Report the storage's failures (a damaged database page, a full disk) as the
    library's one-line errors naming the index (see :func:`store_errors`)."""

    @functools.wraps(method)
    def reporting(self: Any, *args: Any, **kwargs: Any) -> Any:
        with store_errors(self.path):
            return method(self, *args, **kwargs)

    return cast(_Method, reporting)


class IndexWriter:
    """Adds and removes documents in batches while holding the index's write lock.

    Documents are committed ``batch_size`` at a time (and at the end of the ``with``
    block): a batch is all in or all out, so a crash loses at most the batch in flight,
    and running the same ingest again skips what is already there (same id, same text)
    and completes the rest. If the block ends with an exception, the batch in flight is
    dropped and committed batches stay.
    """

    def __init__(self, index: Index, store: StoreWriter, batch_size: int) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._index = index
        self.path = index.path
        self._store = store
        self._batch_size = batch_size
        self._pending: dict[str, _Pending] = {}
        self.counts = IngestCounts()

    @_store_errors
    def add(
        self, doc_id: str, text: str, *, html: bool | None = None, path: str | None = None
    ) -> None:
        """Queue a document; a later one with the same id replaces it (also in the index)."""
        if not isinstance(doc_id, str) or not doc_id:
            raise ValueError("a document id must be a non-empty string")
        if not storable_id(doc_id):
            shown = doc_id.encode("utf-8", "backslashreplace").decode("utf-8")
            raise ValueError(f"a document id must be UTF-8 text, not '{shown}'")
        is_html = looks_like_html(text) if html is None else html
        if self._pending.pop(doc_id, None) is not None:  # insertion order = the last add's
            self.counts = self.counts._replace(repeated=self.counts.repeated + 1)
        self._pending[doc_id] = _Pending(text, is_html, path)
        if len(self._pending) >= self._batch_size:
            self.flush()

    def add_documents(self, documents: Iterable[Document]) -> None:
        """Queue every document of an iterable (e.g. :func:`unspin.io.read_documents`)."""
        for document in documents:
            self.add(document.id, document.text, html=document.html, path=document.path)

    @_store_errors
    def remove(self, ids: Iterable[str]) -> list[str]:
        """Remove documents by id now (after committing what is queued); return the ids
        that were in the index, each once."""
        self.flush()
        removed = self._store.remove(list(ids))
        self._index._invalidate()
        return removed

    @_store_errors
    def flush(self) -> None:
        """Commit the queued documents as one batch."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        digests = {doc_id: _digest(item.text) for doc_id, item in pending.items()}
        existing = self._store.existing(pending)
        unchanged = [i for i, (_, digest) in existing.items() if digest == digests[i]]
        for doc_id in unchanged:
            del pending[doc_id]
        replaced = [existing[i][0] for i in pending if i in existing]
        first = self._store.next_num()
        new = [
            NewDocument(first + offset, doc_id, digests[doc_id], item.text, item.html, item.path)
            for offset, (doc_id, item) in enumerate(pending.items())
        ]
        postings = fingerprint_documents(
            [doc.text for doc in new],
            html=[doc.html for doc in new],
            options=self._index.fingerprint_options,
        )
        nums = np.arange(first, first + len(new), dtype=np.uint32)
        keys = segment_keys(postings.fingerprint, nums[postings.document])
        self._store.commit(new, replaced, keys, postings.block)
        self._store.merge_levels()
        self._index._invalidate()
        self.counts = self.counts + IngestCounts(
            added=len(new) - len(replaced), replaced=len(replaced), unchanged=len(unchanged)
        )

    @_store_errors
    def compact(self) -> None:
        """Commit what is queued, then merge all segments, dropping removed documents."""
        self.flush()
        self._store.compact()
        self._index._invalidate()


class _Snapshot(NamedTuple):
    generation: int
    segments: list[Segment]
    live: npt.NDArray[np.bool_]
    documents: int


class Index:
    """An on-disk index of documents, searchable for the sources of a spun text.

    Open with :meth:`open`. Any number of processes may search an index while one
    writes it; writers are serialized by a lock (:meth:`writer`). Close with
    :meth:`close` or use the index as a context manager.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.path = store.path
        self.fingerprint_options: FingerprintOptions = store.fingerprint_options
        # Evidence is weighed per default sample, whatever this index keeps (see
        # gather_evidence).
        self._weight_scale = self.fingerprint_options.sample / FingerprintOptions().sample
        self._snapshot: _Snapshot | None = None
        self._analyses: OrderedDict[int, SourceText] = OrderedDict()
        # One SQLite connection and cache per Index: threads (a web server's) take turns.
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = False,
        fingerprint_options: FingerprintOptions | None = None,
    ) -> Index:
        """Open the index in directory ``path``; ``create=True`` makes a new one if there
        is none (``fingerprint_options`` apply only then). Raise
        :class:`~unspin.IndexNotFoundError` or :class:`~unspin.CorruptIndexError`."""
        with store_errors(path):
            return cls(Store.open(path, create=create, fingerprint_options=fingerprint_options))

    def close(self) -> None:
        self._snapshot = None
        self._analyses.clear()
        self._store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(
        self, *, batch_size: int = DEFAULT_BATCH_SIZE, wait: float | None = None
    ) -> Iterator[IndexWriter]:
        """Write to the index in batches (see :class:`IndexWriter`).

        Once it holds the write lock it calls :meth:`verify`: writing on top of a missing
        or damaged segment raises :class:`~unspin.CorruptIndexError` before anything is
        written.

        ``wait``: how many seconds to wait for another process's writer to finish
        (``None``, the default: as long as it takes; ``0``: raise
        :class:`~unspin.IndexLockedError` at once).
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        with contextlib.ExitStack() as held:
            with store_errors(self.path):  # taking the lock; not the caller's block
                store = held.enter_context(self._store.writer(wait=wait))
                # Writing on top of missing or damaged segments would only bury the
                # damage under new ones: say so before anything is written.
                self.verify()
            writer = IndexWriter(self, store, batch_size)
            yield writer
            writer.flush()

    def add(
        self,
        documents: Iterable[Document] | Document,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        wait: float | None = None,
    ) -> IngestCounts:
        """Add (or replace, by id) documents; return what was done."""
        if isinstance(documents, Document):
            documents = [documents]
        with self.writer(batch_size=batch_size, wait=wait) as writer:
            writer.add_documents(documents)
        return writer.counts

    @_store_errors
    def remove(self, ids: Iterable[str], *, wait: float | None = None) -> list[str]:
        """Remove documents by id; return the ids that were in the index, each once."""
        with self.writer(wait=wait) as writer:
            return writer.remove(ids)

    @_store_errors
    def compact(self, *, wait: float | None = None) -> None:
        """Merge all segments into one and drop the postings of removed documents."""
        with self.writer(wait=wait) as writer:
            writer.compact()

    # --- reading -------------------------------------------------------------------------

    @_store_errors
    def __len__(self) -> int:
        return self._store.counts()["documents"]

    @_store_errors
    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._store.document_by_id(doc_id) is not None

    @_store_errors
    def get(self, doc_id: str) -> StoredDocument | None:
        """The stored document with this id, or ``None``."""
        with self._lock:
            return self._store.document_by_id(doc_id)

    @_store_errors
    def sources(self, result: SearchResult) -> dict[str, Document]:
        """The stored documents of ``result``'s sources, id -> :class:`~unspin.io.Document`
        (the raw text as stored, HTML included, with its ``html`` flag and ``path``): the
        texts their passages' source spans index, as the reports need them. A source
        removed since the search is left out."""
        documents: dict[str, Document] = {}
        for match in result.matches:
            stored = self.get(match.id)
            if stored is not None:
                documents[match.id] = Document(
                    stored.id, stored.text, path=stored.path, html=stored.html
                )
        return documents

    def ids(self) -> Iterator[str]:
        """Every document id, in the order added."""
        return self._store.ids()

    @_store_errors
    def info(self) -> IndexInfo:
        """Counts, size on disk and format of the index."""
        counts = self._store.counts()
        meta = metadata_summary(self._store.meta())
        return IndexInfo(
            path=str(self.path),
            documents=counts["documents"],
            tombstones=counts["tombstones"],
            segments=counts["segments"],
            postings=counts["postings"],
            disk_bytes=self._store.disk_bytes(),
            **meta,
        )

    def _invalidate(self) -> None:
        self._snapshot = None

    @_store_errors
    def verify(self) -> None:
        """Open every segment afresh, as the first search would: raise
        :class:`~unspin.CorruptIndexError` now for one that is missing or damaged (the
        segments an earlier search mapped would hide a file deleted since)."""
        with self._lock:
            self._invalidate()
            self._current()

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == self._store.generation():
            return snapshot
        for attempt in range(3):
            generation, rows, live = self._store.snapshot()
            try:
                segments = [self._store.open_segment(row) for row in rows]
            except CorruptIndexError:
                # A writer may have merged these segments away since the snapshot.
                if attempt == 2 or self._store.generation() == generation:
                    raise
                continue
            documents = self._store.counts()["documents"]
            self._snapshot = _Snapshot(generation, segments, live, documents)
            self._analyses.clear()
            return self._snapshot
        raise AssertionError("unreachable")

    @_store_errors
    def search(
        self,
        text: str,
        *,
        html: bool | None = None,
        options: SearchOptions | None = None,
        exclude: Collection[str] = (),
    ) -> SearchResult:
        """Find the indexed documents ``text`` was copied or spun from, with passages.

        Retrieval proposes candidates by fingerprint evidence; alignment
        (:func:`unspin.align.align`) verifies them and only alignment calls a copy.
        Passage spans index ``text`` and each source's stored text (``get(id).text``).
        The documents with the ids in ``exclude`` are never proposed, as if removed: a
        document of the index searched for its sources is not its own (ids it does not
        hold are ignored). Safe to call from several threads (they take turns).
        """
        with self._lock:
            return self._search(text, html=html, options=options, exclude=exclude)

    def _search(
        self,
        text: str,
        *,
        html: bool | None = None,
        options: SearchOptions | None = None,
        exclude: Collection[str] = (),
    ) -> SearchResult:
        options = options or SearchOptions()
        is_html = looks_like_html(text) if html is None else html
        snapshot = self._current()
        live = snapshot.live
        if isinstance(exclude, str):  # one id, not its characters
            exclude = (exclude,)
        if exclude:
            excluded = np.asarray(self._store.nums_of(exclude), dtype=np.int64)
            excluded = excluded[excluded < len(live)]
            if len(excluded):
                live = live.copy()
                live[excluded] = False
        query = fingerprint_query(text, html=is_html, options=self.fingerprint_options)
        if is_html:  # words of the visible text, at their raw offsets
            visible = normalize(text, html_input=True, repair_unicode=False)
            starts = visible.offsets[word_starts(visible.text)]
        else:
            starts = word_starts(text)
        options = scaled_budget(options, len(starts))
        evidence = gather_evidence(
            query,
            snapshot.segments,
            live,
            snapshot.documents,
            max_df=options.max_df,
            window=options.window,
            weight_scale=self._weight_scale,
            keep=max(
                options.max_rejected * _CANDIDATES_PER_REJECTION,
                options.max_verified,
                options.top,
            ),
        )
        nums = [int(num) for num in evidence.documents]
        ids = self._store.ids_of(nums)
        analysis_options = options.align.analysis._replace(html_input=is_html)
        cached_query: list[TextAnalysis] = []

        def query_analysis() -> TextAnalysis:
            if not cached_query:
                cached_query.append(analyse_text(text, options=analysis_options))
            return cached_query[0]

        def source(num: int) -> SourceText | None:
            return self._source_analysis(num, options.align.analysis)

        prepared = Query(text, is_html, query.offset, query_analysis, analysis_options, starts)
        verified = verify_candidates(
            evidence, ids, prepared, source, options, self.fingerprint_options
        )
        coverage = covered_share(prepared, verified.spans)
        return SearchResult(verified.matches, coverage, verified.candidates)

    def _source_analysis(self, num: int, analysis_options: AnalysisOptions) -> SourceText | None:
        cached = self._analyses.get(num)
        if cached is not None:
            self._analyses.move_to_end(num)
            return cached
        document = self._store.documents([num]).get(num)
        if document is None:
            return None
        analysis = analyse_text(
            document.text, options=analysis_options._replace(html_input=document.html)
        )
        entry = SourceText(document.id, analysis, document.html)
        self._analyses[num] = entry
        while len(self._analyses) > _ANALYSIS_CACHE_SIZE:
            self._analyses.popitem(last=False)
        return entry
