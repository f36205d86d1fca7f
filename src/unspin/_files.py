"""Output files: written whole or not at all, and never over an input (private; used by
the report writers and the CLI)."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from unspin._exceptions import InputError, OutputError

DISK_FULL: frozenset[int] = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
"""The errnos of a write that found no room: a full disk, or a quota reached."""

__all__ = [
    "DISK_FULL",
    "default_directory_mode",
    "default_file_mode",
    "output_kind",
    "output_within",
    "refuse_overwriting",
    "refuse_writing_into",
    "walked_into",
    "within",
    "write_atomically",
]


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file that is synced and renamed over
    it, so ``path`` is whole or as it was. Raises :class:`~unspin.OutputError`."""
    # A symlink's target is written (the link stays); a device or FIFO (/dev/stdout, a
    # pipe) is written as it is, since renaming a file over it would replace it.
    given = path.expanduser()
    kind = output_kind(given, path)
    if kind == "directory":
        raise OutputError(f"{path}: is a directory, cannot write the output there")
    if kind == "special":
        try:
            with open(given, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        return
    target = Path(os.path.realpath(given)) if os.path.islink(given) else given
    temporary: str | None = None
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else default_file_mode()
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # mkstemp makes a private file; the output need not be
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


@functools.cache
def _umask() -> int:
    # Read once: reading the umask means setting it, which threads must not race on.
    umask = os.umask(0)
    os.umask(umask)
    return umask


def default_file_mode() -> int:
    """The mode a new file gets under the process's umask (``0o666 & ~umask``)."""
    return 0o666 & ~_umask()


def default_directory_mode() -> int:
    """The mode a new directory gets under the process's umask (``0o777 & ~umask``)."""
    return 0o777 & ~_umask()


def output_kind(given: Path, shown: Path | str) -> str:
    """What is at the output path ``given``: ``"none"``, ``"file"``, ``"directory"`` or
    ``"special"`` (a device, FIFO or socket). Raise :class:`~unspin.OutputError` for a
    path that cannot be looked at, or a symbolic link that loops."""
    try:
        mode = given.stat().st_mode
    except FileNotFoundError:
        return "none"  # a dangling link too: its target will be created
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(f"{shown}: a symbolic link that loops") from None
        raise OutputError(f"{shown}: cannot write ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        return "directory"
    return "file" if stat.S_ISREG(mode) else "special"


def refuse_overwriting(output: Path | None, inputs: Iterable[Path]) -> None:
    """Raise :class:`~unspin.InputError` when ``output`` is one of the files ``inputs``
    name (the same file by any path), which writing it would destroy."""
    if output is None or output_kind(output.expanduser(), output) != "file":
        return
    for given in inputs:
        with contextlib.suppress(OSError):
            if str(given) != "-" and os.path.samefile(given.expanduser(), output.expanduser()):
                raise InputError(f"{output}: is also an input; write the output elsewhere")


def refuse_writing_into(output: Path | None, index_dir: Path) -> None:
    """Raise :class:`~unspin.InputError` when ``output`` lies inside the index directory
    ``index_dir`` (by real paths, a link into it too), where writing would damage the
    index: its database, a segment file."""
    if output is not None and output_within(output, (index_dir,)) is not None:
        raise InputError(f"{output}: inside the index {index_dir}; write the output elsewhere")


def output_within(output: Path, directories: Iterable[Path]) -> Path | None:
    """The first of ``directories`` that holds ``output``, a file to be written: where it
    lies, or where a symbolic link there points (see :func:`within`)."""
    located = Path(os.path.realpath(output.expanduser().parent)) / output.name
    return within(output, directories) or within(located, directories)


def within(path: Path, directories: Iterable[Path]) -> Path | None:
    """The first of ``directories`` that holds ``path`` (at any depth, or is it), by
    their real paths; ``None`` if none does."""
    real = os.path.realpath(path.expanduser())
    for directory in directories:
        base = os.path.realpath(directory.expanduser())
        if os.path.isdir(base) and os.path.commonpath([real, base]) == base:
            return directory
    return None


def walked_into(path: Path, inputs: Iterable[Path], *, recursive: bool) -> Path | None:
    """The input directory whose walk (as :func:`unspin.io.input_files` walks: hidden
    names left out, subdirectories only when ``recursive``) would read ``path``, where it
    lies or where a symbolic link there points; ``None`` if none would."""
    given = path.expanduser()
    places = {
        os.path.realpath(given),
        os.path.join(os.path.realpath(given.parent), given.name),
    }
    for directory in inputs:
        base = os.path.realpath(directory.expanduser())
        if not os.path.isdir(base):
            continue
        for place in places:
            if os.path.commonpath([place, base]) != base or place == base:
                continue
            parts = os.path.relpath(place, base).split(os.sep)
            if any(part.startswith(".") for part in parts):
                continue
            if recursive or len(parts) == 1:
                return directory
    return None
