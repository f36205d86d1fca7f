"""Tests of the index commands of the command line: ``unspin index add|remove|info|compact``,
``unspin search`` and ``unspin check``: outputs, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import unspin.cli
import unspin.index
import unspin.index._check
import unspin.report._check_report
from conftest import news_article, prose_article
from unspin import Document
from unspin.cli import app
from unspin.eval import settings_for, spin_text
from unspin.report import SEARCH_SCHEMA_VERSION, search_result_from_dict

runner = CliRunner()

_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
UNRELATED = (
    "Tomatoes need at least six hours of direct sunshine a day, so choose the brightest "
    "corner you have. Use a deep pot with holes in the bottom and fill it with a rich "
    "compost mixed with a handful of sand. Water the plants in the morning rather than at "
    "night, and feed them once a week with a liquid fertiliser after the first flowers "
    "appear. When the fruit turns deep red and feels slightly soft, twist it gently.\n"
)


def _run(*args: str | Path, input: str | None = None) -> object:
    return runner.invoke(app, [str(arg) for arg in args], input=input)


def _one_line_error(result: object, code: int, *fragments: str) -> None:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == code, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    lines = [line for line in output.strip().splitlines() if not line.startswith("unspin: warn")]
    assert len(lines) == 1, output
    assert lines[0].startswith("unspin: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A directory of 12 articles in two sub-directories, a JSONL file and junk."""
    root = tmp_path / "corpus"
    for folder in ("a", "b"):
        (root / folder).mkdir(parents=True)
    for seed in range(10):
        (root / ("a" if seed < 5 else "b") / f"{seed:02d}.txt").write_text(news_article(seed))
    with (root / "more.jsonl").open("w") as handle:
        for seed in (10, 11):
            handle.write(json.dumps({"id": f"j{seed}", "text": news_article(seed)}) + "\n")
    (root / "logo.png").write_bytes(_PNG)
    (root / "empty.txt").write_text("")
    return root


@pytest.fixture
def index_dir(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "idx"
    result = _run("index", "add", path, corpus)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return path


def test_index_add_reports_counts_and_skips(tmp_path: Path, corpus: Path) -> None:
    result = _run("index", "add", tmp_path / "idx", corpus)
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 0, output  # type: ignore[attr-defined]
    assert "added 12, replaced 0, unchanged 0, skipped 2" in output
    assert "12 documents in" in output
    assert "warning: skipped" in output and "logo.png" in output and "empty.txt" in output
    again = _run("index", "add", tmp_path / "idx", corpus)
    assert "added 0, replaced 0, unchanged 12" in again.output  # type: ignore[attr-defined]
    # Linked directories are counted apart and leave the bad files their warnings.
    for number in range(6):
        (corpus / f"link{number}").symlink_to(corpus / "a")
    linked = _run("index", "add", tmp_path / "idx", corpus).output  # type: ignore[attr-defined]
    assert "skipped 2, 6 linked directories not followed" in linked
    assert "logo.png" in linked and "empty.txt" in linked


def test_index_info_text_and_json(index_dir: Path) -> None:
    text = _run("index", "info", index_dir)
    assert text.exit_code == 0  # type: ignore[attr-defined]
    assert "documents   12" in text.output  # type: ignore[attr-defined]
    data = json.loads(_run("index", "info", index_dir, "--format", "json").output)  # type: ignore[attr-defined]
    assert data["documents"] == 12 and data["segments"] >= 1 and data["disk_bytes"] > 0


def test_index_add_bag_pairs_applies_when_the_index_is_created(
    tmp_path: Path, corpus: Path, index_dir: Path
) -> None:
    fresh = tmp_path / "bags"
    result = _run("index", "add", fresh, corpus, "--bag-pairs")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    info = json.loads(_run("index", "info", fresh, "--format", "json").output)  # type: ignore[attr-defined]
    assert info["fingerprint_options"]["bag_window"] == 8
    plain = json.loads(_run("index", "info", index_dir, "--format", "json").output)  # type: ignore[attr-defined]
    assert plain["fingerprint_options"]["bag_window"] == 0
    assert info["postings"] > plain["postings"]
    assert "created without" not in result.output  # type: ignore[attr-defined]
    # An existing index keeps its fingerprints, and says so.
    again = _run("index", "add", index_dir, corpus, "--bag-pairs")
    assert again.exit_code == 0  # type: ignore[attr-defined]
    assert "created without bag pairs" in again.output  # type: ignore[attr-defined]
    assert "unchanged 12" in again.output  # type: ignore[attr-defined]


def test_index_add_sample_applies_when_the_index_is_created(
    tmp_path: Path, corpus: Path, index_dir: Path
) -> None:
    fresh = tmp_path / "dense"
    result = _run("index", "add", fresh, corpus, "--sample", "1")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    info = json.loads(_run("index", "info", fresh, "--format", "json").output)  # type: ignore[attr-defined]
    assert info["fingerprint_options"]["sample"] == 1
    plain = json.loads(_run("index", "info", index_dir, "--format", "json").output)  # type: ignore[attr-defined]
    assert plain["fingerprint_options"]["sample"] == 4
    assert info["postings"] > 3 * plain["postings"]
    # An existing index keeps its sample, and says so; without --sample, nothing is said.
    again = _run("index", "add", fresh, corpus, "--sample", "4")
    assert again.exit_code == 0  # type: ignore[attr-defined]
    assert "created with --sample 1" in again.output  # type: ignore[attr-defined]
    assert "unchanged 12" in again.output  # type: ignore[attr-defined]
    quiet = _run("index", "add", fresh, corpus)
    assert "--sample" not in quiet.output  # type: ignore[attr-defined]
    refused = _run("index", "add", tmp_path / "zero", corpus, "--sample", "0")
    assert refused.exit_code != 0 and not (tmp_path / "zero").exists()  # type: ignore[attr-defined]


def test_search_finds_a_spun_copy_and_nothing_for_unrelated_text(
    tmp_path: Path, index_dir: Path, corpus: Path
) -> None:
    spun = tmp_path / "spun.txt"
    spun.write_text(spin_text(news_article(3), settings=settings_for("heavy"), seed=5))
    result = _run("search", index_dir, spun, "--format", "json", "--candidates")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = json.loads(result.output)  # type: ignore[attr-defined]
    assert data["schema"] == SEARCH_SCHEMA_VERSION
    assert data["query"]["name"] == "spun.txt"
    top = data["sources"][0]
    assert top["id"] == (corpus / "a" / "03.txt").as_posix()
    assert top["verdict"] in ("spun-copy", "copy") and top["query_coverage"] > 0.8
    passage = top["alignment"]["passages"][0]
    assert passage["suspicious"]["text"] and passage["source"]["text"]
    assert data["candidates"][0]["verified"] is True
    rebuilt = search_result_from_dict(data)
    assert rebuilt.matches[0].id == top["id"]

    text = _run("search", index_dir, spun)
    assert "1. " in text.output and "03.txt" in text.output  # type: ignore[attr-defined]

    unrelated = tmp_path / "garden.txt"
    unrelated.write_text(UNRELATED)
    none = _run("search", index_dir, unrelated, "-f", "json")
    assert json.loads(none.output)["sources"] == []  # type: ignore[attr-defined]
    assert "no source found" in _run("search", index_dir, unrelated).output  # type: ignore[attr-defined]


def test_search_reads_stdin_and_writes_a_file(tmp_path: Path, index_dir: Path) -> None:
    out = tmp_path / "report.txt"
    result = _run("search", index_dir, "-", "-o", out, input=news_article(7))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "07.txt" in out.read_text()


def test_search_writes_the_html_and_csv_reports(tmp_path: Path, index_dir: Path) -> None:
    spun = spin_text(news_article(4), settings=settings_for("medium"), seed=2)
    page = "<html><body>" + "".join(f"<p>{p}</p>" for p in spun.split("\n\n")) + "</body></html>"
    out = tmp_path / "report.html"
    result = _run("search", index_dir, "-", "-f", "html", "-o", out, input=page)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = out.read_text()
    assert "<b>stdin</b> (suspicious) against 1 source" in html and 'id="c0-r-p1"' in html
    assert "04.txt" in html and "visible text of the HTML" in html  # stdin read as HTML
    rows = _run("search", index_dir, "-", "-f", "csv", input=spun).output  # type: ignore[attr-defined]
    table = list(csv.DictReader(io.StringIO(rows)))
    assert table and all(row["source"].endswith("a/04.txt") for row in table)
    start, end = int(table[0]["suspicious_start"]), int(table[0]["suspicious_end"])
    assert table[0]["suspicious_text"] == spun[start:end]
    refused = _run("search", index_dir, "-", "-f", "html", "--candidates", input=spun)
    _one_line_error(refused, 2, "--candidates: only with --format json")


def test_check_writes_one_json_line_per_document(tmp_path: Path, index_dir: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "copy.txt").write_text(
        spin_text(news_article(8), settings=settings_for("medium"), seed=1)
    )
    (queries / "garden.txt").write_text(UNRELATED)
    (queries / "junk.bin").write_bytes(_PNG)
    out, reports = tmp_path / "report.jsonl", tmp_path / "reports"
    result = _run("check", index_dir, queries, "-o", out, "--jobs", "2", "--html-dir", reports)
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 0, output  # type: ignore[attr-defined]
    assert "checked 2 documents: 1 with sources, skipped 1" in output
    assert f"1 HTML report in {reports}" in output
    report = reports / (queries / "copy.txt").as_posix().strip("/").replace("/", "_")
    assert [p.name for p in reports.iterdir()] == [report.name + ".html"]
    assert "08.txt" in (reports / (report.name + ".html")).read_text()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["query"]["name"] for line in lines] == [
        (queries / "copy.txt").as_posix(),
        (queries / "garden.txt").as_posix(),
    ]
    assert lines[0]["sources"][0]["id"].endswith("08.txt")
    assert lines[1]["sources"] == [] and lines[1]["verdict"] == "no-copy"
    assert lines[0]["html_report"] == str(reports / (report.name + ".html"))
    assert "html_report" not in lines[1]  # no source, no report
    single = _run("check", index_dir, queries / "copy.txt", "--out", out, "--jobs", "1")
    assert single.exit_code == 0  # type: ignore[attr-defined]
    assert len(out.read_text().splitlines()) == 1


def test_check_exclude_self_finds_the_other_copies_in_an_indexed_collection(
    tmp_path: Path,
) -> None:
    collection = tmp_path / "collection"
    collection.mkdir()
    (collection / "original.txt").write_text(prose_article(3))
    (collection / "spun.txt").write_text(
        spin_text(prose_article(3), settings=settings_for("medium"), seed=2)
    )
    (collection / "other.txt").write_text(prose_article(5))
    index = tmp_path / "idx"
    assert _run("index", "add", index, collection).exit_code == 0  # type: ignore[attr-defined]
    out = tmp_path / "report.jsonl"

    def sources() -> dict[str, list[str]]:
        lines = [json.loads(line) for line in out.read_text().splitlines()]
        return {
            Path(line["query"]["name"]).name: [Path(s["id"]).name for s in line["sources"]]
            for line in lines
        }

    for jobs in ("1", "2"):
        result = _run("check", index, collection, "--out", out, "--jobs", jobs, "--exclude-self")
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert sources() == {
            "original.txt": ["spun.txt"],
            "spun.txt": ["original.txt"],
            "other.txt": [],
        }
    # Without it, each document is its own first source.
    assert _run("check", index, collection, "--out", out).exit_code == 0  # type: ignore[attr-defined]
    assert all(found[:1] == [name] for name, found in sources().items())
    searched = _run(
        "search",
        index,
        collection / "spun.txt",
        "-f",
        "json",
        "--exclude",
        collection / "spun.txt",
    )
    assert searched.exit_code == 0, searched.output  # type: ignore[attr-defined]
    data = json.loads(searched.output)  # type: ignore[attr-defined]
    assert [Path(s["id"]).name for s in data["sources"]] == ["original.txt"]


def _query_dir(
    tmp_path: Path, seeds: Iterable[int], *, name: str = "{}.txt", paragraphs: int | None = None
) -> Path:
    """``tmp_path/queries``, one generated news article per seed, named ``name``."""
    queries = tmp_path / "queries"
    queries.mkdir()
    for seed in seeds:
        text = (
            news_article(seed) if paragraphs is None else news_article(seed, paragraphs=paragraphs)
        )
        (queries / name.format(seed)).write_text(text)
    return queries


def _interrupt_check_after(monkeypatch: pytest.MonkeyPatch, documents: int) -> None:
    """Make ``unspin check`` see Ctrl-C while it searches document ``documents + 1``."""
    real = unspin.cli.check_documents

    def interrupted(*args: object, **kwargs: object) -> Iterator[object]:
        for number, item in enumerate(real(*args, **kwargs)):  # type: ignore[arg-type]
            if number == documents:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(unspin.cli, "check_documents", interrupted)


def _report_names(path: Path) -> list[str]:
    return [Path(json.loads(line)["query"]["name"]).name for line in path.read_text().splitlines()]


def test_an_interrupted_check_keeps_its_finished_lines_and_resume_finishes_it(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, (1, 2, 3, 4))
    out, reports = tmp_path / "report.jsonl", tmp_path / "reports"
    partial = tmp_path / "report.jsonl.partial"
    command = ("check", index_dir, queries, "-o", out, "--html-dir", reports, "-j", "1")
    with monkeypatch.context() as patch:
        _interrupt_check_after(patch, 2)
        result = _run(*command)
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert result.output.strip() == (  # type: ignore[attr-defined]
        f"unspin: interrupted after checking 2 documents: the report so far is kept in "
        f"{partial} (the same command with --resume finishes it); "
        f"2 HTML reports kept in {reports}"
    )
    assert not out.exists() and _report_names(partial) == ["1.txt", "2.txt"]
    pages = sorted(reports.iterdir())
    assert [p.name.rsplit("_", 1)[-1] for p in pages] == ["1.txt.html", "2.txt.html"]
    assert all(page.read_text().rstrip().endswith("</html>") for page in pages)
    # The same command again would lose that work: it is refused.
    _one_line_error(_run(*command), 2, str(partial), "--resume")
    searched: list[str] = []
    real = unspin.index.Index.search

    def spy(self: unspin.index.Index, text: str, **kwargs: object) -> object:
        searched.append(text)
        return real(self, text, **kwargs)  # type: ignore[arg-type]

    # The earlier lines name pages in reports: resuming with other pages, or none, would
    # leave one report naming pages in two places, or some documents without theirs.
    elsewhere = tmp_path / "elsewhere"
    _one_line_error(
        _run(*command[:-4], "--html-dir", elsewhere, "-j", "1", "--resume"),
        2,
        f'other settings (--html-dir "{reports.resolve()}" then, "{elsewhere.resolve()}" now)',
        "delete it to start over",
    )
    _one_line_error(
        _run(*command[:-4], "-j", "1", "--resume"),
        2,
        f'(--html-dir "{reports.resolve()}" then, none now)',
    )
    assert _report_names(partial) == ["1.txt", "2.txt"] and not elsewhere.exists()
    monkeypatch.setattr(unspin.index.Index, "search", spy)
    resumed = _run(*command, "--resume")
    assert resumed.exit_code == 0, resumed.output  # type: ignore[attr-defined]
    assert "checked 2 documents (and 2 documents reported before): 4 with sources" in (
        resumed.output  # type: ignore[attr-defined]
    )
    assert searched == [news_article(3), news_article(4)]  # only the rest is searched
    assert not partial.exists() and _report_names(out) == ["1.txt", "2.txt", "3.txt", "4.txt"]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len({line["html_report"] for line in lines}) == 4 == len(list(reports.iterdir()))
    # A straight run writes the same report.
    straight = tmp_path / "straight.jsonl"
    assert _run("check", index_dir, queries, "-o", straight, "-j", "1").exit_code == 0  # type: ignore[attr-defined]
    assert all(line["check"].pop("html_dir") == str(reports.resolve()) for line in lines)
    assert [{k: v for k, v in line.items() if k != "html_report"} for line in lines] == [
        json.loads(line) for line in straight.read_text().splitlines()
    ]


def _signalled_check(
    index_dir: Path, queries: Path, out: Path, *, jobs: int, after_lines: int, signum: int
) -> tuple[int, bytes]:
    """Run ``unspin check`` in its own process and send it ``signum`` once its
    FILE.partial holds ``after_lines`` lines; return its exit status and stderr."""
    partial = out.with_name(out.name + ".partial")
    command = [sys.executable, "-m", "unspin", "check", str(index_dir), str(queries)]
    command += ["-o", str(out), "-j", str(jobs)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (partial.exists() and partial.read_bytes().count(b"\n") >= after_lines):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, stderr


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_kill_9_mid_check_loses_no_finished_line_and_resume_completes(
    tmp_path: Path, index_dir: Path
) -> None:
    queries = _query_dir(tmp_path, range(120), name="{:03d}.txt", paragraphs=2)
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    returncode, _ = _signalled_check(
        index_dir, queries, out, jobs=1, after_lines=5, signum=signal.SIGKILL
    )
    assert returncode == -signal.SIGKILL and not out.exists()
    left = partial.read_bytes().count(b"\n")
    assert 5 <= left < 120
    resumed = _run("check", index_dir, queries, "-o", out, "-j", "1", "--resume")
    assert resumed.exit_code == 0, resumed.output  # type: ignore[attr-defined]
    assert f"(and {left} documents reported before)" in resumed.output  # type: ignore[attr-defined]
    straight = tmp_path / "straight.jsonl"
    assert _run("check", index_dir, queries, "-o", straight, "-j", "2").exit_code == 0  # type: ignore[attr-defined]
    assert out.read_text() == straight.read_text()


def test_an_interruption_before_the_first_line_is_written_leaves_no_file(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt_check_after(monkeypatch, 0)
    out = tmp_path / "report.jsonl"
    result = _run("check", index_dir, index_dir.parent / "corpus" / "a", "-o", out, "-j", "1")
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert result.output.strip().endswith(f"no report written to {out}")  # type: ignore[attr-defined]
    assert not out.exists() and not (tmp_path / "report.jsonl.partial").exists()


def test_resume_drops_a_line_torn_by_a_killed_run_and_extends_a_finished_report(
    tmp_path: Path, index_dir: Path
) -> None:
    queries = _query_dir(tmp_path, (1, 2, 3))
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    assert _run("check", index_dir, queries, "-o", out, "-j", "1").exit_code == 0  # type: ignore[attr-defined]
    whole = out.read_text()
    first, second = whole.splitlines(keepends=True)[:2]
    out.unlink()
    partial.write_text(first + second[: len(second) // 2])  # killed while writing line 2
    resumed = _run("check", index_dir, queries, "-o", out, "-j", "1", "--resume")
    assert resumed.exit_code == 0, resumed.output  # type: ignore[attr-defined]
    assert out.read_text() == whole and not partial.exists()
    # A finished report is extended with the inputs it lacks, and stays whole till then.
    (queries / "4.txt").write_text(news_article(4))
    extended = _run("check", index_dir, queries, "-o", out, "-j", "2", "--resume")
    assert extended.exit_code == 0, extended.output  # type: ignore[attr-defined]
    assert "checked 1 document (and 3 documents reported before)" in extended.output  # type: ignore[attr-defined]
    assert out.read_text().startswith(whole)
    assert _report_names(out) == ["1.txt", "2.txt", "3.txt", "4.txt"]
    # Other options would mix two questions' answers in one report: refused, untouched.
    before = os.stat(out)
    other_index = tmp_path / "other.idx"
    shutil.copytree(index_dir, other_index)
    for changed, told in (
        (("--top", "3"), "(--top 10 then, 3 now)"),
        (("--min-coverage", "0.3"), "(--min-coverage 0.0 then, 0.3 now)"),
        (("--exclude-self",), "(--exclude-self false then, true now)"),
    ):
        _one_line_error(_run("check", index_dir, queries, "-o", out, *changed, "--resume"), 2, told)
    _one_line_error(
        _run("check", other_index, queries, "-o", out, "--resume"),
        2,
        f'(INDEX_DIR "{index_dir.resolve()}" then, "{other_index.resolve()}" now)',
    )
    # With nothing new, the finished report is not touched at all.
    again = _run("check", index_dir, queries, "-o", out, "-j", "1", "--resume")
    assert "checked 0 documents (and 4 documents reported before)" in again.output  # type: ignore[attr-defined]
    assert os.stat(out).st_ino == before.st_ino and os.stat(out).st_mtime_ns == before.st_mtime_ns
    # --resume with nothing to resume from is a plain run.
    fresh = tmp_path / "fresh.jsonl"
    assert _run("check", index_dir, queries, "-o", fresh, "--resume").exit_code == 0  # type: ignore[attr-defined]
    assert fresh.read_text() == out.read_text()
    # A finished report whose last newline was lost is extended on a line of its own.
    out.write_text(out.read_text()[:-1])
    (queries / "5.txt").write_text(news_article(5))
    assert _run("check", index_dir, queries, "-o", out, "-j", "1", "--resume").exit_code == 0  # type: ignore[attr-defined]
    assert _report_names(out) == ["1.txt", "2.txt", "3.txt", "4.txt", "5.txt"]
    # Lines of an older unspin record no settings: carried on, with a warning.
    older = [json.loads(line) for line in out.read_text().splitlines()]
    assert all("check" in line for line in older)
    out.write_text(
        "".join(
            json.dumps({k: v for k, v in line.items() if k != "check"}) + "\n" for line in older
        )
    )
    warned = _run("check", index_dir, queries, "-o", out, "--top", "3", "--resume")
    assert warned.exit_code == 0  # type: ignore[attr-defined]
    assert "5 of the 5 lines in" in warned.output and "record no settings" in warned.output  # type: ignore[attr-defined]
    # Lines another version wrote under other defaults are told of, and carried on.
    (queries / "6.txt").write_text(news_article(6))
    fresh.write_text(
        "".join(line.replace('"defaults": "', '"defaults": "0') for line in fresh.open())
    )
    told = _run("check", index_dir, queries, "-o", fresh, "-j", "1", "--resume")
    assert told.exit_code == 0, told.output  # type: ignore[attr-defined]
    assert "checked by an unspin with other default settings" in told.output  # type: ignore[attr-defined]
    assert "checked 2 documents (and 4 documents reported before)" in told.output  # type: ignore[attr-defined]


def test_each_line_is_on_disk_as_soon_as_its_document_is_checked(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, range(6), paragraphs=2)
    partial = tmp_path / "report.jsonl.partial"
    real = unspin.cli.check_documents
    on_disk: list[int] = []

    def watched(*args: object, **kwargs: object) -> Iterator[object]:
        for item in real(*args, **kwargs):  # type: ignore[arg-type]
            on_disk.append(partial.read_bytes().count(b"\n") if partial.exists() else 0)
            yield item

    monkeypatch.setattr(unspin.cli, "check_documents", watched)
    out = tmp_path / "report.jsonl"
    assert _run("check", index_dir, queries, "-o", out, "-j", "1").exit_code == 0  # type: ignore[attr-defined]
    assert on_disk == [0, 1, 2, 3, 4, 5]  # while the file is still open, every line is there


def test_a_line_names_its_html_report_only_once_the_report_is_on_disk(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, range(8), paragraphs=2)
    out, reports = tmp_path / "report.jsonl", tmp_path / "reports"
    partial = tmp_path / "report.jsonl.partial"
    command = ("check", index_dir, queries, "-o", out, "--html-dir", reports, "-j", "1")
    real = unspin.report._check_report.write_atomically

    def slow(path: Path, text: str) -> None:
        time.sleep(0.3)  # a slow disk: pages lag behind the searches
        real(path, text)

    with monkeypatch.context() as patch:
        patch.setattr(unspin.report._check_report, "write_atomically", slow)
        _interrupt_check_after(patch, 5)
        assert _run(*command).exit_code == 130  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in partial.read_text().splitlines()]
    assert 1 <= len(lines) <= 5
    assert all(Path(line["html_report"]).is_file() for line in lines)
    assert _run(*command, "--resume").exit_code == 0  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 8 and all(Path(line["html_report"]).is_file() for line in lines)


def test_a_running_check_locks_its_report_against_a_resumed_one(
    tmp_path: Path, index_dir: Path
) -> None:
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    partial.write_text("")  # the running check's report, no line yet
    query = index_dir.parent / "corpus" / "a" / "01.txt"
    holder = (  # another process holding the lock as a running check does
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "time.sleep(120)\n"
    )
    lock = tmp_path / "report.jsonl.lock"
    process = subprocess.Popen(
        [sys.executable, "-c", holder, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        for flags in ((), ("--resume",)):
            refused = _run("check", index_dir, query, "-o", out, *flags)
            _one_line_error(refused, 1, f"{out}: another unspin check is writing this report")
    finally:
        process.kill()
        process.wait()
    assert partial.exists() and partial.read_text() == "" and not out.exists()
    # Once it is released (or its process killed), a resumed run goes ahead.
    assert _run("check", index_dir, query, "-o", out, "--resume").exit_code == 0  # type: ignore[attr-defined]
    assert _report_names(out) == ["01.txt"]
    assert sorted(path.name for path in tmp_path.iterdir() if "report" in path.name) == [
        "report.jsonl"
    ]


def test_a_report_created_after_the_check_for_one_is_refused_and_left_alone(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    real = unspin.report._check_report._HtmlPages

    def other_run_starts(*args: object, **kwargs: object) -> object:
        # A writer that does not take the lock creates the report just after this run
        # looked for one: opening it exclusively still refuses to share it.
        partial.write_text("the other run's line\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(unspin.report._check_report, "_HtmlPages", other_run_starts)
    query = index_dir.parent / "corpus" / "a" / "01.txt"
    refused = _run("check", index_dir, query, "-o", out, "--html-dir", tmp_path / "pages")
    _one_line_error(refused, 2, str(partial), "--resume")
    assert partial.read_text() == "the other run's line\n" and not out.exists()


def test_html_report_names_that_collide_across_an_interruption_stay_apart(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = tmp_path / "queries"
    (queries / "a").mkdir(parents=True)
    (queries / "a" / "b.txt").write_text(news_article(1))
    (queries / "a_b.txt").write_text(news_article(2))  # the same safe name as a/b.txt
    out, reports = tmp_path / "report.jsonl", tmp_path / "reports"
    command = ("check", index_dir, queries, "-o", out, "--html-dir", reports, "-j", "1")
    with monkeypatch.context() as patch:
        _interrupt_check_after(patch, 1)
        assert _run(*command).exit_code == 130  # type: ignore[attr-defined]
    assert len(list(reports.iterdir())) == 1
    resumed = _run(*command, "--resume")
    assert resumed.exit_code == 0, resumed.output  # type: ignore[attr-defined]
    assert f"1 new HTML report in {reports}" in resumed.output  # type: ignore[attr-defined]
    straight, straight_reports = tmp_path / "straight.jsonl", tmp_path / "straight"
    command = ("check", index_dir, queries, "-o", straight, "--html-dir", straight_reports)
    assert _run(*command).exit_code == 0  # type: ignore[attr-defined]

    def pages(report: Path) -> list[tuple[str, str]]:
        lines = [json.loads(line) for line in report.read_text().splitlines()]
        return [(line["query"]["name"], Path(line["html_report"]).name) for line in lines]

    assert pages(out) == pages(straight) and len({name for _, name in pages(out)}) == 2
    for _, name in pages(out):  # each page is its own document's, not overwritten
        assert (reports / name).read_text() == (straight_reports / name).read_text()


def test_an_interrupted_extension_leaves_the_finished_report_as_it_was(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, (1, 2))
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    assert _run("check", index_dir, queries, "-o", out, "-j", "1").exit_code == 0  # type: ignore[attr-defined]
    whole = out.read_bytes()
    for seed in (3, 4):
        (queries / f"{seed}.txt").write_text(news_article(seed))
    command = ("check", index_dir, queries, "-o", out, "-j", "1", "--resume")
    with monkeypatch.context() as patch:
        _interrupt_check_after(patch, 0)
        result = _run(*command)
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert result.output.strip().endswith(f"{out} is as it was")  # type: ignore[attr-defined]
    assert out.read_bytes() == whole and not partial.exists()
    # A copy that fails leaves nothing a later --resume could take for the report.
    real = os.replace

    def failing(source: object, destination: object) -> None:
        if str(destination) == str(partial):
            raise OSError(28, "No space left on device")
        real(source, destination)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(unspin.cli.os, "replace", failing)
        _one_line_error(_run(*command), 1, "No space left on device")
    assert out.read_bytes() == whole and list(tmp_path.glob("report.jsonl.*")) == []
    # Once the first new line is written, the extension is resumable like any run.
    with monkeypatch.context() as patch:
        _interrupt_check_after(patch, 1)
        result = _run(*command)
    assert f"the report so far is kept in {partial}" in result.output  # type: ignore[attr-defined]
    assert out.read_bytes() == whole and _report_names(partial) == ["1.txt", "2.txt", "3.txt"]
    assert _run(*command).exit_code == 0  # type: ignore[attr-defined]
    assert _report_names(out) == ["1.txt", "2.txt", "3.txt", "4.txt"]


def test_resume_keeps_a_whole_last_line_without_its_newline_and_warns_of_unknown_ids(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, (1, 2))
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    assert _run("check", index_dir, queries, "-o", out, "-j", "1").exit_code == 0  # type: ignore[attr-defined]
    whole = out.read_text()
    out.unlink()
    partial.write_text(whole.splitlines()[0])  # line 1 whole, its newline lost
    resumed = _run("check", index_dir, queries, "-o", out, "-j", "1", "--resume")
    assert "checked 1 document (and 1 document reported before)" in resumed.output  # type: ignore[attr-defined]
    assert out.read_text() == whole
    # Ids are how a resumed run knows its documents: spelled differently, none match.
    partial.write_text(whole.splitlines(keepends=True)[0])
    monkeypatch.chdir(tmp_path)
    elsewhere = _run("check", index_dir, "queries", "-o", out, "--resume")  # not absolute
    assert elsewhere.exit_code == 0, elsewhere.output  # type: ignore[attr-defined]
    assert "none of the 1 document in" in elsewhere.output  # type: ignore[attr-defined]
    assert len(out.read_text().splitlines()) == 3


def test_resume_refuses_a_file_that_is_not_a_check_report(tmp_path: Path, index_dir: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("my own notes\nnot a report\n")
    query = index_dir.parent / "corpus" / "a" / "01.txt"
    _one_line_error(_run("check", index_dir, query, "-o", out, "--resume"), 2, "line 1")
    assert out.read_text() == "my own notes\nnot a report\n"
    assert not (tmp_path / "notes.txt.partial").exists()


def test_remove_and_compact(index_dir: Path, corpus: Path) -> None:
    doc_id = (corpus / "a" / "01.txt").as_posix()
    result = _run("index", "remove", index_dir, doc_id, "nope", doc_id, "nope")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "removed 1, not found 1" in result.output  # type: ignore[attr-defined]  # each once
    assert "nope: not in the index" in result.output  # type: ignore[attr-defined]
    compact = _run("index", "compact", index_dir)
    assert compact.exit_code == 0 and "segments" in compact.output  # type: ignore[attr-defined]
    info = json.loads(_run("index", "info", index_dir, "-f", "json").output)  # type: ignore[attr-defined]
    assert info["documents"] == 11 and info["tombstones"] == 0


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_named_on_the_command_line_as_it_was_indexed(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "odd"
    corpus.mkdir()
    name = os.fsdecode(b"bad\xffname.txt")  # as the OS hands such an argument over
    (corpus / name).write_text(news_article(1))
    index = tmp_path / "idx"
    assert _run("index", "add", index, corpus).exit_code == 0  # type: ignore[attr-defined]
    query = tmp_path / "q.txt"
    query.write_text(news_article(1))
    given = str(corpus / name)
    kept = json.loads(_run("search", index, query, "-f", "json").output)  # type: ignore[attr-defined]
    assert [s["id"] for s in kept["sources"]] == [str(corpus) + "/bad\\xffname.txt"]
    left_out = _run("search", index, query, "-f", "json", "--exclude", given)
    assert left_out.exit_code == 0 and not json.loads(left_out.output)["sources"]  # type: ignore[attr-defined]
    removed = _run("index", "remove", index, given)
    assert "removed 1, not found 0" in removed.output, removed.output  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses names that are not UTF-8")
def test_check_records_an_index_and_pages_directory_that_are_not_utf8_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Their real paths, recorded in every line, failed the report's UTF-8 write.
    index = str(tmp_path / os.fsdecode(b"idx\xff"))
    pages = str(tmp_path / os.fsdecode(b"pages\xff"))
    query = tmp_path / "q.txt"
    query.write_text(news_article(1))
    assert unspin.cli.main(["index", "add", index, str(query)]) == 0
    report = tmp_path / "r.jsonl"
    args = ["check", index, str(query), "-o", str(report), "--html-dir", pages]
    assert unspin.cli.main(args) == 0
    (line,) = report.read_text("utf-8").splitlines()
    settings = json.loads(line)["check"]
    assert settings["index"] == str(tmp_path) + "/idx\\xff"
    assert settings["html_dir"] == str(tmp_path) + "/pages\\xff"
    capsys.readouterr()
    assert unspin.cli.main([*args, "--resume"]) == 0
    assert "and 1 document reported before" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("search", "{tmp}/missing-idx", "{spun}"), ("missing-idx", "no such index")),
        (("search", "{tmp}/foreign", "{spun}"), ("foreign", "not an unspin index")),
        (("index", "info", "{tmp}/missing-idx"), ("no such index",)),
        (("index", "add", "{tmp}/new-idx", "{tmp}/no-such-input"), ("no-such-input",)),
        (("index", "add", "{tmp}/foreign", "{spun}"), ("not an unspin index",)),
        (("index", "add", "{tmp}/new-idx", "{tmp}/foreign"), ("no documents found",)),
        (("search", "{index}", "{tmp}/nothing.txt"), ("nothing.txt", "no such file")),
        (("check", "{index}", "{spun}", "--out", "{tmp}"), ("is a directory",)),
        (
            ("check", "{index}", "{spun}", "-o", "{tmp}/r.jsonl", "--html-dir", "{spun}"),
            ("is not a directory",),
        ),
        (("check", "{index}", "{tmp}/foreign", "-o", "{tmp}/r.jsonl"), ("no documents found",)),
    ],
    ids=[
        "missing-index",
        "foreign-index",
        "info-missing",
        "missing-input",
        "add-to-foreign",
        "nothing-readable",
        "missing-query",
        "out-is-dir",
        "html-dir-is-a-file",
        "check-nothing-readable",
    ],
)
def test_bad_input_gets_one_line_and_exit_2(
    tmp_path: Path, index_dir: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "photo.png").write_bytes(_PNG)
    spun = tmp_path / "spun.txt"
    spun.write_text(news_article(2))
    filled = [arg.format(tmp=tmp_path, spun=spun, index=index_dir) for arg in args]
    result = _run(*filled)
    code = 1 if {"is a directory", "is not a directory"} & set(fragments) else 2
    _one_line_error(result, code, *fragments)
    assert sorted(p.name for p in foreign.iterdir()) == ["photo.png"]
    # no output from a failed run, no index made for nothing
    assert not (tmp_path / "r.jsonl").exists() and not (tmp_path / "new-idx").exists()


def test_a_locked_index_is_refused_with_a_hint(tmp_path: Path, index_dir: Path) -> None:
    from unspin.index import Index

    with Index.open(index_dir) as index, index.writer():
        # the same process holds the lock here; another process gets the same refusal
        result = _run("index", "add", index_dir, tmp_path / "corpus")
    _one_line_error(result, 2, "writing to this index")


def test_min_coverage_reaches_search_and_check(tmp_path: Path, index_dir: Path) -> None:
    query = tmp_path / "query.txt"
    query.write_text(news_article(1) + "\n\n" + UNRELATED)  # most of it, not all, copied
    out = tmp_path / "report.jsonl"
    for floor, found in (("0.5", True), ("1", False)):
        searched = _run("search", index_dir, query, "-f", "json", "--min-coverage", floor)
        assert searched.exit_code == 0, searched.output  # type: ignore[attr-defined]
        assert bool(json.loads(searched.output)["sources"]) is found  # type: ignore[attr-defined]
        checked = _run("check", index_dir, query, "-o", out, "--min-coverage", floor)
        assert checked.exit_code == 0, checked.output  # type: ignore[attr-defined]
        assert bool(json.loads(out.read_text())["sources"]) is found
    refused = _run("check", index_dir, query, "-o", out, "--min-coverage", "1.5")
    assert refused.exit_code == 2 and "Traceback" not in refused.output  # type: ignore[attr-defined]


def test_a_report_inside_an_input_directory_is_not_read_as_an_input(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, (1, 2, 3))
    out = queries / "report.jsonl"
    command = ("check", index_dir, queries, "-o", out, "-j", "1")
    with monkeypatch.context() as patch:
        _interrupt_check_after(patch, 2)
        assert _run(*command).exit_code == 130  # type: ignore[attr-defined]
    resumed = _run(*command, "--resume")
    assert resumed.exit_code == 0, resumed.output  # type: ignore[attr-defined]
    assert "skipped" not in resumed.output  # type: ignore[attr-defined]
    assert _report_names(out) == ["1.txt", "2.txt", "3.txt"]
    again = _run(*command, "--resume")  # the finished report, in the directory, is not read
    assert "checked 0 documents (and 3 documents reported before)" in again.output  # type: ignore[attr-defined]
    _one_line_error(_run("check", index_dir, out, "-o", out), 2, "is also an input")


def test_a_worker_that_dies_is_one_line_and_the_report_so_far_is_kept(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _query_dir(tmp_path, range(6), paragraphs=2)
    real = unspin.index._check._search

    def dies_on_the_fifth(index: object, document: Document, *args: object, **kw: object) -> object:
        if document.id.endswith("4.txt"):
            os._exit(9)  # as the out-of-memory killer would end it
        return real(index, document, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(unspin.index._check, "_search", dies_on_the_fifth)  # forked workers see it
    out = tmp_path / "report.jsonl"
    result = _run("check", index_dir, queries, "-o", out, "-j", "2")
    _one_line_error(result, 1, "a worker process died", "--resume")
    assert not out.exists()
    assert 1 <= len(_report_names(tmp_path / "report.jsonl.partial")) <= 4


@pytest.mark.skipif(os.name != "posix", reason="signals are POSIX")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_a_killed_or_terminated_check_with_workers_can_be_resumed_at_once(
    tmp_path: Path, index_dir: Path, how: str
) -> None:
    queries = _query_dir(tmp_path, range(80), name="{:03d}.txt", paragraphs=2)
    out = tmp_path / "report.jsonl"
    returncode, stderr = _signalled_check(
        index_dir, queries, out, jobs=2, after_lines=3, signum=getattr(signal, how)
    )
    if how == "SIGTERM":  # stopped as Ctrl-C stops it
        assert returncode == 130 and b"--resume finishes it" in stderr
    else:
        assert returncode == -signal.SIGKILL
    # At once: the workers, orphaned for up to half a second, do not hold the lock.
    resumed = _run("check", index_dir, queries, "-o", out, "-j", "2", "--resume")
    assert resumed.exit_code == 0, resumed.output  # type: ignore[attr-defined]
    assert len(_report_names(out)) == 80 and len(set(_report_names(out))) == 80


def test_index_add_says_when_an_id_is_given_twice(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    with records.open("w") as handle:
        for seed, doc_id in ((1, "a"), (2, "b"), (3, "a")):
            handle.write(json.dumps({"id": doc_id, "text": news_article(seed)}) + "\n")
    result = _run("index", "add", tmp_path / "idx", records)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "added 2, replaced 0, unchanged 0, 1 id given again (the last text kept)" in (
        result.output  # type: ignore[attr-defined]
    )


def test_an_index_inside_an_input_directory_is_not_read_as_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in (1, 2):
        (corpus / f"{seed}.txt").write_text(news_article(seed))
    index = corpus / "me.idx"
    first = _run("index", "add", index, corpus)
    assert "added 2," in first.output, first.output  # type: ignore[attr-defined]
    again = _run("index", "add", index, corpus)
    assert again.exit_code == 0  # type: ignore[attr-defined]
    assert "unchanged 2" in again.output and "skipped" not in again.output, again.output  # type: ignore[attr-defined]
    assert "warning" not in again.output  # type: ignore[attr-defined]
    # nor by check, which read each of its files as a document and warned of most
    report = tmp_path / "r.jsonl"
    checked = _run("check", index, corpus, "-o", report)
    assert "checked 2 documents: 2 with sources" in checked.output, checked.output  # type: ignore[attr-defined]
    assert "warning" not in checked.output  # type: ignore[attr-defined]


def test_search_and_check_never_write_inside_the_index(tmp_path: Path, index_dir: Path) -> None:
    query = tmp_path / "q.txt"
    query.write_text(news_article(1))
    database = index_dir / "unspin-index.sqlite"
    segments = sorted((index_dir / "segments").iterdir())
    before = {path: path.read_bytes() for path in (database, *segments)}
    (tmp_path / "link").symlink_to(index_dir)
    for output in (database, segments[0], index_dir / "new.json", tmp_path / "link" / "x.json"):
        _one_line_error(
            _run("search", index_dir, query, "-o", output), 2, "inside the index", str(output)
        )
        _one_line_error(_run("check", index_dir, query, "-o", output), 2, "inside the index")
    _one_line_error(
        _run("check", index_dir, query, "-o", tmp_path / "r.jsonl", "--html-dir", index_dir),
        2,
        "inside the index",
    )
    assert {path: path.read_bytes() for path in (database, *segments)} == before
    assert not (index_dir / "new.json").exists() and not (tmp_path / "r.jsonl").exists()
    assert _run("index", "info", index_dir).exit_code == 0  # type: ignore[attr-defined]


def test_check_refuses_outputs_that_would_overwrite_or_feed_its_inputs(
    tmp_path: Path, index_dir: Path
) -> None:
    queries = _query_dir(tmp_path, (1, 2))
    _one_line_error(_run("check", index_dir, queries, "-o", "-"), 2, "not to stdout")
    # a report path that is an input found by walking the directory
    _one_line_error(
        _run("check", index_dir, queries, "-o", queries / "1.txt"), 2, "is also an input"
    )
    assert (queries / "1.txt").read_text() == news_article(1)
    # HTML pages inside the input directory would be read on the next run
    pages = queries / "pages"
    _one_line_error(
        _run("check", index_dir, queries, "-o", tmp_path / "r.jsonl", "--html-dir", pages),
        2,
        "inside the input directory",
    )
    assert not pages.exists()
    # HTML pages where the report goes
    out = tmp_path / "r.jsonl"
    _one_line_error(_run("check", index_dir, queries, "-o", out, "--html-dir", out), 1, "own file")
    # a .partial that is a link to another file is not appended to
    other = tmp_path / "other.jsonl"
    other.write_text("")
    (tmp_path / "r.jsonl.partial").symlink_to(other)
    _one_line_error(
        _run("check", index_dir, queries, "-o", out, "--resume"), 1, "not a regular file"
    )
    assert other.read_text() == "" and not out.exists()
    _one_line_error(_run("check", index_dir, queries, "-o", "."), 1, "not a file name")
    assert _run("check", index_dir, queries, "-o", "").exit_code == 2  # an empty path
    _one_line_error(
        _run("check", index_dir, queries, "-o", tmp_path / ("b" * 250)), 1, "cannot write"
    )


def test_check_on_a_damaged_index_fails_before_any_work(tmp_path: Path, index_dir: Path) -> None:
    for segment in (index_dir / "segments").iterdir():
        segment.write_bytes(segment.read_bytes()[:100])
    out = tmp_path / "report.jsonl"
    query = index_dir.parent / "corpus" / "a" / "01.txt"
    _one_line_error(_run("check", index_dir, query, "-o", out), 2, "truncated or damaged")
    _one_line_error(_run("index", "info", index_dir), 2, "truncated or damaged")
    assert not out.exists() and list(tmp_path.glob("report.jsonl*")) == []


def test_check_output_rules_follow_what_the_walk_reads(tmp_path: Path, index_dir: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "1.txt").write_text(news_article(1))
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"id": "d", "text": news_article(2)}) + "\n")
    (queries / "link.jsonl").symlink_to(data)  # an input reached through a link
    _one_line_error(
        _run("check", index_dir, queries, "-o", queries / "link.jsonl"), 2, "is also an input"
    )
    assert json.loads(data.read_text())["id"] == "d"
    # Hidden, or below the top with --no-recursive: the walk never reads them.
    for pages, flags in ((queries / ".pages", ()), (queries / "pages", ("--no-recursive",))):
        out = tmp_path / f"r{len(flags)}.jsonl"
        command = ("check", index_dir, queries, "-o", out, "--html-dir", pages, *flags)
        assert _run(*command).exit_code == 0  # type: ignore[attr-defined]
        assert any(pages.iterdir())


def test_a_check_where_every_search_fails_leaves_the_earlier_report_as_it_was(
    tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = index_dir.parent / "corpus" / "a" / "01.txt"
    out = tmp_path / "report.jsonl"
    assert _run("check", index_dir, query, "-o", out).exit_code == 0  # type: ignore[attr-defined]
    before = out.read_bytes()

    def broken(index: object, document: Document, *args: object, **kw: object) -> object:
        return unspin.index._check.CheckedDocument(document, None, {}, "damaged text")

    monkeypatch.setattr(unspin.index._check, "_search", broken)
    result = _run("check", index_dir, query, "-o", out, "-j", "1")
    _one_line_error(result, 2, "the one search failed", f"{out} is as it was")
    assert out.read_bytes() == before and list(tmp_path.glob("report.jsonl.*")) == []
