"""The exception hierarchy of unspin.

Every error the library raises on purpose derives from :class:`UnspinError`, so a
caller (and the CLI) can catch one class and show its one-line message::

    UnspinError
    ├── InputError            bad user input: the message names the input and the fault
    │   ├── InputNotFoundError      a path that does not exist
    │   ├── NotAFileError           a directory (or device) where a file is expected
    │   ├── EmptyInputError         no text at all (empty or whitespace only)
    │   ├── BinaryInputError        bytes that are not text (NUL bytes, control noise)
    │   ├── InputTooLargeError      larger than the configured limit
    │   └── ReportSettingsError     a check report resumed with other settings
    ├── FormatError           a file in a format unspin reads (PAN XML, pairs list) is malformed
    ├── LexiconError          the packaged lexicon is missing or damaged
    ├── OutputError           an output file or directory cannot be written
    │   └── ReportLockedError       another run is writing the same check report
    ├── WorkerError           a worker process died (killed, or out of memory)
    └── IndexStoreError       an index directory cannot be used (created, read or written)
        ├── IndexNotFoundError      no index at that path
        ├── CorruptIndexError       not an unspin index, a damaged one, or a newer format
        └── IndexLockedError        another process is writing to the index
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

__all__ = [
    "BinaryInputError",
    "CorruptIndexError",
    "EmptyInputError",
    "FormatError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStoreError",
    "InputError",
    "InputNotFoundError",
    "InputTooLargeError",
    "LexiconError",
    "NotAFileError",
    "OutputError",
    "ReportLockedError",
    "ReportSettingsError",
    "SettingDifference",
    "UnspinError",
    "WorkerError",
]


class UnspinError(Exception):
    """Base class of every error unspin raises on purpose."""


class InputError(UnspinError):
    """The user's input cannot be used; the message says which input and why."""


class InputNotFoundError(InputError):
    """A path given as input does not exist."""


class NotAFileError(InputError):
    """A path given as a file is a directory or another non-regular file."""


class EmptyInputError(InputError):
    """The input holds no text."""


class BinaryInputError(InputError):
    """The input is binary data, not text."""


class InputTooLargeError(InputError):
    """The input is larger than the allowed maximum."""


class SettingDifference(NamedTuple):
    """One setting a report was checked with, then and now (``None``: not set)."""

    name: str
    then: Any
    now: Any


class ReportSettingsError(InputError):
    """A check report would be carried on with other settings than its lines were checked
    with. ``report`` is the file, ``differences`` each setting that differs (by its
    field name: ``index``, ``top``, ``align.min_pair_words``...), ``advice`` what to do;
    :meth:`describe` tells it with other names for the settings (the CLI's flags)."""

    def __init__(self, report: str, differences: Sequence[SettingDifference], advice: str) -> None:
        self.report = report
        self.differences = tuple(differences)
        self.advice = advice
        super().__init__(self.describe())

    def __reduce__(
        self,
    ) -> tuple[type[ReportSettingsError], tuple[str, tuple[SettingDifference, ...], str]]:
        return type(self), (self.report, self.differences, self.advice)

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The one-line message, each setting shown as ``names`` calls it (else by its
        field name)."""
        names = names or {}
        differences = "; ".join(
            f"{names.get(name, name)} {_shown(then)} then, {_shown(now)} now"
            for name, then, now in self.differences
        )
        return f"{self.report}: was checked with other settings ({differences}); {self.advice}"


def _shown(value: Any) -> str:
    return "none" if value is None else json.dumps(value, ensure_ascii=False)


class FormatError(UnspinError):
    """A structured input file (PAN XML, pairs list) is malformed."""


class LexiconError(UnspinError):
    """The packaged lexicon data is missing or damaged."""


class OutputError(UnspinError):
    """An output file or directory cannot be written; the message names it and why."""


class ReportLockedError(OutputError):
    """Another run holds the lock of the check report it would write."""


class WorkerError(UnspinError):
    """A worker process of a batch job died before it finished (killed by a signal, or
    by the out-of-memory killer)."""


class IndexStoreError(UnspinError):
    """An index directory cannot be used (created, read or written: a read-only or
    foreign place, no permission); the message names the directory and why. A full disk
    is an :class:`OutputError`."""


class IndexNotFoundError(IndexStoreError):
    """There is no index at the given path."""


class CorruptIndexError(IndexStoreError):
    """The directory is not an unspin index, is damaged, or was made by a newer unspin."""


class IndexLockedError(IndexStoreError):
    """Another process holds the index's write lock."""
