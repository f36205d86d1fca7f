"""Tests of the ``unspin`` command line: outputs, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import unspin.cli
from unspin import __version__
from unspin.cli import app
from unspin.report import SCHEMA_VERSION, PanFeature, parse_pan_xml, read_pan_xml, write_pan_xml

ROOT = Path(__file__).resolve().parents[1]
SPUN = ROOT / "examples" / "spun.txt"
ORIGINAL = ROOT / "examples" / "original.txt"
SHARED = ROOT / ".." / "shared" / "data"

runner = CliRunner()

UNRELATED = (
    "Tomatoes need at least six hours of direct sunshine a day, so choose the brightest "
    "corner you have. Use a deep pot with holes in the bottom and fill it with a rich "
    "compost mixed with a handful of sand. Water the plants in the morning rather than at "
    "night, and feed them once a week with a liquid fertiliser after the first flowers "
    "appear.\n"
)


def _run(*args: str | Path) -> object:
    return runner.invoke(app, [str(arg) for arg in args])


def _assert_one_line_error(result: object, code: int, *fragments: str) -> None:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == code, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("unspin: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


# --- compare -------------------------------------------------------------------------------


def test_compare_text_report() -> None:
    result = _run("compare", SPUN, ORIGINAL)
    assert result.exit_code == 0, result.output
    assert "spun.txt vs original.txt: spun copy" in result.stdout
    assert "passage 1" in result.stdout
    assert "[" in result.stdout  # rewritten words are shown with their originals


def test_compare_reads_stdin() -> None:
    spun = SPUN.read_text(encoding="utf-8")
    result = runner.invoke(app, ["compare", "-", str(ORIGINAL), "-f", "json"], input=spun)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["suspicious"] == {"name": "stdin", "length": len(spun)}
    assert data["verdict"] == "spun-copy"
    both = runner.invoke(app, ["compare", "-", "-"], input=spun)
    _assert_one_line_error(both, 2, "only one of SUSPICIOUS and SOURCE can be '-'")


def test_compare_json_report() -> None:
    result = _run("compare", SPUN, ORIGINAL, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == SCHEMA_VERSION
    assert data["verdict"] == "spun-copy"
    assert data["suspicious"]["name"] == "spun.txt"
    assert data["source"]["name"] == "original.txt"
    assert data["coverage"]["source_percent"] >= 90
    spun_text = SPUN.read_text(encoding="utf-8")
    passage = data["passages"][0]
    assert (
        passage["suspicious"]["text"]
        == spun_text[passage["suspicious"]["start"] : passage["suspicious"]["end"]]
    )
    assert "In other news" not in passage["suspicious"]["text"]  # the unrelated paragraph
    assert any(r["synonym"] for r in passage["rewrites"])


def test_compare_pan_report() -> None:
    result = _run("compare", SPUN, ORIGINAL, "-f", "pan")
    assert result.exit_code == 0, result.output
    features = parse_pan_xml(result.stdout)
    assert len(features) >= 1
    assert features[0].this_reference == "spun.txt"
    assert features[0].source_reference == "original.txt"
    assert features[0].this_offset == 0


def test_compare_html_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = _run("compare", SPUN, ORIGINAL, "--format", "html", "-o", target)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<span class="value" id="verdict">spun copy</span>' in page
    assert 'id="c0-s-p1"' in page and 'id="c0-r-p1"' in page
    assert "spun.unspin.json" in page
    # The same report, piped to stdout.
    piped = _run("compare", SPUN, ORIGINAL, "-f", "html")
    assert piped.exit_code == 0 and piped.stdout == page


def test_compare_csv_report() -> None:
    result = _run("compare", SPUN, ORIGINAL, "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) >= 1
    assert rows[0]["suspicious"] == "spun.txt" and rows[0]["source"] == "original.txt"
    assert rows[0]["match_type"] == "spun"
    spun_text = SPUN.read_text(encoding="utf-8")
    start, end = int(rows[0]["suspicious_start"]), int(rows[0]["suspicious_end"])
    assert rows[0]["suspicious_text"] == spun_text[start:end]


@pytest.mark.parametrize("output_format", ["text", "json", "pan", "html", "csv"])
def test_compare_writes_an_output_file(tmp_path: Path, output_format: str) -> None:
    target = tmp_path / f"report.{output_format}"
    result = _run("compare", SPUN, ORIGINAL, "-f", output_format, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert "\x1b[" not in written  # plain text in a file, no terminal colours
    assert "spun" in written
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("output_format", ["text", "json", "html", "csv"])
def test_an_output_of_dash_is_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run("compare", SPUN, ORIGINAL, "-f", output_format, "-o", "-")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.stdout == _run("compare", SPUN, ORIGINAL, "-f", output_format).stdout  # type: ignore[attr-defined]
    assert "spun" in result.stdout and not (tmp_path / "-").exists()  # type: ignore[attr-defined]


def test_an_interrupted_write_leaves_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report\n", encoding="utf-8")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(unspin.cli.os, "replace", interrupted)
    result = _run("compare", SPUN, ORIGINAL, "-f", "json", "-o", target)
    assert result.exit_code == 130
    assert result.output.strip() == "unspin: interrupted"
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    result = _run("compare", SPUN, ORIGINAL, "-o", tmp_path / "no" / "such" / "dir.json")
    _assert_one_line_error(result, 1, "cannot write")
    result = _run("compare", SPUN, ORIGINAL, "-o", tmp_path)
    _assert_one_line_error(result, 1, "is a directory")


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("missing.txt", None, "no such file"),
        ("folder", "dir", "is a directory"),
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b" \n\n\t ", "is empty"),
        ("image.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ],
)
def test_bad_inputs_are_one_line_errors(
    tmp_path: Path, name: str, data: bytes | str | None, fragment: str
) -> None:
    path = tmp_path / name
    if data == "dir":
        path.mkdir()
    elif isinstance(data, bytes):
        path.write_bytes(data)
    for args in (("compare", path, ORIGINAL), ("compare", SPUN, path)):
        result = _run(*args)
        _assert_one_line_error(result, 2, name, fragment)


def test_a_file_over_max_size_is_refused() -> None:
    result = _run("compare", SPUN, ORIGINAL, "--max-size", "0.001")
    _assert_one_line_error(result, 2, "spun.txt", "--max-size")
    assert _run("compare", SPUN, ORIGINAL, "--max-size", "1").exit_code == 0


def test_invalid_utf8_is_read_leniently(tmp_path: Path) -> None:
    data = SPUN.read_bytes().replace(b"library", b"libr\xffary", 1)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(data)
    result = _run("compare", broken, ORIGINAL, "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "spun-copy"


def test_an_html_file_works_and_offsets_index_the_raw_html(tmp_path: Path) -> None:
    paragraphs = ORIGINAL.read_text(encoding="utf-8").strip().split("\n\n")
    page = tmp_path / "original.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Tools</title><style>p{margin:0}</style></head>"
        f"<body><h1>{paragraphs[0]}</h1>\n"
        + "".join(f"<p>{p.replace('tools', '<em>tools</em>')}</p>\n" for p in paragraphs[1:])
        + "</body></html>\n",
        encoding="utf-8",
    )
    result = _run("compare", SPUN, page, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "spun-copy"
    source = data["passages"][0]["source"]
    raw = page.read_text(encoding="utf-8")
    assert source["text"] == raw[source["start"] : source["end"]]
    assert source["text"].startswith("A Library of Tools")
    assert "<p>" in source["text"] and "old fire station" in source["text"]
    # The HTML report shows the page as its visible text, not its markup.
    html_result = _run("compare", SPUN, page, "-f", "html")
    assert html_result.exit_code == 0, html_result.output
    assert 'source: original.html <span class="note">(visible text of the HTML)' in (
        html_result.stdout
    )
    assert "&lt;p&gt;" not in html_result.stdout.split("<main>")[1].split("</main>")[0]


# --- pan and eval --------------------------------------------------------------------------


def _tiny_pan_corpus(root: Path) -> Path:
    """Two pairs: the example spun copy (one case) and an unrelated text (no case)."""
    for sub in ("src", "susp", "truth"):
        (root / sub).mkdir(parents=True)
    original = ORIGINAL.read_text(encoding="utf-8")
    spun = SPUN.read_text(encoding="utf-8")
    (root / "src" / "source-document00001.txt").write_text(original, encoding="utf-8")
    (root / "susp" / "suspicious-document00001.txt").write_text(spun, encoding="utf-8")
    (root / "susp" / "suspicious-document00002.txt").write_text(UNRELATED, encoding="utf-8")
    (root / "pairs").write_text(
        "suspicious-document00001.txt source-document00001.txt\n"
        "suspicious-document00002.txt source-document00001.txt\n",
        encoding="utf-8",
    )
    copied_end = spun.index("\n\nIn other news")
    write_pan_xml(
        root / "truth" / "suspicious-document00001-source-document00001.xml",
        "suspicious-document00001.txt",
        [
            PanFeature(
                "suspicious-document00001.txt",
                0,
                copied_end,
                "source-document00001.txt",
                0,
                len(original.rstrip()),
                name="plagiarism",
                obfuscation="spun",
            )
        ],
    )
    write_pan_xml(
        root / "truth" / "suspicious-document00002-source-document00001.xml",
        "suspicious-document00002.txt",
        [],
    )
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pan_then_eval(tmp_path: Path, jobs: str) -> None:
    corpus = _tiny_pan_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    result = _run("pan", corpus / "pairs", corpus / "src", corpus / "susp", out, "--jobs", jobs)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("pairs 2  passages 1  seconds ")
    fields = lines[0].split()
    p50 = float(fields[fields.index("pair_p50_ms") + 1])
    p95 = float(fields[fields.index("pair_p95_ms") + 1])
    assert 0 < p50 <= p95
    assert lines[-1].split()[0] == "wall_s" and float(lines[-1].split()[1]) > 0
    assert sorted(p.name for p in out.iterdir()) == [
        "suspicious-document00001-source-document00001.xml",
        "suspicious-document00002-source-document00001.xml",
    ]
    assert read_pan_xml(out / "suspicious-document00002-source-document00001.xml") == []

    table = _run("eval", corpus / "truth", out)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split()[:3] == ["subset", "plagdet", "recall"]
    assert any(line.startswith("overall") for line in table.stdout.splitlines())

    scores_file = tmp_path / "scores.json"
    report = _run("eval", corpus / "truth", out, "--format", "json", "-o", scores_file)
    assert report.exit_code == 0, report.output
    assert report.stdout == ""
    scores = json.loads(scores_file.read_text())
    assert scores["overall"]["cases"] == 1 and scores["overall"]["detections"] == 1
    assert scores["overall"]["plagdet"] >= 0.8
    assert set(scores["by_obfuscation"]) == {"spun", "no-plagiarism"}


def test_pan_warns_about_unusable_documents(tmp_path: Path) -> None:
    corpus = _tiny_pan_corpus(tmp_path / "corpus")
    (corpus / "susp" / "suspicious-document00003.txt").write_bytes(b"")
    with (corpus / "pairs").open("a", encoding="utf-8") as pairs:
        pairs.write("suspicious-document00003.txt source-document00001.txt\n")
        pairs.write("suspicious-document00004.txt source-document00001.txt\n")
    result = _run("pan", corpus / "pairs", corpus / "src", corpus / "susp", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "unspin: warning: 2 pair(s) with an unusable document" in result.output
    assert "pairs 4  passages 1" in result.stdout
    assert "warnings 2" in result.stdout
    assert len(list((tmp_path / "out").iterdir())) == 4


def test_pan_and_eval_input_errors(tmp_path: Path) -> None:
    corpus = _tiny_pan_corpus(tmp_path / "corpus")
    result = _run("pan", tmp_path / "nope", corpus / "src", corpus / "susp", tmp_path / "out")
    _assert_one_line_error(result, 2, "nope")
    result = _run("pan", corpus / "pairs", tmp_path / "nope", corpus / "susp", tmp_path / "out")
    _assert_one_line_error(result, 2, "nope")
    (corpus / "bad-pairs").write_text("only-one-field\n", encoding="utf-8")
    result = _run("pan", corpus / "bad-pairs", corpus / "src", corpus / "susp", tmp_path / "o")
    _assert_one_line_error(result, 2, "bad-pairs:1")
    result = _run("eval", tmp_path / "nope", corpus / "truth")
    _assert_one_line_error(result, 2, "nope")
    (corpus / "truth" / "broken.xml").write_text("<document><feat", encoding="utf-8")
    result = _run("eval", corpus / "truth", corpus / "truth")
    _assert_one_line_error(result, 2, "broken.xml")


# --- simulate ------------------------------------------------------------------------------


def test_simulate_is_deterministic(tmp_path: Path) -> None:
    first = _run("simulate", ORIGINAL, "--seed", "3")
    second = _run("simulate", ORIGINAL, "--seed", "3")
    other = _run("simulate", ORIGINAL, "--seed", "4")
    heavy = _run("simulate", ORIGINAL, "--seed", "3", "--level", "heavy")
    assert first.exit_code == second.exit_code == other.exit_code == heavy.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout != other.stdout
    assert first.stdout != heavy.stdout
    assert first.stdout != ORIGINAL.read_text(encoding="utf-8")
    target = tmp_path / "spun.txt"
    written = _run("simulate", ORIGINAL, "--seed", "3", "-o", target)
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text(encoding="utf-8") == first.stdout


def test_simulate_bad_input(tmp_path: Path) -> None:
    _assert_one_line_error(_run("simulate", tmp_path / "nope.txt"), 2, "no such file")


def test_simulate_corpus_bad_data_dir(tmp_path: Path) -> None:
    result = _run("simulate-corpus", "bbc", tmp_path / "nope", tmp_path / "out")
    _assert_one_line_error(result, 2, "no such directory")
    (tmp_path / "empty").mkdir()
    result = _run("simulate-corpus", "spinbot", tmp_path / "empty", tmp_path / "out")
    _assert_one_line_error(result, 2, "empty")


@pytest.mark.skipif(not (SHARED / "spinbot-wiki-train").is_dir(), reason="../shared/data is absent")
def test_simulate_corpus_then_pan_then_eval(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    made = _run("simulate-corpus", "spinbot", SHARED / "spinbot-wiki-train", corpus, "-n", "8")
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("wrote 8 pairs")
    again = _run("simulate-corpus", "spinbot", SHARED / "spinbot-wiki-train", corpus, "-n", "8")
    _assert_one_line_error(again, 2, "not empty")
    out = tmp_path / "out"
    ran = _run("pan", corpus / "pairs", corpus / "src", corpus / "susp", out, "--jobs", "1")
    assert ran.exit_code == 0, ran.output
    scores = json.loads(_run("eval", corpus / "truth", out, "-f", "json").stdout)
    assert scores["overall"]["cases"] > 0
    assert scores["overall"]["plagdet"] > 0.5


# --- the program ---------------------------------------------------------------------------


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"unspin {__version__}"


def _program(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "unspin.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_program_exit_codes_and_streams(tmp_path: Path) -> None:
    ok = _program("compare", SPUN, ORIGINAL, "-f", "pan")
    assert ok.returncode == 0 and ok.stderr == ""
    assert parse_pan_xml(ok.stdout)

    missing = _program("compare", tmp_path / "missing.txt", ORIGINAL)
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert missing.stderr == f"unspin: error: {tmp_path / 'missing.txt'}: no such file\n"

    usage = _program("compare", SPUN, ORIGINAL, "--format", "xml")
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr and "xml" in usage.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("compare", "--bogus"), "No such option: --bogus"),
        (("compare",), "Missing argument"),
        (("nosuch",), "No such command"),
        (("compare", "-f", "xml", "a", "b"), "'xml' is not one of"),
    ],
)
def test_usage_errors_are_one_line(args: tuple[str, ...], fragment: str) -> None:
    usage = _program(*args)
    assert usage.returncode == 2
    assert usage.stdout == ""
    lines = usage.stderr.strip().splitlines()
    assert len(lines) == 1, usage.stderr
    assert lines[0].startswith("unspin: error: ") and fragment in lines[0]


def test_pair_latency_percentiles_are_nearest_rank() -> None:
    from unspin.cli import _percentiles_ms

    assert _percentiles_ms([i / 1000 for i in range(100, 0, -1)], (50, 95)) == [50.0, 95.0]
    assert _percentiles_ms([0.002, 0.004], (50, 95)) == [2.0, 4.0]
    assert _percentiles_ms([], (50,)) == [0.0]


# --- outputs that are not plain files --------------------------------------------------------


def test_an_output_that_is_also_an_input_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_text(ORIGINAL.read_text())
    for args in (("compare", SPUN, copy, "-o", copy), ("simulate", copy, "-o", copy)):
        _assert_one_line_error(_run(*args), 2, f"{copy}: is also an input")
    alias = tmp_path / "alias.txt"
    alias.symlink_to(copy)  # the same file by another name
    _assert_one_line_error(_run("compare", SPUN, alias, "-o", copy), 2, "is also an input")
    assert copy.read_text() == ORIGINAL.read_text()


def test_an_output_symlink_is_kept_and_its_target_written(tmp_path: Path) -> None:
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("old")
    link.symlink_to(target)
    assert _run("compare", SPUN, ORIGINAL, "-f", "json", "-o", link).exit_code == 0  # type: ignore[attr-defined]
    assert link.is_symlink() and json.loads(target.read_text())["schema"] == SCHEMA_VERSION


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_output_fifo_is_written_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = _run("simulate", ORIGINAL, "-o", fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert stat.S_ISFIFO(fifo.stat().st_mode) and received and len(received[0]) > 1000


def test_pan_refuses_an_output_directory_that_is_a_file_and_a_binary_pairs_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "susp").mkdir()
    pairs, taken = tmp_path / "pairs", tmp_path / "out"
    pairs.write_text("")
    taken.write_text("a file")
    _assert_one_line_error(
        _run("pan", pairs, tmp_path / "src", tmp_path / "susp", taken), 1, "cannot create"
    )
    pairs.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    _assert_one_line_error(
        _run("pan", pairs, tmp_path / "src", tmp_path / "susp", tmp_path / "o"), 2, "not UTF-8"
    )
    # a NUL byte in a name: no such file could exist, nor its output be written
    pairs.write_bytes(b"sp\x00un.txt original.txt\n")
    _assert_one_line_error(
        _run("pan", pairs, tmp_path / "src", tmp_path / "susp", tmp_path / "o"),
        2,
        "pairs:1: a file name holds a NUL byte",
    )
    assert not (tmp_path / "o").exists()
    _assert_one_line_error(
        _run("pan", tmp_path / "src", tmp_path / "src", tmp_path / "susp", tmp_path / "o"),
        2,
        "is a directory, expected a pairs file",
    )


def test_a_symbolic_link_that_loops_or_dangles_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "one").symlink_to(tmp_path / "two")
    (tmp_path / "two").symlink_to(tmp_path / "one")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone.txt")
    _assert_one_line_error(_run("compare", tmp_path / "one", SPUN), 2, "a symbolic link that loops")
    _assert_one_line_error(_run("compare", tmp_path / "dangling", SPUN), 2, "to a missing file")


@pytest.mark.skipif(os.name != "posix", reason="closing fd 0 is POSIX")
def test_reading_a_closed_stdin_is_a_one_line_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "unspin", "compare", "-", str(ORIGINAL)],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),  # the child runs with no stdin at all
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "unspin: error: stdin: closed, nothing to read"


def test_eval_and_pan_refuse_outputs_among_their_inputs(tmp_path: Path) -> None:
    truth, detections = tmp_path / "truth", tmp_path / "det"
    truth.mkdir()
    detections.mkdir()
    inside = truth / "scores.xml"  # every *.xml there is read as truth
    _assert_one_line_error(_run("eval", truth, detections, "-o", inside), 2, "an input")
    src, susp = tmp_path / "src", tmp_path / "susp"
    src.mkdir()
    susp.mkdir()
    (src / "a.txt").write_text(ORIGINAL.read_text())
    (src / "a.xml").write_text(ORIGINAL.read_text())
    (susp / "b.txt").write_text(SPUN.read_text())
    pairs = tmp_path / "pairs"
    pairs.write_text("b.txt a.txt\nb.txt a.xml\n")  # both would write b-a.xml
    _assert_one_line_error(
        _run("pan", pairs, src, susp, tmp_path / "out"), 2, "the same detection file"
    )
    pairs.write_text("b.txt a.txt\n")
    _assert_one_line_error(_run("pan", pairs, src, susp, src), 2, "is an input directory")


@pytest.mark.skipif(not (SHARED / "spinbot-wiki-train").is_dir(), reason="../shared/data is absent")
def test_a_failed_simulate_corpus_leaves_no_half_built_corpus(tmp_path: Path) -> None:
    source = SHARED / "spinbot-wiki-train"
    for out, made in ((tmp_path / "new", False), (tmp_path / "empty", True)):
        if made:
            out.mkdir()  # the user's own empty directory stays, emptied again
        failed = _run("simulate-corpus", "spinbot", source, out, "-n", "100000")
        _assert_one_line_error(failed, 2, "not enough")
        assert out.is_dir() == made and (not made or not any(out.iterdir()))
        retry = _run("simulate-corpus", "spinbot", source, out, "-n", "4")
        assert retry.exit_code == 0, retry.output


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_after_the_command_is_done_keeps_its_exit_code(signal_name: str) -> None:
    # Sent while the interpreter shuts down (atexit), after the summary was printed: the
    # run finished, so its code stands (not 130, nor death by the signal, -2 or -15).
    code = (
        "import atexit, os, signal, sys, time\n"
        "from unspin.cli import run\n"
        f"atexit.register(lambda: (os.kill(os.getpid(), signal.{signal_name}), time.sleep(0.2)))\n"
        "sys.argv = ['unspin', '--version']\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("unspin ") and result.stderr == ""


@pytest.mark.parametrize(
    "interrupt", ["raise KeyboardInterrupt", "os.kill(os.getpid(), signal.SIGTERM)"]
)
def test_an_interruption_while_the_command_line_loads_is_one_line(interrupt: str) -> None:
    # The console script's module imports nothing of the package, so a Ctrl-C or a
    # SIGTERM is caught wherever the loading was (here: as numpy is imported).
    code = (
        "import os, signal, sys\n"
        "import _unspin_console\n"
        "assert 'unspin' not in sys.modules\n"
        "class Interrupting:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'numpy':\n"
        f"            {interrupt}\n"
        "sys.modules.pop('numpy', None)\n"
        "sys.meta_path.insert(0, Interrupting())\n"
        "sys.argv = ['unspin', '--version']\n"
        "_unspin_console.run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == "unspin: interrupted\n" and result.stdout == ""


def test_a_ctrl_c_while_the_arguments_are_parsed_is_told(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # typer turns it into a bare exit code 130, with nothing said.
    import typer.core

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(typer.core.TyperGroup, "make_context", interrupted)
    assert unspin.cli.main(["--version"]) == 130
    assert capsys.readouterr().err == "unspin: interrupted\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--min-coverage", "nan"), "'--min-coverage': nan: not a number"),
        (("--min-coverage", "1.5"), "'--min-coverage': 1.5: must be at least 0 and at most 1"),
        (("--min-coverage", "half"), "'--min-coverage': 'half': not a number"),
        (("--max-size", "inf"), "'--max-size': inf: must be at least 0.001 and at most 1048576"),
        (("--max-size", "0"), "'--max-size': 0: must be at least 0.001"),
    ],
)
def test_a_number_out_of_bounds_names_its_bounds(
    args: tuple[str, ...], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # nan compares false with every bound: typer's own check named the wrong one.
    assert unspin.cli.main(["search", str(tmp_path / "index"), str(SPUN), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err, err


def test_the_wait_takes_no_negative_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = str(tmp_path / "index")
    assert unspin.cli.main(["index", "add", index, str(SPUN), "--wait", "-1"]) == 2
    assert "'--wait': -1: must be at least 0 " in capsys.readouterr().err
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize("command", ["compare", "check"])
def test_an_output_named_with_a_trailing_slash_is_refused(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Path drops the slash: `-o out/` wrote a file named `out`.
    out = f"{tmp_path / 'out'}/"
    args = [str(SPUN), str(ORIGINAL)] if command == "compare" else [str(tmp_path), str(SPUN)]
    assert unspin.cli.main([command, *args, "-o", out]) == 2
    assert f"{out}: ends with a slash; name a file to write" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert unspin.cli.main(["compare", str(SPUN), str(ORIGINAL), "-o", str(tmp_path) + "/"]) == 1
    assert "is a directory, cannot write the output there" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_stdout_is_a_one_line_output_error() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "unspin.cli", "compare", str(SPUN), str(ORIGINAL)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == "unspin: error: cannot write the output (No space left on device)\n"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["compare", "", "{original}"], "'SUSPICIOUS'"),
        (["compare", "{spun}", "{original}", "-o", ""], "'--output' / '-o'"),
        (["index", "add", "{tmp}/idx", ""], "'INPUT...'"),
        (["index", "add", "", "{original}"], "'INDEX_DIR'"),
        (["check", "{tmp}/idx", "{spun}", "-o", "{tmp}/r.jsonl", "--html-dir", ""], "'--html-dir'"),
    ],
)
def test_an_empty_path_is_refused_not_read_as_the_current_directory(
    args: list[str],
    named: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # where "" led: `index add IDX ""` read all of it
    given = [a.format(original=ORIGINAL, spun=SPUN, tmp=tmp_path) for a in args]
    assert unspin.cli.main(given) == 2
    assert f"Invalid value for {named}: an empty path" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_closed_stdout_is_a_one_line_output_error_and_a_closed_stderr_keeps_the_code() -> None:
    # Python makes a stream it was started without None: some writes skipped it
    # silently (exit 0, the output lost), others failed as internal errors.
    command = [sys.executable, "-m", "unspin.cli", "compare", str(SPUN), str(ORIGINAL)]
    for output in ((), ("-f", "json")):
        result = subprocess.run(
            [*command, *output],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=lambda: os.close(1),
        )
        assert result.returncode == 1
        assert result.stderr == "unspin: error: cannot write the output (stdout is closed)\n"
    missing = [sys.executable, "-m", "unspin.cli", "compare", str(SPUN), "no-such-file"]
    result = subprocess.run(missing, timeout=120, check=False, preexec_fn=lambda: os.close(2))
    assert result.returncode == 2
