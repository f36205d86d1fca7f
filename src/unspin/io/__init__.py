"""Readers that turn files, directories and record files into documents."""

from __future__ import annotations

from unspin.io._files import DEFAULT_MAX_BYTES, Document, decode_text, read_document
from unspin.io._readers import InputFormat, SkippedInput, input_files, read_documents

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "InputFormat",
    "SkippedInput",
    "decode_text",
    "input_files",
    "read_document",
    "read_documents",
]
