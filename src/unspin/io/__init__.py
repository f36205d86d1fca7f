"""Readers that turn files into documents."""

from __future__ import annotations

from unspin.io._files import DEFAULT_MAX_BYTES, Document, decode_text, read_document

__all__ = ["DEFAULT_MAX_BYTES", "Document", "decode_text", "read_document"]
