"""Reading user files as text, with one clear error for every kind of bad input."""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from unspin._exceptions import (
    BinaryInputError,
    EmptyInputError,
    InputNotFoundError,
    InputTooLargeError,
    NotAFileError,
)
from unspin.text._normalize import looks_like_html

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "declared_charset",
    "decode_text",
    "format_mib",
    "read_document",
    "shown_path",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
# Control characters other than tab, newline, form feed and carriage return (and
# two that stand for quotes in old text files).
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 12, 13, 25, 27}))
_NOT_CONTROL_BYTES = bytes(sorted(set(range(256)) - set(_CONTROL_BYTES)))


class Document(NamedTuple):
    """A text read from somewhere, with where it came from."""

    id: str
    text: str
    path: str | None = None
    html: bool = False


def format_mib(size: float) -> str:
    """``size`` bytes in MiB for messages: "64", "1.5", and two significant digits below
    one MiB ("0.0033"), so a small limit never reads as 0."""
    mib = size / 2**20
    if mib >= 1:
        return f"{mib:.1f}".removesuffix(".0")
    return f"{mib:.2g}"


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    if _unicode_bom(sample) is not None:
        return False  # UTF-16 and UTF-32 text is full of NUL bytes
    # Real text can carry a few stray control bytes (PAN documents do); binary
    # data is full of them.
    nul = sample.count(b"\x00")
    control = len(sample.translate(None, _NOT_CONTROL_BYTES))
    if nul > len(sample) * 0.01 or control > len(sample) * 0.1:
        return True
    if control <= len(sample) * 0.02:
        return False
    # Random bytes hold about 11% control bytes, near the bar above; they are not UTF-8
    # either, while text with that many stray controls mostly is.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return True
    return False


# UTF-32's little-endian BOM starts with UTF-16's: it is looked for first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _unicode_bom(data: bytes) -> str | None:
    """The codec of the UTF-16 or UTF-32 byte-order mark ``data`` starts with, if any."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


_DECLARED_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,512}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_CHARSET_BYTES = 4096  # where a page declares its encoding, near its start
# The encodings a page may declare, as Python names them, each read as browsers read it
# (the WHATWG Encoding standard: Latin-1 and ASCII as Windows-1252, GB2312 as GB18030,
# Shift_JIS as CP932...). An allow-list: Python also knows codecs that are no text
# encoding at all (base64, rot13, unicode_escape), which a page must not pick.
_CHARSET_AS_READ = {
    **{f"cp{number}": f"cp{number}" for number in range(1250, 1259)},
    **{
        f"iso8859-{number}": f"iso8859-{number}"
        for number in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)
    },
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "cp874": "cp874",
    "cp866": "cp866",
    "koi8-r": "koi8-r",
    "koi8-u": "koi8-u",
    "mac-roman": "mac-roman",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "shift_jis": "cp932",
    "cp932": "cp932",
    "euc_jp": "euc_jp",
    "iso2022_jp": "iso2022_jp",
    "euc_kr": "cp949",
    "cp949": "cp949",
}


def declared_charset(data: bytes) -> str | None:
    """The codec a page's ``<meta charset>`` (or ``http-equiv`` content type) declares in
    its first bytes, as browsers read it; ``None`` for none, or one that is not among the
    legacy encodings pages use (Unicode ones are tried anyway, and no byte-order mark
    backs them here)."""
    found = _DECLARED_CHARSET.search(data, 0, _CHARSET_BYTES)
    if found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _CHARSET_AS_READ.get(name)


def _holds_utf8_sequence(decoded: str, broken: int) -> bool:
    """Whether ``decoded`` (UTF-8 with ``broken`` bytes replaced) holds one character
    that UTF-8 gave, past ASCII."""
    return len(decoded.encode("utf-8", "surrogatepass")) > len(decoded) + 2 * broken


def decode_text(data: bytes, *, origin: str = "input") -> str:
    """Decode bytes as text: UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM,
    else the encoding an HTML page declares (``<meta charset>``), else Windows-1252;
    refuse binary data. Invalid UTF-8 in mostly-UTF-8 text, and broken UTF-16 or
    UTF-32 (an odd length, a lone surrogate), are replaced rather than fatal."""
    if _looks_binary(data):
        raise BinaryInputError(f"{origin}: looks like binary data, not text")
    codec = _unicode_bom(data)
    if codec is not None:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    broken = replaced.count("\ufffd")
    # mostly UTF-8 with a few broken bytes; but text with no UTF-8 sequence at all, only
    # stray high bytes (mostly ASCII Windows-1252: an en dash, a curly quote), is not
    if broken <= max(1, len(data) // 1000) and _holds_utf8_sequence(replaced, broken):
        return replaced
    declared = declared_charset(data)
    if declared is not None:
        with contextlib.suppress(UnicodeError, LookupError):  # a stateful codec's own failure
            return data.decode(declared, errors="replace")
    return data.decode("cp1252", errors="replace")


def read_document(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, doc_id: str | None = None
) -> Document:
    """Read one text or HTML file; raise an :class:`~unspin.InputError` subclass
    with a one-line message for a missing, non-regular, empty, binary or oversized
    file."""
    file = Path(path)
    try:
        status = file.stat()
    except FileNotFoundError:
        raise InputNotFoundError(f"{file}: {missing_reason(file, 'no such file')}") from None
    except OSError as exc:  # no permission to look, a link that loops...
        reason = missing_reason(file, f"cannot read ({exc.strerror or exc})")
        raise NotAFileError(f"{file}: {reason}") from None
    except ValueError:  # a NUL byte: no file has such a name
        raise InputNotFoundError(f"{file}: no such file (its name holds a NUL byte)") from None
    if stat.S_ISDIR(status.st_mode):
        raise NotAFileError(f"{file}: is a directory, expected a file")
    if not stat.S_ISREG(status.st_mode):
        raise NotAFileError(f"{file}: not a regular file")
    size = status.st_size
    if size > max_bytes:
        raise InputTooLargeError(
            f"{file}: {format_mib(size)} MiB is over the {format_mib(max_bytes)} MiB limit "
            "(raise it with --max-size)"
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise NotAFileError(f"{file}: cannot read ({exc.strerror})") from None
    text = decode_text(data, origin=str(file))
    if not text.strip():
        raise EmptyInputError(f"{file}: is empty")
    is_html = file.suffix.lower() in {".html", ".htm", ".xhtml"} or looks_like_html(text)
    name = doc_id or shown_path(file.name)
    return Document(id=name, text=text, path=shown_path(str(file)), html=is_html)


def shown_path(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which the OS hands over as lone
    surrogates) are written ``\\xff``, so the name can be stored, printed and told apart."""
    if not any("\ud800" <= char <= "\udfff" for char in name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def missing_reason(path: Path, default: str) -> str:
    """Why ``path``, which does not exist, cannot be read: ``default``, unless it is a
    symbolic link whose target is missing or that loops."""
    if not os.path.islink(path):
        return default
    try:
        path.resolve(strict=True)
    except RuntimeError:  # a loop, on Pythons that raise it
        return "a symbolic link that loops"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that loops"
    return f"a symbolic link to a missing file ({os.readlink(path)})"
