"""Text from documents and file names made safe to print on one terminal line.

An id read from a JSONL file, a file name or a document's text can hold a newline, an
escape sequence that drives the terminal, or a bidirectional override that reorders
what follows. Printed raw, they break one-line messages or mislead the reader; these
characters are written as escapes instead (``\\n``, ``\\x1b``, ``\\u202e``). Everything
else, joiners and no-break spaces included, is shown as it is.
"""

from __future__ import annotations

import unicodedata

__all__ = ["one_line"]

# Bidirectional marks, embeddings, overrides and isolates.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _unsafe(char: str) -> bool:
    return char in _BIDI_CONTROLS or unicodedata.category(char) in _BREAKING_CATEGORIES


def one_line(text: str, *, keep: str = "") -> str:
    """``text`` with its control, line-breaking and bidi-control characters written as
    escapes, except those in ``keep`` (a passage shown over several lines keeps ``\\n``)."""
    if text.isprintable():  # the common case, decided in C
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if _unsafe(char) and char not in keep
        else char
        for char in text
    )
