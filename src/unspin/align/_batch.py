"""Batch alignment of a PAN-layout corpus, on all cores.

Pairs are grouped by suspicious document and handed to worker processes in chunks,
each worker keeping a small cache of analysed documents: a suspicious document
appears in several pairs and sources repeat, so most texts are analysed once.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from unspin._exceptions import FormatError, InputError
from unspin.align._engine import AlignOptions, align
from unspin.io._files import read_document
from unspin.report._pan import alignment_to_pan_features, write_pan_xml
from unspin.text._analysis import TextAnalysis, analyse_text

__all__ = ["PairOutcome", "align_pan_corpus", "pan_output_name", "read_pairs"]


class PairOutcome(NamedTuple):
    """What happened to one pair of a batch."""

    suspicious: str
    source: str
    passages: int
    seconds: float
    error: str | None = None


def read_pairs(path: str | Path) -> list[tuple[str, str]]:
    """Read a PAN pairs file: one ``suspicious-file source-file`` per line."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such pairs file")
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise FormatError(f"{file}:{number}: expected 'suspicious-file source-file'")
        pairs.append((fields[0], fields[1]))
    return pairs


def pan_output_name(suspicious: str, source: str) -> str:
    return f"{Path(suspicious).stem}-{Path(source).stem}.xml"


class _AnalysisCache:
    """Least-recently-used cache of analysed files."""

    def __init__(self, options: AlignOptions, capacity: int = 64) -> None:
        self._options = options
        self._capacity = capacity
        self._entries: OrderedDict[Path, TextAnalysis] = OrderedDict()

    def get(self, path: Path) -> TextAnalysis:
        analysis = self._entries.get(path)
        if analysis is not None:
            self._entries.move_to_end(path)
            return analysis
        document = read_document(path)
        analysis = analyse_text(document.text, options=self._options.analysis)
        self._entries[path] = analysis
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return analysis


_worker_state: dict[str, object] = {}


def _align_chunk(
    chunk: Sequence[tuple[str, str]],
    source_dir: str,
    suspicious_dir: str,
    out_dir: str,
    options: AlignOptions,
) -> list[PairOutcome]:
    cache = _worker_state.get("cache")
    if not isinstance(cache, _AnalysisCache):
        cache = _AnalysisCache(options)
        _worker_state["cache"] = cache
    outcomes: list[PairOutcome] = []
    for suspicious, source in chunk:
        started = time.perf_counter()
        try:
            analysis_s = cache.get(Path(suspicious_dir) / suspicious)
            analysis_r = cache.get(Path(source_dir) / source)
            result = align(analysis_s, analysis_r, options=options)
        except InputError as exc:
            # An unusable document has no detections; the batch goes on.
            write_pan_xml(Path(out_dir) / pan_output_name(suspicious, source), suspicious, [])
            outcomes.append(
                PairOutcome(suspicious, source, 0, time.perf_counter() - started, str(exc))
            )
            continue
        features = alignment_to_pan_features(result, suspicious=suspicious, source=source)
        write_pan_xml(Path(out_dir) / pan_output_name(suspicious, source), suspicious, features)
        outcomes.append(
            PairOutcome(suspicious, source, len(features), time.perf_counter() - started)
        )
    return outcomes


def _chunks(pairs: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    # Sorted by suspicious document, so a document's pairs share a worker's cache.
    ordered = sorted(pairs)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def align_pan_corpus(
    pairs_file: str | Path,
    source_dir: str | Path,
    suspicious_dir: str | Path,
    out_dir: str | Path,
    *,
    jobs: int | None = None,
    options: AlignOptions | None = None,
    chunk_size: int = 24,
    progress: Callable[[int], None] | None = None,
) -> list[PairOutcome]:
    """Align every pair of a PAN corpus, writing ``<susp>-<src>.xml`` files into
    ``out_dir``. ``jobs`` defaults to all cores; ``progress`` is called with the
    number of pairs just finished."""
    pairs = read_pairs(pairs_file)
    for directory in (source_dir, suspicious_dir):
        if not Path(directory).is_dir():
            raise InputError(f"{directory}: no such directory")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    # Passages only: the word-level account is not part of PAN output.
    options = (options or AlignOptions())._replace(rewrites=False)
    jobs = jobs or os.cpu_count() or 1
    outcomes: list[PairOutcome] = []
    arguments = (str(source_dir), str(suspicious_dir), str(out_dir), options)
    if jobs == 1:
        for chunk in _chunks(pairs, chunk_size):
            done = _align_chunk(chunk, *arguments)
            outcomes.extend(done)
            if progress:
                progress(len(done))
        return outcomes
    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        futures = [
            pool.submit(_align_chunk, chunk, *arguments) for chunk in _chunks(pairs, chunk_size)
        ]
        for future in futures:
            done = future.result()
            outcomes.extend(done)
            if progress:
                progress(len(done))
    except BaseException:
        # Interrupted or failed: drop the queued chunks instead of finishing them.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return outcomes
