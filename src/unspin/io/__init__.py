"""Readers that turn files into documents."""

from __future__ import annotations

from unspin.io._files import DEFAULT_MAX_BYTES, Document, decode_text, read_document
from unspin.io._memory import document_from_bytes, document_from_text, safe_name

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "decode_text",
    "document_from_bytes",
    "document_from_text",
    "read_document",
    "safe_name",
]
