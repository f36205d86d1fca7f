"""Batch alignment of a PAN-layout corpus, on all cores.

Pairs that share documents are handed to worker processes together, in chunks of
whole connected components (:func:`plan_chunks`): a suspicious document appears in
several pairs and sources repeat, and this way each document is read and analysed
exactly once, then dropped when its last pair is done.

Ctrl-C stops a batch between pairs: workers ignore SIGINT and poll a shared stop flag
that the parent sets, so no output file is cut mid-write and the parent does not wait
for whole chunks to finish.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import NamedTuple

from unspin._exceptions import FormatError, InputError, OutputError
from unspin._workers import prepare_worker
from unspin.align._engine import AlignOptions, align
from unspin.io._files import read_document
from unspin.report._pan import alignment_to_pan_features, write_pan_xml
from unspin.text._analysis import TextAnalysis, analyse_text

__all__ = [
    "PairOutcome",
    "align_pan_corpus",
    "default_jobs",
    "pan_output_name",
    "plan_chunks",
    "read_pairs",
]


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
    if file.is_dir():
        raise InputError(f"{file}: is a directory, expected a pairs file")
    if not file.is_file():
        raise InputError(f"{file}: no such pairs file")
    pairs: list[tuple[str, str]] = []
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{file}: not a pairs file (not UTF-8 text)") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read ({exc.strerror or exc})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise FormatError(f"{file}:{number}: expected 'suspicious-file source-file'")
        if "\x00" in line:
            raise FormatError(f"{file}:{number}: a file name holds a NUL byte")
        pairs.append((fields[0], fields[1]))
    return pairs


def pan_output_name(suspicious: str, source: str) -> str:
    return f"{Path(suspicious).stem}-{Path(source).stem}.xml"


class _ChunkDocuments:
    """The analysed documents of one chunk, each analysed once and kept until its last
    pair in the chunk is done. A document that cannot be used is remembered as its
    error, so it is read only once too."""

    def __init__(self, chunk: Sequence[tuple[Path, Path]], options: AlignOptions) -> None:
        self._options = options
        self._uses = Counter(path for pair in chunk for path in pair)
        self._entries: dict[Path, TextAnalysis | InputError] = {}

    def get(self, path: Path) -> TextAnalysis:
        entry = self._entries.get(path)
        if entry is None:
            try:
                document = read_document(path)
                entry = analyse_text(document.text, options=self._options.analysis)
            except InputError as error:
                entry = error
            self._entries[path] = entry
        if isinstance(entry, InputError):
            raise entry
        return entry

    def done_with(self, path: Path) -> None:
        self._uses[path] -= 1
        if self._uses[path] <= 0:
            self._entries.pop(path, None)


# Set by the parent when the batch is interrupted; seen by workers between pairs.
_stop: Event | None = None


def _start_worker(parent: int, stop: Event) -> None:
    global _stop
    prepare_worker(parent)  # the parent decides when to stop
    _stop = stop


def _align_chunk(
    chunk: Sequence[tuple[str, str]],
    source_dir: str,
    suspicious_dir: str,
    out_dir: str,
    options: AlignOptions,
) -> list[PairOutcome]:
    paths = [(Path(suspicious_dir) / s, Path(source_dir) / r) for s, r in chunk]
    documents = _ChunkDocuments(paths, options)
    outcomes: list[PairOutcome] = []
    for (suspicious, source), (suspicious_path, source_path) in zip(chunk, paths, strict=True):
        if _stop is not None and _stop.is_set():
            break
        started = time.perf_counter()
        output = Path(out_dir) / pan_output_name(suspicious, source)
        try:
            analysis_s = documents.get(suspicious_path)
            analysis_r = documents.get(source_path)
            result = align(analysis_s, analysis_r, options=options)
        except InputError as exc:
            # An unusable document has no detections; the batch goes on.
            write_pan_xml(output, suspicious, [])
            outcomes.append(
                PairOutcome(suspicious, source, 0, time.perf_counter() - started, str(exc))
            )
        else:
            features = alignment_to_pan_features(result, suspicious=suspicious, source=source)
            write_pan_xml(output, suspicious, features)
            outcomes.append(
                PairOutcome(suspicious, source, len(features), time.perf_counter() - started)
            )
        documents.done_with(suspicious_path)
        documents.done_with(source_path)
    return outcomes


def plan_chunks(pairs: Sequence[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    """Pairs in chunks such that every document's pairs share one chunk.

    Pairs that share a document, directly or through other pairs, form a connected
    component of the suspicious-source graph; a chunk holds whole components, so each
    document is read and analysed exactly once in the batch. Components are packed
    into chunks of about ``size`` pairs (a larger component is a chunk of its own),
    largest first, so the last chunks to finish are small and the workers end
    together. Within a component, pairs are sorted.
    """
    parent: dict[tuple[bool, str], tuple[bool, str]] = {}

    def root(node: tuple[bool, str]) -> tuple[bool, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    for suspicious, source in pairs:
        a, b = root((True, suspicious)), root((False, source))
        if a != b:
            parent[a] = b
    components: dict[tuple[bool, str], list[tuple[str, str]]] = {}
    for pair in pairs:
        components.setdefault(root((True, pair[0])), []).append(pair)
    ordered = sorted((sorted(c) for c in components.values()), key=lambda c: (-len(c), c[0]))
    chunks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for component in ordered:
        if current and len(current) + len(component) > size:
            chunks.append(current)
            current = []
        current.extend(component)
    if current:
        chunks.append(current)
    return chunks


def _warm_up() -> None:
    """Load the per-process tables before workers are forked, so they share them."""
    from unspin.text._forms import form_table
    from unspin.text._normalize import _ftfy_shortcut
    from unspin.text._tokenize import _word_chars

    form_table()
    _word_chars()
    _ftfy_shortcut()


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
    names: dict[str, tuple[str, str]] = {}
    for pair in pairs:  # one detection file per pair: two must not share a name
        earlier = names.setdefault(pan_output_name(*pair), pair)
        if earlier != pair:
            raise FormatError(
                f"{pairs_file}: pairs '{' '.join(earlier)}' and '{' '.join(pair)}' would write "
                f"the same detection file {pan_output_name(*pair)}"
            )
    for directory in (source_dir, suspicious_dir):
        if os.path.realpath(out_dir) == os.path.realpath(directory):
            raise InputError(f"{out_dir}: is an input directory; write the detections elsewhere")
        if not Path(directory).is_dir():
            what = "not a directory" if Path(directory).exists() else "no such directory"
            raise InputError(f"{directory}: {what}")
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"{out_dir}: cannot create the output directory ({exc.strerror})"
        raise OutputError(message) from None
    # Passages only: the word-level account is not part of PAN output.
    options = (options or AlignOptions())._replace(rewrites=False)
    jobs = jobs or default_jobs()
    chunks = plan_chunks(pairs, chunk_size)
    outcomes: list[PairOutcome] = []
    arguments = (str(source_dir), str(suspicious_dir), str(out_dir), options)
    if jobs == 1 or len(chunks) <= 1:
        for chunk in chunks:
            done = _align_chunk(chunk, *arguments)
            outcomes.extend(done)
            if progress:
                progress(len(done))
        return _in_pair_order(outcomes)
    _warm_up()
    context = multiprocessing.get_context()
    stop = context.Event()
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), stop),
    )
    try:
        futures = [pool.submit(_align_chunk, chunk, *arguments) for chunk in chunks]
        for future in futures:
            done = future.result()
            outcomes.extend(done)
            if progress:
                progress(len(done))
    except BaseException:
        # Interrupted or failed: drop the queued chunks, let the running ones stop after
        # their current pair, and wait for that (a pair takes milliseconds).
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return _in_pair_order(outcomes)


def _in_pair_order(outcomes: list[PairOutcome]) -> list[PairOutcome]:
    return sorted(outcomes, key=lambda outcome: (outcome.suspicious, outcome.source))
