"""The report of a batch check (``unspin check``): one ``unspin.search/1`` JSON line per
document, written so that an interrupted or killed run loses no finished line and a later
run carries on from it.

:class:`CheckReportWriter` appends the lines to ``FILE.partial``, each flushed as it is
written, and renames it to ``FILE`` when the run ends; with ``resume=True`` it carries on
from the ``FILE.partial`` an earlier run left (or extends a finished ``FILE``), and
:attr:`CheckReportWriter.skip` says which documents the report holds already::

    with CheckReportWriter("report.jsonl", resume=True, index="news.idx") as report:
        for item in check_documents("news.idx", documents, skip=report.skip):
            report.add(item)

The writer holds ``FILE.lock`` (fcntl) while it runs, so two runs never write one report.
With ``html_dir``, each document with a source also gets its HTML report, and its line
names the page only once the page is on disk.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NamedTuple, Self

from unspin._exceptions import (
    FormatError,
    InputError,
    OutputError,
    ReportLockedError,
    ReportSettingsError,
    SettingDifference,
)
from unspin._files import default_file_mode, output_kind, write_atomically
from unspin.index._check import CheckedDocument
from unspin.index._types import SearchOptions
from unspin.io._files import shown_path
from unspin.report._html import report_to_html
from unspin.report._model import report_from_search
from unspin.report._names import ReportNames
from unspin.report._search_json import SEARCH_SCHEMA_VERSION, search_result_to_dict

__all__ = ["CheckReport", "CheckReportWriter", "is_check_report", "read_check_report"]


class CheckReport(NamedTuple):
    """What a JSON-lines report of ``unspin check`` holds, as far as resuming it needs:
    how many lines name each query, how many of them have a source, the file names of
    their HTML reports, the length in bytes of its whole lines (a run killed while
    writing can leave a torn last line after them), whether the last whole line
    lacks its newline (to be added before anything is appended), and the settings the
    lines were checked with (see :class:`CheckReportWriter`)."""

    names: collections.Counter[str]
    with_sources: int
    html_reports: tuple[str, ...]
    length: int
    unterminated: bool = False
    #: The distinct ``check`` settings its lines record, in the order they first come.
    settings: tuple[Mapping[str, Any], ...] = ()
    #: How many of its lines record no settings (an older unspin's, or a library
    #: writer's given no index).
    unrecorded: int = 0

    @property
    def lines(self) -> int:
        """How many queries the report holds."""
        return self.names.total()


class _LineFields(NamedTuple):
    name: str
    has_source: bool
    html_report: str | None
    settings: Mapping[str, Any] | None


def _check_line_fields(line: bytes) -> _LineFields | None:
    """The query name, whether it has a source, the HTML report name and the settings of
    one report line; ``None`` when it is not an :data:`SEARCH_SCHEMA_VERSION` line."""
    try:
        data = json.loads(line)
        if data.get("schema") != SEARCH_SCHEMA_VERSION:
            return None
        name, sources = data["query"]["name"], data["sources"]
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    if not isinstance(name, str) or not isinstance(sources, list):
        return None
    html_report = data.get("html_report")
    settings = data.get("check")
    return _LineFields(
        name,
        bool(sources),
        Path(html_report).name if isinstance(html_report, str) else None,
        settings if isinstance(settings, dict) else None,
    )


def is_check_report(path: str | Path) -> bool:
    """Whether the file at ``path`` starts as a report of ``unspin check`` does: its first
    bytes only are read (a line can hold megabytes of passages), and an empty file is an
    empty report. :func:`read_check_report` checks every line."""
    with open(path, "rb") as handle:
        start = handle.read(len(_REPORT_START))
    return not start or start == _REPORT_START


# How every line the writer makes begins (json.dumps of search_result_to_dict).
_REPORT_START = json.dumps({"schema": SEARCH_SCHEMA_VERSION})[:-1].encode() + b","


def read_check_report(path: str | Path, *, unfinished: bool = False) -> CheckReport:
    """Read back a report written by ``unspin check``.

    Every line must be one :data:`SEARCH_SCHEMA_VERSION` object naming its query. With
    ``unfinished`` (the ``.partial`` report of a run that may have been killed), a last
    line without its newline which is not a whole object is a write the run did not
    finish, and is left out of ``length``. Anything else raises
    :class:`~unspin.FormatError`: a file this did not write is never taken for a report
    to extend.
    """
    names: collections.Counter[str] = collections.Counter()
    with_sources = length = 0
    html_reports: list[str] = []
    unterminated = False
    settings: list[Mapping[str, Any]] = []
    unrecorded = 0
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            fields = _check_line_fields(line)
            if not line.endswith(b"\n"):
                if fields is None and unfinished:
                    break  # torn by a killed run: its query is checked again
                unterminated = True
            if fields is None:
                raise FormatError(f"{path}: line {number} is not an {SEARCH_SCHEMA_VERSION} line")
            names[fields.name] += 1
            with_sources += fields.has_source
            if fields.html_report is not None:
                html_reports.append(fields.html_report)
            if fields.settings is None:
                unrecorded += 1
            elif fields.settings not in settings:
                settings.append(fields.settings)
            length += len(line)
    return CheckReport(
        names, with_sources, tuple(html_reports), length, unterminated, tuple(settings), unrecorded
    )


class _HtmlPages:
    """One HTML report per document with a source, each written atomically under a
    safe, unique name by a few threads, so the search results keep coming while the disk
    catches up."""

    _THREADS = 4

    def __init__(
        self, directory: Path, options: SearchOptions, *, taken: Iterable[str] = ()
    ) -> None:
        self.directory = directory.expanduser()
        if self.directory.exists() and not self.directory.is_dir():
            raise OutputError(f"{directory}: exists and is not a directory")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{directory}: cannot create ({exc.strerror or exc})") from None
        self._names = ReportNames(".html", taken=taken)
        self._options = options
        default_file_mode()  # before the writing threads start
        self._writers = ThreadPoolExecutor(self._THREADS, thread_name_prefix="unspin-html")
        self._counting = threading.Lock()
        self.written = 0

    def write(self, item: CheckedDocument) -> tuple[Path, Future[None]] | None:
        """Start writing the report of ``item`` if it has a source: its path, and the
        write's future (which raises if the write failed)."""
        if item.result is None or not item.result.matches:
            return None
        report = report_from_search(item.document, item.result, item.sources, options=self._options)
        path = self.directory / self._names(item.document.id)
        future = self._writers.submit(write_atomically, path, report_to_html(report))
        future.add_done_callback(self._count)
        return path, future

    def _count(self, future: Future[None]) -> None:
        if not future.cancelled() and future.exception() is None:
            with self._counting:
                self.written += 1

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the writes started (with ``cancel``, drop those not started yet)."""
        self._writers.shutdown(wait=True, cancel_futures=cancel)


class CheckReportWriter:
    """Write the JSON-lines report of a batch check to ``path``, resumably.

    A context manager: entering it takes the report's lock and opens ``FILE.partial``;
    leaving it normally writes what is left, syncs and renames ``FILE.partial`` to
    ``FILE``. Leaving it on an exception (an interruption) keeps ``FILE.partial`` if it
    holds a line no other file holds, and removes it otherwise.

    Lines are written in the order :meth:`add` is called, each flushed at once. With
    ``resume``, the writer carries on from ``FILE.partial`` (a line torn by a killed run
    is dropped) or, when there is only a finished ``FILE``, extends it: the report is
    copied to ``FILE.partial`` when the first new line comes, so ``FILE`` stays as it is
    until the run ends, and untouched if nothing is added. Without ``resume``, an existing
    ``FILE.partial`` is refused (:class:`~unspin.InputError`). Documents are known by id:
    :attr:`skip` (id -> count) is what the report holds, for
    :func:`~unspin.index.check_documents`. A second writer on one report raises
    :class:`~unspin.ReportLockedError`; a report that is not one raises
    :class:`~unspin.FormatError`; a file that cannot be written,
    :class:`~unspin.OutputError`.

    ``index`` (the index directory searched) and ``exclude_self``, with the search
    ``options`` that differ from the defaults and ``html_dir`` when given, are recorded
    in each line as its ``check`` settings. A report is only carried on with the
    settings its lines were checked with: resuming one checked otherwise (another index,
    ``top``, ``min_coverage``, another or no HTML directory...) raises
    :class:`~unspin.ReportSettingsError` (an :class:`~unspin.InputError`), so one report
    never mixes answers to two questions, nor names pages in two places.
    """

    _IN_FLIGHT = 32  # lines waiting for their HTML pages

    def __init__(
        self,
        path: str | Path,
        *,
        resume: bool = False,
        html_dir: str | Path | None = None,
        options: SearchOptions | None = None,
        index: str | Path | None = None,
        exclude_self: bool = False,
    ) -> None:
        given = Path(path).expanduser()
        if not given.name or given.name in (".", ".."):
            raise OutputError(f"{path!s}: not a file name, cannot write the report there")
        # a symlink's target gets the report (renaming over the link would replace it)
        self.path = Path(os.path.realpath(given)) if os.path.islink(given) else given
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.html_dir = Path(html_dir) if html_dir is not None else None
        self._resume = resume
        self._options = options if options is not None else SearchOptions()
        #: What each line records as its ``check`` settings (``None``: no index given).
        self.settings = (
            None
            if index is None
            else _check_settings(index, self._options, exclude_self, self.html_dir)
        )
        #: What the report resumed or extended holds (``None``: a new report).
        self.earlier: CheckReport | None = None
        #: The file it was read from: :attr:`partial`, :attr:`path` or ``None``.
        self.origin: Path | None = None
        #: Lines written by this run.
        self.lines = 0
        #: Whether the report is whole in :attr:`path`.
        self.finished = False
        self._pages: _HtmlPages | None = None
        self._handle: IO[str] | None = None
        self._pending: collections.deque[tuple[Future[None] | None, str]] = collections.deque()
        self._held = contextlib.ExitStack()

    @property
    def extending(self) -> bool:
        """Whether a finished report is being extended (rather than resumed or begun)."""
        return self.origin is not None and self.origin == self.path

    @property
    def other_defaults(self) -> bool:
        """Whether some lines of the report resumed or extended were checked by an unspin
        with other defaults than this one's (another version): the options they record
        matched this run's, but what they left at the defaults may have meant otherwise."""
        if self.earlier is None:
            return False
        return any(
            settings.get("defaults", _FIRST_DEFAULTS_DIGEST) != _DEFAULTS_DIGEST
            for settings in self.earlier.settings
        )

    @property
    def skip(self) -> Mapping[str, int]:
        """Documents the report holds already, id -> count."""
        return self.earlier.names if self.earlier is not None else collections.Counter()

    @property
    def kept(self) -> int:
        """Lines in :attr:`partial` that no other file holds (0: nothing to resume from)."""
        if self._handle is None:
            return 0
        earlier = self.earlier.lines if self.earlier is not None and not self.extending else 0
        return earlier + self.lines

    @property
    def pages_written(self) -> int:
        """HTML reports this run wrote."""
        return self._pages.written if self._pages is not None else 0

    def __enter__(self) -> Self:
        try:
            self._check_paths()
        except OSError as exc:  # a name too long, a directory that cannot be read...
            raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        with contextlib.ExitStack() as held:
            held.enter_context(_report_lock(self.path, self.lock_path))
            refusal = InputError(
                f"{self.partial}: the unfinished report of an earlier run is there; add "
                "--resume to finish it, or delete it to start over"
            )
            if not self._resume and os.path.lexists(self.partial):
                raise refusal
            if self._resume:
                self.earlier, self.origin = _resumed_report(self.path, self.partial)
                self._refuse_other_settings()  # before the partial report is touched
                if self.origin == self.partial and self.earlier is not None:
                    _ready_to_append(self.partial, self.earlier)
            if self.html_dir is not None:
                taken = self.earlier.html_reports if self.earlier is not None else ()
                self._pages = _HtmlPages(self.html_dir, self._options, taken=taken)
                held.callback(self._pages.close, cancel=True)
            if not self.extending:
                # "x": a report nobody else is writing; "a": the interrupted one resumed
                mode = "a" if self.earlier is not None else "x"
                try:
                    self._handle = open(self.partial, mode, encoding="utf-8", newline="")
                except FileExistsError:
                    raise refusal from None
                except OSError as exc:
                    raise self._failure(exc) from None
            self._held = held.pop_all()
        return self

    def _refuse_other_settings(self) -> None:
        if self.earlier is None or self.settings is None:
            return  # a writer given no index records nothing to compare
        for earlier in self.earlier.settings:
            now, then = _flat(self.settings), _flat(earlier)
            if "defaults" not in earlier:
                # written before lines recorded their HTML directory: not compared
                now.pop("html_dir", None)
            if then == now:
                continue
            differences = [
                SettingDifference(key, then.get(key), now.get(key))
                for key in sorted(set(then) | set(now), key=lambda key: (key != "index", key))
                if then.get(key) != now.get(key)
            ]
            advice = (
                "give the same settings to finish it, or delete it to start over"
                if self.origin == self.partial
                else "give the same settings to extend it, or write this run to another file"
            )
            raise ReportSettingsError(str(self.origin), differences, advice)

    def _check_paths(self) -> None:
        """Refuse, before anything is written, a FILE or FILE.partial that is not a plain
        file (a directory, a device, a symlink to elsewhere), and an HTML directory that
        is one of the report's own files."""
        kind = output_kind(self.path, self.path)
        if kind == "directory":
            raise OutputError(f"{self.path}: is a directory, cannot write the report there")
        if kind == "special":
            # FILE.partial is renamed over FILE: a device or FIFO there would be replaced
            raise OutputError(f"{self.path}: not a regular file, cannot write the report there")
        if os.path.islink(self.partial) or (
            os.path.lexists(self.partial) and not os.path.isfile(self.partial)
        ):
            # appended to and renamed over FILE: it must be this run's own plain file
            raise OutputError(f"{self.partial}: not a regular file; remove it to start over")
        if self.html_dir is not None:
            pages = os.path.realpath(self.html_dir)
            if pages in {
                os.path.realpath(own) for own in (self.path, self.partial, self.lock_path)
            }:
                raise OutputError(f"{self.html_dir}: is the report's own file, not a directory")

    def add(self, item: CheckedDocument) -> None:
        """Write the line of ``item`` (a document whose search failed has none), after
        its HTML report if it has one; lines whose pages are not on disk yet wait."""
        if item.result is None:
            return
        page = self._pages.write(item) if self._pages is not None else None
        line = _check_line(item, page[0] if page is not None else None, self.settings)
        self._pending.append((page[1] if page is not None else None, line))
        self._write_ready(wait_for_first=len(self._pending) > self._IN_FLIGHT)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._finish()
        finally:
            try:
                self._abandon()
                if not self.finished and self._handle is not None and self.kept == 0:
                    with contextlib.suppress(OSError):  # nothing to resume from
                        os.unlink(self.partial)
            finally:
                self._held.close()

    def _failure(self, exc: BaseException) -> OutputError:
        message = str(exc) if isinstance(exc, OutputError) else None
        if message is None:
            strerror = getattr(exc, "strerror", None)
            message = f"{self.path}: cannot write ({strerror or exc})"
        if self.kept:
            message += f"; the report so far is kept in {self.partial}"
        return OutputError(message)

    def _write_ready(self, *, wait_for_first: bool = False, wait: bool = False) -> None:
        try:
            while self._pending:
                future, line = self._pending[0]
                if future is not None and not future.done() and not (wait or wait_for_first):
                    return
                if future is not None:
                    future.result()  # a failed page raises here, before its line is written
                self._pending.popleft()
                self._write(line)
                wait_for_first = False
        except (OSError, OutputError) as exc:
            raise self._failure(exc) from None

    def _write(self, line: str) -> None:
        if self._handle is None:  # the first new line of an extension
            assert self.earlier is not None
            _copy_report(self.path, self.partial, self.earlier)
            try:
                self._handle = open(self.partial, "a", encoding="utf-8", newline="")  # noqa: SIM115
            except BaseException:
                with contextlib.suppress(OSError):  # the copy holds nothing of its own
                    os.unlink(self.partial)
                raise
        self._handle.write(line)
        self._handle.flush()  # a killed run leaves every finished line behind
        self.lines += 1

    def _finish(self) -> None:
        self._write_ready(wait=True)
        if self._pages is not None:
            self._pages.close()
        try:
            if self._handle is not None:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                with contextlib.suppress(OSError):  # a report replaced keeps its mode
                    shutil.copymode(self.path, self.partial)
                os.replace(self.partial, self.path)
            # else an extension that found nothing new: FILE stands as it was
        except OSError as exc:
            raise self._failure(exc) from None
        self.finished = True

    def _abandon(self) -> None:
        """Stop: pages not started are dropped and those being written finish; the lines
        of finished pages are written, the rest dropped (their documents are checked
        again on resume)."""
        if self._pages is not None:
            self._pages.close(cancel=True)
        try:
            while self._pending and self._handle is not None:
                future, line = self._pending[0]
                if future is not None and (future.cancelled() or future.exception()):
                    break
                self._pending.popleft()
                self._write(line)
        except OSError:
            pass  # the disk that failed the run: the lines written so far stand
        finally:
            self._pending.clear()
            if self._handle is not None:
                with contextlib.suppress(OSError):
                    self._handle.close()


def _check_settings(
    index: str | Path,
    options: SearchOptions,
    exclude_self: bool = False,
    html_dir: Path | None = None,
) -> dict[str, Any]:
    """The ``check`` settings a report line records: the index searched (its real path,
    bytes that are not UTF-8 written ``\\xff``, as ids are),
    whether each document's own entry was left out, the search options that differ
    from the defaults (field -> value), and the directory of the HTML reports (its real
    path) when there is one: the pages the earlier lines name are there."""
    settings: dict[str, Any] = {
        "index": shown_path(os.path.realpath(Path(index).expanduser())),
        "exclude_self": exclude_self,
        "options": _differences(options, SearchOptions()),
    }
    if html_dir is not None:
        settings["html_dir"] = shown_path(os.path.realpath(html_dir.expanduser()))
    settings["defaults"] = _DEFAULTS_DIGEST
    # as a report line reads back (a tuple becomes a list), so the two compare equal
    return dict(json.loads(json.dumps(settings)))


def _differences(options: Any, defaults: Any) -> dict[str, Any]:
    """The fields of the named tuple ``options`` that differ from ``defaults``, field ->
    value; a nested named tuple (``align``) as its own differences, by name."""
    found: dict[str, Any] = {}
    for field, value in options._asdict().items():
        default = getattr(defaults, field)
        if value == default:
            continue
        nested = hasattr(value, "_asdict") and type(value) is type(default)
        found[field] = _differences(value, default) if nested else value
    return found


def _flat(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` as one level of keys, every search option by its own name (a nested
    one as ``align.name``), those not recorded at their defaults: for comparing, and for
    telling what differs."""
    flat = {key: value for key, value in settings.items() if key not in ("options", "defaults")}
    flat.update(_DEFAULT_OPTIONS)
    options = settings.get("options")
    if isinstance(options, dict):
        flat.update(_flat_options(options))
    return flat


def _flat_options(options: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in options.items():
        if isinstance(value, dict):
            flat.update(_flat_options(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _all_fields(options: Any) -> dict[str, Any]:
    return {
        field: _all_fields(value) if hasattr(value, "_asdict") else value
        for field, value in options._asdict().items()
    }


# Every search option at its default, as a report line would record it.
_DEFAULT_OPTIONS = _flat_options(json.loads(json.dumps(_all_fields(SearchOptions()))))
# Lines record only the options that differ from the defaults, so each also records which
# defaults those were: another unspin's (one that changed or added an option) are told.
_DEFAULTS_DIGEST = hashlib.blake2b(
    json.dumps(_DEFAULT_OPTIONS, sort_keys=True).encode(), digest_size=8
).hexdigest()
# The defaults of the unspin that recorded settings but no digest yet (0.1.0 until
# 2026-12-07): lines without one were checked under these.
_FIRST_DEFAULTS_DIGEST = "da913584b649e2fe"


def _check_line(
    item: CheckedDocument, html_report: Path | None, settings: Mapping[str, Any] | None
) -> str:
    assert item.result is not None
    data = search_result_to_dict(
        item.result,
        query_name=item.document.id,
        query_text=item.document.text,
        source_texts=item.source_texts,
        query_path=item.document.path,
    )
    if html_report is not None:
        data["html_report"] = shown_path(str(html_report))
    if settings is not None:
        data["check"] = settings
    return json.dumps(data, ensure_ascii=False) + "\n"


_held_reports: set[tuple[int, int]] = set()


@contextlib.contextmanager
def _report_lock(target: Path, path: Path) -> Iterator[None]:
    """Hold ``path`` (``FILE.lock``) while a check writes FILE, so a second run on one
    report, resumed or not, is refused rather than interleaved.

    A POSIX record lock (``lockf``): the kernel drops it when the run dies, and unlike
    ``flock`` the worker processes a run forks do not inherit it, so a run killed with
    SIGKILL frees its report at once. Record locks do not conflict within one process,
    hence the set of the reports this process holds. The file is removed by the run that
    holds it.
    """
    busy = ReportLockedError(f"{target}: another unspin check is writing this report")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write the report's lock ({exc.strerror or exc})"
        ) from None
    try:
        status = os.fstat(descriptor)
        identity = (status.st_dev, status.st_ino)
        if identity in _held_reports:
            raise busy
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputError(f"{target}: cannot lock ({exc.strerror or exc})") from None
            raise busy from None
        try:
            same = os.path.samestat(status, os.stat(path))
        except OSError:
            same = False
        if not same:
            # The run that held it removed it after we opened it, and a third may hold
            # the new one: refuse rather than race it.
            raise busy
        _held_reports.add(identity)
        try:
            yield
        finally:
            _held_reports.discard(identity)
            with contextlib.suppress(OSError):
                os.unlink(path)
    finally:
        os.close(descriptor)  # and with it the lock


def _resumed_report(target: Path, partial: Path) -> tuple[CheckReport | None, Path | None]:
    """What the report to carry on from (the partial one of an interrupted run, else a
    finished one) holds, and which file it is (``None`` for both when there is neither).
    Nothing is changed."""
    origin = partial if partial.exists() else target if target.exists() else None
    if origin is None:
        return None, None
    try:
        earlier = read_check_report(origin, unfinished=origin == partial)
    except OSError as exc:
        raise OutputError(f"{origin}: cannot resume from it ({exc.strerror or exc})") from None
    return earlier, origin


def _ready_to_append(partial: Path, earlier: CheckReport) -> None:
    """Drop a line torn by a killed run from ``partial``, and end its last line."""
    try:
        os.truncate(partial, earlier.length)
        if earlier.unterminated:
            with open(partial, "ab") as handle:
                handle.write(b"\n")
    except OSError as exc:
        raise OutputError(f"{partial}: cannot resume from it ({exc.strerror or exc})") from None


def _copy_report(target: Path, partial: Path, earlier: CheckReport) -> None:
    """Copy the lines of the finished report ``target`` to ``partial``, to be extended
    there: whole or not at all, so a failed copy is never resumed from."""
    descriptor, temporary = tempfile.mkstemp(
        dir=partial.parent, prefix=f".{partial.name}.", suffix=".tmp"
    )
    try:
        with open(target, "rb") as source, open(descriptor, "wb") as copy:
            left = earlier.length
            while left > 0 and (chunk := source.read(min(left, 1 << 20))):
                copy.write(chunk)
                left -= len(chunk)
            if left > 0:
                raise OutputError(f"{target}: changed while it was being copied; not extended")
            if earlier.unterminated:
                copy.write(b"\n")
            copy.flush()
            os.fsync(copy.fileno())
        shutil.copymode(target, temporary)
        os.replace(temporary, partial)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
