"""Text from documents and file names made safe to print on one terminal line.

An id read from a JSONL file, a file name or a document's text can hold a newline, an
escape sequence that drives the terminal, or a bidirectional override that reorders
what follows. Printed raw, they break one-line messages or mislead the reader; these
characters are written as escapes instead (``\\n``, ``\\x1b``, ``\\u202e``). Everything
else, joiners and no-break spaces included, is shown as it is.
"""

from __future__ import annotations

import codecs
import contextlib
import sys
import unicodedata

__all__ = ["SHOWN_ERRORS", "one_line", "tolerant_output"]

SHOWN_ERRORS = "unspin-shown"
"""The encoding error handler of :func:`tolerant_output`."""

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


def _shown_unencodable(error: UnicodeError) -> tuple[str, int]:
    """A byte of a file name that is not UTF-8 (the OS hands it over as a lone surrogate,
    U+DC80 to U+DCFF) as ``\\xff``, as ids write it; any other character the stream
    cannot encode as a backslash escape."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chars = error.object[error.start : error.end]
    shown = "".join(
        f"\\x{ord(char) - 0xDC00:02x}"
        if "\udc80" <= char <= "\udcff"
        else char.encode("ascii", "backslashreplace").decode("ascii")
        for char in chars
    )
    return shown, error.end


codecs.register_error(SHOWN_ERRORS, _shown_unencodable)


def tolerant_output() -> None:
    """Make stdout and stderr write what they cannot encode as escapes instead of
    failing: a message that names a file whose name is not UTF-8, or a passage on a
    terminal that cannot show its characters, must not turn a finished command into an
    internal error. Streams that already tolerate such characters are left alone."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(Exception):  # a stream that cannot be reconfigured
                reconfigure(errors=SHOWN_ERRORS)
