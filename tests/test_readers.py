"""Tests of the collection readers: directories, JSONL, CSV/TSV, Parquet, HTML, bad input."""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import InputError, InputNotFoundError
from unspin.io import (
    Document,
    InputFormat,
    SkippedInput,
    input_files,
    read_documents,
)

TEXT = "The council approved a second bridge across the river after a long debate.\n"
_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _collect(*inputs: Path, **options: object) -> tuple[list[Document], list[SkippedInput]]:
    skipped: list[SkippedInput] = []
    documents = list(read_documents(inputs, on_skip=skipped.append, **options))  # type: ignore[arg-type]
    return documents, skipped


def test_a_directory_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "a.txt").write_text("alpha " + TEXT)
    (tmp_path / "b" / "c.txt").write_text("gamma " + TEXT)
    (tmp_path / "b" / "deep" / "d.md").write_text("delta " + TEXT)
    (tmp_path / ".hidden.txt").write_text("hidden " + TEXT)
    documents, skipped = _collect(tmp_path)
    names = [Path(d.id).relative_to(tmp_path).as_posix() for d in documents]
    assert names == ["a.txt", "b/c.txt", "b/deep/d.md"]
    assert documents[0].text.startswith("alpha")
    assert skipped == []
    flat, _ = _collect(tmp_path, recursive=False)
    assert [Path(d.id).name for d in flat] == ["a.txt"]


def test_a_symlinked_directory_is_not_followed_but_named(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "real").mkdir(parents=True)
    (tree / "real" / "a.txt").write_text("alpha " + TEXT)
    (tree / "loop").symlink_to(tree)  # followed, it would never end
    (tree / "real" / "link.txt").symlink_to(tree / "real" / "a.txt")
    documents, skipped = _collect(tree)
    assert [Path(d.id).relative_to(tree).as_posix() for d in documents] == [
        "real/a.txt",
        "real/link.txt",
    ]
    assert [(s.where, s.directory) for s in skipped] == [((tree / "loop").as_posix(), True)]
    assert "symbolic link to a directory, not followed" in skipped[0].reason
    # Named on the command line, a symlinked directory is read.
    linked, skipped = _collect(tree / "loop" / "real")
    assert len(linked) == 2 and skipped == []


def test_binary_empty_and_unreadable_files_in_a_directory_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXT)
    (tmp_path / "image.png").write_bytes(_PNG)
    (tmp_path / "empty.txt").write_bytes(b"")
    documents, skipped = _collect(tmp_path)
    assert [Path(d.id).name for d in documents] == ["good.txt"]
    reasons = {Path(s.where).name: s.reason for s in skipped}
    assert set(reasons) == {"image.png", "empty.txt"}
    assert "binary" in reasons["image.png"]
    assert "empty" in reasons["empty.txt"]
    assert all("\n" not in reason for reason in reasons.values())


def test_a_missing_input_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXT)
    with pytest.raises(InputNotFoundError, match="nope"):
        read_documents([tmp_path / "good.txt", tmp_path / "nope"])


def test_jsonl_records_with_configurable_fields(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"key": "a1", "body": "first " + TEXT}),
        "",
        "{not json",
        json.dumps({"key": 7, "body": "second " + TEXT}),
        json.dumps({"key": "a3"}),
        json.dumps(["a list"]),
        json.dumps({"body": "no id " + TEXT}),
        json.dumps({"key": "a5", "body": "   "}),
    ]
    path.write_text("\n".join(lines) + "\n")
    documents, skipped = _collect(path, id_field="key", text_field="body")
    assert [d.id for d in documents] == ["a1", "7", f"{path}:7"]
    assert documents[1].text.startswith("second")
    assert [s.where for s in skipped] == [f"{path}:{n}" for n in (3, 5, 6, 8)]
    assert "JSON" in skipped[0].reason and "'body'" in skipped[1].reason


def test_gzipped_jsonl_and_progress_counts_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl.gz"
    records = [{"id": str(i), "text": f"document {i} " + TEXT} for i in range(200)]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    done: list[int] = []
    documents = list(read_documents([path], on_progress=done.append))
    assert [d.id for d in documents] == [str(i) for i in range(200)]
    assert sum(done) == path.stat().st_size


def test_csv_and_tsv(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text"])
        writer.writerow(["x", "A title", "multi\nline, quoted " + TEXT])
        writer.writerow(["y", "B", ""])
    documents, skipped = _collect(path)
    assert [(d.id, d.text.split()[0]) for d in documents] == [("x", "multi")]
    assert [s.reason for s in skipped] == ["empty text"]
    tsv = tmp_path / "docs.tsv"
    tsv.write_text("id\ttext\nt1\t" + TEXT)
    assert [d.id for d in read_documents([tsv])] == ["t1"]


def test_jsonl_whose_first_record_lacks_the_id_field_asked_for_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"ID": "a", "text": "first text"})
        + "\n"
        + json.dumps({"text": "second text"})
        + "\n"
    )
    documents, skipped = _collect(path, id_field="Id")
    assert not documents
    assert (
        "no 'Id' field for the ids in its first record (fields: 'ID', 'text')" in skipped[0].reason
    )
    # named right, a later record without one gets FILE:LINE; the default may be missing
    assert [d.id for d in _collect(path, id_field="ID")[0]] == ["a", f"{path}:2"]
    assert [d.id for d in _collect(path)[0]] == [f"{path}:1", f"{path}:2"]


def test_csv_and_jsonl_in_utf16_or_utf32_with_a_byte_order_mark(tmp_path: Path) -> None:
    table = "id,text\nc1,Caf\u00e9 society meets on Mondays\n"
    (tmp_path / "a.csv").write_bytes(table.encode("utf-16"))
    record = json.dumps({"id": "j1", "text": "na\u00efve \U0001f600 text"}, ensure_ascii=False)
    (tmp_path / "b.jsonl").write_bytes((record + "\n").encode("utf-32"))
    (tmp_path / "c.jsonl").write_bytes(codecs.BOM_UTF8 + (record + "\n").encode())
    documents, skipped = _collect(tmp_path / "a.csv", tmp_path / "b.jsonl", tmp_path / "c.jsonl")
    assert not skipped
    assert [(d.id, d.text) for d in documents] == [
        ("c1", "Caf\u00e9 society meets on Mondays"),
        ("j1", "na\u00efve \U0001f600 text"),
        ("j1", "na\u00efve \U0001f600 text"),
    ]


def test_csv_without_the_text_column_is_skipped_with_the_columns_named(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    path.write_text("id,body\n1,hello\n")
    documents, skipped = _collect(path)
    assert documents == []
    assert "no 'text' column" in skipped[0].reason and "'body'" in skipped[0].reason
    # an id column asked for by name must be there: a misspelt one would give every
    # row a made-up id (the default "id" may be missing: ids are then FILE:ROW)
    path.write_text("ID,text\n1,hello\n")
    documents, skipped = _collect(path, id_field="Id")
    assert (
        not documents and "no 'Id' column for the ids (columns: 'ID', 'text')" in skipped[0].reason
    )
    assert [d.id for d in _collect(path)[0]] == [f"{path}:1"]
    path.write_text("id,text,text\n1,hello,\n")
    assert "2 columns named 'text'" in _collect(path)[1][0].reason
    # a header of one huge cell, or of many columns, is named in short
    path.write_text("x" * 100_000 + "," + ",".join(f"c{n}" for n in range(20)) + "\n1,2\n")
    _, skipped = _collect(path)
    assert len(skipped[0].reason) < 500
    assert "x" * 40 + "…'" in skipped[0].reason and "and 13 more" in skipped[0].reason


def test_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "docs.parquet"
    table = pa.table(
        {"doc": ["p1", "p2", "p3"], "content": ["one " + TEXT, None, "<p>three</p> " + TEXT]}
    )
    pq.write_table(table, path, row_group_size=2)
    done: list[int] = []
    skipped: list[SkippedInput] = []
    documents = list(
        read_documents(
            [path],
            id_field="doc",
            text_field="content",
            on_skip=skipped.append,
            on_progress=done.append,
        )
    )
    assert [d.id for d in documents] == ["p1", "p3"]
    assert documents[1].html is True
    assert [s.where for s in skipped] == [f"{path}:2"]
    assert sum(done) == path.stat().st_size


def test_a_damaged_parquet_file_is_skipped(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 definitely not parquet")
    documents, skipped = _collect(path)
    assert documents == [] and "Parquet" in skipped[0].reason


def test_html_files_are_marked_and_a_format_can_be_forced(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text("<p>" + TEXT + "</p>")
    (tmp_path / "notes.data").write_text(json.dumps({"id": "j", "text": TEXT}) + "\n")
    documents, _ = _collect(tmp_path / "page.htm")
    assert documents[0].html is True
    plain, _ = _collect(tmp_path / "notes.data")
    assert plain[0].id.endswith("notes.data") and plain[0].text.startswith("{")
    forced, _ = _collect(tmp_path / "notes.data", input_format=InputFormat.JSONL)
    assert [d.id for d in forced] == ["j"]


def test_input_files_names_match_document_ids(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text(TEXT)
    files = input_files([tmp_path])
    assert [name for _, name in files] == [(tmp_path / "sub" / "x.txt").as_posix()]
    assert [d.id for d in read_documents([tmp_path])] == [files[0][1]]


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        read_documents([], input_format="xml")


def test_parquet_without_pyarrow_is_a_clear_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    path = tmp_path / "docs.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(InputError, match=r"unspin\[parquet\]"):
        list(read_documents([path]))


_TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=80
).filter(lambda text: text.strip() != "")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=10), _TEXTS), max_size=8))
def test_jsonl_round_trips_any_text(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:  # type: ignore[type-arg]
    path = tmp_path_factory.mktemp("jsonl") / "docs.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, text in rows:
            handle.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    documents = list(read_documents([path]))
    assert [(d.id, d.text) for d in documents] == rows


def test_lone_surrogates_in_json_become_replacement_characters(tmp_path: Path) -> None:
    # json.dumps spells a lone surrogate as an escape, which json.loads turns back into one
    record = {"id": "s\udc00", "text": "before \ud800 after " + TEXT}
    (tmp_path / "records.jsonl").write_text(json.dumps(record) + "\n")
    documents, skipped = _collect(tmp_path)
    assert not skipped and documents[0].id == "s\ufffd"
    assert documents[0].text == "before \ufffd after " + TEXT  # one character for one
    documents[0].text.encode("utf-8")  # storable


def test_a_json_line_nested_too_deep_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "records.jsonl").write_text(
        "[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"id": "ok", "text": TEXT}) + "\n"
    )
    documents, skipped = _collect(tmp_path)
    assert [d.id for d in documents] == ["ok"]
    assert [(s.where, s.reason) for s in skipped] == [
        (f"{tmp_path / 'records.jsonl'}:1", "not valid JSON")
    ]


def test_a_file_name_that_is_not_utf8_gets_an_id_that_can_be_stored(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff\xfename.txt")
    try:
        (tmp_path / name).write_text(TEXT)
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    documents, _ = _collect(tmp_path)
    assert documents[0].id == f"{tmp_path.as_posix()}/bad\\xff\\xfename.txt"
    assert documents[0].path is not None
    (documents[0].id + documents[0].path).encode("utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_walk_skips_what_is_not_a_regular_file_whatever_its_name(tmp_path: Path) -> None:
    # A reader of JSON lines or CSV waited on a FIFO forever, or read /dev/zero forever.
    (tmp_path / "a.txt").write_text("a document")
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere")  # the reader tells why
    skipped: list[SkippedInput] = []
    files = input_files([tmp_path], on_skip=skipped.append)
    assert [path.name for path, _ in files] == ["a.txt", "broken.txt"]
    assert skipped == [
        SkippedInput(f"{tmp_path.as_posix()}/pipe.jsonl", "not a regular file"),
        SkippedInput(f"{tmp_path.as_posix()}/zero.csv", "not a regular file"),
    ]
    documents = list(read_documents([tmp_path], on_skip=skipped.append))
    assert [doc.text for doc in documents] == ["a document"]


def test_a_directory_that_cannot_be_listed_is_lost_input_and_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("unreadable")
    (tmp_path / "a.txt").write_text("readable")
    real_scandir = os.scandir

    def scandir(path: Path) -> object:  # root reads every directory: refuse one
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("unspin.io._readers.os.scandir", scandir)
    skipped: list[SkippedInput] = []
    files = input_files([tmp_path], on_skip=skipped.append)
    assert [path.name for path, _ in files] == ["a.txt"]
    where = f"{tmp_path.as_posix()}/sub"
    assert skipped == [SkippedInput(where, "cannot read (Permission denied)")]


def test_a_tree_deeper_than_the_stack_is_walked_in_order(tmp_path: Path) -> None:
    deep = tmp_path / "deep"
    deep.mkdir()
    level = deep
    try:
        for _ in range(1200):  # os.walk recursed once a level, past Python's 1000 frames
            level = level / "a"
            level.mkdir()
        (level / "x.txt").write_text("at the bottom")
        (deep / "b").mkdir()
        (deep / "b" / "y.txt").write_text("beside")
        (deep / "z.txt").write_text("on top")
        names = [path.relative_to(deep).as_posix() for path, _ in input_files([deep])]
        # a directory's own files first, then its subdirectories', as os.walk gave them
        assert names == ["z.txt", "/".join(["a"] * 1200) + "/x.txt", "b/y.txt"]
    finally:  # rmtree, which pytest's clean-up uses, recurses too
        (level / "x.txt").unlink(missing_ok=True)
        while level != deep:
            level.rmdir()
            level = level.parent


def test_a_json_line_over_the_size_limit_is_skipped_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl.gz"
    with gzip.open(path, "wt") as handle:  # a gzip bomb is one endless line
        handle.write(json.dumps({"id": "huge", "text": "x" * 50_000}) + "\n")
        handle.write(json.dumps({"id": "small", "text": "a small record"}) + "\n")
        handle.write(json.dumps({"id": "last", "text": "y" * 50_000}))  # no final newline
    documents, skipped = _collect(path, max_bytes=2**20 // 100)
    assert [doc.id for doc in documents] == ["small"]
    reason = "a line over the 0.01 MiB limit (raise it with --max-size)"
    assert [(s.where.rsplit("/", 1)[-1], s.reason) for s in skipped] == [
        ("records.jsonl.gz:1", reason),
        ("records.jsonl.gz:3", reason),
    ]
    assert [doc.id for doc in _collect(path)[0]] == ["huge", "small", "last"]


def test_a_csv_line_or_field_over_the_size_limit_stops_the_file_saying_so(
    tmp_path: Path,
) -> None:
    # The csv module holds a whole line and a whole field; a gzip bomb filled memory.
    long_line = tmp_path / "line.csv"
    long_line.write_text(f"id,text\na,a small row\nb,{'x' * 20_000}\nc,never reached\n")
    quoted = "\n".join(["y" * 100] * 200)  # short lines, one long field
    long_field = tmp_path / "field.csv"
    long_field.write_text(f'id,text\na,a small row\nb,"{quoted}"\nc,never reached\n')
    limit = "0.01 MiB limit (raise it with --max-size); the rest of the file is not read"
    for path, what in ((long_line, "line"), (long_field, "field")):
        documents, skipped = _collect(path, max_bytes=2**20 // 100)
        assert [doc.id for doc in documents] == ["a"]
        assert [(s.where, s.reason) for s in skipped] == [
            (f"{path.as_posix()}:2", f"a {what} over the {limit}")
        ]
        assert [doc.id for doc in _collect(path)[0]] == ["a", "b", "c"]


def test_without_recursion_a_link_to_a_directory_is_passed_over_as_a_subdirectory_is(
    tmp_path: Path,
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("below")
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    (tmp_path / "a.txt").write_text("on top")
    skipped: list[SkippedInput] = []
    files = input_files([tmp_path], recursive=False, on_skip=skipped.append)
    assert [path.name for path, _ in files] == ["a.txt"] and skipped == []
    files = input_files([tmp_path], on_skip=skipped.append)
    assert [path.name for path, _ in files] == ["a.txt", "b.txt"]
    assert [s.where.rsplit("/", 1)[-1] for s in skipped if s.directory] == ["link"]
