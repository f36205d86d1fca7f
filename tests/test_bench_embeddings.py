"""Tests of bench/_embeddings.py: the static sentence vectors of the embedding benchmark.

Most tests use small tables made here; those marked ``distilled`` read the table that
``scripts/distill_embeddings.py`` writes to ``bench/out/embeddings/`` (it needs torch,
so it is not built in CI) and are skipped where it has not been built.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from _bench import load_bench_module
from unspin._exceptions import LexiconError
from unspin.text._analysis import analyse_text

embeddings = load_bench_module("_embeddings.py", "bench_embeddings")
EmbeddingTable: Any = embeddings.EmbeddingTable
sentence_vectors: Any = embeddings.sentence_vectors


@pytest.fixture(scope="module")
def table() -> Any:
    if not embeddings.DEFAULT_PATH.is_file():
        pytest.skip("no distilled table (run scripts/distill_embeddings.py)")
    return EmbeddingTable.load()


def _archive(**members: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **members)  # type: ignore[arg-type]
    return buffer.getvalue()


def _text(value: str) -> np.ndarray:
    return np.frombuffer(value.encode("utf-8"), dtype=np.uint8)


def _valid_members() -> dict[str, np.ndarray]:
    return {
        "format": _text("unspin-embeddings/1"),
        "pieces": _text("cat\n##s\ndog"),
        "vectors": np.array([[127, 0], [0, 127], [-127, 0]], dtype=np.int8),
        "scales": np.array([0.01, 0.02, 0.01], dtype=np.float32),
    }


# ------------------------------------------------------------------ the distilled table


def test_distilled_table_loads(table: Any) -> None:
    assert table.piece_count > 25_000  # BERT's uncased vocabulary, special tokens dropped
    assert table.dims >= 32


def test_word_pieces_follow_wordpiece(table: Any) -> None:
    assert table.pieces("the") == ("the",)
    assert table.pieces("Summit") == ("summit",)
    # As BERT's own tokenizer splits them (checked against the `tokenizers` package).
    assert table.pieces("unaffable") == ("una", "##ffa", "##ble")
    assert table.pieces("Vladivostok") == ("vlad", "##ivo", "##sto", "##k")
    # Accents are stripped as BERT's uncased tokenizer does.
    assert table.pieces("café") == table.pieces("cafe")
    assert table.pieces("") == ()
    assert table.pieces("x" * 101) == ()


def test_word_vector_is_case_blind(table: Any) -> None:
    assert table.word_vector("summit").shape == (table.dims,)
    assert np.allclose(table.word_vector("the"), table.word_vector("The"))
    assert not np.allclose(table.word_vector("summit"), table.word_vector("sanctions"))


def test_small_table_sums_pieces(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.npz"
    path.write_bytes(_archive(**_valid_members()))
    small = EmbeddingTable.load(path)
    assert small.pieces("cats") == ("cat", "##s")
    assert np.allclose(small.word_vector("cats"), [1.27, 2.54])
    assert small.pieces("bird") == ()  # cannot be spelled: no vector
    assert np.allclose(small.word_vector("bird"), 0)


def test_small_table_sentence_vectors() -> None:
    pieces = ["summit", "top", "rain", "the", "was", "held", "fell"]
    vectors = np.array(
        [[1, 0, 0], [1, 0.1, 0], [0, 0, 1], [0.1, 0.1, 0.1], [0, 0.1, 0], [0, 0.2, 0], [0, 0, 0.3]],
        dtype=np.float32,
    )
    small = EmbeddingTable(pieces, vectors)
    texts = ("The summit was held.", "The top was held.", "The rain fell.", "Xyzzy qwrt.")
    first, second, third, unknown = (
        sentence_vectors(analyse_text(text), table=small)[0] for text in texts
    )
    assert np.isclose(np.linalg.norm(first), 1.0, atol=1e-6)
    assert float(first @ second) > float(first @ third) + 0.5
    assert not unknown.any()  # no known word: a zero row
    expected = vectors[[3, 0, 4, 5]].sum(axis=0)
    assert np.allclose(first, expected / np.linalg.norm(expected), atol=1e-6)


# ------------------------------------------------------------------ sentence vectors


def test_sentence_vectors_shape_and_norm(table: Any) -> None:
    analysis = analyse_text(
        "The summit was held in Vladivostok. Both leaders spoke to reporters afterwards. "
        "Nothing was signed."
    )
    vectors = sentence_vectors(analysis, table=table)
    assert vectors.shape == (analysis.sentence_count, table.dims)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_sentence_vectors_are_deterministic(table: Any) -> None:
    text = "North Korean leader Kim Jong Un met Russian President Vladimir Putin."
    first = sentence_vectors(analyse_text(text), table=table)
    second = sentence_vectors(analyse_text(text), table=table)
    assert np.array_equal(first, second)


def test_paraphrase_is_closer_than_unrelated_sentence(table: Any) -> None:
    original = "The talks between the two leaders were cancelled at the last minute."
    paraphrase = "Negotiations among both presidents got called off at the final moment."
    unrelated = "Heavy rain flooded the village and farmers lost most of their harvest."
    vectors = [
        sentence_vectors(analyse_text(text), table=table)[0]
        for text in (original, paraphrase, unrelated)
    ]
    close = float(vectors[0] @ vectors[1])
    far = float(vectors[0] @ vectors[2])
    assert close > far + 0.1


def test_content_only_ignores_function_words(table: Any) -> None:
    with_fillers = analyse_text("It was actually the summit of the leaders in the city.")
    plain = analyse_text("summit leaders city")
    a = sentence_vectors(with_fillers, table=table, content_only=True)[0]
    b = sentence_vectors(plain, table=table, content_only=True)[0]
    assert float(a @ b) > 0.999


def test_empty_text_has_no_vectors(table: Any) -> None:
    assert sentence_vectors(analyse_text(""), table=table).shape == (0, table.dims)


# ------------------------------------------------------------------ damaged files


def test_missing_file_is_a_lexicon_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"no-such-embeddings\.npz.*distill_embeddings"):
        EmbeddingTable.load(tmp_path / "no-such-embeddings.npz")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": _text("something-else/9")}, "format"),
        ({"vectors": np.zeros((3, 2), dtype=np.float64)}, "int8"),
        ({"scales": np.ones(2, dtype=np.float32)}, "3 pieces"),
        ({"pieces": _text("cat\ndog")}, "2 pieces"),
        ({"scales": np.array([1.0, np.nan, 1.0], dtype=np.float32)}, "finite"),
    ],
)
def test_damaged_members_are_lexicon_errors(change: dict[str, np.ndarray], message: str) -> None:
    members = {**_valid_members(), **change}
    with pytest.raises(LexiconError, match=message):
        EmbeddingTable.from_bytes(_archive(**members), source="test.npz")


def test_missing_member_is_a_lexicon_error() -> None:
    members = _valid_members()
    del members["scales"]
    with pytest.raises(LexiconError, match="damaged"):
        EmbeddingTable.from_bytes(_archive(**members), source="test.npz")


def test_truncated_archive_is_a_lexicon_error() -> None:
    data = _archive(**_valid_members())
    with pytest.raises(LexiconError, match=r"test\.npz"):
        EmbeddingTable.from_bytes(data[: len(data) // 2], source="test.npz")
    with pytest.raises(LexiconError, match="damaged"):
        EmbeddingTable.from_bytes(b"not a zip file at all", source="test.npz")


def test_pickled_members_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = io.BytesIO()
        np.save(member, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        for name in ("format", "pieces", "vectors", "scales"):
            archive.writestr(f"{name}.npy", member.getvalue())
    with pytest.raises(LexiconError, match="damaged"):
        EmbeddingTable.from_bytes(buffer.getvalue(), source="test.npz")
