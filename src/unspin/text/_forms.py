"""The surface-form table: what the lexicon says about a word form, in one look-up.

Analysis asks the same questions about every distinct word of every text: is it a
stopword or a filler, what is its lemma, which WordNet concepts can it mean, is it a
word at all (un-gluing asks that of every piece it tries). Answering with morphology
costs tens of microseconds per new word, again in every process. So
``scripts/build_lexicon.py`` asks :class:`Lexicon` once, at build time, about every form
it has anything to say about, and ships the answers as ``unspin/data/forms.bin.gz``:

* every single-word lemma (only letters, marks and digits: a token never holds
  anything else), every irregular form of WordNet's exception lists, every stopword,
  filler and inflected auxiliary;
* every form that one of WordNet's detachment rules leads back to a lemma of the
  rule's part of speech ("meetings", "geese" via the exception list, "bigger").

A form outside the table gets what :class:`Lexicon` answers for every such form: itself
as lemma, no concepts, not a lemma, not a stopword or filler, and a word only if it is
a number or the single letter "a" or "i" (``tests/test_forms.py`` checks both halves).

The answers hold only for the lexicon data and the ``Lexicon`` code they were computed
with, so the header carries a fingerprint of both; a table whose fingerprint does not
match what is installed is not used (analysis then asks ``Lexicon``: slower, same
answers), with a warning.

File layout (gzip): one header line, tab-separated: ``unspin-forms``, format version
``1``, fingerprint, number of forms, number of concept ids, the lexicon's ``max_senses``,
byte sizes of the next two sections; then the sections: forms (UTF-8, newline-separated,
sorted), lemmas (newline-separated; empty where the lemma is the form itself), flags
(one byte per form), concept counts (one byte per form), concept ids (little-endian
int32).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import threading
import warnings
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import regex

from unspin.text import _lexicon
from unspin.text._lexicon import Lexicon

__all__ = [
    "IS_FILLER",
    "IS_LEMMA",
    "IS_STOPWORD",
    "IS_WORD",
    "FormTable",
    "build_form_table",
    "covers",
    "form_table",
    "form_table_for",
    "lexicon_fingerprint",
]

FORMAT_NAME: Final = "unspin-forms"
FORMAT_VERSION: Final = "1"
DATA_FILE_NAME: Final = "forms.bin.gz"

# Flag bits, kept in the low bits of the index values so a look-up is one dict get.
IS_LEMMA: Final = 1  # a WordNet lemma itself (Lexicon.is_lemma)
IS_STOPWORD: Final = 2
IS_FILLER: Final = 4
IS_WORD: Final = 8  # Lexicon.is_word
_FLAG_BITS: Final = 4

# Tokens are runs of letters, marks and digits; no other form can ever be looked up.
_TOKEN_FORM = regex.compile(r"[\p{L}\p{M}\p{N}]+")


class FormTable:
    """The loaded table. ``lookup(form)`` is ``None`` or ``row << 4 | flags``."""

    def __init__(
        self,
        forms: list[str],
        lemmas: list[str],
        flags: npt.NDArray[np.uint8],
        concept_counts: npt.NDArray[np.uint8],
        concept_ids: npt.NDArray[np.int32],
        *,
        max_senses: int,
    ) -> None:
        self.max_senses: Final = max_senses
        values = (np.arange(len(forms), dtype=np.int64) << _FLAG_BITS) | flags
        self.index: Final[dict[str, int]] = dict(zip(forms, values.tolist(), strict=True))
        self._lemmas = lemmas
        self._forms = forms
        self._concept_ptr = np.zeros(len(forms) + 1, dtype=np.int64)
        np.cumsum(concept_counts, out=self._concept_ptr[1:])
        self._concept_ids = concept_ids.astype(np.int64)
        # Un-gluing tests pieces for being lemmas many times per unknown word.
        self.lemma_forms: Final = frozenset(itertools.compress(forms, (flags & IS_LEMMA).tolist()))

    def __len__(self) -> int:
        return len(self._forms)

    def lemma(self, value: int) -> str:
        """The lemma of the form whose look-up value is ``value``."""
        row = value >> _FLAG_BITS
        return self._lemmas[row] or self._forms[row]

    def concepts(self, value: int) -> tuple[int, ...]:
        """``Lexicon.concepts`` of the form whose look-up value is ``value``."""
        row = value >> _FLAG_BITS
        start, end = self._concept_ptr[row], self._concept_ptr[row + 1]
        return tuple(self._concept_ids[start:end].tolist())


# --------------------------------------------------------------------------- building


def candidate_forms(lexicon: Lexicon) -> set[str]:
    """Every form ``lexicon`` may answer anything but the default about."""
    table = lexicon._table
    forms: set[str] = set()
    for lemma, letters in table.lemma_parts_of_speech():
        forms.add(lemma)
        for pos in letters:
            for suffix, replacement in _lexicon._DETACHMENT_RULES[pos]:
                # A rule maps form = stem + suffix to stem + replacement.
                if lemma.endswith(replacement):
                    stem = lemma[: len(lemma) - len(replacement)]
                    if stem:
                        forms.add(stem + suffix)
    forms.update(table.exception_forms())
    forms.update(_lexicon._AUXILIARY_LEMMAS)
    forms.update(_lexicon._STOPWORDS)
    forms.update(_lexicon._FILLERS)
    return {form for form in forms if _TOKEN_FORM.fullmatch(form)}


def build_form_table(lexicon: Lexicon, *, fingerprint: str) -> bytes:
    """Ask ``lexicon`` about every candidate form; the gzipped table file."""
    forms = sorted(candidate_forms(lexicon))
    lemmas: list[str] = []
    flags = np.zeros(len(forms), dtype=np.uint8)
    counts = np.zeros(len(forms), dtype=np.uint8)
    ids: list[int] = []
    for row, form in enumerate(forms):
        lemma = lexicon.lemma(form)
        lemmas.append("" if lemma == form else lemma)
        concepts = lexicon.concepts(form)
        if len(concepts) > 255:
            raise ValueError(f"{form!r} has {len(concepts)} concepts, more than a byte counts")
        counts[row] = len(concepts)
        ids.extend(concepts)
        flags[row] = (
            (IS_LEMMA if lexicon.is_lemma(form) else 0)
            | (IS_STOPWORD if lexicon.is_stopword(form) else 0)
            | (IS_FILLER if lexicon.is_filler(form) else 0)
            | (IS_WORD if lexicon.is_word(form) else 0)
        )
    forms_text = "\n".join(forms).encode()
    lemmas_text = "\n".join(lemmas).encode()
    counts_and_sizes = (len(forms), len(ids), lexicon.max_senses, len(forms_text), len(lemmas_text))
    header = "\t".join([FORMAT_NAME, FORMAT_VERSION, fingerprint, *map(str, counts_and_sizes)])
    payload = b"".join(
        [
            header.encode() + b"\n",
            forms_text,
            lemmas_text,
            flags.tobytes(),
            counts.tobytes(),
            np.asarray(ids, dtype="<i4").tobytes(),
        ]
    )
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buffer, mtime=0) as gz:
        gz.write(payload)
    return buffer.getvalue()


def lexicon_fingerprint(lexicon_data: bytes) -> str:
    """What the table's answers depend on: the lexicon data and ``Lexicon``'s code."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(FORMAT_VERSION.encode())
    digest.update(lexicon_data)
    digest.update(Path(_lexicon.__file__).read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------- loading


def parse_form_table(data: bytes) -> tuple[str, FormTable]:
    """The fingerprint and the table in a gzipped table file."""
    payload = gzip.decompress(data)
    header_end = payload.index(b"\n")
    fields = payload[:header_end].decode().split("\t")
    if fields[:2] != [FORMAT_NAME, FORMAT_VERSION] or len(fields) != 8:
        raise ValueError(f"not an {FORMAT_NAME} v{FORMAT_VERSION} file")
    fingerprint = fields[2]
    rows, id_count, max_senses, forms_size, lemmas_size = map(int, fields[3:])
    position = header_end + 1
    forms = payload[position : position + forms_size].decode().split("\n")
    position += forms_size
    lemmas = payload[position : position + lemmas_size].decode().split("\n")
    position += lemmas_size
    flags = np.frombuffer(payload, dtype=np.uint8, count=rows, offset=position)
    counts = np.frombuffer(payload, dtype=np.uint8, count=rows, offset=position + rows)
    ids = np.frombuffer(payload, dtype="<i4", count=id_count, offset=position + 2 * rows)
    if (
        len(forms) != rows
        or len(lemmas) != rows
        or position + 2 * rows + 4 * id_count != len(payload)
        or int(counts.sum(dtype=np.int64)) != id_count
    ):
        raise ValueError("its sections do not add up")
    return fingerprint, FormTable(forms, lemmas, flags, counts, ids, max_senses=max_senses)


_shared: list[FormTable | None] = []
_shared_lock = threading.Lock()


def form_table() -> FormTable | None:
    """The packaged table, loaded once per process; ``None`` if missing or out of date."""
    if _shared:
        return _shared[0]
    with _shared_lock:
        if not _shared:
            _shared.append(_load())
        return _shared[0]


def form_table_for(lexicon: Lexicon) -> FormTable | None:
    """The packaged table where it answers for ``lexicon`` (the packaged lexicon data, with
    the table's ``max_senses``), else ``None``: ask the lexicon itself."""
    table = form_table()
    if table is None or lexicon._own_table is not None or lexicon.max_senses != table.max_senses:
        return None
    return table


def covers(form: str) -> bool:
    """Whether ``form`` is one the table can answer for: a run of letters, marks and
    digits (a form outside it is answered by :class:`Lexicon` alone)."""
    return _TOKEN_FORM.fullmatch(form) is not None


def _load() -> FormTable | None:
    data_dir = resources.files("unspin").joinpath("data")
    try:
        data = data_dir.joinpath(DATA_FILE_NAME).read_bytes()
        expected = lexicon_fingerprint(data_dir.joinpath(_lexicon._DATA_FILE_NAME).read_bytes())
        fingerprint, table = parse_form_table(data)
    except (OSError, ValueError, EOFError) as error:
        _warn(f"cannot be read ({error})")
        return None
    if fingerprint != expected:
        _warn("was built from another lexicon or Lexicon code")
        return None
    return table


def _warn(reason: str) -> None:
    warnings.warn(
        f"the packaged form table unspin/data/{DATA_FILE_NAME} {reason}; analysis asks the "
        "lexicon instead (same results, slower); rebuild it with "
        "`python scripts/build_lexicon.py --forms-only`",
        RuntimeWarning,
        stacklevel=3,
    )
