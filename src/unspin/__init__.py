"""unspin: find spun copies of text and trace them to their sources."""

from __future__ import annotations

from unspin._exceptions import (
    BinaryInputError,
    EmptyInputError,
    FormatError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    LexiconError,
    NotAFileError,
    UnspinError,
)

__version__ = "0.1.0"

__all__ = [
    "BinaryInputError",
    "EmptyInputError",
    "FormatError",
    "InputError",
    "InputNotFoundError",
    "InputTooLargeError",
    "LexiconError",
    "NotAFileError",
    "UnspinError",
    "__version__",
]
