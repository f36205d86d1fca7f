"""Tests of the batch PAN runner: scheduling, analysing each document once, output."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unspin.align import AlignOptions, _batch
from unspin.align._batch import align_pan_corpus, plan_chunks
from unspin.report import read_pan_xml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PAN13_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "pan13-train"


_pairs = st.lists(
    st.tuples(
        st.sampled_from([f"s{i}" for i in range(8)]), st.sampled_from([f"r{i}" for i in range(8)])
    ),
    max_size=40,
)


@given(_pairs, st.integers(min_value=1, max_value=10))
def test_chunks_hold_every_pair_once_and_whole_components(
    pairs: list[tuple[str, str]], size: int
) -> None:
    chunks = plan_chunks(pairs, size)
    assert Counter(pair for chunk in chunks for pair in chunk) == Counter(pairs)
    assert all(chunks)
    # A document never appears in two chunks: each is analysed once.
    owner: dict[tuple[int, str], int] = {}
    for number, chunk in enumerate(chunks):
        for suspicious, source in chunk:
            for document in ((0, suspicious), (1, source)):
                assert owner.setdefault(document, number) == number
    # A chunk is over the size only when it is one component, too big to share.
    for chunk in chunks:
        assert len(chunk) <= size or _connected(chunk)


def _connected(pairs: list[tuple[str, str]]) -> bool:
    reached = {("s", pairs[0][0])}
    grew = True
    while grew:
        grew = False
        for suspicious, source in pairs:
            ends = {("s", suspicious), ("r", source)}
            if ends & reached and not ends <= reached:
                reached |= ends
                grew = True
    return all(("s", suspicious) in reached for suspicious, _ in pairs)


def test_chunks_are_packed_largest_component_first() -> None:
    pairs = [("a", "x"), ("b", "x"), ("c", "x"), ("d", "y"), ("e", "z"), ("e", "w")]
    assert plan_chunks(pairs, 3) == [
        [("a", "x"), ("b", "x"), ("c", "x")],
        [("e", "w"), ("e", "z"), ("d", "y")],
    ]
    assert plan_chunks(pairs, 1) == [
        [("a", "x"), ("b", "x"), ("c", "x")],
        [("e", "w"), ("e", "z")],
        [("d", "y")],
    ]


def _corpus(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "susp").mkdir()
    original = (EXAMPLES / "original.txt").read_text(encoding="utf-8")
    spun = (EXAMPLES / "spun.txt").read_text(encoding="utf-8")
    half = len(original) // 2
    sources = (original, original[half:], original[:half])
    for number, text in enumerate(sources, start=1):
        (root / "src" / f"source-document{number:05}.txt").write_text(text)
    suspicious = (spun, spun[: len(spun) // 3], original[half // 2 : half])
    for number, text in enumerate(suspicious, start=1):
        (root / "susp" / f"suspicious-document{number:05}.txt").write_text(text)
    (root / "susp" / "suspicious-document00009.txt").write_bytes(b"")  # unusable
    pairs = [
        (susp, src) for susp in (1, 2, 3) for src in (1, 2, 3) if (susp + src) % 2 == 0 or susp == 1
    ] + [(9, 1), (9, 2)]
    (root / "pairs").write_text(
        "".join(f"suspicious-document{s:05}.txt source-document{r:05}.txt\n" for s, r in pairs)
    )
    return root


def test_each_document_is_analysed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "corpus")
    analysed: Counter[str] = Counter()
    read: Counter[str] = Counter()
    real_analyse, real_read = _batch.analyse_text, _batch.read_document

    def counting_read(path: Path):  # type: ignore[no-untyped-def]
        read[Path(path).name] += 1
        return real_read(path)

    def counting_analyse(text: str, **options):  # type: ignore[no-untyped-def]
        analysed[text] += 1
        return real_analyse(text, **options)

    monkeypatch.setattr(_batch, "read_document", counting_read)
    monkeypatch.setattr(_batch, "analyse_text", counting_analyse)
    outcomes = align_pan_corpus(
        corpus / "pairs", corpus / "src", corpus / "susp", tmp_path / "out", jobs=1, chunk_size=2
    )
    assert len(outcomes) == 8
    assert set(read.values()) == {1}, read
    assert set(analysed.values()) == {1}, analysed
    assert [outcome.suspicious for outcome in outcomes] == sorted(o.suspicious for o in outcomes)
    unusable = [outcome for outcome in outcomes if outcome.error is not None]
    assert {outcome.suspicious for outcome in unusable} == {"suspicious-document00009.txt"}
    assert (
        read_pan_xml(tmp_path / "out" / "suspicious-document00009-source-document00001.xml") == []
    )


def test_workers_write_what_one_process_writes(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        align_pan_corpus(
            corpus / "pairs", corpus / "src", corpus / "susp", out, jobs=jobs, chunk_size=1
        )
        outputs[jobs] = {path.name: path.read_bytes() for path in sorted(out.iterdir())}
    assert outputs[1] == outputs[2]
    assert len(outputs[1]) == 8
    assert read_pan_xml(tmp_path / "out1" / "suspicious-document00001-source-document00001.xml")


def test_a_set_stop_flag_ends_a_chunk_before_its_next_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    chunk = [tuple(line.split()) for line in (corpus / "pairs").read_text().splitlines()]
    arguments = (str(corpus / "src"), str(corpus / "susp"), str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    stop = multiprocessing.get_context().Event()
    monkeypatch.setattr(_batch, "_stop", stop)
    assert len(_batch._align_chunk(chunk, *arguments, AlignOptions())) == len(chunk)
    stop.set()
    assert _batch._align_chunk(chunk, *arguments, AlignOptions()) == []


@pytest.mark.skipif(not PAN13_TRAIN.is_dir(), reason="PAN13 training corpus not available")
def test_ctrl_c_stops_a_pan_run_between_pairs(tmp_path: Path) -> None:
    # Ctrl-C in a terminal signals the whole process group: the parent and its workers.
    out = tmp_path / "out"
    command = [sys.executable, "-m", "unspin", "pan", "--jobs", "2"]
    command += [str(PAN13_TRAIN / name) for name in ("pairs", "src", "susp")] + [str(out)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while not (out.is_dir() and len(list(out.iterdir())) >= 20):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert stderr.decode().strip().splitlines()[-1] == "unspin: interrupted"
    written = sorted(out.iterdir())
    pairs = len((PAN13_TRAIN / "pairs").read_text().split("\n")) - 1
    assert len(written) < pairs // 2  # it stopped, not finished the run
    assert all(path.suffix == ".xml" for path in written)  # no half-written temporary file
    for path in written:
        read_pan_xml(path)  # every file written is whole
