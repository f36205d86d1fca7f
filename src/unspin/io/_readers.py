"""Readers for collections of documents: files, directories, JSONL, CSV/TSV, Parquet, HTML.

:func:`read_documents` turns the inputs a user names (files and directories, mixed) into a
stream of :class:`~unspin.io.Document`. Paths that do not exist are refused up front with one
clear :class:`~unspin.InputError`; everything found *inside* the inputs that cannot be used
(a binary or empty file in a directory, a JSONL line that is not JSON, a record without
text) is skipped, reported through ``on_skip`` and never fatal, so one bad file cannot stop
the ingest of a million good ones.

Formats are chosen per file by name (``--format auto``), or forced for every file:

========================  =======================================================
name                      read as
========================  =======================================================
``*.jsonl``, ``*.ndjson`` one JSON object per line; ``id_field`` and ``text_field``
``*.csv`` / ``*.tsv``     a header row, then records; ``id_field`` and ``text_field``
``*.parquet``             columns ``id_field`` and ``text_field`` (needs pyarrow)
``*.html``, ``*.htm``     one document, read as HTML
anything else             one plain-text document (UTF-8, UTF-16/32 with BOM, cp1252)
========================  =======================================================

JSONL, CSV and TSV may be gzip-compressed (``*.jsonl.gz``). A file's document id is its path
as reached from the input (``news/business/001.txt``); a record's id is its ``id_field``
value, or ``<file>:<record number>`` when it has none.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from unspin._exceptions import InputError, InputNotFoundError
from unspin.io._files import (
    DEFAULT_MAX_BYTES,
    Document,
    _unicode_bom,
    format_mib,
    missing_reason,
    read_document,
    shown_path,
)
from unspin.text._normalize import looks_like_html

__all__ = [
    "InputFormat",
    "SkippedInput",
    "input_files",
    "read_documents",
]


class InputFormat(StrEnum):
    """How an input file is read."""

    AUTO = "auto"
    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"


class SkippedInput(NamedTuple):
    """Something inside the inputs that was not read: where it is and why, and whether
    it is a link to a directory, which the walk does not follow (rather than a file, a
    record, or a directory that could not be listed: those are lost input)."""

    where: str
    reason: str
    directory: bool = False


_DEFAULT_ID_FIELD = "id"
_RECORD_FORMATS = frozenset({InputFormat.JSONL, InputFormat.CSV, InputFormat.TSV})
_SUFFIX_FORMATS = {
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".csv": InputFormat.CSV,
    ".tsv": InputFormat.TSV,
    ".parquet": InputFormat.PARQUET,
    ".html": InputFormat.HTML,
    ".htm": InputFormat.HTML,
    ".xhtml": InputFormat.HTML,
}
_PARQUET_BATCH_ROWS = 2048
# JSON can spell a lone surrogate ("\udc00"), which no UTF-8 file or database can hold.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate made U+FFFD: one character for one, so the
    offsets into it stand."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


_NOT_FOLLOWED = "a symbolic link to a directory, not followed (name it as an input to read it)"


def _format_of(path: Path) -> InputFormat:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _SUFFIX_FORMATS.get(os.path.splitext(name)[1], InputFormat.TEXT)


def input_files(
    inputs: Iterable[str | Path],
    *,
    recursive: bool = True,
    exclude: Iterable[str | Path] = (),
    on_skip: Callable[[SkippedInput], None] | None = None,
) -> list[tuple[Path, str]]:
    """The files the inputs name, each with its display name, in a stable order.

    Directories are walked (recursively unless ``recursive=False``) in sorted order,
    hidden files and directories (``.name``) and symlinks to directories left out, and
    so are the files of ``exclude`` (a run's own output, written inside the directory
    it reads). A walk does not follow a symbolic link to a directory (it could loop, or
    lead out of the tree); ``on_skip`` is called for each one it passes over. Raise
    :class:`~unspin.InputNotFoundError` for an input path that does not exist.
    """
    exclude = list(exclude)
    excluded = {os.path.realpath(path) for path in exclude}
    # realpath is a few system calls: only for files named as an excluded one is (by the
    # name given, or the name a symbolic link points to)
    excluded_names = {os.path.basename(path) for path in (*exclude, *excluded)}
    files: list[tuple[Path, str]] = []
    for given in inputs:
        path = Path(given)
        try:
            path.stat()
        except FileNotFoundError:
            raise InputNotFoundError(
                f"{given}: {missing_reason(path, 'no such file or directory')}"
            ) from None
        except OSError as exc:
            reason = missing_reason(path, f"cannot read ({exc.strerror or exc})")
            raise InputError(f"{given}: {reason}") from None
        if not path.is_dir():
            files.append((path, shown_path(str(given))))
            continue
        files += _walk(path, recursive, on_skip or (lambda _: None))
    if excluded:
        files = [
            (file, name)
            for file, name in files
            if file.name not in excluded_names or os.path.realpath(file) not in excluded
        ]
    return files


def _walk(
    top: Path, recursive: bool, on_skip: Callable[[SkippedInput], None]
) -> list[tuple[Path, str]]:
    """The files under ``top``, depth first in sorted order, as ``input_files`` walks
    them. Iterative, so that no depth of tree exhausts the stack; a directory that cannot
    be listed, a link to a directory and a file that is not a regular one (a FIFO or a
    device, which a reader would wait on or read forever) are told to ``on_skip``."""
    files: list[tuple[Path, str]] = []
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(
                    (entry for entry in listing if not entry.name.startswith(".")),
                    key=lambda entry: entry.name,
                )
        except OSError as exc:
            where = shown_path(directory.as_posix())
            on_skip(SkippedInput(where, f"cannot read ({exc.strerror or exc})"))
            continue
        below: list[Path] = []
        for entry in entries:
            path = directory / entry.name
            shown = shown_path(path.as_posix())
            try:
                is_directory, is_file = entry.is_dir(), entry.is_file()
            except OSError:  # cannot be looked at: the reader says why
                is_directory, is_file = False, True
            if is_directory:
                if not recursive:  # no subdirectory is read: a link to one is no loss
                    continue
                if entry.is_symlink():
                    on_skip(SkippedInput(shown, _NOT_FOLLOWED, directory=True))
                else:
                    below.append(path)
            elif is_file or not os.path.exists(path):  # a broken link: the reader says so
                files.append((path, shown))
            else:
                on_skip(SkippedInput(shown, "not a regular file"))
        pending += reversed(below)
    return files


def read_documents(
    inputs: Iterable[str | Path],
    *,
    input_format: InputFormat | str = InputFormat.AUTO,
    id_field: str = _DEFAULT_ID_FIELD,
    text_field: str = "text",
    recursive: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_skip: Callable[[SkippedInput], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    exclude: Iterable[str | Path] = (),
) -> Iterator[Document]:
    """Every document in ``inputs`` (files and directories), in a stable order.

    ``on_skip`` is called for each file or record that is skipped; ``on_progress`` with
    the number of bytes of input consumed since its last call (for a progress bar over
    the total of :func:`input_files` sizes). ``max_bytes`` limits single text/HTML files
    and single lines of JSON lines and fields of CSV/TSV (in characters);
    record files (JSONL, CSV, Parquet) may be of any size. ``exclude``: files never read
    (as for :func:`input_files`). Missing input paths raise
    :class:`~unspin.InputNotFoundError` before anything is read.
    """
    chosen = InputFormat(input_format)
    skip = on_skip or (lambda _: None)
    files = input_files(inputs, recursive=recursive, exclude=exclude, on_skip=skip)
    return _read_all(
        files,
        chosen,
        _Fields(id_field, text_field),
        max_bytes,
        skip,
        on_progress or (lambda _: None),
    )


class _Fields(NamedTuple):
    id: str
    text: str


def _read_all(
    files: list[tuple[Path, str]],
    chosen: InputFormat,
    fields: _Fields,
    max_bytes: int,
    skip: Callable[[SkippedInput], None],
    progress: Callable[[int], None],
) -> Iterator[Document]:
    for path, name in files:
        file_format = _format_of(path) if chosen is InputFormat.AUTO else chosen
        try:
            size = path.stat().st_size
        except OSError as exc:
            skip(SkippedInput(name, f"cannot read ({exc.strerror})"))
            continue
        if file_format in _RECORD_FORMATS:
            yield from _read_records(path, name, file_format, fields, skip, progress, max_bytes)
        elif file_format is InputFormat.PARQUET:
            yield from _read_parquet(path, name, fields, skip, progress, size)
        else:
            try:
                document = read_document(path, max_bytes=max_bytes, doc_id=name)
            except InputError as exc:
                skip(SkippedInput(name, _reason(exc, path)))
            else:
                if file_format is InputFormat.HTML and not document.html:
                    document = document._replace(html=True)
                yield document
            progress(size)


def _reason(exc: Exception, path: Path) -> str:
    """The message of ``exc`` without the path it starts with."""
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


class _CountingReader(io.RawIOBase):
    """Wraps a binary file and reports the bytes read from it (compressed bytes for gzip)."""

    def __init__(self, raw: IO[bytes], progress: Callable[[int], None]) -> None:
        self._raw = raw
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        if count:
            self._progress(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


def _open_text(stack: contextlib.ExitStack, path: Path, progress: Callable[[int], None]) -> IO[str]:
    """``path`` as text (gunzipped by name), closed with ``stack``."""
    raw = stack.enter_context(path.open("rb"))
    counted = stack.enter_context(io.BufferedReader(_CountingReader(raw, progress), 1 << 16))
    binary: IO[bytes] = counted
    if path.name.endswith(".gz"):
        binary = cast(IO[bytes], stack.enter_context(gzip.GzipFile(fileobj=counted)))
    # UTF-8 (its BOM dropped), or UTF-16 or UTF-32 where a byte-order mark says so
    peek = getattr(binary, "peek", None)
    encoding = (_unicode_bom(peek(4)[:4]) if peek is not None else None) or "utf-8-sig"
    return stack.enter_context(
        io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    )


def _record_document(
    record: Any, fields: _Fields, where: str, fallback_id: str
) -> Document | SkippedInput:
    if not isinstance(record, dict):
        return SkippedInput(where, "not an object")
    text = record.get(fields.text)
    if not isinstance(text, str):
        if text is None:
            return SkippedInput(where, f"no {fields.text!r} field")
        return SkippedInput(where, f"{fields.text!r} is not a string")
    if not text.strip():
        return SkippedInput(where, "empty text")
    raw_id = record.get(fields.id)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float) or raw_id == "":
        doc_id = fallback_id
    else:
        doc_id = _without_surrogates(str(raw_id))
    text = _without_surrogates(text)
    return Document(id=doc_id, text=text, path=None, html=looks_like_html(text))


def _read_records(
    path: Path,
    name: str,
    file_format: InputFormat,
    fields: _Fields,
    skip: Callable[[SkippedInput], None],
    progress: Callable[[int], None],
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document]:
    with contextlib.ExitStack() as stack:
        try:
            handle = _open_text(stack, path, progress)
        except OSError as exc:
            skip(SkippedInput(name, f"cannot read ({exc.strerror})"))
            return
        try:
            if file_format is InputFormat.JSONL:
                yield from _jsonl_records(handle, name, fields, skip, max_bytes)
            else:
                yield from _csv_records(handle, name, file_format, fields, skip, max_bytes)
        except (OSError, EOFError, UnicodeError) as exc:
            # A damaged gzip stream or a read error part-way: keep what was read.
            skip(SkippedInput(name, f"cannot read further ({exc})"))


def _bounded_lines(handle: IO[str], limit: int) -> Iterator[str | None]:
    """The lines of ``handle``, ``None`` for each one longer than ``limit`` characters
    (read past, never held whole: a gzip bomb or ``/dev/zero`` is one endless line)."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith("\n"):
            yield line
            continue
        while line and not line.endswith("\n"):
            line = handle.readline(1 << 20)
        yield None


def _jsonl_records(
    handle: IO[str],
    name: str,
    fields: _Fields,
    skip: Callable[[SkippedInput], None],
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document]:
    first = True
    for number, line in enumerate(_bounded_lines(handle, max_bytes), start=1):
        where = f"{name}:{number}"
        if line is None:
            limit = f"{format_mib(max_bytes)} MiB"
            skip(SkippedInput(where, f"a line over the {limit} limit (raise it with --max-size)"))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            if number == 1 and "\x00" in line:
                skip(SkippedInput(name, "looks like binary data, not JSON lines"))
                return
            skip(SkippedInput(where, "not valid JSON"))
            continue
        if first and isinstance(record, dict):
            first = False
            # As for a table's header: an id field asked for by name that the first
            # record lacks is most likely misspelt (every record would get a made-up id).
            if fields.id != _DEFAULT_ID_FIELD and fields.id not in record:
                keys = _listed([str(key) for key in record])
                reason = f"no {fields.id!r} field for the ids in its first record (fields: {keys})"
                skip(SkippedInput(name, reason))
                return
        result = _record_document(record, fields, where, where)
        if isinstance(result, SkippedInput):
            skip(result)
        else:
            yield result


def _missing_column(fields: _Fields, columns: Sequence[str]) -> str | None:
    """Why a table cannot be read with ``fields``: no text column, or no column of the
    id field when one other than the default was asked for (a misspelt name would
    otherwise give every row a made-up id, and a second copy of each document in an
    index); ``None`` when it can."""
    if fields.text not in columns:
        return f"no {fields.text!r} column (columns: {_listed(columns)})"
    if fields.id != _DEFAULT_ID_FIELD and fields.id not in columns:
        return f"no {fields.id!r} column for the ids (columns: {_listed(columns)})"
    for field in dict.fromkeys(fields):
        named = list(columns).count(field)
        if named > 1:  # which one is meant cannot be told
            return f"{named} columns named {field!r}"
    return None


def _listed(columns: Sequence[str], *, shown: int = 8, length: int = 40) -> str:
    """The first ``shown`` column names for a message, each cut to ``length`` characters
    (a header can be anything: a file that is not a table at all, one huge cell)."""
    names = [
        repr(column if len(column) <= length else column[:length] + "…")
        for column in columns[:shown]
    ]
    more = len(columns) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


class _LineTooLong(Exception):
    """A line of a table longer than the size limit (a table cannot be read past it)."""


def _csv_lines(handle: IO[str], limit: int) -> Iterator[str]:
    for line in _bounded_lines(handle, limit):
        if line is None:
            raise _LineTooLong
        yield line


def _csv_records(
    handle: IO[str],
    name: str,
    file_format: InputFormat,
    fields: _Fields,
    skip: Callable[[SkippedInput], None],
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document]:
    # The csv module holds a whole line and a whole field: bound both, as a JSON line is.
    csv.field_size_limit(max_bytes)
    delimiter = "\t" if file_format is InputFormat.TSV else ","
    too_long = f"over the {format_mib(max_bytes)} MiB limit (raise it with --max-size)"
    try:
        reader = csv.DictReader(_csv_lines(handle, max_bytes), delimiter=delimiter)
        header = reader.fieldnames
    except csv.Error as exc:
        skip(SkippedInput(name, f"not valid {file_format.value.upper()} ({exc})"))
        return
    except _LineTooLong:
        skip(SkippedInput(name, f"a header line {too_long}"))
        return
    if header is None:
        skip(SkippedInput(name, "is empty"))
        return
    missing = _missing_column(fields, header)
    if missing is not None:
        skip(SkippedInput(name, missing))
        return
    number = 0
    while True:
        number += 1
        where = f"{name}:{number}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _LineTooLong) as exc:
            reason = f"not valid {file_format.value.upper()} ({exc})"
            if isinstance(exc, _LineTooLong):
                reason = f"a line {too_long}"
            elif "field larger than field limit" in str(exc):
                reason = f"a field {too_long}"
            skip(SkippedInput(where, f"{reason}; the rest of the file is not read"))
            return
        result = _record_document(row, fields, where, where)
        if isinstance(result, SkippedInput):
            skip(result)
        else:
            yield result


def _read_parquet(
    path: Path,
    name: str,
    fields: _Fields,
    skip: Callable[[SkippedInput], None],
    progress: Callable[[int], None],
    size: int,
) -> Iterator[Document]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            f"{name}: reading Parquet needs pyarrow (pip install 'unspin[parquet]')"
        ) from None
    try:
        parquet = pq.ParquetFile(path)
        columns = parquet.schema_arrow.names
    except Exception as exc:  # pyarrow raises its own errors for a damaged file
        skip(SkippedInput(name, f"not a readable Parquet file ({type(exc).__name__})"))
        progress(size)
        return
    missing = _missing_column(fields, columns)
    if missing is not None:
        skip(SkippedInput(name, missing))
        progress(size)
        return
    wanted = [fields.text] + ([fields.id] if fields.id in columns else [])
    rows = max(parquet.metadata.num_rows, 1)
    reported = 0
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=wanted):
            for record in batch.to_pylist():
                number += 1
                where = f"{name}:{number}"
                result = _record_document(record, fields, where, where)
                if isinstance(result, SkippedInput):
                    skip(result)
                else:
                    yield result
            done = size * number // rows
            progress(done - reported)
            reported = done
    except Exception as exc:  # a damaged row group part-way: keep what was read
        skip(SkippedInput(name, f"cannot read further ({type(exc).__name__}: {exc})"))
    progress(size - reported)
