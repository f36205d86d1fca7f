"""Readers that turn files, directories, record files and in-memory input into documents."""

from __future__ import annotations

from unspin.io._files import DEFAULT_MAX_BYTES, Document, decode_text, read_document
from unspin.io._memory import document_from_bytes, document_from_text, safe_name
from unspin.io._readers import InputFormat, SkippedInput, input_files, read_documents

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "InputFormat",
    "SkippedInput",
    "decode_text",
    "document_from_bytes",
    "document_from_text",
    "input_files",
    "read_document",
    "read_documents",
    "safe_name",
]
