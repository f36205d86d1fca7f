"""Spin-robust fingerprints: cheap enough for bulk ingest, stable under synonym swaps.

A spinner replaces content words with dictionary synonyms, inserts fillers and rewords
stock phrases, but leaves most function words, names and numbers alone. These kinds of
fingerprint survive that (the third one optional):

* **class pairs**: pairs of neighbouring content words (and pairs one word apart), each
  word reduced to a synonym class: its first WordNet concept, so "summit" and "top"
  often agree, else its lemma; numbers by value ("two" and "2" agree);
* **skeleton n-grams**: n-grams of the text's function-word skeleton, every run of content
  words replaced by one wildcard and fillers dropped ("* of the * in *"), which synonym
  swapping cannot touch;
* **bag pairs** (with ``bag_window`` set): in every window of ``bag_window`` consecutive
  content words, the two classes that rank lowest by hash, as an unordered pair:
  shuffling words, as PAN's random obfuscation and machine translation do, breaks the
  first two kinds but leaves most of these. Verification always counts them
  (``SearchOptions.support_bag_window``); an index holds them only when created with
  them, since they make the build about a tenth slower and add an eighth more postings.

Each word form is mapped to its code with one dict lookup (a process-wide table filled
on first sight of a form from the packaged form table, ``unspin.text._forms``, so that
neither a build nor a query runs morphology on its new words), the n-grams are hashed
in numpy over a whole batch of documents at once, and only fingerprints whose hash falls
in a fixed 1-in-``sample`` share are kept, which bounds the postings while keeping the same
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

from unspin.text._forms import IS_FILLER, IS_STOPWORD, covers, form_table_for
from unspin.text._lexicon import Lexicon
from unspin.text._normalize import INVISIBLE_IN_WORDS, normalize

__all__ = [
    "BAG_WINDOW",
    "FINGERPRINT_SCHEME",
    "DocumentPostings",
    "FingerprintOptions",
    "QueryFingerprints",
    "fingerprint_documents",
    "fingerprint_query",
]

FINGERPRINT_SCHEME: Final = 1
"""Changes whenever the fingerprints change; an index records the scheme it was built with."""

BAG_WINDOW: Final = 8
"""The bag-pair window the benchmarks measure: that of ``unspin index add --bag-pairs`` and
of verification's support (``SearchOptions.support_bag_window``)."""

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
_BAG_SALT: Final = np.uint64(0x27D4EB2F165667C5)
_ROLL_FACTOR: Final = np.uint64(0x100000001B3)
_MAX_BLOCK: Final = 65535
# Batches of documents are fingerprinted together; a batch index must fit in 16 bits.
_MAX_BATCH: Final = 65536


class FingerprintOptions(NamedTuple):
    """Fingerprinting parameters, fixed when an index is created.

    ``sample``: keep one fingerprint in this many (by hash value; 1 keeps all, for a
    smaller archive: more of a short, heavily rewritten passage's fingerprints survive,
    for about 2.8 times the disk). ``skeleton_n``: length
    of skeleton n-grams. ``block_tokens``: tokens per block of an indexed document.
    ``bag_window``: content words per window of a bag pair (0, the default: no bag
    pairs; 8 is the tested setting, and a power of two is fastest).
    """

    sample: int = 4
    skeleton_n: int = 8
    block_tokens: int = 32
    bag_window: int = 0


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
    """Word form -> token code, filled on first sight of a form: from the packaged form
    table (one look-up) where it answers for the lexicon, else from the lexicon itself
    (morphology: about a tenth of a millisecond per new form, which a query full of
    names and rare words would pay on every first sight)."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self._lexicon = lexicon
        self._lock = threading.Lock()
        self._forms = form_table_for(lexicon)

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
        forms = self._forms
        if forms is None or not covers(form):
            return _code_from_lexicon(lexicon, form)
        key = form.lower()  # what the lexicon would look up
        value = forms.index.get(key)
        if value is None:  # a form the lexicon has nothing to say about
            return _stable_hash("w:" + key) | _CONTENT
        if value & IS_FILLER:
            return _DROPPED
        if value & IS_STOPWORD:
            return _stable_hash("f:" + form) | _FUNCTION
        concepts = forms.concepts(value)
        if concepts:
            return _stable_hash(f"c:{concepts[0]}") | _CONTENT
        return _stable_hash("w:" + forms.lemma(value)) | _CONTENT


def _code_from_lexicon(lexicon: Lexicon, form: str) -> int:
    """The code of a form that is no number and no dropped letter, from ``lexicon``
    itself: the reference the form-table path of :class:`_CodeTable` must agree with."""
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


# Past this many forms the code tables start afresh, so that a stream of unique strings
# (ids, typos, a web crawl) cannot grow them without bound; codes do not change.
_MAX_CODES = 2_000_000


def _tables_for(lexicon: Lexicon | None) -> _Tables:
    lexicon = lexicon or Lexicon.default()
    with _tables_lock:
        tables = _tables.get(id(lexicon))
        if tables is None:
            text = _CodeTable(lexicon)
            tables = _tables[id(lexicon)] = _Tables(text, _AsciiCodeTable(text))
        elif len(tables.text) + len(tables.ascii) > _MAX_CODES:
            tables.ascii.clear()
            tables.text.clear()
        return tables


# Words: runs of word characters.
_WORD = re.compile(r"\w+")


# ASCII fast path: one translate() lowercases letters and blanks every non-word byte, so
# split() yields exactly the words ``\w+`` finds in the lowercased text.
_ASCII_WORDS = (
    bytes(
        (byte | 0x20 if chr(byte).isalpha() else byte)
        if chr(byte).isalnum() or byte == ord("_")
        else ord(" ")
        for byte in range(128)
    )
    + b" " * 128
)


def _words(text: str) -> tuple[list[bytes] | list[str], bool]:
    """The lowercase words of ``text``, and whether they are ASCII bytes.

    Words are found in the lowercased text when lowercasing keeps every character in
    place (nearly always), else in the raw text and lowercased one by one ("İ" lowers to
    two characters); :func:`fingerprint_query` makes the same choice.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).split(), True
    lowered = text.lower()
    if len(lowered) == len(text):
        return _WORD.findall(lowered), False
    return [word.lower() for word in _WORD.findall(text)], False


def _mix(values: U64) -> U64:
    """The splitmix64 finalizer, elementwise (wrapping uint64 arithmetic)."""
    x = values ^ (values >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _two_lowest_reference(values: U64, window: int) -> tuple[U64, U64]:
    """The smallest and second smallest value of every ``window`` consecutive values."""
    windows = np.lib.stride_tricks.sliding_window_view(values, window)
    lowest = np.partition(windows, 1, axis=1)
    return lowest[:, 0].copy(), lowest[:, 1].copy()


def _two_lowest(values: U64, window: int) -> tuple[U64, U64]:
    """:func:`_two_lowest_reference`, by doubling when ``window`` is a power of two: the
    two lowest of a window are found from those of its halves, a few passes over the
    array instead of a partition of every window."""
    if window < 2 or window & (window - 1):
        return _two_lowest_reference(values, window)
    first, second = np.minimum(values[:-1], values[1:]), np.maximum(values[:-1], values[1:])
    width = 2
    while width < window:
        left_first, right_first = first[:-width], first[width:]
        second = np.minimum(
            np.maximum(left_first, right_first), np.minimum(second[:-width], second[width:])
        )
        first = np.minimum(left_first, right_first)
        width *= 2
    return first, second


class _Fingerprints(NamedTuple):
    hashes: U64  # 64-bit mixed hashes
    owner: I64  # document in the batch << 32 | token position in the document


def _fingerprints(
    codes: U64, owner: I64, n: int, sample: int, bag_window: int = 0
) -> _Fingerprints:
    """The sampled fingerprints of a batch of token-code streams (concatenated; ``owner``
    as in :class:`_Fingerprints`). Sampling keeps hashes divisible by ``sample``."""
    kept = (codes & _KIND_MASK) != np.uint64(_DROPPED)
    codes, owner = codes[kept], owner[kept]
    document = owner >> 32
    content = (codes & _KIND_MASK) == np.uint64(_CONTENT)
    sample = max(sample, 1)
    # Sampling keeps hashes divisible by ``sample``: a bit mask when it is a power of two.
    modulus, mask_bits = np.uint64(sample), np.uint64(sample - 1)
    hashes: list[U64] = []
    owners: list[I64] = []

    def keep(values: U64, first: I64, last: I64, owned: I64) -> None:
        mask = (values % modulus == 0) if sample & (sample - 1) else (values & mask_bits == 0)
        mask &= (first >> 32) == (last >> 32)
        hashes.append(values[mask])
        owners.append(owned[mask])

    # Class pairs: neighbouring content words, and content words one apart.
    words, word_owner = codes[content], owner[content]
    for gap, salt in ((1, _PAIR_SALT), (2, _SKIP_SALT)):
        if len(words) > gap:
            values = _mix(words[:-gap] * _ROLL_FACTOR + (words[gap:] ^ salt))
            keep(values, word_owner[:-gap], word_owner[gap:], word_owner[:-gap])
    # Bag pairs: the two lowest-ranked classes (by hash) among every ``bag_window``
    # consecutive content words, unordered, so shuffling the words keeps them.
    if bag_window >= 2 and len(words) >= bag_window:
        lowest, second = _two_lowest(_mix(words ^ _BAG_SALT), bag_window)
        values = _mix(lowest * _ROLL_FACTOR + second)
        count = len(values)
        keep(values, word_owner[:count], word_owner[bag_window - 1 :], word_owner[:count])
    # Skeleton n-grams: function words, each run of content words one wildcard.
    repeat = np.zeros(len(codes), dtype=np.bool_)
    repeat[1:] = content[1:] & content[:-1] & (document[1:] == document[:-1])
    skeleton = np.where(content, _WILDCARD, codes)[~repeat]
    skeleton_owner = owner[~repeat]
    if len(skeleton) >= n:
        count = len(skeleton) - n + 1
        # Polynomial rolling hash (wrapping multiply-add), mixed once at the end.
        rolling = skeleton[:count] ^ _SKELETON_SALT
        for offset in range(1, n):
            rolling = rolling * _ROLL_FACTOR + skeleton[offset : offset + count]
        keep(_mix(rolling), skeleton_owner[:count], skeleton_owner[n - 1 :], skeleton_owner[:count])
    if not hashes:
        return _Fingerprints(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    return _Fingerprints(np.concatenate(hashes), np.concatenate(owners))


def _plain_text(text: str, html: bool) -> str:
    plain = normalize(text, html_input=True, repair_unicode=False).text if html else text
    return plain if plain.isascii() else plain.translate(INVISIBLE_IN_WORDS)


def _visible(plain: str, raw_offsets: I64 | None) -> tuple[str, I64 | None]:
    """``plain`` less the invisible characters a word may hold (as analysis drops them:
    strewn inside words, they split every word), with the raw offset of each character
    left (``None``: ``plain`` is the raw text and nothing was dropped)."""
    if plain.isascii():
        return plain, raw_offsets
    visible = plain.translate(INVISIBLE_IN_WORDS)
    if len(visible) == len(plain):
        return plain, raw_offsets
    codes = np.frombuffer(plain.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kept = np.flatnonzero(~np.isin(codes, np.array(list(INVISIBLE_IN_WORDS), dtype=np.uint32)))
    origins = kept if raw_offsets is None else raw_offsets[kept]
    return visible, origins.astype(np.int64)


def fingerprint_documents(
    texts: Sequence[str],
    *,
    html: Sequence[bool] | None = None,
    options: FingerprintOptions | None = None,
    lexicon: Lexicon | None = None,
) -> DocumentPostings:
    """The sampled fingerprints of a batch of documents (see :class:`DocumentPostings`)."""
    options = options or FingerprintOptions()
    if len(texts) > _MAX_BATCH:
        parts = [
            fingerprint_documents(
                texts[start : start + _MAX_BATCH],
                html=None if html is None else html[start : start + _MAX_BATCH],
                options=options,
                lexicon=lexicon,
            )
            for start in range(0, len(texts), _MAX_BATCH)
        ]
        return DocumentPostings(
            np.concatenate([p.document + np.uint32(i * _MAX_BATCH) for i, p in enumerate(parts)]),
            np.concatenate([p.fingerprint for p in parts]),
            np.concatenate([p.block for p in parts]),
        )
    tables = _tables_for(lexicon)
    ascii_lookup, text_lookup = tables.ascii.__getitem__, tables.text.__getitem__
    words = [_words(_plain_text(text, bool(html and html[i]))) for i, text in enumerate(texts)]
    lengths = np.fromiter((len(w) for w, _ in words), dtype=np.int64, count=len(words))
    total = int(lengths.sum())
    codes = np.fromiter(
        itertools.chain.from_iterable(
            map(ascii_lookup if is_ascii else text_lookup, w)  # type: ignore[arg-type]
            for w, is_ascii in words
        ),
        dtype=np.uint64,
        count=total,
    )
    starts = np.cumsum(lengths) - lengths
    owner = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    owner |= np.repeat(np.arange(len(words), dtype=np.int64) << 32, lengths)
    prints = _fingerprints(codes, owner, options.skeleton_n, options.sample, options.bag_window)
    position = prints.owner & 0xFFFFFFFF
    block = np.minimum(position // options.block_tokens, _MAX_BLOCK).astype(np.uint64)
    # One row per (document, fingerprint), with its first block: sort one packed key,
    # document << 48 | fingerprint << 16 | block.
    packed = (
        ((prints.owner >> 32).astype(np.uint64) << np.uint64(48))
        | ((prints.hashes >> np.uint64(32)) << np.uint64(16))
        | block
    )
    packed.sort()
    head = packed >> np.uint64(16)
    first = np.ones(len(packed), dtype=np.bool_)
    first[1:] = head[1:] != head[:-1]
    packed = packed[first]
    return DocumentPostings(
        (packed >> np.uint64(48)).astype(np.uint32),
        ((packed >> np.uint64(16)) & np.uint64(0xFFFFFFFF)).astype(np.uint32),
        (packed & np.uint64(0xFFFF)).astype(np.uint16),
    )


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
    plain, raw_offsets = _visible(plain, raw_offsets)
    lowered = plain.lower()
    if len(lowered) == len(plain):  # the same choice as _words()
        matches = list(_WORD.finditer(lowered))
        forms = [m.group() for m in matches]
    else:
        matches = list(_WORD.finditer(plain))
        forms = [m.group().lower() for m in matches]
    codes = np.fromiter(map(table.__getitem__, forms), dtype=np.uint64, count=len(forms))
    offsets = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    if raw_offsets is not None and len(offsets):
        offsets = raw_offsets[offsets]
    positions = np.arange(len(matches), dtype=np.int64)
    prints = _fingerprints(codes, positions, options.skeleton_n, options.sample, options.bag_window)
    fingerprint = (prints.hashes >> np.uint64(32)).astype(np.uint32)
    order = np.lexsort((prints.owner, fingerprint))
    fingerprint, token = fingerprint[order], prints.owner[order]
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = fingerprint[1:] != fingerprint[:-1]
    return QueryFingerprints(fingerprint[first], offsets[token[first]])
