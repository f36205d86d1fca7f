"""The work behind each request, as pure functions of plain data.

They run in worker processes (or a thread when the server has no workers), never on
the event loop: alignment is CPU-bound and would stall every other connection. A
process opens the server's index once (:func:`warm_up`, or its first search) and keeps
it: the segments are memory-mapped, so workers share the page cache, and each search
sees the batches committed since the last one.
"""

from __future__ import annotations

import collections
import os
import threading
from pathlib import Path
from typing import NamedTuple

from unspin.index import Index, SearchOptions
from unspin.index._store import DATABASE_NAME
from unspin.io import Document
from unspin.report import (
    Report,
    compare_documents,
    report_from_search,
    report_to_csv,
    report_to_html,
    report_to_json,
    search_result_to_json,
)
from unspin.server._schema import OutputFormat

__all__ = [
    "Rendered",
    "compare_job",
    "hold_index",
    "release_index",
    "render",
    "search_job",
    "warm_up",
]

_MEDIA_TYPES = {
    OutputFormat.JSON: "application/json",
    OutputFormat.HTML: "text/html; charset=utf-8",
    OutputFormat.CSV: "text/csv; charset=utf-8",
}


class Rendered(NamedTuple):
    """A report rendered for a response."""

    body: str
    media_type: str
    verdict: str


def render(report: Report, output: OutputFormat) -> Rendered:
    if output is OutputFormat.HTML:
        body = report_to_html(report)
    elif output is OutputFormat.CSV:
        body = report_to_csv(report)
    else:
        body = report_to_json(report, indent=None)
    verdicts = [str(result.alignment.verdict) for result in report.sources]
    return Rendered(body, _MEDIA_TYPES[output], verdicts[0] if len(verdicts) == 1 else "")


def compare_job(suspicious: Document, source: Document, output: OutputFormat) -> Rendered:
    """Align the two documents and render the report."""
    return render(compare_documents(suspicious, source), output)


class _Opened(NamedTuple):
    handle: Index  # (a field named index would hide tuple.index)
    database: tuple[int, int] | None  # (device, inode) of its database when opened


_indexes: dict[str, _Opened] = {}
_holders: collections.Counter[str] = collections.Counter()
_indexes_lock = threading.Lock()


def _database_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(Path(path) / DATABASE_NAME)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _index(path: str) -> Index:
    """This process's open index at ``path`` (an :class:`Index` is safe to share
    between threads: they take turns). An index directory replaced while the server
    runs (restored from a backup, rebuilt and moved into place) is opened anew: the
    open one would go on reading the deleted files, or failing on them, for good. The
    replaced one is left to close when the searches still using it let go."""
    identity = _database_identity(path)
    with _indexes_lock:
        opened = _indexes.get(path)
        if opened is None or opened.database != identity:
            opened = _indexes[path] = _Opened(Index.open(path), identity)
        return opened.handle


def hold_index(path: str) -> None:
    """Open the index at ``path`` in this process for an app that searches in threads;
    it stays open until every app holding it has called :func:`release_index`."""
    _index(path)
    with _indexes_lock:
        _holders[path] += 1


def release_index(path: str) -> None:
    with _indexes_lock:
        _holders[path] -= 1
        if _holders[path] <= 0:
            del _holders[path]
            opened = _indexes.pop(path, None)
            if opened is not None:
                opened.handle.close()


def search_job(
    index_path: str,
    suspicious: Document,
    top: int,
    output: OutputFormat,
    min_coverage: float = 0.0,
) -> Rendered:
    """Search the index for the sources of ``suspicious`` and render the result: JSON as
    ``unspin.search/1``, HTML and CSV as the report of the query against every source."""
    index = _index(index_path)
    options = SearchOptions(top=top, min_coverage=min_coverage)
    result = index.search(suspicious.text, html=suspicious.html, options=options)
    sources = index.sources(result)
    verdict = str(result.verdict)
    if output is OutputFormat.JSON:  # the same as the report's export, without its figures
        body = search_result_to_json(
            result,
            query_name=suspicious.id,
            query_text=suspicious.text,
            source_texts={doc_id: source.text for doc_id, source in sources.items()},
            indent=None,
        )
        return Rendered(body, _MEDIA_TYPES[output], verdict)
    report = report_from_search(suspicious, result, sources, options=options)
    return render(report, output)._replace(verdict=verdict)


_WARM_UP_TEXT = (
    "The leaders held their first summit in the city on Thursday and agreed to meet "
    "again in the spring to talk about trade, security and the future of the region."
)


def warm_up(index_path: str | None = None) -> None:
    """Load the lexicon and run one tiny alignment, so a worker's first request is not
    the slow one; open the index, if the server has one."""
    document = Document("warm-up", _WARM_UP_TEXT)
    compare_job(document, document, OutputFormat.JSON)
    if index_path is not None:
        _index(index_path)
