"""Shared helpers of the benchmarks: run aligners on a PAN-layout corpus, score, tabulate.

A *PAN-layout corpus* is a directory with ``pairs`` (lines ``susp-file src-file``), ``src/``,
``susp/`` and ground-truth PAN XML files (one per pair, named
``<susp-stem>-<src-stem>.xml``), either in obfuscation sub-folders next to them (PAN13:
``02-no-obfuscation/`` …) or in ``truth/`` (corpora made by the simulator).

Every system is an external command taking ``PAIRS SRC_DIR SUSP_DIR OUT_DIR`` and writing one
PAN XML per pair into OUT_DIR, so all of them are timed the same way: around the whole
subprocess, interpreter start-up included.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple, Protocol, TypeVar, cast

from unspin.align import AlignOptions
from unspin.eval import EvaluationReport, PanScores, evaluate_corpus
from unspin.index import SearchOptions

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUTPUT_ROOT = BENCH_DIR / "out"  # git-ignored
SHARED_DIR = REPO_ROOT.parent / "shared"
PAN13_TRAIN_DIR = SHARED_DIR / "data" / "pan13-train"
SEED_PAIR_DIR = SHARED_DIR / "data" / "seed-pair"
ANCHOR_SCRIPT = SHARED_DIR / "anchors" / "sanchez-perez" / "run.sh"
NGRAM_BASELINE_SCRIPT = BENCH_DIR / "ngram_baseline.py"

ANCHOR = "anchor"
NGRAM = "ngram"
UNSPIN = "unspin"
ALL_SYSTEMS = (UNSPIN, ANCHOR, NGRAM)
OVERALL = "overall"

Item = TypeVar("Item")


# --------------------------------------------------------------------------- corpora


class Corpus(NamedTuple):
    """Where a system finds its input and the evaluator its ground truth."""

    pairs_file: Path
    src_dir: Path
    susp_dir: Path
    truth_dir: Path


def detect_truth_dir(corpus_dir: Path) -> Path:
    """Simulator corpora keep their truth in ``truth/``; PAN13 keeps it beside ``src/``."""
    truth_subdir = corpus_dir / "truth"
    return truth_subdir if truth_subdir.is_dir() else corpus_dir


def pan_output_name(susp_name: str, src_name: str) -> str:
    """The PAN file name of a pair's XML (what the anchor, the baseline and unspin write)."""
    return f"{Path(susp_name).stem}-{Path(src_name).stem}.xml"


def read_pairs(pairs_file: Path) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for line in pairs_file.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) == 2:
            pairs.append((fields[0], fields[1]))
    return pairs


def spread_sample(items: Sequence[Item], limit: int | None) -> list[Item]:
    """Return `limit` items evenly spread over `items` (every k-th), deterministically.

    Taking every k-th pair rather than the first N keeps each obfuscation group
    represented in proportion, whatever order the pairs file has.
    """
    if limit is None or limit >= len(items):
        return list(items)
    return [items[index * len(items) // limit] for index in range(limit)]


def restrict_corpus(
    corpus_dir: Path, truth_dir: Path, limit: int | None, work_dir: Path
) -> tuple[Corpus, int]:
    """Return a view of the corpus holding `limit` pairs (all when None), and its size.

    The evaluator treats every truth file as a pair to score (a missing detection file
    means nothing found), so a subset needs its own truth directory: `work_dir` receives
    the subset's ``pairs`` file and symbolic links to its truth files, mirroring their
    sub-folders so the per-obfuscation breakdown still works. Nothing is copied.
    """
    all_pairs = read_pairs(corpus_dir / "pairs")
    selected = spread_sample(all_pairs, limit)
    truth_by_name = {path.name: path for path in sorted(truth_dir.rglob("*.xml"))}

    work_dir.mkdir(parents=True, exist_ok=True)
    pairs_file = work_dir / "pairs"
    pairs_file.write_text("".join(f"{susp} {src}\n" for susp, src in selected), encoding="utf-8")
    truth_view = work_dir / "truth"
    missing_truth = []
    for susp_name, src_name in selected:
        truth_file = truth_by_name.get(pan_output_name(susp_name, src_name))
        if truth_file is None:
            missing_truth.append(f"{susp_name} {src_name}")
            continue
        link = truth_view / truth_file.relative_to(truth_dir)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(truth_file.resolve())
    if missing_truth:
        raise SystemExit(f"no truth XML for {len(missing_truth)} pairs, e.g. {missing_truth[0]}")
    corpus = Corpus(pairs_file, corpus_dir / "src", corpus_dir / "susp", truth_view)
    return corpus, len(selected)


# --------------------------------------------------------------------------- systems


class SystemSpec(NamedTuple):
    """A system under test: a name and how to build its command line for a corpus."""

    name: str
    command: Callable[[Corpus, Path, int], list[str]]  # (corpus, output dir, jobs) -> argv


def _anchor_command(corpus: Corpus, output_dir: Path, jobs: int) -> list[str]:
    return [
        str(ANCHOR_SCRIPT),
        str(corpus.pairs_file),
        str(corpus.src_dir),
        str(corpus.susp_dir),
        str(output_dir),
        str(jobs),
    ]


def _ngram_command(corpus: Corpus, output_dir: Path, jobs: int) -> list[str]:
    return [
        sys.executable,
        str(NGRAM_BASELINE_SCRIPT),
        str(corpus.pairs_file),
        str(corpus.src_dir),
        str(corpus.susp_dir),
        str(output_dir),
        "--jobs",
        str(jobs),
    ]


def _unspin_command(corpus: Corpus, output_dir: Path, jobs: int) -> list[str]:
    executable = shutil.which("unspin") or "unspin"
    return [
        executable,
        "pan",
        str(corpus.pairs_file),
        str(corpus.src_dir),
        str(corpus.susp_dir),
        str(output_dir),
        "--jobs",
        str(jobs),
    ]


SYSTEMS: dict[str, SystemSpec] = {
    ANCHOR: SystemSpec(ANCHOR, _anchor_command),
    NGRAM: SystemSpec(NGRAM, _ngram_command),
    UNSPIN: SystemSpec(UNSPIN, _unspin_command),
}


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a missing parent package
        return False


def unspin_cli_available() -> bool:
    """The console script is installed with the package; it works once ``unspin.cli`` exists."""
    return shutil.which("unspin") is not None and _module_exists("unspin.cli")


class CharSpan(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class AlignedPassage(Protocol):
    @property
    def suspicious(self) -> CharSpan: ...
    @property
    def source(self) -> CharSpan: ...


class Alignment(Protocol):
    @property
    def passages(self) -> Sequence[AlignedPassage]: ...


AlignFunction = Callable[[str, str], Alignment]


def load_unspin_align() -> AlignFunction | None:
    """``unspin.align`` (suspicious text, source text), or None while it does not exist."""
    # Looked up dynamically so the benchmarks type-check before and after it lands.
    module: ModuleType = importlib.import_module("unspin")
    align = getattr(module, "align", None)
    return cast(AlignFunction, align) if callable(align) else None


def unspin_api_available() -> bool:
    return load_unspin_align() is not None


def system_unavailable_reason(name: str) -> str | None:
    """Why a system cannot run here, or None when it can."""
    if name == UNSPIN and not unspin_cli_available():
        return "not available (no `unspin pan` CLI yet)"
    if name == ANCHOR and not ANCHOR_SCRIPT.is_file():
        return f"not available ({ANCHOR_SCRIPT} missing)"
    return None


# --------------------------------------------------------------------------- running


class SystemRun(NamedTuple):
    """One system's run over one corpus."""

    system: str
    pairs: int
    wall_s: float  # around the subprocess, start-up included
    reported_wall_s: float | None  # the system's own `wall_s` line, if it printed one
    peak_rss_mib: float  # largest resident set of the system's processes
    exit_code: int
    output_dir: Path
    report: EvaluationReport


def search_options(assignments: Sequence[str], base: SearchOptions | None = None) -> SearchOptions:
    """``base`` (default: the defaults) with each ``--option NAME=VALUE`` applied, the
    value converted to the field's type; ``align.NAME=VALUE`` sets a field of the
    alignment options searches verify with. A bad assignment exits with a one-line error."""
    options = base or SearchOptions()
    changed: dict[str, Any] = {}
    align_changed: dict[str, Any] = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        target, fields, into = options, SearchOptions._fields, changed
        if name.startswith("align."):
            name = name.removeprefix("align.")
            target, fields, into = options.align, AlignOptions._fields, align_changed
        if name not in fields or name in {"align", "analysis"} or not value:
            raise SystemExit(
                f"--option {assignment}: expected NAME=VALUE, NAME a SearchOptions field"
                " (or align.NAME, an AlignOptions field)"
            )
        default = getattr(target, name)
        if isinstance(default, bool):  # bool("False") is True
            if value.lower() not in {"true", "false"}:
                raise SystemExit(f"--option {assignment}: expected true or false")
            into[name] = value.lower() == "true"
        else:
            try:
                into[name] = type(default)(value)
            except ValueError:
                raise SystemExit(
                    f"--option {assignment}: {value!r} is not a valid {type(default).__name__}"
                ) from None
    if align_changed:
        changed["align"] = options.align._replace(**align_changed)
    return options._replace(**changed)


def changed_options(options: SearchOptions) -> dict[str, Any]:
    """The fields of ``options`` that differ from the defaults, alignment fields as
    ``align.NAME``: what a run's report names as changed."""
    changed: dict[str, Any] = {
        name: value
        for name, value in options._asdict().items()
        if name != "align" and value != SearchOptions._field_defaults[name]
    }
    defaults = AlignOptions()
    for name, value in options.align._asdict().items():
        if name != "analysis" and value != getattr(defaults, name):
            changed[f"align.{name}"] = value
    return changed


def new_run_dir(prefix: str) -> Path:
    """A fresh, timestamped directory under bench/out/."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    OUTPUT_ROOT.mkdir(parents=True, exist_ok=True)
    run_dir = OUTPUT_ROOT / f"{prefix}-{stamp}"
    suffix = 1
    while True:  # mkdir, not exists(): two runs started in one second both get a directory
        try:
            run_dir.mkdir()
            return run_dir
        except FileExistsError:
            suffix += 1
            run_dir = OUTPUT_ROOT / f"{prefix}-{stamp}-{suffix}"


def _reported_wall_s(log_text: str) -> float | None:
    for line in reversed(log_text.splitlines()):
        fields = line.split()
        if len(fields) == 2 and fields[0] == "wall_s":
            try:
                return float(fields[1])
            except ValueError:
                return None
    return None


def run_system(
    system: SystemSpec, corpus: Corpus, pairs: int, run_dir: Path, jobs: int
) -> SystemRun:
    """Run `system` on `corpus` into ``run_dir/<name>/``, then score its output.

    Its stdout and stderr go to ``run_dir/<name>.log``. Peak RSS comes from ``os.wait4``:
    the kernel reports the child's high-water mark including its reaped descendants
    (pool workers, the anchor's per-part interpreters). ``getrusage(RUSAGE_CHILDREN)``
    would report the same figure but as a maximum over *all* children so far, so the
    second system run would inherit the first one's peak.
    """
    output_dir = run_dir / system.name
    if output_dir.exists():
        shutil.rmtree(output_dir)
    output_dir.mkdir(parents=True)
    log_path = run_dir / f"{system.name}.log"
    command = system.command(corpus, output_dir, jobs)
    with log_path.open("w", encoding="utf-8") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        _, wait_status, usage = os.wait4(process.pid, 0)
        wall_s = time.perf_counter() - start
    exit_code = os.waitstatus_to_exitcode(wait_status)
    process.returncode = exit_code  # reaped by wait4: keep Popen from waiting again
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    if exit_code != 0:
        tail = "\n".join(log_text.splitlines()[-5:])
        print(f"{system.name}: exited with {exit_code}; log {log_path}:\n{tail}", file=sys.stderr)
    return SystemRun(
        system=system.name,
        pairs=pairs,
        wall_s=wall_s,
        reported_wall_s=_reported_wall_s(log_text),
        peak_rss_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
        exit_code=exit_code,
        output_dir=output_dir,
        report=evaluate_corpus(corpus.truth_dir, output_dir),
    )


# --------------------------------------------------------------------------- tables


_METRICS = ("plagdet", "recall", "precision", "granularity")


def _scores_by_subset(run: SystemRun) -> dict[str, PanScores]:
    return {OVERALL: run.report.overall, **run.report.by_obfuscation}


def _render(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            [row[0].ljust(widths[0])]
            + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        ).rstrip()
        for row in rows
    )


def format_side_by_side(runs: Sequence[SystemRun], anchor: str = ANCHOR) -> str:
    """Render one table: a row per obfuscation group and overall, 4 metrics per system.

    Footer rows give each system's wall time, its own reported processing time, peak
    RSS and its speed relative to the anchor (anchor wall / system wall: >1 is faster).
    """
    if not runs:
        return "(no system ran)"
    scores = [_scores_by_subset(run) for run in runs]
    groups = sorted({group for by_subset in scores for group in by_subset} - {OVERALL})
    subsets = [*groups, OVERALL]
    anchor_run = next((run for run in runs if run.system == anchor), None)

    title_row = ["", ""]
    header_row = ["subset", "cases"]
    for run in runs:
        title_row += [f"[{run.system}]", "", "", ""]
        header_row += list(_METRICS)
    rows = [title_row, header_row]
    for subset in subsets:
        case_counts = {by_subset[subset].cases for by_subset in scores if subset in by_subset}
        row = [subset, "/".join(str(count) for count in sorted(case_counts))]
        for by_subset in scores:
            subset_scores = by_subset.get(subset)
            row += (
                ["-"] * len(_METRICS)
                if subset_scores is None
                else [
                    f"{subset_scores.plagdet:.4f}",
                    f"{subset_scores.recall:.4f}",
                    f"{subset_scores.precision:.4f}",
                    f"{subset_scores.granularity:.4f}",
                ]
            )
        rows.append(row)

    def footer(label: str, cell: Callable[[SystemRun], str]) -> list[str]:
        row = [label, ""]
        for run in runs:
            row += [cell(run), "", "", ""]
        return row

    def reported(run: SystemRun) -> str:
        return "-" if run.reported_wall_s is None else f"{run.reported_wall_s:.1f}"

    def speed(run: SystemRun) -> str:
        if anchor_run is None or run.wall_s <= 0:
            return "-"
        return f"{anchor_run.wall_s / run.wall_s:.2f}x"

    rows.append(footer("wall s (total)", lambda run: f"{run.wall_s:.1f}"))
    rows.append(footer("wall s (reported)", reported))
    rows.append(footer("peak RSS MiB", lambda run: f"{run.peak_rss_mib:.0f}"))
    rows.append(footer(f"speed vs {anchor}", speed))
    rows.append(footer("exit code", lambda run: str(run.exit_code)))
    pairs = sorted({run.pairs for run in runs})
    return f"pairs: {'/'.join(map(str, pairs))}\n" + _render(rows)


def scores_as_dict(scores: PanScores) -> dict[str, float | int]:
    return scores._asdict()


def run_as_dict(run: SystemRun) -> dict[str, object]:
    """A JSON-ready record of a run."""
    return {
        "system": run.system,
        "pairs": run.pairs,
        "wall_s": round(run.wall_s, 3),
        "reported_wall_s": run.reported_wall_s,
        "peak_rss_mib": round(run.peak_rss_mib, 1),
        "exit_code": run.exit_code,
        "output_dir": str(run.output_dir),
        "overall": scores_as_dict(run.report.overall),
        "by_obfuscation": {
            group: scores_as_dict(scores) for group, scores in run.report.by_obfuscation.items()
        },
    }
