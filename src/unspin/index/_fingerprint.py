"""Spin-robust fingerprints: cheap enough for bulk ingest, stable under synonym swaps.

A spinner replaces content words with dictionary synonyms, inserts fillers and rewords
stock phrases, but leaves most function words, names and numbers alone. Two kinds of
fingerprint survive that:

* **class pairs**: pairs of neighbouring content words (and pairs one word apart), each
  word reduced to a synonym class: its first WordNet concept, so "summit" and "top"
  often agree, else its lemma; numbers by value ("two" and "2" agree);
* **skeleton n-grams**: n-grams of the text's function-word skeleton, every run of content
  words replaced by one wildcard and fillers dropped ("* of the * in *"), which synonym
  swapping cannot touch.

Each word form is mapped to its code with one dict lookup (a process-wide table filled
from the shipped lexicon on first sight of a form), the n-grams are hashed in numpy over a
whole batch of documents at once, and only fingerprints whose hash falls in a fixed
1-in-``sample`` share are kept, which bounds the postings while keeping the same
fingerprints on both sides (winnowing by value, not by position). Each fingerprint
remembers where it occurs: a block number (token position // ``block_tokens``) for an
indexed document, a character offset for a query.

Everything here is a pure function of the text and :class:`FingerprintOptions`, the same
in every process, so a Spark task can compute the postings of its partition.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from collections.abc import Sequence
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from unspin.text._lexicon import Lexicon
from unspin.text._normalize import normalize

__all__ = [
    "FINGERPRINT_SCHEME",
    "DocumentPostings",
    "FingerprintOptions",
    "QueryFingerprints",
    "fingerprint_documents",
    "fingerprint_query",
]

FINGERPRINT_SCHEME: Final = 1
"""Changes whenever the fingerprints change; an index records the scheme it was built with."""

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Token codes: a 62-bit value with the kind in the low two bits.
_CONTENT: Final = 0
_FUNCTION: Final = 1
_DROPPED: Final = 3
_KIND_MASK: Final = np.uint64(3)
_WILDCARD: Final = np.uint64(0x5BD1E9955BD1E994 & ~3 | _FUNCTION)

_PAIR_SALT: Final = np.uint64(0x9E3779B97F4A7C15)
_SKIP_SALT: Final = np.uint64(0xC2B2AE3D27D4EB4F)
_SKELETON_SALT: Final = np.uint64(0x165667B19E3779F9)
_MAX_BLOCK: Final = 65535


class FingerprintOptions(NamedTuple):
    """Fingerprinting parameters, fixed when an index is created.

    ``sample``: keep one fingerprint in this many (by hash value). ``skeleton_n``: length
    of skeleton n-grams. ``block_tokens``: tokens per block of an indexed document.
    """

    sample: int = 4
    skeleton_n: int = 8
    block_tokens: int = 32


class DocumentPostings(NamedTuple):
    """The fingerprints of a batch of documents, one row per (document, fingerprint).

    ``document[i]`` is the position of the document in the batch, ``fingerprint[i]`` a
    32-bit hash, ``block[i]`` the block of its first occurrence. Sorted by document, then
    fingerprint.
    """

    document: npt.NDArray[np.uint32]
    fingerprint: npt.NDArray[np.uint32]
    block: npt.NDArray[np.uint16]


class QueryFingerprints(NamedTuple):
    """A query's distinct fingerprints (sorted) and the raw character offset of each."""

    fingerprint: npt.NDArray[np.uint32]
    offset: I64


def _stable_hash(term: str) -> int:
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 2 << 2


class _CodeTable(dict[str, int]):
    """Word form -> token code, filled from the lexicon on first sight of a form."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self._lexicon = lexicon
        self._lock = threading.Lock()

    def __missing__(self, form: str) -> int:
        with self._lock:
            code = self._code(form)
            self[form] = code
            return code

    def _code(self, form: str) -> int:
        lexicon = self._lexicon
        number = lexicon.number_form(form)
        if number is not None:
            return _stable_hash("n:" + number) | _CONTENT
        if len(form) == 1 and form not in ("a", "i"):
            return _DROPPED  # "s" of "Korea's", "t" of "don't"
        if lexicon.is_filler(form):
            return _DROPPED
        if lexicon.is_stopword(form):
            return _stable_hash("f:" + form) | _FUNCTION
        concepts = lexicon.concepts(form)
        if concepts:
            return _stable_hash(f"c:{concepts[0]}") | _CONTENT
        return _stable_hash("w:" + lexicon.lemma(form)) | _CONTENT


class _AsciiCodeTable(dict[bytes, int]):
    """The same table keyed by ASCII bytes: the fast path for ASCII documents."""

    def __init__(self, table: _CodeTable) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, form: bytes) -> int:
        code = self[form] = self._table[form.decode("ascii")]
        return code


class _Tables(NamedTuple):
    text: _CodeTable
    ascii: _AsciiCodeTable


_tables: dict[int, _Tables] = {}
_tables_lock = threading.Lock()


def _tables_for(lexicon: Lexicon | None) -> _Tables:
    lexicon = lexicon or Lexicon.default()
    with _tables_lock:
        tables = _tables.get(id(lexicon))
        if tables is None:
            text = _CodeTable(lexicon)
            tables = _tables[id(lexicon)] = _Tables(text, _AsciiCodeTable(text))
        return tables


# Words: runs of word characters. The bytes pattern gives the same tokens on ASCII text,
# about twice as fast.
_WORD = re.compile(r"\w+")
_ASCII_WORD = re.compile(rb"\w+")


def _codes(text: str, tables: _Tables) -> list[int]:
    lowered = text.lower()
    if lowered.isascii():
        return list(map(tables.ascii.__getitem__, _ASCII_WORD.findall(lowered.encode("ascii"))))
    return list(map(tables.text.__getitem__, _WORD.findall(lowered)))


def _mix(values: U64) -> U64:
    """The splitmix64 finalizer, elementwise (wrapping uint64 arithmetic)."""
    x = values ^ (values >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


class _Fingerprints(NamedTuple):
    hashes: U64  # 64-bit mixed hashes
    document: I64  # document in the batch
    position: I64  # token position in the document


def _fingerprints(codes: U64, document: I64, position: I64, n: int) -> _Fingerprints:
    """All fingerprints of a batch of token-code streams (concatenated, with owners)."""
    kept = (codes & _KIND_MASK) != np.uint64(_DROPPED)
    codes, document, position = codes[kept], document[kept], position[kept]
    content = (codes & _KIND_MASK) == np.uint64(_CONTENT)
    parts: list[_Fingerprints] = []
    # Class pairs: neighbouring content words, and content words one apart.
    words, word_doc, word_pos = codes[content], document[content], position[content]
    for gap, salt in ((1, _PAIR_SALT), (2, _SKIP_SALT)):
        same = word_doc[:-gap] == word_doc[gap:]
        left, right = words[:-gap][same], words[gap:][same]
        parts.append(
            _Fingerprints(
                _mix(_mix(left ^ salt) + right), word_doc[:-gap][same], word_pos[:-gap][same]
            )
        )
    # Skeleton n-grams: function words, each run of content words one wildcard.
    skeleton = np.where(content, _WILDCARD, codes)
    repeat = np.zeros(len(codes), dtype=np.bool_)
    repeat[1:] = content[1:] & content[:-1] & (document[1:] == document[:-1])
    skeleton, sk_doc, sk_pos = skeleton[~repeat], document[~repeat], position[~repeat]
    if len(skeleton) >= n:
        count = len(skeleton) - n + 1
        rolling = _mix(skeleton[:count] ^ _SKELETON_SALT)
        for offset in range(1, n):
            rolling = _mix(rolling + skeleton[offset : offset + count])
        same = sk_doc[:count] == sk_doc[n - 1 :]
        parts.append(_Fingerprints(rolling[same], sk_doc[:count][same], sk_pos[:count][same]))
    return _Fingerprints(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([p.document for p in parts]),
        np.concatenate([p.position for p in parts]),
    )


def _sampled(prints: _Fingerprints, sample: int) -> _Fingerprints:
    if sample <= 1:
        return prints
    keep = (prints.hashes % np.uint64(sample)) == np.uint64(0)
    return _Fingerprints(prints.hashes[keep], prints.document[keep], prints.position[keep])


def _plain_text(text: str, html: bool) -> str:
    return normalize(text, html_input=True, repair_unicode=False).text if html else text


def fingerprint_documents(
    texts: Sequence[str],
    *,
    html: Sequence[bool] | None = None,
    options: FingerprintOptions | None = None,
    lexicon: Lexicon | None = None,
) -> DocumentPostings:
    """The sampled fingerprints of a batch of documents (see :class:`DocumentPostings`)."""
    options = options or FingerprintOptions()
    tables = _tables_for(lexicon)
    streams = [
        _codes(_plain_text(text, bool(html and html[i])), tables) for i, text in enumerate(texts)
    ]
    lengths = np.fromiter(map(len, streams), dtype=np.int64, count=len(streams))
    total = int(lengths.sum())
    codes = np.fromiter(itertools.chain.from_iterable(streams), dtype=np.uint64, count=total)
    document = np.repeat(np.arange(len(streams), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    prints = _sampled(_fingerprints(codes, document, position, options.skeleton_n), options.sample)
    fingerprint = (prints.hashes >> np.uint64(32)).astype(np.uint32)
    block = np.minimum(prints.position // options.block_tokens, _MAX_BLOCK).astype(np.uint16)
    # One row per (document, fingerprint): its first block.
    order = np.lexsort((block, fingerprint, prints.document))
    doc_sorted = prints.document[order].astype(np.uint32)
    fp_sorted, block_sorted = fingerprint[order], block[order]
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = (doc_sorted[1:] != doc_sorted[:-1]) | (fp_sorted[1:] != fp_sorted[:-1])
    return DocumentPostings(doc_sorted[first], fp_sorted[first], block_sorted[first])


def fingerprint_query(
    text: str,
    *,
    html: bool = False,
    options: FingerprintOptions | None = None,
    lexicon: Lexicon | None = None,
) -> QueryFingerprints:
    """The sampled fingerprints of one query text, each with the raw offset where it starts."""
    options = options or FingerprintOptions()
    table = _tables_for(lexicon).text
    if html:
        normalized = normalize(text, html_input=True, repair_unicode=False)
        plain, raw_offsets = normalized.text, normalized.offsets
    else:
        plain, raw_offsets = text, None
    # Lowercase word by word: lowering the whole text can change its length.
    matches = list(_WORD.finditer(plain))
    codes = np.fromiter(
        (table[m.group().lower()] for m in matches), dtype=np.uint64, count=len(matches)
    )
    offsets = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    if raw_offsets is not None and len(offsets):
        offsets = raw_offsets[offsets]
    positions = np.arange(len(matches), dtype=np.int64)
    prints = _sampled(
        _fingerprints(codes, np.zeros(len(matches), dtype=np.int64), positions, options.skeleton_n),
        options.sample,
    )
    fingerprint = (prints.hashes >> np.uint64(32)).astype(np.uint32)
    order = np.lexsort((prints.position, fingerprint))
    fingerprint, token = fingerprint[order], prints.position[order]
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = fingerprint[1:] != fingerprint[:-1]
    return QueryFingerprints(fingerprint[first], offsets[token[first]])
