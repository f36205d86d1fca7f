"""Documents from memory: text pasted into a form or bytes uploaded over HTTP.

The same checks as :func:`~unspin.io.read_document`, without a file system: the
decoder, the empty and binary checks, and HTML detection (by name or content). The
name is a label only and is never opened.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from unspin._exceptions import EmptyInputError, InputTooLargeError
from unspin.io._files import DEFAULT_MAX_BYTES, Document, decode_text, format_mib
from unspin.text._normalize import looks_like_html

__all__ = ["document_from_bytes", "document_from_text", "safe_name"]

_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MAX_NAME = 200


def safe_name(name: str | None, default: str) -> str:
    """A client-given file name as a display label: its last path component only
    (``../../etc/passwd`` → ``passwd``), without control characters, at most 200
    characters; ``default`` when nothing is left."""
    if not name:
        return default
    last = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(char for char in last if char.isprintable()).strip()
    if cleaned in {".", ".."}:
        return default
    return cleaned[:_MAX_NAME] or default


def document_from_text(text: str, *, name: str, html: bool | None = None) -> Document:
    """A :class:`Document` of ``text``; ``html=None`` detects HTML from the name's
    suffix or the content. Raises :class:`~unspin.EmptyInputError` for blank text."""
    if not text.strip():
        raise EmptyInputError(f"{name}: is empty")
    if html is None:
        html = PurePosixPath(name).suffix.lower() in _HTML_SUFFIXES or looks_like_html(text)
    return Document(id=name, text=text, path=None, html=html)


def document_from_bytes(
    data: bytes, *, name: str, html: bool | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """A :class:`Document` of uploaded bytes, decoded as :func:`~unspin.io.read_document`
    decodes a file; raises an :class:`~unspin.InputError` subclass when they are too
    many, binary or blank."""
    if len(data) > max_bytes:
        raise InputTooLargeError(
            f"{name}: {format_mib(len(data))} MiB is over the {format_mib(max_bytes)} MiB limit"
        )
    return document_from_text(decode_text(data, origin=name), name=name, html=html)
