"""Immutable posting segments: sorted arrays on disk, memory-mapped for queries.

A segment file holds the postings of one ingest batch (or of several, once merged)::

    offset 0   magic  b"UNSPSEG2"
           8   uint64 posting count N
          16   uint64 fence stride S
          24   uint64 reserved (0)
          32   uint64[N] keys:   fingerprint << 32 | document number, ascending
     32 + 8N   uint16[N] blocks: block of the fingerprint's first occurrence
          F    uint64[ceil(N / S)] fence: keys[0], keys[S], keys[2S], ...
               (F = 32 + 10N rounded up to a multiple of 8)

all little-endian. A fingerprint's postings are the keys in
``[fingerprint << 32, (fingerprint + 1) << 32)``. The fence (one key in S) is read into
memory when a segment is opened; a binary search on it names the one stretch of S keys
holding a bound, and only that page or two of the mapped file is touched. A plain binary
search over the mapped keys would touch a dozen scattered pages per lookup and, over
many queries, pull most of the file into the process's resident set. Files are written to
a temporary name, fsynced, renamed, and the directory fsynced, before the transaction that
makes them part of the index commits.
"""

from __future__ import annotations

import bisect
import contextlib
import os
from pathlib import Path
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from unspin._exceptions import CorruptIndexError

__all__ = ["Postings", "Segment", "merge_postings", "segment_keys", "write_segment"]

MAGIC: Final = b"UNSPSEG2"
HEADER_BYTES: Final = 32
FENCE_STRIDE: Final = 256

Keys = npt.NDArray[np.uint64]
Blocks = npt.NDArray[np.uint16]


def segment_keys(fingerprint: npt.NDArray[np.uint32], document: npt.NDArray[np.uint32]) -> Keys:
    """Posting keys: fingerprint in the high 32 bits, document number in the low."""
    return (fingerprint.astype(np.uint64) << np.uint64(32)) | document.astype(np.uint64)


def _fence_offset(count: int) -> int:
    return (HEADER_BYTES + 10 * count + 7) // 8 * 8


def _fence_length(count: int, stride: int) -> int:
    return (count + stride - 1) // stride


def file_size(count: int, stride: int = FENCE_STRIDE) -> int:
    return _fence_offset(count) + 8 * _fence_length(count, stride)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_segment(path: Path, keys: Keys, blocks: Blocks) -> int:
    """Write a segment durably (sorted by key here); return its size in bytes."""
    order = np.argsort(keys, kind="stable")
    keys = np.ascontiguousarray(keys[order], dtype="<u8")
    blocks = np.ascontiguousarray(blocks[order], dtype="<u2")
    header = MAGIC + np.array([len(keys), FENCE_STRIDE, 0], dtype="<u8").tobytes()
    padding = _fence_offset(len(keys)) - HEADER_BYTES - 10 * len(keys)
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(header)
            handle.write(keys.tobytes())
            handle.write(blocks.tobytes())
            handle.write(b"\0" * padding)
            handle.write(np.ascontiguousarray(keys[::FENCE_STRIDE]).tobytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _fsync_directory(path.parent)
    return file_size(len(keys))


class Segment:
    """A memory-mapped segment file (read-only)."""

    def __init__(self, path: Path, *, expected_count: int | None = None) -> None:
        self.path = path
        try:
            size = path.stat().st_size
            with path.open("rb") as handle:
                header = handle.read(HEADER_BYTES)
        except FileNotFoundError:
            raise CorruptIndexError(f"{path}: segment file is missing") from None
        except OSError as exc:
            raise CorruptIndexError(f"{path}: cannot read ({exc.strerror})") from None
        if len(header) < HEADER_BYTES or header[:8] != MAGIC:
            raise CorruptIndexError(f"{path}: not an unspin segment file")
        count, stride = (int(v) for v in np.frombuffer(header, dtype="<u8", count=2, offset=8))
        if (
            stride < 1
            or size != file_size(count, stride)
            or (expected_count is not None and count != expected_count)
        ):
            raise CorruptIndexError(f"{path}: segment file is truncated or damaged")
        self.count = count
        self.stride = stride
        if count:
            self.keys: Keys = np.memmap(
                path, dtype="<u8", mode="r", offset=HEADER_BYTES, shape=(count,)
            )
            self.blocks: Blocks = np.memmap(
                path, dtype="<u2", mode="r", offset=HEADER_BYTES + 8 * count, shape=(count,)
            )
            with path.open("rb") as handle:
                handle.seek(_fence_offset(count))
                fence = handle.read(8 * _fence_length(count, stride))
            self.fence: Keys = np.frombuffer(fence, dtype="<u8").copy()
            # Queries read keys with pread, not through the mapping: a page fault maps a
            # whole neighbourhood of pages, and over many queries most of the file would
            # end up counted in the process's resident set.
            self._descriptor: int | None = os.open(path, os.O_RDONLY)
        else:
            self.keys = np.zeros(0, dtype=np.uint64)
            self.blocks = np.zeros(0, dtype=np.uint16)
            self.fence = np.zeros(0, dtype=np.uint64)
            self._descriptor = None

    def close(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def lookup(self, fingerprints: npt.NDArray[np.uint32]) -> Postings:
        """The postings of each fingerprint: its keys, read from the one stretch of the
        file (between two fence keys) that holds them."""
        count = len(fingerprints)
        if self.count == 0 or count == 0 or self._descriptor is None:
            return Postings(np.zeros(count + 1, dtype=np.int64), np.zeros(0, dtype=np.uint64))
        low = fingerprints.astype(np.uint64) << np.uint64(32)
        high = low + (np.uint64(1) << np.uint64(32))
        stride = self.stride
        first = np.maximum(np.searchsorted(self.fence, low, side="right") - 1, 0) * stride
        last = np.minimum(
            (np.maximum(np.searchsorted(self.fence, high, side="right") - 1, 0) + 1) * stride,
            self.count,
        )
        lengths = np.zeros(count, dtype=np.int64)
        pieces: list[bytes] = []
        descriptor = self._descriptor
        for index, (start, end, bottom, top) in enumerate(
            zip(first.tolist(), last.tolist(), low.tolist(), high.tolist(), strict=True)
        ):
            data = os.pread(descriptor, 8 * (end - start), HEADER_BYTES + 8 * start)
            stretch = memoryview(data).cast("Q")
            lo = bisect.bisect_left(stretch, bottom)
            hi = bisect.bisect_left(stretch, top, lo)
            if hi > lo:
                lengths[index] = hi - lo
                pieces.append(data[8 * lo : 8 * hi])
        pointer = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(lengths, out=pointer[1:])
        found: Keys = (
            np.frombuffer(b"".join(pieces), dtype="<u8") if pieces else np.zeros(0, np.uint64)
        )
        return Postings(pointer, found)

    def ranges(
        self, fingerprints: npt.NDArray[np.uint32]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """For each (sorted) fingerprint, the [lo, hi) range of its postings."""
        low = fingerprints.astype(np.uint64) << np.uint64(32)
        high = low + (np.uint64(1) << np.uint64(32))
        return self._positions(low), self._positions(high)

    def _positions(self, values: Keys) -> npt.NDArray[np.int64]:
        """``np.searchsorted(keys, values)``, reading one stretch of keys per value."""
        if self.count == 0 or len(values) == 0:
            return np.zeros(len(values), dtype=np.int64)
        stride = self.stride
        # keys[stretch * stride] <= value < keys[(stretch + 1) * stride]
        stretch = np.maximum(np.searchsorted(self.fence, values, side="right") - 1, 0)
        first = stretch * stride
        window = first[:, None] + np.arange(stride, dtype=np.int64)
        inside = window < self.count
        keys = np.asarray(self.keys[np.minimum(window, self.count - 1)])
        below = (keys < values[:, None]) & inside
        positions: npt.NDArray[np.int64] = (first + below.sum(axis=1)).astype(np.int64)
        return positions


class Postings(NamedTuple):
    """Postings of a list of fingerprints: those of fingerprint ``i`` are
    ``keys[pointer[i]:pointer[i + 1]]``."""

    pointer: npt.NDArray[np.int64]
    keys: Keys


class MergedPostings(NamedTuple):
    keys: Keys
    blocks: Blocks


def merge_postings(segments: list[Segment], live: npt.NDArray[np.bool_]) -> MergedPostings:
    """The postings of ``segments`` together, without those of dead documents.

    ``live[n]`` says whether document number ``n`` is still in the index; numbers past
    the end of ``live`` count as dead.
    """
    keys = (
        np.concatenate([np.asarray(s.keys) for s in segments])
        if segments
        else np.zeros(0, np.uint64)
    )
    blocks = (
        np.concatenate([np.asarray(s.blocks) for s in segments])
        if segments
        else np.zeros(0, np.uint16)
    )
    documents = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    alive = documents < len(live)
    alive[alive] = live[documents[alive]]
    return MergedPostings(keys[alive], blocks[alive])
