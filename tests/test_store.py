"""Tests of the index storage: crash safety (kill -9 mid-ingest), writer locking, foreign and
damaged directories, tombstones, replacement and merging."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import news_article
from unspin import (
    CorruptIndexError,
    IndexLockedError,
    IndexNotFoundError,
    IndexStoreError,
    OutputError,
    UnspinError,
)
from unspin.index import FingerprintOptions, Index, IngestCounts
from unspin.index._fingerprint import FINGERPRINT_SCHEME
from unspin.index._store import DATABASE_NAME, MERGE_FACTOR
from unspin.io import Document

ROOT = Path(__file__).resolve().parents[1]


def _docs(count: int, start: int = 0) -> list[Document]:
    return [
        Document(f"doc-{i}", news_article(i, paragraphs=2)) for i in range(start, start + count)
    ]


def _index(path: Path, documents: list[Document] | None = None, **options: int) -> Index:
    index = Index.open(path, create=True)
    if documents:
        index.add(documents, **options)  # type: ignore[arg-type]
    return index


def test_documents_are_stored_with_their_text(tmp_path: Path) -> None:
    docs = _docs(5)
    docs[2] = Document("page", "<html><body><p>" + docs[2].text + "</p></body></html>", html=True)
    with _index(tmp_path / "idx", docs) as index:
        assert len(index) == 5
        assert list(index.ids()) == [d.id for d in docs]
        stored = index.get("page")
        assert stored is not None and stored.text == docs[2].text and stored.html
        assert "doc-0" in index and "missing" not in index
        assert index.get("missing") is None
        info = index.info()
        assert info.documents == 5 and info.segments == 1 and info.postings > 0
        assert info.disk_bytes > 0 and info.format_version == 1


def test_reopening_sees_everything_committed(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(7), batch_size=3).close()
    with Index.open(tmp_path / "idx") as index:
        assert len(index) == 7
        assert index.info().segments == 3


def test_adding_the_same_documents_again_changes_nothing(tmp_path: Path) -> None:
    with _index(tmp_path / "idx", _docs(6)) as index:
        before = index.info()
        counts = index.add(_docs(6))
        assert counts.unchanged == 6 and counts.added == 0 and counts.replaced == 0
        assert index.info().segments == before.segments


def test_replace_and_remove_leave_tombstones_until_compaction(tmp_path: Path) -> None:
    with _index(tmp_path / "idx", _docs(6)) as index:
        new_text = news_article(100, paragraphs=2)
        counts = index.add(Document("doc-1", new_text))
        assert counts.replaced == 1
        stored = index.get("doc-1")
        assert stored is not None and stored.text == new_text
        assert index.remove(["doc-2", "nope"]) == ["doc-2"]
        assert len(index) == 5 and "doc-2" not in index
        info = index.info()
        assert info.tombstones == 2
        # tombstoned postings are ignored: the old doc-1 text is no longer found
        old = news_article(1, paragraphs=2)
        # (other synthetic articles share its sentence templates and may match it)
        assert "doc-1" not in [m.id for m in index.search(old).matches]
        assert [m.id for m in index.search(new_text).matches] == ["doc-1"]
        index.compact()
        after = index.info()
        assert after.tombstones == 0 and after.segments == 1
        assert after.postings < info.postings
        assert [m.id for m in index.search(new_text).matches] == ["doc-1"]
        assert index.search(news_article(3, paragraphs=2)).matches[0].id == "doc-3"


def test_a_later_duplicate_id_in_one_batch_wins(tmp_path: Path) -> None:
    with _index(tmp_path / "idx") as index:
        with index.writer() as writer:
            writer.add("x", "first version of the text about the harbour")
            writer.add("x", "second version of the text about the harbour")
        assert len(index) == 1 and writer.counts == IngestCounts(added=1, repeated=1)
        stored = index.get("x")
        assert stored is not None and stored.text.startswith("second")


def test_segments_merge_by_level(tmp_path: Path) -> None:
    with _index(tmp_path / "idx", _docs(MERGE_FACTOR + 1), batch_size=1) as index:
        info = index.info()
        assert info.documents == MERGE_FACTOR + 1
        assert info.segments == 2  # eight merged into one, plus the last
        for seed in (0, MERGE_FACTOR):
            assert index.search(news_article(seed, paragraphs=2)).matches[0].id == f"doc-{seed}"
        assert sorted(p.name for p in (tmp_path / "idx" / "segments").iterdir()) == sorted(
            row[0]
            for row in sqlite3.connect(tmp_path / "idx" / DATABASE_NAME).execute(
                "SELECT name FROM segments"
            )
        )


def test_an_exception_in_the_writer_block_drops_only_the_batch_in_flight(tmp_path: Path) -> None:
    with _index(tmp_path / "idx") as index:
        with pytest.raises(RuntimeError), index.writer(batch_size=2) as writer:
            writer.add_documents(_docs(3))
            raise RuntimeError("stop")
        assert len(index) == 2


def test_bad_ids_and_batch_sizes_are_refused(tmp_path: Path) -> None:
    with _index(tmp_path / "idx") as index:
        with index.writer() as writer, pytest.raises(ValueError):
            writer.add("", "text")
        with pytest.raises(ValueError), index.writer(batch_size=0):
            pass


def test_a_second_writer_in_the_same_process_is_refused_not_deadlocked(tmp_path: Path) -> None:
    with (
        _index(tmp_path / "idx") as index,
        index.writer(),
        pytest.raises(IndexLockedError, match="this process"),
    ):
        index.add(_docs(1))


# --- foreign, damaged and missing directories ------------------------------------------------


def _one_line(error: UnspinError, *fragments: str) -> None:
    message = str(error)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_a_missing_index_is_not_created_by_reading(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError) as caught:
        Index.open(tmp_path / "nope")
    _one_line(caught.value, "nope", "no such index")
    assert not (tmp_path / "nope").exists()


def test_a_foreign_directory_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"\xff\xd8\xff")
    for create in (False, True):
        with pytest.raises(CorruptIndexError) as caught:
            Index.open(foreign, create=create)
        _one_line(caught.value, "photos", "not an unspin index")
    assert sorted(p.name for p in foreign.iterdir()) == ["cat.jpg"]  # nothing written there
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(CorruptIndexError, match="not a directory"):
        Index.open(afile, create=True)


def test_a_damaged_database_is_refused(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(2)).close()
    (tmp_path / "idx" / DATABASE_NAME).write_bytes(b"garbage" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / "idx" / (DATABASE_NAME + suffix)).unlink(missing_ok=True)
    with pytest.raises(CorruptIndexError) as caught:
        Index.open(tmp_path / "idx")
    _one_line(caught.value, "idx", "damaged")


def test_a_damaged_database_page_is_a_one_line_error_naming_the_index(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(300)).close()
    database = tmp_path / "idx" / DATABASE_NAME
    assert database.stat().st_size > 60_000
    with database.open("r+b") as handle:  # the header stays: the index opens
        handle.seek(8192)
        handle.write(os.urandom(48_000))
    with pytest.raises(CorruptIndexError) as caught, Index.open(tmp_path / "idx") as index:
        index.info()
        for number in range(300):
            index.get(f"doc-{number}")
    _one_line(caught.value, "idx", "damaged")


def test_writing_to_an_index_whose_segments_are_gone_is_refused(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(3)).close()
    with Index.open(tmp_path / "idx") as index:
        assert index.search(_docs(1)[0].text).matches  # its segments mapped, then deleted
        shutil.rmtree(tmp_path / "idx" / "segments")
        (tmp_path / "idx" / "segments").mkdir()
        for write in (
            lambda: index.add(_docs(2, start=10)),
            lambda: index.remove(["doc-0"]),
        ):
            with pytest.raises(CorruptIndexError) as caught:
                write()
            _one_line(caught.value, "segment file is missing")
        # Nothing was written on top of the damage.
        assert sorted(index.ids()) == ["doc-0", "doc-1", "doc-2"]
    assert list((tmp_path / "idx" / "segments").iterdir()) == []


def test_an_index_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    # as one that cannot be written (exit 2 both), not an output file's failure
    (tmp_path / "file.txt").write_text("not a directory")
    with pytest.raises(IndexStoreError) as caught:
        Index.open(tmp_path / "file.txt" / "idx", create=True)
    _one_line(caught.value, "file.txt/idx", "cannot create an index there")


def test_an_index_on_a_read_only_filesystem_is_told_so_on_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "idx"
    with Index.open(path, create=True) as index:
        index.add([Document("a", "Some words to index here.")])
    real_open = os.open

    def read_only(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, flags, *args)

    monkeypatch.setattr("unspin.index._store.os.open", read_only)
    with Index.open(path) as index:
        assert list(index.ids()) == ["a"]  # reading still works
        with pytest.raises(IndexStoreError) as caught:
            index.remove(["a"])
    _one_line(caught.value, "idx: cannot write the index (Read-only file system)")


def test_a_database_that_fills_its_disk_is_told_as_a_full_disk(tmp_path: Path) -> None:
    # SQLite rolls a transaction back itself when the disk fills; rolling back again hid
    # that under "cannot rollback - no transaction is active".
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("a", "Some words to index here and there.")])
        database = index._store._db
        pages = database.execute("PRAGMA page_count").fetchone()[0]
        database.execute(f"PRAGMA max_page_count = {pages}")  # a disk with no room left
        rng = random.Random(0)
        words = " ".join("".join(rng.choices("abcdefghijklmnop", k=7)) for _ in range(20000))
        with pytest.raises(OutputError) as caught:
            index.add([Document("b", words)])
        _one_line(caught.value, "idx: cannot write (no space left on device)")
        assert list(index.ids()) == ["a"]  # what was committed stands


def test_an_index_whose_database_is_gone_is_not_created_anew_over_its_segments(
    tmp_path: Path,
) -> None:
    # Creating one there deleted the segments of what was left as orphans.
    _index(tmp_path / "idx", _docs(3)).close()
    (tmp_path / "idx" / DATABASE_NAME).unlink()
    segments = sorted((tmp_path / "idx" / "segments").iterdir())
    with pytest.raises(CorruptIndexError) as caught:
        Index.open(tmp_path / "idx", create=True)
    _one_line(caught.value, f"damaged ({DATABASE_NAME} is missing", "remove the directory")
    assert sorted((tmp_path / "idx" / "segments").iterdir()) == segments


def test_an_index_this_process_may_not_read_is_told_so_not_that_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _index(tmp_path / "idx", _docs(1)).close()

    def unreadable(file: object, *args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))

    # root reads every file: refuse it as a chmod 000 would refuse anyone else
    monkeypatch.setattr("unspin.index._store.open", unreadable, raising=False)
    with pytest.raises(IndexStoreError) as caught:
        Index.open(tmp_path / "idx")
    _one_line(caught.value, "idx: cannot read the index (Permission denied)")


@pytest.mark.parametrize("create", [False, True])
def test_an_index_path_that_is_a_broken_or_looping_link_says_so(
    tmp_path: Path, create: bool
) -> None:
    # It was "no such index" to read and "cannot create an index there (File exists)".
    (tmp_path / "loop.idx").symlink_to("loop.idx")
    (tmp_path / "broken.idx").symlink_to("nowhere/idx")
    for name, reason in (
        ("loop.idx", "a symbolic link that loops"),
        ("broken.idx", "a symbolic link to a missing file (nowhere/idx)"),
    ):
        with pytest.raises(IndexStoreError) as caught:
            Index.open(tmp_path / name, create=create)
        _one_line(caught.value, f"{name}: {reason}, no index")
    assert not (tmp_path / "nowhere").exists()


def test_a_database_being_created_by_another_process_is_not_foreign(tmp_path: Path) -> None:
    (tmp_path / "idx" / "segments").mkdir(parents=True)
    (tmp_path / "idx" / (DATABASE_NAME + ".new")).write_bytes(b"")  # its creator died there
    with Index.open(tmp_path / "idx", create=True) as index:
        assert index.info().documents == 0


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "idx"
    directory.mkdir()
    connection = sqlite3.connect(directory / DATABASE_NAME)
    connection.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    connection.execute("INSERT INTO meta VALUES ('format', 'something-else')")
    connection.commit()
    connection.close()
    with pytest.raises(CorruptIndexError, match="not an unspin index"):
        Index.open(directory)


def test_a_newer_format_is_refused(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(1)).close()
    connection = sqlite3.connect(tmp_path / "idx" / DATABASE_NAME)
    connection.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    connection.commit()
    connection.close()
    with pytest.raises(CorruptIndexError, match="newer"):
        Index.open(tmp_path / "idx")


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("fingerprint_options", "[]", "fingerprint_options"),
        ("fingerprint_options", '{"sample": "x"}', "fingerprint_options sample"),
        ("fingerprint_options", '{"sample": 0}', "fingerprint_options sample"),
        ("fingerprint_options", '{"bag_window": 1}', "fingerprint_options bag_window"),
        ("next_num", "-5", "next_num"),
        ("next_num", "99999999999", "next_num"),  # would size the live array by it
        ("next_num", "1", "next_num"),  # would number new documents as old ones
        ("generation", "-1", "generation"),
    ],
)
def test_metadata_out_of_bounds_is_damage_not_an_internal_error(
    key: str, value: str, named: str, tmp_path: Path
) -> None:
    _index(tmp_path / "idx", _docs(3)).close()
    connection = sqlite3.connect(tmp_path / "idx" / DATABASE_NAME)
    connection.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    connection.commit()
    connection.close()
    with pytest.raises(CorruptIndexError) as caught:
        Index.open(tmp_path / "idx")
    _one_line(caught.value, "idx: damaged index metadata", f"({named})")


def test_metadata_of_a_fresh_and_of_an_emptied_index_holds(tmp_path: Path) -> None:
    Index.open(tmp_path / "fresh", create=True).close()
    Index.open(tmp_path / "fresh").close()
    with _index(tmp_path / "idx", _docs(3)) as index:
        index.remove([doc.id for doc in _docs(3)])
        index.compact()
    with Index.open(tmp_path / "idx") as index:  # numbers past every document's
        index.add(_docs(2))
        assert len(index) == 2


def test_an_index_of_an_older_fingerprint_scheme_is_refused(tmp_path: Path) -> None:
    # Its postings were made by other fingerprints: queries would find nothing in them.
    _index(tmp_path / "idx", _docs(1)).close()
    connection = sqlite3.connect(tmp_path / "idx" / DATABASE_NAME)
    connection.execute(
        "UPDATE meta SET value = ? WHERE key = 'fingerprint_scheme'",
        (str(FINGERPRINT_SCHEME - 1),),
    )
    connection.commit()
    connection.close()
    with pytest.raises(CorruptIndexError) as caught:
        Index.open(tmp_path / "idx")
    _one_line(caught.value, "idx", f"fingerprint scheme {FINGERPRINT_SCHEME - 1}", "rebuild")


def test_an_index_with_bag_pairs_is_format_2_and_one_without_stays_readable_by_format_1(
    tmp_path: Path,
) -> None:
    with Index.open(tmp_path / "plain", create=True) as plain:
        assert plain.info().format_version == 1
        assert plain.info().fingerprint_options["bag_window"] == 0
    bags = FingerprintOptions(bag_window=8)
    with Index.open(tmp_path / "bags", create=True, fingerprint_options=bags) as index:
        assert index.info().format_version == 2
        assert index.fingerprint_options == bags
    with pytest.raises(ValueError, match="bag_window"):
        Index.open(
            tmp_path / "bad", create=True, fingerprint_options=FingerprintOptions(bag_window=1)
        )


def test_an_index_recording_options_written_before_bag_pairs_opens_with_their_default(
    tmp_path: Path,
) -> None:
    _index(tmp_path / "idx", _docs(1)).close()
    connection = sqlite3.connect(tmp_path / "idx" / DATABASE_NAME)
    old = {"sample": 4, "skeleton_n": 8, "block_tokens": 32}  # as unspin wrote them before
    connection.execute(
        "UPDATE meta SET value = ? WHERE key = 'fingerprint_options'", (json.dumps(old),)
    )
    connection.commit()
    connection.close()
    with Index.open(tmp_path / "idx") as index:
        assert index.fingerprint_options == FingerprintOptions()
        assert index.info().fingerprint_options["bag_window"] == 0


def test_an_index_with_unknown_fingerprint_options_is_refused(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(1)).close()
    connection = sqlite3.connect(tmp_path / "idx" / DATABASE_NAME)
    future = {**FingerprintOptions()._asdict(), "word_vectors": 64}
    connection.execute(
        "UPDATE meta SET value = ? WHERE key = 'fingerprint_options'", (json.dumps(future),)
    )
    connection.commit()
    connection.close()
    with pytest.raises(CorruptIndexError) as caught:
        Index.open(tmp_path / "idx")
    _one_line(caught.value, "idx", "word_vectors", "upgrade unspin")


def test_a_truncated_or_missing_segment_is_reported(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(3)).close()
    (segment,) = (tmp_path / "idx" / "segments").iterdir()
    segment.write_bytes(segment.read_bytes()[:-5])
    with Index.open(tmp_path / "idx") as index, pytest.raises(CorruptIndexError) as caught:
        index.search(news_article(0, paragraphs=2))
    _one_line(caught.value, segment.name, "truncated")
    segment.unlink()
    with Index.open(tmp_path / "idx") as index, pytest.raises(CorruptIndexError, match="missing"):
        index.search(news_article(0, paragraphs=2))


# --- writers in several processes -------------------------------------------------------------


_HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from unspin.index import Index
    with Index.open(sys.argv[1]) as index, index.writer():
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def test_a_second_writer_is_refused_or_waits(tmp_path: Path) -> None:
    _index(tmp_path / "idx").close()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path / "idx")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with Index.open(tmp_path / "idx") as index:
            with pytest.raises(IndexLockedError) as caught:
                index.add(_docs(1), wait=0)
            _one_line(caught.value, "another process is writing")
            started = time.monotonic()
            with pytest.raises(IndexLockedError):
                index.add(_docs(1), wait=0.2)
            assert time.monotonic() - started >= 0.2
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert index.add(_docs(1), wait=30).added == 1  # waits for the holder to finish
    finally:
        holder.kill()
        holder.wait()


_INGEST = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {tests!r})
    from conftest import news_article
    from unspin.index import Index
    from unspin.io import Document

    path, start, count, batch = sys.argv[1], *map(int, sys.argv[2:5])
    docs = (
        Document(f"doc-{{i}}", news_article(i, paragraphs=2))
        for i in range(start, start + count)
    )
    with Index.open(path, create=True) as index:
        counts = index.add(docs, batch_size=batch)
    print(json.dumps(counts._asdict()))
    """
)


def _ingest_command(tmp_path: Path, index: Path, start: int, count: int, batch: int) -> list[str]:
    script = tmp_path / "ingest.py"
    script.write_text(_INGEST.format(tests=str(ROOT / "tests")))
    return [sys.executable, str(script), str(index), str(start), str(count), str(batch)]


def test_two_writing_processes_are_serialized(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    _index(index_dir).close()
    processes = [
        subprocess.Popen(
            _ingest_command(tmp_path, index_dir, start, 60, 7), stdout=subprocess.PIPE, text=True
        )
        for start in (0, 1000)
    ]
    outputs = [json.loads(p.communicate(timeout=120)[0]) for p in processes]
    assert all(p.returncode == 0 for p in processes)
    assert [o["added"] for o in outputs] == [60, 60]
    with Index.open(index_dir) as index:
        ids = list(index.ids())
        assert len(ids) == 120
        # one writer's batches all committed before the other's: never interleaved
        owners = [int(doc_id.removeprefix("doc-")) >= 1000 for doc_id in ids]
        assert owners == sorted(owners) or owners == sorted(owners, reverse=True)


def test_kill_9_mid_ingest_loses_nothing_committed_and_a_rerun_completes(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    total, batch = 400, 10
    command = _ingest_command(tmp_path, index_dir, 0, total, batch)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    database = index_dir / DATABASE_NAME
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists():
            try:
                with sqlite3.connect(database, timeout=5) as connection:
                    committed = connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
        if committed >= 5 * batch:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    with Index.open(index_dir) as index:
        survived = len(index)
        assert committed <= survived < total
        assert survived % batch == 0  # batches are all in or all out
        ids = list(index.ids())
        assert ids == [f"doc-{i}" for i in range(survived)]
        for i in (0, survived - 1):
            stored = index.get(f"doc-{i}")
            assert stored is not None and stored.text == news_article(i, paragraphs=2)
            assert index.search(stored.text).matches[0].id == f"doc-{i}"

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    counts = json.loads(rerun.stdout)
    assert counts == {
        "added": total - survived,
        "replaced": 0,
        "unchanged": survived,
        "repeated": 0,
    }
    with Index.open(index_dir) as index:
        assert list(index.ids()) == [f"doc-{i}" for i in range(total)]
        assert index.search(news_article(total - 1, paragraphs=2)).matches[0].id == (
            f"doc-{total - 1}"
        )
    # no orphan segment files are left behind
    names = {p.name for p in (index_dir / "segments").iterdir()}
    with sqlite3.connect(database) as connection:
        assert names == {row[0] for row in connection.execute("SELECT name FROM segments")}


def test_texts_are_compressed_with_a_dictionary_learned_from_the_first_large_batch(
    tmp_path: Path,
) -> None:
    small, large = _docs(3), _docs(300, start=10)
    with _index(tmp_path / "idx", small) as index:
        index.add(large)
        index.add(_docs(2, start=500))
        database = sqlite3.connect(tmp_path / "idx" / DATABASE_NAME)
        codecs = dict(database.execute("SELECT id, codec FROM documents"))
        assert database.execute("SELECT COUNT(*) FROM dictionaries").fetchone()[0] == 1
        stored_bytes, text_bytes = database.execute(
            "SELECT SUM(LENGTH(text)), SUM(length) FROM documents WHERE codec = 1"
        ).fetchone()
        database.close()
        assert [codecs[d.id] for d in small] == [0, 0, 0]
        assert {codecs[d.id] for d in large} == {1}
        assert codecs["doc-500"] == 1  # later batches use the dictionary too
        assert stored_bytes < 0.5 * text_bytes
    with Index.open(tmp_path / "idx") as reopened:  # a new process reads them back
        for document in (small[0], large[0], large[-1]):
            stored = reopened.get(document.id)
            assert stored is not None and stored.text == document.text


def test_segment_lookups_agree_with_a_plain_binary_search(tmp_path: Path) -> None:
    import numpy as np

    from unspin.index._segment import FENCE_STRIDE, Segment, write_segment

    rng = np.random.default_rng(5)
    count = FENCE_STRIDE * 7 + 13
    fingerprints = rng.integers(0, 400, count).astype(np.uint64)
    keys = np.unique(
        (fingerprints << np.uint64(32)) | rng.integers(0, 2**20, count).astype(np.uint64)
    )
    path = tmp_path / "test.seg"
    write_segment(path, keys, np.zeros(len(keys), dtype=np.uint16))
    segment = Segment(path, expected_count=len(keys))
    probes = np.arange(0, 402, dtype=np.uint32)
    low, high = segment.ranges(probes)
    expected_low = np.searchsorted(keys, probes.astype(np.uint64) << np.uint64(32))
    expected_high = np.searchsorted(
        keys, (probes.astype(np.uint64) + np.uint64(1)) << np.uint64(32)
    )
    assert np.array_equal(low, expected_low) and np.array_equal(high, expected_high)
    postings = segment.lookup(probes)
    assert np.array_equal(np.diff(postings.pointer), expected_high - expected_low)
    assert np.array_equal(postings.keys, keys[expected_low.min() : expected_high.max()])
    empty = tmp_path / "empty.seg"
    write_segment(empty, np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint16))
    assert Segment(empty).ranges(probes)[0].tolist() == [0] * len(probes)
    assert Segment(empty).lookup(probes).pointer.tolist() == [0] * (len(probes) + 1)


def _without_write_permission(command: list[str]) -> list[str] | None:
    """``command`` run so that file permissions bind (root ignores them without help)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    drop = ["--bounding-set", "-dac_override,-dac_read_search,-fowner", "--inh-caps=-all"]
    return [setpriv, *drop, *command]


def test_an_index_that_cannot_be_written_is_a_one_line_error_not_damage(tmp_path: Path) -> None:
    _index(tmp_path / "idx", _docs(5)).close()
    query = tmp_path / "query.txt"
    query.write_text(news_article(2, paragraphs=2))
    search = _without_write_permission(
        [sys.executable, "-m", "unspin", "search", str(tmp_path / "idx"), str(query), "-f", "json"]
    )
    add = _without_write_permission(
        [sys.executable, "-m", "unspin", "index", "add", str(tmp_path / "idx"), str(query)]
    )
    if search is None or add is None:
        pytest.skip("no way to drop root's file-permission override here")
    for path in [tmp_path / "idx", *(tmp_path / "idx").rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)  # as a read-only mount, or another user's
    try:
        found = subprocess.run(search, capture_output=True, text=True, timeout=120)
        refused = subprocess.run(add, capture_output=True, text=True, timeout=120)
    finally:
        for path in [tmp_path / "idx", *(tmp_path / "idx").rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    # Not on a read-only mount, a writer may come: a reader that cannot share SQLite's
    # -shm file with it would miss its changes, so it is refused, and not called damaged.
    for result, fragment in (
        (found, "cannot read the index without writing to it"),
        (refused, "cannot read the index without writing to it"),
    ):
        assert result.returncode == 2 and "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("unspin: error: ")
        assert fragment in lines[0] and "damaged" not in lines[0]


def test_an_id_that_is_not_utf8_text_is_refused_at_once_and_matches_nothing(
    tmp_path: Path,
) -> None:
    # A file name that is not UTF-8 decodes to a lone surrogate, which SQLite cannot take:
    # it failed the whole batch when written, and every look-up by such an id.
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("good", "A perfectly good document to keep in the index.")])
        for bad, shown in (("bad\udcff", r"bad\udcff"), ("x\ud800", r"x\ud800")):
            with pytest.raises(ValueError, match=re.escape(f"must be UTF-8 text, not '{shown}'")):
                index.add([Document(bad, "hello there")])
            assert index.get(bad) is None and bad not in index
            assert index.remove([bad]) == []
            index.search("A perfectly good document to keep in the index.", exclude=[bad])
        assert list(index.ids()) == ["good"]


def _add_one_at_a_time(path: str, stop: Any) -> None:
    with Index.open(path) as index:
        number = 0
        while not stop.is_set():
            text = f"word{number} alpha beta gamma delta {number}"
            index.add([Document(f"d{number}", text)], batch_size=1)
            number += 1


def test_opening_an_index_while_another_process_commits_never_sees_it_damaged(
    tmp_path: Path,
) -> None:
    # The metadata check read meta, segments and documents in three snapshots: a commit
    # between them made about 3% of opens "damaged index metadata (next_num)".
    path = tmp_path / "idx"
    Index.open(path, create=True).close()
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    writer = context.Process(target=_add_one_at_a_time, args=(str(path), stop))
    writer.start()
    try:
        while True:  # until the writer is under way
            with Index.open(path) as index:
                if len(index) >= 5:
                    break
            time.sleep(0.01)
        opened = 0
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            Index.open(path).close()
            opened += 1
    finally:
        stop.set()
        writer.join(30)
    assert writer.exitcode == 0 and opened > 100


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (FingerprintOptions(block_tokens=0), "block_tokens must be at least 1, not 0"),
        (FingerprintOptions(skeleton_n=0), "skeleton_n must be at least 1, not 0"),
        (FingerprintOptions(bag_window=1), "bag_window must be 0 (no bag pairs) or at least 2"),
    ],
)
def test_an_index_is_not_created_with_options_it_would_then_call_damaged(
    tmp_path: Path, options: FingerprintOptions, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Index.open(tmp_path / "idx", create=True, fingerprint_options=options)
    assert not (tmp_path / "idx" / DATABASE_NAME).exists()
