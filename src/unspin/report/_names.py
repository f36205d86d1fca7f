"""File names for reports written one per document (``unspin check --html-dir``).

A document id can be anything: a path (``news/business/001.txt``), a record id with
slashes, colons or quotes, a name a hostile crawl chose. :class:`ReportNames` turns each
id into a file name that is safe on every common file system and unique within one run
(also where the file system ignores case), deterministically: the same inputs in the
same order give the same names.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["ReportNames"]

_MAX_STEM = 120
_KEPT = frozenset("._-")
# Names Windows refuses whatever the extension.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)


def _stem(doc_id: str) -> str:
    """``doc_id`` as a bare file name: letters, digits and ``._-`` kept, every other run
    of characters (path separators, spaces, quotes, control characters) one ``_``."""
    text = unicodedata.normalize("NFC", doc_id)
    out: list[str] = []
    for char in text:
        if char.isalnum() or char in _KEPT:
            out.append(char)
        elif not out or out[-1] != "_":
            out.append("_")
    # The end of a long id (its file name) tells documents apart; no hidden files,
    # nothing Windows trims (trailing dots and spaces).
    stem = "".join(out)[-_MAX_STEM:].strip("._")
    if not stem:
        return "document"
    if stem.split(".")[0].casefold() in _RESERVED:
        stem = "_" + stem
    return stem


class ReportNames:
    """Hands out one safe, unique file name per document id, ending in ``suffix``.

    >>> names = ReportNames(".html")
    >>> names("news/business/001.txt"), names("news:business:001.txt")
    ('news_business_001.txt.html', 'news_business_001.txt~2.html')
    """

    def __init__(self, suffix: str = ".html", *, taken: Iterable[str] = ()) -> None:
        self._suffix = suffix
        # Names an earlier run handed out (``check --resume``) are not handed out again.
        self._used: set[str] = {name.casefold() for name in taken}

    def __call__(self, doc_id: str) -> str:
        stem = _stem(doc_id)
        name, number = stem + self._suffix, 1
        while name.casefold() in self._used:
            number += 1
            name = f"{stem}~{number}{self._suffix}"
        self._used.add(name.casefold())
        return name
