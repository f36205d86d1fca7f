"""The storage of an index directory: SQLite for documents and metadata, segment files for
postings, an exclusive lock for writers.

Layout of ``INDEX_DIR``::

    unspin-index.sqlite        documents (id, digest, compressed raw text), segments, meta
    unspin-index.sqlite-wal    SQLite's write-ahead log (WAL mode)
    segments/NNNNNNNN.seg      immutable posting segments (see ``_segment``)
    write.lock                 held (fcntl) by the one process writing

Crash safety comes from the order of the steps of each batch: the segment file is written
and fsynced first, then one SQLite transaction inserts the batch's documents and the
segment's row. A process killed before the commit leaves at most an orphan file, deleted
by the next writer; one killed after it has committed the whole batch. Readers never take
the lock: SQLite gives them a consistent snapshot and segment files never change.

Document numbers (the low 32 bits of posting keys) are allocated by the writer holding
the lock. A removed or replaced document leaves a *tombstone*: its number, whose postings
are ignored by queries until a merge drops them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import zstandard

from unspin._exceptions import (
    CorruptIndexError,
    IndexLockedError,
    IndexNotFoundError,
    IndexStoreError,
    OutputError,
)
from unspin._files import DISK_FULL
from unspin.index._fingerprint import FINGERPRINT_SCHEME, FingerprintOptions
from unspin.index._segment import Segment, merge_postings, write_segment
from unspin.io._files import missing_reason

__all__ = [
    "DATABASE_NAME",
    "FORMAT_VERSION",
    "NewDocument",
    "SegmentRow",
    "Store",
    "StoredDocument",
    "store_errors",
]

DATABASE_NAME: Final = "unspin-index.sqlite"
SEGMENT_DIRECTORY: Final = "segments"
LOCK_NAME: Final = "write.lock"
FORMAT_NAME: Final = "unspin-index"
FORMAT_VERSION: Final = 2


# SQLite's primary result codes (the low byte of an extended one)
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def _result_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of ``exc`` (0 when the driver gives none)."""
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


@contextlib.contextmanager
def store_errors(path: str | Path) -> Iterator[None]:
    """Turn the storage's own failures into the library's one-line errors naming the
    index: a full disk is an :class:`~unspin.OutputError`, a damaged database page or a
    missing file of the index a :class:`~unspin.CorruptIndexError`, an index that cannot
    be written (read-only, no permission) or is busy an :class:`~unspin.IndexStoreError`.
    Programming errors (a closed index) pass through."""
    try:
        yield
    except sqlite3.ProgrammingError:
        raise
    except sqlite3.DatabaseError as exc:
        code = _result_code(exc)
        if code == _SQLITE_FULL:
            raise OutputError(f"{path}: cannot write (no space left on device)") from None
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise CorruptIndexError(f"{path}: damaged ({exc})") from None
        if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
            raise IndexStoreError(f"{path}: cannot write the index ({exc})") from None
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            raise IndexStoreError(f"{path}: the index is busy ({exc}); try again") from None
        raise IndexStoreError(f"{path}: {exc}") from None
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
        if isinstance(exc, FileNotFoundError | NotADirectoryError | IsADirectoryError):
            missing = Path(exc.filename).name if exc.filename else "a file"
            raise CorruptIndexError(f"{path}: damaged ({missing}: {exc.strerror})") from None
        where = f" ({Path(exc.filename).name})" if exc.filename else ""
        raise IndexStoreError(f"{path}: {exc.strerror or exc}{where}") from None


# Format 2 adds bag pairs (FingerprintOptions.bag_window); an index without them is written
# as format 1, so that an unspin from before them still reads it, and refuses one with them.
_FIRST_FORMAT_WITH_BAGS: Final = 2
# Segments of one level are merged into one of the next when there are this many.
MERGE_FACTOR: Final = 8
# Texts are compressed with zstd, with a dictionary trained on the first large batch
# (short texts compress poorly alone: ~0.4 of their size with it, ~0.54 without).
_TEXT_LEVEL: Final = 3
_DICTIONARY_BYTES: Final = 64 * 1024
_DICTIONARY_MIN_DOCUMENTS: Final = 256
_DICTIONARY_SAMPLE: Final = 2000

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    digest BLOB NOT NULL,
    length INTEGER NOT NULL,
    html INTEGER NOT NULL,
    path TEXT,
    codec INTEGER NOT NULL,
    text BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    name TEXT PRIMARY KEY,
    level INTEGER NOT NULL,
    postings INTEGER NOT NULL,
    first_num INTEGER NOT NULL,
    last_num INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tombstones (num INTEGER PRIMARY KEY);
"""


class StoredDocument(NamedTuple):
    """A document as the index holds it."""

    num: int
    id: str
    text: str
    html: bool
    path: str | None


class NewDocument(NamedTuple):
    """A document about to be committed, with its number and content digest."""

    num: int
    id: str
    digest: bytes
    text: str
    html: bool
    path: str | None


class SegmentRow(NamedTuple):
    name: str
    level: int
    postings: int
    first_num: int
    last_num: int
    bytes: int


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


def _readable_connection(database: Path) -> sqlite3.Connection:
    """A connection that can read ``database``, also where this process may not write.

    Reading a WAL database means writing its ``-shm`` file. Where that file exists and
    can be read, a read-only connection (``mode=ro``) shares it with the writer. On a
    read-only file system no writer can exist, and the database is read as immutable.
    Anywhere else (another user's index, no ``-shm`` file yet) a reader that cannot
    write would miss a writer's changes, so it is refused with a one-line error.
    """
    try:
        with open(database, "rb"):
            pass
    except OSError as exc:  # no permission to read it at all: not a question of writing
        if isinstance(exc, FileNotFoundError):
            raise
        raise IndexStoreError(
            f"{database.parent}: cannot read the index ({exc.strerror or exc})"
        ) from None
    connection = _connect(database)
    try:
        connection.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
        return connection
    except sqlite3.OperationalError as exc:
        code = _result_code(exc)
        if code not in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PERM):
            return connection  # not a permission problem: _read_meta reports it
    connection.close()
    read_only_mount = bool(os.statvfs(database.parent).f_flag & os.ST_RDONLY)
    wal = Path(f"{database}-wal")
    options = "immutable=1" if read_only_mount and not wal.exists() else "mode=ro"
    uri = f"{database.absolute().as_uri()}?{options}"
    connection = sqlite3.connect(
        uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        connection.close()
        advice = (
            "it has a -wal file but no -shm (copied while it was written?): open it once "
            "where it can be written, or search a copy"
            if read_only_mount
            else "SQLite shares a -shm file with any writer: search a copy, or mount it read-only"
        )
        raise IndexStoreError(
            f"{database.parent}: cannot read the index without writing to it ({advice})"
        ) from None
    return connection


class Store:
    """An index directory opened for reading; :meth:`writer` adds the write lock."""

    def __init__(self, path: Path, connection: sqlite3.Connection, meta: dict[str, str]) -> None:
        self.path = path
        self._db = connection
        self._meta = meta
        self.fingerprint_options = FingerprintOptions(**json.loads(meta["fingerprint_options"]))
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = False,
        fingerprint_options: FingerprintOptions | None = None,
    ) -> Store:
        """Open the index at ``path``; with ``create``, make a new one where there is none.

        Raise :class:`~unspin.IndexNotFoundError` for a missing index and
        :class:`~unspin.CorruptIndexError` for a directory that is not an unspin index,
        a damaged one, or one from a newer unspin.
        """
        directory = Path(path)
        database = directory / DATABASE_NAME
        if os.path.islink(directory) and not directory.exists():
            reason = missing_reason(directory, "a symbolic link to nothing")
            raise IndexStoreError(f"{path}: {reason}, no index")
        if directory.exists() and not directory.is_dir():
            raise CorruptIndexError(f"{path}: not an unspin index (a file, not a directory)")
        if not database.exists():
            if not create:
                if not directory.exists():
                    raise IndexNotFoundError(
                        f"{path}: no such index (create one with `unspin index add {path} ...`)"
                    )
                raise CorruptIndexError(f"{path}: not an unspin index (no {DATABASE_NAME})")
            ours = {LOCK_NAME, SEGMENT_DIRECTORY}  # and a database being created:
            ours |= {DATABASE_NAME + ".new" + end for end in ("", "-wal", "-shm", "-journal")}
            if directory.exists() and any(entry.name not in ours for entry in directory.iterdir()):
                raise CorruptIndexError(
                    f"{path}: not an unspin index, and not empty: refusing to create one there"
                )
            if _holds_segments(directory / SEGMENT_DIRECTORY):  # made after the database
                raise CorruptIndexError(
                    f"{path}: damaged ({DATABASE_NAME} is missing, its segments are there); "
                    "refusing to create an index over it: remove the directory to start over"
                )
            cls._create(directory, fingerprint_options or FingerprintOptions())
        connection = _readable_connection(database)
        try:
            meta = cls._read_meta(connection, path)
        except BaseException:
            connection.close()
            raise
        return cls(directory, connection, meta)

    @staticmethod
    def _create(directory: Path, options: FingerprintOptions) -> None:
        for field, value in options._asdict().items():
            problem = _option_problem(field, value)
            if problem is not None:
                raise ValueError(f"{field} {problem}, not {value!r}")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / SEGMENT_DIRECTORY).mkdir(exist_ok=True)
        except OSError as exc:
            message = f"{directory}: cannot create an index there ({exc.strerror})"
            raise IndexStoreError(message) from None
        with _exclusive_lock(directory, wait=None):
            database = directory / DATABASE_NAME
            if database.exists():
                return  # another process created it while we waited for the lock
            temporary = directory / (DATABASE_NAME + ".new")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            connection = _connect(temporary)
            try:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.executescript(_SCHEMA)
                rows = {
                    "format": FORMAT_NAME,
                    "format_version": str(_FIRST_FORMAT_WITH_BAGS if options.bag_window else 1),
                    "fingerprint_scheme": str(FINGERPRINT_SCHEME),
                    "fingerprint_options": json.dumps(options._asdict()),
                    "next_num": "0",
                    "next_segment": "1",
                    "generation": "0",
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
                connection.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
            os.replace(temporary, database)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (directory / (DATABASE_NAME + ".new" + suffix)).unlink()

    @staticmethod
    def _read_meta(connection: sqlite3.Connection, path: str | Path) -> dict[str, str]:
        """The metadata, checked against the segments and documents in one read
        transaction: a writer committing between the reads would make a sound index
        look damaged."""
        try:
            connection.execute("BEGIN")
        except sqlite3.DatabaseError as exc:
            raise CorruptIndexError(
                f"{path}: not an unspin index, or a damaged one ({exc})"
            ) from None
        try:
            return Store._checked_meta(connection, path)
        finally:
            if connection.in_transaction:
                connection.execute("COMMIT")

    @staticmethod
    def _checked_meta(connection: sqlite3.Connection, path: str | Path) -> dict[str, str]:
        try:
            rows = connection.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            raise CorruptIndexError(
                f"{path}: not an unspin index, or a damaged one ({exc})"
            ) from None
        meta = {str(key): str(value) for key, value in rows}
        if meta.get("format") != FORMAT_NAME:
            raise CorruptIndexError(f"{path}: not an unspin index (its {DATABASE_NAME} is foreign)")
        try:
            version = int(meta["format_version"])
            scheme = int(meta["fingerprint_scheme"])
            fingerprint_options = json.loads(meta["fingerprint_options"])
            int(meta["next_num"]), int(meta["generation"]), int(meta["next_segment"])
        except (KeyError, ValueError) as exc:
            raise CorruptIndexError(f"{path}: damaged index metadata ({exc!r})") from None
        if not isinstance(fingerprint_options, dict):
            raise CorruptIndexError(f"{path}: damaged index metadata (fingerprint_options)")
        unknown = sorted(set(fingerprint_options) - set(FingerprintOptions._fields))
        if unknown:
            raise CorruptIndexError(
                f"{path}: made with fingerprint options this unspin does not know "
                f"({', '.join(unknown)}); upgrade unspin"
            )
        if version > FORMAT_VERSION:
            raise CorruptIndexError(
                f"{path}: index format {version} is newer than this unspin reads "
                f"({FORMAT_VERSION}); upgrade unspin"
            )
        if scheme != FINGERPRINT_SCHEME:
            raise CorruptIndexError(
                f"{path}: built with fingerprint scheme {scheme}, this unspin uses "
                f"{FINGERPRINT_SCHEME}; rebuild the index"
            )
        damaged = _damaged_meta(connection, meta, fingerprint_options)
        if damaged:
            raise CorruptIndexError(f"{path}: damaged index metadata ({damaged})")
        return meta

    def close(self) -> None:
        self._db.close()

    # --- reading -------------------------------------------------------------------------

    def generation(self) -> int:
        """A number that changes with every commit (to know when to reload segments)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._db.execute("SELECT key, value FROM meta")}

    def snapshot(self) -> tuple[int, list[SegmentRow], npt.NDArray[np.bool_]]:
        """(generation, segments, live mask) read in one consistent transaction."""
        with self._read_transaction():
            generation = self.generation()
            segments = [
                SegmentRow(*row)
                for row in self._db.execute(
                    "SELECT name, level, postings, first_num, last_num, bytes FROM segments "
                    "ORDER BY first_num"
                )
            ]
            live = self._live_mask()
        return generation, segments, live

    def _live_mask(self) -> npt.NDArray[np.bool_]:
        next_num = int(
            self._db.execute("SELECT value FROM meta WHERE key = 'next_num'").fetchone()[0]
        )
        live = np.ones(next_num, dtype=np.bool_)
        dead = np.fromiter(
            (row[0] for row in self._db.execute("SELECT num FROM tombstones")), dtype=np.int64
        )
        live[dead[dead < next_num]] = False
        return live

    @contextlib.contextmanager
    def _read_transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def open_segment(self, row: SegmentRow) -> Segment:
        return Segment(self.path / SEGMENT_DIRECTORY / row.name, expected_count=row.postings)

    def documents(self, nums: Sequence[int]) -> dict[int, StoredDocument]:
        """The stored documents with these numbers (absent numbers are left out)."""
        found: dict[int, StoredDocument] = {}
        for start in range(0, len(nums), 500):
            chunk = list(nums[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for num, doc_id, html, doc_path, codec, text in self._db.execute(
                f"SELECT num, id, html, path, codec, text FROM documents WHERE num IN ({marks})",
                chunk,
            ):
                found[int(num)] = StoredDocument(
                    int(num), str(doc_id), self._decompress(int(codec), text), bool(html), doc_path
                )
        return found

    def ids_of(self, nums: Sequence[int]) -> dict[int, str]:
        """num -> id of the documents with these numbers (absent numbers left out)."""
        found: dict[int, str] = {}
        for start in range(0, len(nums), 500):
            chunk = list(nums[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for num, doc_id in self._db.execute(
                f"SELECT num, id FROM documents WHERE num IN ({marks})", chunk
            ):
                found[int(num)] = str(doc_id)
        return found

    def nums_of(self, ids: Iterable[str]) -> list[int]:
        """The numbers of the documents with these ids (ids not held left out)."""
        wanted = [doc_id for doc_id in dict.fromkeys(ids) if storable_id(doc_id)]
        found: list[int] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += [
                int(num)
                for (num,) in self._db.execute(
                    f"SELECT num FROM documents WHERE id IN ({marks})", chunk
                )
            ]
        return found

    def document_by_id(self, doc_id: str) -> StoredDocument | None:
        if not storable_id(doc_id):
            return None
        row = self._db.execute("SELECT num FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        return self.documents([int(row[0])]).get(int(row[0]))

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._db.execute("SELECT id FROM documents ORDER BY num"):
            yield str(doc_id)

    def counts(self) -> dict[str, int]:
        """Documents, tombstones, segments, postings and stored text bytes."""
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM tombstones), "
            "(SELECT COUNT(*) FROM segments), (SELECT COALESCE(SUM(postings), 0) FROM segments)"
        ).fetchone()
        return {
            "documents": int(row[0]),
            "tombstones": int(row[1]),
            "segments": int(row[2]),
            "postings": int(row[3]),
        }

    def disk_bytes(self) -> int:
        total = 0
        for entry in [*self.path.iterdir(), *(self.path / SEGMENT_DIRECTORY).iterdir()]:
            if entry.is_file():
                total += entry.stat().st_size
        return total

    def _decompress(self, codec: int, blob: bytes) -> str:
        """Text of a stored document: codec 0 is plain zstd, codec n zstd with dictionary n."""
        try:
            decompressor = self._decompressors.get(codec)
            if decompressor is None:
                dictionary = None
                if codec:
                    row = self._db.execute(
                        "SELECT data FROM dictionaries WHERE id = ?", (codec,)
                    ).fetchone()
                    if row is None:
                        raise zstandard.ZstdError(f"dictionary {codec} is missing")
                    dictionary = zstandard.ZstdCompressionDict(bytes(row[0]))
                decompressor = zstandard.ZstdDecompressor(dict_data=dictionary)
                self._decompressors[codec] = decompressor
            return decompressor.decompress(blob).decode("utf-8", "surrogatepass")
        except (zstandard.ZstdError, UnicodeDecodeError) as exc:
            raise CorruptIndexError(
                f"{self.path}: damaged document text in the index ({exc})"
            ) from None

    # --- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, *, wait: float | None = None) -> Iterator[StoreWriter]:
        """Hold the write lock for the block. ``wait``: seconds to wait for another
        writer (``None``: as long as it takes; ``0``: refuse at once with
        :class:`~unspin.IndexLockedError`)."""
        with _exclusive_lock(self.path, wait=wait):
            writer = StoreWriter(self)
            writer.remove_orphans()
            yield writer


def _holds_segments(segments: Path) -> bool:
    """Whether ``segments`` holds anything, as far as can be told (one that cannot be
    listed may: creating an index over it would not be safe)."""
    try:
        return segments.is_dir() and any(segments.iterdir())
    except OSError:
        return True


def _option_problem(field: str, value: object) -> str | None:
    """What is wrong with a fingerprint option's value, or None: each is a whole number,
    at least 1 but ``bag_window``, which is 0 (no bag pairs) or at least 2. One rule
    for the options an index is created with and those it records."""
    if type(value) is not int:
        return "must be a whole number"
    if field == "bag_window":
        return None if value == 0 or value >= 2 else "must be 0 (no bag pairs) or at least 2"
    return None if value >= 1 else "must be at least 1"


def _damaged_meta(
    connection: sqlite3.Connection, meta: dict[str, str], fingerprint_options: dict[str, Any]
) -> str | None:
    """What of the metadata is out of its bounds (named), or None. Every batch writes a
    segment spanning its document numbers, so the next number is one past the last
    segment's; a smaller one would reuse numbers, a larger one size arrays by it."""
    for field, value in fingerprint_options.items():
        if _option_problem(field, value) is not None:
            return f"fingerprint_options {field}"
    for key in ("next_num", "generation", "next_segment"):
        if int(meta[key]) < 0:
            return key
    try:
        (last_segment,) = connection.execute("SELECT max(last_num) FROM segments").fetchone()
        (last_document,) = connection.execute("SELECT max(num) FROM documents").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    spanned = -1 if last_segment is None else int(last_segment)
    held = -1 if last_document is None else int(last_document)
    if not held < int(meta["next_num"]) == spanned + 1:
        return "next_num"
    return None


def storable_id(doc_id: str) -> bool:
    """Whether the index can hold ``doc_id``: text that is UTF-8, so not one with a lone
    surrogate (as a file name that is not UTF-8 decodes to), which no stored id matches."""
    try:
        doc_id.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _roll_back(db: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already: a COMMIT that fails on
    a full disk rolls back by itself, and a ROLLBACK then would hide that failure under
    "no transaction is active"."""
    if db.in_transaction:
        db.execute("ROLLBACK")


_held_locks: set[tuple[int, int]] = set()


@contextlib.contextmanager
def _exclusive_lock(directory: Path, *, wait: float | None) -> Iterator[None]:
    """fcntl lock on ``directory/write.lock``, released when the block ends or the
    process dies (the kernel drops it), so a killed writer never leaves a stale lock.
    A second writer in the same process is refused at once (waiting would deadlock)."""
    try:
        descriptor = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise OutputError(f"{directory}: cannot write ({exc.strerror})") from None
        raise IndexStoreError(f"{directory}: cannot write the index ({exc.strerror})") from None
    status = os.fstat(descriptor)
    identity = (status.st_dev, status.st_ino)
    if identity in _held_locks:
        os.close(descriptor)
        raise IndexLockedError(f"{directory}: this process is already writing to this index")
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if deadline is not None and time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"{directory}: another process is writing to this index"
                    ) from None
                time.sleep(0.05)
        _held_locks.add(identity)
        try:
            yield
        finally:
            _held_locks.discard(identity)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


class StoreWriter:
    """Write operations, valid while the store's write lock is held."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db
        self._segments_dir = store.path / SEGMENT_DIRECTORY
        self._plain_compressor = zstandard.ZstdCompressor(level=_TEXT_LEVEL)
        self._cached_compressor: tuple[int, zstandard.ZstdCompressor] | None = None

    def _compressor(
        self, documents: Sequence[NewDocument]
    ) -> tuple[int, zstandard.ZstdCompressor, bytes | None]:
        """(codec, compressor, new dictionary to store or None) for a batch: the index's
        dictionary, trained now from this batch if it has none and the batch is large."""
        row = self._db.execute("SELECT id, data FROM dictionaries ORDER BY id DESC").fetchone()
        if row is not None:
            if self._cached_compressor is None or self._cached_compressor[0] != int(row[0]):
                stored = zstandard.ZstdCompressionDict(bytes(row[1]))
                compressor = zstandard.ZstdCompressor(level=_TEXT_LEVEL, dict_data=stored)
                self._cached_compressor = (int(row[0]), compressor)
            return self._cached_compressor[0], self._cached_compressor[1], None
        if len(documents) >= _DICTIONARY_MIN_DOCUMENTS:
            step = max(1, len(documents) // _DICTIONARY_SAMPLE)
            samples: list[bytes | bytearray | memoryview] = [
                doc.text.encode("utf-8", "surrogatepass") for doc in documents[::step]
            ]
            dictionary: zstandard.ZstdCompressionDict | None
            try:
                dictionary = zstandard.train_dictionary(_DICTIONARY_BYTES, samples)
            except zstandard.ZstdError:
                dictionary = None  # too little text to learn from
            if dictionary is not None:
                compressor = zstandard.ZstdCompressor(level=_TEXT_LEVEL, dict_data=dictionary)
                self._cached_compressor = (1, compressor)
                return 1, compressor, dictionary.as_bytes()
        return 0, self._plain_compressor, None

    def _meta_int(self, key: str) -> int:
        return int(self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    def _set_meta(self, key: str, value: int) -> None:
        self._db.execute("UPDATE meta SET value = ? WHERE key = ?", (str(value), key))

    def remove_orphans(self) -> None:
        """Delete segment files no committed transaction refers to (left by a crash)."""
        self._segments_dir.mkdir(exist_ok=True)
        known = {str(row[0]) for row in self._db.execute("SELECT name FROM segments")}
        for entry in self._segments_dir.iterdir():
            if entry.name not in known:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()

    def next_num(self) -> int:
        return self._meta_int("next_num")

    def existing(self, ids: Iterable[str]) -> dict[str, tuple[int, bytes]]:
        """id -> (num, digest) of the given ids already in the index."""
        wanted = [doc_id for doc_id in dict.fromkeys(ids) if storable_id(doc_id)]
        found: dict[str, tuple[int, bytes]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, num, digest in self._db.execute(
                f"SELECT id, num, digest FROM documents WHERE id IN ({marks})", chunk
            ):
                found[str(doc_id)] = (int(num), bytes(digest))
        return found

    def commit(
        self,
        documents: Sequence[NewDocument],
        replaced: Sequence[int],
        keys: npt.NDArray[np.uint64],
        blocks: npt.NDArray[np.uint16],
    ) -> None:
        """Commit one batch: its segment file first, then its documents in one transaction.

        ``documents`` must carry consecutive numbers from :meth:`next_num`; ``replaced``
        are numbers of documents they replace (tombstoned in the same transaction).
        """
        if not documents and not replaced:
            return
        next_num = self.next_num()
        if documents and documents[0].num != next_num:
            raise RuntimeError("documents must be numbered from next_num()")
        segment = None
        if documents:
            sequence = self._meta_int("next_segment")
            name = f"{sequence:08d}.seg"
            size = write_segment(self._segments_dir / name, keys, blocks)
            segment = SegmentRow(name, 0, len(keys), documents[0].num, documents[-1].num, size)
        codec, compressor, new_dictionary = self._compressor(documents)
        compress = compressor.compress
        rows = [
            (
                doc.num,
                doc.id,
                doc.digest,
                len(doc.text),
                int(doc.html),
                doc.path,
                codec,
                compress(doc.text.encode("utf-8", "surrogatepass")),
            )
            for doc in documents
        ]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if new_dictionary is not None:
                db.execute("INSERT INTO dictionaries VALUES (?, ?)", (codec, new_dictionary))
            if replaced:
                db.executemany("DELETE FROM documents WHERE num = ?", [(n,) for n in replaced])
                db.executemany(
                    "INSERT OR IGNORE INTO tombstones VALUES (?)", [(n,) for n in replaced]
                )
            db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if segment is not None:
                db.execute("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?)", segment)
                self._set_meta("next_segment", self._meta_int("next_segment") + 1)
                self._set_meta("next_num", documents[-1].num + 1)
            self._set_meta("generation", self._meta_int("generation") + 1)
            db.execute("COMMIT")
        except BaseException:
            _roll_back(db)
            if new_dictionary is not None:
                self._cached_compressor = None
            raise

    def remove(self, ids: Sequence[str]) -> list[str]:
        """Remove documents by id; return the ids that were in the index, each once."""
        ids = list(dict.fromkeys(ids))
        found = self.existing(ids)
        if not found:
            return []
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            nums = [(num,) for num, _ in found.values()]
            db.executemany("DELETE FROM documents WHERE num = ?", nums)
            db.executemany("INSERT OR IGNORE INTO tombstones VALUES (?)", nums)
            self._set_meta("generation", self._meta_int("generation") + 1)
            db.execute("COMMIT")
        except BaseException:
            _roll_back(db)
            raise
        return [doc_id for doc_id in ids if doc_id in found]

    # --- merging -------------------------------------------------------------------------

    def merge_levels(self) -> int:
        """Merge segments level by level while a level holds MERGE_FACTOR of them; return
        how many merges ran. Keeps the number of segments (and so query cost) logarithmic."""
        merges = 0
        while True:
            _, segments, _ = self._store.snapshot()
            by_level: dict[int, list[SegmentRow]] = {}
            for row in segments:
                by_level.setdefault(row.level, []).append(row)
            full = sorted(level for level, rows in by_level.items() if len(rows) >= MERGE_FACTOR)
            if not full:
                return merges
            level = full[0]
            self.merge(by_level[level], level + 1)
            merges += 1

    def compact(self) -> None:
        """Merge every segment into one, dropping the postings of removed documents."""
        _, segments, _ = self._store.snapshot()
        if len(segments) > 1 or self._store.counts()["tombstones"]:
            level = max((row.level for row in segments), default=0)
            self.merge(segments, level + 1 if len(segments) > 1 else level)

    def merge(self, rows: list[SegmentRow], level: int) -> None:
        """Replace ``rows`` by one segment of ``level`` without dead postings; the new file
        is durable before the transaction that swaps it in commits."""
        if not rows:
            return
        _, _, live = self._store.snapshot()
        merged = merge_postings([self._store.open_segment(row) for row in rows], live)
        sequence = self._meta_int("next_segment")
        name = f"{sequence:08d}.seg"
        size = write_segment(self._segments_dir / name, merged.keys, merged.blocks)
        first = min(row.first_num for row in rows)
        last = max(row.last_num for row in rows)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM segments WHERE name = ?", [(row.name,) for row in rows])
            db.execute(
                "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?)",
                (name, level, len(merged.keys), first, last, size),
            )
            # Postings of tombstoned numbers in the merged range are gone now.
            db.execute("DELETE FROM tombstones WHERE num BETWEEN ? AND ?", (first, last))
            self._set_meta("next_segment", sequence + 1)
            self._set_meta("generation", self._meta_int("generation") + 1)
            db.execute("COMMIT")
        except BaseException:
            _roll_back(db)
            with contextlib.suppress(FileNotFoundError):
                (self._segments_dir / name).unlink()
            raise
        for row in rows:
            # Readers that mapped the old files keep them until they let go (POSIX).
            with contextlib.suppress(FileNotFoundError):
                (self._segments_dir / row.name).unlink()


def metadata_summary(meta: dict[str, str]) -> dict[str, Any]:
    return {
        "format_version": int(meta["format_version"]),
        "fingerprint_scheme": int(meta["fingerprint_scheme"]),
        # Options an older index does not record have their defaults (bag_window 0).
        "fingerprint_options": FingerprintOptions(
            **json.loads(meta["fingerprint_options"])
        )._asdict(),
        "created": meta.get("created"),
    }
