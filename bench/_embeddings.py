"""Static sentence vectors for the embedding measurement (``measure_embeddings.py``).

Two sentences that say the same thing in different words ("the talks were called
off" / "negotiations have been cancelled") share few lemmas and few WordNet
concepts, but their vectors can point the same way. The vectors are static
word-piece embeddings distilled from the sentence-transformers model
all-MiniLM-L6-v2 by model2vec (``scripts/distill_embeddings.py``, which writes
``bench/out/embeddings/embeddings.npz`` and its licence): a text's vector is the sum
of its word pieces' vectors, so no transformer, torch or tokenizer library runs
here, only a WordPiece split of each distinct word (cached) and numpy sums.

Measured, they do not earn a place in alignment (``bench/README.md``, "Static
embeddings"), so they live here, beside the benchmark, and not in the package.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from unspin._exceptions import LexiconError
from unspin.text._analysis import TextAnalysis

__all__ = ["DEFAULT_PATH", "EmbeddingTable", "sentence_vectors"]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

DEFAULT_PATH: Final = Path(__file__).resolve().parent / "out" / "embeddings" / "embeddings.npz"
_FORMAT: Final = "unspin-embeddings/1"
_CONTINUATION: Final = "##"
# BERT's WordPiece gives up on longer words ([UNK]); so does this split.
_MAX_WORD_CHARS: Final = 100
_MAX_CACHED_WORDS: Final = 200_000


class EmbeddingTable:
    """Word-piece vectors and the WordPiece split that maps a word onto them."""

    def __init__(self, pieces: list[str], vectors: FloatArray) -> None:
        if len(pieces) != len(vectors):
            raise ValueError("one vector per piece")
        self._ids = {piece: index for index, piece in enumerate(pieces)}
        self._vectors = vectors
        self._longest = max((len(p) for p in pieces), default=0)
        self._words: dict[str, FloatArray] = {}
        self._zero: FloatArray = np.zeros(vectors.shape[1], dtype=np.float32)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> EmbeddingTable:
        """Read an ``embeddings.npz`` file; :class:`LexiconError` if it is missing
        or damaged."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise LexiconError(
                f"the embeddings {path} cannot be read ({error}); "
                "build them with scripts/distill_embeddings.py"
            ) from error
        return _parse_archive(data, source=str(path))

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str) -> EmbeddingTable:
        """Parse an ``embeddings.npz`` archive; :class:`LexiconError` if it is damaged."""
        return _parse_archive(data, source=source)

    @property
    def dims(self) -> int:
        return int(self._vectors.shape[1])

    @property
    def piece_count(self) -> int:
        return len(self._ids)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the vectors (the piece index adds a few MiB)."""
        return int(self._vectors.nbytes)

    def pieces(self, word: str) -> tuple[str, ...]:
        """The WordPiece split of ``word`` (lowercased, accents stripped, as BERT's
        uncased tokenizer does); empty when the vocabulary cannot spell it."""
        text = _fold(word)
        if not text or len(text) > _MAX_WORD_CHARS:
            return ()
        found: list[str] = []
        start = 0
        while start < len(text):
            end = min(len(text), start + self._longest)
            while end > start:
                piece = text[start:end] if start == 0 else _CONTINUATION + text[start:end]
                if piece in self._ids:
                    found.append(piece)
                    break
                end -= 1
            if end == start:
                return ()  # BERT maps the whole word to [UNK], which carries nothing
            start = end
        return tuple(found)

    def word_vector(self, word: str) -> FloatArray:
        """The sum of ``word``'s piece vectors (zero for a word it cannot spell)."""
        vector = self._words.get(word)
        if vector is None:
            ids = [self._ids[p] for p in self.pieces(word)]
            vector = self._vectors[ids].sum(axis=0) if ids else self._zero
            if len(self._words) >= _MAX_CACHED_WORDS:
                self._words.clear()
            self._words[word] = vector
        return vector


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def sentence_vectors(
    analysis: TextAnalysis, *, table: EmbeddingTable, content_only: bool = False
) -> FloatArray:
    """One unit-length vector per sentence of ``analysis`` (``sentence_count`` x
    ``dims``, float32); a sentence with no known word gets a zero row.

    ``content_only`` sums the content words alone (function words are already
    weighted down by the table's frequency weighting, so by default all count).
    """
    count = analysis.sentence_count
    result = np.zeros((count, table.dims), dtype=np.float32)
    if count == 0 or analysis.token_count == 0:
        return result
    raw = analysis.raw
    selected = (
        np.flatnonzero(analysis.content)
        if content_only
        else np.arange(analysis.token_count, dtype=np.int64)
    )
    if len(selected) == 0:
        return result
    words = [
        raw[a:b].lower()
        for a, b in zip(
            analysis.starts[selected].tolist(), analysis.ends[selected].tolist(), strict=True
        )
    ]
    distinct: dict[str, int] = {}
    index = np.fromiter(
        (distinct.setdefault(w, len(distinct)) for w in words), dtype=np.int64, count=len(words)
    )
    matrix = np.stack([table.word_vector(w) for w in distinct])
    sentence_of = np.searchsorted(analysis.sentence_ptr, selected, side="right") - 1
    # Tokens come in sentence order: each sentence's sum is one contiguous run.
    runs = np.flatnonzero(np.r_[True, sentence_of[1:] != sentence_of[:-1]])
    result[sentence_of[runs]] = np.add.reduceat(matrix[index], runs, axis=0)
    norms = np.linalg.norm(result, axis=1)
    np.divide(result, norms[:, None], out=result, where=norms[:, None] > 0)
    return result


# ------------------------------------------------------------------ loading


def _text(archive: dict[str, npt.NDArray[np.generic]], name: str) -> str:
    array = archive[name]
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ValueError(f"{name} is not UTF-8 bytes")
    return array.tobytes().decode("utf-8")


def _parse_archive(data: bytes, *, source: str) -> EmbeddingTable:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            members = {name: archive[name] for name in ("format", "pieces", "vectors", "scales")}
        format_name = _text(members, "format")
        if format_name != _FORMAT:
            raise ValueError(f"format {format_name!r}, expected {_FORMAT!r}")
        pieces = _text(members, "pieces").split("\n")
        vectors, scales = members["vectors"], members["scales"]
        if vectors.dtype != np.int8 or vectors.ndim != 2 or vectors.shape[1] == 0:
            raise ValueError("vectors are not an int8 matrix")
        if scales.shape != (len(vectors),) or len(pieces) != len(vectors):
            raise ValueError(f"{len(pieces)} pieces, {len(vectors)} vectors, {len(scales)} scales")
        if not np.isfinite(scales).all():
            raise ValueError("scales are not finite")
        return EmbeddingTable(
            pieces, vectors.astype(np.float32) * scales[:, None].astype(np.float32)
        )
    except (
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
    ) as error:
        raise LexiconError(
            f"the embeddings {source} are damaged ({error}); "
            "rebuild them with scripts/distill_embeddings.py"
        ) from error
