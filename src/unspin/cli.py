"""The ``unspin`` command line: a thin shell over the library.

Exit codes: 0 success; 1 an output could not be written, or an internal error;
2 bad input or bad usage (a missing, empty, binary or oversized file, a malformed PAN
file, an unknown option, a missing, foreign, damaged or locked index); 130 interrupted.
Every error is one line on stderr, ``unspin: error: <message>``, never a traceback
(``UNSPIN_DEBUG=1`` shows the traceback of an internal error). Output files are written
atomically: a temporary file beside the target, then renamed over it, so an interrupted
run never leaves half a file. ``check`` writes its report line by line to FILE.partial,
renamed to FILE once every document is checked, so an interrupted or killed run leaves
its finished lines for ``check --resume``.
"""

from __future__ import annotations

import contextlib
import errno
import io
import itertools
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final, NoReturn, TypeGuard

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from unspin import __version__
from unspin._exceptions import (
    InputError,
    OutputError,
    ReportSettingsError,
    UnspinError,
    WorkerError,
)
from unspin._files import (
    DISK_FULL,
    default_directory_mode,
    output_kind,
    output_within,
    refuse_overwriting,
    refuse_writing_into,
    walked_into,
    write_atomically,
)
from unspin._shown import one_line, tolerant_output
from unspin.align import Alignment
from unspin.align._batch import align_pan_corpus, read_pairs
from unspin.eval import (
    CorpusSummary,
    SpinLevel,
    build_simulated_corpus,
    build_spinbot_corpus,
    evaluate_corpus,
    format_report,
    settings_for,
    spin_text,
)
from unspin.index import (
    BAG_WINDOW,
    FingerprintOptions,
    Index,
    IndexInfo,
    IndexWriter,
    IngestCounts,
    SearchOptions,
    check_documents,
)
from unspin.io import (
    DEFAULT_MAX_BYTES,
    Document,
    InputFormat,
    SkippedInput,
    decode_text,
    document_from_text,
    input_files,
    read_document,
    read_documents,
)
from unspin.io._files import shown_path
from unspin.report import (
    CheckReportWriter,
    alignment_to_json,
    alignment_to_pan_features,
    compare_documents,
    format_pan_xml,
    is_check_report,
    render_alignment,
    render_search,
    report_from_search,
    report_to_csv,
    report_to_html,
    search_result_to_json,
)

__all__ = ["app", "main", "run"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="unspin",
    help="Find spun (synonym-rewritten) copies of text and trace them to their sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    PAN = "pan"
    HTML = "html"
    CSV = "csv"


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class SearchFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"
    CSV = "csv"


class CorpusKind(StrEnum):
    BBC = "bbc"
    SPINBOT = "spinbot"


# --- errors and output ---------------------------------------------------------------


def _fail(message: str, code: int) -> NoReturn:
    joined = " ".join(message.split("\n"))  # a library's message may run over lines
    with contextlib.suppress(OSError):  # a closed stderr: the exit code says it alone
        typer.echo(f"unspin: error: {one_line(joined)}", err=True)
    raise typer.Exit(code)


class _Interruption:
    """Whether the running command has told of its interruption: typer turns a Ctrl-C
    while it parses the arguments into a silent exit code 130, which main() then tells."""

    told = False


def _stop_interrupted(message: str) -> NoReturn:
    typer.echo(message, err=True)
    _Interruption.told = True
    raise typer.Exit(EXIT_INTERRUPTED) from None


_STREAM_FULL: Final = DISK_FULL | {errno.EFBIG}  # and a file past the size limit


class _ClosedStreamError(OSError):
    """A write to the stand-in for a closed stdout."""


class _ClosedStdout(io.TextIOBase):
    """Stands in for a stdout the process was started without (``>&-``): Python makes
    that ``None``, which some writes skipped silently and others failed on as internal
    errors. Every write fails as a write to a closed stream does."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise _ClosedStreamError(errno.EBADF, "stdout is closed")


def _stand_in_for_closed_streams() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stderr is None:  # nowhere to tell anything: the exit code says it
        sys.stderr = io.StringIO()


def _debugging() -> bool:
    return bool(os.environ.get("UNSPIN_DEBUG"))


def _stream_failed(exc: Exception) -> TypeGuard[OSError]:
    """Whether ``exc`` is stdout's or stderr's write failing: a closed stdout, or a full
    disk under a redirection (``/dev/full``). Output files fail as OutputError and
    inputs as InputError; only a write to a stream is left to fail with no file named,
    and only writing fills a disk."""
    if isinstance(exc, _ClosedStreamError):
        return True
    return isinstance(exc, OSError) and exc.filename is None and exc.errno in _STREAM_FULL


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    """Turn every failure of a command into one line on stderr and an exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, BrokenPipeError):
        raise
    except (OutputError, WorkerError) as exc:  # before their base class: not the input
        _fail(str(exc), EXIT_FAILURE)
    except UnspinError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        _stop_interrupted("unspin: interrupted")
    except Exception as exc:
        if _debugging():
            raise
        if _stream_failed(exc):
            _fail(f"cannot write the output ({exc.strerror})", EXIT_FAILURE)
        _fail(
            f"internal error: {type(exc).__name__}: {exc} (set UNSPIN_DEBUG=1 for details)",
            EXIT_FAILURE,
        )


def _emit(text: str, output: Path | None) -> None:
    """Print ``text`` to stdout, or write it (atomically) to ``output``."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(output, text)


def _stdout_if_dash(output: Path | None) -> Path | None:
    """``-o -`` means stdout, as ``-`` does for an input."""
    return None if output is not None and str(output) == "-" else output


def _count(number: int, noun: str) -> str:
    """``1 document``, ``2 documents``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _max_bytes(max_size_mb: float) -> int:
    return int(max_size_mb * 2**20)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"unspin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Find spun (synonym-rewritten) copies of text and trace them to their sources."""


def _read_input(path: Path, max_size: float) -> Document:
    """One input document: a file, or stdin for ``-``."""
    if str(path) == "-":
        if sys.stdin is None or not hasattr(sys.stdin, "buffer"):
            raise InputError("stdin: closed, nothing to read")
        data = sys.stdin.buffer.read(_max_bytes(max_size) + 1)
        if len(data) > _max_bytes(max_size):
            raise InputError("stdin: over the --max-size limit")
        # Detects HTML from the content, as for a file.
        return document_from_text(decode_text(data, origin="stdin"), name="stdin")
    return read_document(path, max_bytes=_max_bytes(max_size))


# --- compare ------------------------------------------------------------------------------


def _number(low: float, high: float = math.inf) -> Callable[[str], float]:
    """A parser of a number from ``low`` to ``high``: typer's own bounds let ``nan``
    through to a message about the wrong bound."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r}: not a number") from None
        if math.isnan(number):
            raise typer.BadParameter(f"{value}: not a number")
        if not low <= number <= high:
            upper = "" if high == math.inf else f" and at most {high:.15g}"
            raise typer.BadParameter(f"{value}: must be at least {low:.15g}{upper}")
        return number

    return parse


def _given_path(value: str) -> Path:
    """A path argument as given: an empty one is refused, where ``Path("")`` would be
    the current directory (``index add IDX ""`` read all of it)."""
    if not value:
        raise typer.BadParameter("an empty path")
    return Path(value)


def _output_file(value: str) -> Path:
    """An output file's name, kept as given up to here: a ``Path`` would drop the slash
    of ``-o out/`` and write a file named ``out``."""
    if value != "-" and value.endswith(("/", os.sep)) and not Path(value).is_dir():
        raise typer.BadParameter(f"{value}: ends with a slash; name a file to write")
    return _given_path(value)


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        parser=_output_file,
        help="Write to this file, not stdout ('-': stdout).",
    ),
]
MaxSize = Annotated[
    float,
    typer.Option(
        "--max-size",
        metavar="MB",
        parser=_number(0.001, 1_048_576),
        help="Refuse input files larger than this many MiB.",
    ),
]


@app.command()
def compare(
    suspicious: Annotated[
        Path,
        typer.Argument(
            parser=_given_path,
            metavar="SUSPICIOUS",
            help="The text suspected of being a copy ('-': stdin).",
        ),
    ],
    source: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="SOURCE", help="The possible source ('-': stdin)."
        ),
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (for people), json, pan (PAN XML), html (a self-contained page, "
            "side by side) or csv (one row per passage).",
        ),
    ] = OutputFormat.TEXT,
    output: OutputOption = None,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 2**20,
    full: Annotated[
        bool, typer.Option("--full", help="Show long passages whole (text format).")
    ] = False,
    show_source: Annotated[
        bool, typer.Option("--show-source", help="Also show each passage's source text.")
    ] = False,
) -> None:
    """Align SUSPICIOUS with SOURCE: copied passages, verdict, and the words rewritten."""
    with _guarded():
        if str(suspicious) == str(source) == "-":
            raise InputError("only one of SUSPICIOUS and SOURCE can be '-' (stdin)")
        output = _stdout_if_dash(output)
        refuse_overwriting(output, (suspicious, source))
        doc_s = _read_input(suspicious, max_size)
        doc_r = _read_input(source, max_size)
        report = compare_documents(doc_s, doc_r)
        result = report.sources[0].alignment
        text: str | None
        if output_format is OutputFormat.HTML:
            text = report_to_html(report)
        elif output_format is OutputFormat.CSV:
            text = report_to_csv(report)
        elif output_format is OutputFormat.JSON:
            text = alignment_to_json(
                result,
                suspicious_name=doc_s.id,
                source_name=doc_r.id,
                suspicious_text=doc_s.text,
                source_text=doc_r.text,
            )
        elif output_format is OutputFormat.PAN:
            text = format_pan_xml(
                doc_s.id, alignment_to_pan_features(result, suspicious=doc_s.id, source=doc_r.id)
            )
        else:
            text = _render_text(result, doc_s, doc_r, full, show_source, to_file=output is not None)
        if text is not None:
            _emit(text, output)


def _render_text(
    result: Alignment,
    suspicious: Document,
    source: Document,
    full: bool,
    show_source: bool,
    *,
    to_file: bool,
) -> str | None:
    """Render to the terminal (returns None), or as plain text for a file."""
    buffer = io.StringIO() if to_file else None
    console = _console_for(buffer)
    render_alignment(
        result,
        suspicious.text,
        source.text,
        console=console,
        suspicious_name=suspicious.id,
        source_name=source.id,
        full=full,
        show_source=show_source,
    )
    return None if buffer is None else buffer.getvalue()


# --- pan ----------------------------------------------------------------------------------


@app.command()
def pan(
    pairs: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="PAIRS", help="Pairs file: 'susp-file src-file' per line."
        ),
    ],
    src_dir: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="SRC_DIR", help="Directory of source documents."
        ),
    ],
    susp_dir: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="SUSP_DIR", help="Directory of suspicious documents."
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="OUT_DIR", help="Where to write <susp>-<src>.xml files."
        ),
    ],
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, max=1024, help="Worker processes (default: all cores)."
        ),
    ] = None,
) -> None:
    """Align every pair of a PAN text-alignment corpus, writing PAN XML detections.

    Prints a summary line (with per-pair latency percentiles), then `wall_s <seconds>`
    (read by the benchmarks)."""
    with _guarded():
        started = time.perf_counter()
        total = len(read_pairs(pairs))
        stderr = Console(stderr=True)
        with Progress(
            TextColumn("aligning"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=stderr,
            disable=not stderr.is_terminal,
        ) as progress:
            task = progress.add_task("pairs", total=total)
            outcomes = align_pan_corpus(
                pairs,
                src_dir,
                susp_dir,
                out_dir,
                jobs=jobs,
                progress=lambda done: progress.advance(task, done),
            )
        seconds = time.perf_counter() - started
        failed = [outcome for outcome in outcomes if outcome.error is not None]
        for outcome in failed[:5]:
            typer.echo(f"unspin: warning: {one_line(str(outcome.error))}", err=True)
        if failed:
            more = f" ({len(failed) - 5} more not shown)" if len(failed) > 5 else ""
            typer.echo(
                f"unspin: warning: {len(failed)} pair(s) with an unusable document: "
                f"no detections written for them{more}",
                err=True,
            )
        passages = sum(outcome.passages for outcome in outcomes)
        p50, p95 = _percentiles_ms([outcome.seconds for outcome in outcomes], (50, 95))
        typer.echo(
            f"pairs {len(outcomes)}  passages {passages}  seconds {seconds:.2f}  "
            f"warnings {len(failed)}  pair_p50_ms {p50:.1f}  pair_p95_ms {p95:.1f}"
        )
        typer.echo(f"wall_s {seconds:.3f}")


def _percentiles_ms(seconds: list[float], percents: tuple[int, ...]) -> list[float]:
    """Nearest-rank percentiles of ``seconds``, in milliseconds (0 for no values)."""
    ordered = sorted(seconds)
    if not ordered:
        return [0.0 for _ in percents]
    return [1000 * ordered[max(0, -(-percent * len(ordered) // 100) - 1)] for percent in percents]


# --- eval ---------------------------------------------------------------------------------


@app.command("eval")
def evaluate(
    truth_dir: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="TRUTH_DIR", help="Ground-truth PAN XML files (recursive)."
        ),
    ],
    detections_dir: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="DETECTIONS_DIR", help="Detection PAN XML files."
        ),
    ],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text table or json.")
    ] = ReportFormat.TEXT,
    output: OutputOption = None,
) -> None:
    """Score detections against ground truth: PAN plagdet, recall, precision, granularity."""
    with _guarded():
        output = _stdout_if_dash(output)
        inside = None
        if output is not None and output.suffix == ".xml":  # the files read, by rglob
            inside = output_within(output, (truth_dir, detections_dir))
        if inside is not None:
            # every *.xml there is read: the output would be read as truth or detections
            raise InputError(f"{output}: inside {inside}, an input; write the output elsewhere")
        report = evaluate_corpus(truth_dir, detections_dir)
        if output_format is ReportFormat.JSON:
            data = {
                "overall": report.overall._asdict(),
                "by_obfuscation": {
                    name: scores._asdict() for name, scores in report.by_obfuscation.items()
                },
            }
            _emit(json.dumps(data, indent=2) + "\n", output)
        else:
            _emit(format_report(report), output)


# --- simulate -----------------------------------------------------------------------------


@app.command()
def simulate(
    input_file: Annotated[
        Path, typer.Argument(parser=_given_path, metavar="INPUT", help="A text file to spin.")
    ],
    output: OutputOption = None,
    level: Annotated[SpinLevel, typer.Option("--level", "-l", help="How hard to spin.")] = (
        SpinLevel.MEDIUM
    ),
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same output).")] = 0,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 2**20,
) -> None:
    """Spin a text the way article spinners do (a benchmarking tool)."""
    with _guarded():
        output = _stdout_if_dash(output)
        refuse_overwriting(output, (input_file,))
        document = read_document(input_file, max_bytes=_max_bytes(max_size))
        spun = spin_text(document.text, settings=settings_for(level), seed=seed)
        _emit(spun if spun.endswith("\n") else spun + "\n", output)


@app.command("simulate-corpus")
def simulate_corpus(
    kind: Annotated[
        CorpusKind,
        typer.Argument(
            help="bbc: spin BBC news articles (<topic>/*.txt) with the simulator; "
            "spinbot: real SpinBot output (<id>-ORIG.txt / <id>-SPUN.txt)."
        ),
    ],
    data_dir: Annotated[
        Path,
        typer.Argument(parser=_given_path, metavar="DATA_DIR", help="The articles to build from."),
    ],
    out_dir: Annotated[
        Path,
        typer.Argument(
            parser=_given_path, metavar="OUT_DIR", help="An absent or empty output directory."
        ),
    ],
    pairs: Annotated[
        int | None, typer.Option("--pairs", "-n", min=1, help="Number of document pairs.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
) -> None:
    """Build a spun-plagiarism benchmark corpus in the PAN layout (src/, susp/, pairs, truth/)."""
    with _guarded():
        if not data_dir.is_dir():
            what = "not a directory" if data_dir.exists() else "no such directory"
            raise InputError(f"{data_dir}: {what}")
        summary: CorpusSummary
        with _corpus_directory(out_dir) as building:
            try:
                if kind is CorpusKind.BBC:
                    summary = (
                        build_simulated_corpus(data_dir, building, seed=seed)
                        if pairs is None
                        else build_simulated_corpus(data_dir, building, seed=seed, pairs=pairs)
                    )
                else:
                    summary = (
                        build_spinbot_corpus(data_dir, building, seed=seed)
                        if pairs is None
                        else build_spinbot_corpus(data_dir, building, seed=seed, pairs=pairs)
                    )
            except ValueError as exc:  # the builders' checks: no usable articles, too few
                raise InputError(str(exc)) from None
        groups = ", ".join(f"{name} {count}" for name, count in summary.by_group.items())
        typer.echo(f"wrote {summary.pairs} pairs ({groups}), {summary.cases} cases to {out_dir}")


@contextlib.contextmanager
def _corpus_directory(out_dir: Path) -> Iterator[Path]:
    """A new directory beside ``out_dir`` to build a corpus in, renamed to ``out_dir``
    (absent or empty) when the build succeeds and removed when it fails: a failed run
    leaves nothing behind, and nothing another run or the user wrote is ever removed."""
    try:
        if out_dir.is_symlink():  # renaming the corpus into place would replace the link
            raise InputError(f"{out_dir}: a symbolic link; give the directory itself")
        if out_dir.exists() and not out_dir.is_dir():
            raise InputError(f"{out_dir}: exists and is not a directory")
        if out_dir.exists() and any(out_dir.iterdir()):
            raise InputError(f"{out_dir}: output directory is not empty")
        out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=out_dir.absolute().parent, prefix=f".{out_dir.name}."))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create ({exc.strerror or exc})") from None
    try:
        yield building
        os.chmod(building, default_directory_mode())  # mkdtemp makes it private
        try:
            os.rename(building, out_dir)  # over an empty directory, or where there is none
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                raise InputError(f"{out_dir}: output directory is not empty") from None
            raise OutputError(f"{out_dir}: cannot create ({exc.strerror or exc})") from None
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


# --- index ------------------------------------------------------------------------------

index_app = typer.Typer(
    name="index",
    help="Build and manage an index of source documents (a directory).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(index_app)

IndexDir = Annotated[
    Path, typer.Argument(parser=_given_path, metavar="INDEX_DIR", help="The index directory.")
]
Inputs = Annotated[
    list[Path],
    typer.Argument(
        parser=_given_path,
        metavar="INPUT...",
        help="Files and directories: text, HTML, JSONL, CSV/TSV, Parquet (by name).",
    ),
]
InputFormatOption = Annotated[
    InputFormat,
    typer.Option("--input-format", help="Read every input file as this format (default: by name)."),
]
IdField = Annotated[
    str, typer.Option("--id-field", help="JSONL/CSV/Parquet field holding the document id.")
]
TextField = Annotated[
    str, typer.Option("--text-field", help="JSONL/CSV/Parquet field holding the text.")
]
Recursive = Annotated[
    bool, typer.Option("--recursive/--no-recursive", help="Walk directories recursively.")
]
Wait = Annotated[
    float,
    typer.Option(
        "--wait",
        metavar="SECONDS",
        parser=_number(0),
        help="Wait this long for another process writing the index (default: refuse).",
    ),
]
TopOption = Annotated[int, typer.Option("--top", "-k", min=1, help="Report at most K sources.")]
MinCoverageOption = Annotated[
    float,
    typer.Option(
        "--min-coverage",
        metavar="SHARE",
        parser=_number(0, 1),
        help="Report only sources whose passages cover at least this share of the document "
        "(0 to 1; default 0: every source). For near-duplicate checks, where one shared "
        "sentence is not a copy.",
    ),
]


def _console_for(buffer: io.StringIO | None) -> Console:
    """The terminal, or plain 100-column text into ``buffer`` (for a file)."""
    if buffer is None:
        return Console()
    return Console(file=buffer, width=100, color_system=None, force_terminal=False)


def _stderr_console() -> Console:
    return Console(stderr=True)


def _byte_progress(label: str, total: int, console: Console) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[documents]} documents"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal or total == 0,
    )


class _Skips:
    """Collects skipped inputs; prints the first few as warnings and a count at the end.
    Directories the walk did not enter are counted apart, so they neither pass for
    skipped documents nor use up the warnings a bad file would get."""

    def __init__(self, shown: int = 5) -> None:
        self.count = 0
        self.directories = 0
        self._shown = shown

    def __call__(self, skipped: SkippedInput) -> None:
        if skipped.directory:
            self.directories += 1
            seen = self.directories
        else:
            self.count += 1
            seen = self.count
        if seen <= self._shown:
            typer.echo(
                f"unspin: warning: skipped {one_line(skipped.where)}: {one_line(skipped.reason)}",
                err=True,
            )

    def summary(self) -> str:
        parts = [f"skipped {self.count}"] if self.count else []
        if self.directories:
            plural = "y" if self.directories == 1 else "ies"
            parts.append(f"{self.directories} linked director{plural} not followed")
        return "".join(", " + part for part in parts)


def _documents(
    inputs: list[Path],
    input_format: InputFormat,
    id_field: str,
    text_field: str,
    recursive: bool,
    max_size: float,
    skips: _Skips,
    progress: Callable[[int], None],
    exclude: Iterable[Path] = (),
) -> Iterator[Document]:
    return read_documents(
        inputs,
        input_format=input_format,
        id_field=id_field,
        text_field=text_field,
        recursive=recursive,
        max_bytes=_max_bytes(max_size),
        on_skip=skips,
        on_progress=progress,
        exclude=exclude,
    )


def _index_files(index_dir: Path) -> list[Path]:
    """The files of the index at ``index_dir``: inside an input directory, they are no
    documents."""
    index_path = index_dir.expanduser()
    if not index_path.is_dir():
        return []
    return [path for path in index_path.rglob("*") if path.is_file()]


def _input_bytes(inputs: list[Path], recursive: bool, exclude: Iterable[Path] = ()) -> int:
    total = 0
    for path, _ in input_files(inputs, recursive=recursive, exclude=exclude):
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


SkipSize = Annotated[
    float,
    typer.Option(
        "--max-size",
        metavar="MB",
        parser=_number(0.001, 1_048_576),
        help="Skip (with a warning) text and HTML files, lines of JSON-lines files and "
        "fields of CSV/TSV files larger than this many MiB.",
    ),
]


@index_app.command("add")
def index_add(
    index_dir: IndexDir,
    inputs: Inputs,
    input_format: InputFormatOption = InputFormat.AUTO,
    id_field: IdField = "id",
    text_field: TextField = "text",
    recursive: Recursive = True,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Documents per committed batch.")
    ] = 2000,
    max_size: SkipSize = DEFAULT_MAX_BYTES / 2**20,
    wait: Wait = 0.0,
    bag_pairs: Annotated[
        bool,
        typer.Option(
            "--bag-pairs",
            help="When this creates the index: also index order-free word-class pairs, "
            "which find more passages whose words were shuffled or that were "
            "machine-translated (about a tenth slower to build, an eighth more postings).",
        ),
    ] = False,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            min=1,
            max=64,  # past that, a 500-word text keeps too few fingerprints to be found
            help="When this creates the index: keep one fingerprint in N (1 to 64; default "
            "4). 1 "
            "keeps them all: about 2.8 times the disk, and it finds more short passages "
            "that were machine-translated or had their words shuffled. For archives "
            "up to some hundred thousand documents.",
        ),
    ] = None,
) -> None:
    """Add documents to INDEX_DIR (created if absent); same id, new text: replaced.

    Committed in batches: an interrupted run keeps what it committed, and running the
    same command again skips documents already there and completes the rest."""
    with _guarded():
        stderr = _stderr_console()
        own = _index_files(index_dir)
        total = _input_bytes(inputs, recursive, own)  # also refuses missing inputs up front
        skips = _Skips()
        counts = IngestCounts()
        # Bytes read before the progress bar starts (the first document), then the bar.
        advance: list[Callable[[int], None]] = []
        early = [0]

        def progressed(done: int) -> None:
            if advance:
                advance[0](done)
            else:
                early[0] += done

        documents = _documents(
            inputs, input_format, id_field, text_field, recursive, max_size, skips, progressed, own
        )
        first = next(documents, None)
        if first is None:  # nothing to add: refuse before creating an index
            raise InputError("no documents found in the inputs" + skips.summary())
        fingerprints = FingerprintOptions(
            sample=sample or FingerprintOptions().sample,
            bag_window=BAG_WINDOW if bag_pairs else 0,
        )
        with Index.open(index_dir, create=True, fingerprint_options=fingerprints) as index:
            if bag_pairs and index.fingerprint_options.bag_window == 0:
                typer.echo(
                    f"unspin: warning: {index_dir} was created without bag pairs; "
                    "--bag-pairs applies only when an index is created",
                    err=True,
                )
            if sample is not None and sample != index.fingerprint_options.sample:
                typer.echo(
                    f"unspin: warning: {index_dir} was created with --sample "
                    f"{index.fingerprint_options.sample}; --sample applies only when an "
                    "index is created",
                    err=True,
                )
            with _byte_progress("indexing", total, stderr) as progress:
                task = progress.add_task(
                    "read", total=total or None, completed=early[0], documents=0
                )
                advance.append(lambda done: progress.advance(task, done))
                seen = 0
                writer: IndexWriter | None = None
                try:
                    with index.writer(batch_size=batch_size, wait=wait) as writer:
                        for document in itertools.chain([first], documents):
                            writer.add(
                                document.id, document.text, html=document.html, path=document.path
                            )
                            seen += 1
                            if seen % 256 == 0:
                                progress.update(task, documents=seen)
                        progress.update(task, documents=seen)
                except KeyboardInterrupt:
                    done = writer.counts if writer is not None else IngestCounts()
                    _stop_interrupted(
                        f"unspin: interrupted after committing {done.added + done.replaced} "
                        "documents; run the same command again to add the rest"
                    )
                counts = writer.counts
            documents_now = len(index)
        repeated = ""
        if counts.repeated:
            repeated = f", {_count(counts.repeated, 'id')} given again (the last text kept)"
        typer.echo(
            f"added {counts.added}, replaced {counts.replaced}, unchanged {counts.unchanged}"
            f"{repeated}{skips.summary()}  ·  {_count(documents_now, 'document')} in {index_dir}"
        )


@index_app.command("remove")
def index_remove(
    index_dir: IndexDir,
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Ids of documents to remove.")],
    wait: Wait = 0.0,
) -> None:
    """Remove documents from INDEX_DIR by id."""
    with _guarded(), Index.open(index_dir) as index:
        ids = [shown_path(doc_id) for doc_id in ids]  # as `index add` names such files
        removed = index.remove(ids, wait=wait)
        missing = [doc_id for doc_id in dict.fromkeys(ids) if doc_id not in set(removed)]
        for doc_id in missing[:5]:
            typer.echo(f"unspin: warning: {one_line(doc_id)}: not in the index", err=True)
        typer.echo(
            f"removed {len(removed)}, not found {len(missing)}  ·  "
            f"{_count(len(index), 'document')} in {index_dir}"
        )


def _info_dict(info: IndexInfo) -> dict[str, object]:
    # a path that is not UTF-8 as ids show one (\xff), not as a lone surrogate
    return {**info._asdict(), "path": shown_path(str(info.path))}


@index_app.command("info")
def index_info(
    index_dir: IndexDir,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ReportFormat.TEXT,
) -> None:
    """Show what INDEX_DIR holds: documents, segments, postings, size on disk, format."""
    with _guarded(), Index.open(index_dir) as index:
        index.verify()  # a damaged index says so here, not on its first search
        info = index.info()
        if output_format is ReportFormat.JSON:
            _emit(json.dumps(_info_dict(info), indent=2) + "\n", None)
            return
        options = ", ".join(f"{k} {v}" for k, v in info.fingerprint_options.items())
        lines = [
            f"index       {one_line(shown_path(str(info.path)))}",
            f"documents   {info.documents}",
            f"removed     {info.tombstones} (tombstones until `unspin index compact`)",
            f"segments    {info.segments}",
            f"postings    {info.postings}",
            f"disk        {info.disk_bytes / 2**20:.1f} MiB",
            f"format      {info.format_version}, fingerprint scheme {info.fingerprint_scheme} "
            f"({options})",
            f"created     {info.created}",
        ]
        _emit("\n".join(lines) + "\n", None)


@index_app.command("compact")
def index_compact(index_dir: IndexDir, wait: Wait = 0.0) -> None:
    """Merge INDEX_DIR's segments into one and drop the postings of removed documents."""
    with _guarded(), Index.open(index_dir) as index:
        before = index.info()
        index.compact(wait=wait)
        after = index.info()
        typer.echo(
            f"segments {before.segments} -> {after.segments}, postings {before.postings} -> "
            f"{after.postings}, disk {before.disk_bytes / 2**20:.1f} -> "
            f"{after.disk_bytes / 2**20:.1f} MiB"
        )


# --- search and check ---------------------------------------------------------------------


@app.command()
def search(
    index_dir: IndexDir,
    document: Annotated[
        Path,
        typer.Argument(parser=_given_path, metavar="DOC", help="The suspicious text ('-': stdin)."),
    ],
    top: TopOption = 10,
    min_coverage: MinCoverageOption = 0.0,
    output_format: Annotated[
        SearchFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (for people), json (unspin.search/1), html (a self-contained page: "
            "DOC beside each source) or csv (one row per passage).",
        ),
    ] = SearchFormat.TEXT,
    output: OutputOption = None,
    candidates: Annotated[
        bool, typer.Option("--candidates", help="JSON: also list the retrieval candidates.")
    ] = False,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 2**20,
    full: Annotated[
        bool, typer.Option("--full", help="Show long passages whole (text format).")
    ] = False,
    show_source: Annotated[
        bool, typer.Option("--show-source", help="Also show each passage's source text.")
    ] = False,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            metavar="ID",
            help="Never report the indexed document with this id (repeatable): DOC's own "
            "copy in the index, say.",
        ),
    ] = None,
) -> None:
    """Find the indexed documents DOC was copied or spun from.

    Ranked sources, each with its score, verdict, share of DOC covered and passages."""
    with _guarded():
        if candidates and output_format is not SearchFormat.JSON:
            raise InputError("--candidates: only with --format json")
        output = _stdout_if_dash(output)
        refuse_overwriting(output, (document,))
        refuse_writing_into(output, index_dir)
        query = _read_input(document, max_size)
        options = SearchOptions(top=top, min_coverage=min_coverage)
        with Index.open(index_dir) as index:
            result = index.search(
                query.text,
                html=query.html,
                options=options,
                exclude=[shown_path(doc_id) for doc_id in exclude or ()],
            )
            sources = index.sources(result)
        if output_format in (SearchFormat.HTML, SearchFormat.CSV):
            report = report_from_search(query, result, sources, options=options)
            html = output_format is SearchFormat.HTML
            _emit(report_to_html(report) if html else report_to_csv(report), output)
            return
        texts = {doc_id: source.text for doc_id, source in sources.items()}
        if output_format is SearchFormat.JSON:
            _emit(
                search_result_to_json(
                    result,
                    query_name=query.id,
                    query_text=query.text,
                    source_texts=texts,
                    query_path=query.path,
                    candidates=candidates,
                ),
                output,
            )
            return
        buffer = io.StringIO() if output is not None else None
        console = _console_for(buffer)
        render_search(
            result,
            query.text,
            console=console,
            query_name=query.id,
            source_texts=texts,
            full=full,
            show_source=show_source,
        )
        if buffer is not None and output is not None:
            write_atomically(output, buffer.getvalue())


@app.command()
def check(
    index_dir: IndexDir,
    inputs: Inputs,
    out: Annotated[
        Path,
        typer.Option(
            "--output",
            "--out",
            "-o",
            metavar="FILE",
            parser=_output_file,
            help="Write the JSON-lines report here (atomically).",
        ),
    ],
    html_dir: Annotated[
        Path | None,
        typer.Option(
            "--html-dir",
            parser=_given_path,
            metavar="DIR",
            help="Also write an HTML report for each document with a source into DIR "
            "(created if absent).",
        ),
    ] = None,
    top: TopOption = 10,
    min_coverage: MinCoverageOption = 0.0,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, max=1024, help="Worker processes (default: all cores)."
        ),
    ] = None,
    input_format: InputFormatOption = InputFormat.AUTO,
    id_field: IdField = "id",
    text_field: TextField = "text",
    recursive: Recursive = True,
    max_size: SkipSize = DEFAULT_MAX_BYTES / 2**20,
    exclude_self: Annotated[
        bool,
        typer.Option(
            "--exclude-self",
            help="Never report a document as its own source: the indexed document with "
            "its id (read from the inputs as `index add` read them) is left out of its "
            "search. For checking a collection against an index of itself (dedup).",
        ),
    ] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Carry on from the report an interrupted or killed run left in "
            "FILE.partial, or extend a finished FILE with the inputs it lacks: documents "
            "already reported are not searched again. The index, the options and "
            "--html-dir must be those the report was checked with.",
        ),
    ] = False,
) -> None:
    """Search INDEX_DIR for the sources of many documents, on all cores.

    One JSON line per document (schema unspin.search/1) naming the input and its ranked
    sources; with --html-dir, an HTML report for each document with a source. Lines are
    written to FILE.partial as documents are checked, and it becomes FILE when all are:
    after an interruption, the same command with --resume checks only the rest."""
    with _guarded():
        stderr = _stderr_console()
        options = SearchOptions(top=top, min_coverage=min_coverage)
        report = CheckReportWriter(
            out,
            resume=resume,
            html_dir=html_dir,
            options=options,
            index=index_dir,
            exclude_self=exclude_self,
        )
        if str(out) == "-":
            raise InputError(
                "-o -: the report is written to a file (renamed into place when "
                "it is whole), not to stdout; give a file name"
            )
        refuse_overwriting(out, inputs)
        refuse_writing_into(out, index_dir)
        refuse_writing_into(html_dir, index_dir)
        _refuse_outputs_among_inputs(out, html_dir, inputs, recursive=recursive)
        # its own files, when the report is written inside an input directory, and the
        # index's, when it is inside one
        own = [out, report.path, report.partial, report.lock_path, *_index_files(index_dir)]
        total = _input_bytes(inputs, recursive, own)
        skips = _Skips()
        with Index.open(index_dir) as index:  # a missing or damaged index fails before any work
            index.verify()
        checked = with_sources = failed = read = known = 0
        first_error = ""

        def counted(documents: Iterator[Document]) -> Iterator[Document]:
            nonlocal read, known
            for document in documents:
                read += 1
                known += document.id in report.skip
                yield document

        try:
            with report, _byte_progress("checking", total, stderr) as progress:
                if report.earlier is not None and report.earlier.unrecorded:
                    typer.echo(
                        f"unspin: warning: {report.earlier.unrecorded} of the "
                        f"{_count(report.earlier.lines, 'line')} in {report.origin} record no "
                        "settings (an older unspin wrote them), so they could not be "
                        "compared with this run's",
                        err=True,
                    )
                if report.other_defaults:
                    typer.echo(
                        f"unspin: warning: some lines in {report.origin} were checked by an "
                        "unspin with other default settings (another version), so their "
                        "answers may differ from this run's",
                        err=True,
                    )
                task = progress.add_task("read", total=total or None, documents=0)
                documents = _documents(
                    inputs,
                    input_format,
                    id_field,
                    text_field,
                    recursive,
                    max_size,
                    skips,
                    lambda done: progress.advance(task, done),
                    own,
                )
                checks = check_documents(
                    index_dir,
                    counted(documents),
                    jobs=jobs,
                    options=options,
                    exclude_self=exclude_self,
                    skip=report.skip,
                )
                for item in checks:
                    checked += 1
                    progress.update(task, documents=checked)
                    if item.result is None:
                        failed += 1
                        first_error = first_error or f"{item.document.id}: {item.error}"
                        if failed <= _SHOWN_FAILURES:
                            typer.echo(
                                f"unspin: warning: {one_line(item.document.id)}: "
                                + one_line(str(item.error)),
                                err=True,
                            )
                        continue
                    with_sources += bool(item.result.matches)
                    report.add(item)
                if read == 0:  # an error, not an empty report
                    raise InputError("no documents found in the inputs" + skips.summary())
                if failed and failed == checked:  # a damaged index, most likely
                    which = "the one search" if failed == 1 else f"all {failed} searches"
                    raise _EverySearchFailed(f"{which} failed ({first_error})")
        except ReportSettingsError as exc:  # told with the flags that set them
            raise InputError(exc.describe(_CHECK_SETTING_FLAGS)) from None
        except _EverySearchFailed as exc:  # not a finished report: FILE is left as it was
            raise InputError(f"{exc}: {_interrupted_report(report, out)}") from None
        except KeyboardInterrupt:
            _stop_interrupted(
                f"unspin: interrupted after checking {_count(checked, 'document')}: "
                + _interrupted_report(report, out)
            )
        except WorkerError as exc:
            raise WorkerError(f"{exc}: {_interrupted_report(report, out)}") from None
        if failed > _SHOWN_FAILURES:
            typer.echo(
                f"unspin: warning: {failed - _SHOWN_FAILURES} more searches failed (not shown)",
                err=True,
            )
        earlier = report.earlier
        if earlier is not None and earlier.lines and not known:
            typer.echo(
                f"unspin: warning: none of the {_count(earlier.lines, 'document')} in "
                f"{report.origin} is among the inputs, so all were checked: a document is "
                "known by its id, which depends on how the inputs are named (give them as "
                "before)",
                err=True,
            )
        errors = f", {failed} failed" if failed else ""
        resumed = ""
        if earlier is not None and earlier.lines:
            resumed = f" (and {_count(earlier.lines, 'document')} reported before)"
            with_sources += earlier.with_sources
        html = ""
        if html_dir is not None:
            noun = "new HTML report" if resumed else "HTML report"  # earlier ones not counted
            html = f", {_count(report.pages_written, noun)} in {html_dir}"
        typer.echo(
            f"checked {_count(checked - failed, 'document')}{resumed}: {with_sources} with "
            f"sources{errors}{skips.summary()}  ·  report in {out}{html}"
        )


_SHOWN_FAILURES = 5  # failed searches named one by one; the rest are counted

# The check settings a report line records, by the arguments of `check` that set them.
_CHECK_SETTING_FLAGS: Final = {
    "index": "INDEX_DIR",
    "exclude_self": "--exclude-self",
    "html_dir": "--html-dir",
    "top": "--top",
    "min_coverage": "--min-coverage",
}


class _EverySearchFailed(Exception):
    """Raised inside ``check``'s report block, so that the report is not finished."""


def _refuse_outputs_among_inputs(
    out: Path, html_dir: Path | None, inputs: list[Path], *, recursive: bool
) -> None:
    """``check`` writes FILE and its HTML pages: where its walk of an input directory would
    read them, a page would be read as an input on the next run, and FILE could be an
    input it replaces (the report of an earlier run there is left out of the inputs)."""
    if html_dir is not None:
        holder = walked_into(html_dir / "page.html", inputs, recursive=recursive)
        if holder is not None:
            raise InputError(
                f"{html_dir}: inside the input directory {holder}, where its pages would "
                "be read as inputs; write them elsewhere"
            )
    holder = walked_into(out, inputs, recursive=recursive)
    if holder is not None and output_kind(out.expanduser(), out) == "file":
        try:
            ours = is_check_report(out.expanduser())
        except OSError:
            return  # the writer reports what it cannot do with FILE
        if not ours:
            raise InputError(
                f"{out}: is also an input (in {holder}) and not a report; write the report "
                "elsewhere"
            )


def _interrupted_report(report: CheckReportWriter, out: Path) -> str:
    """What an interrupted ``check`` left: where the report is, and its HTML pages."""
    if report.finished:
        saved = f"the report is finished in {out}"
    elif report.kept:
        saved = (
            f"the report so far is kept in {report.partial} (the same command with "
            "--resume finishes it)"
        )
    elif report.extending:
        saved = f"{out} is as it was"
    elif report.partial.exists():  # interrupted before it was resumed from
        saved = f"{report.partial} is as it was (the same command with --resume finishes it)"
    elif report.path.exists():  # an earlier report, not replaced
        saved = f"{out} is as it was"
    else:
        saved = f"no report written to {out}"
    if report.html_dir is None:
        return saved
    earlier = report.earlier is not None and report.earlier.lines
    noun = "new HTML report" if earlier else "HTML report"
    return f"{saved}; {_count(report.pages_written, noun)} kept in {report.html_dir}"


# --- serve --------------------------------------------------------------------------------

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@app.command()
def serve(
    index: Annotated[
        Path | None,
        typer.Option(
            "--index",
            parser=_given_path,
            metavar="INDEX_DIR",
            help="A source index to search (enables search).",
        ),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    max_request_size: Annotated[
        float,
        typer.Option(
            "--max-request-size",
            metavar="MB",
            parser=_number(0.001, 1_048_576),
            help="Refuse requests larger than this many MiB (413).",
        ),
    ] = 10.0,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="UNSPIN_TOKEN",
            show_envvar=True,
            help="Require 'Authorization: Bearer TOKEN' (the forms ask for it).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "--jobs",
            "-j",
            min=1,
            max=1024,
            help="Worker processes for comparisons and searches (default: one per core).",
        ),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
) -> None:
    """Run the web app: compare two texts, or search an index for the sources of one.

    A form page giving the HTML report, and a JSON API under /api/ (schema at
    /openapi.json)."""
    with _guarded():
        from unspin.server import missing_dependencies

        missing = missing_dependencies()
        if missing:
            _fail(
                f"the web app needs {', '.join(missing)}: pip install 'unspin[server]' "
                "(in a checkout: pip install '.[server]')",
                EXIT_FAILURE,
            )
        from unspin.server import ServerSettings
        from unspin.server import serve as run_server

        if token is not None and not token.strip():
            raise InputError("--token: must not be empty")
        settings = ServerSettings(
            max_request_bytes=_max_bytes(max_request_size),
            token=token,
            workers=workers,
            index_dir=index,
        )

        def announce(url: str) -> None:  # once listening: an address that fails is told alone
            if host not in _LOOPBACK and token is None:
                typer.echo(
                    f"unspin: warning: listening on {host} without a --token: anyone who can "
                    "reach this address can use the server",
                    err=True,
                )
            typer.echo(f"unspin: serving on {url} (Ctrl-C to stop)", err=True)

        run_server(settings, host=host, port=port, access_log=access_log, announce=announce)


# --- entry point --------------------------------------------------------------------------


# Typer vendors click from 0.2x on; its exceptions are then typer's own.
try:
    from typer._click.exceptions import ClickException as _ClickException
    from typer._click.exceptions import NoArgsIsHelpError as _NoArgsIsHelpError
    from typer._click.exceptions import UsageError as _UsageError
except ImportError:  # pragma: no cover - older typer, on click
    from click.exceptions import ClickException as _ClickException  # type: ignore[assignment]
    from click.exceptions import (  # type: ignore[assignment]
        NoArgsIsHelpError as _NoArgsIsHelpError,
    )
    from click.exceptions import UsageError as _UsageError  # type: ignore[assignment]


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops a command as Ctrl-C does, cleaning up


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (the console script exits with it)."""
    return _signalled_main(argv)


def run() -> NoReturn:
    """The ``unspin`` console script (and ``python -m unspin``): :func:`main`, then exit
    with its code. Once the command is done, Ctrl-C and SIGTERM are ignored: a signal in
    the process's last moments (the interpreter shutting down) would otherwise turn a
    finished run's exit code into the signal's."""
    outcome: list[int] = []
    try:
        _signalled_main(None, outcome=outcome)
    except KeyboardInterrupt:  # in the instant between the command's end and the ignoring
        if not outcome:
            typer.echo("unspin: interrupted", err=True)
    sys.exit(outcome[0] if outcome else EXIT_INTERRUPTED)


def _signalled_main(argv: list[str] | None, *, outcome: list[int] | None = None) -> int:
    """:func:`main`; given ``outcome`` (the process exits next), the exit code is put
    there and Ctrl-C and SIGTERM are ignored from then on."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        code = _main(argv)
        if outcome is not None:
            outcome.append(code)  # the command's code stands whatever comes now
            if previous is not None:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                previous = None
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    _Interruption.told = False
    _stand_in_for_closed_streams()
    tolerant_output()
    try:
        # Not standalone, so that a usage error reaches us and is told in one line.
        result = app(args=argv, prog_name="unspin", standalone_mode=False)
    except _NoArgsIsHelpError as exc:
        exc.show()  # a bare command group: its help
        return EXIT_BAD_INPUT
    except _UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "unspin"
        message = " ".join(exc.format_message().split())
        typer.echo(f"unspin: error: {message} (see '{command} -h')", err=True)
        return EXIT_BAD_INPUT
    except _ClickException as exc:
        typer.echo(f"unspin: error: {' '.join(exc.format_message().split())}", err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("unspin: interrupted", err=True)
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_FAILURE)
    except KeyboardInterrupt:
        typer.echo("unspin: interrupted", err=True)
        return EXIT_INTERRUPTED
    if result == EXIT_INTERRUPTED and not _Interruption.told:
        typer.echo("unspin: interrupted", err=True)  # typer's own, untold
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":
    run()
