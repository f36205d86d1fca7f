"""Batch search: many suspicious documents against one index, on all cores.

Each worker process opens the index once (segments are memory-mapped, so the page cache
is shared between workers) and keeps its own cache of source analyses; documents are
handed out in small chunks and results come back in input order.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple

from unspin._exceptions import UnspinError, WorkerError
from unspin._workers import prepare_worker
from unspin.index._index import Index
from unspin.index._types import SearchOptions, SearchResult
from unspin.io import Document

__all__ = ["CheckedDocument", "check_documents"]

# Documents in flight per worker: enough to keep workers busy, few enough to bound memory.
_IN_FLIGHT_PER_WORKER = 8


class CheckedDocument(NamedTuple):
    """One checked document with its search result and the stored documents of its
    sources (id -> :class:`~unspin.io.Document`, as :meth:`Index.sources` gives them), or
    the one-line error that stopped its search."""

    document: Document
    result: SearchResult | None
    sources: dict[str, Document]
    error: str | None = None

    @property
    def source_texts(self) -> dict[str, str]:
        """The stored text of each source, id -> text."""
        return {doc_id: source.text for doc_id, source in self.sources.items()}


_worker_index: Index | None = None
_worker_options: SearchOptions | None = None
_worker_exclude_self = False


def _start_worker(parent: int, path: str, options: SearchOptions, exclude_self: bool) -> None:
    global _worker_index, _worker_options, _worker_exclude_self
    prepare_worker(parent)
    _worker_index = Index.open(path)
    _worker_options = options
    _worker_exclude_self = exclude_self


def _check_one(document: Document) -> CheckedDocument:
    index, options = _worker_index, _worker_options
    if index is None or options is None:
        raise RuntimeError("worker not started")
    return _search(index, document, options, exclude_self=_worker_exclude_self)


def _search(
    index: Index, document: Document, options: SearchOptions, *, exclude_self: bool
) -> CheckedDocument:
    exclude = (document.id,) if exclude_self else ()
    try:
        result = index.search(document.text, html=document.html, options=options, exclude=exclude)
    except UnspinError as exc:
        return CheckedDocument(document, None, {}, str(exc))
    return CheckedDocument(document, result, index.sources(result))


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork shares the loaded lexicon and code tables copy-on-write; elsewhere spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _skipping(documents: Iterable[Document], skip: Mapping[str, int]) -> Iterator[Document]:
    """Pass over the first ``skip[id]`` documents with each id: counted, not just
    looked up, so an id given twice is skipped once when the report holds it once."""
    left = collections.Counter(skip)
    for document in documents:
        if left[document.id] > 0:
            left[document.id] -= 1
            continue
        yield document


def check_documents(
    index_path: str | Path,
    documents: Iterable[Document],
    *,
    jobs: int | None = None,
    options: SearchOptions | None = None,
    exclude_self: bool = False,
    skip: Mapping[str, int] | None = None,
) -> Iterator[CheckedDocument]:
    """Search the index for the sources of every document; yield results in input order.

    ``jobs`` worker processes (default: all cores; 1 searches in this process). With
    ``exclude_self``, the indexed document with a document's own id is never its source
    (checking a collection against an index of itself, as dedup does). ``skip`` (id ->
    count) passes over that many documents with each id, unsearched and not yielded: the
    ones an earlier, interrupted run already checked (``unspin check --resume``). The
    index is opened here first, so a missing or damaged one raises before any work. A
    worker process that dies (killed, or out of memory) raises
    :class:`~unspin.WorkerError`; the results yielded before it stand.
    """
    options = options or SearchOptions()
    workers = jobs or os.cpu_count() or 1
    if skip:
        documents = _skipping(documents, skip)
    with Index.open(index_path) as index:
        if workers <= 1:
            for document in documents:
                yield _search(index, document, options, exclude_self=exclude_self)
            return
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_pool_context(),
        initializer=_start_worker,
        initargs=(os.getpid(), str(index_path), options, exclude_self),
    )
    pending: list[Future[CheckedDocument]] = []
    try:
        for document in documents:
            pending.append(executor.submit(_check_one, document))
            while len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
    except BrokenProcessPool:  # from submit() as well as result()
        raise WorkerError("a worker process died (killed by a signal, or out of memory?)") from None
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
